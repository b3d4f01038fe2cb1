"""The scan, top to bottom: discover → facts (cached, parallel) → taint + patterns → findings.

`scan()` is what the CLI, the pre-commit hooks and the tests call. It never imports the ML
stack.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from codepatch.analysis import incremental
from codepatch.analysis.flows import FunctionUnit, RawFinding
from codepatch.analysis.taint import TaintSolver
from codepatch.cache import FactsCache, default_cache_dir
from codepatch.discover import Discovery, discover, find_project_root, resolved
from codepatch.facts.collect import CollectedFacts, collect
from codepatch.parse import DEFAULT_FILE_SECONDS, DEFAULT_MAX_FILE_BYTES
from codepatch.progress import NO_PROGRESS, Progress, stage
from codepatch.ruleset import Rule, RuleSet, SourceSpec, load_ruleset
from codepatch.triage import Triage
from codepatch.types import FileProblem, Finding, Level, ScanResult, SourceFile, TraceHop

MAX_CODE = 200


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
    min_confidence: Level = Level.LOW
    baseline: Path | None = None  # hide the findings whose fingerprints this baseline file holds
    changed_since: str | None = None  # a git ref: report only findings touching lines changed since it
    # (gitignore-style pattern relative to the project root, rule ids not reported in matching files)
    per_path_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    progress: Progress = field(default=NO_PROGRESS, compare=False, repr=False)  # parsing and solving, on stderr
    anchor: Path | None = None  # what report paths are relative to; the root's git top level when None
    file_seconds: float = DEFAULT_FILE_SECONDS  # a file whose analysis takes longer is reported as a problem
    honour_new_suppressions: bool = True  # False: with changed_since, a suppression on a changed line hides nothing


def scan(options: ScanOptions, ruleset: RuleSet | None = None) -> ScanResult:
    started = time.perf_counter()
    ruleset = ruleset or load_ruleset(options.rules_dir)
    root = options.root or find_project_root(resolved(options.paths[0].absolute()))
    triage = Triage.prepare(options.baseline, options.changed_since, root,
                            warn_unused=options.min_severity == options.min_confidence == Level.LOW,
                            anchor=options.anchor, honour_new_suppressions=options.honour_new_suppressions)
    # A changed file is scanned even where .gitignore or the default excludes would skip it: a pull
    # request must not hide a file it adds by ignoring it (`git add -f`) or placing it in `build/`.
    found = discover(list(options.paths), options.excludes, root, options.anchor, triage.changed_files())
    cache = FactsCache(options.cache_dir, ruleset.version)
    try:
        facts, findings = _analyse(found, ruleset, cache, options)
    except MALFORMED_CACHE:
        if not cache.enabled:
            raise  # not the cache's fault: an internal error
        cache = FactsCache(None, ruleset.version)
        cache.warning = "a cache entry of the wrong shape was ignored; everything was analysed again"
        facts, findings = _analyse(found, ruleset, cache, options)
    shown = _in_report(found.report_filter, found.files)
    ignored = _ignored_rules(options.per_path_ignores, found.files, found.root)
    findings = sorted({f.sort_key: f for f in findings if f.path in shown and f.rule_id not in ignored.get(f.path, ())
                       and f.severity.rank >= options.min_severity.rank
                       and f.confidence.rank >= options.min_confidence.rank}.values(), key=lambda f: f.sort_key)
    triaged = triage.apply(tuple(findings), facts.texts, ruleset.by_id(), shown)
    problems = list(found.problems)
    for module in facts.modules:
        if module["problem"]:
            p = module["problem"]
            problems.append(FileProblem(module["path"], p["kind"], p["message"], p["partial"]))
    if cache.warning:
        problems.append(FileProblem(str(options.cache_dir), "cache", cache.warning, partial=True))
    return ScanResult(triaged.findings, tuple(problems), len(found.files), len(ruleset.rules),
                      time.perf_counter() - started, triaged.suppressed, triaged.notes)


# What reading a cache entry of the wrong shape raises (a checksum only catches stray edits).
MALFORMED_CACHE = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def _analyse(found: Discovery, ruleset: RuleSet, cache: FactsCache,
             options: ScanOptions) -> tuple[CollectedFacts, list[Finding]]:
    """Facts of every file and the findings of every rule (before filtering and triage)."""
    facts, raw = solve(found.files, ruleset, cache, options, found.root)
    excerpts = Excerpts(facts.texts)
    findings = [taint_finding(f, excerpts) for f in raw]
    rules = ruleset.by_id()
    for module in facts.modules:
        for hit in module["hits"]:
            findings.append(pattern_finding(rules[hit["rule"]], module["path"], hit, excerpts))
    return facts, findings


def solve(files: tuple[SourceFile, ...], ruleset: RuleSet, cache: FactsCache, options: ScanOptions,
          root: Path) -> tuple[CollectedFacts, list[RawFinding]]:
    """Every module's facts and the taint solver's findings.

    The findings come from the project's solved entry when every module's facts, the rules and
    the solver's code are what they were at the last scan; then unchanged files' facts are not
    even loaded (their pattern hits are in the entry). After an edit, the entry's solver state
    lets only the functions the edit may affect be solved again (see analysis/incremental.py)."""
    basis = hashlib.sha256(f"{ruleset.version}\0{_solver_code_digest()}".encode()).hexdigest()
    entry = cache.get_solved(str(root))
    entry = entry if entry and entry.get("basis") == basis else None
    facts = collect(files, ruleset, cache, options.jobs, options.max_file_bytes, entry["files"] if entry else None,
                    options.progress, options.file_seconds)
    if facts.digest is None:
        return facts, _solve_taint(facts, ruleset, options.progress)
    digest = hashlib.sha256(f"{facts.digest}\0{basis}".encode()).hexdigest()
    restored = _restore_raw_findings(entry["findings"], ruleset) if entry and entry["digest"] == digest else None
    if restored is not None:
        return facts, restored
    modules = [(key, m) for key, m in zip(facts.keys, facts.modules) if key]
    with stage(options.progress, "linking modules (taint)"), _gc_paused():
        try:
            raw = _solve_incrementally(ruleset, cache, str(root), digest, entry, modules)
        except AllFactsNeeded:  # load every module's facts afresh and solve everything
            full = collect(files, ruleset, cache, options.jobs, options.max_file_bytes, progress=options.progress,
                           file_seconds=options.file_seconds)
            raw = _solve_incrementally(ruleset, cache, str(root), digest, None,
                                       [(key, m) for key, m in zip(full.keys, full.modules) if key])
    light_modules = {key: {"digest": module_digest, "path": m["path"], "module": m["module"], "hits": m["hits"],
                           "problem": m["problem"]}
                     for key, m, module_digest in zip(facts.keys, facts.modules, facts.digests) if key}
    cache.put_solved(str(root), {"digest": digest, "basis": basis, "findings": [_raw_finding_json(f) for f in raw],
                                 "files": light_modules})
    return facts, raw


def _solve_taint(facts: CollectedFacts, ruleset: RuleSet, progress: Progress) -> list[RawFinding]:
    with stage(progress, "linking modules (taint)"):
        return TaintSolver(facts.modules, ruleset).solve()


def _solve_incrementally(ruleset: RuleSet, cache: FactsCache, project: str, digest: str, entry: dict | None,
                         modules: list[tuple[str, dict]]) -> list[RawFinding]:
    """The taint findings, re-using the solver state kept with `entry`; the new state is kept for `digest`."""
    solver = TaintSolver([], ruleset)
    state = cache.get_state(project) if entry else None
    previous = incremental.load_previous(state, solver) if state and state.get("digest") == entry["digest"] else None
    if entry and previous is None:
        raise AllFactsNeeded("no solver state: the entry's light modules stand for functions not loaded")
    raw, units = incremental.solve(solver, modules, previous, _facts_loader(cache, modules))
    cache.put_state(project, {"digest": digest, **incremental.save_state(solver, units, previous)})
    return raw


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The solver makes millions of small objects and frees few: the cyclic collector would only
    walk them again and again (on SQLAlchemy it doubled a re-scan after an edit). They hold no
    reference cycles, so they are frozen out of its view, and freed by reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class AllFactsNeeded(Exception):
    """The solve needs facts that were not loaded: the solver state or a file's cached facts are gone."""


def _facts_loader(cache: FactsCache, modules: list[tuple[str, dict]]) -> Callable[[FunctionUnit], dict]:
    """A function's facts: from this scan's modules when loaded, else from the cache, one module at a time."""
    loaded = {key: m for key, m in modules if m["functions"]}

    def load(unit: FunctionUnit) -> dict:
        key, index = unit.origin
        if key not in loaded:
            cached = cache.get(key)
            if cached is None:
                raise AllFactsNeeded(key)
            loaded[key] = cached[0]
        return loaded[key]["functions"][index]
    return load


@functools.cache
def _solver_code_digest() -> str:
    """The code that turns facts into taint findings: a change to it invalidates solved entries."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted((package / "analysis").glob("*.py")) + [package / "ruleset.py", package / "types.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _raw_finding_json(raw: RawFinding) -> dict:
    return {"rule": raw.rule.id, "source": [raw.source.name, raw.source.group, raw.source.confidence.value],
            "path": raw.path, "site": list(raw.site), "trace": [list(hop) for hop in raw.trace]}


def _restore_raw_findings(entries: list[dict], ruleset: RuleSet) -> list[RawFinding] | None:
    """The cached findings, or None when any no longer fits the rule set (then the solver runs)."""
    rules = ruleset.by_id()
    try:
        return [RawFinding(rules[e["rule"]], SourceSpec(e["source"][0], e["source"][1], Level(e["source"][2])),
                           e["path"], tuple(e["site"]), tuple((path, line) for path, line in e["trace"]))
                for e in entries]
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _in_report(named: tuple[Path, ...], files) -> set[str]:
    """Display paths of the files under what the user named (the whole project was analysed);
    `named` has its links resolved, so naming a link reports the file it leads to."""
    shown = set()
    for source in files:
        path = resolved(source.path)
        if any(path == n or n in path.parents for n in named):
            shown.add(source.display)
    return shown


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


class Excerpts:
    """Source lines for findings and trace hops, decoded once per file on demand."""

    def __init__(self, texts: dict[str, bytes]) -> None:
        self.texts = texts
        self.lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self.lines:
            self.lines[path] = self.texts.get(path, b"").decode("utf-8", "replace").splitlines()
        lines = self.lines[path]
        text = lines[number - 1].strip() if 0 < number <= len(lines) else ""
        return text if len(text) <= MAX_CODE else text[: MAX_CODE - 1] + "…"


def taint_finding(raw: RawFinding, excerpts: Excerpts) -> Finding:
    rule = raw.rule
    line, col, end_line, end_col = raw.site
    hops = tuple(TraceHop(path, number, excerpts.line(path, number),
                          "source" if i == 0 else ("sink" if i == len(raw.trace) - 1 else ""))
                 for i, (path, number) in enumerate(raw.trace))
    confidence = min(rule.confidence, raw.source.confidence, key=lambda level: level.rank)
    message = f"{rule.message} (from {raw.source.name})"
    return Finding(rule.id, rule.cwe, rule.severity, confidence, message, raw.path, line, col + 1,
                   end_line, end_col + 1, excerpts.line(raw.path, line), hops, rule.bandit, rule.fix)


def pattern_finding(rule: Rule, path: str, hit: dict, excerpts: Excerpts) -> Finding:
    code = excerpts.line(path, hit["line"])
    return Finding(rule.id, rule.cwe, rule.severity, rule.confidence, rule.message, path, hit["line"],
                   hit["col"] + 1, hit["eline"], hit["ecol"] + 1, code,
                   (TraceHop(path, hit["line"], code, "sink"),), rule.bandit, rule.fix)
