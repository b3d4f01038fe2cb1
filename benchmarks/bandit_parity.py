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
- not reported: codepatch is quiet there. With --details each is listed, to be explained
  (a proven constant, a sanitizer, a parameterised query) or fixed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml
from _peers import tool
from realworld import HERE, LINE_SLACK, bandit_issues, family, run_codepatch, tree_of

from codepatch.files.discover import is_test_path


def verdict(issue: dict, hits, cwe_of) -> str:
    """'high'/'medium'/'low' (the best tier codepatch reports there), 'test code' (left out of
    codepatch's report unless --include-tests), or 'not reported'."""
    if is_test_path(issue["path"]):
        return "test code"
    wanted = family(cwe_of(issue["rule"]))
    tiers = [h.tier for h in hits if h.path == issue["path"] and abs(h.line - issue["line_number"]) <= LINE_SLACK
             and h.cwe in wanted]
    for tier in ("high", "medium", "low"):
        if tier in tiers:
            return tier
    return "not reported"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkouts", type=Path, required=True)
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=set())
    parser.add_argument("--details", action="store_true", help="list each Bandit finding codepatch does not report")
    options = parser.parse_args()
    if not tool("bandit"):
        sys.exit("bandit is not installed here (pip install -e '.[benchmark]')")
    rules = {p.stem: int(yaml.safe_load(p.read_text(encoding="utf-8"))["cwe"])
             for p in (HERE.parent.parent / "rules").rglob("*.yaml") if p.parent.name != "frameworks"
             and p.name != "sources.yaml"}
    projects = yaml.safe_load((HERE / "projects.yaml").read_text(encoding="utf-8"))["projects"]
    columns = ("high", "medium", "low", "test code", "not reported")
    print(f"{'project':<11} {'bandit':>6} | " + " | ".join(f"{c:>12}" for c in columns))
    quiet = []
    for project in projects:
        if options.only and project["name"] not in options.only:
            continue
        root = tree_of(project["source"], options.checkouts.resolve())
        target = root / project.get("scan", ".")
        issues = bandit_issues(root, target)
        hits = run_codepatch(root, target)
        counts = Counter()
        for issue in issues:
            said = verdict(issue, hits, rules.get)
            counts[said] += 1
            if said == "not reported":
                quiet.append((project["name"], issue))
        print(f"{project['name']:<11} {len(issues):>6} | " + " | ".join(f"{counts[c]:>12}" for c in columns), flush=True)
    if options.details:
        by_test = Counter(issue["test_id"] for _, issue in quiet)
        print("\nnot reported, by Bandit test: " + ", ".join(f"{t} {n}" for t, n in by_test.most_common()))
        for name, issue in quiet:
            print(f"  {name} {issue['path']}:{issue['line_number']} {issue['test_id']} ({issue['rule']}): "
                  f"{issue['code'].strip().splitlines()[-1][:100] if issue.get('code') else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
