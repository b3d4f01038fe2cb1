"""SQL text with interpolated values → SQL with placeholders and the list of bound values.

Only values are bound: an interpolated piece inside quotes (`'{name}'`, `'%{term}%'`) or after a
comparison, `LIKE`, `LIMIT`/`OFFSET`, or in a `VALUES (...)`/`IN (...)` list. Anything else (a
table or column name, `ORDER BY {column}`, a whole `WHERE` fragment) is an identifier or SQL
syntax, which placeholders cannot bind: `NotAValue` says which.
"""

from __future__ import annotations

import re

import libcst as cst

from codepatch.fix import edits, strings
from codepatch.fix.strings import Part

PLACEHOLDER = {"qmark": "?", "format": "%s"}
VALUE_BEFORE = re.compile(r"(?:=|<>|!=|<=|>=|<|>|\bLIKE|\bLIMIT|\bOFFSET|\bBETWEEN|\bIS(?:\s+NOT)?)\s*$", re.IGNORECASE)
LIST_OPENER = re.compile(r"(?:\bVALUES|\bIN)\s*\(\s*$", re.IGNORECASE)


class NotAValue(ValueError):
    """An interpolated piece of the query is an identifier or SQL syntax, not a value."""


def parameterize(pieces: list[Part], style: str) -> tuple[str, list[tuple[str, cst.BaseExpression]]]:
    """The query text with placeholders of `style` ("qmark", "format", "named"), and the values bound.

    Each value comes with a name (for the "named" style): the variable's or attribute's name.
    """
    sql = ""
    bound: list[tuple[str, cst.BaseExpression]] = []
    pending = list(pieces)
    while pending:
        piece = pending.pop(0)
        if isinstance(piece, str):
            sql += piece.replace("%", "%%") if style == "format" else piece
            continue
        name = edits.fresh_name(piece, {n for n, _ in bound})
        if sql.count("'") % 2 == 1:  # inside a quoted literal: bind the whole literal
            value, sql = _quoted_value(sql, piece, pending, style)
        elif _value_position(sql):
            value = piece
        else:
            context = sql.rstrip()[-30:]
            raise NotAValue(f"`{strings.code(piece)}` is put into the query as an identifier or SQL text "
                            f"(after {context!r}), not as a value; placeholders cannot bind it: check it "
                            "against an allow-list of names instead")
        bound.append((name, value))
        sql += f":{name}" if style == "named" else PLACEHOLDER[style]
    return sql, bound


def _quoted_value(sql: str, piece: cst.BaseExpression, pending: list[Part], style: str):
    """The value of a quoted literal around `piece` (`'%{term}%'` → f"%{term}%"), and `sql` without its opening."""
    opening = sql.rindex("'")
    before = sql[opening + 1:]
    after = pending[0] if pending and isinstance(pending[0], str) else None
    if after is None or "'" not in after:
        raise NotAValue("a quoted literal in the query holds several interpolated pieces")
    closing = after.index("'")
    pending[0] = after[closing + 1:]
    if style == "format":
        before = before.replace("%%", "%")
    return strings.rebuild([p for p in (before, piece, after[:closing]) if p != ""]), sql[:opening]


def _value_position(sql: str) -> bool:
    head = sql.rstrip()
    if VALUE_BEFORE.search(head):
        return True
    depth, position = 0, len(head)
    for position in range(len(head) - 1, -1, -1):  # the innermost open parenthesis, if any
        depth += {")": 1, "(": -1}.get(head[position], 0)
        if depth < 0:
            break
    else:
        return False
    opened = head[:position + 1]
    return bool(LIST_OPENER.search(opened)) and head.endswith((",", "("))
