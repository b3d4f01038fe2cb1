"""The text report: plain and grep-friendly off a terminal, drawn by rich (imported lazily) on one."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from codepatch.report import rich_report, text_report
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import CheckResult, FixState, FixStatus
from tests.test_cli import HELPER, VIEW

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
FIRST_LINE = re.compile(r"^\S+:\d+:\d+: (high|medium|low) [a-z0-9-]+ \(CWE-\d+, confidence (high|medium|low)"
                        r"(, bandit B\d{3})?\): .+$")
WEAK = "import hashlib\n\ndef hash_password(password):\n    return hashlib.md5(password.encode()).hexdigest()\n"
TRACE_CODE = "return run('ls ' + request.args['dir'])"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("")
    (tmp_path / "tools" / "shell.py").write_text(HELPER)
    (tmp_path / "views.py").write_text(VIEW)
    (tmp_path / "weak.py").write_text(WEAK)
    return tmp_path


@pytest.fixture()
def result(project: Path):
    """Two findings: the command injection with a validated fix, the weak hash with none."""
    scanned = scan(ScanOptions((project,), cache_dir=None))
    passed = tuple(CheckResult(step, True) for step in ("parses", "rescan", "bandit"))
    statuses = {"command-injection": FixStatus(FixState.VALIDATED, ("use_argument_list",), passed),
                "weak-hash": FixStatus(FixState.UNFIXABLE, reason="the digest is compared elsewhere")}
    return replace(scanned, findings=tuple(replace(f, fix_status=statuses[f.rule_id]) for f in scanned.findings))


def test_plain_report_keeps_the_grep_friendly_first_line(result) -> None:
    report = text_report.render(result)
    assert not ANSI.search(report)
    blocks = report.split("\n\n")
    assert [FIRST_LINE.match(block.splitlines()[0]) is not None for block in blocks[:-1]] == [True, True]
    assert f"views.py:5  {TRACE_CODE}  [source]" in report
    assert result.rules_loaded > 20
    assert report.endswith(f"2 findings (high 1, medium 1, low 0), 4 files, {result.rules_loaded} rules in "
                           f"{result.seconds:.2f}s\n")


def test_rich_report_highlights_code_and_sums_up(monkeypatch, result) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    report = rich_report.render(result)
    assert ANSI.search(report)
    plain = ANSI.sub("", report)
    first_lines = [block.splitlines()[0] for block in plain.split("\n\n")[:2]]
    assert all(FIRST_LINE.match(line) for line in first_lines)
    assert f"views.py:5  {TRACE_CODE}  [source]" in plain
    assert "fix: validated fix (use_argument_list)" in plain
    assert "2 findings: high 1, medium 1, low 0" in plain
    assert "fixes: validated fix 1, candidate fix 0, no fix 1" in plain
    assert f"4 files scanned, {result.rules_loaded} rules, 0 problems" in plain
    hop = next(line for line in report.splitlines() if "request.args" in line and "[source]" in ANSI.sub("", line))
    assert hop.count("\x1b[") > 4  # the hop's code is highlighted, not one plain string


def test_fixability_of_a_finding(result) -> None:
    injection, weak = result.findings
    assert text_report.fixability(injection) == "validated fix"
    assert text_report.fixability(weak) == "no fix"
    rejected = FixStatus(FixState.REJECTED, ("use_argument_list",), (CheckResult("rescan", False, "still there"),))
    assert text_report.fixability(replace(injection, fix_status=rejected)) == "candidate fix"
    assert text_report.fixability(replace(injection, fix_status=None)) == "candidate fix"
    assert text_report.fixability(replace(injection, fixes=(), fix_status=None)) == "no fix"


def test_each_fix_state_is_one_line_of_the_report() -> None:
    passed = (CheckResult("parses", True), CheckResult("tests", True, skipped=True))
    lines = {state: FixStatus(state, ("use_argument_list",), passed, reason="refused").describe() for state in FixState}
    assert lines[FixState.VALIDATED] == "validated fix (use_argument_list): passed parses, tests (skipped); untested"
    assert lines[FixState.CANDIDATE] == "candidate fix: use_argument_list (validate with --diff)"
    assert lines[FixState.UNFIXABLE] == "no automatic fix: refused"
    assert lines[FixState.NONE] == ""
    rejected = FixStatus(FixState.REJECTED, ("x",), (CheckResult("parses", True), CheckResult("bandit", False, "B602")))
    assert rejected.describe() == "fix rejected at bandit: B602"


def test_diff_is_highlighted(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    patch = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-eval(x)\n+ast.literal_eval(x)\n"
    coloured = rich_report.diff(patch)
    assert ANSI.search(coloured) and ANSI.sub("", coloured) == patch


def run_probe(project: Path, *args: str) -> str:
    probe = ("import sys, runpy\nsys.argv = ['codepatch', 'scan', %r, '--no-cache', *%r]\n"
             "try:\n    runpy.run_module('codepatch', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('HEAVY', [m for m in ('torch', 'transformers', 'peft', 'rich') if m in sys.modules])"
             ) % (str(project), args)
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    return completed.stdout + completed.stderr


def test_scan_off_a_terminal_imports_neither_torch_nor_rich(project: Path) -> None:
    output = run_probe(project)
    assert "HEAVY []" in output, output
    assert "command-injection" in output


def test_scan_on_a_real_terminal_is_drawn_by_rich(project: Path) -> None:
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color"}
    process = subprocess.Popen([sys.executable, "-m", "codepatch", "scan", str(project), "--no-cache"],
                               stdout=terminal, stderr=subprocess.PIPE, env=env)
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert process.wait(timeout=120) == 1, process.stderr.read()
    output = b"".join(chunks).decode()
    assert ANSI.search(output)
    plain = ANSI.sub("", output).replace("\r\n", "\n")
    assert TRACE_CODE in plain and "2 findings: high 1, medium 1, low 0" in plain
    assert "fixes: validated fix 0, candidate fix 2, no fix 0" in plain  # not validated without --diff


@pytest.mark.parametrize("terminal", [True, False])
def test_fix_mode_diff_is_highlighted_only_on_a_terminal(monkeypatch, capsys, tmp_path: Path, terminal: bool) -> None:
    from codepatch.commands.scan import print_diff
    from codepatch.files.discover import report_anchor
    from codepatch.fix.plan import validate_fixes
    from codepatch.fix.validate.pipeline import ValidationSettings
    from codepatch.ruleset.load import load_ruleset

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr("codepatch.terminal.colour_on", lambda stream: terminal)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "conf.py").write_text("import yaml\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n")
    ruleset = load_ruleset()
    result = scan(ScanOptions((tmp_path,), cache_dir=None), ruleset)
    checked = validate_fixes(result, ruleset, tmp_path, report_anchor(tmp_path), ValidationSettings(run_tests=False))
    print_diff(checked.patches)
    printed = capsys.readouterr().out
    assert bool(ANSI.search(printed)) == terminal
    assert "+    return yaml.safe_load(text)\n" in ANSI.sub("", printed)
