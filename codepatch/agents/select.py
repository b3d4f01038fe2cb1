"""Which findings the agents judge, and the case each becomes.

Judged: a finding whose source is an entry point's parameter or a value not proven constant
(the medium and low tiers), and any finding whose value passes through a project function no rule
models (a helper entered and left on the way to the sink: is it a real sanitiser?). A finding from
a modelled source with no such helper is the engines' alone: the agents never see it, nor a
finding of a rule their training does not cover (case.JUDGED_RULES).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from codepatch.agents.case import JUDGED_RULES, Case
from codepatch.files import source_text
from codepatch.types import Finding, Level

TIER_SOURCES = {Level.HIGH: "request", Level.MEDIUM: "entry-point", Level.LOW: "unproven"}
MOST_HELPERS = 2  # the ones nearest the source: a case stays short enough for a small model


@dataclass(frozen=True)
class Pick:
    index: int  # of the finding in the scan's findings
    case: Case
    helpers: tuple[str, ...]  # the helpers' names, for the evidence line

    @property
    def modelled_source(self) -> bool:
        """A modelled source and no helper: a verdict may never lower it (the engines' veto)."""
        return self.case.source == "request" and not self.helpers


class _Sources:
    """Each file's functions as (first line, last line, source text, name), read once."""

    def __init__(self, anchor: Path) -> None:
        self.anchor = anchor
        self.functions: dict[str, list[tuple[int, int, str, str]] | None] = {}

    def of(self, display: str) -> list[tuple[int, int, str, str]] | None:
        if display not in self.functions:
            self.functions[display] = self._read(display)
        return self.functions[display]

    def _read(self, display: str) -> list[tuple[int, int, str, str]] | None:
        path = Path(display) if Path(display).is_absolute() else self.anchor / display
        try:
            text = source_text.read(path).text
            tree = ast.parse(text)
        except (OSError, SyntaxError, ValueError, UnicodeError):
            return None  # newer syntax than this Python's, or gone: no case, the finding stays as it is
        lines = text.splitlines()
        spans = []
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                last = node.end_lineno or node.lineno
                spans.append((first, last, "\n".join(lines[first - 1:last]), node.name))
        return spans

    def enclosing(self, display: str, line: int) -> tuple[int, int, str, str] | None:
        """The innermost function whose lines hold `line`."""
        spans = [s for s in (self.of(display) or ()) if s[0] <= line <= s[1]]
        return max(spans, key=lambda s: s[0]) if spans else None

    def defined_at(self, display: str, line: int) -> tuple[int, int, str, str] | None:
        return next((s for s in (self.of(display) or ()) if s[0] <= line and line == _def_line(s)), None)


def _def_line(span: tuple[int, int, str, str]) -> int:
    first, _, text, _ = span
    offset = next(i for i, row in enumerate(text.splitlines()) if row.lstrip().startswith(("def ", "async def ")))
    return first + offset


def picks(findings: tuple[Finding, ...], anchor: Path) -> list[Pick]:
    """The findings to judge, each with its case, in the order given."""
    sources = _Sources(anchor)
    chosen = []
    for index, finding in enumerate(findings):
        if finding.rule_id not in JUDGED_RULES:
            continue
        sink = sources.enclosing(finding.path, finding.line)
        if sink is None:
            continue  # a sink at module level: no function to read
        helpers = _helpers(finding, sink, sources)
        if finding.confidence is Level.HIGH and not helpers:
            continue
        case = Case(rule_id=finding.rule_id, source=TIER_SOURCES[finding.confidence], code=sink[2],
                    sink_line=finding.line - sink[0] + 1, helpers=tuple(h[2] for h in helpers))
        chosen.append(Pick(index, case, tuple(h[3] for h in helpers)))
    return chosen


def _helpers(finding: Finding, sink: tuple[int, int, str, str], sources: _Sources) -> list[tuple[int, int, str, str]]:
    """Project functions the trace enters and leaves again before the sink (not the sink's own)."""
    found = []
    for hop in finding.trace:
        if not hop.code.lstrip().startswith(("def ", "async def ")):
            continue
        span = sources.defined_at(hop.path, hop.line)
        if span is None or span in found or (hop.path == finding.path and span[0] <= finding.line <= span[1]):
            continue
        found.append(span)
    return found[:MOST_HELPERS]
