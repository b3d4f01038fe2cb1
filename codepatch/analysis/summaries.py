"""A call of a project function, applied through the callee's summary: the arguments bound to its
parameters, what it returns, the sinks its parameters reach (reported here when a source is passed,
recorded in the caller's summary when a parameter is), and the fields it stores them into; and
what a route returns as its page, through the functions it calls. A mixin of the taint solver,
which supplies reporting, proofs, storing and resolving."""

from __future__ import annotations

from codepatch.analysis import dismissals
from codepatch.analysis.entries import built_into_text
from codepatch.analysis.flows import (
    Flow,
    FunctionUnit,
    Hop,
    Taint,
    join_traces,
    merge_into,
    merge_trace,
    union,
)
from codepatch.analysis.tiers import UNPROVEN
from codepatch.ruleset.model import Rule, SourceSpec


class CalleeSummaries:
    callers: dict[str, set[str]]
    rules_by_id: dict[str, Rule]
    program: Flow | None  # what chooses the program of the argument list the current call returns
    source_by_name: dict[str, SourceSpec]
    unproven_elsewhere: frozenset[str]

    def returned_page(self, unit, fn: dict, results: list[Flow]) -> Flow:
        """What a route returns as its page: its returned text. A stored record returned whole
        (`return repo.find_items()`) is sent as JSON; one of its fields returned, built into text,
        or returned by a project function that builds text of it (`format_quote(post.content)`)
        is the page."""
        returned_text = fn.get("ret_text", fn["ret"])
        text = self._resolve(unit, returned_text, results)
        records = {k for k in text if k[0] == "s" and self.source_by_name[k[1]].group in self.unproven_elsewhere}
        if not records:
            return text
        markup = self._resolve(unit, fn.get("ret_markup", fn["ret"]) + [
            atom for atom in returned_text if atom[0] == "c" and self._returns_markup(unit, fn["calls"][atom[1]])], results)
        return {k: markup[k] if k in records else t for k, t in text.items() if k not in records or k in markup}

    def _returns_markup(self, unit, call: dict) -> bool:
        """Whether the project function a call runs returns text it builds or a record's field."""
        target, _ = self.project_function(unit, call["callee"])
        return target is not None and target.markup

    def predicate_checked(self, unit, call: dict, flow: Flow) -> Flow:
        """A value a project function answered yes for (`if is_local_url(url)`): sanitised for the
        sinks the checks it holds on every path to a true result cover (its facts' `pred`)."""
        target, bound = self.project_function(unit, call["pred"])
        index = target.parameter_at(call["pos"], bound) if target is not None else None
        if index is None:
            return flow
        kinds = target.pred.get(str(index), ())
        if "" in kinds:
            return {}
        rules = frozenset(rule for kind in kinds for rule in self.sanitizers_for(kind, None))
        return {k: Taint(t.trace, t.sanitized | rules) for k, t in flow.items()} if rules else flow

    def _through_function(self, unit, target: FunctionUnit, bound: bool, call: dict, args: list[Flow],
                          kwargs: dict[str, Flow], receiver: Flow, hop: Hop) -> Flow:
        self.callers.setdefault(target.key, set()).add(unit.key)
        unit.record.callees.add(target.key)
        binding: dict[int, tuple[Flow, dict | None]] = {}  # the callee's parameter → (flow, argument facts)
        if bound and receiver:
            binding[0] = (receiver, None)
        # Arguments past a `*args` parameter are its items; keywords it does not name, `**kwargs`'s.
        star, double = target.spread.get("*"), target.spread.get("**")
        for i, flow in enumerate(args):
            beyond = star is not None and i + (1 if bound else 0) >= star
            _bind(binding, star if beyond else target.parameter_at(i, bound), flow, call["args"][i])
        for name, flow in kwargs.items():
            index = target.parameter_at(name, bound)
            _bind(binding, double if index is None else index, flow, call["kw"][name])
        summary = target.summary
        result = _returned(summary.ret, binding, hop)
        # Several targets (a method called by name): the program of each one's returned list.
        self.program = union(self.program or {},
                             result if summary.ret_program is None else _returned(summary.ret_program, binding, hop))
        for inner_key, inner in list(summary.param_sinks.items()):
            index, rule_id, path, site = inner_key
            if index not in binding:
                continue
            flow, facts = binding[index]
            if not flow and self._proven(unit, facts, rule_id):
                self._dismiss(unit, rule_id, path, site, dismissals.constants_passed(unit.qn))
            elif not flow:
                self._report(unit, self.rules_by_id[rule_id], UNPROVEN.name, path, site, join_traces((hop,), inner))
            for key, taint in flow.items():
                if rule_id in taint.sanitized:
                    self._dismiss(unit, rule_id, path, site, dismissals.SANITIZED)
                    continue
                trace = join_traces(join_traces(taint.trace, (hop,)), inner)
                if key[0] == "s":
                    self._report(unit, self.rules_by_id[rule_id], key[1], path, site, trace)
                else:
                    outer_key = (key[1], rule_id, path, site)
                    merge_trace(unit.summary.param_sinks, outer_key, trace)
                    if inner_key in summary.built or built_into_text(facts, key[1]):
                        unit.summary.built.add(outer_key)
                    elif inner_key in summary.whole and facts is not None and facts.get("whole") == key[1]:
                        unit.summary.whole.add(outer_key)
        for index, cell in summary.param_cells:
            for key, taint in binding.get(index, ({}, None))[0].items():
                if key[0] == "p":
                    unit.summary.param_cells.add((key[1], cell))
                else:
                    self._store(unit, cell, key, Taint(join_traces(taint.trace, (hop,)), taint.sanitized))
        return result


def _bind(binding: dict[int, tuple[Flow, dict | None]], index: int | None, flow: Flow, facts: dict) -> None:
    """What an argument brings to parameter `index`; several (into `*args`) join, no one's facts alone."""
    if index is None:
        return
    if index in binding:
        binding[index] = (union(binding[index][0], flow), None)
    else:
        binding[index] = (flow, facts)


def _returned(returned: Flow, binding: dict[int, tuple[Flow, dict | None]], hop: Hop) -> Flow:
    """A callee's returned flow at a call: its parameters replaced by what the call passes them."""
    result: Flow = {}
    for key, taint in returned.items():
        if key[0] == "p":
            for k2, t2 in binding.get(key[1], ({}, None))[0].items():
                merge_into(result, k2, Taint(join_traces(join_traces(t2.trace, (hop,)), taint.trace),
                                              t2.sanitized | taint.sanitized))
        else:
            merge_into(result, key, Taint(join_traces(taint.trace, (hop,)), taint.sanitized))
    return result
