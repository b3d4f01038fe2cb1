"""Slips in a verdict, so that the Critic and the Patcher learn to check the verdict they read
against the code instead of copying it: mostly the label turned (a look-alike taken for a
sanitiser, or a sanitiser for a look-alike), sometimes the right label with the wrong reason."""

from __future__ import annotations

import random

from codepatch.agents.verdict import (
    REAL_REASONS,
    SAFE_REASONS,
    read_verdict,
    verdict_target,
)

TURNED = 0.8  # how many slips turn the label


def slip(target: str, question: str, rng: random.Random) -> str:
    """`target` (a verdict) with one plausible mistake; `question` is unused but part of the slip signature."""
    verdict = read_verdict(target)
    if verdict is None:
        return target
    real = not verdict.real if rng.random() < TURNED else verdict.real
    reasons = sorted((REAL_REASONS if real else SAFE_REASONS).keys() - {verdict.reason})
    return verdict_target(real, rng.choice(reasons))
