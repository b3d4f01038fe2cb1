"""What `scan --diff/--fix/--validate` does after the scan: validate fixes, print or apply them."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from codepatch.errors import UserError
from codepatch.fixing import fix_findings
from codepatch.progress import NO_PROGRESS, Progress, stage
from codepatch.report.patch_edits import unified_diff
from codepatch.terminal import colour_on
from codepatch.ruleset import RuleSet
from codepatch.types import ScanResult, ValidatedPatch
from codepatch.validate.pipeline import ValidationSettings, Validator
from codepatch.writer import WriteError, write_all


def run_fix_mode(result: ScanResult, ruleset: RuleSet, root: Path, anchor: Path, settings: ValidationSettings,
                 progress: Progress = NO_PROGRESS) -> ScanResult:
    """The scan result with each finding's fix status and the accepted patches (nothing written)."""
    if not result.findings:
        return result
    with stage(progress, "copying and scanning the project for validation"):
        validator = Validator(root, anchor, ruleset, settings)
    try:
        outcome = fix_findings(result.findings, ruleset, anchor, validator, progress)
    finally:
        validator.close()
    findings = tuple(replace(f, fix_status=outcome.status_of(f)) for f in result.findings)
    return replace(result, findings=findings, patches=tuple(outcome.accepted))


def apply_patches(result: ScanResult, root: Path, anchor: Path, quiet: bool) -> ScanResult:
    """Writes every accepted patch of `result` in one transaction (see writer.py); the findings that remain."""
    if not result.patches:
        return result
    files = [(anchor / path, original, patched) for v in result.patches for path, original, patched in v.patch.files]
    try:
        write_all(files, root)
    except WriteError as exc:
        raise UserError(str(exc)) from exc
    fixed = {f.sort_key for v in result.patches for f in v.patch.findings}
    if not quiet:
        click.echo(f"applied {len(result.patches)} validated fix(es) to {len(files)} file(s); "
                   f"{len(fixed)} finding(s) fixed", err=True)
    return replace(result, findings=tuple(f for f in result.findings if f.sort_key not in fixed))


def print_diff(accepted: tuple[ValidatedPatch, ...]) -> None:
    """The validated patches as one unified diff on standard output, highlighted on a terminal."""
    patch_diff = "".join(unified_diff(path, original, patched)
                         for validated in accepted for path, original, patched in validated.patch.files)
    colour = colour_on(sys.stdout)
    if patch_diff and colour:
        from codepatch.report import rich_report  # rich only for a terminal

        patch_diff = rich_report.diff(patch_diff)
    click.echo(patch_diff, nl=False, color=colour)
