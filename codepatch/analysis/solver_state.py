"""The taint solver's per-function state as plain JSON data (never pickle), kept between scans.

Per function: what names it (qualified name, path, parameters, returned class, route, cell types,
index in its module's facts), its summary, and its record (callees, cells read, names probed,
flows stored into cells, findings). Strings repeat a lot (paths, qualified names), so each is
written once in a table and referred to by its index.
"""

from __future__ import annotations

from collections.abc import Callable

from codepatch.analysis.flows import (
    Flow,
    FunctionUnit,
    RawFinding,
    Record,
    Summary,
    Taint,
)
from codepatch.ruleset.model import Rule, SourceSpec


class Strings:
    """A table of strings, each written once; data refers to them by index."""

    def __init__(self, table: list[str] | None = None) -> None:
        self.table = table if table is not None else []
        self.index = {text: i for i, text in enumerate(self.table)}

    def id(self, text: str) -> int:
        if text not in self.index:
            self.index[text] = len(self.table)
            self.table.append(text)
        return self.index[text]


def encode_units(units: list[FunctionUnit], strings: Strings) -> list:
    return [_encode_unit(unit, strings) for unit in units]


def decode_units(data: list, key: str, table: list[str], rules: dict[str, Rule],
                 sources: Callable[[str], SourceSpec]) -> list[FunctionUnit]:
    """The units of one module (facts cache key `key`), with no facts loaded."""
    return [_decode_unit(item, key, table, rules, sources) for item in data]


def _encode_unit(unit: FunctionUnit, s: Strings) -> list:
    summary, record = unit.summary, unit.record
    return [s.id(unit.qn), s.id(unit.path), unit.params, unit.rqn, int(unit.route), unit.types, unit.origin[1],
            [[k[0], k[1], *_taint(t, s)] for k, t in summary.ret.items()],
            [[i, rule, s.id(path), list(site), _trace(trace, s), _reach(summary, (i, rule, path, site))]
             for (i, rule, path, site), trace in summary.param_sinks.items()],
            [[i, s.id(cell)] for i, cell in summary.param_cells],
            [s.id(name) for name in record.callees], [s.id(cell) for cell in record.reads],
            [s.id(name) for name in record.probes],
            [[s.id(cell), [[k[0], k[1], *_taint(t, s)] for k, t in flow.items()]] for cell, flow in record.stored.items()],
            [[f.rule.id, f.source.name, s.id(f.path), list(f.site), _trace(f.trace, s)] for f in record.found.values()],
            None if summary.ret_program is None else [[k[0], k[1], *_taint(t, s)] for k, t in summary.ret_program.items()],
            unit.passes, unit.spread, unit.pred, int(unit.markup)]


BUILT, WHOLE = 1, 2  # how a parameter reaches a sink, as bits of one number


def _reach(summary: Summary, key: tuple) -> int:
    return (BUILT if key in summary.built else 0) | (WHOLE if key in summary.whole else 0)


def _decode_unit(item: list, key: str, t: list[str], rules: dict[str, Rule],
                 sources: Callable[[str], SourceSpec]) -> FunctionUnit:
    (qn, path, params, rqn, route, types, index, ret, param_sinks, param_cells,
     callees, reads, probes, stored, found, ret_program, passes, spread, pred, markup) = item
    name = t.__getitem__
    # Most functions have an empty summary and few edges: build only what is there, each once.
    summary = Summary(_unflow(ret, t) if ret else {},
                      {(i, rule, t[p], tuple(site)): _untrace(trace, t) for i, rule, p, site, trace, _ in param_sinks}
                      if param_sinks else {},
                      {(i, t[cell]) for i, cell in param_cells} if param_cells else set(),
                      {(i, rule, t[p], tuple(site)) for i, rule, p, site, _, reach in param_sinks if reach & BUILT},
                      {(i, rule, t[p], tuple(site)) for i, rule, p, site, _, reach in param_sinks if reach & WHOLE},
                      None if ret_program is None else _unflow(ret_program, t))
    record = Record(set(map(name, callees)) if callees else set(), set(map(name, reads)) if reads else set(),
                    set(map(name, probes)) if probes else set(),
                    {t[cell]: _unflow(flow, t) for cell, flow in stored} if stored else {}, {})
    for rule, source, p, site, trace in found:
        finding = RawFinding(rules[rule], sources(source), t[p], tuple(site), _untrace(trace, t))
        record.found[(finding.rule.id, finding.path, finding.site)] = finding
    return FunctionUnit(t[qn], t[path], params, rqn, bool(route), None, types, (key, index), summary, record, passes,
                        spread, pred, bool(markup))


def _taint(taint: Taint, s: Strings) -> list:
    return [_trace(taint.trace, s), sorted(taint.sanitized)]


def _trace(trace: tuple, s: Strings) -> list:
    return [part for path, line in trace for part in (s.id(path), line)]


def _untaint(trace: list, sanitized: list, t: list[str]) -> Taint:
    return Taint(_untrace(trace, t), frozenset(sanitized))


def _untrace(flat: list, t: list[str]) -> tuple:
    return tuple((t[flat[i]], flat[i + 1]) for i in range(0, len(flat), 2))


def _unflow(flow: list, t: list[str]) -> Flow:
    return {(k, ref): _untaint(trace, sanitized, t) for k, ref, trace, sanitized in flow}
