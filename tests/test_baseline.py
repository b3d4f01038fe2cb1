"""Baselines: accepted findings stay hidden through code motion and edits elsewhere; new ones show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from codepatch.cli import cli

APP = ("import os, sys\n\n\n"
       "def run():\n"
       "    command = 'ls ' + sys.argv[1]\n"
       "    os.system(command)\n")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "other.py").write_text("import hashlib\n\n\ndef digest(password):\n    return hashlib.md5(password)\n")
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, ["scan", ".", "--no-cache", *args])


def findings(*args: str) -> dict:
    result = invoke("--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_written_baseline_is_sorted_readable_and_hides_everything(project: Path) -> None:
    written = invoke("--write-baseline", "base.json")
    assert written.exit_code == 0, written.output
    assert "wrote 2 finding(s) to baseline base.json" in written.stderr
    entries = json.loads((project / "base.json").read_text())["findings"]
    assert [(e["path"], e["rule_id"], e["line"]) for e in entries] == [("app.py", "command-injection", 6),
                                                                      ("other.py", "weak-hash", 5)]
    assert not list(project.glob(".base.json.*"))  # written through a temporary file and a rename
    report = findings("--baseline", "base.json")
    assert report["findings"] == []
    assert report["notes"] == ["baseline base.json: 2 finding(s) hidden, 0 entries no longer found"]
    assert invoke("--baseline", "base.json").exit_code == 0


def test_baseline_survives_code_motion_and_edits_elsewhere(project: Path) -> None:
    invoke("--write-baseline", "base.json")
    moved = ("import os, sys\n\nHEADER = 'a new constant'\n\n\ndef helper():\n    return 42\n"
             + "\n" * 10 + APP.split("\n\n\n", 1)[1].replace("os.system(command)", "os.system( command )  # why"))
    (project / "app.py").write_text(moved)
    assert findings()["findings"][0]["line"] == 20  # was 6
    assert findings("--baseline", "base.json")["findings"] == []


def test_a_new_identical_finding_in_the_same_file_is_not_hidden(project: Path) -> None:
    invoke("--write-baseline", "base.json")
    (project / "app.py").write_text(APP + "\n\n" + APP.split("\n\n\n", 1)[1].replace("def run", "def again"))
    report = findings("--baseline", "base.json")
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("app.py", 11)]
    assert report["findings"][0]["fingerprint"].endswith(":2")


def test_a_changed_sink_or_trace_is_new_and_its_old_entry_stale(project: Path) -> None:
    invoke("--write-baseline", "base.json")
    (project / "app.py").write_text(APP.replace("'ls ' + sys.argv[1]", "'cat ' + sys.argv[1]"))
    report = findings("--baseline", "base.json")
    assert [f["rule_id"] for f in report["findings"]] == ["command-injection"]
    assert report["notes"] == ["baseline base.json: 1 finding(s) hidden, 1 entry no longer found"]


def test_sarif_and_json_share_the_fingerprint(project: Path) -> None:
    json_prints = {f["fingerprint"] for f in findings()["findings"]}
    sarif = json.loads(invoke("--format", "sarif").stdout)
    assert {r["partialFingerprints"]["primaryLocationLineHash"] for r in sarif["runs"][0]["results"]} == json_prints


@pytest.mark.parametrize("content", ["{not json", '{"findings": 3}', "[1, 2]",
                                     '{"codepatch_baseline": 1, "findings": [{}]}'])
def test_malformed_baseline_is_a_one_line_error(project: Path, content: str) -> None:
    (project / "base.json").write_text(content)
    result = invoke("--baseline", "base.json")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "baseline base.json" in result.stderr


def test_missing_baseline_and_conflicting_options_exit_2(project: Path) -> None:
    assert invoke("--baseline", "nowhere.json").exit_code == 2
    both = invoke("--baseline", "a.json", "--write-baseline", "b.json")
    assert both.exit_code == 2 and "--write-baseline" in both.output
