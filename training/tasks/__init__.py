"""Synthetic math/QA problems with exact answers: many kinds of problem, each said in several
independent families of phrasings, with number words, distractor sentences and the question
first or last.

A role's target is a short program over the question's numbers (`Program: 30-12+8`), computed by
the safe evaluator, or a free-text answer (`Answer: yes`) for a question that is not arithmetic.
The models translate; they never do the arithmetic.

Splits (`SPLITS`): `train` and `template-test` draw from the same phrasing families (the test
measures the templates); `phrasing-validation` and `phrasing-test` from families of the same
kinds that training never sees; `kind-validation` and `kind-test` from whole kinds of problem
that training never sees. The held-out splits also use their own distractor sentences.
Generation is deterministic given a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from codepatch.latent.answers import answer_target, program_target
from codepatch.latent.program import Computed, evaluate
from training.tasks.arithmetic import EXPRESSION, NAMED, SPOKEN
from training.tasks.base import Family, Kind
from training.tasks.comparisons import COMPARISON
from training.tasks.groups import AVERAGE, GROUPS, LEFTOVER, POOLED, SHARING, TWO_GROUPS
from training.tasks.rates import RATE, UNIT_FACTS
from training.tasks.stories import (
    AGES,
    CHANGE,
    COMBINED,
    DIFFERENCE,
    PART_OF_WHOLE,
    SCALED,
)

KINDS: tuple[Kind, ...] = (CHANGE, COMBINED, PART_OF_WHOLE, DIFFERENCE, SCALED, GROUPS, SHARING, TWO_GROUPS, RATE, UNIT_FACTS,
                           EXPRESSION, SPOKEN, NAMED, COMPARISON, LEFTOVER, AVERAGE, AGES, POOLED)

# split -> (which kinds: held out for this split, or trained on; which of their families)
SPLITS: dict[str, tuple[str | None, str | None]] = {
    "train": (None, "train"),
    "template-test": (None, "train"),
    "phrasing-validation": (None, "validation"),
    "phrasing-test": (None, "test"),
    "kind-validation": ("validation", None),  # every family of the held-out kinds
    "kind-test": ("test", None),
}


@dataclass(frozen=True)
class Problem:
    question: str
    answer: str  # exact: the program's value, or the free-text answer
    target: str  # what every role writes: `Program: ...` or `Answer: ...`
    kind: str
    family: str

    @property
    def targets(self) -> list[str]:
        """Planner, Critic and Solver each write the program; the Critic and Solver check the one they read."""
        return [self.target] * 3


def generate(split: str, count: int, seed: int) -> list[Problem]:
    """`count` problems of `split`, taking the kinds in turn (each as often as its weight)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; splits are {', '.join(SPLITS)}")
    rng = random.Random(f"{split}-{seed}")
    turns = _turns(split)
    distractors = "train" if SPLITS[split][1] == "train" else "held-out"
    return [_problem(rng, *turns[index % len(turns)], distractors) for index in range(count)]


def split_families(split: str) -> list[tuple[Kind, tuple[Family, ...]]]:
    """The kinds a split draws from, each with its families there."""
    held_out, phrasing = SPLITS[split]
    return [(kind, kind.families if held_out else kind.in_split(phrasing))
            for kind in KINDS if kind.held_out == held_out and (held_out or kind.in_split(phrasing))]


def _turns(split: str) -> list[tuple[Kind, tuple[Family, ...]]]:
    """Kinds in turn, a kind of weight w taking w of every round (a, b, c, a, b, a, ...)."""
    selected = split_families(split)
    rounds = max(kind.weight for kind, _ in selected)
    return [(kind, families) for turn in range(rounds) for kind, families in selected if kind.weight > turn]


def _problem(rng: random.Random, kind: Kind, families: tuple[Family, ...], distractors: str) -> Problem:
    family = rng.choice(families)
    drawn = kind.draw(rng, family, distractors)
    if drawn.program is None:
        return Problem(drawn.question, drawn.answer, answer_target(drawn.answer), kind.name, family.name)
    outcome = evaluate(drawn.program)
    if not isinstance(outcome, Computed):  # a generator bug, never a problem to train on
        raise AssertionError(f"{kind.name}/{family.name}: program {drawn.program} {outcome.reason}")
    return Problem(drawn.question, outcome.text, program_target(drawn.program), kind.name, family.name)
