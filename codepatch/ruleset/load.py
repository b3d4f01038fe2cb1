"""Loading rules: YAML files under a rules folder, checked against `schema.json`, into dataclasses."""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path

import yaml

from codepatch.files import atomic
from codepatch.files.sealed import seal, unseal
from codepatch.ruleset.model import (
    PatternSpec,
    Rule,
    RuleError,
    RuleSet,
    SinkSpec,
    SourceSpec,
)
from codepatch.types import Level

# libyaml's loader when PyYAML was built with it: ten times faster, and scans start on every commit hook.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_rules_dir() -> Path:
    return Path(str(resources.files("codepatch.rules")))


def load_schema(rules_dir: Path | None = None) -> dict:
    return json.loads(((rules_dir or default_rules_dir()) / "schema.json").read_text(encoding="utf-8"))


def load_ruleset(rules_dir: Path | None = None, cache_dir: Path | None = None) -> RuleSet:
    """Every `<category>/<rule-id>.yaml` under the folder, plus `sources.yaml`; invalid files raise RuleError.

    Parsing and validating YAML costs more than a small scan, so the checked rule data is kept as
    JSON in `cache_dir`, keyed by the hash of every rule file and the schema.
    """
    rules_dir = rules_dir or default_rules_dir()
    sources_path = rules_dir / "sources.yaml"
    rule_paths = sorted(rules_dir.glob("*/*.yaml"))
    digest = hashlib.sha256()
    for path in [rules_dir / "schema.json", sources_path, *rule_paths]:
        digest.update(path.relative_to(rules_dir).as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            raise RuleError(f"{path}: cannot read rule: {exc.strerror or exc}") from exc
    version = digest.hexdigest()[:16]
    cached = cache_dir / f"rules-s{version}.json" if cache_dir else None
    checked = _read_checked(cached) if cached else None
    if checked is not None:
        try:
            return _build(checked, version)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # a cache entry of the wrong shape: check the rule files again
    checked = _parse_and_check(rules_dir, sources_path, rule_paths)
    if cached:
        _write_checked(cached, checked)
    return _build(checked, version)


def _parse_and_check(rules_dir: Path, sources_path: Path, rule_paths: list[Path]) -> dict:
    import jsonschema  # only needed when the rules changed since they were last checked

    schema = load_schema(rules_dir)
    sources_data = _read_yaml(sources_path)
    _validate(jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/sources_file"}),
              sources_data, sources_path)
    validator = jsonschema.Draft202012Validator(schema)
    rules = []
    for path in rule_paths:
        data = _read_yaml(path)
        _validate(validator, data, path)
        if data["id"] != path.stem:
            raise RuleError(f"{path}: id {data['id']!r} does not match the file name")
        _check_regexes(data, path)
        rules.append({"category": path.parent.name, "rule": data})
    known_groups = set(sources_data["groups"]) | {n for g in sources_data["groups"].values() for n in g["entries"]}
    for entry in rules:
        unknown = [s for s in entry["rule"].get("sources", ()) if s not in known_groups]
        if unknown:
            raise RuleError(f"rule {entry['rule']['id']}: unknown source group(s) {', '.join(unknown)}")
    return {"sources": sources_data, "rules": rules}


def _read_checked(path: Path) -> dict | None:
    """The checked rule data kept in the cache; None when missing or when it fails its checksum."""
    try:
        text = unseal(path.read_text(encoding="utf-8"))
        checked = json.loads(text) if text is not None else None
    except (OSError, ValueError):
        return None
    return checked if isinstance(checked, dict) and checked.get("rules") and checked.get("sources") else None


def _write_checked(path: Path, checked: dict) -> None:
    """Best effort (a cache): written whole through a rename, or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write(path, seal(json.dumps(checked)))
    except OSError:
        pass


def _build(checked: dict, version: str) -> RuleSet:
    sources_data = checked["sources"]
    sources = tuple(SourceSpec(name, group, Level(spec["confidence"]))
                    for group, spec in sources_data["groups"].items() for name in spec["entries"])
    rules = tuple(_rule_from(entry["rule"], entry["category"]) for entry in checked["rules"])
    return RuleSet(rules, sources, tuple(sources_data["route_decorators"]),
                   tuple(sources_data["universal_sanitizers"]), version)


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"{path}: cannot read rule: {exc}") from exc


def _validate(validator, data: object, path: Path) -> None:
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top)"
        raise RuleError(f"{path}: {where}: {errors[0].message}")


def _check_regexes(data: dict, path: Path) -> None:
    specs = list(data.get("sinks", [])) + list(data.get("patterns", []))
    for spec in specs:
        for condition in list(spec.get("when", [])) + list(spec.get("unless", [])):
            for key in ("matches", "qn_matches", "context"):
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
    patterns = tuple(PatternSpec(call=p.get("call"), query=p.get("query"), handler=p.get("handler"), when=tuple(p.get("when", ())),
                                 unless=tuple(p.get("unless", ())))
                     for p in data.get("patterns", ()))
    return Rule(id=data["id"], kind=data["kind"], category=category, message=data["message"], cwe=data["cwe"],
                severity=Level(data["severity"]), confidence=Level(data["confidence"]), docs=data["docs"],
                fix=tuple(data.get("fix", ())), bandit=data.get("bandit"), ruff=data.get("ruff"),
                aliases=tuple(data.get("aliases", ())),
                sources=tuple(data.get("sources", ())), sinks=sinks,
                sanitizers=tuple(data.get("sanitizers", ())), patterns=patterns)
