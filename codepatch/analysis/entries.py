"""The entry tier (medium): the parameters of entry points, public functions of product code that
nothing in the project calls (a library's API), built into the text a sink reads. Decided after the
fixpoint, from each function's summary: a parameter passed whole is an API that takes a statement
or a command by design when its name says so (the rule's `api_parameters`: `execute(sql)`) and
input otherwise (`eval(text)`); one inside an object (a query builder's bound value) is no text to
inject into."""

from __future__ import annotations

import re
from collections.abc import Callable

from codepatch.analysis import dismissals
from codepatch.analysis.conditions import normalize
from codepatch.analysis.flows import FunctionUnit, RawFinding
from codepatch.analysis.project import ProjectFacts
from codepatch.analysis.tiers import Handler, own_parameters
from codepatch.files.discover import is_test_path
from codepatch.ruleset.model import Rule, SourceSpec
from codepatch.types import Level

ENTRY_GROUP = "entry"
REPLACED = "#replaced@"  # in the key of a definition a later one of the same name replaces
SPECIAL = re.compile(r"^(<module>|<class>|__\w+__)$")


def entry_findings(functions: dict[str, FunctionUnit], rules_by_id: dict[str, Rule], project: ProjectFacts,
                   handler_of: Callable[[FunctionUnit], Handler | None], load: Callable[[FunctionUnit], dict],
                   reasons: dict[dismissals.Site, set[str]], named: frozenset[str] = frozenset()) -> list[RawFinding]:
    """Each entry point's parameters that its summary says are built into a sink's text; why the
    others are not input goes to `reasons` (by sink site). `named`: parameter names the sources model
    by name (`$request.GET`), whose reads are judged as those sources."""
    # A package's function that only scripts beside the package call (`scripts/svg2pdf.py` calling
    # `svglib.svg2rlg`) is still the package's API: other programs call it too.
    called = {callee for unit in functions.values() if not is_test_path(unit.path) for callee in unit.record.callees
              if not (_in_script(unit.key, functions) and not _in_script(callee, functions))}
    sink_classes = frozenset(s.call for rule in rules_by_id.values() for s in rule.sinks if s.call)
    found = []
    for unit in functions.values():
        if not unit.summary.param_sinks:
            continue
        why_not = not_an_entry_point(unit, called, project, sink_classes)
        if why_not is None and handler_of(unit):
            why_not = "a request handler's parameter the framework converts or provides"
        if why_not is None:
            if unit.data is None:
                unit.data = load(unit)
            if _reached_only_by_project(unit, functions, project):
                why_not = "a nested or project-registered function only the project calls"
        typed = unit.data.get("typed", ()) if unit.data else ()
        for key, trace in unit.summary.param_sinks.items():
            index, rule_id, path, site = key
            rule = rules_by_id[rule_id]
            why = why_not or _not_input(rule, unit, index, key, typed, named)
            if why is None:
                found.append(RawFinding(rule, entry_source(unit, index), path, site, trace))
            else:
                reasons.setdefault((rule_id, path, site), set()).add(dismissals.through_parameter(unit, index, why))
    return found


def _not_input(rule: Rule, unit: FunctionUnit, index: int, key: tuple, typed, named: frozenset[str]) -> str | None:
    """Why an entry point's parameter that reaches a sink is no injection there (None: it is)."""
    if index == 0 and unit.params[:1] in (["self"], ["cls"]):
        return "the library's own object"  # the instance, not its caller's input
    name = unit.params[index] if index < len(unit.params) else ""
    if name in named and any(source.startswith(f"${name}.") for source in rule.not_sources):
        # The rule says which reads of a request so named are harmless (`request.path` for a redirect):
        # the parameter is judged by those sources, not as an entry point's input.
        return "a request the sources model by its name, whose reads this rule judges as those sources"
    if index < len(unit.params) and unit.params[index] in typed:
        return "annotated as a type that holds no text"  # `int`, `UUID`: text breaks the API's contract
    if ENTRY_GROUP not in rule.sources:
        return "an entry point's parameter, which this rule does not report"
    if key in unit.summary.built:
        return None
    if key in unit.summary.whole or rule.whole_through_calls:
        return None if _input_by_name(rule, unit, index) else \
            "passed whole to an API that takes it by design (its name says so)"
    return "reaching the sink only inside what a call made of it (a query builder's bound value)"


def not_an_entry_point(unit: FunctionUnit, called: set[str], project: ProjectFacts,
                       sink_classes: frozenset[str] = frozenset()) -> str | None:
    """Why a function is no entry point (None: it is one). An entry point is a public function of
    product code that nothing in the project calls or passes as a value (for a method: that no call
    in the project names, since the receiver's class is often unknown). `sink_classes`: the rules'
    sinks, whose subclasses' methods are the sink's own machinery."""
    name = unit.key.rpartition(".")[2]
    method = project.is_method(unit.key, unit.params)
    if REPLACED in unit.key:
        return "a definition a later one of the same name replaces (nothing can call it)"
    if not own_parameters(unit):
        return "a method that takes nothing but its instance"
    if SPECIAL.match(name):
        return "a special method (the language calls it)"
    if name.startswith("_") or any(part.startswith("_") for part in unit.key.split(".")[:-1]):
        return "a private function"
    if is_test_path(unit.path):
        return "test code"
    if method and not sink_classes.isdisjoint(project.ancestors(unit.key.rpartition(".")[0])):
        # `persistent_load` of a `pickle.Unpickler` subclass: handed parts of the stream being
        # loaded, whose loading is the sink that is reported.
        return "a method of a subclass of a sink's class, which the sink itself calls"
    if unit.key in called:
        return "a function the project calls (its callers' arguments decide)"
    if unit.key in project.referenced:
        return "a function passed as a value (a callback)"
    if method and name in project.methods:
        return "a method the project calls by name (its callers' arguments decide)"
    return None


def entry_source(unit: FunctionUnit, index: int) -> SourceSpec:
    name = unit.params[index] if index < len(unit.params) else f"#{index}"
    return SourceSpec(f"parameter '{name}' of {unit.qn}, which nothing in the project calls", ENTRY_GROUP,
                      Level.MEDIUM)


def _input_by_name(rule: Rule, unit: FunctionUnit, index: int) -> bool:
    """A parameter passed whole is input unless its name says the API takes it by design."""
    name = unit.params[index] if index < len(unit.params) else ""
    return rule.api_parameters is not None and re.fullmatch(rule.api_parameters, name) is None


def built_into_text(facts: dict | None, index: int) -> bool:
    """Whether an argument is parameter `index` built into text here (interpolated, concatenated, a
    path joined under a base) or a part taken out of it (`query_params["cmd"]`, `form.name`): not
    the parameter whole, nor a path's base folder, nor only inside what a call made of it (a query
    builder's statement, `b64decode(data)`)."""
    if facts is None or facts.get("whole") == index:
        return False
    return bool(facts.get("str")) or facts.get("part") == index


def _in_script(key: str, functions: dict[str, FunctionUnit]) -> bool:
    """Whether a function lives in a folder that is no package (`scripts/tool.py`, run as a script)."""
    return f"{key.split('.', 1)[0]}.<module>" not in functions


def _reached_only_by_project(unit: FunctionUnit, functions: dict[str, FunctionUnit], project: ProjectFacts) -> bool:
    """A function nested in another (a callback it hands out), or one registered by a decorator that
    is a method of a project function or class (`@create_db.for_db("postgresql")`): only the project
    reaches it, though it never calls it by name."""
    if unit.key.rpartition(".")[0] in functions:
        return True
    receivers = (normalize(d).rpartition(".")[0] for d in (unit.data or {}).get("decorators", ()) if "." in d)
    return any(r in functions or r in project.bases for r in receivers)
