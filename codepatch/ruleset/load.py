"""Loading rules: YAML files under a rules folder, checked against `schema.json`, into dataclasses."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

import yaml

from codepatch.files import atomic
from codepatch.files.sealed import seal, unseal
from codepatch.ruleset.model import (
    Framework,
    HandlerClass,
    PatternSpec,
    Registration,
    Rule,
    RuleError,
    RuleSet,
    SinkSpec,
    SourceSpec,
)
from codepatch.types import Level

FRAMEWORKS = "frameworks"  # the folder of framework models, beside the rule categories
FRAMEWORK_GROUP = "web"  # the source group the frameworks' sources join

# libyaml's loader when PyYAML was built with it: ten times faster, and scans start on every commit hook.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def default_rules_dir() -> Path:
    return Path(str(resources.files("codepatch.rules")))


def rule_files(rules_dir: Path | None = None) -> list[Path]:
    """`<category>/<rule-id>.yaml`, sorted."""
    return sorted(p for p in (rules_dir or default_rules_dir()).glob("*/*.yaml") if p.parent.name != FRAMEWORKS)


def framework_files(rules_dir: Path | None = None) -> list[Path]:
    """`frameworks/<name>.yaml`, sorted."""
    return sorted(((rules_dir or default_rules_dir()) / FRAMEWORKS).glob("*.yaml"))


def load_schema(rules_dir: Path | None = None) -> dict:
    return json.loads(((rules_dir or default_rules_dir()) / "schema.json").read_text(encoding="utf-8"))


def load_ruleset(rules_dir: Path | None = None, cache_dir: Path | None = None) -> RuleSet:
    """Every `<category>/<rule-id>.yaml` under the folder, plus `sources.yaml` and the framework models
`frameworks/<name>.yaml`; invalid files raise RuleError.

    Parsing and validating YAML costs more than a small scan, so the checked rule data is kept as
    JSON in `cache_dir`, keyed by the hash of every rule file and the schema.
    """
    rules_dir = rules_dir or default_rules_dir()
    sources_path = rules_dir / "sources.yaml"
    rule_paths = rule_files(rules_dir)
    framework_paths = framework_files(rules_dir)
    digest = hashlib.sha256()
    for path in [rules_dir / "schema.json", sources_path, *rule_paths, *framework_paths]:
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
    checked = _parse_and_check(rules_dir, sources_path, rule_paths, framework_paths)
    if cached:
        _write_checked(cached, checked)
    return _build(checked, version)


def _parse_and_check(rules_dir: Path, sources_path: Path, rule_paths: list[Path], framework_paths: list[Path]) -> dict:
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
    framework_validator = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/framework_file"})
    frameworks = []
    for path in framework_paths:
        data = _read_yaml(path)
        _validate(framework_validator, data, path)
        if data["name"] != path.stem:
            raise RuleError(f"{path}: name {data['name']!r} does not match the file name")
        frameworks.append(data)
    for data in frameworks:
        if data.get("group", FRAMEWORK_GROUP) not in sources_data["groups"]:
            raise RuleError(f"{sources_path}: no '{data.get('group', FRAMEWORK_GROUP)}' group for {data['name']}'s sources")
    known_groups = set(sources_data["groups"]) | {n for g in sources_data["groups"].values() for n in g.get("entries", ())}
    for entry in rules:
        unknown = [s for s in entry["rule"].get("sources", ()) if s not in known_groups]
        if unknown:
            raise RuleError(f"rule {entry['rule']['id']}: unknown source group(s) {', '.join(unknown)}")
    return {"sources": sources_data, "rules": rules, "frameworks": frameworks}


def _read_checked(path: Path) -> dict | None:
    """The checked rule data kept in the cache; None when missing or when it fails its checksum."""
    try:
        text = unseal(path.read_text(encoding="utf-8"))
        checked = json.loads(text) if text is not None else None
    except (OSError, ValueError):
        return None
    return checked if isinstance(checked, dict) and checked.get("rules") and checked.get("sources") \
        and isinstance(checked.get("frameworks"), list) else None


def _write_checked(path: Path, checked: dict) -> None:
    """Best effort (a cache): written whole through a rename, or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write(path, seal(json.dumps(checked)))
    except OSError:
        pass


def _build(checked: dict, version: str) -> RuleSet:
    sources_data = checked["sources"]
    groups = sources_data["groups"]
    frameworks = tuple(_framework_from(data) for data in checked["frameworks"])
    sources = tuple(SourceSpec(name, group, Level(spec["confidence"]))
                    for group, spec in groups.items() for name in spec.get("entries", ()))
    sources += tuple(SourceSpec(name, data.get("group", FRAMEWORK_GROUP), Level(groups[data.get("group", FRAMEWORK_GROUP)]["confidence"]))
                     for data in checked["frameworks"] for name in data.get("sources", ()))
    sources += tuple(source for framework, data in zip(frameworks, checked["frameworks"])
                     for source in _attribute_sources(framework, data.get("sources", ()), groups))
    rules = tuple(_rule_from(entry["rule"], entry["category"]) for entry in checked["rules"])
    known = {s.name for s in sources}
    for rule in rules:
        unknown = sorted(set(rule.not_sources + rule.typed_whole_by_design) - known)
        if unknown:
            raise RuleError(f"rule {rule.id}: not_sources or typed_whole_by_design names no source: {', '.join(unknown)}")
    runners = tuple((r["call"], r["function"]) for r in sources_data.get("runners", ()))
    return RuleSet(rules, sources, frameworks, tuple(sources_data["universal_sanitizers"]), version, runners,
                   tuple(sources_data.get("decoders", ())),
                   frozenset(name for name, group in groups.items() if group.get("unproven_elsewhere")))


def _attribute_sources(framework: Framework, named: Iterable[str], groups: dict) -> Iterator[SourceSpec]:
    """`self.request` in a class-based view: an attribute a handler class's model names is request
    data whole, or, where the framework names the parameter no input itself (`request`), only in
    the attributes it models for that parameter (`self.request.GET` as `$request.GET`, not
    `self.request.user`)."""
    confidence = Level(groups[framework.group]["confidence"])
    for handler_class in framework.classes:
        for attribute in handler_class.attributes:
            if attribute not in framework.not_input_names:
                yield SourceSpec(f"{handler_class.base}.{attribute}", framework.group, confidence)
                continue
            for name in named:
                if name.startswith(f"${attribute}."):
                    yield SourceSpec(f"{handler_class.base}.{name[1:]}", framework.group, confidence, stands_for=name)


def _framework_from(data: dict) -> Framework:
    handlers = data.get("handlers", {})
    signatures = tuple(tuple(names) for names in handlers.get("signatures", ()))
    return Framework(
        name=data["name"], group=data.get("group", FRAMEWORK_GROUP), decorators=tuple(handlers.get("decorators", ())),
        registrations=tuple(Registration(r["call"], r.get("arg"), r.get("kwarg"), tuple(r.get("methods", ())),
                                         tuple(r.get("includes", ())))
                            for r in handlers.get("registrations", ())),
        classes=tuple(HandlerClass(c["base"], tuple(c["methods"]), tuple(c.get("attributes", ())),
                                   tuple(c.get("responds", c["methods"])), c.get("is_request", False))
                     for c in handlers.get("classes", ())),
        signatures=signatures, parameters=handlers.get("parameters", "all"),
        provided_by=tuple(handlers.get("provided_by", ())), not_input=tuple(handlers.get("not_input", ())),
        not_input_names=tuple(handlers.get("not_input_names", ())),
        responses=handlers.get("responses", "html"),
        html_response_classes=tuple(handlers.get("html_response_classes", ())), terminating=tuple(data.get("terminating", ())),
        auth_decorators=tuple(data.get("auth_decorators", ())))


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
        for condition in [*spec.get("when", []), *spec.get("unless", []), *spec.get("low_unless", [])]:
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
                           when=tuple(s.get("when", ())), unless=tuple(s.get("unless", ())),
                           template=s.get("template"))
                  for s in data.get("sinks", ()))
    patterns = tuple(PatternSpec(call=p.get("call"), query=p.get("query"), handler=p.get("handler"),
                                 bound_literal=p.get("bound_literal", False), when=tuple(p.get("when", ())), unless=tuple(p.get("unless", ())),
                                 low_unless=tuple(p.get("low_unless", ())))
                     for p in data.get("patterns", ()))
    return Rule(id=data["id"], kind=data["kind"], category=category, message=data["message"], cwe=data["cwe"],
                severity=Level(data["severity"]), confidence=Level(data["confidence"]), docs=data["docs"],
                fix=tuple(data.get("fix", ())), bandit=data.get("bandit"), ruff=data.get("ruff"),
                aliases=tuple(data.get("aliases", ())),
                sources=tuple(data.get("sources", ())), sinks=sinks,
                sanitizers=tuple(data.get("sanitizers", ())), patterns=patterns,
                api_parameters=data.get("api_parameters"), whole_through_calls=data.get("whole_through_calls", False),
                not_sources=tuple(data.get("not_sources", ())),
                typed_whole_by_design=tuple(data.get("typed_whole_by_design", ())))
