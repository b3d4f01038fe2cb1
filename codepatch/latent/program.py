"""The safe evaluator for the arithmetic programs the last agent decodes: `(14-5)+9` -> 18.

The models translate a question into a program; this computes it exactly. Only numbers, the
four operations, unary minus and parentheses are accepted, checked node by node on the tree
`ast.parse(mode="eval")` gives (never eval or exec): a name, a call, an attribute or a power is
refused, as is a program longer or deeper than any question needs. Division is exact
(fractions), so `7/2*2` is 7, and a division by zero is reported, never a number.
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass
from fractions import Fraction

MAX_CHARACTERS = 160  # the longest training program is under 40 characters
MAX_NODES = 64  # syntax-tree nodes: about 20 numbers and their operators
MAX_MAGNITUDE = 10**15  # larger literals or intermediate results are refused, not computed

_OPERATIONS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_SIGNS = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_SPELLINGS = str.maketrans({"×": "*", "÷": "/", "−": "-", "–": "-"})  # what a model may write for * / -


@dataclass(frozen=True)
class Computed:
    """A program that ran: its exact value."""

    value: Fraction

    @property
    def text(self) -> str:
        """The value as an answer: `10`, `-3`, `3.5`, or six decimals when it does not end (`0.333333`)."""
        if self.value.denominator == 1:
            return str(self.value.numerator)
        return f"{float(self.value):.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Refused:
    """A program that was not computed, and why (`does not parse`, `divides by zero`, ...)."""

    reason: str


Outcome = Computed | Refused


class _Refusal(Exception):
    """Internal: stops the walk at the first node that cannot be computed."""


def evaluate(program: str) -> Outcome:
    """Compute `program` exactly, or say why not."""
    source = program.strip().translate(_SPELLINGS)
    if not source:
        return Refused("empty program")
    if len(source) > MAX_CHARACTERS:
        return Refused(f"longer than {MAX_CHARACTERS} characters")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError):  # ValueError: a null byte in the source
        return Refused("does not parse")
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        return Refused(f"more than {MAX_NODES} syntax nodes")
    try:
        return Computed(_value(tree.body))
    except _Refusal as refusal:
        return Refused(str(refusal))


def _value(node: ast.AST) -> Fraction:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):  # bool is an int subclass: excluded
        if not math.isfinite(node.value):  # `1e999` parses as inf
            raise _Refusal(f"a value beyond {MAX_MAGNITUDE:.0e}")
        return _bounded(Fraction(node.value))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _SIGNS:
        return _SIGNS[type(node.op)](_value(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATIONS:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise _Refusal("divides by zero")
        return _bounded(_OPERATIONS[type(node.op)](left, right))
    raise _Refusal(f"{type(node).__name__.lower()} is not arithmetic")


def _bounded(value: Fraction) -> Fraction:
    if abs(value) > MAX_MAGNITUDE:
        raise _Refusal(f"a value beyond {MAX_MAGNITUDE:.0e}")
    return value
