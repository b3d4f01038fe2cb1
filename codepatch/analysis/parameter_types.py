"""What a project function's parameter holds, from what its callers pass it.

`save_upload(request.files["doc"])` calling `def save_upload(file): file.save(path)` makes `file`
a `flask.request.files[]` item, so `file.save` is the upload's `save` (a path-traversal sink), as
it is where the upload is read. Callers that pass the parameter on (`def handle(request):
save_upload(request.files["doc"])`) pass what they were passed. A parameter given different
things by different callers has no type; one given something unnamed by some caller keeps the
type the others agree on: rules match names, and an object of another class does not have the
same methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from codepatch.analysis.flows import FunctionUnit

ROUNDS = 4  # how far a type is passed on through parameters (`handler → helper → helper`)
Resolve = Callable[[str, str], tuple]  # TaintSolver.resolve: (callee, within) → (name, unit, bound, probes)


def parameter_types(units: Iterable[FunctionUnit], resolve: Resolve) -> dict[str, str]:
    """`function key:parameter` → the qualified name of what its callers pass it."""
    passed: dict[str, set[tuple[str, str]]] = {}  # parameter → (caller key, name passed)
    for unit in units:
        for callee, at, qn in unit.passes:
            _, target, bound, _ = resolve(callee, unit.key)
            if target is None:
                continue
            index = target.parameter_at(at, bound)
            if index is not None:
                passed.setdefault(f"{target.key}:{target.params[index]}", set()).add((unit.key, qn))
    types: dict[str, str] = {}
    for _ in range(ROUNDS):
        now = {}
        for parameter, sources in passed.items():
            names = {_through(types, caller, qn) for caller, qn in sources}
            if len(names) == 1:
                now[parameter] = names.pop()
        if now == types:
            break
        types = now
    # A parameter passed on from a caller that itself knows nothing (`$value`) holds nothing known.
    return {parameter: qn for parameter, qn in types.items() if not qn.startswith("$")}


def typed_name(types: dict[str, str], unit: FunctionUnit, name: str) -> str | None:
    """`$file.save` in `unit` as what its parameter `file` holds (`flask.request.files[].save`)."""
    typed = _through(types, unit.key, name)
    return typed if typed != name else None


def _through(types: dict[str, str], function: str, qn: str) -> str:
    """`qn` with its leading parameter (`$file`) replaced by what that parameter of `function` holds."""
    if not qn.startswith("$"):
        return qn
    head, dot, rest = qn[1:].partition(".")
    held = types.get(f"{function}:{head}")
    return f"{held}{dot}{rest}" if held else qn
