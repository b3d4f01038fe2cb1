"""What the agents are trained for: `math` (codepatch reason: Planner, Critic, Solver on word
problems) or `judge` (codepatch scan --agents: Scanner, Critic, Patcher on findings).

A workload names its roles, its splits, how it generates examples and how a role's message gets
a slip for the roles that check it. `training.data --workload` writes its name beside the data,
and every later stage reads it from there, so the roles trained always match the data.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codepatch.latent.roles import MATH_ROLES, Role

WORKLOAD_FILE = "workload.json"


@dataclass(frozen=True)
class Workload:
    name: str
    roles: tuple[Role, ...]
    splits: tuple[str, ...]
    generate: Callable[[str, int, int], list]  # (split, count, seed) -> items with question, targets, answer
    slip: Callable[[str, str, random.Random], str]  # (a role's message, the question, rng) -> a wrong message


def _math() -> Workload:
    from training.slips import slip
    from training.tasks import SPLITS, generate

    return Workload("math", MATH_ROLES, tuple(SPLITS), generate, slip)


def _judge() -> Workload:
    from codepatch.agents.roles import SCAN_ROLES
    from training.judgements import SPLITS, generate
    from training.judgements.slips import slip

    return Workload("judge", SCAN_ROLES, tuple(SPLITS), generate, slip)


WORKLOADS: dict[str, Callable[[], Workload]] = {"math": _math, "judge": _judge}


def workload(name: str) -> Workload:
    if name not in WORKLOADS:
        raise ValueError(f"unknown workload {name!r}; workloads are {', '.join(WORKLOADS)}")
    return WORKLOADS[name]()


def write_workload(data_dir: Path, name: str) -> None:
    (data_dir / WORKLOAD_FILE).write_text(json.dumps({"workload": name}) + "\n")


def workload_of(data_dir: Path | None) -> Workload:
    """The workload `data_dir` was written for (math for data written before workloads existed,
    and for smoke runs without data)."""
    marker = data_dir / WORKLOAD_FILE if data_dir is not None else None
    if marker is None or not marker.exists():
        return workload("math")
    return workload(json.loads(marker.read_text())["workload"])
