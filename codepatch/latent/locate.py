"""Where a command finds its model and checkpoint, and how many threads it runs torch with.
Imports no torch."""

from __future__ import annotations

import os
from pathlib import Path

import click

UNTRAINED = "untrained"


def resolve_links(links: str | None, shipped: Path, required: bool = False) -> Path | None:
    """The checkpoint to load: --links, else the shipped one (if present), else none: a warning,
    or with `required` (agents whose untrained answers would mean nothing) an error."""
    if links == UNTRAINED:
        return None
    if links is not None:
        return Path(links)
    if (shipped / "links.json").exists():
        return shipped
    if required:
        raise click.ClickException(f"no trained checkpoint ships in {shipped}; pass one with --links DIR")
    click.echo("warning: no trained links shipped; running with untrained links", err=True)
    return None


def resolve_model(model: Path | None) -> Path:
    from codepatch.models.smollm2 import default_model_dir, is_converted

    if model is not None:
        return model
    if not is_converted(default_model_dir()):
        raise click.ClickException("the default model is not set up: run `codepatch models setup` or pass --model DIR")
    return default_model_dir()


def idle_core_threads(torch_default: int) -> int:
    """torch threads for a possibly shared machine: one per idle core (cores minus the 1-minute load
    average), at least 1, at most torch's default. A thread that waits for a busy core stalls every
    operation: 2 threads ran a forward pass 2.4x slower than 1 thread on 2 cores at load 4."""
    if not hasattr(os, "getloadavg"):
        return torch_default
    return max(1, min(torch_default, (os.cpu_count() or 1) - round(os.getloadavg()[0])))
