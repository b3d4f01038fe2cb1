"""Run one fix strategy on one module's text and return LibCST's outcome, never raising."""

from __future__ import annotations

from libcst.codemod import (
    CodemodContext,
    TransformFailure,
    TransformSkip,
    TransformSuccess,
    transform_module,
)

from codepatch.fix import registry
from codepatch.fix.target import FixTarget


def apply_strategy(name: str, code: str, target: FixTarget, path: str) -> TransformSuccess | TransformFailure | TransformSkip:
    """Apply strategy `name` at `target` in `code` (the text of the file at `path`).

    Imports the strategy queued are added after the rewrite. A strategy that cannot fix soundly
    raises `SkipFile`, which comes back as `TransformSkip` with its reason in `skip_description`.
    """
    context = CodemodContext(filename=path)
    try:
        strategy = registry.get(name)(context, target)
    except KeyError as exc:
        return TransformFailure(error=exc, traceback_str=str(exc), warning_messages=[])
    return transform_module(strategy, code)
