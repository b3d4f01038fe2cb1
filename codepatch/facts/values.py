"""Symbolic values of the per-file stage.

A value is a dict from atom to trace. Atoms name where data may come from:
  ("p", i)   parameter i of the enclosing function
  ("q", qn)  a read of a qualified name (`flask.request.args`, `mod.CONFIG`, `mod.Class.field`)
  ("c", k)   the result of call k of the enclosing function (resolved by the global stage)
A trace is the tuple of source lines the data passed through, oldest first.
"""

from __future__ import annotations

Atom = tuple[str, object]
Trace = tuple[int, ...]
Value = dict[Atom, Trace]

MAX_TRACE = 16
EMPTY: Value = {}


def union(*values: Value) -> Value:
    """Merge values; for an atom reached several ways keep the shorter trace."""
    non_empty = [v for v in values if v]
    if not non_empty:
        return {}
    if len(non_empty) == 1:
        return non_empty[0]
    merged = dict(non_empty[0])
    for value in non_empty[1:]:
        for atom, trace in value.items():
            old = merged.get(atom)
            if old is None or len(trace) < len(old):
                merged[atom] = trace
    return merged


def through(value: Value, line: int) -> Value:
    """The value after it passed through `line` (an assignment, a return)."""
    if not value:
        return value
    out = {}
    for atom, trace in value.items():
        out[atom] = trace if (trace and trace[-1] == line) or len(trace) >= MAX_TRACE else trace + (line,)
    return out


def to_json(value: Value) -> list:
    return [[kind, ref, list(trace)] for (kind, ref), trace in value.items()]


def from_json(data: list) -> Value:
    return {(kind, ref): tuple(trace) for kind, ref, trace in data}
