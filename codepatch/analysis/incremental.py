"""Re-solving after an edit: re-run only the functions whose summaries may have changed.

The last scan's state (see `solver_state.py`) gives every function's summary and record. After
an edit, the functions of changed files start over, and so do the functions whose own result may
rest on what changed: callers of a function whose old summary was not empty, readers of a cell
whose old flows came from such a function, callers whose name lookups may now resolve differently
(a function added, removed, or with new parameters or returned class, or checking or returning
other things than callers read of it before: `pred`, `ret_markup`). The rest keep their
summaries; the worklist still wakes them when a callee's summary grows. Since every merge in the
solver is a join, this ends at the same fixpoint as a fresh solve.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from codepatch.analysis.flows import (
    Flow,
    FunctionUnit,
    RawFinding,
    Record,
    Summary,
    merge_into,
)
from codepatch.analysis.indirect import method_probe
from codepatch.analysis.project import ProjectFacts
from codepatch.analysis.solver_state import Strings, decode_units, encode_units
from codepatch.analysis.taint import TaintSolver


@dataclass(frozen=True)
class Previous:
    """The last scan's solver state: each module's units (facts key → units), in discovery order,
    and the JSON text they were read from, to be written again as it was when none of them ran."""
    modules: dict[str, list[FunctionUnit]]
    encoded: dict[str, str]
    strings: list[str]
    aliases: dict[str, str]
    cell_types: dict[str, str]
    param_types: dict[str, str]
    project: dict  # the project's tables (ProjectFacts.as_json) the summaries were solved with


@dataclass
class Edges:
    """Who called which function and who read which cell: what a change wakes or restarts."""
    callers: dict[str, set[str]]
    readers: dict[str, set[str]]

    @classmethod
    def of(cls, units: list[FunctionUnit]) -> Edges:
        edges = cls({}, {})
        for unit in units:
            for callee in unit.record.callees:
                edges.callers.setdefault(callee, set()).add(unit.key)
            for cell in unit.record.reads:
                edges.readers.setdefault(cell, set()).add(unit.key)
        return edges

    def drop(self, unit: FunctionUnit) -> None:
        for callee in unit.record.callees:
            self.callers.get(callee, set()).discard(unit.key)
        for cell in unit.record.reads:
            self.readers.get(cell, set()).discard(unit.key)


def load_previous(data: dict, solver: TaintSolver) -> Previous | None:
    """The state written by `save_state`, or None when it does not fit the rule set."""
    table = data["strings"]
    try:
        modules = {key: decode_units(json.loads(text), key, table, solver.rules_by_id,
                                     solver.source_by_name.__getitem__)
                   for key, text in data["modules"]}
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return Previous(modules, dict(data["modules"]), table, data["aliases"], data["cell_types"], data["param_types"],
                    data.get("project", {}))


def save_state(solver: TaintSolver, modules: dict[str, list[FunctionUnit]], previous: Previous | None) -> dict:
    """The state to keep: each module's units as JSON text, in the form `load_previous` reads."""
    strings = Strings(list(previous.strings) if previous else [])
    encoded = [[key, previous.encoded[key] if previous and key in previous.encoded
                and solver.ran.isdisjoint(u.key for u in units)
                else json.dumps(encode_units(units, strings), separators=(",", ":"))]
               for key, units in modules.items()]
    return {"strings": strings.table, "modules": encoded, "aliases": solver.aliases, "cell_types": solver.cell_types,
            "param_types": solver.param_types, "project": solver.project.as_json()}


def solve(solver: TaintSolver, modules: list[tuple[str, dict]], previous: Previous | None,
          load: Callable[[FunctionUnit], dict]) -> tuple[list[RawFinding], dict[str, list[FunctionUnit]]]:
    """Findings of the whole project, re-using `previous` where it still holds.

    `modules`: (facts key, facts) of every readable file in discovery order; the facts of files
    unchanged since `previous` may be light (no functions): `load` fetches a function's facts.
    Returns the findings and every module's units, for `save_state`.
    """
    solver.load = load
    solver.use_project(ProjectFacts.of(facts for _, facts in modules))
    now = {key: (previous.modules[key] if previous and key in previous.modules else solver.units_of(facts, key))
           for key, facts in modules}
    solver.use([unit for units in now.values() for unit in units])
    gone = [u for key, units in previous.modules.items() if key not in now for u in units] if previous else []
    edges = Edges.of(list(solver.functions.values()) + gone)
    if previous is None or (solver.aliases, solver.cell_types, solver.project.as_json()) != \
            (previous.aliases, previous.cell_types, previous.project):
        restart = set(solver.functions)  # names resolve differently everywhere: solve from scratch
    else:
        # A function whose parameters now hold something else resolves its methods differently.
        retyped = {parameter.rpartition(":")[0] for parameter, qn in
                   solver.param_types.items() ^ previous.param_types.items()}
        restart = _restart_set(solver, now, previous, gone, edges) | (retyped & set(solver.functions))
    for unit in gone:
        edges.drop(unit)
    for key in restart:
        unit = solver.functions[key]
        edges.drop(unit)
        unit.summary, unit.record = Summary(), Record()
    solver.callers, solver.readers, solver.cells = edges.callers, edges.readers, _cells(solver)
    return solver.solve(sorted(restart)), now


def _restart_set(solver: TaintSolver, now: dict[str, list[FunctionUnit]], previous: Previous,
                 gone: list[FunctionUnit], edges: Edges) -> set[str]:
    """Keys of the functions that must start over (see the module docstring)."""
    old = _winners(previous.modules)
    changed = [u for key, units in now.items() if key not in previous.modules for u in units]
    renamed = {u.key for u in changed + gone if _signature(old.get(u.key)) != _signature(solver.functions.get(u.key))}
    seeds = {u.key for u in changed + gone} | renamed
    looked_up = renamed | {method_probe(key) for key in renamed}  # `attack.run(h)` may now reach a new `run`
    seeds |= {u.key for u in solver.functions.values() if not u.record.probes.isdisjoint(looked_up)}
    return _dependents(seeds, old, edges) & set(solver.functions)


def _winners(modules: dict[str, list[FunctionUnit]]) -> dict[str, FunctionUnit]:
    """The function each key named (a later definition of a name wins)."""
    return {unit.key: unit for units in modules.values() for unit in units}


def _signature(unit: FunctionUnit | None) -> tuple | None:
    """What callers' name resolution, argument binding and reading of its checks and page see of a function."""
    return None if unit is None else (unit.qn, unit.params, unit.rqn, unit.spread, unit.pred, unit.markup)


def _dependents(seeds: set[str], old: dict[str, FunctionUnit], edges: Edges) -> set[str]:
    """`seeds` and every function whose old result may rest on their old results."""
    found: set[str] = set()
    stack = list(seeds)
    while stack:
        key = stack.pop()
        if key in found:
            continue
        found.add(key)
        unit = old.get(key)
        if unit is None:
            continue
        if unit.summary:  # an empty summary gave callers nothing they could lose
            stack.extend(edges.callers.get(key, ()))
        for cell, flow in unit.record.stored.items():
            if flow:
                stack.extend(edges.readers.get(cell, ()))
    return found


def _cells(solver: TaintSolver) -> dict[str, Flow]:
    """What the functions kept stored into module globals and object fields."""
    cells: dict[str, Flow] = {}
    for unit in solver.functions.values():
        for cell, flow in unit.record.stored.items():
            current = cells.setdefault(cell, {})
            for key, taint in flow.items():
                merge_into(current, key, taint)
    return cells
