"""Fix mode on real paths: real LibCST rewrites, real bandit, real pytest runs of a tiny repository."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.fix.validate import bandit_check, parses
from codepatch.types import Finding, Level, Patch

APP = '''import os
import sys

import yaml


def load_config(text):
    # the settings file is YAML
    return yaml.load(text, Loader=yaml.Loader)


def list_dir(name):
    return os.system("ls " + name)


if __name__ == "__main__":
    list_dir(sys.argv[1])
'''
FUNCTIONAL_TEST = '''import app


def test_load_config():
    assert app.load_config("a: 1") == {"a": 1}
'''
# A test that depends on the unsafe behaviour: the safe loader cannot build a Python tuple.
TUPLE_TEST = '''import app


def test_load_config_builds_tuples():
    assert app.load_config("!!python/tuple [1, 2]") == (1, 2)
'''


def make_repo(root: Path, test_text: str) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (root / "app.py").write_text(APP)
    (root / "tests" / "test_app.py").write_text(test_text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def run(*args: str):
    return CliRunner().invoke(cli, ["scan", *args, "--no-cache"])


def test_diff_prints_validated_patches_and_changes_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FUNCTIONAL_TEST)
    result = run(str(repo), "--diff")
    assert result.exit_code == 1
    assert "-    return yaml.load(text, Loader=yaml.Loader)\n+    return yaml.safe_load(text)\n" in result.stdout
    assert '+    return subprocess.run(["ls", name], check=False).returncode\n' in result.stdout
    assert "# the settings file is YAML" not in result.stdout.split("@@")[0]  # untouched lines only as context
    assert "passed parses, rescan, bandit, tests; tested" in result.stderr
    assert (repo / "app.py").read_text() == APP


def test_fix_applies_validated_patches_and_exits_0(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", FUNCTIONAL_TEST)
    result = run(str(repo), "--fix")
    assert result.exit_code == 0, result.output
    fixed = (repo / "app.py").read_text()
    assert "yaml.safe_load(text)" in fixed and "os.system" not in fixed
    assert "    # the settings file is YAML\n" in fixed  # comments kept byte for byte
    again = run(str(repo))
    assert again.exit_code == 0, again.output


def test_a_patch_that_breaks_a_test_is_rejected(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", TUPLE_TEST)
    result = run(str(repo), "--fix", "--format", "json")
    assert result.exit_code == 1
    assert "tests that passed before now fail: tests.test_app::test_load_config_builds_tuples" in result.stdout
    fixed = (repo / "app.py").read_text()
    assert "yaml.load(text, Loader=yaml.Loader)" in fixed  # the rejected patch is not applied...
    assert "os.system" not in fixed  # ...the one that validates alone is


def test_no_tests_flag_skips_the_test_step(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", TUPLE_TEST)
    result = run(str(repo), "--validate", "--no-tests")
    assert "tests (skipped); untested" in result.stdout
    assert (repo / "app.py").read_text() == APP


def finding(path: str, rule: str, bandit: str | None) -> Finding:
    return Finding(rule, 94, Level.HIGH, Level.HIGH, "m", path, 2, 1, 2, 10, "x", (), bandit)


def test_bandit_step_rejects_a_patch_that_brings_a_new_issue() -> None:
    before = "import json\n\ndef load(text):\n    return json.loads(text)\n"
    after = "import json\n\ndef load(text):\n    return eval(text)\n"
    patch = Patch((finding("m.py", "code-injection", None),), ("demo",), (("m.py", before, after),))
    verdict = bandit_check.check(patch)
    assert not verdict.passed and "B307 (medium)" in verdict.detail


def test_bandit_step_wants_the_original_issue_gone() -> None:
    before = "import os\n\ndef run(cmd):\n    os.system(cmd)\n"
    unchanged_sink = "import os\n\ndef run(cmd):\n    os.system(cmd)  # reviewed\n"
    at_sink = replace(finding("m.py", "command-injection", "B605"), line=4, end_line=4)  # bandit's line
    patch = Patch((at_sink,), ("demo",), (("m.py", before, unchanged_sink),))
    verdict = bandit_check.check(patch)
    assert not verdict.passed and "still reports B605" in verdict.detail
    elsewhere = Patch((finding("m.py", "command-injection", "B605"),), ("demo",), (("m.py", before, unchanged_sink),))
    assert bandit_check.check(elsewhere).passed  # bandit reported nothing on the finding's own line


def test_parse_step_rejects_broken_code() -> None:
    patch = Patch((finding("m.py", "x", None),), ("demo",), (("m.py", "x = 1\n", "x = (1\n"),))
    assert not parses.check(patch).passed


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fix_keeps_line_endings(tmp_path: Path, newline: str) -> None:
    repo = make_repo(tmp_path / "repo", FUNCTIONAL_TEST)
    (repo / "app.py").write_bytes(APP.replace("\n", newline).encode())
    assert run(str(repo), "--fix", "--no-tests").exit_code == 0
    data = (repo / "app.py").read_bytes()
    assert data.count(b"\r\n") == (data.count(b"\n") if newline == "\r\n" else 0)


def test_fix_command_is_scan_fix_with_the_same_options(tmp_path: Path) -> None:
    from codepatch.commands import fix, scan

    scan_options = {p.name for p in scan.command.params} - fix.FIX_MODE_OPTIONS
    assert {p.name for p in fix.command.params} == scan_options
    repo = make_repo(tmp_path / "repo", FUNCTIONAL_TEST)
    result = CliRunner().invoke(cli, ["fix", str(repo), "--no-cache", "--no-tests", "--format", "json"])
    assert result.exit_code == 0, result.output
    fixed = (repo / "app.py").read_text()
    assert "yaml.safe_load(text)" in fixed and "os.system" not in fixed
    assert "fix" in CliRunner().invoke(cli, ["--help"]).output
    assert CliRunner().invoke(cli, ["fix", str(repo), "--fix"]).exit_code == 2  # no mode options: it is the mode


def test_fix_across_modules_writes_every_file_of_the_patch(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "shop").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    (repo / "shop" / "__init__.py").write_text("")
    (repo / "shop" / "queries.py").write_text(
        "def by_name(name):\n    return f\"SELECT id FROM items WHERE name = '{name}'\"\n")
    (repo / "shop" / "cli.py").write_text(
        "import sqlite3\nimport sys\n\nfrom shop.queries import by_name\n\n\n"
        "def main():\n    db = sqlite3.connect(':memory:')\n    return db.execute(by_name(sys.argv[1])).fetchall()\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    result = run(str(repo), "--fix", "--no-tests")
    assert result.exit_code == 0, result.output
    assert (repo / "shop" / "queries.py").read_text() == \
        'def by_name(name):\n    return "SELECT id FROM items WHERE name = ?"\n'
    assert "    return db.execute(by_name(sys.argv[1]), (sys.argv[1],)).fetchall()\n" in \
        (repo / "shop" / "cli.py").read_text()
