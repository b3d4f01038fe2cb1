"""Run one fix strategy on one module's text and return LibCST's outcome, never raising."""

from __future__ import annotations

from libcst.codemod import (
    CodemodContext,
    TransformFailure,
    TransformSkip,
    TransformSuccess,
    transform_module,
)

from codepatch.fix import elsewhere, registry
from codepatch.fix.target import FixTarget


def apply_strategy(name: str, code: str, target: FixTarget, path: str,
                   other_files: dict[str, tuple[str, str]] | None = None,
                   ) -> TransformSuccess | TransformFailure | TransformSkip:
    """Apply strategy `name` at `target` in `code` (the text of the file at `path`).

    Imports the strategy queued are added after the rewrite. A strategy that cannot fix soundly
    raises `SkipFile`, which comes back as `TransformSkip` with its reason in `skip_description`.
    When the fix rewrites other modules too (a query built in one module and run in another),
    `other_files` receives them: absolute path → (original text, patched text).
    """
    context = CodemodContext(filename=path)
    try:
        strategy = registry.get(name)(context, target)
    except KeyError as exc:
        return TransformFailure(error=exc, traceback_str=str(exc), warning_messages=[])
    outcome = transform_module(strategy, code)
    if other_files is not None and isinstance(outcome, TransformSuccess):
        other_files.update(elsewhere.recorded(context))
    return outcome
