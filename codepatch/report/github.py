"""GitHub workflow commands: one annotation per finding, shown on the pull request's lines.

`::error file=app.py,line=4,endLine=4,col=12,endColumn=40,title=command-injection::message`
(severity high → error, medium → warning, low → notice). Paths are relative to the git top
level, as GitHub wants them. See "Workflow commands for GitHub Actions" in GitHub's docs.
"""

from __future__ import annotations

import re

from codepatch.report.escape import shown
from codepatch.report.text_report import summary_line
from codepatch.types import FileProblem, Finding, ScanResult

COMMANDS = {"high": "error", "medium": "warning", "low": "notice"}
NOTE_AT = re.compile(r"(?P<path>[^:\n]+\.pyi?):(?P<line>\d+): (?P<text>.+)", re.S)


def render(result: ScanResult) -> str:
    lines = [_finding(f) for f in result.findings] + [_problem(p) for p in result.problems]
    lines += [_note(n) for n in result.notes]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def workflow_command(name: str, message: str, **properties: str | int) -> str:
    """One command; text from the scanned code is made printable, then escaped as the runner wants."""
    listed = ",".join(f"{key}={escape_property(shown(str(value)))}" for key, value in properties.items())
    return f"::{name}{' ' + listed if listed else ''}::{_escape_data(_printable_lines(message))}"


def _printable_lines(text: str) -> str:
    """`shown` on the text between line breaks, which the runner's own escaping keeps (%0D, %0A)."""
    return "".join(part if part in ("\r", "\n") else shown(part) for part in re.split(r"([\r\n])", text))


def _finding(f: Finding) -> str:
    message = f"{f.message} (CWE-{f.cwe}, confidence {f.confidence.value})"
    if len(f.trace) > 1:
        message += "\ntrace:\n" + "\n".join(f"  {hop.path}:{hop.line}  {hop.code}" for hop in f.trace)
    if f.suppression:
        message += f"\nsuppression on line {f.suppression}"
    if f.fix_status:
        message += f"\nfix: {f.fix_status.describe()}"
    return workflow_command(COMMANDS[f.severity.value], message, file=f.path, line=f.line, endLine=f.end_line,
                            col=f.column, endColumn=f.end_column, title=f.rule_id)


def _problem(p: FileProblem) -> str:
    return workflow_command("warning", f"{'partly analysed' if p.partial else 'not analysed'}: {p.message}",
                            file=p.display, title="codepatch")


def _note(note: str) -> str:
    """Notes that name a line (a suppression the change adds, an unused one) annotate that line."""
    located = NOTE_AT.match(note)
    if located is None:
        return workflow_command("notice", note, title="codepatch")
    return workflow_command("warning", located["text"], file=located["path"], line=located["line"], title="codepatch")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
