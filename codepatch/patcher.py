"""The patcher stage: findings → candidate patches, one per file, built from the rules' fix strategies.

For each finding the rule's strategies are tried in preference order; the first that rewrites
the code wins. Several findings in one file are applied one after another to the same text:
each later target is moved by the lines earlier rewrites added (imports at the top, a check
before the sink). A target whose own line an earlier rewrite changed is left for a separate
patch (a conflict).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from libcst.codemod import TransformSuccess

from codepatch.fix.run import apply_strategy
from codepatch.fix.target import FixTarget
from codepatch.ruleset import Rule
from codepatch.types import Finding, Patch


@dataclass(frozen=True)
class Unfixable:
    finding: Finding
    reason: str


def single_patch(finding: Finding, text: str, rule: Rule) -> Patch | Unfixable:
    """The first strategy of the rule that rewrites this finding, applied to the file's text."""
    if not rule.fix:
        return Unfixable(finding, "no automatic fix for this rule")
    reasons = []
    for name in rule.fix:
        outcome = apply_strategy(name, text, FixTarget.from_finding(finding), finding.path)
        if isinstance(outcome, TransformSuccess) and outcome.code != text:
            return Patch((finding,), (name,), ((finding.path, text, outcome.code),), name)
        reasons.append(f"{name}: {_reason(outcome)}")
    return Unfixable(finding, "; ".join(reasons))


def _reason(outcome) -> str:
    for attribute in ("skip_description", "error"):
        value = getattr(outcome, attribute, None)
        if value:
            return str(value)
    return "changes nothing"


def combine(patches: list[Patch]) -> Patch | None:
    """The single-file patches of one file applied together, or None when two of them collide."""
    if len(patches) == 1:
        return patches[0]
    path, original, _ = patches[0].files[0]
    current = original
    for patch in sorted(patches, key=lambda p: (p.findings[0].line, p.findings[0].column)):
        finding = patch.findings[0]
        line_map = _line_map(original, current)
        if finding.line not in line_map or finding.end_line not in line_map:
            return None  # an earlier rewrite changed this target's own lines
        moved = replace(finding, line=line_map[finding.line], end_line=line_map[finding.end_line])
        outcome = apply_strategy(patch.strategies[0], current, FixTarget.from_finding(moved), path)
        if not isinstance(outcome, TransformSuccess):
            return None
        current = outcome.code
    findings = tuple(f for p in patches for f in p.findings)
    strategies = tuple(dict.fromkeys(s for p in patches for s in p.strategies))
    return Patch(findings, strategies, ((path, original, current),), ", ".join(strategies))


def _line_map(original: str, current: str) -> dict[int, int]:
    """Original line number → its line number in the current text, for lines left unchanged."""
    matcher = difflib.SequenceMatcher(a=original.splitlines(), b=current.splitlines(), autojunk=False)
    mapping = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                mapping[i1 + offset + 1] = j1 + offset + 1
    return mapping
