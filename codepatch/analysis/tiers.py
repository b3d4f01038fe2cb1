"""Where untrusted data comes from, in three tiers a finding's confidence reports:

- high: a modelled source, and the parameters of a request handler a framework's model finds (by
  decorator, registration call or base class);
- medium: the parameters of a handler found by its shape alone (`(environ, start_response)`), of
  a command-line handler, and those of an entry point (see entries.py);
- low: a value reaching a sink that the engine cannot prove constant (see taint.py).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, replace

from codepatch.analysis.flows import FunctionUnit
from codepatch.analysis.project import ProjectFacts
from codepatch.ruleset.model import Framework, RuleSet, SourceSpec
from codepatch.types import Level

ROUTE_PARAMETER = SourceSpec("route parameter", "web", Level.HIGH)
SHAPE_PARAMETER = SourceSpec("parameter of a handler recognised by its shape", "web", Level.MEDIUM)
COMMAND_PARAMETER = SourceSpec("command-line parameter", "cli", Level.MEDIUM)
UNPROVEN = SourceSpec("a value not proven constant", "unproven", Level.LOW)
AS_VIEW = "as_view"  # how a class-based view is registered, in Django and Flask


@dataclass(frozen=True)
class Handler:
    """A request handler: where its parameters' data comes from and how its responses go out."""

    source: SourceSpec
    framework: Framework | None
    typed: frozenset[str] = frozenset()  # parameters the framework converts (`<int:pk>`, `pk: int`)
    responds: bool = True  # what it returns is the response (not so for a view's hooks: `get_queryset`)
    is_request: bool = False  # `self` is the request (an `http.server` handler): passed away, it carries its data
    declares_html: bool = False  # its decorator says it responds with HTML (`response_class=HTMLResponse`)

    @property
    def receives(self) -> bool:
        return self.framework is None or self.framework.parameters == "all"

    @property
    def html_response(self) -> bool:
        """What it returns goes to the client as the body of an HTML response."""
        return self.responds and (self.framework is None or self.framework.responses == "html" or self.declares_html)


def handler_of(unit: FunctionUnit, ruleset: RuleSet, project: ProjectFacts) -> Handler | None:
    """Whether a function is a request handler, and of which framework: decorated, registered by a
    call, a handler method of a subclass of a framework's class, or shaped like one."""
    found = _found_handler(unit, ruleset, project)
    if found is None or found.framework is None or unit.data is None:
        return found
    # Parameters the framework provides (`db = Depends(get_db)`, `response: Response`) are not input.
    framework = found.framework
    provided = {p for p, call in unit.data.get("provided", {}).items() if call in framework.provided_by}
    provided |= {p for p, kind in unit.data.get("ptypes", {}).items() if kind in framework.not_input}
    provided |= set(framework.not_input_names) & set(unit.params)
    return replace(found, typed=found.typed | provided) if provided else found


def _source(framework: Framework | None) -> SourceSpec:
    return COMMAND_PARAMETER if framework is not None and framework.group == "cli" else ROUTE_PARAMETER


def _found_handler(unit: FunctionUnit, ruleset: RuleSet, project: ProjectFacts) -> Handler | None:
    fn = unit.data or {}
    typed = frozenset(fn.get("typed", ()))
    for decorator in fn.get("decorators", ()):
        framework = ruleset.route_framework(decorator)
        if framework is not None:
            declares_html = bool(set(fn.get("dcls", {}).values()) & set(framework.html_response_classes))
            return Handler(_source(framework), framework, typed, declares_html=declares_html)
    if unit.route:  # decorated (the unit was restored without its facts)
        return Handler(ROUTE_PARAMETER, None, typed)
    registered = project.registered.get(unit.key)
    if registered is not None and not registered.methods:
        framework = _framework(ruleset, registered.framework)
        return Handler(_source(framework), framework, typed | registered.typed)
    owner, _, method = unit.key.rpartition(".")
    registered = project.registered.get(owner)  # `app.add_route("/x", Resource())`: its `on_get` handles
    if registered is not None and _named(method, registered.methods):
        framework = _framework(ruleset, registered.framework)
        return Handler(_source(framework), framework, typed | registered.typed)
    for ancestor in project.ancestors(owner) if owner in project.bases else ():
        for framework in ruleset.frameworks:
            for handler_class in framework.classes:
                if handler_class.base == ancestor and _named(method, handler_class.methods):
                    # `path("<slug:s>/", View.as_view())` converts for every method of the view.
                    view = project.registered.get(f"{owner}.{AS_VIEW}")
                    # An `http.server` handler's `self` is the request: named by its class where it flows.
                    source = replace(_source(framework), name=handler_class.base) if handler_class.is_request \
                        else _source(framework)
                    return Handler(source, framework, typed | (view.typed if view else frozenset()),
                                   _named(method, handler_class.responds), handler_class.is_request)
    params = own_parameters(unit)
    for framework in ruleset.frameworks:
        if any(tuple(params[:len(s)]) == s for s in framework.signatures):
            return Handler(SHAPE_PARAMETER, framework, typed)
    return None


def _named(method: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(method, pattern) for pattern in patterns)


def own_parameters(unit: FunctionUnit) -> list[str]:
    """The parameters a caller passes: without the `self` or `cls` of a method."""
    return unit.params[1:] if unit.params[:1] in (["self"], ["cls"]) else unit.params


def _framework(ruleset: RuleSet, name: str) -> Framework | None:
    return next((f for f in ruleset.frameworks if f.name == name), None)
