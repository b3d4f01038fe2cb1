"""How well `codepatch scan --fix` repairs the mini-projects under fixtures/repos/ (run by hand).

    .venv/bin/python benchmarks/repair.py [REPO ...]

Each project is copied to a temporary folder, its tests run, `codepatch scan --fix --format json`
applied (with the full validation, the project's tests included), and its tests run again; the
runs are those of tests/test_repair.py. One table, one row per project:

- flaws fixed: exploit tests (one per flaw) that fail on the vulnerable code and pass after
  --fix, counted only when every functional test still passes;
- findings: reported by a plain scan; fixed: gone from the --fix report (a validated fix was
  applied); then, per finding still reported, why: rejected at a validation step (parses,
  rescan, bandit, tests, combine) or no strategy applies (refused by every strategy of its rule,
  or the rule has none);
- seconds: wall time of the --fix run (scan, candidate patches, validation, writing).

The totals give the share of flaws fixed, the share of candidate fixes (findings with a patch)
rejected by each step, and the --fix time per validated finding.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_repair import PARALLEL, REPOS, RepairRun, repair_all  # noqa: E402  (needs the repository on sys.path)

STEPS = ("parses", "rescan", "bandit", "tests", "combine")
NO_STRATEGY = "no fix"
REJECTED = re.compile(r"^fix rejected at (\w+)")


def outcome(finding: dict) -> str:
    """The step that rejected this finding's fix, or NO_STRATEGY."""
    match = REJECTED.match(finding["fix_status"])
    return match.group(1) if match else NO_STRATEGY


def flaws_fixed(run: RepairRun) -> tuple[int, int]:
    """(flaws fixed, flaws): exploit tests passing after --fix, zero when a functional test broke."""
    exploits = run.exploits()
    fixed = sum(exploits.values()) if not run.functional_failures() else 0
    return fixed, len(exploits)


def table(runs: list[RepairRun]) -> str:
    columns = ("project", "flaws fixed", "functional", "findings", "fixed", *STEPS, NO_STRATEGY, "seconds")
    rows, totals = [], Counter()
    for run in runs:
        fixed_flaws, flaws = flaws_fixed(run)
        rejected = Counter(outcome(f) for f in run.remaining)
        broken = len(run.functional_failures())
        totals.update(flaws=flaws, fixed_flaws=fixed_flaws, findings=len(run.findings), fixed=run.fixed_count(),
                      broken_projects=int(broken > 0), seconds=run.fix_seconds, **rejected)
        rows.append((run.repo, f"{fixed_flaws}/{flaws}", "ok" if not broken else f"{broken} broken",
                     len(run.findings), run.fixed_count(), *(rejected[s] for s in STEPS), rejected[NO_STRATEGY],
                     f"{run.fix_seconds:.0f}"))
    rows.append(("total", f"{totals['fixed_flaws']}/{totals['flaws']}",
                 f"{totals['broken_projects']} broken", totals["findings"], totals["fixed"],
                 *(totals[s] for s in STEPS), totals[NO_STRATEGY], f"{totals['seconds']:.0f}"))
    widths = [max(len(str(row[i])) for row in (columns, *rows)) for i in range(len(columns))]
    lines = ["  ".join(str(cell).rjust(width) if i else str(cell).ljust(width)
                       for i, (cell, width) in enumerate(zip(row, widths))) for row in (columns, *rows)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.insert(-1, lines[1])
    candidates = totals["fixed"] + sum(totals[s] for s in STEPS)
    lines += ["",
              f"flaws fixed (exploit test passes, all functional tests pass): {totals['fixed_flaws']}/{totals['flaws']}"
              f" = {totals['fixed_flaws'] / max(totals['flaws'], 1):.0%}; projects where --fix broke a functional "
              f"test: {totals['broken_projects']}",
              f"candidate fixes (findings with a patch): {candidates}; validated and applied: {totals['fixed']}; "
              "rejected by step: " + ", ".join(f"{s} {totals[s]} ({totals[s] / max(candidates, 1):.0%})" for s in STEPS),
              f"findings without a candidate fix: {totals[NO_STRATEGY]}/{totals['findings']}",
              f"--fix wall time per validated finding: {totals['seconds'] / max(totals['fixed'], 1):.1f} s "
              f"({totals['seconds']:.0f} s for {totals['fixed']}; projects run {PARALLEL} at a time)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="*", default=REPOS, help="projects under fixtures/repos/ (default: all)")
    parser.add_argument("--details", action="store_true", help="also print each finding still reported and why")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codepatch-repair-") as workdir:
        runs = list(repair_all(Path(workdir), args.repos).values())
    print(table(runs))
    if args.details:
        for run in runs:
            for finding in run.remaining:
                path = finding["path"].split(f"/{run.repo}/", 1)[-1]
                print(f"{run.repo}/{path}:{finding['line']} {finding['rule_id']}: {finding['fix_status']}")


if __name__ == "__main__":
    main()
