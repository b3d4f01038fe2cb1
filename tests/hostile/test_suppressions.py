"""Loose `codepatch` markers on a sink's line, through the real command line in its own process:
the finding stays reported (exit 1) with a note; the documented forms still suppress (exit 0)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import ENTRY

SINK = 'import os, sys\nos.system("ls " + sys.argv[1])  {}\n'
LOOSE = [
    "# codepatch: ignore[]",
    "# codepatch: ignore [command-injection]",
    "# codepatch: ignore(command-injection)",
    "# codepatch: ignored-by-nobody",
    "# codepatch ignore",
    "# codepatch: ignore, the command is fixed",
]
DOCUMENTED = [
    "# codepatch: ignore",
    "# codepatch: ignore[command-injection]",
    "# codepatch: ignore[sql-injection, command-injection]  # the argument is a folder name",
    "# noqa: E501  # CODEPATCH: IGNORE[COMMAND-INJECTION]",
]


def scan(tmp_path: Path, comment: str) -> tuple[int, dict]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(SINK.format(comment))
    done = subprocess.run([sys.executable, "-c", ENTRY, "scan", str(project),
                           "--no-cache", "--format", "json"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120, check=False)
    return done.returncode, json.loads(done.stdout)


@pytest.mark.parametrize("comment", LOOSE)
def test_a_loose_marker_hides_nothing_and_says_so(tmp_path: Path, comment: str) -> None:
    status, report = scan(tmp_path, comment)
    assert status == 1
    assert [f["rule_id"] for f in report["findings"]] == ["command-injection"]
    assert report["notes"] == [f"project/app.py:2: malformed suppression '{comment[2:]}': suppresses nothing "
                               "(write '# codepatch: ignore[RULE-ID]')"]


def test_a_marker_word_inside_a_comment_is_no_marker(tmp_path: Path) -> None:
    status, report = scan(tmp_path, "# TODO: add codepatch: ignore here? no!")
    assert status == 1 and len(report["findings"]) == 1 and report["notes"] == []


def test_an_unknown_rule_id_hides_nothing_and_says_so(tmp_path: Path) -> None:
    status, report = scan(tmp_path, "# codepatch: ignore[comand-injection]")
    assert status == 1 and len(report["findings"]) == 1
    assert report["notes"] == ["project/app.py:2: suppression names unknown rule 'comand-injection'"]


@pytest.mark.parametrize("comment", DOCUMENTED)
def test_the_documented_forms_still_suppress(tmp_path: Path, comment: str) -> None:
    status, report = scan(tmp_path, comment)
    assert status == 0
    assert report["findings"] == [] and report["summary"]["suppressed"] == 1 and report["notes"] == []
