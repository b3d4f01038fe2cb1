"""Reading the last agent's text: a program computed by the evaluator, or a free-text answer."""

import pytest

from codepatch.latent.answers import (
    Reading,
    answer_target,
    is_correct,
    program_target,
    read,
    same_answer,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("Program: 2+12-4", Reading(answer="10", program="2+12-4")),
    (program_target("(15+6)*3"), Reading(answer="63", program="(15+6)*3")),
    ("Program: 96/8+7.", Reading(answer="19", program="96/8+7")),
    ("program = 5*2+2*4\nmore text", Reading(answer="18", program="5*2+2*4")),
    ("Program: 12/0", Reading(answer=None, program="12/0", refused="divides by zero")),
    ("Program: 3 apples", Reading(answer=None, program="3 apples", refused="does not parse")),
    ("Program:", Reading(answer=None, program="", refused="empty program")),
    (answer_target("yes"), Reading(answer="yes")),
    ("Answer: Leo.", Reading(answer="leo")),
    ("Answer: 85", Reading(answer="85")),
    ("The answer is 7 apples.", Reading(answer="7")),  # a model never trained on the format
    ("", Reading(answer="")),
])
def test_read(text, expected):
    assert read(text) == expected


def test_answers_compare_by_value_or_as_text():
    assert same_answer("3.50", "3.5") and same_answer("10", "10") and not same_answer("101", "10")
    assert same_answer("leo", "Leo") and not same_answer(None, "10")
    assert is_correct("Program: 30-12+8", "26") and not is_correct("Program: 30-12-8", "26")
    assert not is_correct("Program: 1/0", "0")  # a refused program is never an answer
