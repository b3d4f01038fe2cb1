"""Time of one patch's validation in a small project without tests (issue 3's target: < 1 s).

    .venv/bin/python benchmarks/validate_speed.py [PROJECT] [--no-cache]

PROJECT (default: fixtures/repos/net_tools) is copied without its tests to a temporary folder and
scanned; then, for each finding, the candidate patch is built (`apply`: the rule's strategies)
and validated step by step: `parses`, `rescan`, `bandit` (the tests step is skipped: there are
none). One row per patch, seconds; `setup` is the validator's start (workspace copy, baseline
scan), paid once per run. The facts cache is a fresh temporary folder (as a first `--fix` run
after a plain scan would find it, warm); `--no-cache` runs without one.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codepatch.validate import rescan  # noqa: E402

from codepatch.fix.candidates import Unfixable, single_patch  # noqa: E402
from codepatch.fix.validate import bandit_check, parses
from codepatch.fix.validate.pipeline import ValidationSettings, Validator  # noqa: E402
from codepatch.ruleset.load import load_ruleset  # noqa: E402  (needs the repository on sys.path)
from codepatch.scan.pipeline import ScanOptions, scan  # noqa: E402

DEFAULT_PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "repos" / "net_tools"


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=DEFAULT_PROJECT)
    parser.add_argument("--no-cache", action="store_true", help="validate without a facts cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codepatch-speed-") as work:
        root = Path(work) / args.project.name
        shutil.copytree(args.project, root, ignore=shutil.ignore_patterns("tests", "test_*.py", "__pycache__"))
        (root / ".git").mkdir()
        cache = None if args.no_cache else Path(work) / "cache"
        ruleset = load_ruleset(None)
        findings = scan(ScanOptions((root,), root=root, cache_dir=cache), ruleset).findings
        validator, setup = timed(lambda: Validator(root, root, ruleset,
                                                   ValidationSettings(run_tests=False, cache_dir=cache)))
        rules = ruleset.by_id()
        rows = []
        for finding in findings:
            text = (root / finding.path).read_text(encoding="utf-8")
            patch, apply = timed(lambda: single_patch(finding, text, rules[finding.rule_id], root))
            if isinstance(patch, Unfixable):
                continue
            parsed, parse_time = timed(lambda: parses.check(patch))
            rescanned, rescan_time = timed(lambda: rescan.check(patch, validator.workspace, validator.baseline,
                                                                validator.rescan_findings))
            banned, bandit_time = timed(lambda: bandit_check.check(patch))
            verdict = "ok" if parsed.passed and rescanned.passed and banned.passed else "rejected"
            rows.append((f"{finding.path}:{finding.line} {finding.rule_id}", apply, parse_time, rescan_time,
                         bandit_time, parse_time + rescan_time + bandit_time, verdict))
        validator.close()
    print(f"project {args.project.name} without tests, facts cache {'off' if cache is None else 'on'}; "
          f"setup (workspace copy, baseline scan) {setup:.2f} s")
    header = ("patch", "apply", "parses", "rescan", "bandit", "validation", "verdict")
    width = max(len(header[0]), *(len(r[0]) for r in rows))
    print(f"{header[0]:<{width}}  " + "  ".join(f"{h:>10}" for h in header[1:]))
    for name, *times, verdict in rows:
        print(f"{name:<{width}}  " + "  ".join(f"{t:>10.3f}" for t in times) + f"  {verdict:>10}")


if __name__ == "__main__":
    main()
