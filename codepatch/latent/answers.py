"""Reading the final answer out of decoded text, and comparing it with the expected one."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_ANSWER_PREFIX = re.compile(r"answer\s*[:=]?\s*", re.IGNORECASE)


def extract_answer(text: str) -> str:
    """The text after the last 'Answer:' (else the whole text), cut at its first line, lowercased;
    when it contains a number, just the first number."""
    parts = _ANSWER_PREFIX.split(text)
    tail = parts[-1].strip().splitlines()[0] if parts[-1].strip() else ""
    number = _NUMBER.search(tail)
    if number:
        return number.group(0)
    return tail.strip(" .!").lower()


def is_correct(text: str, expected: str) -> bool:
    return extract_answer(text) == expected.strip().lower()
