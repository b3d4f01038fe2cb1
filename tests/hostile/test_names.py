"""Defects 2, 5 and 16: file names that are not UTF-8 or that hold newlines, workflow commands and
escape sequences are scanned and reported, and nothing they hold reaches a terminal or a CI log
as anything but text."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    ENTRY,
    FLAW_RULE,
    FLAWED,
    codepatch,
    no_control_characters,
    no_workflow_commands,
)

HOSTILE_NAMES = [
    b"\xff.py",
    b"n\n::stop-commands::pwn\n::error file=app.py,line=1::fake\n.py",
    b"::error file=app.py,line=1::fake.py",
    b"esc\x1b[2J\x1b]0;title\x07.py",
    b"bidi\xe2\x80\xaecod.py",  # U+202E RIGHT-TO-LEFT OVERRIDE
]


@pytest.fixture
def hostile(repo: Path) -> Path:
    for name in HOSTILE_NAMES:
        with open(os.path.join(os.fsencode(repo), name), "w") as handle:
            handle.write(FLAWED)
    (repo / "notes.py").write_text("x = 1  # codepatch: ignore\n")  # an unused-suppression note on stderr
    return repo


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_every_hostile_name_is_scanned_and_nothing_escapes(hostile: Path, output_format: str) -> None:
    done = codepatch("scan", ".", "--no-cache", "--format", output_format, cwd=hostile)
    assert done.returncode == 1, done.stderr
    assert no_control_characters(done.stderr) and no_workflow_commands(done.stderr)
    assert no_control_characters(done.stdout)
    if output_format == "github":
        commands = [line for line in done.stdout.split(b"\n") if line.startswith(b"::")]
        assert len(commands) == len(HOSTILE_NAMES) + 1 + 1  # one per flawed file, and the note
        assert all(line.startswith((b"::error file=", b"::warning file=")) for line in commands)
        assert all(line.count(b"::") == 2 for line in commands)  # no second command hidden in one
    else:
        assert no_workflow_commands(done.stdout)
    if output_format == "json":
        assert len([f for f in json.loads(done.stdout)["findings"] if f["rule_id"] == FLAW_RULE]) == 6
    if output_format == "sarif":
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(done.stdout)["runs"][0]["results"]}
        assert "%FF.py" in uris and "ok.py" in uris
        assert all(set(uri) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/%") for uri in uris)


def test_a_name_that_is_not_utf8_shows_its_byte(hostile: Path) -> None:
    done = codepatch("scan", ".", "--no-cache", cwd=hostile)
    assert b"\\xff.py:2:1: high command-injection" in done.stdout
    assert b"n\\x0a::stop-commands::pwn\\x0a" in done.stdout


def test_with_no_color_a_terminal_gets_no_escape_sequence(repo: Path) -> None:
    """Defect 16: a terminal (a pseudo-terminal here) with NO_COLOR set sees plain text only."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-c", ENTRY, "scan", ".", "--no-cache"], cwd=repo,
                                   stdout=follower, stderr=follower, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color"})
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=120) == 1
    finally:
        os.close(leader)
    assert b"command-injection" in output
    assert b"\x1b" not in output


def test_an_empty_changed_since_is_a_usage_error(repo: Path) -> None:
    done = codepatch("scan", ".", "--no-cache", "--changed-since", "", cwd=repo)
    assert done.returncode == 2 and b"needs a git ref" in done.stderr


def test_a_file_with_a_space_added_after_the_base_is_reported(repo: Path) -> None:
    """Defect 3: git ends `+++ b/my app.py` with a TAB; the file was ignored and the gate passed."""
    from tests.hostile.conftest import git

    (repo / "my app.py").write_text(FLAWED)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a file with a space")
    done = codepatch("scan", ".", "--no-cache", "--changed-since", "HEAD~1", "--format", "json", cwd=repo)
    assert done.returncode == 1
    assert [f["path"] for f in json.loads(done.stdout)["findings"]] == ["my app.py"]
