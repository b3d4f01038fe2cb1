"""Test code a report does not show is analysed only when product code imports it: the real
discovery, per-file stage and scan."""

from __future__ import annotations

from pathlib import Path

from codepatch.files.discover import discover
from codepatch.ruleset.load import load_ruleset
from codepatch.scan.cache import FactsCache
from codepatch.scan.collect import collect
from codepatch.scan.pipeline import ScanOptions, scan
from tests.conftest import RULES

FILES = {
    "app/__init__.py": "",
    "app/views.py": "import os\n\nfrom tests.helpers import fixture_user\n\n\ndef page(name):\n    return fixture_user(name)\n",
    "tests/__init__.py": "",
    "tests/helpers.py": "import os\n\nfrom tests.deep import make\n\n\ndef fixture_user(name):\n    os.system('useradd ' + name)\n    return make(name)\n",
    "tests/deep.py": "def make(name):\n    return {'name': name}\n",
    "tests/test_views.py": "import os\n\nfrom app.views import page\n\n\ndef test_page():\n    os.system('echo ' + input())\n    page('x')\n",
}


def project(root: Path) -> Path:
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_test_modules_are_analysed_only_when_imported_transitively_from_product_code(tmp_path: Path) -> None:
    found = discover([project(tmp_path)], root=tmp_path, anchor=tmp_path)
    unshown = frozenset(s.display for s in found.files if s.display.startswith("tests/"))
    facts = collect(found.files, load_ruleset(RULES), FactsCache(None, "v"), if_imported=unshown)
    assert sorted(m["path"] for m in facts.modules) == [
        "app/__init__.py", "app/views.py", "tests/__init__.py", "tests/deep.py", "tests/helpers.py"]
    everything = collect(found.files, load_ruleset(RULES), FactsCache(None, "v"))
    assert len(everything.modules) == len(found.files) == 6


def test_a_test_helper_product_code_imports_is_reported_and_tests_only_when_asked(tmp_path: Path) -> None:
    project(tmp_path)

    def found(**options) -> set[tuple[str, str]]:
        result = scan(ScanOptions((tmp_path,), root=tmp_path, rules_dir=RULES, cache_dir=None, jobs=1,
                                   anchor=tmp_path, **options))
        return {(f.rule_id, f.path) for f in result.findings}

    assert ("command-injection", "tests/helpers.py") in found()
    assert not {path for _, path in found() if path == "tests/test_views.py"}
    assert ("command-injection", "tests/test_views.py") in found(include_tests=True)
