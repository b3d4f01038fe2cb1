"""The examples a fix strategy carries beside its code, and how one is checked (Fixit's VALID/INVALID).

Each strategy module ends with `EXAMPLES = (Fix(...), Refuse(...), ...)`: what it rewrites and
into what, and where it refuses. `tests/test_fix_examples.py` runs every example (with
`check_examples.mismatch`), so they are the strategy's specification, its documentation and its
tests at once.

A finding is named by a snippet of the `before` text (`at="yaml.load("`): it starts where the
snippet starts and ends where it ends, as the scanner would report it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fix:
    """At the `occurrence`-th `at` in `before`, the strategy turns `before` into exactly `after`.

    Both texts are dedented before use. `after` being exact, it also says that everything outside
    the patched statement (comments, blank lines) comes back byte for byte.
    """

    before: str
    after: str
    at: str
    occurrence: int = 0


@dataclass(frozen=True)
class Refuse:
    """At the `occurrence`-th `at` in `before` (dedented), the strategy refuses (`TransformSkip`)
    with a reason that contains `reason`."""

    before: str
    at: str
    reason: str
    occurrence: int = 0


Example = Fix | Refuse
