"""The global stage of a scan: every module's facts (collect.py) linked by the taint solver, with
the project's solved entry and solver state in the cache so that a re-scan solves only what an
edit may affect (see analysis/incremental.py)."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from codepatch.analysis import dismissals, incremental
from codepatch.analysis.flows import FunctionUnit, RawFinding
from codepatch.analysis.taint import TaintSolver
from codepatch.files.templates import Templates, read_templates
from codepatch.progress import NO_PROGRESS, Progress, stage
from codepatch.ruleset.model import RuleSet, SourceSpec
from codepatch.scan.cache import MODULE_TABLES, FactsCache
from codepatch.scan.collect import CollectedFacts, FileLimits, collect
from codepatch.types import Dismissal, Level, SourceFile


def solve(files: tuple[SourceFile, ...], ruleset: RuleSet, cache: FactsCache, limits: FileLimits,
          root: Path, progress: Progress = NO_PROGRESS, explain: bool = False,
          if_imported: frozenset[str] = frozenset()) -> tuple[CollectedFacts, list[RawFinding], list[Dismissal]]:
    """Every module's facts, the taint solver's findings and (with `explain`) the sink sites it left
    quiet, with why.

    The findings come from the project's solved entry when every module's facts, the rules and
    the solver's code are what they were at the last scan; then unchanged files' facts are not
    even loaded (their pattern hits are in the entry). After an edit, the entry's solver state
    lets only the functions the edit may affect be solved again (see analysis/incremental.py).
    Cached solver state keeps no reasons: `explain` solves the whole project afresh. The files in
    `if_imported` (test code no report shows) are analysed only when the others import them."""
    templates = read_templates(root)
    if explain:
        facts = collect(files, ruleset, cache, limits, progress=progress, if_imported=if_imported)
        return facts, *_solve_taint(facts, ruleset, templates, progress)
    basis = hashlib.sha256(f"{ruleset.version}\0{_solver_code_digest()}\0{templates.digest}".encode()).hexdigest()
    entry = cache.get_solved(str(root))
    entry = entry if entry and entry.get("basis") == basis else None
    facts = collect(files, ruleset, cache, limits, entry["files"] if entry else None, progress, if_imported)
    if facts.digest is None:
        return facts, *_solve_taint(facts, ruleset, templates, progress)
    digest = hashlib.sha256(f"{facts.digest}\0{basis}".encode()).hexdigest()
    restored = _restore_raw_findings(entry["findings"], ruleset) if entry and entry["digest"] == digest else None
    if restored is not None:
        return facts, restored, []
    modules = [(key, m) for key, m in zip(facts.keys, facts.modules) if key]
    with stage(progress, "linking modules (taint)"), _gc_paused():
        try:
            raw = _solve_incrementally(ruleset, templates, cache, str(root), digest, entry, modules)
        except AllFactsNeeded:  # load every module's facts afresh and solve everything
            full = collect(files, ruleset, cache, limits, progress=progress, if_imported=if_imported)
            raw = _solve_incrementally(ruleset, templates, cache, str(root), digest, None,
                                       [(key, m) for key, m in zip(full.keys, full.modules) if key])
    light_modules = {key: {"digest": module_digest, "path": m["path"], "module": m["module"], "hits": m["hits"],
                           "problem": m["problem"], **{table: m[table] for table in MODULE_TABLES}}
                     for key, m, module_digest in zip(facts.keys, facts.modules, facts.digests) if key}
    cache.put_solved(str(root), {"digest": digest, "basis": basis, "findings": [_raw_finding_json(f) for f in raw],
                                 "files": light_modules})
    return facts, raw, []


def _solve_taint(facts: CollectedFacts, ruleset: RuleSet, templates: Templates,
                 progress: Progress) -> tuple[list[RawFinding], list[Dismissal]]:
    """One solve of every module, with no solver state to start from or keep: its findings and
    the sink sites it left quiet."""
    solver = TaintSolver(facts.modules, ruleset, templates)
    with stage(progress, "linking modules (taint)"):
        raw = solver.solve()
    return raw, dismissals.remaining(solver.functions.values(), solver.entry_reasons, raw)


def _solve_incrementally(ruleset: RuleSet, templates: Templates, cache: FactsCache, project: str, digest: str,
                         entry: dict | None, modules: list[tuple[str, dict]]) -> list[RawFinding]:
    """The taint findings, re-using the solver state kept with `entry`; the new state is kept for `digest`."""
    solver = TaintSolver([], ruleset, templates)
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
    package = Path(__file__).parents[1]
    digest = hashlib.sha256()
    for path in sorted((package / "analysis").glob("*.py")) + sorted((package / "ruleset").glob("*.py")) + [
            package / "types.py"]:
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
