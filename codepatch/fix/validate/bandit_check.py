"""Step 3: bandit, run as a library, finds no new issue of medium or high severity in the patched
files, and the bandit issue at the fixed sink (if bandit reported one on its line) is gone. New
low-severity notes (B404/B603 that a correct `subprocess` fix brings) are reported, not blocking."""

from __future__ import annotations

import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

from codepatch.types import CheckResult, Patch

STEP = "bandit"
BLOCKING = {"MEDIUM", "HIGH"}


@lru_cache(maxsize=256)
def bandit_report(text: str) -> tuple[tuple[str, str, int], ...]:
    """(test id, severity, line) of each issue bandit finds in one module's text (the same text,
    an original checked against several patches, is analysed once)."""
    from bandit.core import manager  # bandit is slow to import: only when validating

    with tempfile.TemporaryDirectory(prefix="codepatch-bandit-") as folder:
        path = Path(folder) / "module.py"
        path.write_text(text, encoding="utf-8")
        runner = manager.BanditManager(_config(), "file", quiet=True)
        runner.discover_files([str(path)])
        runner.run_tests()
        return tuple((issue.test_id, issue.severity, issue.lineno) for issue in runner.get_issue_list())


@lru_cache(maxsize=1)
def _config():
    from bandit.core import config

    return config.BanditConfig()


def bandit_issues(text: str) -> Counter:
    """(test id, severity) → count, for one module's text."""
    return Counter((test_id, severity) for test_id, severity, _ in bandit_report(text))


def check(patch: Patch) -> CheckResult:
    """A sink's issue counts when bandit reported its test id on one of the finding's lines; it must
    then be reported fewer times after the patch, over the patch's files together."""
    notes = []
    had: Counter = Counter()
    has: Counter = Counter()
    flagged: set[str] = set()
    for path, original, patched in patch.files:
        before, after = bandit_issues(original), bandit_issues(patched)
        new = after - before
        blocking = sorted(f"{tid} ({sev.lower()})" for (tid, sev), n in new.items() if sev in BLOCKING)
        if blocking:
            return CheckResult(STEP, False, f"{path}: bandit reports new issues: {', '.join(blocking)}")
        notes += sorted(f"{tid} (low)" for (tid, sev), n in new.items() if sev not in BLOCKING)
        had.update({tid: n for (tid, _), n in before.items()})
        has.update({tid: n for (tid, _), n in after.items()})
        flagged |= {tid for tid, _, line in bandit_report(original)
                    for f in patch.findings if f.path == path and f.bandit_id == tid and f.line <= line <= f.end_line}
    for test_id in sorted(flagged):
        if has[test_id] >= had[test_id]:
            return CheckResult(STEP, False, f"bandit still reports {test_id} at the fixed sink")
    return CheckResult(STEP, True, f"new low-severity notes: {', '.join(notes)}" if notes else "")
