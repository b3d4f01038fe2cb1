"""Step 3: bandit, run as a library, finds no new issue of medium or high severity in the patched
files, and the bandit issue at the fixed sink (if there was one) is gone. New low-severity notes
(B404/B603 that a correct `subprocess` fix brings) are reported, not blocking."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from codepatch.types import CheckResult, Patch

STEP = "bandit"
BLOCKING = {"MEDIUM", "HIGH"}


def bandit_issues(text: str) -> Counter:
    """(test id, severity) → count, for one module's text."""
    from bandit.core import config, manager  # bandit is slow to import: only when validating

    with tempfile.TemporaryDirectory(prefix="codepatch-bandit-") as folder:
        path = Path(folder) / "module.py"
        path.write_text(text, encoding="utf-8")
        runner = manager.BanditManager(config.BanditConfig(), "file", quiet=True)
        runner.discover_files([str(path)])
        runner.run_tests()
        return Counter((issue.test_id, issue.severity) for issue in runner.get_issue_list())


def check(patch: Patch) -> CheckResult:
    """Counted over the patch's files together: a query built in one file and run in another
    has its bandit issue where it is built."""
    notes = []
    had: Counter = Counter()
    has: Counter = Counter()
    for path, original, patched in patch.files:
        before, after = bandit_issues(original), bandit_issues(patched)
        new = after - before
        blocking = sorted(f"{tid} ({sev.lower()})" for (tid, sev), n in new.items() if sev in BLOCKING)
        if blocking:
            return CheckResult(STEP, False, f"{path}: bandit reports new issues: {', '.join(blocking)}")
        notes += sorted(f"{tid} (low)" for (tid, sev), n in new.items() if sev not in BLOCKING)
        had.update({tid: n for (tid, _), n in before.items()})
        has.update({tid: n for (tid, _), n in after.items()})
    for test_id in sorted({f.bandit_id for f in patch.findings if f.bandit_id}):
        if had[test_id] and has[test_id] >= had[test_id]:
            return CheckResult(STEP, False, f"bandit still reports {test_id} at the fixed sink")
    return CheckResult(STEP, True, f"new low-severity notes: {', '.join(notes)}" if notes else "")
