"""Project predicates: what a project function has checked of its parameters when its result is
true, so that `if not is_local_url(next_url): next_url = "/"` validates `next_url` as the checks
inside `is_local_url` would, whatever the function is called.

The per-file stage records, for each parameter, the check kinds (guards.py) it holds on every path
that returns a value which can be true (`pred` in the function's facts): the checks made before the
return and those of the returned condition itself (`return parts.hostname in ALLOWED`). A call of a
function in a condition checks its arguments with a `PASSES` kind naming the function and the
argument's position; the global stage reads the callee's `pred` to learn which sinks that covers.
A call made as a statement checks by its name alone (`validate_url(url)` raises when it fails).
"""

from __future__ import annotations

import re
import sys

import tree_sitter

from codepatch.facts.schema import CallFacts
from codepatch.facts.scope import text

PASSES = "codepatch.guards.passes"  # the synthetic call a predicate's check stands for
GUARD_KINDS = "codepatch.guards."  # the prefix of the check kinds a guard records
# Builtins and the standard library are no project predicates (`isinstance`, `os.path.isfile`).
LIBRARY_ROOTS = frozenset(sys.stdlib_module_names) | {"builtins"}
# A call made as a statement whose name says it checks a value raises when the value is bad
# (`validate_savepoint_name(name)`, `check_filename(name)`): after it, the value is checked.
RAISING_CHECK = re.compile(r"(validate|check|ensure|verify)_\w*(url|host|path|name|identifier|filename|id)\w*")

Kinds = frozenset[str]


def passes_kind(predicate: str, position: int | str) -> str:
    return f"{PASSES}:{predicate}:{position}"


def passed(kind: str) -> tuple[str, int | str] | None:
    """(predicate, position of the argument checked) of a `PASSES` kind; None for other kinds."""
    if not kind.startswith(PASSES + ":"):
        return None
    predicate, _, position = kind[len(PASSES) + 1:].rpartition(":")
    return predicate, int(position) if position.isdigit() else position


def predicate_checks(call: tree_sitter.Node, resolve) -> frozenset[tuple[str, str]]:
    """The names a call of a (possibly project) function checks when it returns true."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    qualified = resolve(function) if function is not None else None
    if not qualified or "." not in qualified or arguments is None \
            or qualified.split(".", 1)[0] in LIBRARY_ROOTS:
        return frozenset()
    checks, position = set(), 0
    for argument in arguments.named_children:
        if argument.type == "keyword_argument":
            value = argument.child_by_field_name("value")
            if value is not None and value.type == "identifier":
                checks.add((text(value), passes_kind(qualified, text(argument.child_by_field_name("name")))))
            continue
        if argument.type in ("list_splat", "dictionary_splat"):
            break  # positions after a splat are unknown
        if argument.type == "identifier" and text(argument) != "self":
            checks.add((text(argument), passes_kind(qualified, position)))
        position += 1
    return frozenset(checks)


def raising_check(call: tree_sitter.Node, resolve) -> frozenset[tuple[str, str]]:
    """The names a checking call made as a statement validates (see RAISING_CHECK)."""
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    qualified = resolve(function) if function is not None else None
    if not qualified or arguments is None or not RAISING_CHECK.fullmatch(qualified.rsplit(".", 1)[-1].lstrip("_")):
        return frozenset()
    return frozenset((text(a), "") for a in arguments.named_children if a.type == "identifier")


def held_kinds(value: list, calls: list[CallFacts]) -> tuple[Kinds, list]:
    """The check kinds a value (as JSON) holds, and the value they were made on: the synthetic
    check records (environment._checked) peeled off one by one."""
    kinds: set[str] = set()
    while len(value) == 1 and value[0][0] == "c" and value[0][1] < len(calls):
        record = calls[value[0][1]]
        callee = record.get("callee") or ""
        if not callee.startswith(GUARD_KINDS) or callee == PASSES or not record["args"]:
            break
        kinds.add(callee)
        value = record["args"][0]["v"]
    return frozenset(kinds), value


def parameter_kinds(value: list, index: int, calls: list[CallFacts]) -> Kinds:
    """The check kinds parameter `index` holds where its binding is `value`: "" when a check
    cleared it for every sink."""
    if not value:
        return frozenset({""})
    kinds, base = held_kinds(value, calls)
    return kinds if len(base) == 1 and base[0][0] == "p" and base[0][1] == index else frozenset()


def meet(held: dict[int, Kinds] | None, here: dict[int, Kinds]) -> dict[int, Kinds]:
    """The checks held on every path: "" (every sink) gives way to a named kind."""
    if held is None:
        return {i: kinds for i, kinds in here.items() if kinds}
    met = {}
    for i, kinds in held.items():
        other = here.get(i, frozenset())
        both = other if "" in kinds else kinds if "" in other else kinds & other
        if both:
            met[i] = both
    return met
