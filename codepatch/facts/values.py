"""Symbolic values of the per-file stage.

A value is a dict from atom to trace. Atoms name where data may come from:
  ("p", i)   parameter i of the enclosing function
  ("q", qn)  a read of a qualified name (`flask.request.args`, `mod.CONFIG`, `mod.Class.field`)
  ("c", k)   the result of call k of the enclosing function (resolved by the global stage)
  ("e", k)   what chooses the program when that result is an argument list (its callee's `ret_el0`)
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


# ----- what is statically known: constants ---------------------------------------------------------
# `["sh", "-c", cmd]` runs `cmd` through a shell as surely as `shell=True` does.
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/zsh",
                    "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh"})
SHELL_COMMAND_FLAGS = frozenset({"-c", "/c", "/C", "-Command", "-command"})
UNKNOWN = object()  # a constant expression whose value is not folded
MAX_FOLDED = 10_000  # never build big constants (`"x" * 10**9`)

_ARITHMETIC = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "//": lambda a, b: a // b, "%": lambda a, b: a % b,
}
_COMPARISONS = {
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b, "is": lambda a, b: a is b, "is not": lambda a, b: a is not b,
}


def _small(result: object) -> bool:
    return not isinstance(result, (str, bytes, tuple)) or len(result) <= MAX_FOLDED


def fold_binary(op: str, left: object, right: object) -> object:
    """`left op right` for constant ints and strings; UNKNOWN when not folded."""
    function = _ARITHMETIC.get(op)
    if function is None or type(left) not in (int, str) or type(right) not in (int, str):
        return UNKNOWN
    if op == "*" and isinstance(left, str) | isinstance(right, str) and max(
            len(x) if isinstance(x, str) else abs(x) for x in (left, right)) > MAX_FOLDED:
        return UNKNOWN
    try:
        result = function(left, right)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return UNKNOWN
    return result if _small(result) else UNKNOWN


def fold_comparison(operands: list[object], operators: list[str]) -> object:
    """A chained comparison of constants; UNKNOWN when not folded."""
    for left, op, right in zip(operands, operators, operands[1:]):
        function = _COMPARISONS.get(op)
        if function is None or op in ("is", "is not") and not (left is None or right is None):
            return UNKNOWN
        try:
            if not function(left, right):
                return False
        except TypeError:
            return UNKNOWN
    return True


def fold_index(container: object, index: object) -> object:
    """`container[index]` for a constant string or tuple and an int or (start, stop) slice."""
    if not isinstance(container, (str, tuple)):
        return UNKNOWN
    try:
        if isinstance(index, int) and not isinstance(index, bool):
            return container[index]
        if isinstance(index, slice) and all(x is None or type(x) is int for x in (index.start, index.stop, index.step)):
            return container[index]
    except (IndexError, ValueError):
        return UNKNOWN
    return UNKNOWN
