"""The one exit-status contract of every `codepatch` command, enforced by `cli.main`.

0: clean (nothing at or above `--fail-on`); 1: findings at or above `--fail-on`; 2: a usage or
configuration error, an internal error, an interruption, or a report that could not be delivered.
A security gate that exits 0 when it breaks is worse than none: anything that is not a deliberate
0 or 1 becomes 2.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


def contracted(code: object) -> ExitStatus:
    """The status a command's exit code stands for: None is 0; 0, 1 and 2 are themselves; else 2."""
    if code is None:
        return ExitStatus.CLEAN
    if isinstance(code, int) and not isinstance(code, bool) and code in tuple(ExitStatus):
        return ExitStatus(code)
    return ExitStatus.ERROR
