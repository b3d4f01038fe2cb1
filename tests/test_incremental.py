"""Re-scans after an edit re-solve only what the edit may affect (equality with a fresh scan is
checked in tests/test_cli.py::test_cached_scans_match_a_fresh_scan_after_edits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codepatch.scan.cache import FactsCache
from codepatch.scan.pipeline import ScanOptions, scan
from tests.test_cli import HELPER, VIEW

OTHER = "def ident(value):\n    return value\n"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "tools").mkdir(parents=True)
    (root / "tools" / "__init__.py").write_text("")
    (root / "tools" / "shell.py").write_text(HELPER)
    (root / "tools" / "other.py").write_text(OTHER)
    (root / "views.py").write_text(VIEW)
    return root


def scan_loading(project: Path, cache: Path, monkeypatch) -> tuple[list[str], list[str]]:
    """The findings' paths, and the files whose facts the scan read back from the cache."""
    loaded: list[str] = []
    real_get = FactsCache.get

    def get(self, key):
        found = real_get(self, key)
        if found:
            loaded.append(Path(found[0]["path"]).name)
        return found

    monkeypatch.setattr(FactsCache, "get", get)
    result = scan(ScanOptions((project,), root=project, cache_dir=cache))
    monkeypatch.undo()
    return [Path(f.path).name for f in result.findings], sorted(loaded)


def test_an_edit_loads_only_the_facts_the_re_solve_needs(project: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    assert scan_loading(project, cache, monkeypatch) == (["shell.py"], [])  # cold: every file parsed
    (project / "tools" / "other.py").write_text(OTHER + "\n\ndef more(value):\n    return ident(value)\n")
    assert scan_loading(project, cache, monkeypatch) == (["shell.py"], [])  # nothing else depends on it
    (project / "tools" / "shell.py").write_text(HELPER.replace("(command, shell=True)", "(['ls', command])"))
    # `view` called `run`, whose summary changed: it is solved again, `ident` and `more` are not.
    assert scan_loading(project, cache, monkeypatch) == ([], ["views.py"])


def test_a_changed_rule_set_or_solver_solves_everything_again(project: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    scan_loading(project, cache, monkeypatch)
    monkeypatch.setattr("codepatch.scan.solve._solver_code_digest", lambda: "another solver")
    (project / "views.py").write_text(VIEW + "# edited\n")
    findings, loaded = scan_loading(project, cache, monkeypatch)
    assert findings == ["shell.py"] and "other.py" in loaded and "shell.py" in loaded


@pytest.mark.parametrize("lost", ["solver state", "a module's solver state line", "facts"])
def test_a_lost_cache_file_costs_time_not_findings(project: Path, tmp_path: Path, monkeypatch, lost: str) -> None:
    cache = tmp_path / "cache"
    scan_loading(project, cache, monkeypatch)
    pattern = "solved-*/*.state.jsonl" if "solver state" in lost else "facts-*/*/*.json"
    for path in cache.glob(pattern):
        if lost == "a module's solver state line":
            path.write_text(path.read_text().rsplit("\n", 1)[0])  # one line per module after the head
        elif lost == "solver state" or "views.py\"" in path.read_text():
            path.unlink()
    # `view` must be solved again, from facts of an unchanged file that are no longer cached.
    (project / "tools" / "shell.py").write_text(HELPER.replace("run(command)", "run(command, extra=None)"))
    findings, _ = scan_loading(project, cache, monkeypatch)
    assert findings == ["shell.py"]


def test_an_override_added_later_is_reached_by_calls_on_objects_of_unknown_class(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pages.py").write_text("class Page:\n    def run(self, query):\n        return query\n")
    search = "import os\n\nfrom pages import Page\n\n\nclass Search(Page):\n    def title(self):\n        return 'Search'\n"
    (root / "search.py").write_text(search)
    (root / "app.py").write_text("from flask import Flask, request\n\nimport search\n\napp = Flask(__name__)\n"
                                 "PAGES = {'search': search.Search()}\n\n\n@app.route('/<name>')\n"
                                 "def page(name):\n    return PAGES[name].run(request.args['q'])\n")

    def found(cache: Path | None) -> list[tuple[str, int]]:
        result = scan(ScanOptions((root,), root=root, cache_dir=cache))
        return sorted((Path(f.path).name, f.line) for f in result.findings if f.rule_id == "command-injection")

    cache = tmp_path / "cache"
    assert found(cache) == found(None) == []
    # A method added to a class in a module the caller's call never reached: the caller is solved again.
    (root / "search.py").write_text(search + "\n    def run(self, query):\n        return os.system('grep ' + query)\n")
    assert found(cache) == found(None) == [("search.py", 11)]


def test_a_caller_edited_to_pass_an_upload_re_solves_the_helper_it_types(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "store.py").write_text("import os\n\n\ndef keep(upload, name):\n"
                                   "    upload.save(os.path.join('/srv', name))\n")
    view = "from flask import request\nfrom store import keep\n\n\ndef view():\n    keep({}, request.args['n'])\n"
    (root / "views.py").write_text(view.format("None"))
    cache = tmp_path / "cache"
    assert scan_loading(root, cache, monkeypatch)[0] == []
    (root / "views.py").write_text(view.format("request.files['doc']"))
    # Only views.py changed, but `keep`'s parameter now holds an upload: `keep` is solved again.
    assert scan_loading(root, cache, monkeypatch) == (["store.py"], ["store.py"])
    fresh = scan(ScanOptions((root,), root=root, cache_dir=None))
    assert [Path(f.path).name for f in fresh.findings] == ["store.py"]


def test_a_predicate_edited_to_check_nothing_brings_back_what_it_hid(tmp_path: Path) -> None:
    """A caller's verdict rests on what the predicate checks (its facts), not on its summary, which
    is empty: the edit must still solve the caller again."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "app.py").write_text(
        "from flask import Flask, redirect, request\nfrom checks import on_site\napp = Flask(__name__)\n"
        "@app.route('/a')\ndef a():\n    target = request.args['next']\n    if not on_site(target):\n"
        "        target = '/'\n    return redirect(target)\n")
    checked = "from urllib.parse import urlsplit\ndef on_site(url):\n    return urlsplit(url).hostname in {'a.org'}\n"
    (root / "checks.py").write_text(checked)

    def findings(cache: Path | None) -> list[tuple[str, int]]:
        result = scan(ScanOptions((root,), root=root, cache_dir=cache))
        return [(f.rule_id, f.line) for f in result.findings]

    cache = tmp_path / "cache"
    assert findings(cache) == []
    (root / "checks.py").write_text(checked.replace("urlsplit(url).hostname in {'a.org'}", "len(url) > 0"))
    assert findings(cache) == findings(None) == [("open-redirect", 9)]
    (root / "checks.py").write_text(checked)
    assert findings(cache) == []
