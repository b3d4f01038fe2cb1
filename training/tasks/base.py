"""What the problem generator is made of: kinds of problem (what is computed), families of
phrasings (how it is said), and what one draw gives."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

PHRASING_SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Family:
    """One independent way of phrasing a kind: its own templates and wording. A family belongs to
    one split, so the held-out phrasings share no template with training (the families of a
    held-out kind belong to the split that holds the kind out)."""

    name: str
    split: str  # one of PHRASING_SPLITS
    templates: tuple[str, ...]
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # kind-specific word lists


@dataclass(frozen=True)
class Drawn:
    """One drawn problem: the question and either the program that answers it or, for a question
    that is not arithmetic, the answer itself."""

    question: str
    program: str | None = None
    answer: str | None = None


Draw = Callable[[random.Random, Family, str], Drawn]  # (rng, family, distractor pool) -> problem


@dataclass(frozen=True)
class Kind:
    """A kind of problem: how its numbers and program are drawn, and its phrasing families.
    A held-out kind (`held_out`: "validation" or "test") is never trained on, in any phrasing."""

    name: str
    draw: Draw
    families: tuple[Family, ...]
    held_out: str | None = None
    weight: int = 1  # how many turns it takes when kinds are taken in turn

    def in_split(self, split: str) -> tuple[Family, ...]:
        return tuple(family for family in self.families if family.split == split)
