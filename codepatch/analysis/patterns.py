"""Pattern rules, evaluated per file: calls by qualified name, and tree-sitter queries.

Call patterns use the per-file facts (callee resolved through imports, argument constants and
qualified names propagated through local variables). Query patterns run as one combined
tree-sitter query per file; the node captured as `@match` is what gets reported.

A `context` condition sees what the code itself says around a hit: the identifiers and short
word-like string literals of the enclosing statement (and of the next statements that use the
name it assigns), then the qualified name of the enclosing function. Comments and prose strings
are left out, so a comment such as `# checksum only, safe` cannot talk a rule out of a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from codepatch.analysis.conditions import APPLIES, holds, normalize, verdict
from codepatch.analysis.handlers import HandlerSpec, handler_specs
from codepatch.facts.scope import enclosing_statement
from codepatch.files.parse import PY_LANGUAGE
from codepatch.ruleset.model import PatternSpec, Rule, RuleSet, SinkSpec
from codepatch.ruleset.names import NameTable

DEFINITIONS = ("function_definition", "class_definition")
# Where a condition decides whether a branch runs (`x if cond else y` has no field names: its
# condition is its second part).
BRANCHING = frozenset({"if_statement", "elif_clause", "else_clause", "while_statement", "conditional_expression"})
WORD_LITERAL = re.compile(r"[\w.:/-]{1,64}")  # a key or a name ("session_token"), not prose
LITERALS = frozenset({"string", "concatenated_string", "integer", "float", "true", "false", "none"})
MAX_FOLLOWING = 20  # statements searched for uses of an assigned name
MAX_USES = 6
VALUE_HOPS = 2  # assignments followed from the hit: `h = md5()`, then `digest = h.digest()`


@dataclass(frozen=True)
class CompiledPatterns:
    calls: NameTable
    query: tree_sitter.Query | None
    query_specs: tuple[tuple[Rule, PatternSpec, bool], ...]  # by pattern index: rule, spec, needs context
    handlers: tuple[HandlerSpec, ...] = ()
    bound_specs: tuple[tuple[Rule, PatternSpec], ...] = ()  # `bound_literal:` patterns (bound_literals.py)
    # Taint sinks with `context`/`branch` conditions: their calls keep those words in the facts.
    worded_sinks: NameTable = NameTable()


_COMPILED: dict[str, CompiledPatterns] = {}


def compile_patterns(ruleset: RuleSet) -> CompiledPatterns:
    """The rule set's patterns, compiled once per process and rule-set version."""
    if ruleset.version not in _COMPILED:
        _COMPILED[ruleset.version] = _compile(ruleset)
    return _COMPILED[ruleset.version]


def _compile(ruleset: RuleSet) -> CompiledPatterns:
    calls: NameTable = NameTable()
    texts: list[str] = []
    specs: list[tuple[Rule, PatternSpec, bool]] = []
    bound: list[tuple[Rule, PatternSpec]] = []
    for rule in ruleset.rules:
        for spec in rule.patterns:
            if spec.bound_literal:
                bound.append((rule, spec))
            elif spec.call:
                calls.add(spec.call, (rule, spec))
            elif spec.query:
                count = tree_sitter.Query(PY_LANGUAGE, spec.query).pattern_count
                texts.append(spec.query)
                specs.extend([(rule, spec, _needs_context(spec))] * count)
    query = tree_sitter.Query(PY_LANGUAGE, "\n".join(texts)) if texts else None
    worded: NameTable = NameTable((sink.call, rule) for rule in ruleset.rules for sink in rule.sinks
                                  if sink.call and _needs_context(sink))
    return CompiledPatterns(calls, query, tuple(specs), tuple(handler_specs(ruleset)), tuple(bound), worded)


def literal_text(node: tree_sitter.Node) -> str:
    """A string literal's text without quotes and prefix; any other node's source text."""
    if node.type == "string":
        return "".join(c.text.decode("utf-8", "replace") for c in node.named_children
                       if c.type in ("string_content", "escape_sequence"))
    return node.text.decode("utf-8", "replace")


def _is_literal(node: tree_sitter.Node) -> bool:
    """A constant written in the source: a string without interpolation, a number, True/False/None."""
    if node.type == "concatenated_string":
        return all(_is_literal(c) for c in node.named_children)
    return node.type in LITERALS and not any(c.type == "interpolation" for c in node.named_children)


def context_of(node: tree_sitter.Node, module: str) -> str:
    """The words of the statement around `node` and of where its value goes: the later statements
    that use the name it assigns, and theirs in turn (`h = md5()` ... `digest = h.digest()` ...
    `headers["ETag"] = digest`), with the statement that made the object such a use writes into
    (`out = open("passwords.txt")` for `out.write(digest)`); a newline, then the enclosing
    `module.Class.function`."""
    statement = enclosing_statement(node)
    words = _words(statement)
    names = [(statement, _assigned_name(statement))]
    for _ in range(VALUE_HOPS):
        following = []
        for assigned_at, name in names:
            if name is None:
                continue
            for use in _later_uses(assigned_at, name):
                used_in = enclosing_statement(use)
                words.extend(_words(used_in))
                following.append((used_in, _assigned_name(used_in)))
                receiver = _written_receiver(used_in)
                made = _assignment_before(used_in, receiver) if receiver not in (None, name) else None
                if made is not None:
                    words.extend(_words(made))
        names = following
    return " ".join(words) + "\n" + _scope_name(node, module)


def branch_of(node: tree_sitter.Node) -> str:
    """The words of the conditions that decide whether `node` runs: of each `if`/`elif`/`while`
    and conditional expression it sits in the branch of, up to its function (`if not
    self.request.validate_cert:` → "self request validate_cert"), and on through a function
    nested in another, which exists only where its `def` ran."""
    words: list[str] = []
    child, parent = node, node.parent
    while parent is not None and (parent.type not in DEFINITIONS or _nested_function(parent)):
        condition = parent.child_by_field_name("condition")
        if parent.type == "conditional_expression" and len(parent.named_children) == 3:
            condition = parent.named_children[1]
        if parent.type == "else_clause" and parent.parent is not None:  # `else:` of an if: its condition decides
            condition = parent.parent.child_by_field_name("condition")
        if condition is not None and condition != child and parent.type in BRANCHING and child.type != "else_clause":
            words.extend(_words(condition))
        child, parent = parent, parent.parent
    return " ".join(words)


def _nested_function(node: tree_sitter.Node) -> bool:
    """Whether a definition is a function defined inside another function's body."""
    if node.type != "function_definition":
        return False
    parent = node.parent
    while parent is not None and parent.type not in DEFINITIONS:
        parent = parent.parent
    return parent is not None and parent.type == "function_definition"


def _written_receiver(statement: tree_sitter.Node) -> str | None:
    """`out` for a statement `out.write(...)` (any method call on a plain name)."""
    call = statement.named_children[0] if statement.type == "expression_statement" and statement.named_children else None
    function = call.child_by_field_name("function") if call is not None and call.type == "call" else None
    target = function.child_by_field_name("object") if function is not None and function.type == "attribute" else None
    return target.text.decode("utf-8", "replace") if target is not None and target.type == "identifier" else None


def _assignment_before(statement: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    """The nearest earlier statement of the same block that assigns `name`."""
    sibling = statement.prev_named_sibling
    for _ in range(MAX_FOLLOWING):
        if sibling is None:
            return None
        if _assigned_name(sibling) == name:
            return sibling
        sibling = sibling.prev_named_sibling
    return None


def _words(statement: tree_sitter.Node) -> list[str]:
    """Identifiers and word-like string literals, in source order; comments and prose are skipped."""
    words: list[str] = []
    stack = [statement]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            words.append(current.text.decode("utf-8", "replace"))
        elif current.type == "string_content":
            literal = current.text.decode("utf-8", "replace")
            if WORD_LITERAL.fullmatch(literal):
                words.append(literal)
        elif current.type != "comment":
            stack.extend(reversed(current.children))
    return words


def _assigned_name(statement: tree_sitter.Node) -> str | None:
    """`name` for a statement `name = ...` (or `name: T = ...`)."""
    assignment = statement.named_children[0] if statement.type == "expression_statement" and \
        statement.named_children else None
    if assignment is None or assignment.type != "assignment":
        return None
    left = assignment.child_by_field_name("left")
    return left.text.decode("utf-8", "replace") if left is not None and left.type == "identifier" else None


def _later_uses(statement: tree_sitter.Node, name: str) -> list[tree_sitter.Node]:
    """Reads of `name` in the statements that follow in the same block (a few, nearest first)."""
    uses: list[tree_sitter.Node] = []
    sibling = statement.next_named_sibling
    for _ in range(MAX_FOLLOWING):
        if sibling is None or len(uses) >= MAX_USES:
            break
        stack = [sibling]
        while stack and len(uses) < MAX_USES:
            current = stack.pop()
            if current.type == "identifier" and current.text.decode("utf-8", "replace") == name:
                uses.append(current)
            elif current.type not in DEFINITIONS:
                stack.extend(reversed(current.named_children))
        sibling = sibling.next_named_sibling
    return uses


def _scope_name(node: tree_sitter.Node, module: str) -> str:
    names: list[str] = []
    parent = node.parent
    while parent is not None:
        if parent.type in DEFINITIONS:
            name = parent.child_by_field_name("name")
            if name is not None:
                names.append(name.text.decode("utf-8", "replace"))
        parent = parent.parent
    return ".".join([module, *reversed(names)] if names else [module, "<module>"])


def _needs_context(spec: PatternSpec | SinkSpec) -> bool:
    return any("context" in c or "branch" in c for c in spec.when + spec.unless + getattr(spec, "low_unless", ()))


def note_sink_words(patterns: CompiledPatterns, functions: list[dict], root: tree_sitter.Node, module: str) -> None:
    """Keep in each call that a taint sink with `context`/`branch` conditions may name the words
    those conditions test (`ctx`, `branch`): the solver, which has no tree, evaluates them there
    (`r = make_response(page)` followed by `r.mimetype = "application/json"` sends no HTML)."""
    if not patterns.worded_sinks:
        return
    for fn in functions:
        for call in fn["calls"]:
            if patterns.worded_sinks.match(normalize(call["callee"]), call["meth"]):
                node = root.descendant_for_point_range((call["line"] - 1, call["col"]), (call["eline"] - 1, call["ecol"]))
                if node is not None:
                    call["ctx"], call["branch"] = context_of(node, module), branch_of(node)


def pattern_hit(rule: Rule, line: int, col: int, eline: int, ecol: int, low: bool) -> dict:
    hit = {"rule": rule.id, "line": line, "col": col, "eline": eline, "ecol": ecol}
    if low:
        hit["low"] = True
    return hit


def pattern_dismissal(rule: Rule, line: int, why: str) -> dict:
    return {"rule": rule.id, "line": line, "why": why}


def match_calls(patterns: CompiledPatterns, functions: list[dict], root: tree_sitter.Node,
                module: str, dismissed: list[dict]) -> list[dict]:
    """Hits of `call:` patterns among the calls recorded in the file's facts; a call a pattern names
    but one of its `unless:` conditions excepts goes to `dismissed`, with why."""
    hits = []
    for fn in functions:
        for call in fn["calls"]:
            for rule, spec in patterns.calls.match(normalize(call["callee"]), call["meth"]):
                context = branch = ""
                if _needs_context(spec):
                    node = root.descendant_for_point_range((call["line"] - 1, call["col"]),
                                                           (call["eline"] - 1, call["ecol"]))
                    context = context_of(node, module) if node is not None else ""
                    branch = branch_of(node) if node is not None else ""
                why = verdict(spec.when, spec.unless, lambda c: holds(c, call, context, branch))
                if why == APPLIES:
                    low = bool(spec.low_unless) and not any(holds(c, call, context, branch) for c in spec.low_unless)
                    hits.append(pattern_hit(rule, call["line"], call["col"], call["eline"], call["ecol"], low))
                elif why:
                    dismissed.append(pattern_dismissal(rule, call["line"], why))
    return hits


def _once(make: Callable[[], str]) -> Callable[[], str]:
    """`make`, computed on the first call only (cheaper than functools.cache for one value)."""
    made: list[str] = []

    def value() -> str:
        if not made:
            made.append(make())
        return made[0]
    return value


def match_queries(patterns: CompiledPatterns, root: tree_sitter.Node, module: str,
                  dismissed: list[dict]) -> list[dict]:
    """Hits of `query:` patterns: the `@match` node of every match whose conditions hold (one that an
    `unless:` condition excepts goes to `dismissed`, with why)."""
    if patterns.query is None:
        return []
    hits = []
    for index, captures in tree_sitter.QueryCursor(patterns.query).matches(root):
        rule, spec, needs_context = patterns.query_specs[index]
        nodes = captures.get("match")
        if not nodes:
            continue
        node = nodes[0]
        # Built only when a condition asks (a pattern on every string must not build it for each).
        context = _once(lambda node=node: context_of(node, module) if needs_context else "")
        branch = _once(lambda node=node: branch_of(node) if needs_context else "")
        why = verdict(spec.when, spec.unless, lambda c: capture_holds(c, captures, context, branch))
        if why == APPLIES:
            low = bool(spec.low_unless) and not any(capture_holds(c, captures, context, branch)
                                                    for c in spec.low_unless)
            hits.append(pattern_hit(rule, node.start_point[0] + 1, node.start_point[1],
                             node.end_point[0] + 1, node.end_point[1], low))
        elif why:
            dismissed.append(pattern_dismissal(rule, node.start_point[0] + 1, why))
    return hits


NO_CALL: dict = {"args": [], "kw": {}}
CAPTURE_KEYS = frozenset({"capture", "is_const", "matches", "missing"})


def capture_holds(condition: dict, captures: dict, context_of_match: Callable[[], str],
                  branch_of_match: Callable[[], str] = str) -> bool:
    """A condition on a capture: its text (string content) is its constant, `is_const` means a literal.
    A capture given as text (a column of an SQL statement, see bound_literals.py) is a literal."""
    context = context_of_match() if "context" in condition else ""
    branch = branch_of_match() if "branch" in condition else ""
    if "capture" not in condition:
        return holds(condition, NO_CALL, context, branch)
    nodes = captures.get(condition["capture"])
    if not nodes:
        return condition.get("missing", False)
    node = nodes[0]
    literal, text = (True, node) if isinstance(node, str) else (_is_literal(node), literal_text(node))
    if condition.get("missing") or ("is_const" in condition and literal != condition["is_const"]):
        return False
    if "matches" in condition and not re.search(condition["matches"], text):  # `re` caches compiled patterns
        return False
    if CAPTURE_KEYS.issuperset(condition):  # the common case, decided without building a call
        return True
    rest = {k: v for k, v in condition.items() if k not in CAPTURE_KEYS}
    return holds({**rest, "arg": 0}, {"args": [{"c": text, "t": getattr(node, "type", "string")}], "kw": {}}, context, branch)
