"""Calls that reach project functions the callee's name does not resolve to: a runner handed a
function (`run_in_executor(None, work, path)`), a method called on an object of unknown class
(`attack.run(handler)`), a function taken out of a dispatch table (`COMMANDS[name](text)`), and
a project function that calls the function it is given (`with_retries(download, url)`).
A mixin of the taint solver, which supplies `resolve`, `methods_named` and `_through_function`."""

from __future__ import annotations

import re
from collections.abc import Callable

from codepatch.analysis.flows import Flow, FunctionUnit, Hop, union
from codepatch.ruleset.names import NameTable

# A method name of two words or more that is no common verb phrase of libraries' APIs.
DISTINCTIVE = re.compile(r"(?!(?:get|set|has|is|to|add|run|make|do|on)_)[a-z][a-z0-9]*_[a-z0-9_]+")


def method_probe(key_or_name: str) -> str:
    """What a call by method name looked up, as a name lookup (`record.probes`) an added or
    removed method of that name must wake: "*.run"."""
    return "*." + key_or_name.rsplit(".", 1)[-1]


# A runner's `function`: the function is the object the method is called on (`task.delay(x)`),
# with the arguments as given, or packed in a sequence and a mapping (`task.apply_async((x,), {})`).
RECEIVER = "receiver"
PACKED = "receiver-packed"
MAX_PACKED = 8  # the parameters a packed call fills


def _unpacked(call: dict, args: list[Flow], kwargs: dict[str, Flow]) -> tuple[dict, list[Flow], dict[str, Flow]]:
    """`apply_async((a, b), {"c": d})` or `apply_async(args=[a, b], kwargs={...})`: each of the
    function's parameters may receive what the sequence or the mapping holds (their positions are
    not followed), with the sequence's facts (constants in it stay proven)."""
    packed = [(args[i], call["args"][i]) for i in range(min(len(args), 2))]
    packed += [(kwargs[name], call["kw"][name]) for name in ("args", "kwargs") if name in kwargs]
    if not packed:
        return {**call, "args": [], "kw": {}}, [], {}
    flow = union(*(f for f, _ in packed))
    facts = packed[0][1] if all("c" in f for _, f in packed) \
        else {"v": [atom for _, f in packed for atom in f.get("v", ())]}
    return {**call, "args": [facts] * MAX_PACKED, "kw": {}}, [flow] * MAX_PACKED, {}


class IndirectCalls:
    runners: NameTable[int | str]
    load: Callable[[FunctionUnit], dict] | None

    def run_by(self, unit: FunctionUnit, call: dict, callee: str | None, method: str | None, args: list[Flow],
               kwargs: dict[str, Flow], hop: Hop) -> Flow | None:
        """`run_sync(self.lookup_path, path)`: the flow through the project function a runner calls
        (None when the call runs none)."""
        for position in self.runners.match(callee, method):
            if position == RECEIVER:
                ran = self._run_receiver(unit, call, method, args, kwargs, hop)
            elif position == PACKED:
                packed_call, packed_args, packed_kwargs = _unpacked(call, args, kwargs)
                ran = self._run_receiver(unit, packed_call, method, packed_args, packed_kwargs, hop)
            else:
                ran = self._run_handed(unit, call, args, position, args[position] if position < len(args) else {}, hop)
            if ran is not None:
                return ran
        return None

    def _run_receiver(self, unit: FunctionUnit, call: dict, method: str | None, args: list[Flow],
                      kwargs: dict[str, Flow], hop: Hop) -> Flow | None:
        """`resize.delay(path, size)`: the project function the method is called on runs with the
        arguments (None when the receiver names no project function)."""
        named = call.get("callee") or ""
        if not method or not named.endswith("." + method):
            return None
        target, bound = self.project_function(unit, named[:-len(method) - 1])
        if target is None or target is unit:
            return None
        return self._through_function(unit, target, bound, call, args, kwargs, {}, hop)

    def _run_handed(self, unit: FunctionUnit, call: dict, args: list[Flow], position: int, receiver: Flow,
                    hop: Hop, caller: FunctionUnit | None = None) -> Flow | None:
        """The flow through the project function passed as argument `position`, called with the
        arguments after it (None when that argument names none, or names `caller` itself)."""
        if position >= len(call["args"]):
            return None
        target, bound = self.project_function(unit, call["args"][position].get("qn"))
        if target is None or target is unit or target is caller:
            return None
        rest = {**call, "args": call["args"][position + 1:], "kw": {}}
        return self._through_function(unit, target, bound, rest, args[position + 1:], {}, receiver, hop)

    def dispatch_by_name(self, unit: FunctionUnit, call: dict, method: str, args: list[Flow],
                         kwargs: dict[str, Flow], hop: Hop) -> Flow:
        """`attack.run(handler)` on an object of unknown class: the sources in its arguments reach
        every project method of that name that takes them (their sinks, and what they return). This
        function's parameters too when the name is distinctive (`db.execute_read(sql)`), not a short
        one, or a library's every `.get(key)` would reach every `get`."""
        if not DISTINCTIVE.fullmatch(method):
            args = [{k: t for k, t in a.items() if k[0] == "s"} for a in args]
            kwargs = {name: {k: t for k, t in a.items() if k[0] == "s"} for name, a in kwargs.items()}
        returned: Flow = {}
        if any(args) or any(kwargs.values()):
            unit.record.probes.add(method_probe(method))  # a method of that name added later may run too
            for target in self.methods_named(method):
                bound = target.params[:1] in (["self"], ["cls"])  # not so for a static method
                if target is not unit and len(args) + bound <= len(target.params) and set(kwargs) <= set(target.params):
                    returned = union(returned, self._through_function(unit, target, bound, call, args, kwargs, {}, hop))
        return returned

    def through_table(self, unit: FunctionUnit, table: list[str] | tuple[str, ...], call: dict, args: list[Flow],
                      kwargs: dict[str, Flow], hop: Hop) -> Flow:
        """`COMMANDS[name](text)`: what every project function of the table does with the arguments."""
        returned: Flow = {}
        for name in table:
            target, bound = self.project_function(unit, name)
            if target is not None and target is not unit:
                returned = union(returned, self._through_function(unit, target, bound, call, args, kwargs, {}, hop))
        return returned

    def run_by_project(self, unit: FunctionUnit, target: FunctionUnit, bound: bool, call: dict,
                       args: list[Flow], hop: Hop) -> Flow:
        """`with_retries(fetch.download, url)` where `def with_retries(fn, *args)` calls `fn(...)`:
        the function handed over runs with the arguments after it, as a runner's does."""
        called = {c["callee"][1:] for c in target.facts(self.load).get("calls", ())
                  if (c["callee"] or "").startswith("$")}
        returned: Flow = {}
        for position, name in enumerate(target.params[1 if bound else 0:]):
            if name in called:
                returned = union(returned, self._run_handed(unit, call, args, position, {}, hop, target) or {})
        return returned
