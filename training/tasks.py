"""Synthetic math/QA problems with exact answers and role targets (plan, checked plan, answer).

Each template belongs to exactly one split, so test questions are phrased in ways the agents
never saw during training. Generation is deterministic given a seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

NAMES = ["Tom", "Ana", "Li", "Sam", "Mia", "Omar", "Zoe", "Ben", "Ivy", "Raj"]
ITEMS = ["apples", "pens", "stamps", "cards", "coins", "books", "shells", "marbles"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Problem:
    question: str
    plan: str
    checked_plan: str
    answer: str  # exact, lowercase

    @property
    def targets(self) -> list[str]:
        return [self.plan, self.checked_plan, f"Answer: {self.answer}"]


def add_then_subtract(rng: random.Random, phrase: str) -> Problem:
    name, item = rng.choice(NAMES), rng.choice(ITEMS)
    a, b = rng.randint(2, 20), rng.randint(2, 20)
    c = rng.randint(1, a + b - 1)
    total = a + b
    return Problem(
        question=phrase.format(name=name, item=item, a=a, b=b, c=c),
        plan=f"Start with {a}. Add {b}. Then subtract {c}.",
        checked_plan=f"{a} + {b} = {total}. {total} - {c} = {total - c}.",
        answer=str(total - c),
    )


def groups_plus_extra(rng: random.Random, phrase: str) -> Problem:
    name, item = rng.choice(NAMES), rng.choice(ITEMS)
    groups, size, extra = rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 9)
    product = groups * size
    return Problem(
        question=phrase.format(name=name, item=item, g=groups, s=size, e=extra),
        plan=f"Multiply {groups} by {size}. Then add {extra}.",
        checked_plan=f"{groups} * {size} = {product}. {product} + {extra} = {product + extra}.",
        answer=str(product + extra),
    )


def larger_of_sums(rng: random.Random, phrase: str) -> Problem:
    a, b, c, d = (rng.randint(1, 30) for _ in range(4))
    while a + b == c + d:
        d = rng.randint(1, 30)
    left, right = a + b, c + d
    return Problem(
        question=phrase.format(a=a, b=b, c=c, d=d),
        plan=f"Work out {a} + {b} and {c} + {d}. Then pick the larger.",
        checked_plan=f"{a} + {b} = {left}. {c} + {d} = {right}. The larger is {max(left, right)}.",
        answer=str(max(left, right)),
    )


def days_later(rng: random.Random, phrase: str) -> Problem:
    start, shift = rng.randrange(7), rng.randint(1, 6)
    end = DAYS[(start + shift) % 7]
    return Problem(
        question=phrase.format(day=DAYS[start], n=shift),
        plan=f"Start at {DAYS[start]} and count {shift} days forward.",
        checked_plan=f"{DAYS[start]} plus {shift} days is {end}.",
        answer=end.lower(),
    )


Template = tuple[Callable[[random.Random, str], Problem], str]

TEMPLATES: dict[str, list[Template]] = {
    "train": [
        (add_then_subtract, "{name} has {a} {item}, buys {b} more and gives away {c}. How many {item} does {name} have?"),
        (add_then_subtract, "A box holds {a} {item}. {b} are added and {c} are taken out. How many {item} are in the box?"),
        (groups_plus_extra, "{name} has {g} bags with {s} {item} each and {e} loose {item}. How many {item} in total?"),
        (groups_plus_extra, "There are {g} rows of {s} chairs and {e} extra chairs. How many chairs are there?"),
        (larger_of_sums, "Which is larger: {a} + {b} or {c} + {d}?"),
        (days_later, "Today is {day}. What day is it in {n} days?"),
    ],
    "validation": [
        (add_then_subtract, "{name} picked {a} {item}, found {b} more, then lost {c}. How many {item} are left?"),
        (groups_plus_extra, "A shop packs {g} boxes of {s} {item} and has {e} more on the shelf. How many {item} does it have?"),
        (days_later, "Counting from {day}, what day comes {n} days later?"),
    ],
    "test": [
        (add_then_subtract, "A bus has {a} people. At a stop {b} get on and {c} get off. How many people are on the bus?"),
        (groups_plus_extra, "{name} buys {g} packs of {s} {item} and gets {e} free {item}. How many {item} does {name} get?"),
        (larger_of_sums, "Compare {a} plus {b} with {c} plus {d}. What is the bigger total?"),
        (days_later, "{n} days after {day}, which day of the week is it?"),
    ],
}


def generate(split: str, count: int, seed: int) -> list[Problem]:
    """`count` problems from `split`'s templates, cycling through them in order."""
    rng = random.Random(f"{split}-{seed}")
    templates = TEMPLATES[split]
    return [templates[i % len(templates)][0](rng, templates[i % len(templates)][1]) for i in range(count)]
