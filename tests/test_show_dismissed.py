"""`scan --show-dismissed`: each place a rule names where nothing is reported, with the engine's
reason (the proof Bandit parity asks for), through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codepatch.analysis.conditions import APPLIES, describe, verdict

APP = '''\
import hashlib
import os
import sqlite3
import subprocess

from flask import Flask, request

app = Flask(__name__)
TABLE = "users"


def count(db, table):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()


@app.route("/a")
def a():
    db = sqlite3.connect("x.db")
    db.execute(f"SELECT * FROM {TABLE}")
    count(db, "users")
    os.system("ls " + request.args["d"])
    return "ok"


def etag(body):
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def _helper(cmd):
    os.system("echo " + cmd)


def run():
    _helper("hello")
'''


def scan_json(project: Path, *flags: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "codepatch", "scan", str(project), "--no-cache", "--format", "json",
                           "--fail-on", "none", *flags], capture_output=True, text=True, check=False, cwd=project)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def _reasons(report: dict) -> dict[tuple[int, str], str]:
    return {(d["line"], d["rule_id"]): "; ".join(d["reasons"]) for d in report["dismissed"] if d["path"] == "app.py"}


def test_each_quiet_sink_says_why(project: Path) -> None:
    report = scan_json(project, "--show-dismissed")
    reasons = _reasons(report)
    assert reasons[(19, "sql-injection")] == "its input is proven to hold only constants"
    # A helper's parameter: not input (the project calls it), and its one caller passes a constant.
    assert "parameter 'table' of app.count, a function the project calls" in reasons[(13, "sql-injection")]
    assert "the call from app.a passes constants only" in reasons[(13, "sql-injection")]
    assert "parameter 'cmd' of app._helper, a private function" in reasons[(30, "command-injection")]
    assert reasons[(26, "weak-hash")].startswith("the rule makes an exception when keyword usedforsecurity")
    # What is reported is not dismissed.
    assert any(f["line"] == 21 and f["rule_id"] == "command-injection" for f in report["findings"])
    assert (21, "command-injection") not in reasons


def test_without_the_flag_nothing_is_dismissed_and_findings_are_the_same(project: Path) -> None:
    plain = scan_json(project)
    explained = scan_json(project, "--show-dismissed")
    assert plain["dismissed"] == []
    assert [(f["line"], f["rule_id"]) for f in plain["findings"]] == \
        [(f["line"], f["rule_id"]) for f in explained["findings"]]


def test_a_finding_below_the_thresholds_is_listed_as_such(project: Path) -> None:
    (project / "tool.py").write_text("import pickle\n\ndef _load(blob):\n    return pickle.loads(blob)\n\n"
                                     "def main():\n    return _load(open('x', 'rb').read())\n")
    reasons = {(d["path"], d["line"]): d["reasons"] for d in scan_json(project, "--show-dismissed")["dismissed"]}
    assert reasons[("tool.py", 4)] == ["a finding at low confidence and high severity, below the report's "
                                       "thresholds (--confidence, --severity)"]


def test_the_text_report_prints_one_line_per_place(project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "codepatch", "scan", str(project), "--no-cache", "--show-dismissed"],
                          capture_output=True, text=True, check=False, cwd=project)
    assert done.returncode == 1, done.stderr
    assert "app.py:19: dismissed sql-injection: its input is proven to hold only constants\n" in done.stdout


def test_an_exception_is_described_by_its_condition() -> None:
    call = {"args": [], "kw": {"usedforsecurity": {"c": False}}}
    unless = ({"kwarg": "usedforsecurity", "truthy": False},)
    assert verdict((), unless, lambda c: c["kwarg"] in call["kw"]) == \
        "the rule makes an exception when keyword usedforsecurity: not truthy"
    assert verdict((), unless, lambda c: False) == APPLIES
    assert verdict(({"kwarg": "x"},), unless, lambda c: c["kwarg"] in call["kw"]) is None
    assert describe({"arg": 2, "kwarg": "mimetype", "matches": "x" * 80}).endswith("...")


def test_a_call_of_the_projects_own_method_is_explained_where_a_method_sink_was_expected(project: Path) -> None:
    (project / "schema.py").write_text(
        "class Editor:\n"
        "    def __init__(self, connection):\n        self.connection = connection\n\n"
        "    def execute(self, sql):\n        self.connection.cursor().execute(sql)\n\n"
        "    def drop(self, table):\n        self.execute('DROP TABLE %s' % table)\n")
    reasons = {(d["path"], d["line"]): d["reasons"] for d in scan_json(project, "--show-dismissed")["dismissed"]}
    assert "a call of the project's own method of that name, whose sinks are checked inside it" \
        in reasons[("schema.py", 9)]


def test_a_definition_replaced_by_a_later_one_is_checked_and_explained(project: Path) -> None:
    # Bandit flags the first `command`; nothing can call it, since the second takes its name.
    (project / "tasks.py").write_text(
        "import subprocess\n\n\ndef command(line):\n    return subprocess.run('nice ' + line, shell=True)\n\n\n"
        "def command(name):\n    return subprocess.run(['echo', name])\n")
    reasons = {(d["path"], d["line"]): d["reasons"] for d in scan_json(project, "--show-dismissed")["dismissed"]}
    assert any("a later one of the same name replaces" in reason for reason in reasons[("tasks.py", 5)])
