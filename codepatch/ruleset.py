"""Loading rules: YAML files under a rules folder, checked against `schema.json`, into dataclasses."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

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

    def sources_of(self, rule: Rule) -> tuple[SourceSpec, ...]:
        wanted = set(rule.sources)
        return tuple(s for s in self.sources if s.group in wanted or s.name in wanted)


def default_rules_dir() -> Path:
    return Path(str(resources.files("codepatch.rules")))


def load_schema(rules_dir: Path | None = None) -> dict:
    return json.loads(((rules_dir or default_rules_dir()) / "schema.json").read_text(encoding="utf-8"))


def load_ruleset(rules_dir: Path | None = None) -> RuleSet:
    """Every `<category>/<rule-id>.yaml` under the folder, plus `sources.yaml`; invalid files raise RuleError."""
    import jsonschema  # only needed here, and only when rules are loaded

    rules_dir = rules_dir or default_rules_dir()
    schema = load_schema(rules_dir)
    digest = hashlib.sha256()
    sources_path = rules_dir / "sources.yaml"
    sources_data = _read_yaml(sources_path)
    _validate(jsonschema, {"$defs": schema["$defs"], "$ref": "#/$defs/sources_file"}, sources_data, sources_path)
    digest.update(sources_path.read_bytes())
    rules = []
    for path in sorted(rules_dir.glob("*/*.yaml")):
        data = _read_yaml(path)
        _validate(jsonschema, schema, data, path)
        if data["id"] != path.stem:
            raise RuleError(f"{path}: id {data['id']!r} does not match the file name")
        _check_regexes(data, path)
        rules.append(_rule_from(data, path.parent.name))
        digest.update(path.read_bytes())
    sources = tuple(SourceSpec(name, group, Level(spec["confidence"]))
                    for group, spec in sources_data["groups"].items() for name in spec["entries"])
    known_groups = {s.group for s in sources} | {s.name for s in sources}
    for rule in rules:
        unknown = [s for s in rule.sources if s not in known_groups]
        if unknown:
            raise RuleError(f"rule {rule.id}: unknown source group(s) {', '.join(unknown)}")
    return RuleSet(tuple(rules), sources, tuple(sources_data["route_decorators"]),
                   tuple(sources_data["universal_sanitizers"]), digest.hexdigest()[:16])


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read rule: {exc}") from exc


def _validate(jsonschema, schema: dict, data: object, path: Path) -> None:
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top)"
        raise RuleError(f"{path}: {where}: {errors[0].message}")


def _check_regexes(data: dict, path: Path) -> None:
    specs = list(data.get("sinks", [])) + list(data.get("patterns", []))
    for spec in specs:
        for condition in list(spec.get("when", [])) + list(spec.get("unless", [])):
            for key in ("matches", "context"):
                if key in condition:
                    try:
                        re.compile(condition[key])
                    except re.error as exc:
                        raise RuleError(f"{path}: bad regex {condition[key]!r}: {exc}") from exc


def _rule_from(data: dict, category: str) -> Rule:
    sinks = tuple(SinkSpec(call=s.get("call"), args=tuple(s.get("args", ())), kwargs=tuple(s.get("kwargs", ())),
                           receiver=s.get("receiver", False), element0=s.get("element0", False),
                           route_return=s.get("route_return", False),
                           when=tuple(s.get("when", ())), unless=tuple(s.get("unless", ())))
                  for s in data.get("sinks", ()))
    patterns = tuple(PatternSpec(call=p.get("call"), query=p.get("query"), when=tuple(p.get("when", ())),
                                 unless=tuple(p.get("unless", ())))
                     for p in data.get("patterns", ()))
    return Rule(id=data["id"], kind=data["kind"], category=category, message=data["message"], cwe=data["cwe"],
                severity=Level(data["severity"]), confidence=Level(data["confidence"]), docs=data["docs"],
                fix=tuple(data.get("fix", ())), bandit=data.get("bandit"), ruff=data.get("ruff"),
                sources=tuple(data.get("sources", ())), sinks=sinks,
                sanitizers=tuple(data.get("sanitizers", ())), patterns=patterns)
