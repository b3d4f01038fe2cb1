"""Turning a drawn problem into a question: people and their pronouns, numbers as digits or
words, a distractor sentence, the question first or last; and building programs with only the
parentheses they need.

A template is sentences with `{placeholders}`; ` | ` separates the story from the question, which
may then move to the front (a template without it keeps its order). Ints fill placeholders as
digits or, sometimes, words (`fifteen`); the program always has digits: reading number words is
part of what the roles learn.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

WORD_NUMBERS_P = 0.2  # chance that a number up to 100 is written as a word
DISTRACTOR_P = 0.25  # chance of one sentence with an irrelevant number
QUESTION_FIRST_P = 0.25  # chance that a story's question comes before it

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@dataclass(frozen=True)
class Person:
    name: str
    he: str
    his: str
    him: str


_PEOPLE = [("Tom", "m"), ("Ana", "f"), ("Li", "m"), ("Sam", "m"), ("Mia", "f"), ("Omar", "m"), ("Zoe", "f"),
           ("Ben", "m"), ("Ivy", "f"), ("Raj", "m"), ("Sofia", "f"), ("Leo", "m"), ("Nora", "f"), ("Kofi", "m"),
           ("Hana", "f"), ("Diego", "m"), ("Emma", "f"), ("Yuki", "f"), ("Max", "m"), ("Lena", "f"), ("Ali", "m"),
           ("Grace", "f"), ("Noah", "m"), ("Priya", "f"), ("Jack", "m"), ("Maya", "f")]
PEOPLE = [Person(n, *(("he", "his", "him") if g == "m" else ("she", "her", "her"))) for n, g in _PEOPLE]

ITEMS = ["apples", "stamps", "pens", "marbles", "stickers", "cards", "books", "coins", "shells", "cookies",
         "candies", "balloons", "pencils", "beads", "eggs", "oranges", "flowers", "toy cars", "buttons", "rocks"]

# Sentences whose number the question never needs. Split like the phrasings, so that the held-out
# sets also test distractors the roles never saw.
DISTRACTORS = {
    "train": ["{other} is {n} years old.", "It is {n} degrees outside.", "The street has {n} houses.",
              "{other} lives {n} km away.", "The clock shows {n} minutes past ten.", "{other} has {n} cousins.",
              "The school has {n} teachers.", "It rained on {n} days last month."],
    "held-out": ["The shop opened {n} years ago.", "{other}'s house number is {n}.", "The bus number is {n}.",
                 "{other} is {n} years older than a cousin.", "There are {n} trees in the park nearby."],
}


def number_word(n: int) -> str:
    """`24` -> `twenty-four` (0 to 100)."""
    if n < 20:
        return _ONES[n]
    if n == 100:
        return "one hundred"
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def number_text(n: int, rng: random.Random, words_p: float = WORD_NUMBERS_P) -> str:
    return number_word(n) if 0 <= n <= 100 and rng.random() < words_p else str(n)


def person_values(person: Person, suffix: str = "") -> dict[str, str]:
    """`{name}`, `{he}`, `{He}`, `{his}`, `{His}`, `{him}` (with `suffix`: `{name2}`, `{he2}`, ...)."""
    values = {"name": person.name, "he": person.he, "his": person.his, "him": person.him}
    values |= {"He": person.he.capitalize(), "His": person.his.capitalize()}
    return {key + suffix: value for key, value in values.items()}


def people(rng: random.Random, count: int) -> dict[str, str]:
    """`count` different people: `{name}`..., `{name2}`..., and `{other}`, a further name for distractors."""
    chosen = rng.sample(PEOPLE, count + 1)
    values = {"other": chosen[-1].name}
    for index, person in enumerate(chosen[:-1]):
        values |= person_values(person, "" if index == 0 else str(index + 1))
    return values


def fill(template: str, values: dict[str, int | str], rng: random.Random) -> str:
    """`template` with its placeholders filled, ints as digits or words; each sentence capitalised."""
    shown = {key: number_text(value, rng) if isinstance(value, int) else value for key, value in values.items()}
    return _capitalised(template.format(**shown))


def question(template: str, values: dict[str, int | str], rng: random.Random, distractors: str) -> str:
    """The question from `template`, maybe with a distractor sentence (from the `distractors` pool)
    in its story and maybe with its question first."""
    story, _, asked = template.partition(" | ")
    sentences = _sentences(fill(story, values, rng))
    if asked and rng.random() < DISTRACTOR_P:
        other = values.get("other", rng.choice(PEOPLE).name)
        distractor = rng.choice(DISTRACTORS[distractors]).format(other=other, n=rng.randint(2, 60))
        sentences.insert(rng.randint(0, len(sentences)), distractor)
    if not asked:
        return " ".join(sentences)
    asked = fill(asked, values, rng)
    parts = [asked, *sentences] if rng.random() < QUESTION_FIRST_P else [*sentences, asked]
    return " ".join(parts)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _capitalised(text: str) -> str:
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


# Programs: `chain` applies operations left to right, the way an instruction or a story does, and
# brackets what came before only where the next operation binds tighter (`(5+3)*4`, not `5+3*4`).
_TIGHT = {"+": 1, "-": 1, "*": 2, "/": 2}


def chain(start: int | str, steps: list[tuple[str, int | str]]) -> str:
    """`chain(5, [("+", 3), ("*", 4)])` -> `(5+3)*4`. An operand may itself be a program."""
    program = str(start)
    for op, operand in steps:
        operand = str(operand)
        if _TIGHT[op] > _loosest(program):
            program = f"({program})"
        # a-(b+c), a/(b*c) and a*(b+c) need the brackets; a+(b-c) and a*(b/c) do not
        if _loosest(operand) < _TIGHT[op] or (_loosest(operand) == _TIGHT[op] and op in "-/"):
            operand = f"({operand})"
        program = f"{program}{op}{operand}"
    return program


def _loosest(program: str) -> int:
    """The loosest operator outside brackets (1: + or -, 2: * or /, 3: none)."""
    depth, loosest = 0, 3
    for index, char in enumerate(program):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char in _TIGHT and index > 0:
            loosest = min(loosest, _TIGHT[char])
    return loosest
