"""Synthetic judgements for the agents (`codepatch scan --agents`): uncertain findings, each with
the verdict the Scanner, Critic and Patcher should reach, `Verdict: real | look-alike`.

A case is a project helper on the path from untrusted input to a sink (one that really
sanitises for that sink, or one that only looks like it), a weak hash or random value and what
it protects, or a value whose source decides the case. Each kind of finding (rule id) is drawn
from many independent families; decoys (comments, docstrings, names, log text) fall on both
labels alike.

Splits (`SPLITS`): `train` and `template-test` draw from the training families;
`family-validation` and `family-test` from whole families training never sees, with both labels
in every kind. Draws take the kinds in turn and alternate the label, so a split is balanced
across kinds and about half real. Generation is deterministic given (split, count, seed).
"""

from __future__ import annotations

import random

from training.judgements import (
    code,
    commands,
    crypto,
    fs_cmd_real,
    fs_cmd_safe,
    fs_path_real,
    fs_path_safe,
    net_redirects,
    net_ssrf,
    net_xss,
    paths,
    prim_hash,
    prim_random,
    prim_sources,
    query_code,
    query_sql,
    randomness,
    redirects,
    sources,
    sql,
    web,
)
from training.judgements.base import Family, Judgement

SPLITS: tuple[str, ...] = ("train", "template-test", "family-validation", "family-test")
_HELD_OUT = {"train": None, "template-test": None, "family-validation": "validation", "family-test": "test"}

FAMILIES: tuple[Family, ...] = (redirects.FAMILIES + paths.FAMILIES + commands.FAMILIES + sql.FAMILIES
                                + web.FAMILIES + code.FAMILIES + crypto.FAMILIES + randomness.FAMILIES
                                + sources.FAMILIES
                                # further training families, kept apart for each module's size
                                + net_redirects.FAMILIES + net_ssrf.FAMILIES + net_xss.FAMILIES
                                + fs_path_safe.FAMILIES + fs_path_real.FAMILIES + fs_cmd_safe.FAMILIES
                                + fs_cmd_real.FAMILIES + query_sql.FAMILIES + query_code.FAMILIES
                                + prim_hash.FAMILIES + prim_random.FAMILIES + prim_sources.FAMILIES)
KINDS: tuple[str, ...] = tuple(dict.fromkeys(family.kind for family in FAMILIES))


def split_families(split: str) -> tuple[Family, ...]:
    """The families a split draws from."""
    if split not in _HELD_OUT:
        raise ValueError(f"unknown split {split!r}; splits are {', '.join(SPLITS)}")
    return tuple(family for family in FAMILIES if family.held_out == _HELD_OUT[split])


def generate(split: str, count: int, seed: int) -> list[Judgement]:
    """`count` judgements of `split`: kinds in turn, real and not real alternating within each kind,
    the family drawn at random among the split's families of that kind and label."""
    families = split_families(split)
    rng = random.Random(f"judgements-{split}-{seed}")
    pools = {(kind, real): [f for f in families if f.kind == kind and f.real == real] for kind in KINDS for real in (True, False)}
    first = rng.random() < 0.5  # which label each kind starts with
    drawn = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        real = first == ((index // len(KINDS)) % 2 == 0)
        drawn.append(rng.choice(pools[kind, real]).draw(rng))
    return drawn


__all__ = ["FAMILIES", "KINDS", "SPLITS", "Family", "Judgement", "generate", "split_families"]
