"""`bound_literal:` patterns: a string literal passed by position to a parameter of a function or
method defined in the same module (`User.register_user("admin", "pass1")` with `def
register_user(username, password, ...)`). The parameter is the `name` capture, the literal the
`value` capture and the reported `match`; conditions test them as they do a query's captures."""

from __future__ import annotations

import functools

import tree_sitter

from codepatch.analysis.conditions import APPLIES, verdict
from codepatch.analysis.patterns import (
    CompiledPatterns,
    capture_holds,
    context_of,
    pattern_dismissal,
    pattern_hit,
)
from codepatch.files.parse import PY_LANGUAGE

DEFINITIONS = tree_sitter.Query(PY_LANGUAGE,
                                "(function_definition name: (identifier) @name parameters: (parameters) @parameters)")
CALLS = tree_sitter.Query(PY_LANGUAGE, """
(call function: (identifier) @function arguments: (argument_list) @arguments)
(call function: (attribute attribute: (identifier) @function) arguments: (argument_list) @arguments)
""")
POSITIONAL = frozenset({"identifier", "typed_parameter", "default_parameter", "typed_default_parameter"})
RECEIVERS = ("self", "cls")


def match_bound_literals(patterns: CompiledPatterns, root: tree_sitter.Node, module: str,
                         dismissed: list[dict]) -> list[dict]:
    """Hits of the rule set's `bound_literal:` patterns in one module (see the module docstring)."""
    if not patterns.bound_specs:
        return []
    named = _named_parameters(root, patterns.bound_specs)
    if not named:
        return []
    hits = []
    for _, captures in tree_sitter.QueryCursor(CALLS).matches(root):
        function, arguments = captures["function"][0], captures["arguments"][0]
        for parameters in named.get(function.text, ()):
            offset = 1 if parameters[:1] and parameters[0].text in (b"self", b"cls") else 0
            if offset and function.parent.type != "attribute":
                continue  # `run(...)` does not call a method
            for index, argument in enumerate(arguments.named_children):
                if argument.type in ("keyword_argument", "list_splat", "dictionary_splat"):
                    break
                if argument.type != "string" or index + offset >= len(parameters):
                    continue
                bound = {"name": [parameters[index + offset]], "value": [argument], "match": [argument]}
                for rule, spec in patterns.bound_specs:
                    context = functools.cache(lambda node=argument: context_of(node, module))
                    why = verdict(spec.when, spec.unless, lambda c: capture_holds(c, bound, context))
                    line, column = argument.start_point[0] + 1, argument.start_point[1]
                    if why == APPLIES:
                        hits.append(pattern_hit(rule, line, column, argument.end_point[0] + 1, argument.end_point[1],
                                                False))
                    elif why:
                        dismissed.append(pattern_dismissal(rule, line, why))
    return hits


def _named_parameters(root: tree_sitter.Node, specs) -> dict[bytes, list[list[tree_sitter.Node]]]:
    """Function name → the positional parameter lists of its definitions in this module, for those
    with a parameter some pattern's `name` conditions accept."""
    found: dict[bytes, list[list[tree_sitter.Node]]] = {}
    for _, captures in tree_sitter.QueryCursor(DEFINITIONS).matches(root):
        parameters = [p if p.type == "identifier" else p.named_children[0]
                      for p in captures["parameters"][0].named_children
                      if p.type in POSITIONAL and (p.type == "identifier" or p.named_children)]
        name_conditions = [[c for c in spec.when if c.get("capture") == "name"] for _, spec in specs]
        if any(all(capture_holds(c, {"name": [p]}, str) for c in conditions)
               for p in parameters for conditions in name_conditions):
            found.setdefault(captures["name"][0].text, []).append(parameters)
    return found
