"""Run one fix strategy on one module's text and return LibCST's outcome, never raising.

The module's tree and its metadata (positions, scopes, qualified names, parents) are computed
once per text and shared by every strategy tried on it: trees are immutable, and resolving the
metadata is most of a strategy's time.
"""

from __future__ import annotations

import traceback
from functools import lru_cache

import libcst as cst
from libcst.codemod import (
    CodemodContext,
    SkipFile,
    SkipReason,
    TransformFailure,
    TransformSkip,
    TransformSuccess,
)
from libcst.metadata import MetadataWrapper

from codepatch.fix import elsewhere, registry
from codepatch.fix.project import CONTEXT_KEY, NO_PROJECT, ProjectIndex
from codepatch.fix.target import FixTarget, TargetedCommand


@lru_cache(maxsize=16)
def resolved(code: str) -> MetadataWrapper:
    """The parsed module of `code` with the metadata the strategies read, resolved once."""
    wrapper = MetadataWrapper(cst.parse_module(code), unsafe_skip_copy=True)
    wrapper.resolve_many(TargetedCommand.METADATA_DEPENDENCIES)
    return wrapper


def apply_strategy(name: str, code: str, target: FixTarget, path: str,
                   other_files: dict[str, tuple[str, str]] | None = None, project: ProjectIndex = NO_PROJECT,
                   ) -> TransformSuccess | TransformFailure | TransformSkip:
    """Apply strategy `name` at `target` in `code` (the text of the file at `path`, a module of
    `project`: the other modules a strategy may consult).

    Imports the strategy queued are added after the rewrite. A strategy that cannot fix soundly
    raises `SkipFile`, which comes back as `TransformSkip` with its reason in `skip_description`.
    When the fix rewrites other modules too (a query built in one module and run in another),
    `other_files` receives them: absolute path → (original text, patched text).
    """
    context = CodemodContext(filename=path, scratch={CONTEXT_KEY: project})
    try:
        strategy = registry.get(name)(context, target)
        strategy.wrapper = resolved(code)
        tree = strategy.transform_module(strategy.wrapper.module)
    except SkipFile as exc:
        return TransformSkip(skip_description=str(exc), skip_reason=SkipReason.OTHER, warning_messages=context.warnings)
    except Exception as exc:  # noqa: BLE001  (a strategy's bug is one failed fix, not a crash)
        return TransformFailure(error=exc, traceback_str=traceback.format_exc(), warning_messages=context.warnings)
    if other_files is not None:
        other_files.update(elsewhere.recorded(context))
    return TransformSuccess(code=tree.code, warning_messages=context.warnings)
