"""Hostile-input tests drive the real entry point, `codepatch.cli:main`, in a subprocess (click's
test runner would hide how the process really exits): exit status, standard output and error,
and the files left on disk are what a user, a CI runner or a pre-commit hook sees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENTRY = "from codepatch.cli import main; main()"
# `ok.py` of the defect reports: argv reaches a shell command.
FLAWED = 'import os, sys\nos.system("ls " + sys.argv[1])\n'
FLAW_RULE = "command-injection"


def codepatch(*args: str | bytes, cwd: Path, env: dict | None = None, timeout: float = 300,
              **popen: object) -> subprocess.CompletedProcess:
    """`codepatch ARGS...` as a user runs it; stdout and stderr as bytes (they may hold anything)."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=cwd, env=environment, capture_output="stdout" not in popen,
                          timeout=timeout, stdin=subprocess.DEVNULL, **popen)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.email=a@b", "-c", "user.name=a", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding `ok.py` (the flaw), committed."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "ok.py").write_text(FLAWED)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root


def no_control_characters(output: bytes) -> bool:
    """Nothing a terminal or a CI runner could act on: no control character but newlines."""
    return not any(byte < 0x20 and byte not in (0x0A,) or byte == 0x7F for byte in output)


def no_workflow_commands(output: bytes) -> bool:
    """No line a GitHub runner would read as a workflow command (`::` after leading whitespace)."""
    return not any(line.lstrip().startswith(b"::") for line in output.split(b"\n"))
