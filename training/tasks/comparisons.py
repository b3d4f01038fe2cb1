"""Questions that are not arithmetic, answered in free text: which of two numbers is larger or
smaller, yes or no, and who has more."""

from __future__ import annotations

import random

from training.tasks.base import Drawn, Family, Kind
from training.tasks.render import ITEMS, people, question


def _pair(rng: random.Random) -> tuple[int, int]:
    """Two different numbers, often close or with the same digits (58 and 85)."""
    a = rng.randint(2, 999) if rng.random() < 0.4 else rng.randint(2, 99)
    style = rng.random()
    if style < 0.3 and 10 < a < 100 and a % 10 and a % 11:
        b = int(str(a)[::-1])
    elif style < 0.6:
        b = a + rng.choice((-3, -2, -1, 1, 2, 3)) * rng.choice((1, 10))
    else:
        b = rng.randint(2, 999)
    return (a, b) if b > 0 and b != a else _pair(rng)


_ANSWERS = {
    "larger": lambda a, b, v: str(max(a, b)), "smaller": lambda a, b, v: str(min(a, b)),
    "greater?": lambda a, b, v: "yes" if a > b else "no", "less?": lambda a, b, v: "yes" if a < b else "no",
    "who-more": lambda a, b, v: v["name"] if a > b else v["name2"],
    "who-fewer": lambda a, b, v: v["name"] if a < b else v["name2"],
}


def comparison(rng: random.Random, family: Family, distractors: str) -> Drawn:
    rule = rng.choice(sorted(family.phrases))
    a, b = _pair(rng)
    values: dict[str, int | str] = people(rng, 2) | {"item": rng.choice(ITEMS), "a": a, "b": b}
    text = question(rng.choice(family.phrases[rule]), values, rng, distractors)
    return Drawn(text, answer=_ANSWERS[rule](a, b, values))


COMPARISON = Kind("comparison", comparison, families=(
    Family("which", "train", (), {
        "larger": ("Which is larger, {a} or {b}?", "Which number is bigger: {a} or {b}?", "Which is greater, {a} or {b}?"),
        "smaller": ("Which is smaller, {a} or {b}?", "Which number is less: {a} or {b}?"),
        "greater?": ("Is {a} greater than {b}?", "Is {a} bigger than {b}?", "Is {a} more than {b}?"),
        "less?": ("Is {a} less than {b}?", "Is {a} smaller than {b}?"),
        "who-more": ("{name} has {a} {item} and {name2} has {b}. | Who has more {item}?",),
        "who-fewer": ("{name} has {a} {item}. {name2} has {b} {item}. | Who has fewer {item}?",)}),
    Family("pick", "validation", (), {
        "larger": ("Out of {a} and {b}, which is the larger number?",),
        "greater?": ("Is the number {a} above {b}?",),
        "who-more": ("{name} scored {a} points and {name2} scored {b}. | Who scored more?",)}),
    Family("choose", "test", (), {
        "smaller": ("Pick the smaller number: {a} or {b}.",),
        "less?": ("Does {a} come before {b} when counting up?",),
        "who-fewer": ("{name} owns {a} {item}, while {name2} owns {b}. | Who owns fewer?",)}),
    Family("higher-lower", "train", (), {
        "larger": ("Which number is higher, {a} or {b}?", "Name the greater of {a} and {b}."),
        "smaller": ("Which is lower, {a} or {b}?", "What is the smaller of {a} and {b}?"),
        "greater?": ("Is {a} larger than {b}?", "Does {a} exceed {b}?"),
        "less?": ("Is {a} lower than {b}?", "Is {a} under {b}?"),
        "who-more": ("{name} collected {a} {item} and {name2} collected {b}. | Which of them collected more?",),
        "who-fewer": ("{name} has {a} {item}; {name2} has {b}. | Which child has fewer {item}?",)}),
    Family("who-stories", "train", (), {
        "who-more": ("{name} read {a} pages and {name2} read {b} pages. | Who read more pages?",
                     "In a game {name} got {a} points and {name2} got {b} points. | Who got more points?"),
        "who-fewer": ("{name} sold {a} raffle tickets and {name2} sold {b}. | Who sold fewer tickets?",
                      "{name}'s bag holds {a} {item} and {name2}'s bag holds {b}. | Who has fewer {item}?")}),
))
