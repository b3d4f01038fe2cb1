"""Pattern rules, evaluated per file: calls by qualified name, and tree-sitter queries.

Call patterns use the per-file facts (callee resolved through imports, argument constants and
qualified names propagated through local variables). Query patterns run as one combined
tree-sitter query per file; the node captured as `@match` is what gets reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from codepatch.analysis.conditions import applies, holds, normalize
from codepatch.analysis.names import NameTable
from codepatch.parse import PY_LANGUAGE
from codepatch.ruleset import PatternSpec, Rule, RuleSet


@dataclass(frozen=True)
class CompiledPatterns:
    calls: NameTable
    query: tree_sitter.Query | None
    query_specs: tuple[tuple[Rule, PatternSpec], ...]  # by pattern index of the combined query


_COMPILED: dict[str, CompiledPatterns] = {}


def compile_patterns(ruleset: RuleSet) -> CompiledPatterns:
    """The rule set's patterns, compiled once per process and rule-set version."""
    if ruleset.version not in _COMPILED:
        _COMPILED[ruleset.version] = _compile(ruleset)
    return _COMPILED[ruleset.version]


def _compile(ruleset: RuleSet) -> CompiledPatterns:
    calls: NameTable = NameTable()
    texts: list[str] = []
    specs: list[tuple[Rule, PatternSpec]] = []
    for rule in ruleset.rules:
        for spec in rule.patterns:
            if spec.call:
                calls.add(spec.call, (rule, spec))
            else:
                count = tree_sitter.Query(PY_LANGUAGE, spec.query).pattern_count
                texts.append(spec.query)
                specs.extend([(rule, spec)] * count)
    query = tree_sitter.Query(PY_LANGUAGE, "\n".join(texts)) if texts else None
    return CompiledPatterns(calls, query, tuple(specs))


def _content(node: tree_sitter.Node) -> str:
    """A string literal's text without quotes and prefix; any other node's source text."""
    if node.type == "string":
        return "".join(c.text.decode("utf-8", "replace") for c in node.named_children
                       if c.type in ("string_content", "escape_sequence"))
    return node.text.decode("utf-8", "replace")


def _context(lines: list[str], line: int, function_qn: str) -> str:
    return f"{lines[line - 1] if 0 < line <= len(lines) else ''}\n{function_qn}"


def match_calls(patterns: CompiledPatterns, functions: list[dict], lines: list[str]) -> list[dict]:
    hits = []
    for fn in functions:
        for call in fn["calls"]:
            matched = patterns.calls.match(normalize(call["callee"]), call["meth"])
            for rule, spec in matched:
                if applies(spec.when, spec.unless, call, _context(lines, call["line"], fn["qn"])):
                    hits.append({"rule": rule.id, "line": call["line"], "col": call["col"],
                                 "eline": call["eline"], "ecol": call["ecol"]})
    return hits


def match_queries(patterns: CompiledPatterns, root: tree_sitter.Node, lines: list[str]) -> list[dict]:
    if patterns.query is None:
        return []
    hits = []
    for index, captures in tree_sitter.QueryCursor(patterns.query).matches(root):
        rule, spec = patterns.query_specs[index]
        nodes = captures.get("match")
        if not nodes:
            continue
        node = nodes[0]
        line = node.start_point[0] + 1
        context = _context(lines, line, "")
        if all(_capture_holds(c, captures, context) for c in spec.when) and \
                not any(_capture_holds(c, captures, context) for c in spec.unless):
            hits.append({"rule": rule.id, "line": line, "col": node.start_point[1],
                         "eline": node.end_point[0] + 1, "ecol": node.end_point[1]})
    return hits


def _capture_holds(condition: dict, captures: dict, context: str) -> bool:
    if "capture" not in condition:
        return holds(condition, {"args": [], "kw": {}}, context)
    nodes = captures.get(condition["capture"])
    if not nodes:
        return condition.get("missing", False)
    fake_call = {"args": [{"c": _content(nodes[0]), "t": nodes[0].type}], "kw": {}}
    rest = {k: v for k, v in condition.items() if k != "capture"}
    return holds({**rest, "arg": 0}, fake_call, context)
