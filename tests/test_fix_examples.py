"""Every fix strategy does what its own examples say (`EXAMPLES` in its module), as Fixit tests its rules."""

from __future__ import annotations

import pytest

from codepatch.fix import registry
from codepatch.fix.check_examples import mismatch
from codepatch.fix.examples import Example, Fix

CASES = [pytest.param(name, example, id=f"{name}-{index}")
         for name in registry.names() for index, example in enumerate(registry.examples(name))]


@pytest.mark.parametrize(("strategy", "example"), CASES)
def test_strategy_does_what_its_example_says(strategy: str, example: Example) -> None:
    problem = mismatch(strategy, example)
    assert problem is None, problem


def test_every_strategy_shows_a_fix() -> None:
    shown = [name for name in registry.names() if any(isinstance(e, Fix) for e in registry.examples(name))]
    assert shown == registry.names()
