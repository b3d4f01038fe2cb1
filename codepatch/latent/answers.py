"""Reading the last agent's text: a program (`Program: 30-12+8`), computed by the safe evaluator,
or a free-text answer (`Answer: yes`) for questions that are not arithmetic; and comparing the
result with the expected answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from codepatch.latent.program import Computed, evaluate

PROGRAM = "Program"
ANSWER = "Answer"
_LAST_LABEL = re.compile(rf"(?:{PROGRAM}|{ANSWER})\s*[:=]\s*", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Reading:
    """What a decoded text says. `answer` is None when its program was refused (`refused` says why)."""

    answer: str | None
    program: str | None = None
    refused: str | None = None


def program_target(program: str) -> str:
    """The text a role writes for an arithmetic question."""
    return f"{PROGRAM}: {program}"


def answer_target(answer: str) -> str:
    """The text a role writes for a question that is not arithmetic."""
    return f"{ANSWER}: {answer}"


def read(text: str) -> Reading:
    """The last `Program:` (computed) or `Answer:` in `text`, on its first line; a text with
    neither (a model never trained on the format) reads as a free-text answer."""
    labels = list(_LAST_LABEL.finditer(text))
    tail = text[labels[-1].end():] if labels else text
    line = tail.strip().splitlines()[0].strip() if tail.strip() else ""
    if labels and labels[-1].group(0).lower().startswith(PROGRAM.lower()):
        program = line.rstrip(" .")
        outcome = evaluate(program)
        if isinstance(outcome, Computed):
            return Reading(answer=outcome.text, program=program)
        return Reading(answer=None, program=program, refused=outcome.reason)
    return Reading(answer=free_text_answer(line))


def free_text_answer(line: str) -> str:
    """The first number in `line` if it has one (`7 apples` -> `7`), else the line lowercased."""
    number = _NUMBER.search(line)
    return number.group(0) if number else line.strip(" .!").lower()


def same_answer(answer: str | None, expected: str) -> bool:
    """Numbers compare by value (`3.50` is `3.5`), other answers as lowercase text."""
    if answer is None:
        return False
    answer, expected = answer.strip().lower(), expected.strip().lower()
    if _NUMBER.fullmatch(answer) and _NUMBER.fullmatch(expected):
        return Fraction(answer) == Fraction(expected)
    return answer == expected


def is_correct(text: str, expected: str) -> bool:
    return same_answer(read(text).answer, expected)
