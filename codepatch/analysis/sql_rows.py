"""Literal values of the rows an SQL `INSERT` written in a Python string adds, each with its column.

`"INSERT INTO users (name, password) VALUES ('admin', 'admin')"` binds `'admin'` to `password`.
Without a column list, the columns come from a `CREATE TABLE` of that table written in the same
module (`"CREATE TABLE users(id INT, name TEXT, password TEXT)"` ... `"INSERT INTO users
VALUES(1, 'admin', 'admin')"`). Placeholders (`?`, `%s`, `:name`) bind nothing: their values come
at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from codepatch.analysis.patterns import literal_text
from codepatch.files.parse import PY_LANGUAGE

MENTIONS_INSERT = re.compile(rb"(?i)\binsert\s+(?:or\s+\w+\s+)?into\b")
STRINGS = tree_sitter.Query(PY_LANGUAGE, "(string) @string")
TABLE = r"[\w.\"`\[\]]+"
# SQL comments (`-- default users`, MySQL's `#`) may come before the statement.
INSERT = re.compile(rf"(?is)^(?P<lead>(?:\s*(?:--|\#)[^\n]*)*\s*)insert\s+(?:or\s+\w+\s+)?into\s+(?P<table>{TABLE})\s*(?P<columns>\([^)]*\))?\s*values\s*(?P<rows>\(.*)$")
CREATE = re.compile(rf"(?is)\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?({TABLE})\s*\((.*)\)")
CONSTRAINT = re.compile(r"(?i)^(?:primary|foreign|unique|constraint|check|key|index)\b")
QUOTED = re.compile(r"^'((?:[^']|'')*)'$")


def sql_row_bindings(root: tree_sitter.Node) -> Iterator[tuple[str, str, tree_sitter.Node, int]]:
    """(column, literal value, the Python string holding the statement, the line of that string the
    statement starts on) for each quoted literal in the VALUES of an INSERT written in this module,
    alone or in a script of statements."""
    if not MENTIONS_INSERT.search(root.text):
        return
    strings = [(node, literal_text(node)) for node in tree_sitter.QueryCursor(STRINGS).captures(root).get("string", ())]
    tables = {}
    for _, text in strings:
        for create in (found for _, statement in _statements(text) for found in CREATE.finditer(statement)):
            definitions = _split(create.group(2))
            tables[_bare(create.group(1))] = [_column(d) for d in definitions if not CONSTRAINT.match(d.strip())]
    for node, text in strings:
        for start, statement in _statements(text):
            insert = INSERT.match(statement)
            if insert is None:
                continue
            listed = insert.group("columns")
            columns = [_bare(c) for c in _split(listed[1:-1])] if listed else tables.get(_bare(insert.group("table")))
            if not columns:
                continue
            # The line of the string the INSERT starts on (a schema script seeds rows far below its start).
            lines_in = text[:start + len(insert.group("lead"))].count("\n")
            for row in _rows(insert.group("rows")):
                for column, item in zip(columns, row):
                    literal = QUOTED.match(item.strip())
                    if literal:
                        yield column, literal.group(1).replace("''", "'"), node, lines_in


def adds_rows(text: str) -> bool:
    """Whether an SQL string (one statement or a script) holds an INSERT ... VALUES."""
    return any(INSERT.match(statement) for _, statement in _statements(text))


def _statements(text: str) -> Iterator[tuple[int, str]]:
    """(offset, statement) for each statement of an SQL script, cut at its unquoted semicolons."""
    start = 0
    for index, char, _ in _unquoted(text):
        if char == ";":
            yield start, text[start:index]
            start = index + 1
    yield start, text[start:]


def _bare(name: str) -> str:
    return name.strip().strip("\"`[]").rsplit(".", 1)[-1].lower()


def _column(definition: str) -> str:
    words = definition.split()
    return _bare(words[0]) if words else ""


def _rows(values: str) -> Iterator[list[str]]:
    """The items of each parenthesised row of `(1, 'a'), (2, 'b')`."""
    start = 0
    for index, char, depth in _unquoted(values):
        if char == "(" and depth == 1:
            start = index + 1
        elif char == ")" and depth == 0:
            yield _split(values[start:index])
        elif depth < 0:
            return


def _split(text: str) -> list[str]:
    """`text` cut at its top-level commas (outside quotes and parentheses)."""
    items, start = [], 0
    for index, char, depth in _unquoted(text):
        if char == "," and depth == 0:
            items.append(text[start:index])
            start = index + 1
    items.append(text[start:])
    return [item for item in items if item.strip()]


def _unquoted(text: str) -> Iterator[tuple[int, str, int]]:
    """Each character outside quotes and `--` comments, with its index and the parenthesis depth after it."""
    depth, quoted, comment = 0, False, False
    for index, char in enumerate(text):
        if comment:
            comment = char != "\n"
        elif char == "'":
            quoted = not quoted
        elif not quoted and char == "-" and text.startswith("--", index):
            comment = True
        elif not quoted:
            depth += (char == "(") - (char == ")")
            yield index, char, depth
