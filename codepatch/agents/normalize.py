"""Code as the agents read it: what the program does, never what its text says.

Comments and docstrings are dropped, string literals that read as prose (a space in them, or
long) become a placeholder, and each function's parameters and local variables are renamed
`v1, v2, ...` in order of first appearance. So a comment that says "validated upstream", a
variable called `sanitized_input` or a string that says "ignore previous instructions" cannot
change a verdict, and stripping comments or renaming locals gives the same text. Short strings
stay (`"/"`, `".."`, `"https"`, a regex): they are what a check compares against.
"""

from __future__ import annotations

import ast
import copy
import textwrap

PROSE = "<text>"
LONGEST_KEPT_STRING = 32


class NotPython(ValueError):
    """The code does not parse with this Python's `ast` (newer syntax, or a fragment)."""


def parse_function(source: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """The one function definition in `source` (indented or not)."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError as error:
        raise NotPython(str(error)) from None
    functions = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(functions) != 1:
        raise NotPython("expected one function definition")
    return functions[0]


SENTINEL = "__codepatch_sink__"


def normalized(function: ast.FunctionDef | ast.AsyncFunctionDef, mark_line: int | None = None) -> str:
    """`function` as the agents read it; with `mark_line` (a line of the original source), the
    statement there ends with `# sink`."""
    names = _locals_of(function)
    function = _without_docstrings(copy.deepcopy(function))
    marked = _innermost_statement(function, mark_line) if mark_line is not None else None
    if marked is not None:
        _put_sentinel_before(function, marked)
    text = ast.unparse(_Normaliser(names).visit(function))
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.strip() == SENTINEL:
            del lines[index]
            lines[index] = f"{lines[index]}  # sink"
            break
    return "\n".join(lines)


def _innermost_statement(function: ast.AST, line: int) -> ast.stmt | None:
    found = None
    for node in ast.walk(function):
        if isinstance(node, ast.stmt) and node is not function and node.lineno <= line <= (node.end_lineno or node.lineno):
            if found is None or node.lineno >= found.lineno and (node.end_lineno or 0) <= (found.end_lineno or 0):
                found = node
    return found


def _put_sentinel_before(function: ast.AST, statement: ast.stmt) -> None:
    for node in ast.walk(function):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and any(item is statement for item in body):
                index = next(i for i, item in enumerate(body) if item is statement)
                body.insert(index, ast.Expr(ast.Name(SENTINEL, ast.Load())))
                return


def _locals_of(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """Parameters and assigned names, each with its new name, in order of first appearance (the
    order a rename keeps); names bound by an import or declared global keep theirs."""
    kept: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kept |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            kept |= set(node.names)
    bound: list[str] = [a.arg for a in _arguments(function.args) if a.arg not in ("self", "cls")]
    for node in _in_order(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.append(node.id)
        elif isinstance(node, ast.arg) and node.arg not in ("self", "cls"):
            bound.append(node.arg)  # a lambda's
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.append(node.name)
    names: dict[str, str] = {}
    for name in bound:
        if name not in kept and name not in names:
            names[name] = f"v{len(names) + 1}"
    return names


def _arguments(arguments: ast.arguments) -> list[ast.arg]:
    extra = [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return [*arguments.posonlyargs, *arguments.args, *extra, *arguments.kwonlyargs]


def _in_order(node: ast.AST):
    """The nodes under `node` in source order (ast.walk is breadth-first)."""
    for child in ast.iter_child_nodes(node):
        yield child
        yield from _in_order(child)


def _without_docstrings(function: ast.AST) -> ast.AST:
    """`function` without string statements (docstrings anywhere in its body)."""
    for node in ast.walk(function):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            kept = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                          and isinstance(s.value.value, str))]
            node.body = kept or [ast.Pass()]
    return function


class _Normaliser(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.copy_location(ast.Name(self.names.get(node.id, node.id), node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self.names.get(node.arg, node.arg)
        node.annotation = None  # a type hint's words are no evidence either
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        if node.name:
            node.name = self.names.get(node.name, node.name)
        return self.generic_visit(node)

    def visit_FunctionDef(self, node):
        node.returns = None
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, str) and _reads_as_prose(node.value):
            return ast.copy_location(ast.Constant(PROSE), node)
        return node


def _reads_as_prose(text: str) -> bool:
    return len(text) > LONGEST_KEPT_STRING or any(character.isspace() for character in text.strip())
