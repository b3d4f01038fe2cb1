"""codepatch vs bandit on the realistic mini-projects under fixtures/projects (run by hand).

    .venv/bin/python benchmarks/projects.py [--details]

Each project is scanned as a whole by both tools and scored against its `# ruleid:` / `# ok:`
annotations with the rules of tests/test_projects.py. Bandit issues are mapped to our rule ids:

1. Advisory tests are dropped: they flag a construct for review rather than a flaw (imports B4xx,
   `assert` B101, try/except/pass B110/B112, missing timeout B113, subprocess without a shell
   B603/B606 "check for execution of untrusted input", partial executable path B607).
2. A test id named in a rule's `bandit:` field maps to that rule.
3. Otherwise the built-in table BANDIT_FAMILIES below (bandit tests our rules cover without
   naming them, and ids of rules not written yet).
4. Otherwise the issue's CWE, through our rules' `cwe:` fields.
Issues that map to none of our rules are not security-relevant here and are not counted. A mapped
issue is a true positive on a `# ruleid:` line of its rule, a duplicate on a `# ruleid:` line of
another rule, and a false positive anywhere else (an `# ok:` line or an unannotated line).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codepatch.ruleset.load import rule_files  # noqa: E402
from tests.conftest import REPO, RULES  # noqa: E402
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

ADVISORY_TESTS = {"B101", "B110", "B112", "B113", "B603", "B606", "B607"}
# A bandit test may match several of our rules (yaml.load of request data is unsafe-deserialization
# as well): on a `# ruleid:` line of any of them it counts for that one, elsewhere for the first.
BANDIT_FAMILIES: dict[str, str | tuple[str, ...]] = {
    "B102": "code-injection", "B307": "code-injection",
    "B105": "hardcoded-credentials", "B106": "hardcoded-credentials", "B107": "hardcoded-credentials",
    "B202": "path-traversal",
    "B301": "unsafe-deserialization", "B302": "unsafe-deserialization", "B614": "unsafe-deserialization",
    "B303": "weak-hash", "B324": "weak-hash",
    "B308": "xss", "B702": "xss", "B703": "xss", "B704": "xss",
    "B310": "ssrf",
    "B311": "weak-random",
    "B506": ("unsafe-yaml-load", "unsafe-deserialization"),
    "B601": "command-injection", "B602": "command-injection", "B604": "command-injection",
    "B605": "command-injection", "B609": "command-injection",
    "B608": "sql-injection", "B610": "sql-injection", "B611": "sql-injection",
}


def rule_maps() -> tuple[dict[str, str], dict[int, str]]:
    """(bandit test id → rule id, CWE → rule id) from the rules' own fields."""
    by_test, by_cwe = {}, {}
    for path in rule_files(RULES):
        rule = yaml.safe_load(path.read_text(encoding="utf-8"))
        if rule.get("bandit"):
            by_test[rule["bandit"]] = rule["id"]
        by_cwe.setdefault(int(rule["cwe"]), rule["id"])
    return by_test, by_cwe


def bandit_families(issue: dict, by_test: dict[str, str], by_cwe: dict[int, str]) -> tuple[str, ...]:
    """Our rule ids an issue stands for, most specific first; () when it is not counted."""
    test_id = issue["test_id"]
    if test_id in ADVISORY_TESTS or test_id.startswith("B4"):
        return ()
    cwe = (issue.get("issue_cwe") or {}).get("id")
    built_in = BANDIT_FAMILIES.get(test_id, ())
    families = (by_test.get(test_id), *((built_in,) if isinstance(built_in, str) else built_in), by_cwe.get(cwe))
    return tuple(dict.fromkeys(f for f in families if f))


def bandit_executable() -> str:
    local = REPO / ".venv" / "bin" / "bandit"
    found = str(local) if local.exists() else shutil.which("bandit")
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
    for tool in shown:
        result = totals[tool]
        for label, sites in (("misses", result.misses), ("false positives", result.false_positives),
                             ("duplicates (another rule on a vulnerable line)", result.duplicates)):
            print(f"\n{tool} {label} ({len(sites)}):")
            for site in sorted(sites, key=lambda s: (s[0], s[2])):
                where = ""
                if sites is result.false_positives:
                    where = " [ok look-alike]" if site in safe else " [unannotated]"
                print(f"  {describe([site])}{where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
