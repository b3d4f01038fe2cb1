"""Handler patterns: a web route that reads a credential but reaches a dangerous sink before it
checks that credential (missing authentication, CWE-306).

The order matters, so this works on the tree of each route handler, statement by statement:
credential reads (`token = request.headers.get("X-Api-Key")`), checks (a condition, assert or
verification call that uses the credential) and sink calls (the sinks of the rules named in
`sink_rules`). A sink reached before the first check is reported. Handlers protected by an
authentication decorator (`@login_required`) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from codepatch.analysis.conditions import normalize
from codepatch.facts.scope import ModuleScope, text
from codepatch.files.parse import PY_LANGUAGE
from codepatch.ruleset.model import Rule, RuleSet
from codepatch.ruleset.names import NameTable

# A project's own decorators named for what they check (`@requires_auth`); the frameworks' own are
# in their models (`auth_decorators`).
AUTH_DECORATOR_NAME = re.compile(r"(?i)login_required|auth|permission|jwt_required|token_required|protected")
CHECK_CALL = re.compile(r"(?i)auth|verif|check|valid|login|permi|compare|decode|token")
CONDITIONS = frozenset({"if_statement", "elif_clause", "while_statement", "assert_statement",
                        "conditional_expression"})
DECORATED_FUNCTIONS = tree_sitter.Query(PY_LANGUAGE,
                                        "(decorated_definition definition: (function_definition) @definition) @decorated")


@dataclass(frozen=True)
class HandlerSpec:
    rule: Rule
    credential: re.Pattern
    sinks: NameTable

def handler_specs(ruleset: RuleSet) -> list[HandlerSpec]:
    """The handler patterns of the rule set, with the sinks of the rules they name."""
    rules = ruleset.by_id()
    specs = []
    for rule in ruleset.rules:
        for pattern in rule.patterns:
            if pattern.handler:
                # A rule that the configuration turned off lends no sinks.
                sinks: NameTable = NameTable((s.call, True) for rid in pattern.handler["sink_rules"] if rid in rules
                                             for s in rules[rid].sinks if s.call)
                specs.append(HandlerSpec(rule, re.compile(pattern.handler["credential"]), sinks))
    return specs


def match_handlers(specs: tuple[HandlerSpec, ...], root: tree_sitter.Node, scope: ModuleScope,
                   ruleset: RuleSet) -> list[dict]:
    if not specs:
        return []
    hits = []
    for definition in _route_handlers(root, ruleset):
        for spec in specs:
            sink = _unchecked_sink(definition, spec, scope)
            if sink is not None:
                hits.append({"rule": spec.rule.id, "line": sink.start_point[0] + 1, "col": sink.start_point[1],
                             "eline": sink.end_point[0] + 1, "ecol": sink.end_point[1]})
    return hits


def _route_handlers(root: tree_sitter.Node, ruleset: RuleSet) -> list[tree_sitter.Node]:
    handlers = []
    for _, captures in tree_sitter.QueryCursor(DECORATED_FUNCTIONS).matches(root):  # found in C, not walked
        node, definition = captures["decorated"][0], captures["definition"][0]
        names = [_decorator_name(d) for d in node.named_children if d.type == "decorator"]
        is_route = any(ruleset.is_route(n) for n in names)
        if is_route and not any(AUTH_DECORATOR_NAME.search(n) or ruleset.auth_decorators.match(n) for n in names):
            handlers.append(definition)
    return handlers


def _decorator_name(decorator: tree_sitter.Node) -> str:
    expression = decorator.named_children[0] if decorator.named_children else decorator
    if expression.type == "call":
        expression = expression.child_by_field_name("function")
    return text(expression)


def _unchecked_sink(definition: tree_sitter.Node, spec: HandlerSpec, scope: ModuleScope) -> tree_sitter.Node | None:
    credentials: set[str] = set()
    for node in _in_order(definition.child_by_field_name("body")):
        if node.type == "assignment":
            name = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if name is not None and name.type == "identifier" and right is not None and _reads_credential(right, spec):
                credentials.add(text(name))
        elif credentials and _checks(node, credentials):
            return None
        elif node.type == "call" and credentials and _is_sink(node, spec, scope) and not _looks_up(node):
            return node
    return None


def _looks_up(call: tree_sitter.Node) -> bool:
    """A query that only reads (`execute("SELECT ... WHERE username = ?", (name,))`): a login looks
    the account up before it checks the password, and acts on nothing."""
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    while first is not None and first.type in ("concatenated_string", "parenthesized_expression") and first.named_children:
        first = first.named_children[0]
    return first is not None and first.type == "string" and \
        text(first).lstrip("rbfuRBFU").strip("'\" \n\t").upper().startswith("SELECT ")


def _in_order(body: tree_sitter.Node | None):
    """Nodes of a function body in source order, without entering nested functions or classes."""
    if body is None:
        return
    stack = [body]
    while stack:
        node = stack.pop()
        yield node
        if node.type not in ("function_definition", "class_definition", "lambda"):
            stack.extend(reversed(node.named_children))


def _reads_credential(expression: tree_sitter.Node, spec: HandlerSpec) -> bool:
    source = text(expression)
    if "request" not in source:
        return False
    for node in _in_order(expression):
        if node.type == "string" and spec.credential.search(text(node).strip("'\"bfrBFR")):
            return True
    return False


def _uses(node: tree_sitter.Node | None, names: set[str]) -> bool:
    return node is not None and any(n.type == "identifier" and text(n) in names for n in _in_order(node))


def _checks(node: tree_sitter.Node, credentials: set[str]) -> bool:
    if node.type in CONDITIONS:
        condition = node.child_by_field_name("condition") or (node.named_children[0] if node.named_children else None)
        return _uses(condition, credentials)
    if node.type == "call":
        function = node.child_by_field_name("function")
        return function is not None and bool(CHECK_CALL.search(text(function))) and \
            _uses(node.child_by_field_name("arguments"), credentials)
    return False


def _is_sink(call: tree_sitter.Node, spec: HandlerSpec, scope: ModuleScope) -> bool:
    function = call.child_by_field_name("function")
    if function is None:
        return False
    method = text(function.child_by_field_name("attribute")) if function.type == "attribute" else None
    return bool(spec.sinks.match(normalize(_qualified(function, scope)), method))


def _qualified(node: tree_sitter.Node, scope: ModuleScope) -> str | None:
    if node.type == "identifier":
        return scope.lookup(text(node))
    if node.type == "attribute":
        base = _qualified(node.child_by_field_name("object"), scope)
        return f"{base}.{text(node.child_by_field_name('attribute'))}" if base else None
    return None
