"""Reading the final answer out of decoded text."""

import pytest

from codepatch.latent.answers import extract_answer, is_correct


@pytest.mark.parametrize("text, expected", [
    ("Answer: 12", "12"),
    ("18 + 15 = 33. 33 - 21 = 12.\nAnswer: 12", "12"),
    ("The answer is 7 apples.", "7"),
    ("Answer: Monday.", "monday"),
    ("answer = -3", "-3"),
    ("", ""),
])
def test_extract_answer(text, expected):
    assert extract_answer(text) == expected


def test_is_correct_compares_exactly():
    assert is_correct("Answer: 12", "12") and not is_correct("Answer: 121", "12")
    assert is_correct("Answer: Friday", "friday")
