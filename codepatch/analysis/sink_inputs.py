"""Which inputs of a sink call are dangerous: the rule's argument positions and keywords (or the
first element of a list argument), `*args` where a position falls in it, the receiver, and the
context entries a rendered template writes without escaping."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from codepatch.analysis.flows import Flow, Taint
from codepatch.ruleset.model import SinkSpec


def dangerous_inputs(sink: SinkSpec, call: dict, resolve: Callable[[list], Flow], args: list[Flow],
                     kwargs: dict[str, Flow], receiver: Flow, star: Flow,
                     templates: Mapping[str, frozenset[str]],
                     text_of: Callable[[str], str | None] = lambda qn: None) -> list[tuple[Flow, dict | None]]:
    """Each dangerous input's flow, with its argument's facts (None: no single argument's).
    `text_of`: the text a named value holds (a class attribute such as a view's `template_name`)."""
    inputs: list[tuple[Flow, dict | None]] = []
    for i in sink.args:
        if i < len(args):
            element0 = call["args"][i].get("el0")
            value = call["args"][i]["v"]
            if element0 is None and len(value) == 1 and value[0][0] == "c":
                element0 = [["e", *value[0][1:]]]  # a call's result: the program of the list it returns
            if sink.element0 and element0 is not None:
                inputs.append((resolve(element0), None))
            else:
                inputs.append((args[i], call["args"][i]))
        elif star:
            inputs.append((star, None))
    inputs.extend((kwargs[name], call["kw"][name]) for name in sink.kwargs if name in kwargs)
    if sink.receiver:
        # A receiver (a parser, a path object) is never reported unproven: only its flow counts.
        inputs.append((receiver, {"receiver": True, "str": call.get("recv_str", False),
                                  "whole": call.get("recv_whole")}))
    if sink.template:
        inputs.extend(_unescaped_context(sink.template, call, resolve, templates, text_of))
    return inputs


# What a template entry counts as: text written into the page (never judged unproven: `|safe` on
# server-made HTML is what the filter is for).
RENDERED = {"str": True}


def _unescaped_context(spec: dict, call: dict, resolve: Callable[[list], Flow],
                       templates: Mapping[str, frozenset[str]],
                       text_of: Callable[[str], str | None]) -> list[tuple[Flow, dict | None]]:
    """The flows of the context entries that the rendered template writes without escaping."""
    name = _argument(call, spec["name"]) or {}
    names = name.get("c", text_of(name["qn"]) if "qn" in name else None)
    names = [names] if isinstance(names, str) else names if isinstance(names, (list, tuple)) else []
    variables = set().union(*(templates.get(n, frozenset()) for n in names if isinstance(n, str)))
    inputs = []
    context = _argument(call, spec.get("context")) or {}
    # A context of entries not known here (`context = self.get_context_data()`): only those stored
    # into it here are followed (its whole flow holds the view's own state, sent in every context).
    added = context.get("added", {})
    for variable in sorted(variables & added.keys()):
        inputs.append((resolve(added[variable]["v"]), RENDERED))
    for variable in sorted(variables):
        if variable in context.get("keys", {}):
            inputs.append((resolve(context["keys"][variable]["v"]), RENDERED))
        if spec.get("kwargs") and variable in call["kw"]:
            inputs.append((resolve(call["kw"][variable]["v"]), RENDERED))
        elif variable in spec.get("globals", {}) and variable not in context.get("keys", {}):
            inputs.append(({("s", spec["globals"][variable]): Taint(())}, RENDERED))  # the framework's own
    return inputs


def _argument(call: dict, where: dict | None) -> dict | None:
    if not where:
        return None
    if "kwarg" in where and where["kwarg"] in call["kw"]:
        return call["kw"][where["kwarg"]]
    if "arg" in where and where["arg"] < len(call["args"]):
        return call["args"][where["arg"]]
    return None
