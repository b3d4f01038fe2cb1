"""codepatch vs bandit on the realistic mini-projects under fixtures/projects (run by hand).

    .venv/bin/python benchmarks/projects.py [--details]

Each project is scanned as a whole by both tools and scored against its `# ruleid:` / `# ok:`
annotations with the rules of tests/test_projects.py. Bandit issues are mapped to our rule ids as
`_peers.bandit_families` says (advisory tests dropped). A mapped issue is a true positive on a
`# ruleid:` line of its rule, a duplicate on a `# ruleid:` line of another rule, and a false
positive anywhere else (an `# ok:` line or an unannotated line).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _peers import bandit_families, rule_maps, tool  # noqa: E402

from tests.test_projects import (  # noqa: E402  (needs the repository on sys.path)
    PROJECTS,
    PROJECTS_DIR,
    Score,
    Site,
    codepatch_sites,
    describe,
    project_annotations,
    score,
)


def bandit_executable() -> str:
    found = tool("bandit")  # the venv running this script, else PATH
    if not found:
        sys.exit("bandit is not installed: .venv/bin/pip install -c constraints.txt bandit")
    return found


def bandit_sites(project: Path, bandit: str, by_test: dict[str, str], by_cwe: dict[int, str]) -> set[Site]:
    completed = subprocess.run([bandit, "-r", "-f", "json", "-q", str(project)],
                               capture_output=True, text=True, check=False)
    if completed.returncode not in (0, 1):
        sys.exit(f"bandit failed on {project}: {completed.stderr.strip()}")
    expected, _ = project_annotations(project)
    sites = set()
    for issue in json.loads(completed.stdout)["results"]:
        families = bandit_families(issue, by_test, by_cwe)
        if families:
            relative = Path(issue["filename"]).resolve().relative_to(PROJECTS_DIR.resolve()).as_posix()
            line = issue["line_number"]
            family = next((f for f in families if (relative, f, line) in expected), families[0])
            sites.add((relative, family, line))
    return sites


def row(name: str, codepatch: Score, bandit: Score) -> str:
    cells = [f"{name:<18}", f"{len(codepatch.expected):>8}"]
    for result in (codepatch, bandit):
        cells += [f"{len(result.hits):>4}", f"{len(result.false_positives):>4}", f"{result.recall:>7.2f}"]
    return " | ".join(cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="also list bandit's misses and false positives")
    options = parser.parse_args()
    bandit = bandit_executable()
    by_test, by_cwe = rule_maps()
    totals = {"codepatch": Score(), "bandit": Score()}
    print(f"{'':<18} | {'':>8} | {'codepatch':^21} | {'bandit':^21}")
    print(f"{'project':<18} | expected | {'TP':>4} | {'FP':>4} | {'recall':>7} | {'TP':>4} | {'FP':>4} | {'recall':>7}")
    for project in PROJECTS:
        ours = score(project, codepatch_sites(project))
        theirs = score(project, bandit_sites(project, bandit, by_test, by_cwe))
        totals["codepatch"] += ours
        totals["bandit"] += theirs
        print(row(project.name, ours, theirs))
    print(row("TOTAL", totals["codepatch"], totals["bandit"]))
    safe = set().union(*(project_annotations(project)[1] for project in PROJECTS))
    shown = ("codepatch", "bandit") if options.details else ("codepatch",)
    for name in shown:
        result = totals[name]
        for label, sites in (("misses", result.misses), ("false positives", result.false_positives),
                             ("duplicates (another rule on a vulnerable line)", result.duplicates)):
            print(f"\n{name} {label} ({len(sites)}):")
            for site in sorted(sites, key=lambda s: (s[0], s[2])):
                where = ""
                if sites is result.false_positives:
                    where = " [ok look-alike]" if site in safe else " [unannotated]"
                print(f"  {describe([site])}{where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
