"""Synthetic math/QA problems with exact answers and role targets (plan, checked plan, answer).

Each template belongs to exactly one split, so test questions are phrased in ways the agents
never saw during training; the training split has many phrasings per kind of problem so that
the Planner learns the operation, not the sentence. Role targets are short (an expression, then
each step worked out, days counted one by one) because a latent hand-off carries only the
first m states of a target: the answer must come early enough to fit in them.
Sums and differences are worked ones column first (`23-9 (13-9=4) = 14`): trained on bare
results (`23-9=14`), the 135M Critic got 7 of 16 add-subtract problems of its own training split
wrong, mostly in the ones digit, while the single-digit facts are few enough to learn. Products and the extra
added to them stay bare: the Critic already got those right.
Generation is deterministic given a seed.
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


def worked_sum(x: int, y: int) -> str:
    """`x+y` with its ones column first: `17+15 (7+5=12) = 32`."""
    return f"{x}+{y} ({x % 10}+{y % 10}={x % 10 + y % 10}) = {x + y}"


def worked_difference(x: int, y: int) -> str:
    """`x-y` (y <= x) with its ones column first, borrowing ten where needed: `23-9 (13-9=4) = 14`."""
    ones = x % 10 if x % 10 >= y % 10 else x % 10 + 10
    return f"{x}-{y} ({ones}-{y % 10}={ones - y % 10}) = {x - y}"


def add_then_subtract(rng: random.Random, phrase: str) -> Problem:
    name, item = rng.choice(NAMES), rng.choice(ITEMS)
    a, b = rng.randint(2, 20), rng.randint(2, 20)
    c = rng.randint(1, a + b - 1)
    total = a + b
    return Problem(
        question=phrase.format(name=name, item=item, a=a, b=b, c=c),
        plan=f"{a}+{b}-{c}",
        checked_plan=f"{worked_sum(a, b)}, {worked_difference(total, c)}",
        answer=str(total - c),
    )


def groups_plus_extra(rng: random.Random, phrase: str) -> Problem:
    name, item = rng.choice(NAMES), rng.choice(ITEMS)
    groups, size, extra = rng.randint(2, 9), rng.randint(2, 9), rng.randint(1, 9)
    product = groups * size
    return Problem(
        question=phrase.format(name=name, item=item, g=groups, s=size, e=extra),
        plan=f"{groups}*{size}+{extra}",
        checked_plan=f"{groups}*{size}={product}, {product}+{extra}={product + extra}",
        answer=str(product + extra),
    )


def larger_of_sums(rng: random.Random, phrase: str) -> Problem:
    a, b, c, d = (rng.randint(1, 30) for _ in range(4))
    while a + b == c + d:
        d = rng.randint(1, 30)
    left, right = a + b, c + d
    name = rng.choice(NAMES) if "{name}" in phrase else ""
    return Problem(
        question=phrase.format(a=a, b=b, c=c, d=d, name=name),
        plan=f"max({a}+{b}, {c}+{d})",
        checked_plan=f"{worked_sum(a, b)}, {worked_sum(c, d)}, max {max(left, right)}",
        answer=str(max(left, right)),
    )


def days_later(rng: random.Random, phrase: str) -> Problem:
    start, shift = rng.randrange(7), rng.randint(1, 6)
    name = rng.choice(NAMES) if "{name}" in phrase else ""  # drawn only where used: test samples stay as before
    counted = ", ".join(f"{k} {DAYS[(start + k) % 7]}" for k in range(1, shift + 1))
    return Problem(
        question=phrase.format(day=DAYS[start], n=shift, name=name),
        plan=f"{DAYS[start]}+{shift} days",
        checked_plan=f"{DAYS[start]}: {counted}",
        answer=DAYS[(start + shift) % 7].lower(),
    )


Template = tuple[Callable[[random.Random, str], Problem], str]

TEMPLATES: dict[str, list[Template]] = {
    "train": [
        (add_then_subtract, "{name} has {a} {item}, buys {b} more and gives away {c}. How many {item} does {name} have?"),
        (add_then_subtract, "A box holds {a} {item}. {b} are added and {c} are taken out. How many {item} are in the box?"),
        (add_then_subtract, "A train carries {a} people. {b} board at the next station and {c} leave. How many people are on the train?"),
        (add_then_subtract, "{name} had {a} {item}, got {b} as a gift and sold {c}. How many {item} remain?"),
        (add_then_subtract, "There are {a} birds on a tree. {b} more land and {c} fly away. How many birds are on the tree?"),
        (add_then_subtract, "A library has {a} {item}. It receives {b} and lends out {c}. How many {item} are still there?"),
        (add_then_subtract, "{name} scores {a} points, wins {b} more, then loses {c}. What is the score now?"),
        (add_then_subtract, "A tank has {a} fish. {b} are put in and {c} are removed. How many fish are in the tank?"),
        (groups_plus_extra, "{name} has {g} bags with {s} {item} each and {e} loose {item}. How many {item} in total?"),
        (groups_plus_extra, "There are {g} rows of {s} chairs and {e} extra chairs. How many chairs are there?"),
        (groups_plus_extra, "{name} fills {g} jars with {s} {item} each and keeps {e} more. How many {item} are there?"),
        (groups_plus_extra, "A farm has {g} pens of {s} sheep and {e} sheep outside. How many sheep are there?"),
        (groups_plus_extra, "{g} teams of {s} players arrive, plus {e} coaches. How many people arrive?"),
        (groups_plus_extra, "{name} orders {g} crates holding {s} {item} each and {e} single {item}. How many {item} are ordered?"),
        (groups_plus_extra, "A book has {g} chapters of {s} pages and {e} pages of notes. How many pages does it have?"),
        (groups_plus_extra, "{name} reads {s} pages a day for {g} days, then {e} more pages. How many pages in all?"),
        (larger_of_sums, "Which is larger: {a} + {b} or {c} + {d}?"),
        (larger_of_sums, "What is the greater sum, {a} + {b} or {c} + {d}?"),
        (larger_of_sums, "Team A scores {a} and {b}. Team B scores {c} and {d}. What is the higher team total?"),
        (larger_of_sums, "One bag has {a} red and {b} blue balls, another {c} red and {d} blue. How many balls are in the fuller bag?"),
        (larger_of_sums, "Pick the bigger of {a} added to {b} and {c} added to {d}."),
        (larger_of_sums, "Add {a} and {b}, then add {c} and {d}. Which result is larger?"),
        (larger_of_sums, "{name} walks {a} km and {b} km; a friend walks {c} km and {d} km. What is the longer total distance?"),
        (larger_of_sums, "What is the maximum of {a} + {b} and {c} + {d}?"),
        (days_later, "Today is {day}. What day is it in {n} days?"),
        (days_later, "If it is {day} now, what day will it be {n} days from now?"),
        (days_later, "A trip starts on {day} and lasts {n} days. On what day does it end?"),
        (days_later, "{name} was born on a {day}. Which weekday is {n} days later?"),
        (days_later, "The shop opens on {day}. What day is {n} days after that?"),
        (days_later, "Start on {day} and move forward {n} days. Which day do you reach?"),
        (days_later, "A parcel ships on {day} and arrives {n} days later. On which day does it arrive?"),
        (days_later, "What weekday falls {n} days after {day}?"),
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
    """`count` problems from `split`'s templates, taking each kind of problem in turn."""
    rng = random.Random(f"{split}-{seed}")
    templates = _kinds_in_turn(TEMPLATES[split])
    return [templates[i % len(templates)][0](rng, templates[i % len(templates)][1]) for i in range(count)]


def _kinds_in_turn(templates: list[Template]) -> list[Template]:
    """Templates reordered so that consecutive ones are of different kinds (a, b, c, d, a, b, ...)."""
    by_kind: dict[Callable, list[Template]] = {}
    for template in templates:
        by_kind.setdefault(template[0], []).append(template)
    longest = max(len(group) for group in by_kind.values())
    return [group[i] for i in range(longest) for group in by_kind.values() if i < len(group)]
