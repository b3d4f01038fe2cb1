"""The unified diff a validated patch is shown as, applied with the real `patch` tool."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from codepatch.report.patch_edits import unified_diff

BEFORE = "import hashlib\n\n\ndef store(pw):\n    return hashlib.md5(pw).hexdigest()\n"
AFTER = BEFORE.replace("md5", "sha256")


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch")
def test_a_relative_path_applies_with_p1_and_an_absolute_one_with_p0(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(BEFORE)
    relative = unified_diff("app.py", BEFORE, AFTER)
    assert relative.startswith("--- a/app.py\n+++ b/app.py\n")
    subprocess.run(["patch", "-p1", "-s"], input=relative, text=True, cwd=tmp_path, check=True)
    assert (tmp_path / "app.py").read_text() == AFTER

    (tmp_path / "app.py").write_text(BEFORE)
    absolute = unified_diff(str(tmp_path / "app.py"), BEFORE, AFTER)
    assert absolute.startswith(f"--- {tmp_path}/app.py\n")
    subprocess.run(["patch", "-p0", "-s"], input=absolute, text=True, cwd="/", check=True)
    assert (tmp_path / "app.py").read_text() == AFTER
