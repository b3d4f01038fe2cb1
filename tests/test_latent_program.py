"""The safe evaluator: exact arithmetic on numbers, + - * /, parentheses; everything else refused."""

from fractions import Fraction

import pytest

from codepatch.latent.program import MAX_CHARACTERS, Computed, Refused, evaluate


@pytest.mark.parametrize(("program", "value", "text"), [
    ("(14-5)+9", 18, "18"),
    ("30-12+8", 26, "26"),
    ("5*2+2*4", 18, "18"),
    ("(15 + 6) * 3", 63, "63"),
    ("96/8+7", 19, "19"),
    ("7/2*2", 7, "7"),  # exact: no float rounding on the way
    ("7/2", Fraction(7, 2), "3.5"),
    ("10/3", Fraction(10, 3), "3.333333"),
    ("-3+1", -2, "-2"),
    ("2.5*4", 10, "10"),
    ("12 × 3 ÷ 4 − 1", 8, "8"),  # the symbols a model may write
])
def test_computes_exactly(program, value, text):
    outcome = evaluate(program)
    assert outcome == Computed(Fraction(value)) and outcome.text == text


@pytest.mark.parametrize(("program", "reason"), [
    ("12/0", "divides by zero"),
    ("5/(3-3)", "divides by zero"),
    ("", "empty program"),
    ("3+", "does not parse"),
    ("30-12+8 apples", "does not parse"),
    ("2**10", "binop is not arithmetic"),  # power: no exponent towers
    ("__import__('os').system('id')", "call is not arithmetic"),
    ("x+1", "name is not arithmetic"),
    ("(1).real", "attribute is not arithmetic"),
    ("True+1", "constant is not arithmetic"),
    ("'a'*3", "constant is not arithmetic"),
    ("1 if 2 else 3", "ifexp is not arithmetic"),
    ("[1, 2]", "list is not arithmetic"),
    ("3 > 2", "compare is not arithmetic"),
    ("2 // 3", "binop is not arithmetic"),
    ("1e999", "a value beyond"),
    ("99999999*99999999*99999999", "a value beyond"),
    ("1+" * 40 + "1", "more than 64 syntax nodes"),
    ("1" * (MAX_CHARACTERS + 1), "longer than"),
    ("1\x00", "does not parse"),
])
def test_refuses_with_the_reason(program, reason):
    outcome = evaluate(program)
    assert isinstance(outcome, Refused) and outcome.reason.startswith(reason), outcome
