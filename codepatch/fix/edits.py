"""Small LibCST edits shared by the strategies: arguments, expressions from templates, helpers.

Every edit returns a new node; comments and whitespace of what it does not touch are kept.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.helpers import parse_template_expression, parse_template_module


def expr(template: str, **nodes: cst.BaseExpression) -> cst.BaseExpression:
    """An expression from source text with `{name}` holes filled by nodes."""
    return parse_template_expression(template, **nodes)


def argument(call: cst.Call, position: int | None, keyword: str | None = None) -> cst.Arg | None:
    """The argument passed at `position` (positionally) or as `keyword`, or None."""
    for index, arg in enumerate(call.args):
        if arg.keyword is not None:
            if arg.keyword.value == keyword:
                return arg
        elif arg.star:
            return None  # positions after *args are unknown
        elif index == position:
            return arg
    return None


def keyword_value(call: cst.Call, keyword: str) -> cst.BaseExpression | None:
    arg = argument(call, None, keyword)
    return arg.value if arg else None


def with_keyword(call: cst.Call, keyword: str, value: cst.BaseExpression) -> cst.Call:
    """`call` with `keyword=value`, replacing the value when the keyword is already there."""
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            args[index] = arg.with_changes(value=value)
            return call.with_changes(args=args)
    new = cst.Arg(value=value, keyword=cst.Name(keyword),
                  equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
    if args and isinstance(args[-1].comma, cst.Comma):  # a trailing comma stays trailing
        new = new.with_changes(comma=args[-1].comma)
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, new])


def without_arguments(call: cst.Call, *doomed: cst.Arg) -> cst.Call:
    """`call` without the given arguments (by identity); a trailing comma stays trailing."""
    kept = [arg for arg in call.args if not any(arg is d for d in doomed)]
    if kept and call.args and any(call.args[-1] is d for d in doomed):
        kept[-1] = kept[-1].with_changes(comma=call.args[-1].comma)
    return call.with_changes(args=kept)


def replace_args(call: cst.Call, old: cst.Arg, value: cst.BaseExpression) -> cst.Call:
    """`call` with the value of argument `old` replaced."""
    return call.with_changes(args=[a.with_changes(value=value) if a is old else a for a in call.args])


def defines(module: cst.Module, name: str) -> bool:
    """Whether the module already has a top-level function or assignment named `name`."""
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                        isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets):
                    return True
    return False


def with_helper(module: cst.Module, name: str, source: str) -> cst.Module:
    """`module` with the top-level definition `source` (named `name`) added once.

    It goes after the module's docstring, `__future__` imports and the leading block of
    imports, so it exists before any module-level code could call it.
    """
    if defines(module, name):
        return module
    body = list(module.body)
    index = 0
    while index < len(body) and _is_preamble(body[index]):
        index += 1
    added = list(parse_template_module(source.strip() + "\n").body)
    first = added[0]
    added[0] = first.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]) if index else first
    if index < len(body):
        body[index] = body[index].with_changes(
            leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *_without_blank_prefix(body[index].leading_lines)])
    return module.with_changes(body=[*body[:index], *added, *body[index:]])


def _without_blank_prefix(lines) -> list[cst.EmptyLine]:
    lines = list(lines)
    while lines and lines[0].comment is None:
        lines.pop(0)
    return lines


def _is_preamble(statement: cst.CSTNode) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(isinstance(s, (cst.Import, cst.ImportFrom))
               or (isinstance(s, cst.Expr) and isinstance(s.value, (cst.SimpleString, cst.ConcatenatedString)))
               for s in statement.body)


def fresh_name(value: cst.BaseExpression, taken: set[str]) -> str:
    """A variable name for `value` (its own name, or `value`), numbered past the names taken."""
    base = value.value if isinstance(value, cst.Name) else (
        value.attr.value if isinstance(value, cst.Attribute) else "value")
    name, counter = base, 1
    while name in taken:
        counter += 1
        name = f"{base}{counter}"
    return name


def variables(value: cst.BaseExpression) -> set[str]:
    """The variables `value` reads (not attribute names or keywords)."""
    other = {id(a.attr) for a in m.findall(value, m.Attribute())}
    other |= {id(a.keyword) for a in m.findall(value, m.Arg()) if a.keyword}
    return {n.value for n in m.findall(value, m.Name()) if id(n) not in other}


def substitute(value: cst.BaseExpression, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
    """`value` with the variables named in `values` replaced (a function's parameters by the
    arguments of one call: what the function computes, written at the call)."""
    return value.visit(_Substitute(values))


class _Substitute(cst.CSTTransformer):
    def __init__(self, values: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.values = values

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self.values.get(original_node.value, updated_node)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)  # `x.name`: not a variable

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)
