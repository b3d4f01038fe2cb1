"""Shared test set-up: one thread for torch (two cores here), and paths into the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
RULES = REPO / "rules"

os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def ruleset():
    from codepatch.ruleset.load import load_ruleset

    return load_ruleset(RULES)
