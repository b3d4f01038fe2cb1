"""Strings built by interpolation, as a list of literal text and the expressions put into it.

`f"ls {d} -l"`, `"ls " + d + " -l"`, `"ls %s -l" % d` and `"ls {} -l".format(d)` all become
`["ls ", <d>, " -l"]`. Strategies rebuild from these parts: an argument list, a query with
placeholders, or the same string with each value quoted or escaped.
"""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m

Part = str | cst.BaseExpression
PERCENT = re.compile(r"%(?:\((\w+)\))?([-#0 +]*\d*(?:\.\d+)?)([a-zA-Z%])")
BRACES = re.compile(r"\{\{|\}\}|\{([^{}!:]*)(![rsa])?(?::([^{}]*))?\}")


def parts(node: cst.BaseExpression) -> list[Part] | None:
    """The interpolated string's pieces, or None when it is not one (or uses a feature not handled)."""
    found = _parts(node)
    if found is None or not any(isinstance(p, str) for p in found):
        return None
    merged: list[Part] = []
    for part in found:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return merged


def is_interpolated(node: cst.BaseExpression) -> bool:
    found = parts(node)
    return found is not None and any(not isinstance(p, str) for p in found)


def literal(node: cst.BaseExpression) -> str | None:
    """The text of a plain (non-bytes) string literal, else None."""
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        return node.evaluated_value
    if isinstance(node, cst.ConcatenatedString):
        left, right = literal(node.left), literal(node.right)
        return None if left is None or right is None else left + right
    return None


def _parts(node: cst.BaseExpression) -> list[Part] | None:
    if literal(node) is not None:
        return [literal(node)]
    if isinstance(node, cst.ConcatenatedString):
        left, right = _parts(node.left), _parts(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        return _fstring(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = _parts(node.left), _parts(node.right)
        return [*(left if left is not None else [node.left]), *(right if right is not None else [node.right])] \
            if left is not None or right is not None else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        text = literal(node.left)
        return None if text is None else _percent(text, node.right)
    if m.matches(node, m.Call(func=m.Attribute(attr=m.Name("format")))):
        text = literal(node.func.value)
        return None if text is None else _format(text, node.args)
    return None


def _fstring(node: cst.FormattedString) -> list[Part] | None:
    if "b" in node.prefix.lower():
        return None
    plain_prefix = node.prefix.lower().replace("f", "")
    found: list[Part] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            text = part.value.replace("{{", "{").replace("}}", "}")
            found.append(cst.SimpleString(f"{plain_prefix}{node.quote}{text}{node.quote}").evaluated_value)
        elif part.conversion is None and part.format_spec is None and part.equal is None:
            found.append(part.expression)
        else:
            return None
    return found


def _percent(text: str, values: cst.BaseExpression) -> list[Part] | None:
    holes = [h for h in PERCENT.finditer(text) if h.group(3) != "%"]
    if any(h.group(1) or h.group(2) or h.group(3) not in "s" for h in holes):
        return None  # named, padded or numeric conversions: not a plain text substitution
    if isinstance(values, cst.Tuple):
        items = [e.value for e in values.elements]
        if any(isinstance(e, cst.StarredElement) for e in values.elements):
            return None
    elif len(holes) == 1:
        items = [values]
    else:
        return None
    if len(items) != len(holes):
        return None
    found: list[Part] = []
    position = 0
    for hole, item in zip(holes, items):
        found += [text[position:hole.start()].replace("%%", "%"), item]
        position = hole.end()
    return [*found, text[position:].replace("%%", "%")]


def _format(text: str, args: list[cst.Arg]) -> list[Part] | None:
    if any(a.star for a in args):
        return None
    positional = [a.value for a in args if a.keyword is None]
    named = {a.keyword.value: a.value for a in args if a.keyword is not None}
    found: list[Part] = []
    position, automatic = 0, 0
    for hole in BRACES.finditer(text):
        found.append(text[position:hole.start()])
        position = hole.end()
        if hole.group(0) in ("{{", "}}"):
            found.append(hole.group(0)[0])
            continue
        field, conversion, spec = hole.groups()
        if conversion or spec:
            return None
        if field == "":
            field, automatic = str(automatic), automatic + 1
        if field.isdigit() and int(field) < len(positional):
            found.append(positional[int(field)])
        elif field in named:
            found.append(named[field])
        else:
            return None
    return [*found, text[position:]]


def code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def string_literal(text: str, quote: str = '"') -> cst.SimpleString:
    """A literal for `text` in `quote`s (double by default)."""
    body = repr(text)[1:-1] if "'" not in text else repr(text)[1:-1].replace("\\'", "'")
    return cst.SimpleString(quote + body.replace(quote, "\\" + quote) + quote)


def rebuild(pieces: list[Part]) -> cst.BaseExpression:
    """A string expression for `pieces`: a literal, the lone expression itself, an f-string, or a
    `str.format` call where an expression's code holds both quotes or a backslash (which an
    f-string's expression may not before Python 3.12)."""
    if all(isinstance(p, str) for p in pieces):
        return string_literal("".join(pieces))
    if len(pieces) == 1:
        return pieces[0]
    codes = [code(p) for p in pieces if not isinstance(p, str)]
    for quote in ('"', "'"):
        if not any(quote in c or "\\" in c for c in codes):
            inside = "".join(string_literal(p, quote).value[1:-1].replace("{", "{{").replace("}", "}}")
                             if isinstance(p, str) else "{" + code(p) + "}" for p in pieces)
            return cst.parse_expression("f" + quote + inside + quote)
    template = "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}" for p in pieces)
    return cst.Call(cst.Attribute(string_literal(template), cst.Name("format")),
                    [cst.Arg(p) for p in pieces if not isinstance(p, str)])
