"""The text report: one block per finding with its trace, file problems, and a summary line."""

from __future__ import annotations

import click

from codepatch.types import FileProblem, Finding, ScanResult

SEVERITY_COLOURS = {"high": "red", "medium": "yellow", "low": "cyan"}


def render(result: ScanResult, colour: bool = False, show_suppressed: bool = False) -> str:
    style = (lambda s, **kw: click.style(s, **kw)) if colour else (lambda s, **kw: s)
    out: list[str] = []
    for finding in result.findings:
        out.extend(_finding(finding, style))
    for finding in result.suppressed if show_suppressed else ():
        out.append(style(f"{finding.path}:{finding.line}:{finding.column}: suppressed {finding.rule_id} "
                         f"by line {finding.suppression}", dim=True))
    for problem in result.problems:
        out.append(_problem(problem, style))
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def _finding(f: Finding, style) -> list[str]:
    level = style(f"{f.severity.value}", fg=SEVERITY_COLOURS[f.severity.value], bold=True)
    lines = [f"{style(f'{f.path}:{f.line}:{f.column}', bold=True)}: {level} {f.rule_id} (CWE-{f.cwe}, "
             f"confidence {f.confidence.value}{', bandit ' + f.bandit_id if f.bandit_id else ''}): {f.message}",
             f"    {f.code}"]
    if len(f.trace) > 1:
        lines.append("  trace:")
        for hop in f.trace:
            note = f"  [{hop.note}]" if hop.note else ""
            lines.append(f"    {hop.path}:{hop.line}  {hop.code}{style(note, dim=True)}")
    if f.fix_status:
        lines.append(f"  fix: {f.fix_status}")
    lines.append("")
    return lines


def _problem(p: FileProblem, style) -> str:
    tag = "partial" if p.partial else "skipped"
    return style(f"{p.display}: {tag}: {p.message}", fg="magenta")


def summary_line(result: ScanResult) -> str:
    counts = {level: sum(f.severity.value == level for f in result.findings) for level in ("high", "medium", "low")}
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
