"""Fix mode, top to bottom: findings → candidate patches per file → validated patches.

Several patches to one file are validated together first; when that fails, each is validated
alone and the ones that pass are combined again (keeping what validates when two conflict).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codepatch.patcher import Unfixable, combine, single_patch
from codepatch.progress import NO_PROGRESS, Progress, stage
from codepatch.ruleset import RuleSet
from codepatch.types import CheckResult, Finding, Patch, ValidatedPatch
from codepatch.validate.pipeline import Validator


@dataclass
class FixOutcome:
    accepted: list[ValidatedPatch] = field(default_factory=list)
    rejected: list[ValidatedPatch] = field(default_factory=list)
    unfixable: list[Unfixable] = field(default_factory=list)

    def status_of(self, finding: Finding) -> str:
        """One line for the report: is there a validated fix for this finding, and if not why."""
        for validated in self.accepted:
            if finding in validated.patch.findings:
                passed = ", ".join(c.step + (" (skipped)" if c.skipped else "") for c in validated.checks)
                return (f"validated fix ({', '.join(validated.patch.strategies)}): passed {passed}"
                        + ("; tested" if validated.tested else "; untested"))
        for validated in self.rejected:
            if finding in validated.patch.findings:
                failed = next(c for c in validated.checks if not c.passed)
                return f"fix rejected at {failed.step}: {failed.detail}"
        for item in self.unfixable:
            if item.finding == finding:
                return f"no automatic fix: {item.reason}"
        return ""


def read_text(anchor: Path, display: str) -> str:
    with open(anchor / display, encoding="utf-8", newline="") as handle:  # keep CRLF as it is
        return handle.read()


def fix_findings(findings: tuple[Finding, ...], ruleset: RuleSet, anchor: Path, validator: Validator,
                 progress: Progress = NO_PROGRESS) -> FixOutcome:
    rules = ruleset.by_id()
    outcome = FixOutcome()
    by_file: dict[str, list[Patch]] = {}
    for finding in findings:
        candidate = single_patch(finding, read_text(anchor, finding.path), rules[finding.rule_id])
        if isinstance(candidate, Unfixable):
            outcome.unfixable.append(candidate)
        else:
            by_file.setdefault(finding.path, []).append(candidate)
    with stage(progress, "validating fixes", sum(map(len, by_file.values()))):
        for patches in by_file.values():
            _validate_file(patches, validator, outcome, progress)
    return outcome


def _validate_file(patches: list[Patch], validator: Validator, outcome: FixOutcome, progress: Progress) -> None:
    """Validates a file's patches, advancing `progress` by one per patch."""
    if len(patches) > 1:
        together = combine(patches)
        if together is not None:
            validated = validator.validate(together)
            if validated.accepted:
                outcome.accepted.append(validated)
                progress.advance(len(patches))
                return
    # One at a time, then grow a combination of those that pass alone.
    current: ValidatedPatch | None = None
    members: list[Patch] = []
    for patch in patches:
        alone = validator.validate(patch)
        progress.advance()
        if not alone.accepted:
            outcome.rejected.append(alone)
            continue
        if current is None:
            current, members = alone, [patch]
            continue
        trial = combine(members + [patch])
        checked = validator.validate(trial) if trial is not None else None
        if checked is not None and checked.accepted:
            current, members = checked, members + [patch]
        else:
            conflict = CheckResult("combine", False, "conflicts with another validated fix in the same file; "
                                                     "run again once that one is applied")
            outcome.rejected.append(ValidatedPatch(patch, alone.checks + (conflict,)))
    if current is not None:
        outcome.accepted.append(current)
