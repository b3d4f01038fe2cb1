"""What a module's calls say about its functions beyond data flow: which of them a framework's
registration call makes a request handler (`app.add_url_rule("/", view_func=show)`,
`path("<int:pk>/", views.detail)`), and which are passed as values (callbacks: `key=`, `target=`),
so called by someone else's code rather than by this project."""

from __future__ import annotations

from codepatch.analysis.conditions import normalize
from codepatch.facts.routes import converted_variables
from codepatch.facts.schema import CallFacts, FunctionFacts, RegisteredFacts
from codepatch.ruleset.model import RuleSet


def registered_handlers(functions: list[FunctionFacts], ruleset: RuleSet) -> list[RegisteredFacts]:
    """The functions registered as handlers by the calls in `functions`, in the order registered."""
    found: list[RegisteredFacts] = []
    for fn in functions:
        for call in fn["calls"]:
            for framework, registration in ruleset.registrations.match(normalize(call["callee"]), call["meth"]):
                handler = _argument(call, registration.arg, registration.kwarg)
                if handler is None or not handler.get("qn"):
                    continue
                typed = sorted({name for a in call["args"] if isinstance(a.get("c"), str)
                                for name in converted_variables(a["c"])})
                entry: RegisteredFacts = {"qn": handler["qn"], "framework": framework.name, "typed": typed}
                if normalize(handler["qn"]) in registration.includes:
                    included = _included_module(fn["calls"], call, registration.includes)
                    if included is None:
                        continue
                    entry = {"qn": included, "framework": framework.name, "typed": typed, "include": True}
                elif registration.methods:
                    entry["methods"] = list(registration.methods)
                found.append(entry)
    return found


def _included_module(calls: list[CallFacts], registration: CallFacts, includes: tuple[str, ...]) -> str | None:
    """The module `include(...)` names inside a registration call: `include(shop.urls)` or
    `include("shop.urls")`."""
    span = (registration["line"], registration["col"]), (registration["eline"], registration["ecol"])
    for call in calls:
        if call is not registration and span[0] <= (call["line"], call["col"]) and \
                (call["eline"], call["ecol"]) <= span[1] and call["args"]:
            first = call["args"][0]
            module = first.get("c") if isinstance(first.get("c"), str) else first.get("qn")
            if module and normalize(call["callee"]) in includes:
                return normalize(module)
    return None


def referenced_functions(functions: list[FunctionFacts]) -> list[str]:
    """Qualified names passed as arguments (`sorted(rows, key=by_date)`, `Thread(target=work)`)."""
    names = {a["qn"] for fn in functions for call in fn["calls"] for a in [*call["args"], *call["kw"].values()]
             if "qn" in a and not a["qn"].startswith("$") and not a["qn"].endswith(("()", "[]"))}
    return sorted(names)


def called_methods(functions: list[FunctionFacts]) -> list[str]:
    """Method names called on any object (`dialect.set_isolation_level(...)`): where the receiver's
    class is unknown, any method of that name may be what runs."""
    return sorted({call["meth"] for fn in functions for call in fn["calls"] if call["meth"]})


def _argument(call: CallFacts, position: int | None, keyword: str | None):
    if keyword is not None and keyword in call["kw"]:
        return call["kw"][keyword]
    if position is not None and position < len(call["args"]):
        return call["args"][position]
    return None
