"""Validation guards: conditions after which a variable holds a checked value.

`if name not in ALLOWED: abort()` or `if not name.isalnum(): return` leave `name` validated on
the path that continues. `names_checked(cond)` gives the names validated when the condition is
true and when it is false.
"""

from __future__ import annotations

import tree_sitter

from codepatch.facts.scope import text

CHECK_METHODS = frozenset({"isalnum", "isdigit", "isdecimal", "isnumeric", "isalpha", "isidentifier",
                           "isascii", "startswith", "is_relative_to", "fullmatch"})
CHECK_FUNCTIONS = frozenset({"isinstance", "re.fullmatch", "re.match", "url_has_allowed_host_and_scheme",
                             "is_safe_url", "os.path.commonpath"})
TERMINATORS = frozenset({"return_statement", "raise_statement", "continue_statement", "break_statement"})
TERMINATING_CALLS = frozenset({"abort", "sys.exit", "exit", "flask.abort", "os._exit"})

Checked = tuple[frozenset[str], frozenset[str]]
NONE: Checked = (frozenset(), frozenset())


def names_checked(cond: tree_sitter.Node, resolve) -> Checked:
    """(names validated if `cond` is true, names validated if it is false)."""
    kind = cond.type
    if kind == "parenthesized_expression" and cond.named_children:
        return names_checked(cond.named_children[0], resolve)
    if kind == "not_operator":
        when_true, when_false = names_checked(cond.child_by_field_name("argument"), resolve)
        return when_false, when_true
    if kind == "boolean_operator":
        left = names_checked(cond.child_by_field_name("left"), resolve)
        right = names_checked(cond.child_by_field_name("right"), resolve)
        if text(cond.child_by_field_name("operator")) == "and":
            return left[0] | right[0], left[1] & right[1]
        return left[0] & right[0], left[1] | right[1]
    if kind == "comparison_operator":
        return _comparison(cond)
    if kind == "call":
        return _check_call(cond, resolve), frozenset()
    return NONE


def _comparison(cond: tree_sitter.Node) -> Checked:
    operands = cond.named_children
    operators = [text(c) for c in cond.children if not c.is_named]
    if len(operands) != 2 or operands[0].type != "identifier":
        return NONE
    name = frozenset({text(operands[0])})
    op = " ".join(operators)
    if op == "in" or (op == "==" and operands[1].type in ("string", "integer")):
        return name, frozenset()
    if op == "not in" or (op == "!=" and operands[1].type in ("string", "integer")):
        return frozenset(), name
    return NONE


def _check_call(call: tree_sitter.Node, resolve) -> frozenset[str]:
    function = call.child_by_field_name("function")
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "keyword_argument"] \
        if call.child_by_field_name("arguments") is not None else []
    if function is None:
        return frozenset()
    if function.type == "attribute":
        receiver = function.child_by_field_name("object")
        method = text(function.child_by_field_name("attribute"))
        if method in CHECK_METHODS and receiver.type == "identifier" and method != "fullmatch":
            return frozenset({text(receiver)})
        if method in ("fullmatch", "match") and args and args[-1].type == "identifier":
            return frozenset({text(args[-1])})
    qualified = resolve(function)
    if qualified in CHECK_FUNCTIONS or (qualified and qualified.rsplit(".", 1)[-1] in CHECK_FUNCTIONS):
        idents = [text(a) for a in args if a.type == "identifier"]
        if qualified == "isinstance":
            return frozenset(idents[:1])
        return frozenset(idents[-1:] if qualified in ("re.fullmatch", "re.match") else idents)
    return frozenset()


def terminates(block: tree_sitter.Node | None, resolve) -> bool:
    """Whether a block always leaves the enclosing flow (return, raise, abort(), ...)."""
    if block is None or not block.named_children:
        return False
    last = block.named_children[-1]
    if last.type in TERMINATORS:
        return True
    if last.type == "expression_statement" and last.named_children and last.named_children[0].type == "call":
        return resolve(last.named_children[0].child_by_field_name("function")) in TERMINATING_CALLS
    return False
