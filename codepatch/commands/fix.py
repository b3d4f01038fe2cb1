"""`codepatch fix PATH...`: the same as `codepatch scan PATH... --fix`.

Its options are the scan command's, taken from it (one list to maintain), less the three that
choose a fix mode: applying validated fixes is what this command does.
"""

from __future__ import annotations

import click

from codepatch.commands import scan

FIX_MODE_OPTIONS = {"apply_fixes", "show_diff", "validate_only"}


def _fix(**options) -> None:
    scan.command.callback(**options, apply_fixes=True, show_diff=False, validate_only=False)


command = click.Command(
    "fix", callback=_fix, params=[p for p in scan.command.params if p.name not in FIX_MODE_OPTIONS],
    help="Apply validated fixes to the findings of a scan: `codepatch scan PATH... --fix`. Runs the "
         "project's tests (skip them with --no-tests). Exit codes as for scan: 0 when nothing remains, "
         "1 when findings remain.",
    short_help="Apply validated fixes (scan --fix).")
