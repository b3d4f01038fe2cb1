"""The global stage: link per-function summaries across the repository to find source→sink flows.

Each function is evaluated over its calls in order, with the current summaries of its callees; its
own summary says which parameters (and sources) reach its return value, which parameters reach which
sinks, and which are stored into fields or globals. Summaries only grow, so a worklist over callers
(and readers of changed cells) reaches a fixpoint.

Every merge is a join (least sanitized, then shortest trace, then the first trace in sort order), so
the fixpoint does not depend on the order the worklist takes: a re-solve that starts from cached
summaries (`incremental.py`) ends where a fresh solve does. Each function's `Record` says what its
runs depended on and produced, which is what an incremental re-solve needs.

Findings come in the tiers of `tiers.py`: a source or a handler's parameter reaching a sink is
reported as the flow is found; an entry point's parameter built into a sink's input, after the
fixpoint, from the summaries; a sink input that is neither constant nor from a parameter or a
source, as `UNPROVEN` where the rule asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from codepatch.analysis import dismissals
from codepatch.analysis.conditions import APPLIES, holds, normalize, verdict
from codepatch.analysis.entries import REPLACED, built_into_text, entry_findings
from codepatch.analysis.flows import (
    Flow,
    FunctionUnit,
    Hop,
    Key,
    RawFinding,
    Taint,
    cell_prefixes,
    finding_order,
    join_traces,
    merge_into,
    merge_trace,
    union,
)
from codepatch.analysis.indirect import IndirectCalls
from codepatch.analysis.parameter_types import parameter_types, typed_name
from codepatch.analysis.project import ProjectFacts
from codepatch.analysis.proof import ConstantProof
from codepatch.analysis.resolution import Resolution, module_aliases
from codepatch.analysis.sink_inputs import dangerous_inputs
from codepatch.analysis.summaries import CalleeSummaries
from codepatch.analysis.tiers import (
    COMMAND_PARAMETER,
    ROUTE_PARAMETER,
    SHAPE_PARAMETER,
    UNPROVEN,
    Handler,
    handler_of,
)
from codepatch.facts.predicates import PASSES
from codepatch.files.discover import is_test_path
from codepatch.files.templates import Templates
from codepatch.ruleset.model import Rule, RuleSet, SinkSpec, SourceSpec
from codepatch.ruleset.names import NameTable

LOOKUP_METHODS = frozenset({"get", "pop", "getlist"})
# `get_object_or_404(Item, pk=key)`, `ctype.get_object_for_this_type(pk=key)`: a record fetched by
# its identifier holds the stored fields, not the key that chose it.
FETCHES = re.compile(r"_?(get|fetch|find|load|lookup|retrieve)(_\w+)?")
RECORD_KEYS = re.compile(r"pk|id|uuid|\w+_(id|pk)")


class TaintSolver(Resolution, ConstantProof, IndirectCalls, CalleeSummaries):
    def __init__(self, modules: list[dict], ruleset: RuleSet, templates: Templates = Templates()) -> None:
        self.templates = templates.unescaped  # template name → context variables written unescaped
        self._resolved, self._sources_found, self._sinks_found, self._sanitizers_found = {}, {}, {}, {}  # Resolution
        self.ruleset = ruleset
        self.taint_rules = [r for r in ruleset.rules if r.kind == "taint"]
        self.sources: NameTable[SourceSpec] = NameTable((s.name, s) for s in ruleset.sources)
        # The request object itself, passed around whole (`helper(request)`), is a source too; not a
        # module or class other sources are read from (`urllib.request`, `socket.socket`).
        self.source_prefixes = {prefix: SourceSpec(prefix, s.group, s.confidence) for s in ruleset.sources
                                if s.name.count(".") >= 2 and not s.name.startswith(("$", "*")) and s.group == "web"
                                for prefix in [s.name.rsplit(".", 1)[0]]}
        self.sinks: NameTable[tuple[Rule, SinkSpec]] = NameTable(
            (s.call, (r, s)) for r in self.taint_rules for s in r.sinks if s.call)
        self.route_sinks = [(r, s) for r in self.taint_rules for s in r.sinks if s.route_return]
        self.sanitizers: NameTable[str] = NameTable((name, r.id) for r in self.taint_rules for name in r.sanitizers)
        self.universal, self.decoders = (NameTable((name, True) for name in names)
                                         for names in (ruleset.universal_sanitizers, ruleset.decoders))
        self.runners: NameTable[int | str] = NameTable(ruleset.runners)
        self.source_by_name = {s.name: s for s in ruleset.sources}
        self.named_parameters = frozenset(s.name[1:].split(".")[0] for s in ruleset.sources if s.name.startswith("$"))
        tiers = (ROUTE_PARAMETER, SHAPE_PARAMETER, COMMAND_PARAMETER, UNPROVEN)
        self.source_by_name.update((s.name, s) for s in (*tiers, *self.source_prefixes.values()))
        self.allowed_sources = {r.id: {s.name for s in ruleset.sources_of(r)}
                                | {p.name for p in self.source_prefixes.values() if p.group in r.sources}
                                | {t.name for t in tiers if t.group in r.sources}
                                for r in self.taint_rules}
        self.rules_by_id = {r.id: r for r in self.taint_rules}
        self.unproven_elsewhere = ruleset.unproven_elsewhere
        self.load: Callable[[FunctionUnit], dict] | None = None  # facts of a unit restored without them
        self.cells: dict[str, Flow] = {}
        self.callers: dict[str, set[str]] = {}
        self.readers: dict[str, set[str]] = {}
        self.changed_cells: set[str] = set()
        self.ran: set[str] = set()  # the functions run by this solver
        self.program: Flow | None = None  # set while a call runs through a project function (summaries.py)
        self.programs: list[Flow | None] = []
        self.functions: dict[str, FunctionUnit] = {}  # by qualified name, set by `use`
        self.aliases: dict[str, list[str]] = {}  # importable package prefix → discovered ones, set by `use`
        self.cell_types: dict[str, str] = {}  # cell → class of the instance it holds, set by `use`
        self.param_types: dict[str, str] = {}  # `function:parameter` → what callers pass it, set by `use`
        self.project = ProjectFacts.of(modules)
        self._handlers: dict[tuple[str, bool], Handler | None] = {}
        self.use([unit for module in modules for unit in self.units_of(module)])

    def units_of(self, module: dict, key: str = "") -> list[FunctionUnit]:
        """The functions of one module's facts (`key`: their facts cache key, to load them again)."""
        units = []
        for index, fn in enumerate(module["functions"]):
            route = any(self.ruleset.is_route(d) for d in fn["decorators"])
            units.append(FunctionUnit(fn["qn"], module["path"], fn["params"], fn.get("rqn"), route, fn,
                                      fn.get("types", {}), (key, index), passes=fn.get("passes", []),
                                      spread=fn.get("spread", {}), pred=fn.get("pred", {}),
                                      markup=bool(fn.get("ret_markup"))))
        return units

    def use_project(self, project: ProjectFacts) -> None:
        """What the whole project's modules say (classes, registrations, constants), for `use`."""
        self.project = project
        self._handlers.clear()
        self._resolved.clear()
        self._sources_found.clear()
        self._sinks_found.clear()
        self._sanitizers_found.clear()

    def use(self, units: list[FunctionUnit]) -> None:
        """The repository's functions, in discovery order (a later definition of a name wins)."""
        self._resolved.clear()
        self._handlers.clear()
        self.functions = {}
        for unit in units:  # a later definition of a name wins; the one it replaces is still checked
            if unit.key in self.functions:
                replaced = self.functions.pop(unit.key)
                replaced.key = f"{replaced.key}{REPLACED}{replaced.origin[1]}"
                self.functions[replaced.key] = replaced
            self.functions[unit.key] = unit
        # Classes whose methods are decorated as request handlers (Pyramid's view classes): their
        # `__init__(self, request)` receives the request the methods then read from `self`.
        self.view_classes = {unit.key.rpartition(".")[0] for unit in units if unit.route}
        self.aliases = module_aliases(self.functions)
        # Which class of instance a module global or object field holds (`self.conn = ldap3.Connection()`).
        self.cell_types: dict[str, str] = {}
        for unit in self.functions.values():
            for cell, qn in unit.types.items():
                self.cell_types.setdefault(normalize(cell), qn)
        # What each parameter holds, from what the callers pass (`save(request.files["doc"])`).
        self.param_types = parameter_types(self.functions.values(), self.resolve)

    # ----- solving -----------------------------------------------------------------------------
    def solve(self, pending: list[str] | None = None) -> list[RawFinding]:
        """Run the worklist (every function, or `pending`) to the fixpoint; the findings of all functions."""
        pending = list(self.functions) if pending is None else pending
        queued = set(pending)
        while pending:
            name = pending.pop()
            queued.discard(name)
            unit = self.functions[name]
            self.ran.add(name)
            before = unit.summary.copy()
            wake: set[str] = set()
            for cell in self._run(unit):
                wake |= self.readers.get(cell, set())
            if unit.summary != before:
                wake |= self.callers.get(name, set())
            for other in wake:
                if other not in queued and other in self.functions:
                    queued.add(other)
                    pending.append(other)
        return self.findings()

    def findings(self) -> list[RawFinding]:
        found: dict[tuple, RawFinding] = {}
        self.entry_reasons: dict[dismissals.Site, set[str]] = {}
        for finding in [f for unit in self.functions.values() for f in unit.record.found.values()] + entry_findings(
                self.functions, self.rules_by_id, self.project, self.handler_of, self.load, self.entry_reasons,
                self.named_parameters):
            if not is_test_path(finding.path) and any(is_test_path(hop[0]) for hop in finding.trace):
                continue  # through a test (its request, its call of product code): the product's callers decide
            key = (finding.rule.id, finding.path, finding.site)
            if key not in found or finding_order(finding) < finding_order(found[key]):
                found[key] = finding
        return sorted(found.values(), key=lambda f: (f.path, f.site, f.rule.id))

    def handler_of(self, unit: FunctionUnit) -> Handler | None:
        key = (unit.key, unit.data is None)
        if key not in self._handlers:
            found = handler_of(unit, self.ruleset, self.project)
            owner, _, name = unit.key.rpartition(".")
            if found is None and name == "__init__" and owner in self.view_classes:
                found = Handler(ROUTE_PARAMETER, None, frozenset(unit.data.get("typed", ())) if unit.data else frozenset(),
                                responds=False)
            self._handlers[key] = found
        return self._handlers[key]

    def _run(self, unit: FunctionUnit) -> set[str]:
        """Evaluate one function with its callees' current summaries; the cells whose flows changed."""
        fn = unit.facts(self.load)
        self.changed_cells = set()  # cells this function (or a callee, with its arguments) stored into
        # Unproven inputs are judged on this run's view (a callee's summary may prove them constant
        # since): the last run, which sees the fixpoint, decides. Every other finding only grows.
        unit.record.found = {k: f for k, f in unit.record.found.items() if f.source is not UNPROVEN}
        unit.record.dismissed = {}
        results: list[Flow] = []
        self.programs = []  # per call of this run: what chooses the program of the list it returns (None: all of it)
        for call in fn["calls"]:
            self.program = None
            results.append(self._call(unit, call, results))
            self.programs.append(self.program)
        ret = self._resolve(unit, fn["ret"], results)
        for key, taint in ret.items():
            merge_into(unit.summary.ret, key, taint)
        if "ret_el0" in fn:
            if unit.summary.ret_program is None:
                unit.summary.ret_program = {}
            for key, taint in self._resolve(unit, fn["ret_el0"], results).items():
                merge_into(unit.summary.ret_program, key, taint)
        handler = self.handler_of(unit)
        if handler is not None and self.route_sinks and handler.html_response:
            text = self.returned_page(unit, fn, results)
            for rule, _ in self.route_sinks:
                for key, taint in text.items():
                    if key[0] == "s" and rule.id not in taint.sanitized and taint.trace:
                        line = taint.trace[-1][1]
                        self._report(unit, rule, key[1], unit.path, (line, 0, line, 0), taint.trace)
        for cell, value in fn["stores"].items():
            cell = normalize(cell)
            for key, taint in self._resolve(unit, value, results).items():
                if key[0] == "p":
                    unit.summary.param_cells.add((key[1], cell))
                else:
                    self._store(unit, cell, key, taint)
        return self.changed_cells

    def _store(self, unit: FunctionUnit, cell: str, key: Key, taint: Taint) -> None:
        """A source's flow stored into a module global or object field, readable by every function."""
        merge_into(unit.record.stored.setdefault(cell, {}), key, taint)
        if merge_into(self.cells.setdefault(cell, {}), key, taint):
            self.changed_cells.add(cell)

    def _resolve(self, unit: FunctionUnit, value: list, results: list[Flow]) -> Flow:
        """A per-file value (atoms with local traces) as flows of sources and parameters."""
        out: Flow = {}
        path = unit.path
        for kind, ref, lines in value:
            local = tuple((path, line) for line in lines)
            if kind == "p":
                handler = self.handler_of(unit)
                if handler is not None and ref == 0 and handler.is_request and unit.params[:1] == ["self"]:
                    merge_into(out, ("s", handler.source.name), Taint(local))
                elif handler is None or (ref == 0 and unit.params[:1] in (["self"], ["cls"])):
                    merge_into(out, ("p", ref), Taint(local))
                elif handler.receives and (ref >= len(unit.params) or unit.params[ref] not in handler.typed):
                    merge_into(out, ("s", handler.source.name), Taint(local))  # `pk: int` arrives a number
            elif kind in ("c", "e"):
                program = self.programs[ref] if kind == "e" and ref < len(self.programs) else None
                if ref < len(results):
                    for key, taint in (results[ref] if program is None else program).items():
                        merge_into(out, key, Taint(join_traces(taint.trace, local), taint.sanitized))
            elif kind == "q":
                qn = normalize(ref)
                # `self.request.args` reads what was stored into `self.request`.
                for cell in cell_prefixes(qn):
                    self.readers.setdefault(cell, set()).add(unit.key)
                    unit.record.reads.add(cell)
                    for key, taint in self.cells.get(cell, {}).items():
                        merge_into(out, key, Taint(join_traces(taint.trace, local), taint.sanitized))
                source = self._source_for(qn, None)
                if source is not None:
                    merge_into(out, ("s", source.name), Taint(local))

        return out

    def _call(self, unit: FunctionUnit, call: dict, results: list[Flow]) -> Flow:
        path = unit.path
        resolve = lambda v: self._resolve(unit, v, results)
        args = [resolve(a["v"]) for a in call["args"]]
        if call["callee"] == PASSES:  # checked by a project predicate (facts/predicates.py)
            return self.predicate_checked(unit, call, args[0])
        kwargs = {k: resolve(a["v"]) for k, a in call["kw"].items()}
        receiver = resolve(call.get("recv", []))
        star = resolve(call.get("star", []))
        raw_callee, target, bound, probes = self.resolve(call["callee"], unit.key)
        unit.record.probes |= probes
        callee = normalize(raw_callee)
        method = call["meth"]
        hop: Hop = (path, call["line"])
        site = (call["line"], call["col"], call["eline"], call["ecol"])
        # A call the engine goes into (`self.execute(...)` of a project class) is no `*.execute`
        # sink of an unknown object: the sinks inside it are checked there. A method of a parameter
        # is the method of what the callers pass (`file.save` of an upload).
        typed = typed_name(self.param_types, unit, callee) if target is None and callee else None
        self._check_sinks(unit, call, normalize(typed) if typed else callee, method if target is None else None,
                          resolve, args, kwargs, receiver, star, site, hop)
        for rule, _ in self.sinks_for(None, method) if target is not None and method else ():
            self._dismiss(unit, rule.id, path, site, dismissals.PROJECT_METHOD)

        source = self._source_for(callee, method)
        if source is not None:
            return {("s", source.name): Taint((hop,))}
        # A repository function named as a sanitizer (a project's own `myapp.security.clean`) is
        # taken at its word rather than analysed: its checks are rarely visible as data flow.
        declared = bool(self.universal.match(callee) or self.sanitizers_for(callee, None))
        if target is not None and target is not unit and not declared:
            return union(self._through_function(unit, target, bound, call, args, kwargs, receiver, hop),
                         self.run_by_project(unit, target, bound, call, args, hop))
        table = (call.get("alts") if callee is None else self.project.table_called(call["callee"])) \
            if target is None and "recv" not in call else ()
        if table:  # a function taken out of a dispatch table
            return self.through_table(unit, table, call, args, kwargs, hop)
        ran = self.run_by(unit, call, callee, method, args, kwargs, hop)
        if ran is not None:
            return ran
        dispatched: Flow = self.dispatch_by_name(unit, call, method, args, kwargs, hop) \
            if target is None and method and "recv" in call else {}
        if method in LOOKUP_METHODS and "recv" in call:
            # `table.get(key, default)`, `Model.objects.get(pk=key)`: the result is a stored value
            # or the default, never the key.
            args, kwargs, star = args[1:], {}, {}
        if FETCHES.fullmatch((callee or method or "").rpartition(".")[2]):
            kwargs = {name: flow for name, flow in kwargs.items() if not RECORD_KEYS.fullmatch(name)}
        # A library given the request object whole (`handler.handle(request)`) returns its own result.
        args, kwargs = [self.read_parts(a) for a in args], {n: self.read_parts(f) for n, f in kwargs.items()}
        everything = union(receiver, star, *args, *kwargs.values(), dispatched)
        # An object bound differently on different paths: what every one of its classes does.
        alternatives = [normalize(qn) for qn in call.get("alts", ())] or [callee]
        if all(self.universal.match(qn, method) for qn in alternatives):
            return {}
        if self.decoders.match(callee, method):
            return {k: Taint(t.trace) for k, t in everything.items()}  # decoded: earlier checks no longer hold
        sanitized_for = set.intersection(*(set(self.sanitizers_for(qn, method)) for qn in alternatives))
        if sanitized_for:
            return {k: Taint(t.trace, t.sanitized | frozenset(sanitized_for)) for k, t in everything.items()}
        return everything

    def _check_sinks(self, unit: FunctionUnit, call: dict, callee: str | None, method: str | None, resolve,
                     args: list[Flow], kwargs: dict[str, Flow], receiver: Flow, star: Flow, site: tuple,
                     hop: Hop) -> None:
        for rule, sink in self.sinks_for(callee, method):
            # The words around the call, kept by the per-file stage where a condition reads them.
            why = verdict(sink.when, sink.unless,
                          lambda c: holds(c, call, call.get("ctx", ""), call.get("branch", ""))) \
                if sink.when or sink.unless else APPLIES
            if why != APPLIES:
                if why:
                    self._dismiss(unit, rule.id, unit.path, site, why)
                continue
            inputs = dangerous_inputs(sink, call, resolve, args, kwargs, receiver, star, self.templates,
                                      self.project.text_of)
            if not inputs:
                self._dismiss(unit, rule.id, unit.path, site, dismissals.NO_DANGEROUS_ARGUMENT)
            for flow, facts in inputs:
                if not flow and not (facts or {}).get("receiver"):
                    if self._proven(unit, facts, rule.id):
                        self._dismiss(unit, rule.id, unit.path, site, dismissals.PROVEN_CONSTANT)
                    else:
                        self._report(unit, rule, UNPROVEN.name, unit.path, site, (hop,))
                for key, taint in flow.items():
                    if rule.id in taint.sanitized:
                        self._dismiss(unit, rule.id, unit.path, site, dismissals.SANITIZED)
                        continue
                    trace = join_traces(taint.trace, (hop,))
                    if key[0] == "s":
                        self._report(unit, rule, key[1], unit.path, site, trace, facts)
                    else:
                        sink_key = (key[1], rule.id, unit.path, site)
                        merge_trace(unit.summary.param_sinks, sink_key, trace)
                        if built_into_text(facts, key[1]):
                            unit.summary.built.add(sink_key)
                        elif callee is not None and facts is not None and facts.get("whole") == key[1]:
                            # Passed whole to a call the engine resolved (not any `.execute` of an
                            # unknown object): the entry tier may judge it by the parameter's name.
                            unit.summary.whole.add(sink_key)

    def _report(self, unit: FunctionUnit, rule: Rule, source_name: str, path: str, site: tuple,
                trace: tuple[Hop, ...], facts: dict | None = None) -> None:
        allowed = self.allowed_sources[rule.id]
        if source_name not in allowed and UNPROVEN.name in allowed \
                and self.source_by_name[source_name].group in self.unproven_elsewhere:
            source_name = UNPROVEN.name
        why = dismissals.not_reported(rule, self.source_by_name[source_name],
                                      source_name in allowed, facts)
        if why:
            self._dismiss(unit, rule.id, path, site, why)
            return
        key = (rule.id, path, site)
        finding = RawFinding(rule, self.source_by_name[source_name], path, site, trace)
        old = unit.record.found.get(key)
        if old is None or finding_order(finding) < finding_order(old):
            unit.record.found[key] = finding

    def _dismiss(self, unit: FunctionUnit, rule_id: str, path: str, site: tuple, why: str) -> None:
        unit.record.dismissed.setdefault((rule_id, path, site), set()).add(why)
