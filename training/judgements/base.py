"""What the judgement generator is made of: a judged case, the families that draw them, the
name pools every family shares, and the step that turns drawn code into a `Case`.

Code is written as `string.Template` text (`$fn`, `$x`, ...; `$$` for a regex's `$`), so that
Python's own braces stay as they are. The sink's line carries `MARK` until `finish` finds it.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from string import Template

from codepatch.agents.case import Case, question
from codepatch.agents.verdict import verdict_target
from training.judgements import decoys

MARK = "  #@sink"


@dataclass(frozen=True)
class Judgement:
    """One training case and its verdict: whether the finding is real, and why."""

    case: Case
    real: bool
    reason: str  # a key of SAFE_REASONS (not real) or REAL_REASONS (real)
    family: str
    kind: str  # the rule id, = case.rule_id

    @property
    def question(self) -> str:
        return question(self.case)

    @property
    def target(self) -> str:
        return verdict_target(self.real, self.reason)

    @property
    def targets(self) -> list[str]:
        """Scanner, Critic and Patcher each write the verdict."""
        return [self.target] * 3

    @property
    def answer(self) -> str:
        return self.target


@dataclass(frozen=True)
class Family:
    """One independent way a kind of case is written: its own checks, styles and sinks. A held-out
    family (`held_out`: "validation" or "test") is never drawn for training."""

    name: str
    kind: str  # the rule id
    real: bool
    held_out: str | None
    draw: Callable[[random.Random], Judgement]


# Helper names come from one pool for real and fake sanitisers alike: a name is no evidence.
HELPER_NAMES = (
    "clean", "safe_url", "validate_path", "sanitize_cmd", "fix_url", "target_for", "norm", "check",
    "prepare", "normalize_input", "escape_value", "secure", "verify", "filter_value", "scrub", "tidy",
    "coerce", "guard", "validated", "resolve_value", "make_safe", "sanitize", "is_safe", "is_allowed",
    "allowed", "check_input", "ensure_ok", "process_arg", "parse_arg", "_clean", "_prep", "normalise",
    "safe_join", "sanitize_sql", "escape_html", "checked_host", "vet", "whitelist", "purify", "harden",
)
MODULES = ("", "", "", "utils.", "security.", "helpers.", "validators.", "lib.safety.")
LOCALS = ("parts", "p", "u", "res", "item", "candidate", "out", "result", "s", "tmp", "parsed", "full",
          "target", "name", "entry", "value", "root", "resolved", "host", "allowed")


def code(text: str) -> str:
    """A template written as an indented triple-quoted block, as plain text."""
    return textwrap.dedent(text).strip("\n")


def fill(template: str, names: Mapping[str, str]) -> str:
    return Template(template).substitute(names)


def local_names(rng: random.Random, taken: Sequence[str] = ()) -> dict[str, str]:
    """`$a`, `$b`, `$c`: three distinct local names, none in `taken`."""
    pool = [n for n in LOCALS + decoys.NAMES if n not in taken]
    a, b, c = rng.sample(pool, 3)
    return {"a": a, "b": b, "c": c}


def finish(rng: random.Random, family: str, kind: str, real: bool, reason: str, source: str,
           function: str, helpers: Sequence[str] = ()) -> Judgement:
    """The judged case: decoys added, the sink's line found and its mark removed."""
    lines = decoys.decorate(rng, function.splitlines())
    sink = next(i for i, line in enumerate(lines) if MARK in line)
    lines[sink] = lines[sink].replace(MARK, "")
    written = tuple("\n".join(decoys.decorate(rng, helper.splitlines())) for helper in helpers)
    case = Case(kind, source, "\n".join(lines), sink + 1, written)
    return Judgement(case, real, reason, family, kind)
