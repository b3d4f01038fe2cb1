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
