"""Defect 8: Python without a `.py` suffix (shebang scripts, `.pyw`) is analysed, as pre-commit's
`types: [python]` passes it; a named file that is not Python is a problem, never silence."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.hostile.conftest import FLAW_RULE, FLAWED, codepatch


@pytest.mark.parametrize("name, first_line", [
    ("deploy", "#!/usr/bin/env python3\n"),
    ("backup", "#!/usr/bin/python3.12 -u\n"),
    ("tool", "#!/usr/bin/env -S python3 -X dev\n"),
    ("gui.pyw", ""),
])
def test_scripts_without_a_py_suffix_are_analysed(tmp_path: Path, name: str, first_line: str) -> None:
    script = tmp_path / name
    script.write_text(first_line + FLAWED)
    script.chmod(0o755)
    for named in (".", name):  # found by discovery, and named on the command line as pre-commit does
        done = codepatch("scan", named, "--no-cache", "--format", "json", "--strict", cwd=tmp_path)
        assert done.returncode == 1, (named, done.stderr)
        assert [(f["path"], f["rule_id"]) for f in json.loads(done.stdout)["findings"]] == [(name, FLAW_RULE)]


def test_a_shell_script_is_not_python(tmp_path: Path) -> None:
    (tmp_path / "run").write_text("#!/bin/sh\nexec python3 -c 'import os'\n")
    done = codepatch("scan", ".", "--no-cache", "--strict", cwd=tmp_path)
    assert done.returncode == 0 and b", 0 files," in done.stdout


def test_a_named_file_that_is_not_python_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# readme\n")
    done = codepatch("scan", "README.md", "--no-cache", cwd=tmp_path)
    assert done.returncode == 0 and b"README.md: skipped: not a Python file" in done.stdout
    assert codepatch("scan", "README.md", "--no-cache", "--strict", cwd=tmp_path).returncode == 2


def test_a_fifo_named_like_python_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "ok.py").write_text(FLAWED)
    done = codepatch("scan", ".", "--no-cache", "--strict", timeout=120, cwd=tmp_path)
    assert done.returncode == 2 and b"pipe.py: skipped: not a regular file" in done.stdout
