"""Step 2: re-scanning the project with the patch in place no longer reports the fixed findings
and reports nothing new (counted per rule and file, since lines move when code changes)."""

from __future__ import annotations

from collections import Counter
from typing import Callable

from codepatch.fix.validate.workspace import Workspace
from codepatch.types import CheckResult, Finding, Patch

STEP = "rescan"


def tally(findings: tuple[Finding, ...] | list[Finding]) -> Counter:
    return Counter((f.rule_id, f.path) for f in findings)


def check(patch: Patch, workspace: Workspace, baseline: Counter, rescan: Callable[[], list[Finding]]) -> CheckResult:
    workspace.write([(path, patched) for path, _, patched in patch.files])
    try:
        after = tally(rescan())
    finally:
        workspace.write([(path, original) for path, original, _ in patch.files])
    expected = baseline - Counter((f.rule_id, workspace.relative(f.path)) for f in patch.findings)
    still = sorted(f"{rule} in {path}" for (rule, path), n in after.items()
                   if n > expected.get((rule, path), 0) and (rule, path) in baseline and n >= baseline[(rule, path)])
    if still:
        return CheckResult(STEP, False, f"the finding is still reported: {', '.join(still)}")
    new = sorted(f"{rule} in {path}" for (rule, path), n in after.items() if n > expected.get((rule, path), 0))
    if new:
        return CheckResult(STEP, False, f"the patch brings new findings: {', '.join(new)}")
    return CheckResult(STEP, True)
