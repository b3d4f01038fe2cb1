"""Score codepatch, bandit and semgrep on OWASP BenchmarkPython v0.1 (run by hand, not in CI).

    .venv/bin/python benchmarks/owasp.py /tmp/owasp [--tools codepatch,bandit,semgrep]
        [--semgrep-config DIR] [--json OUT]

PATH is a local copy of https://github.com/OWASP-Benchmark/BenchmarkPython (GPL-3.0: keep it
outside this repository). Scoring follows the official rule: a test case is flagged when any
finding in its file carries exactly the CWE that `expectedresults-0.1.csv` gives for it. Per
category: TPR = TP / real vulnerabilities, FPR = FP / safe cases, Youden = TPR - FPR; the
average is the mean over categories, as on the official scorecards.

Semgrep runs offline, so its rules must be local: `--semgrep-config` or $CODEPATCH_SEMGREP_RULES
(e.g. the `python/` folder of the public semgrep/semgrep-rules repository); without one it is
skipped. Bandit's CWE is its issues' `issue_cwe.id`; semgrep's, the `CWE-N` in each rule's
`metadata.cwe`.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _peers import (  # noqa: E402  (this folder is not a package)
    RULES,
    Measured,
    run_measured,
    semgrep_command,
    semgrep_config,
    semgrep_cwes,
    semgrep_rule_count,
    tool,
    version,
)

TOOLS = ("codepatch", "bandit", "semgrep")
EXPECTED = "expectedresults-0.1.csv"
TEST_NAME = re.compile(r"(BenchmarkTest\d+)")


@dataclass(frozen=True)
class Case:
    name: str
    category: str
    real: bool
    cwe: int


@dataclass(frozen=True)
class Score:
    n: int
    tp: int
    fn: int
    fp: int
    tn: int

    @property
    def tpr(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0

    @property
    def youden(self) -> float:
        return self.tpr - self.fpr


def read_expected(root: Path) -> list[Case]:
    cases = []
    with open(root / EXPECTED, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if not row or row[0].startswith("#"):
                continue
            name, category, real, cwe = (cell.strip() for cell in row[:4])
            cases.append(Case(name, category, real.lower() == "true", int(cwe)))
    return cases


def flagged_by_file(pairs: list[tuple[str, set[int]]]) -> dict[str, set[int]]:
    """Test case name → every CWE reported in its file (files of other names are ignored)."""
    flagged: dict[str, set[int]] = {}
    for path, cwes in pairs:
        match = TEST_NAME.search(Path(path).name)
        if match:
            flagged.setdefault(match.group(1), set()).update(cwes)
    return flagged


# ----- the tools -------------------------------------------------------------------------------
# Each returns (test case name → CWEs flagged, the measured run). A run that fails raises.

def run_codepatch(root: Path, scratch: Path, _config: Path | None) -> tuple[dict[str, set[int]], Measured]:
    output = scratch / "codepatch.json"
    run = run_measured([tool("codepatch") or "codepatch", "scan", str(root), "--root", str(root), "--format", "json",
                        "--no-cache", "--fail-on", "none", "--quiet", "--rules", str(RULES), "--output", str(output)])
    if run.returncode != 0:
        raise RuntimeError(f"codepatch exited {run.returncode}: {run.stderr.strip()[-2000:]}")
    findings = json.loads(output.read_text(encoding="utf-8"))["findings"]
    return flagged_by_file([(f["path"], {f["cwe"]}) for f in findings]), run


def run_bandit(root: Path, scratch: Path, _config: Path | None) -> tuple[dict[str, set[int]], Measured]:
    output = scratch / "bandit.json"
    run = run_measured([tool("bandit") or "bandit", "-r", "-f", "json", "-q", "-o", str(output), str(root)])
    if run.returncode not in (0, 1):  # 1: issues found
        raise RuntimeError(f"bandit exited {run.returncode}: {run.stderr.strip()[-2000:]}")
    results = json.loads(output.read_text(encoding="utf-8"))["results"]
    return flagged_by_file([(r["filename"], {r["issue_cwe"]["id"]} if r.get("issue_cwe") else set())
                            for r in results]), run


def run_semgrep(root: Path, scratch: Path, config: Path | None) -> tuple[dict[str, set[int]], Measured]:
    if config is None:
        raise RuntimeError("no local semgrep rules: pass --semgrep-config DIR or set $CODEPATCH_SEMGREP_RULES")
    output = scratch / "semgrep.json"
    run = run_measured(semgrep_command(config, root, output))
    if run.returncode not in (0, 1):
        raise RuntimeError(f"semgrep exited {run.returncode}: {run.stderr.strip()[-2000:]}")
    results = json.loads(output.read_text(encoding="utf-8"))["results"]
    return flagged_by_file([(r["path"], semgrep_cwes(r)) for r in results]), run


RUNNERS = {"codepatch": run_codepatch, "bandit": run_bandit, "semgrep": run_semgrep}


# ----- scoring and the table -------------------------------------------------------------------

def score(cases: list[Case], flagged: dict[str, set[int]]) -> dict[str, Score]:
    """Per category (and 'average', the mean of the categories' rates, as a Score of totals)."""
    counts: dict[str, list[int]] = {}
    for case in cases:
        hit = case.cwe in flagged.get(case.name, set())
        row = counts.setdefault(case.category, [0, 0, 0, 0, 0])
        row[0] += 1
        row[1 + (0 if case.real and hit else 1 if case.real else 2 if hit else 3)] += 1
    return {category: Score(*row) for category, row in sorted(counts.items())}


def averages(scores: dict[str, Score]) -> tuple[float, float, float]:
    k = len(scores) or 1
    return (sum(s.tpr for s in scores.values()) / k, sum(s.fpr for s in scores.values()) / k,
            sum(s.youden for s in scores.values()) / k)


def table(cases: list[Case], results: dict[str, dict[str, Score]]) -> str:
    tools = list(results)
    categories = sorted({c.category for c in cases})
    n_by_category = {cat: sum(1 for c in cases if c.category == cat) for cat in categories}
    cwe_by_category = {c.category: c.cwe for c in cases}
    head = f"{'category':<16}{'CWE':>5}{'n':>5}" + "".join(f" | {t + ' TPR/FPR/Youden':^23}" for t in tools)
    lines = [head, "-" * len(head)]
    for cat in categories:
        cells = "".join(f" | {_pct(results[t][cat].tpr)} {_pct(results[t][cat].fpr)} {_pct(results[t][cat].youden)}"
                        for t in tools)
        lines.append(f"{cat:<16}{cwe_by_category[cat]:>5}{n_by_category[cat]:>5}{cells}")
    lines.append("-" * len(head))
    cells = "".join(" | " + " ".join(_pct(v) for v in averages(results[t])) for t in tools)
    lines.append(f"{'average':<16}{'':>5}{len(cases):>5}{cells}")
    return "\n".join(lines)


def _pct(value: float) -> str:
    return f"{value * 100:6.1f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("path", type=Path, help="local copy of OWASP BenchmarkPython v0.1")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, from: " + ", ".join(TOOLS))
    parser.add_argument("--semgrep-config", help="local semgrep rules (file or folder); default $CODEPATCH_SEMGREP_RULES")
    parser.add_argument("--json", type=Path, dest="json_out", help="also write the scores and runs to this file")
    args = parser.parse_args()

    root = args.path.resolve()
    if not (root / EXPECTED).is_file():
        parser.error(f"{root} has no {EXPECTED}: not a BenchmarkPython v0.1 copy")
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in RUNNERS]
    if unknown:
        parser.error(f"unknown tool(s): {', '.join(unknown)}")
    config = semgrep_config(args.semgrep_config)
    cases = read_expected(root)

    results: dict[str, dict[str, Score]] = {}
    runs: dict[str, Measured] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="owasp-bench-") as scratch:
        for name in tools:
            print(f"running {name} ...", file=sys.stderr, flush=True)
            try:
                flagged, run = RUNNERS[name](root, Path(scratch), config)
            except (RuntimeError, OSError, ValueError, KeyError) as exc:
                failures[name] = str(exc)
                print(f"  {name} skipped: {exc}", file=sys.stderr)
                continue
            results[name], runs[name] = score(cases, flagged), run
            print(f"  {run.wall_s:.1f} s", file=sys.stderr)

    versions = {t: version(t) for t in tools}
    print(f"OWASP BenchmarkPython v0.1 ({len(cases)} cases) at {root}, "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    for name in tools:
        detail = f"{versions[name]}"
        if name == "semgrep" and config is not None:
            detail += f", config {config} ({semgrep_rule_count(config)} rules)"
        timing = f", {runs[name].wall_s:.1f} s" if name in runs else f": SKIPPED ({failures.get(name)})"
        print(f"  {name}: {detail}{timing}")
    print("Flagged = a finding in the test's file with exactly the expected CWE (official rule).\n")
    if results:
        print(table(cases, results))
    if args.json_out:
        payload = {
            "cases": len(cases), "versions": versions, "semgrep_config": str(config) if config else None,
            "failures": failures,
            "runs": {t: {k: v for k, v in asdict(r).items() if k not in ("stdout", "stderr")} for t, r in runs.items()},
            "scores": {t: {cat: {**asdict(s), "tpr": s.tpr, "fpr": s.fpr, "youden": s.youden}
                           for cat, s in scores.items()} for t, scores in results.items()},
            "averages": {t: dict(zip(("tpr", "fpr", "youden"), averages(s))) for t, s in results.items()},
        }
        args.json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
