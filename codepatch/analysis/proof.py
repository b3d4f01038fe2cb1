"""The unproven tier's other half: when a sink's input carries no source and no parameter, whether
its value is proven to hold nothing but constants (then it is no finding at all) or not (then it
is reported at low confidence, as Bandit would report any non-literal input)."""

from __future__ import annotations

from collections.abc import Callable

from codepatch.analysis.conditions import normalize
from codepatch.analysis.flows import FunctionUnit
from codepatch.analysis.project import ProjectFacts
from codepatch.analysis.tiers import Handler
from codepatch.ruleset.names import NameTable

MAX_PROOF_DEPTH = 4  # calls followed down to prove an argument constant


class ConstantProof:
    """Proofs over an argument's facts, with the solver's lookups and current summaries."""

    project: ProjectFacts
    universal: NameTable[bool]
    sanitizers: NameTable[str]  # a call's name → the rules it sanitizes for
    load: Callable[[FunctionUnit], dict] | None
    resolve: Callable
    handler_of: Callable[[FunctionUnit], Handler | None]

    def _proven(self, unit: FunctionUnit, facts: dict | None, rule_id: str, depth: int = 0) -> bool:
        """Whether an argument (or a call's input, `depth` calls down) holds no text but constants:
        folded in its module, a module global or class attribute only ever bound to a constant, the
        result of a call on constants alone (`str(5)`), of a sanitizer (universal, or the rule's own:
        a query builder's statement for SQL), or of a project function that only returns constants. Without an argument's facts, nothing is claimed (the flow decides)."""
        if facts is None or "c" in facts:
            return True
        return all(self._atom_proven(unit, kind, ref, rule_id, depth) for kind, ref, _ in facts.get("v", ()))

    def _atom_proven(self, unit: FunctionUnit, kind: str, ref: object, rule_id: str, depth: int) -> bool:
        if kind == "q":
            return normalize(ref) in self.project.constants
        if kind == "p":  # a handler's converted parameter (`<int:id>`) is a number
            handler = self.handler_of(unit)
            return handler is not None and ref < len(unit.params) and unit.params[ref] in handler.typed
        if kind != "c" or depth >= MAX_PROOF_DEPTH or not unit.data or ref >= len(unit.data["calls"]):
            return False
        call = unit.data["calls"][ref]
        callee, target, bound, _ = self.resolve(call["callee"], unit.key)
        if target is not None:
            return self._returns_proven(unit, target, bound, call, rule_id, depth)
        if self.universal.match(normalize(callee), call["meth"]) or \
                rule_id in self.sanitizers.match(normalize(callee), call["meth"]):
            return True
        inputs = [*call["args"], *call["kw"].values()]
        return "recv" not in call and "star" not in call and bool(inputs) and \
            all(self._proven(unit, a, rule_id, depth + 1) for a in inputs)

    def _returns_proven(self, unit: FunctionUnit, target: FunctionUnit, bound: bool, call: dict, rule_id: str,
                        depth: int) -> bool:
        """A project function's result is constant when it returns only constants, or only its
        parameters' values and those arguments are."""
        if target.facts(self.load).get("rconst"):
            return True
        ret = target.summary.ret
        if not ret or any(key[0] != "p" for key in ret):
            return False
        offset = 1 if bound else 0
        arguments = {i + offset: a for i, a in enumerate(call["args"])}
        arguments.update((target.params.index(k), a) for k, a in call["kw"].items() if k in target.params)
        return all(key[1] in arguments and self._proven(unit, arguments[key[1]], rule_id, depth + 1) for key in ret)
