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
    # A template rendered with a context: {"name": {arg, kwarg}, "context": {arg, kwarg}, "kwargs": bool};
    # the dangerous inputs are the context entries the template writes unescaped (files/templates.py).
    template: dict | None = None


@dataclass(frozen=True)
class PatternSpec:
    call: str | None = None
    query: str | None = None
    handler: dict | None = None  # see analysis/handlers.py
    bound_literal: bool = False  # a literal passed by position to a parameter (analysis/bound_literals.py)
    when: tuple[dict, ...] = ()
    unless: tuple[dict, ...] = ()
    # A hit is reported at low confidence unless one of these holds (the evidence that makes it the
    # rule's confidence: an MD5 is only a finding where the code around it names a secret).
    low_unless: tuple[dict, ...] = ()


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
    # Entry-point parameters with these names are taken whole by design (`execute(sql)`); others
    # passed whole are input (`eval(text)`). None: no parameter passed whole is reported.
    api_parameters: str | None = None
    whole_through_calls: bool = False  # a parameter inside what a call made of it is still the bytes the sink reads
    typed_whole_by_design: tuple[str, ...] = ()  # typed input given whole is a console's own instruction
    not_sources: tuple[str, ...] = ()  # sources of its groups this rule does not take


@dataclass(frozen=True)
class SourceSpec:
    name: str
    group: str
    confidence: Level
    # For an attribute of a handler class's request (`View.request.GET`): the `$request.GET` source
    # it is the instance's copy of, so that a rule's `not_sources` naming one names both.
    stands_for: str = ""


@dataclass(frozen=True)
class Registration:
    """A call that registers a function as a request handler: `app.add_url_rule("/", view_func=f)`."""

    call: str
    arg: int | None = None  # the position of the handler among the call's arguments
    kwarg: str | None = None  # or the keyword that passes it
    methods: tuple[str, ...] = ()  # the handler is a class or instance: these of its methods handle requests
    includes: tuple[str, ...] = ()  # calls in the handler's place that mount another URL module (`include`)


@dataclass(frozen=True)
class HandlerClass:
    """Subclasses of `base` handle requests in the methods named in `methods` (`do_*` globs allowed);
    `attributes` of the instance carry request data; `responds` return the response; `is_request`:
    the instance is the request itself, so `self` handed to a helper carries request data."""

    base: str
    methods: tuple[str, ...]
    attributes: tuple[str, ...] = ()
    responds: tuple[str, ...] = ()
    is_request: bool = False


@dataclass(frozen=True)
class Framework:
    """One framework's model (`rules/frameworks/<name>.yaml`): how its request handlers are found,
    what carries request data, and what ends a request or guards a handler."""

    name: str
    group: str = "web"  # the source group of its handlers' parameters and sources ("cli": command lines)
    decorators: tuple[str, ...] = ()  # decorating a function makes it a handler
    registrations: tuple[Registration, ...] = ()
    classes: tuple[HandlerClass, ...] = ()
    signatures: tuple[tuple[str, ...], ...] = ()  # parameter names that make a function a handler by its shape
    parameters: str = "all"  # which handler parameters carry request data: "all" (but self, cls) or "none"
    provided_by: tuple[str, ...] = ()  # a parameter defaulting to one of these calls is provided (`Depends`)
    not_input: tuple[str, ...] = ()  # a parameter annotated with one of these types is no input (`Response`)
    not_input_names: tuple[str, ...] = ()  # parameters with these names are no input (a resolver's `info`)
    responses: str = "html"  # what a handler returns: "html" (a body, an XSS sink), "json", or "object" (a response built elsewhere)
    html_response_classes: tuple[str, ...] = ()  # a decorator keyword naming one of these makes it return HTML
    terminating: tuple[str, ...] = ()  # calls that end the request (`flask.abort`)
    auth_decorators: tuple[str, ...] = ()  # decorators that require an authenticated user


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    sources: tuple[SourceSpec, ...]
    frameworks: tuple[Framework, ...]
    universal_sanitizers: tuple[str, ...]
    version: str  # hash of every rule file: part of the cache key
    # Calls that call a function they are given (its position) with the arguments after it, or the
    # function they are a method of ("receiver", "receiver-packed": a task queue's `delay`).
    runners: tuple[tuple[str, int | str], ...] = ()
    # Calls that undo an encoding: what a check of the encoded text proved no longer holds.
    decoders: tuple[str, ...] = ()
    # Source groups whose values the rules that do not name them see as unproven (low), as they
    # did before the group existed: a database record in a shell command.
    unproven_elsewhere: frozenset[str] = frozenset()

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def is_route(self, decorator: str | None) -> bool:
        """Whether a decorator (its qualified name, or its text where it does not resolve) makes the
        function it decorates a route handler: `@app.route(...)`, `@router.get(...)`. The one answer
        to that question for every stage."""
        return self.route_framework(decorator) is not None

    def route_framework(self, decorator: str | None) -> Framework | None:
        """The framework whose handler decorator `decorator` is, if any."""
        if not decorator:
            return None
        name = decorator.replace("()", "").replace("[]", "")  # `app.route()` and `app.route` alike
        found = self._routes.match(name, name.rsplit(".", 1)[-1] if "." in name else None)
        return found[0] if found else None

    @cached_property
    def _routes(self) -> NameTable[Framework]:
        return NameTable((name, framework) for framework in self.frameworks for name in framework.decorators)

    @cached_property
    def registrations(self) -> NameTable[tuple[Framework, Registration]]:
        """Calls that register a handler, each with its framework."""
        return NameTable((r.call, (framework, r)) for framework in self.frameworks for r in framework.registrations)

    @cached_property
    def terminating_calls(self) -> frozenset[str]:
        """Calls after which a branch goes no further: `sys.exit`, an `abort` that does not resolve, and
        each framework's own (`flask.abort`)."""
        return frozenset({"sys.exit", "exit", "os._exit", "abort"}).union(*(f.terminating for f in self.frameworks))

    @cached_property
    def auth_decorators(self) -> NameTable[bool]:
        return NameTable((name, True) for f in self.frameworks for name in f.auth_decorators)

    def sources_of(self, rule: Rule) -> tuple[SourceSpec, ...]:
        wanted = set(rule.sources)
        return tuple(s for s in self.sources if (s.group in wanted or s.name in wanted)
                     and s.name not in rule.not_sources and s.stands_for not in rule.not_sources)

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
        return replace(self, rules=rules, sources=self.sources + sources,
                       universal_sanitizers=self.universal_sanitizers + universal_sanitizers, version=version)


