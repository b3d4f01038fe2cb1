"""Applying a `Config`: command-line options over configured values, and the rule set it selects and extends."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

import click
from click.core import ParameterSource

from codepatch.config.read import EVERY_RULE, Config, suggest
from codepatch.errors import UserError
from codepatch.ruleset.load import load_schema
from codepatch.ruleset.model import RuleSet, SinkSpec, SourceSpec
from codepatch.types import Level


def with_command_line(config: Config, ctx: click.Context) -> Config:
    """The configuration with every option given on the command line in place of its configured value."""
    options = {"fail_on": "fail_on", "min_severity": "severity", "min_confidence": "confidence",
               "exclude": "exclude", "test_timeout": "test_timeout", "select": "select", "ignore": "ignore",
               "agents": "agents"}
    given = {name: ctx.params[option] for option, name in options.items()
             if ctx.get_parameter_source(option) not in (None, ParameterSource.DEFAULT)}
    for name in ("select", "ignore"):  # `--select a,b --select c`, as Ruff and Bandit take them
        if name in given:
            given[name] = tuple(part.strip() for value in given[name] for part in value.split(",") if part.strip())
    for name in ("severity", "confidence"):
        if name in given:
            given[name] = Level(given[name])
    return replace(config, **given)


def configure_ruleset(config: Config, ruleset: RuleSet) -> RuleSet:
    """The rule set with only the selected rules, and the project's extra sources, sinks and sanitizers."""
    enabled = rule_ids(config.select, "select", config, ruleset) - rule_ids(config.ignore, "ignore", config, ruleset)
    groups = {s.group: s.confidence for s in ruleset.sources}
    rules = ruleset.by_id()
    for group, name in config.sources:
        if group not in groups:
            raise UserError(f"{config.origin} 'sources': unknown source group {group!r}{suggest(group, groups)}")
        _check_name(name, "sources", config)
    for rule, sink in config.sinks:
        if rules.get(rule) is None or rules[rule].kind != "taint":
            raise UserError(f"{config.origin} 'sinks': {rule!r} is not a taint rule"
                            f"{suggest(rule, [r.id for r in ruleset.rules if r.kind == 'taint'])}")
        _check_name(sink.call, "sinks", config)
    sanitizers: dict[str, tuple[str, ...]] = {}
    universal = tuple(name for key, name in config.sanitizers if key == EVERY_RULE)
    for key, name in config.sanitizers:
        _check_name(name, "sanitizers", config)
        if key != EVERY_RULE:
            for rule in rule_ids((key,), "sanitizers", config, ruleset):
                sanitizers[rule] = sanitizers.get(rule, ()) + (name,)
    sinks: dict[str, tuple[SinkSpec, ...]] = {}
    for rule, sink in config.sinks:
        sinks[rule] = sinks.get(rule, ()) + (sink,)
    sources = tuple(SourceSpec(name, group, groups[group]) for group, name in config.sources)
    return ruleset.configured(frozenset(enabled), sources, sinks, sanitizers, universal)


def per_path_rule_ids(config: Config, ruleset: RuleSet) -> tuple[tuple[str, frozenset[str]], ...]:
    """`per-path-ignores` with categories spelled out as rule ids."""
    return tuple((pattern, frozenset(rule_ids(names, f"per-path-ignores.{pattern}", config, ruleset)))
                 for pattern, names in config.per_path_ignores)


def rule_ids(names: tuple[str, ...], key: str, config: Config, ruleset: RuleSet) -> set[str]:
    """The rule ids that rule ids, category names or ALL stand for; an unknown name is an error."""
    by_category: dict[str, set[str]] = {EVERY_RULE: {r.id for r in ruleset.rules}}
    for rule in ruleset.rules:
        by_category.setdefault(rule.category, set()).add(rule.id)
        by_category[rule.id] = {rule.id}
    ids: set[str] = set()
    for name in names:
        if name not in by_category:
            raise UserError(f"{config.origin} '{key}': unknown rule or category {name!r}{suggest(name, by_category)}")
        ids |= by_category[name]
    return ids


def _check_name(name: str, key: str, config: Config) -> None:
    if not _qualified_name().fullmatch(name):
        raise UserError(f"{config.origin} '{key}': {name!r} is not a qualified name (like 'myapp.db.raw_query')")


@functools.cache
def _qualified_name() -> re.Pattern:
    """What a rule file may name (schema.json), so that configured names follow the same spelling."""
    return re.compile(load_schema()["$defs"]["qualified_name"]["pattern"])
