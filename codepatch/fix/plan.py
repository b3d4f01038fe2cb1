"""Fix mode, top to bottom: findings → candidate patches per file → validated patches, and each
finding's `FixStatus`. Nothing is written here (see write.py) and nothing printed (commands/).

Several patches to one file are validated together first; when that fails, each is validated
alone and the ones that pass are combined again (keeping what validates when two conflict).
A patch may reach into other files (where a query or command is built); it is grouped with the
findings of its own file, and kept only when it touches no file an accepted patch of another
group changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from codepatch.files import source_text
from codepatch.fix.candidates import Unfixable, extend, single_patch
from codepatch.fix.project import NO_PROJECT, ProjectIndex
from codepatch.fix.validate.pipeline import ValidationSettings, Validator
from codepatch.progress import NO_PROGRESS, Progress, stage
from codepatch.ruleset.model import RuleSet
from codepatch.types import (
    CheckResult,
    Finding,
    FixState,
    FixStatus,
    Patch,
    ScanResult,
    ValidatedPatch,
)


@dataclass
class FixOutcome:
    accepted: list[ValidatedPatch] = field(default_factory=list)
    rejected: list[ValidatedPatch] = field(default_factory=list)
    unfixable: list[Unfixable] = field(default_factory=list)

    def status_of(self, finding: Finding) -> FixStatus | None:
        """Is there a validated fix for this finding, and if not, why."""
        for validated in self.accepted:
            if finding in validated.patch.findings:
                return FixStatus(FixState.VALIDATED, validated.patch.strategies, validated.checks, validated.tested)
        for validated in self.rejected:
            if finding in validated.patch.findings:
                return FixStatus(FixState.REJECTED, validated.patch.strategies, validated.checks)
        for item in self.unfixable:
            if item.finding == finding:
                return FixStatus(FixState.UNFIXABLE, reason=item.reason)
        return None


CONFLICT = CheckResult("combine", False, "conflicts with another validated fix in the same file; "
                                        "run again once that one is applied")


def validate_fixes(result: ScanResult, ruleset: RuleSet, root: Path, anchor: Path, settings: ValidationSettings,
                   progress: Progress = NO_PROGRESS) -> ScanResult:
    """The scan result with each finding's fix status and the accepted patches (nothing written)."""
    if not result.findings:
        return result
    with stage(progress, "copying and scanning the project for validation"):
        validator = Validator(root, anchor, ruleset, settings)
    try:
        outcome = fix_findings(result.findings, ruleset, anchor, validator, ProjectIndex.of(root), progress)
    finally:
        validator.close()
    findings = tuple(replace(f, fix_status=outcome.status_of(f)) for f in result.findings)
    return replace(result, findings=findings, patches=tuple(outcome.accepted))


def read_text(anchor: Path, display: str) -> str | None:
    """The file's text (encoding, BOM and line endings as source_text keeps them); None when unreadable."""
    try:
        return source_text.read(anchor / display).text
    except (OSError, source_text.TextError):
        return None


def fix_findings(findings: tuple[Finding, ...], ruleset: RuleSet, anchor: Path, validator: Validator,
                 project: ProjectIndex = NO_PROJECT, progress: Progress = NO_PROGRESS) -> FixOutcome:
    """Candidate patches for the findings (strategies consult `project` for other modules), validated."""
    rules = ruleset.by_id()
    outcome = FixOutcome()
    by_file: dict[str, list[Patch]] = {}
    texts: dict[str, str] = {}  # each file read once: its patches and their combination share one original
    for finding in findings:
        if finding.path not in texts:
            texts[finding.path] = read_text(anchor, finding.path)
        if texts[finding.path] is None:
            outcome.unfixable.append(Unfixable(finding, "the file cannot be read as text any more"))
            continue
        candidate = single_patch(finding, texts[finding.path], rules[finding.rule_id], anchor, project)
        if isinstance(candidate, Unfixable):
            outcome.unfixable.append(candidate)
        else:
            by_file.setdefault(finding.path, []).append(candidate)
    with stage(progress, "validating fixes", sum(map(len, by_file.values()))):
        for path, patches in by_file.items():
            _validate_file(patches, texts[path], validator, outcome, anchor, project, progress)
    return outcome


def _validate_file(patches: list[Patch], original: str, validator: Validator, outcome: FixOutcome,
                   anchor: Path, project: ProjectIndex, progress: Progress) -> None:
    """Validates a file's patches, advancing `progress` by one per patch."""
    together, colliding = _greedy_combination(patches, original, anchor, project)
    if len(patches) > 1:
        validated = validator.validate(together)
        if validated.accepted:
            _keep(validated, outcome)
            outcome.rejected += [ValidatedPatch(patch, (CONFLICT,)) for patch in colliding]
            progress.advance(len(patches))
            return
    # One at a time, then grow a combination of those that pass alone.
    current: ValidatedPatch | None = None
    for patch in patches:
        alone = validator.validate(patch)
        progress.advance()
        if not alone.accepted:
            outcome.rejected.append(alone)
            continue
        if current is None:
            current = alone
            continue
        trial = extend(current.patch, patch, original, anchor, project)
        checked = validator.validate(trial) if trial is not None else None
        if checked is not None and checked.accepted:
            current = checked
        else:
            outcome.rejected.append(ValidatedPatch(patch, alone.checks + (CONFLICT,)))
    if current is not None:
        _keep(current, outcome)


def _greedy_combination(patches: list[Patch], original: str, anchor: Path,
                        project: ProjectIndex) -> tuple[Patch, list[Patch]]:
    """The patches applied together, in line order, leaving out each that collides with the ones
    before it; and those left out."""
    ordered = sorted(patches, key=lambda p: (p.findings[0].line, p.findings[0].column))
    combined, colliding = ordered[0], []
    for patch in ordered[1:]:
        grown = extend(combined, patch, original, anchor, project)
        if grown is None:
            colliding.append(patch)
        else:
            combined = grown
    return combined, colliding


def _keep(validated: ValidatedPatch, outcome: FixOutcome) -> None:
    """Accept a file's patch unless it rewrites a file another accepted patch already changes."""
    taken = {path for accepted in outcome.accepted for path, _, _ in accepted.patch.files}
    overlap = sorted(taken & {path for path, _, _ in validated.patch.files})
    if overlap:
        conflict = CheckResult("combine", False, f"changes {', '.join(overlap)}, which another validated fix "
                                                 "changes; run again once that one is applied")
        outcome.rejected.append(ValidatedPatch(validated.patch, validated.checks + (conflict,)))
    else:
        outcome.accepted.append(validated)
