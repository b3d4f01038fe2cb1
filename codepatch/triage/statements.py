"""The lines of the statement a finding sits in: where a suppression comment for it may be.

A sink inside a simple statement (a call spread over many lines, an assignment, a return) belongs
to the whole statement. A sink in the header of a compound statement (`if os.system(x):`, `with
open(p) as f:`, a `def` default, a decorator) belongs to the header's lines only, never to the body.
"""

from __future__ import annotations

import tree_sitter

from codepatch.types import Finding

COMPOUND = frozenset({
    "if_statement", "elif_clause", "while_statement", "for_statement", "with_statement", "function_definition",
    "class_definition", "match_statement", "case_clause", "except_clause", "except_group_clause",
})
BODIES = frozenset({"block", "else_clause", "elif_clause", "except_clause", "finally_clause", "case_clause"})


def statement_lines(tree: tree_sitter.Tree, finding: Finding) -> tuple[int, int]:
    """First and last line (1-based) of the statement, or statement header, holding the finding."""
    start = (finding.line - 1, max(finding.column - 1, 0))
    end = (finding.end_line - 1, max(finding.end_column - 1, 0))
    node = tree.root_node.descendant_for_point_range(start, end)
    while node is not None and node.type not in ("module", "block"):
        if node.type in COMPOUND:
            return node.start_point[0] + 1, _header_end(node) + 1
        if node.type.endswith("_statement") or node.type == "decorator":
            return node.start_point[0] + 1, node.end_point[0] + 1
        node = node.parent
    return finding.line, finding.end_line


def _header_end(node: tree_sitter.Node) -> int:
    """The 0-based line of the last header token: what comes before the first body or clause."""
    last = node.start_point[0]
    for child in node.children:
        if child.type in BODIES or child.type == "comment":
            break
        last = child.end_point[0]
    return last
