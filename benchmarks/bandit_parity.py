"""Every Bandit medium/high finding on real projects, beside what codepatch says at that place
(run by hand, not in CI).

    .venv/bin/python benchmarks/bandit_parity.py --checkouts DIR [--only a,b] [--details]

The projects are those of benchmarks/realworld/projects.yaml (same checkouts folder as
realworld.py). Bandit runs with its defaults; each of its issues at medium or high severity and
confidence that maps to one of our rules (`_peers.bandit_families`; Bandit's advisory tests such as
B603 "subprocess without shell" are left out) is:

- reported: codepatch reports that weakness there (same file, line within LINE_SLACK), at a tier
  shown by default (high/medium) or only in an audit (low);
- test code: in tests (codepatch leaves test code out of its report unless --include-tests);
- dismissed: codepatch is quiet there and `scan --show-dismissed` says why (a proven constant, a
  sanitizer, a parameterised call, an input nobody outside the project passes), for that rule's
  family of weaknesses;
- unexplained: neither reported nor dismissed, a bug to fix. With --details each is listed, and
  the reasons given for the dismissed ones are counted.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml
from _peers import RULES, tool
from realworld import (
    HERE,
    LINE_SLACK,
    bandit_issues,
    codepatch_report,
    family,
    hits_of,
    tree_of,
)

from codepatch.files.discover import is_test_path


def verdict(issue: dict, hits, dismissed: list[dict], cwe_of) -> tuple[str, tuple[str, ...]]:
    """'high'/'medium'/'low' (the best tier codepatch reports there), 'test code' (left out of
    codepatch's report unless --include-tests), 'dismissed' (with codepatch's reasons) or 'unexplained'."""
    if is_test_path(issue["path"]):
        return "test code", ()
    wanted = family(cwe_of(issue["rule"]))

    def near(path: str, line: int) -> bool:
        return path == issue["path"] and abs(line - issue["line_number"]) <= LINE_SLACK

    tiers = [h.tier for h in hits if near(h.path, h.line) and h.cwe in wanted]
    for tier in ("high", "medium", "low"):
        if tier in tiers:
            return tier, ()
    reasons = tuple(r for d in dismissed if near(d["path"], d["line"]) and cwe_of(d["rule_id"]) in wanted
                    for r in d["reasons"])
    return ("dismissed", reasons) if reasons else ("unexplained", ())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkouts", type=Path, required=True)
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=set())
    parser.add_argument("--details", action="store_true",
                        help="list each Bandit finding codepatch neither reports nor explains, and count the reasons")
    options = parser.parse_args()
    if not tool("bandit"):
        sys.exit("bandit is not installed here (pip install -e '.[benchmark]')")
    rules = {p.stem: int(yaml.safe_load(p.read_text(encoding="utf-8"))["cwe"])
             for p in RULES.rglob("*.yaml") if p.parent.name != "frameworks"
             and p.name != "sources.yaml"}
    projects = yaml.safe_load((HERE / "projects.yaml").read_text(encoding="utf-8"))["projects"]
    columns = ("high", "medium", "low", "test code", "dismissed", "unexplained")
    print(f"{'project':<11} {'bandit':>6} | " + " | ".join(f"{c:>11}" for c in columns))
    quiet, reasons = [], Counter()
    for project in projects:
        if options.only and project["name"] not in options.only:
            continue
        root = tree_of(project["source"], options.checkouts.resolve())
        target = root / project.get("scan", ".")
        issues = bandit_issues(root, target)
        report = codepatch_report(root, target, "--show-dismissed")
        hits = hits_of(report)
        counts = Counter()
        for issue in issues:
            said, why = verdict(issue, hits, report["dismissed"], rules.get)
            counts[said] += 1
            reasons.update(_kind_of(r) for r in dict.fromkeys(why))
            if said == "unexplained":
                quiet.append((project["name"], issue))
        print(f"{project['name']:<11} {len(issues):>6} | " + " | ".join(f"{counts[c]:>11}" for c in columns), flush=True)
    if options.details:
        print("\nreasons given for the dismissed (a place may have several):")
        for kind, n in reasons.most_common():
            print(f"  {n:>4}  {kind}")
        by_test = Counter(issue["test_id"] for _, issue in quiet)
        print("\nunexplained, by Bandit test: " + ", ".join(f"{t} {n}" for t, n in by_test.most_common()))
        for name, issue in quiet:
            print(f"  {name} {issue['path']}:{issue['line_number']} {issue['test_id']} ({issue['rule']}): "
                  f"{issue['code'].strip().splitlines()[-1][:100] if issue.get('code') else ''}")
    return 0


def _kind_of(reason: str) -> str:
    """A reason without the names in it (`parameter 'x' of a.b`), to count reasons by kind."""
    import re

    return re.sub(r"'[^']*'|\b[\w.]+\.\w+\b", "…", reason)[:110]


if __name__ == "__main__":
    sys.exit(main())
