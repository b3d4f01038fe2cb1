"""Bare arithmetic: an expression written in symbols (`(15 + 6) * 3`), and operations said in
words, one after the other (`96 divided by 8, plus 7`; `Start with 2, add 12, then subtract 4`)."""

from __future__ import annotations

import random

from training.tasks.base import Drawn, Family, Kind
from training.tasks.render import chain, people, question

_TIGHT = {"+": 1, "-": 1, "*": 2, "/": 2}
Tree = int | tuple[str, "Tree", "Tree"]

# --- an expression in symbols ----------------------------------------------------------------


def _tree(rng: random.Random, numbers: int) -> Tree:
    if numbers == 1:
        return rng.randint(2, 60)
    left = rng.randint(1, numbers - 1)
    return rng.choice("+-*/"), _tree(rng, left), _tree(rng, numbers - left)


def _value(tree: Tree) -> float:
    if isinstance(tree, int):
        return tree
    op, left, right = tree
    a, b = _value(left), _value(right)
    if op == "/":
        return a / b if b and a % b == 0 else float("nan")
    return {"+": a + b, "-": a - b, "*": a * b}[op]


def _written(tree: Tree, times: str, divide: str, spaced: bool) -> str:
    """The expression with the brackets it needs; `times`/`divide`: the symbols used."""
    if isinstance(tree, int):
        return str(tree)
    op, left, right = tree
    a, b = _written(left, times, divide, spaced), _written(right, times, divide, spaced)
    if not isinstance(left, int) and _TIGHT[left[0]] < _TIGHT[op]:
        a = f"({a})"
    if not isinstance(right, int) and (_TIGHT[right[0]] < _TIGHT[op] or (_TIGHT[right[0]] == _TIGHT[op] and op in "-/")):
        b = f"({b})"
    symbol = {"*": times, "/": divide}.get(op, op)
    return f"{a} {symbol} {b}" if spaced else f"{a}{symbol}{b}"


def expression(rng: random.Random, family: Family, distractors: str) -> Drawn:
    """2 to 4 numbers whose value is a whole number from 0 to 2000, every division exact."""
    while True:
        tree = _tree(rng, rng.choice((2, 2, 3, 3, 3, 4)))
        value = _value(tree)
        if value == value and 0 <= value <= 2000 and value == int(value):  # value == value: not NaN
            break
    times, divide = rng.choice(family.phrases["symbols"]).split()
    shown = _written(tree, times, divide, spaced=rng.random() < 0.8)
    template = rng.choice(family.templates)
    return Drawn(question(template, {"e": shown}, rng, distractors), program=_written(tree, "*", "/", spaced=False))


EXPRESSION = Kind("expression", expression, weight=2, families=(
    Family("what-is", "train", ("What is {e}?", "What is the value of {e}?", "What does {e} equal?"),
           {"symbols": ("* /", "× ÷", "x /")}),
    Family("calculate", "train", ("Calculate {e}.", "Compute {e}.", "Work out {e}.", "{e} = ?"),
           {"symbols": ("* /", "× ÷")}),
    Family("evaluate", "validation", ("Evaluate {e}.", "Find the value of {e}."), {"symbols": ("* /", "× ÷")}),
    Family("solve", "test", ("Solve: {e}", "{e} equals what?"), {"symbols": ("* /", "× ÷")}),
    Family("give-value", "train", ("Give the value of {e}.", "Work it out: {e}", "Can you calculate {e}?", "Simplify {e}."),
           {"symbols": ("* /", "× ÷", "x ÷")}),
    Family("chatty", "train", ("Quick question: what is {e}?", "Help me with this sum: {e}", "I need the answer to {e}.",
                               "What does {e} come to?", "What's {e}?"),
           {"symbols": ("* /", "x /")}),
    Family("bare", "train", ("{e}", "{e} =", "{e}=?", "Result of {e}?"), {"symbols": ("* /", "× ÷")}),
))

# --- operations said one after another ----------------------------------------------------------


def _steps(rng: random.Random, start: int, count: int) -> list[tuple[str, int]]:
    """`count` operations from `start` that keep the running value a whole number from 1 to 2000."""
    steps, value = [], start
    while len(steps) < count:
        op = rng.choice("+-*/")
        if op == "/":
            divisors = [d for d in range(2, 13) if value % d == 0]
            if not divisors:
                continue
            n = rng.choice(divisors)
        elif op == "-":
            if value < 3:
                continue
            n = rng.randint(1, min(value - 1, 60))
        else:
            n = rng.randint(2, 12) if op == "*" else rng.randint(1, 60)
        if op == "*" and value * n > 2000:
            continue
        value = {"+": value + n, "-": value - n, "*": value * n, "/": value // n}[op]
        steps.append((op, n))
    return steps


def spoken(rng: random.Random, family: Family, distractors: str) -> Drawn:
    start = rng.randint(2, 99)
    steps = _steps(rng, start, rng.choice((1, 2, 2, 3)))
    clauses = []
    for index, (op, n) in enumerate(steps):
        phrase = rng.choice(family.phrases[op])
        if n == 2 and op in "*/" and rng.random() < 0.5:
            phrase = rng.choice(family.phrases[op + "2"])  # double it / halve it
        clauses.append(phrase.replace("{n}", f"{{n{index}}}"))
    if len(clauses) > 1:
        said = ", ".join(clauses[:-1]) + f"{rng.choice(family.phrases['last'])}{clauses[-1]}"
    else:
        said = clauses[0]
    values: dict[str, int | str] = people(rng, 1) | {"a": start} | {f"n{i}": n for i, (_, n) in enumerate(steps)}
    template = rng.choice(family.templates).replace("{said}", said)
    return Drawn(question(template, values, rng, distractors), program=chain(start, steps))


_WORDS = {"+": ("plus {n}",), "-": ("minus {n}",), "*": ("times {n}", "multiplied by {n}"), "/": ("divided by {n}",),
          "*2": ("times 2",), "/2": ("divided by 2", "halved"), "last": (", ",)}
_ORDERS = {"+": ("add {n}",), "-": ("subtract {n}", "take away {n}"), "*": ("multiply by {n}",),
           "/": ("divide by {n}",), "*2": ("double it",), "/2": ("halve it",), "last": (", then ", " and then ")}

SPOKEN = Kind("spoken", spoken, weight=2, families=(
    Family("in-words", "train", ("What is {a} {said}?", "How much is {a} {said}?"), _WORDS),
    Family("start-with", "train", ("Start with {a}, {said}. | What is the result?",
                                   "Start with {a}, {said}. | What number do you get?",
                                   "Take {a}, {said}. | What is the answer?"), _ORDERS),
    Family("think-of", "train", ("Think of the number {a}. Now {said}. | What number do you have?",
                                 "{name} thinks of {a}. {He} is told to {said}. | What number does {name} end with?"),
           _ORDERS | {"-": ("subtract {n}", "take {n} away")}),
    Family("begin-at", "validation", ("Begin at {a}; {said}. | Where do you end up?",
                                      "What do you get from {a} if you {said}?"), _ORDERS),
    Family("first-person", "test", ("My number is {a}. I {said}. | What number do I have now?",
                                    "I have {a}. I {said}. | What do I get?"),
           _ORDERS | {"last": (", and then I ", ", then I ")}),
    Family("past-tense", "train", ("{name} started with {a}. {He} {said}. | What number did {he} end up with?",
                                   "{name} wrote down {a}, then {said}. | What number did {he} get?"),
           {"+": ("added {n}", "added on {n}"), "-": ("subtracted {n}", "took away {n}"), "*": ("multiplied it by {n}",),
            "/": ("divided it by {n}",), "*2": ("doubled it",), "/2": ("halved it",), "last": (" and finally ", ", and then ")}),
    Family("number-machine", "train", ("Put {a} into a number machine that will {said}. | What comes out?",
                                       "Take the number {a}, {said}. | What is the final number?",
                                       "Work out the answer: take {a}, then {said}."),
           {"+": ("add {n}", "increase it by {n}"), "-": ("take off {n}", "decrease it by {n}"),
            "*": ("times it by {n}", "multiply it by {n}"), "/": ("divide it by {n}",), "*2": ("double it",),
            "/2": ("cut it in half",), "last": (", then ", " and after that ")}),
    Family("passive", "train", ("The number {a} is {said}. | What is the new number?",
                                "A counter shows {a}. The number is {said}. | What does the counter show now?",
                                "If {a} is {said}, what is the result?"),
           {"+": ("increased by {n}",), "-": ("decreased by {n}", "reduced by {n}"), "*": ("multiplied by {n}",),
            "/": ("divided by {n}",), "*2": ("doubled",), "/2": ("halved",), "last": (", then ", " and then ")}),
))

# --- one operation named in words -----------------------------------------------------------------


def named(rng: random.Random, family: Family, distractors: str) -> Drawn:
    op = rng.choice("+-*/")
    b = rng.randint(2, 12) if op in "*/" else rng.randint(2, 300)
    a = b * rng.randint(2, 30) if op == "/" else rng.randint(b + 1, b + 300) if op == "-" else rng.randint(2, 300)
    if op == "*":
        a = rng.randint(2, 60)
    values: dict[str, int | str] = people(rng, 1) | {"a": a, "b": b}
    return Drawn(question(rng.choice(family.phrases[op]), values, rng, distractors), program=f"{a}{op}{b}")


NAMED = Kind("named", named, families=(
    Family("of", "train", (), {
        "+": ("What is the sum of {a} and {b}?", "What is {b} more than {a}?", "Add {a} and {b}.", "What is the total of {a} and {b}?"),
        "-": ("What is the difference between {a} and {b}?", "What is {b} less than {a}?", "Subtract {b} from {a}."),
        "*": ("What is the product of {a} and {b}?", "Multiply {a} by {b}.", "What is {a} lots of {b}?"),
        "/": ("What is {a} shared equally between {b}?", "Divide {a} by {b}.", "What is the quotient of {a} and {b}?")}),
    Family("find", "validation", (), {
        "+": ("Find the total when {a} is added to {b}.",), "-": ("How much is {a} take away {b}?",),
        "*": ("Find {a} groups of {b}.",), "/": ("Split {a} into {b} equal parts. How big is each part?",)}),
    Family("when-you", "test", (), {
        "+": ("What do you get when you put {a} and {b} together?",), "-": ("What is left when {b} is taken from {a}?",),
        "*": ("What do you get when you multiply {a} by {b}?",), "/": ("How many times does {b} go into {a}?",)}),
    Family("increase-decrease", "train", (), {
        "+": ("Increase {a} by {b}.", "What is {a} increased by {b}?", "Add {b} to {a}."),
        "-": ("Decrease {a} by {b}.", "What is {a} reduced by {b}?", "Take {b} away from {a}."),
        "*": ("What is {a} multiplied by {b}?", "Calculate {a} times {b}."),
        "/": ("What is {a} divided by {b}?", "Divide {a} into groups of {b}. | How many groups are there?")}),
    Family("calculate-the", "train", (), {
        "+": ("Calculate the sum of {a} and {b}.", "What do {a} and {b} add up to?"),
        "-": ("Work out the difference between {a} and {b}.", "How much bigger is {a} than {b}?"),
        "*": ("Calculate the product of {a} and {b}.", "Work out {a} multiplied by {b}."),
        "/": ("Work out {a} divided by {b}.", "How many groups of {b} can be made from {a}?")}),
))
