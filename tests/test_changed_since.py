"""`--changed-since REF` on a real git repository: only findings that a change touches are reported."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.triage.changes import parse_diff

SHELL = "import subprocess\n\n\ndef run(command):\n    return subprocess.run(command, shell=True)\n"
VIEWS = ("from flask import request\n\nfrom tools.shell import run\n\n\n"
         "def listing():\n    return run('ls')\n")
LEGACY = "import os, sys\n\n\ndef main():\n    os.system(sys.argv[1])\n"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch) -> Path:
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{key}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{key}_EMAIL", "test@example.com")
    root = tmp_path / "repo"
    (root / "tools").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (root / "tools" / "__init__.py").write_text("")
    (root / "tools" / "shell.py").write_text(SHELL)
    (root / "views.py").write_text(VIEWS)
    (root / "legacy.py").write_text(LEGACY)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    monkeypatch.chdir(root)
    return root


def scan_changed(*args: str):
    return CliRunner().invoke(cli, ["scan", ".", "--no-cache", "--format", "json", *args])


def reported(*args: str) -> dict:
    result = scan_changed(*args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_only_findings_touching_changed_lines_are_reported(repo: Path) -> None:
    assert [f["path"] for f in reported()["findings"]] == ["legacy.py"]  # the whole project
    assert reported("--changed-since", "main")["findings"] == []
    # The sink in tools/shell.py is unchanged; the source line in views.py is new: reported.
    (repo / "views.py").write_text(VIEWS.replace("run('ls')", "run('ls ' + request.args['dir'])"))
    git(repo, "commit", "-qam", "list any folder")
    (repo / "legacy.py").write_text(LEGACY + "\n\ndef unrelated():\n    return 1\n")  # uncommitted, elsewhere
    (repo / "fresh.py").write_text("import os, sys\nos.popen(sys.argv[1])\n")  # untracked: wholly changed
    report = reported("--changed-since", "main")
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("fresh.py", 2), ("tools/shell.py", 5)]
    assert report["findings"][1]["trace"][0]["path"] == "views.py"
    assert report["notes"][-1].startswith("--changed-since main: 2 of 3 finding(s) touch lines changed since ")


def test_work_tree_edit_of_a_sink_line_is_reported(repo: Path) -> None:
    (repo / "legacy.py").write_text(LEGACY.replace("sys.argv[1]", "sys.argv[2]"))
    assert [f["line"] for f in reported("--changed-since", "main")["findings"]] == [5]


def test_a_suppression_added_in_the_change_is_reported(repo: Path) -> None:
    (repo / "legacy.py").write_text(LEGACY.replace("sys.argv[1])", "sys.argv[1])  # nosec"))
    report = reported("--changed-since", "main", "--show-suppressed")
    assert report["findings"] == [] and [f["path"] for f in report["suppressed"]] == ["legacy.py"]
    assert "legacy.py:5: suppression added in this change hides command-injection" in report["notes"]


def test_changed_since_works_from_a_subfolder_with_top_level_paths(repo: Path, monkeypatch) -> None:
    (repo / "tools" / "shell.py").write_text(SHELL.replace("shell=True)", "shell=True, check=False)"))
    (repo / "views.py").write_text(VIEWS.replace("run('ls')", "run(request.args['cmd'])"))
    git(repo, "commit", "-qam", "flow")
    monkeypatch.chdir(repo / "tools")
    result = CliRunner().invoke(cli, ["scan", ".", "--no-cache", "--format", "json", "--changed-since", "main"])
    assert [f["path"] for f in json.loads(result.stdout)["findings"]] == ["tools/shell.py"]


def test_unknown_ref_and_no_repository_are_one_line_errors(repo: Path, tmp_path: Path, monkeypatch) -> None:
    bad = scan_changed("--changed-since", "no-such-branch")
    assert bad.exit_code == 2 and "unknown git ref 'no-such-branch'" in bad.stderr and "git fetch" in bad.stderr
    assert bad.stderr.count("\n") == 1
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.py").write_text(LEGACY)
    monkeypatch.chdir(tmp_path / "plain")
    outside = scan_changed("--changed-since", "main")
    assert outside.exit_code == 2 and "needs a git repository" in outside.stderr


def test_shallow_clone_without_the_merge_base_says_how_to_fetch(repo: Path, tmp_path: Path, monkeypatch) -> None:
    git(repo, "checkout", "-q", "main")
    (repo / "legacy.py").write_text(LEGACY + "# main moves on\n")
    git(repo, "commit", "-qam", "main moves on")
    git(repo, "checkout", "-q", "feature")
    (repo / "views.py").write_text(VIEWS + "# feature work\n")
    git(repo, "commit", "-qam", "feature work")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", repo.as_uri(), str(clone))
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    monkeypatch.chdir(clone)
    result = scan_changed("--changed-since", "origin/main")
    assert result.exit_code == 2 and "shallow clone" in result.stderr and "git fetch --deepen" in result.stderr


def test_diff_parsing_of_renames_deletions_and_quoted_names() -> None:
    diff = (b'diff --git a/old.py b/new.py\nsimilarity index 90%\nrename from old.py\nrename to new.py\n'
            b'--- a/old.py\n+++ b/new.py\n@@ -3 +3,2 @@\n-x = 1\n+x = 2\n++++ y = 3\n'
            b'diff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n'
            b'diff --git "a/na\\303\\257ve.py" "b/na\\303\\257ve.py"\n--- "a/na\\303\\257ve.py"\n'
            b'+++ "b/na\\303\\257ve.py"\n@@ -7,2 +6,0 @@\n-a\n-b\n')
    assert parse_diff(diff) == {"new.py": {3, 4}, "naïve.py": {6, 7}}
