"""The text report: one block per finding with its trace and fix status, file problems, a summary.

Plain text off a terminal (and with NO_COLOR): each finding's first line is
`path:line:col: severity rule-id (CWE-N, confidence C[, bandit B]): message`, for grep and
editors. For a terminal, `rich_report` draws the same blocks (the caller imports rich only then).
Everything taken from the scanned files (paths, code, messages) is escaped first (escape.py): a
file name cannot start a new line, move the cursor or issue a CI runner's workflow command.
"""

from __future__ import annotations

from dataclasses import replace

from codepatch.report.escape import log_line, shown
from codepatch.types import (
    Dismissal,
    FileProblem,
    Finding,
    FixState,
    ScanResult,
    TraceHop,
)

LEVELS = ("high", "medium", "low")
FIXABILITY = ("validated fix", "candidate fix", "no fix")


def render(result: ScanResult, show_suppressed: bool = False) -> str:
    out: list[str] = []
    for finding in result.findings:
        out.extend(_finding(printable(finding)))
    out.extend(suppressed_line(printable(f)) for f in (result.suppressed if show_suppressed else ()))
    out.extend(dismissed_line(d) for d in result.dismissed)
    out.extend(problem_line(problem) for problem in result.problems)
    out.append(summary_line(result))
    return "\n".join(map(log_line, out)) + "\n"


def printable(f: Finding) -> Finding:
    """The finding with every text from the scanned code escaped for a terminal (escape.shown)."""
    return replace(f, path=shown(f.path), code=shown(f.code), message=shown(f.message), suppression=shown(f.suppression),
                   trace=tuple(TraceHop(shown(h.path), h.line, shown(h.code), h.note) for h in f.trace))


def fix_line(f: Finding) -> str:
    """What a report says after `fix: ` (escaped: a rejection may quote the scanned code)."""
    return shown(f.fix_status.describe()) if f.fix_status else ""


def verdict_line(f: Finding) -> str:
    """What a report says after `agents: ` (escaped: the evidence names the scanned code's helper)."""
    return shown(f.verdict.describe()) if f.verdict is not None else ""


def location(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}"


def details(f: Finding) -> str:
    return f"CWE-{f.cwe}, confidence {f.confidence.value}{', bandit ' + f.bandit_id if f.bandit_id else ''}"


def _finding(f: Finding) -> list[str]:
    lines = [f"{location(f)}: {f.severity.value} {f.rule_id} ({details(f)}): {f.message}", f"    {f.code}"]
    if len(f.trace) > 1:
        lines.append("  trace:")
        for hop in f.trace:
            note = f"  [{hop.note}]" if hop.note else ""
            lines.append(f"    {hop.path}:{hop.line}  {hop.code}{note}")
    if f.suppression:
        lines.append(f"  suppression on line {f.suppression}")
    if f.fix_status:
        lines.append(f"  fix: {fix_line(f)}")
    if f.verdict is not None:
        lines.append(f"  agents: {verdict_line(f)}")
    lines.append("")
    return lines


def suppressed_line(f: Finding) -> str:
    return f"{location(f)}: suppressed {f.rule_id} by line {f.suppression}"


def dismissed_line(d: Dismissal) -> str:
    return shown(f"{d.path}:{d.line}: dismissed {d.rule_id}: {'; '.join(d.reasons)}")


def problem_line(p: FileProblem) -> str:
    return shown(f"{p.display}: {'partial' if p.partial else 'skipped'}: {p.message}")


def fixability(f: Finding) -> str:
    """One of FIXABILITY: a fix passed validation; a strategy applies (not validated, or rejected); none."""
    state = f.fix_status.state if f.fix_status else FixState.NONE
    if state is FixState.VALIDATED:
        return "validated fix"
    if f.fixes and state is not FixState.UNFIXABLE:
        return "candidate fix"
    return "no fix"


def severity_counts(result: ScanResult) -> dict[str, int]:
    return {level: sum(f.severity.value == level for f in result.findings) for level in LEVELS}


def fixability_counts(result: ScanResult) -> dict[str, int]:
    return {kind: sum(fixability(f) == kind for f in result.findings) for kind in FIXABILITY}


def summary_line(result: ScanResult) -> str:
    counts = severity_counts(result)
    skipped = sum(not p.partial for p in result.problems)
    partial = sum(p.partial for p in result.problems)
    parts = [f"{len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} "
             f"(high {counts['high']}, medium {counts['medium']}, low {counts['low']})",
             f"{result.files_scanned} files", f"{result.rules_loaded} rules"]
    if skipped:
        parts.append(f"{skipped} skipped")
    if partial:
        parts.append(f"{partial} partial")
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed")
    return ", ".join(parts) + f" in {result.seconds:.2f}s"
