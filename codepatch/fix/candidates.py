"""Candidates: findings → candidate patches, one per file, built from the rules' fix strategies.

For each finding the rule's strategies are tried in preference order; the first that rewrites
the code wins. Several findings in one file are applied one after another to the same text:
each later target is moved by the lines earlier rewrites added (imports at the top, a check
before the sink). A target whose own line an earlier rewrite changed is left for a separate
patch (a conflict). A fix may also rewrite other modules (where a query or command is built):
its patch then spans those files too.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from libcst.codemod import TransformSuccess

from codepatch.fix.project import NO_PROJECT, ProjectIndex
from codepatch.fix.run import apply_strategy
from codepatch.fix.target import FixTarget
from codepatch.ruleset.model import Rule
from codepatch.types import Finding, Patch


@dataclass(frozen=True)
class Unfixable:
    finding: Finding
    reason: str


def single_patch(finding: Finding, text: str, rule: Rule, anchor: Path | None = None,
                 project: ProjectIndex = NO_PROJECT) -> Patch | Unfixable:
    """The first strategy of the rule that rewrites this finding, applied to the file's text
    (`anchor`: the folder the finding's path is relative to; the current one by default)."""
    if not rule.fix:
        return Unfixable(finding, "no automatic fix for this rule")
    anchor = anchor or Path.cwd()
    reasons = []
    for name in rule.fix:
        other_files: dict[str, tuple[str, str]] = {}
        outcome = apply_strategy(name, text, FixTarget.from_finding(finding), str(anchor / finding.path), other_files,
                                 project)
        if isinstance(outcome, TransformSuccess) and (outcome.code != text or other_files):
            here = ((finding.path, text, outcome.code),) if outcome.code != text else ()
            return Patch((finding,), (name,), here + _displayed(other_files, anchor), _notes(outcome))
        reasons.append(f"{name}: {_reason(outcome)}")
    return Unfixable(finding, "; ".join(reasons))


def _notes(outcome: TransformSuccess, earlier: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What the strategies warn the user of, each once."""
    return tuple(dict.fromkeys([*earlier, *outcome.warning_messages]))


def _reason(outcome) -> str:
    for attribute in ("skip_description", "error"):
        value = getattr(outcome, attribute, None)
        if value:
            return str(value)
    return "changes nothing"


def extend(combined: Patch, patch: Patch, original: str, anchor: Path | None = None,
           project: ProjectIndex = NO_PROJECT) -> Patch | None:
    """`combined` (patches of one file, whose text is `original`, applied together) with the
    single-finding `patch` applied on top, or None when they collide."""
    anchor = anchor or Path.cwd()
    finding = patch.findings[0]
    current = next((text for path, _, text in combined.files if path == finding.path), original)
    others = {str(anchor / path): (before, after) for path, before, after in combined.files if path != finding.path}
    line_map = _line_map(original, current)
    if finding.line not in line_map or finding.end_line not in line_map:
        return None  # an earlier rewrite changed this target's own lines
    moved = replace(finding, line=line_map[finding.line], end_line=line_map[finding.end_line])
    other_files: dict[str, tuple[str, str]] = {}
    outcome = apply_strategy(patch.strategies[0], current, FixTarget.from_finding(moved), str(anchor / finding.path),
                             other_files, project)
    if not isinstance(outcome, TransformSuccess) or other_files.keys() & others.keys():
        return None
    strategies = tuple(dict.fromkeys(combined.strategies + patch.strategies))
    here = ((finding.path, original, outcome.code),) if outcome.code != original else ()
    return Patch(combined.findings + patch.findings, strategies, here + _displayed({**others, **other_files}, anchor),
                 _notes(outcome, combined.notes))


def _displayed(other_files: dict[str, tuple[str, str]], anchor: Path) -> tuple[tuple[str, str, str], ...]:
    """Other files' (display path, original, patched), as the reports show paths."""
    return tuple((Path(os.path.relpath(path, anchor)).as_posix(), original, patched)
                 for path, (original, patched) in sorted(other_files.items()) if original != patched)


def _line_map(original: str, current: str) -> dict[int, int]:
    """Original line number → its line number in the current text, for lines left unchanged."""
    matcher = difflib.SequenceMatcher(a=original.splitlines(), b=current.splitlines(), autojunk=False)
    mapping = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                mapping[i1 + offset + 1] = j1 + offset + 1
    return mapping
