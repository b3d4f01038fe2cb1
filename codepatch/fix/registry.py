"""Strategy lookup by name: every module in `codepatch/fix/strategies/` that defines `STRATEGY`.

Adding a strategy means adding a module there, with its `EXAMPLES` (`codepatch.fix.examples`);
nothing here changes (as with CLI commands).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache
from types import ModuleType

from libcst.codemod import Codemod

from codepatch.fix import strategies
from codepatch.fix.examples import Example


def names() -> list[str]:
    """The names of all strategies, sorted."""
    return list(_names())


@cache
def _names() -> tuple[str, ...]:
    return tuple(sorted(m.name for m in pkgutil.iter_modules(strategies.__path__) if not m.name.startswith("_")))


def get(name: str) -> type[Codemod]:
    """The strategy class registered as `name`; KeyError when there is none."""
    if name not in _names():
        raise KeyError(f"no fix strategy named {name!r}")
    strategy = importlib.import_module(f"codepatch.fix.strategies.{name}").STRATEGY
    assert strategy.NAME == name, f"{strategy.__name__}.NAME must be {name!r}"
    return strategy


def describe(name: str) -> str:
    """What the strategy `name` changes and when it refuses: its module's docstring."""
    return inspect.cleandoc(_module(name).__doc__ or "")


def examples(name: str) -> tuple[Example, ...]:
    """The examples the strategy `name` carries (its module's `EXAMPLES`): what it fixes, how, and
    where it refuses; none when the module has no `EXAMPLES`."""
    return getattr(_module(name), "EXAMPLES", ())


def _module(name: str) -> ModuleType:
    return importlib.import_module(get(name).__module__)
