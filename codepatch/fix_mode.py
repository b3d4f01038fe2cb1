"""What `scan --diff/--fix/--validate` does after the scan: validate fixes, print or apply them."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from codepatch.errors import UserError
from codepatch.fixing import fix_findings
from codepatch.report.patch_edits import unified_diff
from codepatch.progress import NO_PROGRESS, Progress, stage
from codepatch.report.text_report import colour_on
from codepatch.ruleset import RuleSet
from codepatch.types import ScanResult, ValidatedPatch
from codepatch.validate.pipeline import ValidationSettings, Validator
from codepatch.writer import WriteError, write_all


def run_fix_mode(result: ScanResult, ruleset: RuleSet, root: Path, anchor: Path, settings: ValidationSettings,
                 show_diff: bool, apply_fixes: bool, quiet: bool, progress: Progress = NO_PROGRESS) -> ScanResult:
    """The scan result with each finding's fix status; with --fix, only the findings that remain."""
    if not result.findings:
        return result
    with stage(progress, "copying and scanning the project for validation"):
        validator = Validator(root, anchor, ruleset, settings)
    try:
        outcome = fix_findings(result.findings, ruleset, anchor, validator, progress)
    finally:
        validator.close()
    findings = tuple(replace(f, fix_status=outcome.status_of(f)) for f in result.findings)
    if show_diff:
        print_diff(outcome.accepted)
    if apply_fixes and outcome.accepted:
        files = [(anchor / path, original, patched) for v in outcome.accepted for path, original, patched in v.patch.files]
        try:
            write_all(files)
        except WriteError as exc:
            raise UserError(str(exc)) from exc
        fixed = {f.sort_key for v in outcome.accepted for f in v.patch.findings}
        findings = tuple(f for f in findings if f.sort_key not in fixed)
        if not quiet:
            click.echo(f"applied {len(outcome.accepted)} validated fix(es) to {len(files)} file(s); "
                       f"{len(fixed)} finding(s) fixed", err=True)
    return replace(result, findings=findings, patches=tuple(outcome.accepted))


def print_diff(accepted: list[ValidatedPatch]) -> None:
    """The validated patches as one unified diff on standard output, highlighted on a terminal."""
    patch_diff = "".join(unified_diff(path, original, patched)
                         for validated in accepted for path, original, patched in validated.patch.files)
    colour = colour_on(sys.stdout)
    if patch_diff and colour:
        from codepatch.report import rich_report  # rich only for a terminal

        patch_diff = rich_report.diff(patch_diff)
    click.echo(patch_diff, nl=False, color=colour)
