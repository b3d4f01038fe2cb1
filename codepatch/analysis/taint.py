"""The global stage: link per-function summaries across the repository to find source→sink flows.

Each function is evaluated over its calls in order, with the current summaries of its callees;
its own summary says which parameters (and which sources) reach its return value, which
parameters reach which sinks, and which parameters are stored into fields or globals. Summaries
only grow, so a worklist over callers (and readers of changed cells) reaches a fixpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codepatch.analysis.conditions import applies, normalize
from codepatch.analysis.names import NameTable
from codepatch.ruleset import Rule, RuleSet, SinkSpec, SourceSpec
from codepatch.types import Level

Hop = tuple[str, int]          # (path, line)
Key = tuple[str, object]       # ("s", source name) or ("p", parameter index)
MAX_HOPS = 24
LOOKUP_METHODS = frozenset({"get", "pop", "getlist"})
JSON_FRAMEWORKS = ("fastapi.", "starlette.")
ROUTE_PARAMETER = SourceSpec("route parameter", "web", Level.HIGH)


@dataclass(frozen=True)
class Taint:
    trace: tuple[Hop, ...]
    sanitized: frozenset[str] = frozenset()  # rule ids this data was sanitized for


Flow = dict[Key, Taint]


@dataclass(frozen=True)
class RawFinding:
    rule: Rule
    source: SourceSpec
    path: str
    site: tuple[int, int, int, int]   # line, col, end line, end col
    trace: tuple[Hop, ...]


@dataclass
class Summary:
    ret: Flow = field(default_factory=dict)
    param_sinks: dict[tuple[int, str, str, tuple], tuple[Hop, ...]] = field(default_factory=dict)
    param_cells: set[tuple[int, str]] = field(default_factory=set)

    def shape(self) -> tuple:
        return (frozenset(self.ret), frozenset(self.param_sinks), frozenset(self.param_cells))


@dataclass
class FunctionUnit:
    qn: str
    path: str
    data: dict
    route: bool
    summary: Summary = field(default_factory=Summary)


def _join(a: tuple[Hop, ...], b: tuple[Hop, ...]) -> tuple[Hop, ...]:
    if a and b and a[-1] == b[0]:
        b = b[1:]
    joined = a + b
    return joined if len(joined) <= MAX_HOPS else joined[:4] + joined[-(MAX_HOPS - 4):]


def _merge_into(target: Flow, key: Key, taint: Taint) -> None:
    old = target.get(key)
    if old is None:
        target[key] = taint
    elif not (old.sanitized <= taint.sanitized and len(old.trace) <= len(taint.trace)):
        # Keep the least-sanitized path: taint reaches a sink if any path is unsanitized for it.
        sanitized = old.sanitized & taint.sanitized
        trace = old.trace if len(old.trace) <= len(taint.trace) else taint.trace
        target[key] = Taint(trace, sanitized)


def _json_route(fn: dict) -> bool:
    """FastAPI and Starlette send what a route returns as JSON, never as HTML."""
    return any(d and d.startswith(JSON_FRAMEWORKS) for d in fn["decorators"])


def _prefixes(qn: str) -> list[str]:
    """`a.b.c.d` → [`a.b.c.d`, `a.b.c`, `a.b`]: the cells a read of `qn` may see."""
    parts = qn.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 1, -1)]


def _union(*flows: Flow) -> Flow:
    out: Flow = {}
    for flow in flows:
        for key, taint in flow.items():
            _merge_into(out, key, taint)
    return out


class TaintSolver:
    def __init__(self, modules: list[dict], ruleset: RuleSet) -> None:
        self._lookups: dict[str | None, tuple[FunctionUnit | None, bool]] = {}
        self._canonical: dict[str | None, str | None] = {}
        self._sources_found: dict[tuple[str | None, str | None], SourceSpec | None] = {}
        self.ruleset = ruleset
        self.taint_rules = [r for r in ruleset.rules if r.kind == "taint"]
        self.sources: NameTable[SourceSpec] = NameTable((s.name, s) for s in ruleset.sources)
        # The request object itself, passed around whole (`helper(request)`), is a source too.
        self.source_prefixes = {prefix: SourceSpec(prefix, s.group, s.confidence) for s in ruleset.sources
                                if s.name.count(".") >= 2 and not s.name.startswith(("$", "*"))
                                for prefix in [s.name.rsplit(".", 1)[0]]}
        self.sinks: NameTable[tuple[Rule, SinkSpec]] = NameTable(
            (s.call, (r, s)) for r in self.taint_rules for s in r.sinks if s.call)
        self.route_sinks = [(r, s) for r in self.taint_rules for s in r.sinks if s.route_return]
        self.sanitizers: NameTable[str] = NameTable((name, r.id) for r in self.taint_rules for name in r.sanitizers)
        self.universal: NameTable[bool] = NameTable((name, True) for name in ruleset.universal_sanitizers)
        self.routes: NameTable[bool] = NameTable((name, True) for name in ruleset.route_decorators)
        self.source_by_name = {s.name: s for s in ruleset.sources}
        self.source_by_name[ROUTE_PARAMETER.name] = ROUTE_PARAMETER
        self.source_by_name.update((p.name, p) for p in self.source_prefixes.values())
        self.allowed_sources = {r.id: {s.name for s in ruleset.sources_of(r)}
                                | {p.name for p in self.source_prefixes.values() if p.group in r.sources}
                                | ({ROUTE_PARAMETER.name} if "web" in r.sources else set())
                                for r in self.taint_rules}
        self.rules_by_id = {r.id: r for r in self.taint_rules}
        self.functions: dict[str, FunctionUnit] = {}
        self.lines: dict[str, str] = {}
        for module in modules:
            for fn in module["functions"]:
                route = any(self.routes.match(normalize(d), normalize(d).rsplit(".", 1)[-1] if d else None)
                            for d in fn["decorators"] if d)
                unit = FunctionUnit(fn["qn"], module["path"], fn, route)
                self.functions[normalize(fn["qn"])] = unit
        self.aliases = self._module_aliases()
        # Which class of instance a module global or object field holds (`self.conn = ldap3.Connection()`).
        self.cell_types: dict[str, str] = {}
        for unit in self.functions.values():
            for cell, qn in unit.data.get("types", {}).items():
                self.cell_types.setdefault(normalize(cell), qn)
        self.cells: dict[str, Flow] = {}
        self.callers: dict[str, set[str]] = {}
        self.readers: dict[str, set[str]] = {}
        self.findings: dict[tuple, RawFinding] = {}
        self.changed_cells: set[str] = set()

    def _module_aliases(self) -> dict[str, str]:
        """`src/app/db.py` is imported as `app.db`: map the importable prefix to the discovered one."""
        aliases: dict[str, str] = {}
        for qn in self.functions:
            parts = qn.split(".")
            if parts[0] in ("src", "lib") and len(parts) > 2:
                aliases.setdefault(parts[1], f"{parts[0]}.{parts[1]}")
        return aliases

    # ----- lookups -----------------------------------------------------------------------------
    def lookup_function(self, callee: str | None) -> tuple[FunctionUnit | None, bool]:
        """The repository function a call reaches, and whether its first parameter is bound (self)."""
        # Names resolve the same way all through a solve: each is worked out once.
        if callee not in self._lookups:
            self._lookups[callee] = self._lookup_function(callee)
        return self._lookups[callee]

    def _lookup_function(self, callee: str | None) -> tuple[FunctionUnit | None, bool]:
        if not callee:
            return None, False
        qn = normalize(callee)
        head = qn.split(".", 1)[0]
        if head in self.aliases:
            qn = self.aliases[head] + qn[len(head):]
        unit = self.functions.get(qn)
        if unit is not None:
            bound = "()." in callee and callee.rsplit("().", 1)[-1].count(".") == 0
            return unit, bound
        init = self.functions.get(qn + ".__init__")
        if init is not None:
            return init, True
        return None, False

    def canonical(self, callee: str | None) -> str | None:
        """The callee named by the classes of the objects it goes through.

        `helpers.get_connection().search` is `ldap3.Connection().search` when `get_connection`
        returns an `ldap3.Connection`; `app.Repo().conn.search` likewise when `conn` holds one.
        """
        if callee not in self._canonical:
            self._canonical[callee] = self._canonical_name(callee)
        return self._canonical[callee]

    def _canonical_name(self, callee: str | None) -> str | None:
        for _ in range(4):
            if not callee:
                return callee
            head, call, rest = callee.partition("()")
            unit = self.lookup_function(head)[0] if call else None
            returned = unit.data.get("rqn") if unit is not None and unit.qn.rsplit(".", 1)[-1] != "__init__" else None
            if returned and not returned.startswith("$") and normalize(returned) != normalize(head):
                callee = returned + rest
                continue
            parts = callee.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                held = self.cell_types.get(normalize(".".join(parts[:cut])))
                if held:
                    callee = held + "." + ".".join(parts[cut:])
                    break
            else:
                return callee
        return callee

    def _source_for(self, qn: str | None, method: str | None) -> SourceSpec | None:
        key = (qn, method)
        if key not in self._sources_found:
            self._sources_found[key] = self._find_source(qn, method)
        return self._sources_found[key]

    def _find_source(self, qn: str | None, method: str | None) -> SourceSpec | None:
        found = self.sources.match(qn, method, prefixes=True)
        if found:
            return found[0]
        if qn and qn in self.source_prefixes:  # the request object itself, passed around
            return self.source_prefixes[qn]
        return None

    # ----- solving -----------------------------------------------------------------------------
    def solve(self) -> list[RawFinding]:
        pending = list(self.functions)
        queued = set(pending)
        while pending:
            name = pending.pop()
            queued.discard(name)
            unit = self.functions[name]
            before = unit.summary.shape()
            changed_cells = self._run(unit)
            wake: set[str] = set()
            for cell in changed_cells:
                wake |= self.readers.get(cell, set())
            if unit.summary.shape() != before:
                wake |= self.callers.get(name, set())
            for other in wake:
                if other not in queued:
                    queued.add(other)
                    pending.append(other)
        return sorted(self.findings.values(), key=lambda f: (f.path, f.site, f.rule.id))

    def _run(self, unit: FunctionUnit) -> set[str]:
        fn = unit.data
        path = unit.path
        self.changed_cells: set[str] = set()  # cells a callee stored this function's arguments into
        results: list[Flow] = []
        for call in fn["calls"]:
            results.append(self._call(unit, call, results))
        ret = self._resolve(unit, fn["ret"], results)
        for key, taint in ret.items():
            _merge_into(unit.summary.ret, key, taint)
        if unit.route and self.route_sinks and not _json_route(fn):
            text = self._resolve(unit, fn.get("ret_text", fn["ret"]), results)
            for rule, _ in self.route_sinks:
                for key, taint in text.items():
                    if key[0] == "s" and rule.id not in taint.sanitized and taint.trace:
                        line = taint.trace[-1][1]
                        self._report(rule, key[1], path, (line, 0, line, 0), taint.trace)
        changed: set[str] = self.changed_cells
        for cell, value in fn["stores"].items():
            cell = normalize(cell)
            flow = self._resolve(unit, value, results)
            current = self.cells.setdefault(cell, {})
            for key, taint in flow.items():
                if key[0] == "p":
                    unit.summary.param_cells.add((key[1], cell))
                elif key not in current:
                    current[key] = taint
                    changed.add(cell)
        return changed

    def _resolve(self, unit: FunctionUnit, value: list, results: list[Flow]) -> Flow:
        """A per-file value (atoms with local traces) as flows of sources and parameters."""
        out: Flow = {}
        path = unit.path
        for kind, ref, lines in value:
            local = tuple((path, line) for line in lines)
            if kind == "p":
                typed = ref < len(unit.data["params"]) and unit.data["params"][ref] in unit.data.get("typed", ())
                if unit.route and typed:
                    continue  # `<int:item_id>`, `item_id: int`: the framework hands over a number
                if unit.route and not (ref == 0 and unit.data["params"][:1] in (["self"], ["cls"])):
                    _merge_into(out, ("s", ROUTE_PARAMETER.name), Taint(local))
                else:
                    _merge_into(out, ("p", ref), Taint(local))
            elif kind == "c":
                if ref < len(results):
                    for key, taint in results[ref].items():
                        _merge_into(out, key, Taint(_join(taint.trace, local), taint.sanitized))
            elif kind == "q":
                qn = normalize(ref)
                # `self.request.args` reads what was stored into `self.request`.
                for cell in _prefixes(qn):
                    self.readers.setdefault(cell, set()).add(normalize(unit.qn))
                    for key, taint in self.cells.get(cell, {}).items():
                        _merge_into(out, key, Taint(_join(taint.trace, local), taint.sanitized))
                source = self._source_for(qn, None)
                if source is not None:
                    _merge_into(out, ("s", source.name), Taint(local))
        return out

    def _call(self, unit: FunctionUnit, call: dict, results: list[Flow]) -> Flow:
        path = unit.path
        resolve = lambda v: self._resolve(unit, v, results)  # noqa: E731
        args = [resolve(a["v"]) for a in call["args"]]
        kwargs = {k: resolve(a["v"]) for k, a in call["kw"].items()}
        receiver = resolve(call.get("recv", []))
        star = resolve(call.get("star", []))
        raw_callee = self.canonical(call["callee"])
        callee = normalize(raw_callee)
        method = call["meth"]
        hop: Hop = (path, call["line"])
        site = (call["line"], call["col"], call["eline"], call["ecol"])
        self._check_sinks(unit, call, callee, resolve, args, kwargs, receiver, star, site, hop)

        source = self._source_for(callee, method)
        if source is not None:
            return {("s", source.name): Taint((hop,))}
        target, bound = self.lookup_function(raw_callee)
        # A repository function named as a sanitizer (a project's own `myapp.security.clean`) is
        # taken at its word rather than analysed: its checks are rarely visible as data flow.
        declared = bool(self.universal.match(callee) or self.sanitizers.match(callee))
        if target is not None and target is not unit and not declared:
            return self._through_function(unit, target, bound, call, args, kwargs, receiver, hop)
        if method in LOOKUP_METHODS and "recv" in call:
            # `table.get(key, default)`: the result is a stored value or the default, never the key.
            args = args[1:]
        everything = _union(receiver, star, *args, *kwargs.values())
        if self.universal.match(callee, method):
            return {}
        sanitized_for = self.sanitizers.match(callee, method)
        if sanitized_for:
            return {k: Taint(t.trace, t.sanitized | frozenset(sanitized_for)) for k, t in everything.items()}
        return everything

    def _check_sinks(self, unit: FunctionUnit, call: dict, callee: str | None, resolve, args: list[Flow],
                     kwargs: dict[str, Flow], receiver: Flow, star: Flow, site: tuple, hop: Hop) -> None:
        for rule, sink in self.sinks.match(callee, call["meth"]):
            if (sink.when or sink.unless) and not applies(sink.when, sink.unless, call, ""):
                continue
            for flow in self._dangerous_inputs(sink, call, resolve, args, kwargs, receiver, star):
                for key, taint in flow.items():
                    if rule.id in taint.sanitized:
                        continue
                    trace = _join(taint.trace, (hop,))
                    if key[0] == "s":
                        self._report(rule, key[1], unit.path, site, trace)
                    else:
                        unit.summary.param_sinks.setdefault((key[1], rule.id, unit.path, site), trace)

    @staticmethod
    def _dangerous_inputs(sink: SinkSpec, call: dict, resolve, args: list[Flow], kwargs: dict[str, Flow],
                          receiver: Flow, star: Flow) -> list[Flow]:
        flows: list[Flow] = []
        for i in sink.args:
            if i < len(args):
                element0 = call["args"][i].get("el0")
                flows.append(resolve(element0) if sink.element0 and element0 is not None else args[i])
            elif star:
                flows.append(star)
        flows.extend(kwargs[name] for name in sink.kwargs if name in kwargs)
        if sink.receiver:
            flows.append(receiver)
        return flows

    def _through_function(self, unit, target: FunctionUnit, bound: bool, call: dict, args: list[Flow],
                          kwargs: dict[str, Flow], receiver: Flow, hop: Hop) -> Flow:
        self.callers.setdefault(normalize(target.qn), set()).add(normalize(unit.qn))
        params = target.data["params"]
        binding: dict[int, Flow] = {}
        offset = 1 if bound else 0
        if bound and receiver:
            binding[0] = receiver
        for i, flow in enumerate(args):
            if i + offset < len(params):
                binding[i + offset] = flow
        for name, flow in kwargs.items():
            if name in params:
                binding[params.index(name)] = flow
        summary = target.summary
        result: Flow = {}
        for key, taint in summary.ret.items():
            if key[0] == "p":
                for k2, t2 in binding.get(key[1], {}).items():
                    _merge_into(result, k2, Taint(_join(_join(t2.trace, (hop,)), taint.trace),
                                                  t2.sanitized | taint.sanitized))
            else:
                _merge_into(result, key, Taint(_join(taint.trace, (hop,)), taint.sanitized))
        for (index, rule_id, path, site), inner in list(summary.param_sinks.items()):
            for key, taint in binding.get(index, {}).items():
                if rule_id in taint.sanitized:
                    continue
                trace = _join(_join(taint.trace, (hop,)), inner)
                if key[0] == "s":
                    self._report(self.rules_by_id[rule_id], key[1], path, site, trace)
                else:
                    unit.summary.param_sinks.setdefault((key[1], rule_id, path, site), trace)
        for index, cell in summary.param_cells:
            for key, taint in binding.get(index, {}).items():
                if key[0] == "p":
                    unit.summary.param_cells.add((key[1], cell))
                else:
                    current = self.cells.setdefault(cell, {})
                    if key not in current:
                        self.changed_cells.add(cell)
                    _merge_into(current, key, Taint(_join(taint.trace, (hop,)), taint.sanitized))
        return result

    def _report(self, rule: Rule, source_name: str, path: str, site: tuple, trace: tuple[Hop, ...]) -> None:
        if source_name not in self.allowed_sources[rule.id]:
            return
        source = self.source_by_name[source_name]
        key = (rule.id, path, site)
        old = self.findings.get(key)
        if old is None or len(trace) < len(old.trace):
            self.findings[key] = RawFinding(rule, source, path, site, trace)
