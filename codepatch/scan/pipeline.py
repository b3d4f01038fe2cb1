"""The scan, top to bottom: discover (files/) → facts, cached and in parallel (collect.py) → taint
and patterns (solve.py) → findings (findings.py) → thresholds and triage → one `ScanResult`.

`scan()` is what the CLI, the pre-commit hooks, fix validation and the tests call. It never
imports the ML stack.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from codepatch.files.discover import (
    Discovery,
    discover,
    find_project_root,
    is_test_path,
    resolved,
)
from codepatch.files.parse import DEFAULT_FILE_SECONDS, DEFAULT_MAX_FILE_BYTES
from codepatch.progress import NO_PROGRESS, Progress
from codepatch.ruleset.load import load_ruleset
from codepatch.ruleset.model import RuleSet
from codepatch.scan.cache import FactsCache, default_cache_dir
from codepatch.scan.collect import CollectedFacts, FileLimits, imported_modules
from codepatch.scan.findings import (
    Excerpts,
    pattern_finding,
    taint_finding,
    without_passed_on,
    without_weaker_repeats,
)
from codepatch.scan.solve import solve
from codepatch.triage import Triage
from codepatch.types import Dismissal, FileProblem, Finding, Level, ScanResult


@dataclass(frozen=True)
class ScanOptions:
    paths: tuple[Path, ...]
    root: Path | None = None  # the project analysed as a whole; found from the paths when None
    rules_dir: Path | None = None
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no cache
    jobs: int = 0  # 0: one worker per core
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    excludes: tuple[str, ...] = ()
    min_severity: Level = Level.LOW
    min_confidence: Level = Level.MEDIUM  # the default report: high and medium (low is the unproven tier)
    baseline: Path | None = None  # hide the findings whose fingerprints this baseline file holds
    changed_since: str | None = None  # a git ref: report only findings touching lines changed since it
    # (gitignore-style pattern relative to the project root, rule ids not reported in matching files)
    per_path_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    progress: Progress = field(default=NO_PROGRESS, compare=False, repr=False)  # parsing and solving, on stderr
    anchor: Path | None = None  # what report paths are relative to; the root's git top level when None
    file_seconds: float = DEFAULT_FILE_SECONDS  # a file whose analysis takes longer is reported as a problem
    honour_new_suppressions: bool = True  # False: with changed_since, a suppression on a changed line hides nothing
    include_tests: bool = False  # report findings in test code too (tests/, test_*.py, conftest.py)
    show_dismissed: bool = False  # also say where rules stay quiet, and why (solves the whole project afresh)

    @property
    def limits(self) -> FileLimits:
        return FileLimits(self.jobs, self.max_file_bytes, self.file_seconds)


def scan(options: ScanOptions, ruleset: RuleSet | None = None) -> ScanResult:
    started = time.perf_counter()
    ruleset = ruleset or load_ruleset(options.rules_dir)
    root = options.root or find_project_root(resolved(options.paths[0].absolute()))
    triage = Triage.prepare(options.baseline, options.changed_since, root, anchor=options.anchor,
                            honour_new_suppressions=options.honour_new_suppressions)
    # A changed file is scanned even where .gitignore or the default excludes would skip it: a pull
    # request must not hide a file it adds by ignoring it (`git add -f`) or placing it in `build/`.
    found = discover(list(options.paths), options.excludes, root, options.anchor, triage.changed_files())
    cache = FactsCache(options.cache_dir, ruleset.version)
    try:
        facts, findings, dismissed = _analyse(found, ruleset, cache, options)
    except MALFORMED_CACHE:
        if not cache.enabled:
            raise  # not the cache's fault: an internal error
        cache = FactsCache(None, ruleset.version)
        cache.warning = "a cache entry of the wrong shape was ignored; everything was analysed again"
        facts, findings, dismissed = _analyse(found, ruleset, cache, options)
    shown = _in_report(found.report_filter, found.files, _imported_tests(facts.modules), options.include_tests)
    ignored = _ignored_rules(options.per_path_ignores, found.files, found.root)
    findings = sorted({f.sort_key: f for f in findings if f.path in shown and f.rule_id not in ignored.get(f.path, ())
                       }.values(), key=lambda f: f.sort_key)
    def reported(finding: Finding) -> bool:
        return finding.severity.rank >= options.min_severity.rank and \
            finding.confidence.rank >= options.min_confidence.rank

    triaged = triage.apply(tuple(findings), facts.texts, ruleset.by_id(), shown, reported)
    if options.show_dismissed:
        dismissed = _below_thresholds(findings, reported) + [d for d in dismissed if d.path in shown
                                                              and d.rule_id not in ignored.get(d.path, ())]
    problems = list(found.problems)
    for module in facts.modules:
        if module["problem"]:
            p = module["problem"]
            problems.append(FileProblem(module["path"], p["kind"], p["message"], p["partial"]))
    if cache.warning:
        problems.append(FileProblem(str(options.cache_dir), "cache", cache.warning, partial=True))
    return ScanResult(triaged.findings, tuple(problems), len(found.files), len(ruleset.rules),
                      time.perf_counter() - started, triaged.suppressed, triaged.notes,
                      dismissed=tuple(sorted(dismissed)) if options.show_dismissed else ())


# What reading a cache entry of the wrong shape raises (a checksum only catches stray edits).
MALFORMED_CACHE = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def _analyse(found: Discovery, ruleset: RuleSet, cache: FactsCache,
             options: ScanOptions) -> tuple[CollectedFacts, list[Finding], list[Dismissal]]:
    """Facts of every file, the findings of every rule (before filtering and triage) and, with
    --show-dismissed, where the rules stayed quiet and why."""
    facts, raw, dismissed = solve(found.files, ruleset, cache, options.limits, found.root, options.progress,
                                  explain=options.show_dismissed,
                                  if_imported=_unnamed_tests(found.report_filter, found.files, options.include_tests))
    excerpts = Excerpts(facts.texts)
    findings = [taint_finding(f, excerpts) for f in raw]
    rules = ruleset.by_id()
    for module in facts.modules:
        for hit in module["hits"]:
            findings.append(pattern_finding(rules[hit["rule"]], module["path"], hit, excerpts))
        hit_lines = {(hit["rule"], hit["line"]) for hit in module["hits"]}
        dismissed += [Dismissal(module["path"], d["line"], d["rule"], (d["why"],)) for d in module["dismissed"]
                      if (d["rule"], d["line"]) not in hit_lines]
    return facts, without_weaker_repeats(without_passed_on(findings)), dismissed


def _below_thresholds(findings: list[Finding], reported) -> list[Dismissal]:
    """Findings the report leaves out by their confidence or severity, as dismissals that say so."""
    return [Dismissal(f.path, f.line, f.rule_id, (
        f"a finding at {f.confidence.value} confidence and {f.severity.value} severity, below the report's "
        "thresholds (--confidence, --severity)",)) for f in findings if not reported(f)]


def _in_report(named: tuple[Path, ...], files, product_tests: set[str], include_tests: bool) -> set[str]:
    """Display paths of the files under what the user named (the whole project was analysed);
    `named` has its links resolved, so naming a link reports the file it leads to. Test code is
    left out unless asked for, named itself, or imported by product code (`product_tests`)."""
    shown = set()
    for source in files:
        path = resolved(source.path)
        test = is_test_path(source.display) and source.display not in product_tests and not include_tests
        if any(path == n for n in named) or (not test and any(n in path.parents for n in named)):
            shown.add(source.display)
    return shown


def _imported_tests(modules: list[dict]) -> set[str]:
    """Display paths of test modules that product code imports (fixtures and helpers it ships)."""
    imported = imported_modules([m for m in modules if not is_test_path(m["path"])])
    return {m["path"] for m in modules if is_test_path(m["path"]) and m["module"] in imported}


def _unnamed_tests(named: tuple[Path, ...], files, include_tests: bool) -> frozenset[str]:
    """Display paths of the test modules a report shows only if product code imports them (see
    `_in_report`): nothing else needs their facts. Test functions are no entry points, and a flow
    through one is not reported (analysis/entries.py, taint.py), so product findings are the same
    without them; on SQLAlchemy they are 60 % of the code."""
    if include_tests:
        return frozenset()
    return frozenset(source.display for source in files
                     if is_test_path(source.display) and not any(resolved(source.path) == n for n in named))


def _ignored_rules(per_path: tuple[tuple[str, frozenset[str]], ...], files, root: Path) -> dict[str, frozenset[str]]:
    """Display path → the rules not reported in that file (`per-path-ignores`, matched relative to the root)."""
    if not per_path:
        return {}
    specs = [(pathspec.PathSpec.from_lines("gitignore", [pattern]), rules) for pattern, rules in per_path]
    ignored = {}
    for source in files:
        relative = source.path.absolute().relative_to(root).as_posix()
        rules = frozenset().union(*(rules for spec, rules in specs if spec.match_file(relative)))
        if rules:
            ignored[source.display] = rules
    return ignored


