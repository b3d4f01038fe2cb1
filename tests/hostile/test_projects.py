"""Defect 4: files of several projects named in one call (pre-commit in a monorepo) are each
analysed within their own project, with that project's configuration; the exit status is the worst."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import FLAWED, codepatch


def make(root: Path, name: str, config: str = "") -> Path:
    project = root / name
    project.mkdir()
    (project / "pyproject.toml").write_text(config)
    (project / f"{name}_tool.py").write_text(FLAWED)
    return project


def test_each_named_file_is_analysed_in_its_own_project(tmp_path: Path) -> None:
    make(tmp_path, "a")
    make(tmp_path, "b")
    done = codepatch("scan", "a/a_tool.py", "b/b_tool.py", "--no-cache", "--format", "json", "--strict", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert sorted(f["path"] for f in json.loads(done.stdout)["findings"]) == ["a/a_tool.py", "b/b_tool.py"]


def test_each_project_keeps_its_own_configuration_and_the_worst_status_wins(tmp_path: Path) -> None:
    make(tmp_path, "quiet", '[tool.codepatch]\nignore = ["command-injection"]\n')
    make(tmp_path, "lenient", '[tool.codepatch]\nfail-on = "none"\n')
    done = codepatch("scan", "quiet", "lenient", "--no-cache", "--format", "json", cwd=tmp_path)
    assert [f["path"] for f in json.loads(done.stdout)["findings"]] == ["lenient/lenient_tool.py"]
    assert done.returncode == 0  # the only finding is in a project that never fails
    make(tmp_path, "strict")
    done = codepatch("scan", "quiet", "lenient", "strict", "--no-cache", cwd=tmp_path)
    assert done.returncode == 1


def test_a_path_outside_an_explicit_root_is_a_usage_error(tmp_path: Path) -> None:
    make(tmp_path, "a")
    make(tmp_path, "b")
    done = codepatch("scan", "--root", "a", "b/b_tool.py", "--no-cache", cwd=tmp_path)
    assert done.returncode == 2 and b"outside the project root" in done.stderr
