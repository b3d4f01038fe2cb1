"""The text report drawn by rich for a terminal: code highlighted as Python, a summary by severity
and by fixability. Imported only when colour is on, so plain scans never load rich.

Lines are soft-wrapped (the terminal wraps them), so each finding still starts with
`path:line:col: severity rule-id`.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.syntax import Syntax
from rich.text import Text

from codepatch.report.text_report import (
    FIXABILITY,
    LEVELS,
    details,
    dismissed_line,
    fix_line,
    fixability,
    fixability_counts,
    location,
    printable,
    problem_line,
    severity_counts,
    suppressed_line,
    verdict_line,
)
from codepatch.types import Finding, ScanResult

THEME = "ansi_dark"  # the terminal's own palette, readable on dark and light backgrounds
SEVERITY_STYLES = {"high": "bold red", "medium": "bold yellow", "low": "bold cyan"}
FIXABILITY_STYLES = {"validated fix": "green", "candidate fix": "yellow", "no fix": "dim"}


def render(result: ScanResult, show_suppressed: bool = False) -> str:
    console, buffer = _console()
    for finding in result.findings:
        for line in _finding(printable(finding)):
            console.print(line, soft_wrap=True)
    for finding in result.suppressed if show_suppressed else ():
        console.print(Text(suppressed_line(printable(finding)), style="dim"), soft_wrap=True)
    for dismissal in result.dismissed:
        console.print(Text(dismissed_line(dismissal), style="dim"), soft_wrap=True)
    for problem in result.problems:
        console.print(Text(problem_line(problem), style="magenta"), soft_wrap=True)
    for line in _summary(result):
        console.print(line, soft_wrap=True)
    return buffer.getvalue()


def diff(text: str) -> str:
    """A unified diff with added and removed lines coloured."""
    console, buffer = _console()
    console.print(Syntax(text.rstrip("\n"), "diff", theme=THEME, background_color="default"), soft_wrap=True)
    return buffer.getvalue()


def python(code: str) -> Text:
    """One line of Python, highlighted."""
    highlighted = Syntax("", "python", theme=THEME, background_color="default").highlight(code)
    highlighted.rstrip()
    return highlighted


def _console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, highlight=False), buffer


def _finding(f: Finding) -> list[Text]:
    header = Text.assemble((location(f), "bold"), ": ", (f.severity.value, SEVERITY_STYLES[f.severity.value]), " ",
                           (f.rule_id, "bold"), f" ({details(f)}): ", f.message)
    lines = [header, Text("    ") + python(f.code)]
    if len(f.trace) > 1:
        lines.append(Text("  trace:", style="dim"))
        for hop in f.trace:
            line = Text.assemble("    ", (f"{hop.path}:{hop.line}", "bold"), "  ") + python(hop.code)
            if hop.note:
                line.append(f"  [{hop.note}]", style="dim")
            lines.append(line)
    if f.suppression:
        lines.append(Text(f"  suppression on line {f.suppression}", style="bold red"))
    if f.fix_status:
        lines.append(Text.assemble("  fix: ", (fix_line(f), FIXABILITY_STYLES[fixability(f)])))
    if f.verdict is not None:
        lines.append(Text.assemble("  agents: ", (verdict_line(f), "bold" if f.verdict.real else "dim")))
    lines.append(Text(""))
    return lines


def _summary(result: ScanResult) -> list[Text]:
    total = len(result.findings)
    by_severity = severity_counts(result)
    by_fixability = fixability_counts(result)
    findings = Text.assemble((f"{total} finding{'s' if total != 1 else ''}", "bold"), ": ")
    findings.append_text(Text(", ").join(Text(f"{level} {by_severity[level]}",
                                              SEVERITY_STYLES[level] if by_severity[level] else "dim")
                                         for level in LEVELS))
    fixes = Text("fixes: ").append_text(Text(", ").join(
        Text(f"{kind} {by_fixability[kind]}", FIXABILITY_STYLES[kind] if by_fixability[kind] else "dim")
        for kind in FIXABILITY))
    problems = len(result.problems)
    suppressed = f"{len(result.suppressed)} suppressed, " if result.suppressed else ""
    scanned = Text(f"{result.files_scanned} files scanned, {result.rules_loaded} rules, {suppressed}"
                   f"{problems} problem{'s' if problems != 1 else ''}, {result.seconds:.2f}s",
                   style="magenta" if problems else "dim")
    return [findings, fixes, scanned]
