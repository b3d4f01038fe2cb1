"""Checks of the characters a value holds: a value known not to contain `..`, a quote or a
backslash (`if ".." in name: abort()`, `any(ch in url for ch in UNSAFE_CHARACTERS)`), or known to be a
quoted string literal, is safe for the sinks whose rules list that kind as a sanitizer."""

from __future__ import annotations

import re
import string

import tree_sitter

from codepatch.facts.scope import text

# Rejecting `..` confines a relative file name, and nothing else.
PATH_CHECKED = "codepatch.guards.rejects_parent_dir"
# Rejecting quotes keeps a value inside the quoted literal it is put into (XPath, SQL strings).
QUOTE_CHECKED = "codepatch.guards.rejects_quotes"
# A value that starts and ends with a quote and holds no quote between is a string literal:
# `eval` of it gives that string.
QUOTED_LITERAL = "codepatch.guards.quoted_literal"
# Rejecting a backslash: with no host (guards.HOSTLESS), a URL is a path on this site.
BACKSLASH_CHECKED = "codepatch.guards.rejects_backslash"
# `re.sub(r"[^A-Za-z0-9_-]", "", name)`: what is left holds letters, digits, `_`, `-` and `.` only,
# no separator, quote or metacharacter: text no sink can be steered by.
WORD_CHARACTERS = "codepatch.guards.word_characters"
HARMLESS = frozenset(string.ascii_letters + string.digits + "_-.")
NEGATED_CLASS = re.compile(r"\[\^(?:[^\]\\]|\\.)+\][+*]?")
# `any(c in x for c in ...)` is true when `x` holds one of the items; `all(c not in x ...)` when it holds none.
ITEM_TESTS = {"any": "in", "all": "not in"}

Checked = tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]


def quoted_literal_check(cond: tree_sitter.Node) -> Checked | None:
    """`x.startswith("'") and x.endswith("'") and "'" not in x[1:-1]` (or its negation joined by
    `or`): true (false) leaves `x` a quoted string literal."""
    operator = text(cond.child_by_field_name("operator"))
    terms = _flattened(cond, operator)
    negated = operator == "or"
    found: dict[str, set[str]] = {}
    for term in terms:
        if negated and term.type == "not_operator":
            term = term.child_by_field_name("argument")
        elif negated and term.type != "comparison_operator":
            return None
        shape = _literal_term(term, negated)
        if shape is None:
            return None
        found.setdefault(shape[0], set()).add(shape[1])
    names = frozenset((name, QUOTED_LITERAL) for name, parts in found.items()
                      if parts == {"starts", "ends", "inside"})
    if not names:
        return None
    return (frozenset(), names) if negated else (names, frozenset())


def _flattened(cond: tree_sitter.Node, operator: str) -> list[tree_sitter.Node]:
    while cond.type == "parenthesized_expression" and cond.named_children:
        cond = cond.named_children[0]
    if cond.type == "boolean_operator" and text(cond.child_by_field_name("operator")) == operator:
        return _flattened(cond.child_by_field_name("left"), operator) + \
            _flattened(cond.child_by_field_name("right"), operator)
    return [cond]


def _literal_term(term: tree_sitter.Node, negated: bool) -> tuple[str, str] | None:
    """(name, which part) for `name.startswith(Q)`, `name.endswith(Q)`, or `Q not in name[1:-1]`
    (`Q in name[1:-1]` when `negated`), Q a quote."""
    if term.type == "call":
        function = term.child_by_field_name("function")
        args = term.child_by_field_name("arguments")
        if function is None or function.type != "attribute" or args is None or len(args.named_children) != 1:
            return None
        receiver, method = function.child_by_field_name("object"), text(function.child_by_field_name("attribute"))
        if receiver.type == "identifier" and method in ("startswith", "endswith") and _is_quote(args.named_children[0]):
            return text(receiver), "starts" if method == "startswith" else "ends"
        return None
    if term.type == "comparison_operator" and len(term.named_children) == 2:
        quote, inside = term.named_children
        op = " ".join(text(c) for c in term.children if not c.is_named)
        if op == ("in" if negated else "not in") and _is_quote(quote) and inside.type == "subscript" \
                and inside.child_by_field_name("value").type == "identifier" \
                and text(inside).replace(" ", "").endswith("[1:-1]"):
            return text(inside.child_by_field_name("value")), "inside"
    return None


def _is_quote(node: tree_sitter.Node) -> bool:
    return node.type == "string" and text(node).lstrip("rbuRBU")[1:-1] in ("'", '"', "\\'", '\\"')


def rejected_kind(value: object) -> str | None:
    """Which sinks a value is safe for once it is known not to contain `value` (a string)."""
    if not isinstance(value, str):
        return None
    if ".." in value:
        return PATH_CHECKED
    if value in ("'", '"'):
        return QUOTE_CHECKED
    return BACKSLASH_CHECKED if value == "\\" else None


def rejected_items(call: tree_sitter.Node, constant) -> Checked | None:
    r"""`any(ch in url for ch in "\\\t\r\n")`, `any(p in name for p in ("..", "~"))` (true: `url`
    holds one of the items) or `all(... not in ...)` (true: it holds none): what each item rejects.
    `constant`: the constant a node holds (a literal, or a name bound to one)."""
    function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
    test = ITEM_TESTS.get(text(function)) if function is not None else None
    if test is None or arguments is None or arguments.type != "generator_expression":
        return None
    body = arguments.child_by_field_name("body")
    clauses = [c for c in arguments.named_children if c.type in ("for_in_clause", "if_clause")]
    if body is None or body.type != "comparison_operator" or len(body.named_children) != 2 \
            or len(clauses) != 1 or clauses[0].type != "for_in_clause":
        return None
    item, subject = body.named_children
    variable, items = clauses[0].child_by_field_name("left"), clauses[0].child_by_field_name("right")
    op = " ".join(text(c) for c in body.children if not c.is_named)
    if op != test or subject.type != "identifier" or variable is None or items is None or text(item) != text(variable):
        return None
    known = constant(items)
    kinds = {rejected_kind(one) for one in known} if isinstance(known, (str, tuple, list, frozenset, set)) else set()
    names = frozenset((text(subject), kind) for kind in kinds if kind)
    if not names:
        return None
    return (frozenset(), names) if test == "in" else (names, frozenset())


def keeps_harmless_characters(pattern: object, replacement: object) -> bool:
    """Whether `re.sub(pattern, replacement, x)` leaves only harmless characters: the pattern is
    one negated character class (`[^a-z0-9_.-]+`) that removes every other ASCII character, and the
    replacement is made of harmless ones."""
    if not isinstance(pattern, str) or not isinstance(replacement, str) or not NEGATED_CLASS.fullmatch(pattern):
        return False
    try:
        removed = re.compile(pattern)
    except re.error:
        return False
    kept = {c for c in map(chr, range(128)) if not removed.fullmatch(c)}
    return kept <= HARMLESS and set(replacement) <= HARMLESS

