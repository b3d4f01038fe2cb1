"""`bound_literal:` patterns: a string literal bound to a named slot. Either passed by position to a
parameter of a function, method or class defined in the same module (`User.register_user("admin",
"pass1")` with `def register_user(username, password, ...)`; `User(1, "admin", "pw")` with its
`__init__`): the parameter is the `name` capture, the literal the `value` capture and the reported
`match`. Or a quoted value of a row an SQL INSERT string adds (see sql_rows.py): the column is the
`name`, the value the `value` (both text), the Python string the `match`. Conditions test them as
they do a query's captures."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import tree_sitter

from codepatch.analysis.conditions import APPLIES, verdict
from codepatch.analysis.patterns import (
    CompiledPatterns,
    capture_holds,
    context_of,
    pattern_dismissal,
    pattern_hit,
)
from codepatch.analysis.sql_rows import sql_row_bindings
from codepatch.files.parse import PY_LANGUAGE

DEFINITIONS = tree_sitter.Query(PY_LANGUAGE,
                                "(function_definition name: (identifier) @name parameters: (parameters) @parameters)")
CALLS = tree_sitter.Query(PY_LANGUAGE, """
(call function: (identifier) @function arguments: (argument_list) @arguments)
(call function: (attribute attribute: (identifier) @function) arguments: (argument_list) @arguments)
""")
POSITIONAL = frozenset({"identifier", "typed_parameter", "default_parameter", "typed_default_parameter"})
RECEIVERS = (b"self", b"cls")


def match_bound_literals(patterns: CompiledPatterns, root: tree_sitter.Node, module: str,
                         dismissed: list[dict]) -> list[dict]:
    """Hits of the rule set's `bound_literal:` patterns in one module (see the module docstring)."""
    if not patterns.bound_specs:
        return []
    hits, seen = [], set()
    for name, value, node, lines_in in (*_call_bindings(root, patterns.bound_specs), *sql_row_bindings(root)):
        bound = {"name": [name], "value": [value], "match": [node]}
        context = functools.cache(lambda node=node: context_of(node, module))
        for rule, spec in patterns.bound_specs:
            why = verdict(spec.when, spec.unless, lambda c: capture_holds(c, bound, context))
            line, column = node.start_point[0] + 1 + lines_in, node.start_point[1] if not lines_in else 0
            if why == APPLIES and (rule.id, line, column) not in seen:
                seen.add((rule.id, line, column))
                hits.append(pattern_hit(rule, line, column, node.end_point[0] + 1, node.end_point[1], False))
            elif why:
                dismissed.append(pattern_dismissal(rule, line, why))
    return hits


def _call_bindings(root: tree_sitter.Node, specs) -> Iterator[tuple[tree_sitter.Node, tree_sitter.Node, tree_sitter.Node, int]]:
    """(parameter, literal argument, literal argument, 0: its own first line) for each string literal
    passed by position to a parameter some pattern's `name` conditions accept."""
    named = _named_parameters(root, specs)
    if not named:
        return
    for _, captures in tree_sitter.QueryCursor(CALLS).matches(root):
        function, arguments = captures["function"][0], captures["arguments"][0]
        for owner, parameters in named.get(function.text, ()):
            if not _calls_it(function, owner):
                continue
            offset = 1 if parameters[:1] and parameters[0].text in RECEIVERS else 0
            for index, argument in enumerate(arguments.named_children):
                if argument.type in ("keyword_argument", "list_splat", "dictionary_splat"):
                    break
                if argument.type == "string" and index + offset < len(parameters):
                    yield parameters[index + offset], argument, argument, 0


def _calls_it(function: tree_sitter.Node, owner: bytes | None) -> bool:
    """Whether a call names the definition: a module function by its name, a method through `self`,
    `cls` or its class (`User.register(...)`); `data.encode(...)` is some other object's method."""
    if function.parent.type != "attribute":
        return owner is None
    receiver = function.parent.child_by_field_name("object")
    return owner is not None and receiver.type == "identifier" and receiver.text in (*RECEIVERS, owner)


def _named_parameters(root: tree_sitter.Node, specs) -> dict[bytes, list[tuple[bytes | None, list[tree_sitter.Node]]]]:
    """Function name → (its class, its positional parameters) for each definition in this module
    with a parameter some pattern's `name` conditions accept."""
    found: dict[bytes, list[tuple[bytes | None, list[tree_sitter.Node]]]] = {}
    name_conditions = [[c for c in spec.when if c.get("capture") == "name"] for _, spec in specs]
    for _, captures in tree_sitter.QueryCursor(DEFINITIONS).matches(root):
        parameters = [p if p.type == "identifier" else p.named_children[0]
                      for p in captures["parameters"][0].named_children
                      if p.type in POSITIONAL and (p.type == "identifier" or p.named_children)]
        if any(all(capture_holds(c, {"name": [p]}, lambda: "") for c in conditions)
               for p in parameters for conditions in name_conditions):
            definition = captures["name"][0].parent
            body = definition.parent.parent if definition.parent.type == "decorated_definition" else definition.parent
            owner = body.parent.child_by_field_name("name").text \
                if body.type == "block" and body.parent.type == "class_definition" else None
            found.setdefault(captures["name"][0].text, []).append((owner, parameters))
            if owner is not None and captures["name"][0].text == b"__init__":  # `User(1, "admin", "pw")`
                found.setdefault(owner, []).append((None, parameters))
    return found
