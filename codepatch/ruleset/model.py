"""The rule set as data: rules, their sinks, patterns and sources, as frozen dataclasses.

`RuleSet` is the one object every stage asks what the rules say, e.g. whether a decorator makes a
function a route handler (`is_route`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property

from codepatch.ruleset.names import NameTable
from codepatch.types import Level


class RuleError(Exception):
    """A rule file that is not valid: the message names the file and the problem."""


@dataclass(frozen=True)
class SinkSpec:
    call: str | None
    args: tuple[int, ...] = ()
    kwargs: tuple[str, ...] = ()
    receiver: bool = False
    element0: bool = False
    route_return: bool = False
    when: tuple[dict, ...] = ()
    unless: tuple[dict, ...] = ()


@dataclass(frozen=True)
class PatternSpec:
    call: str | None = None
    query: str | None = None
    handler: dict | None = None  # see analysis/handlers.py
    when: tuple[dict, ...] = ()
    unless: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    category: str
    message: str
    cwe: int
    severity: Level
    confidence: Level
    docs: dict
    fix: tuple[str, ...] = ()
    bandit: str | None = None
    ruff: str | None = None
    aliases: tuple[str, ...] = ()  # other tools' ids for this check: their suppression comments cover it
    sources: tuple[str, ...] = ()
    sinks: tuple[SinkSpec, ...] = ()
    sanitizers: tuple[str, ...] = ()
    patterns: tuple[PatternSpec, ...] = ()


@dataclass(frozen=True)
class SourceSpec:
    name: str
    group: str
    confidence: Level


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    sources: tuple[SourceSpec, ...]
    route_decorators: tuple[str, ...]
    universal_sanitizers: tuple[str, ...]
    version: str  # hash of every rule file: part of the cache key

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def is_route(self, decorator: str | None) -> bool:
        """Whether a decorator (its qualified name, or its text where it does not resolve) makes the
        function it decorates a route handler: `@app.route(...)`, `@router.get(...)`. The one answer
        to that question for every stage."""
        if not decorator:
            return False
        name = decorator.replace("()", "").replace("[]", "")  # `app.route()` and `app.route` alike
        return bool(self._routes.match(name, name.rsplit(".", 1)[-1] if "." in name else None))

    @cached_property
    def _routes(self) -> NameTable[bool]:
        return NameTable((name, True) for name in self.route_decorators)

    def sources_of(self, rule: Rule) -> tuple[SourceSpec, ...]:
        wanted = set(rule.sources)
        return tuple(s for s in self.sources if s.group in wanted or s.name in wanted)

    def configured(self, enabled: frozenset[str], sources: tuple[SourceSpec, ...] = (),
                   sinks: dict[str, tuple[SinkSpec, ...]] | None = None,
                   sanitizers: dict[str, tuple[str, ...]] | None = None,
                   universal_sanitizers: tuple[str, ...] = ()) -> RuleSet:
        """Only the `enabled` rules, with a project's extra sources, sinks (by rule id) and sanitizers.

        The version changes with every extra and the selection, so cached facts and solved results of
        one configuration never serve another."""
        sinks, sanitizers = sinks or {}, sanitizers or {}
        if enabled >= {r.id for r in self.rules} and not (sources or sinks or sanitizers or universal_sanitizers):
            return self
        rules = tuple(replace(r, sinks=r.sinks + sinks.get(r.id, ()),
                              sanitizers=r.sanitizers + sanitizers.get(r.id, ()))
                      for r in self.rules if r.id in enabled)
        extras = repr((sorted(enabled), sources, sorted(sinks.items()), sorted(sanitizers.items()),
                       universal_sanitizers))
        version = hashlib.sha256(f"{self.version}\0{extras}".encode()).hexdigest()[:16]
        return RuleSet(rules, self.sources + sources, self.route_decorators,
                       self.universal_sanitizers + universal_sanitizers, version)


