"""Checking a strategy against one of its examples (examples.py): run it where the example says,
compare what it did with what the example expects."""

from __future__ import annotations

import difflib
from textwrap import dedent

from libcst.codemod import TransformFailure, TransformSkip, TransformSuccess

from codepatch.fix.examples import Example, Fix
from codepatch.fix.run import apply_strategy
from codepatch.fix.target import FixTarget

Outcome = TransformSuccess | TransformFailure | TransformSkip


def target_at(code: str, snippet: str, occurrence: int = 0) -> FixTarget:
    """The `FixTarget` covering the `occurrence`-th appearance of `snippet` in `code`."""
    start = -1
    for _ in range(occurrence + 1):
        start = code.index(snippet, start + 1)
    end = start + len(snippet)
    line, column = code.count("\n", 0, start) + 1, start - code.rfind("\n", 0, start)
    end_line, end_column = code.count("\n", 0, end) + 1, end - code.rfind("\n", 0, end)
    return FixTarget("example", line, column, end_line, end_column)


def apply_at(strategy: str, code: str, at: str, occurrence: int = 0) -> Outcome:
    """`strategy` applied to `code` (dedented) at the `occurrence`-th `at`, as a file not on disk."""
    code = dedent(code)
    return apply_strategy(strategy, code, target_at(code, at, occurrence), "/nonexistent/example.py")


def mismatch(strategy: str, example: Example) -> str | None:
    """How `strategy` departs from `example`, or None when it does what the example says."""
    outcome = apply_at(strategy, example.before, example.at, example.occurrence)
    if isinstance(example, Fix):
        if not isinstance(outcome, TransformSuccess):
            return f"expected a fix, got {_described(outcome)}"
        expected = dedent(example.after)
        if outcome.code != expected:
            diff = difflib.unified_diff(expected.splitlines(keepends=True), outcome.code.splitlines(keepends=True),
                                        "expected", "got")
            return "the fix differs from `after`:\n" + "".join(diff)
        return None
    if not isinstance(outcome, TransformSkip):
        return f"expected a refusal, got {_described(outcome)}"
    if example.reason not in outcome.skip_description:
        return f"expected a reason containing {example.reason!r}, got {outcome.skip_description!r}"
    return None


def _described(outcome: Outcome) -> str:
    if isinstance(outcome, TransformSuccess):
        return f"a fix:\n{outcome.code}"
    if isinstance(outcome, TransformSkip):
        return f"a refusal: {outcome.skip_description}"
    return f"a failure:\n{outcome.traceback_str}"
