"""Plausible slips in a role's message, so that the Critic and the Solver learn to check the
message they read against the question instead of copying it: one number, operator or term
wrong, the way a translation goes wrong."""

from __future__ import annotations

import random
import re

from codepatch.latent.answers import PROGRAM

_NUMBER = re.compile(r"\d+")
_OPERATORS = "+-*/"


def slip(target: str, question: str, rng: random.Random) -> str:
    """`target` with one plausible mistake (a different text from `target` whenever one can be made)."""
    label, _, body = target.partition(": ")
    if label != PROGRAM:
        return f"{label}: {_wrong_answer(body, question, rng)}"
    for _ in range(8):
        changed = rng.choice((_other_number, _other_operator, _dropped_term))(body, question, rng)
        if changed != body:
            return f"{label}: {changed}"
    return target


def _wrong_answer(answer: str, question: str, rng: random.Random) -> str:
    if answer in ("yes", "no"):
        return "no" if answer == "yes" else "yes"
    others = [n for n in _NUMBER.findall(question) if n != answer]
    return rng.choice(others) if others else answer


def _other_number(body: str, question: str, rng: random.Random) -> str:
    """One number replaced by another number of the question (a distractor) or a near one."""
    spots = list(_NUMBER.finditer(body))
    spot = rng.choice(spots)
    candidates = [n for n in _NUMBER.findall(question) if n != spot.group()]
    value = rng.choice(candidates) if candidates and rng.random() < 0.6 else str(max(1, int(spot.group()) + rng.choice((-10, -2, -1, 1, 2, 10))))
    return body[:spot.start()] + value + body[spot.end():]


def _other_operator(body: str, question: str, rng: random.Random) -> str:
    spots = [i for i, char in enumerate(body) if char in _OPERATORS and i > 0]
    if not spots:
        return body
    spot = rng.choice(spots)
    return body[:spot] + rng.choice(_OPERATORS.replace(body[spot], "")) + body[spot + 1:]


def _dropped_term(body: str, question: str, rng: random.Random) -> str:
    """The last operation left out (`30-12+8` -> `30-12`), as when a step of the story is missed."""
    match = re.fullmatch(r"(.+[\d)])[-+*/]\d+", body)
    if not match or match.group(1).count("(") != match.group(1).count(")"):
        return body
    return match.group(1)
