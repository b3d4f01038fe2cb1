"""The latent multi-agent core (RecursiveMAS): agents that hand each other hidden states
through InnerLinks and OuterLinks instead of text, over several rounds.

Importing this package does not import torch: names resolve lazily on first use, so the
scanner and `codepatch --help` stay fast.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "InnerLink": "links",
    "OuterLink": "links",
    "Agent": "agent",
    "RecursiveSystem": "system",
    "RunResult": "system",
    "load_system": "build",
    "assemble": "build",
    "save_links": "checkpoint",
    "load_links": "checkpoint",
    "LinksConfig": "checkpoint",
    "LinksMismatch": "checkpoint",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"codepatch.latent.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
