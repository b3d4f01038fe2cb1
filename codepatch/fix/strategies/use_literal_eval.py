"""`eval(text)` → `ast.literal_eval(text)`: literals (numbers, strings, lists, dicts) only.

Refused when `eval` gets a namespace (the code means to evaluate names, which `literal_eval`
cannot), when the code reads as a calculator (`calc`, `math`, `expr`, `formula`... in the
function or the argument: `use_arithmetic_evaluator` fits), and for `exec`, `compile` and
dynamic imports, which have no drop-in safe form.

`ast.literal_eval` raises `ValueError` where `eval` raised `NameError` (a bare word): a `try`
around the call whose handler catches `NameError` or `SyntaxError` (the code expects text that
is not a literal) gets `ValueError` and `SyntaxError` added to that handler, so what the
handler did for bad text it still does.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

ARITHMETIC_WORDS = re.compile(r"(?i)calc|math|arith|expr|formula|equation|compute")


class UseLiteralEval(CallRewrite):
    NAME = "use_literal_eval"
    DESCRIPTION = "Evaluate untrusted text with ast.literal_eval, which accepts Python literals only"
    CALLS = ("builtins.eval", "eval", "builtins.exec", "exec", "builtins.compile", "compile")

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if not self.calls(original, "builtins.eval", "eval"):
            raise SkipFile("exec/compile run statements: no literal-only replacement keeps their meaning; "
                           "replace the dynamic code with explicit dispatch (a dict of allowed functions)")
        if len(updated.args) != 1 or updated.args[0].keyword or updated.args[0].star:
            raise SkipFile("eval() is given a namespace, so the code evaluates names or calls; "
                           "ast.literal_eval accepts literals only and would change its meaning")
        function = self.enclosing(original, cst.FunctionDef)
        if ARITHMETIC_WORDS.search((function.name.value if function else "") + strings.code(original.args[0])):
            raise SkipFile("the text looks like arithmetic (a calculator), which ast.literal_eval refuses: "
                           "use_arithmetic_evaluator fits")
        self.widened = self._handler_to_widen(original)
        AddImportsVisitor.add_needed_import(self.context, "ast")
        return updated.with_changes(func=edits.expr("ast.literal_eval"))

    def _handler_to_widen(self, call: cst.Call) -> cst.ExceptHandler | None:
        """The handler of the `try` around `call` that catches eval's errors for text that is not a
        literal, when it would not catch literal_eval's."""
        node, attempt = call, None
        while (node := self.parent(node)) is not None and not isinstance(node, (cst.FunctionDef, cst.Module)):
            if isinstance(node, cst.Try) and attempt is node.body:
                break
            attempt = node
        else:
            return None
        for handler in node.handlers:
            caught = _caught(handler)
            if caught & BROAD:
                return None
            if caught & EVAL_ERRORS:
                return handler if not LITERAL_EVAL_ERRORS <= caught else None
        return None

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler):
        if original_node is not getattr(self, "widened", None):
            return updated_node
        names = [*_caught_nodes(updated_node.type)]
        caught = {strings.code(n).split(".")[-1] for n in names}
        names += [cst.Name(n) for n in sorted(LITERAL_EVAL_ERRORS - caught)]
        new_type = cst.Tuple([cst.Element(n) for n in names])
        if isinstance(updated_node.type, cst.Tuple):
            new_type = new_type.with_changes(lpar=updated_node.type.lpar, rpar=updated_node.type.rpar)
        return updated_node.with_changes(type=new_type)


EVAL_ERRORS = {"NameError", "SyntaxError"}
LITERAL_EVAL_ERRORS = {"ValueError", "SyntaxError"}
BROAD = {"Exception", "BaseException", "ValueError"}


def _caught_nodes(kind: cst.BaseExpression | None) -> list[cst.BaseExpression]:
    if kind is None:
        return []
    return [e.value for e in kind.elements] if isinstance(kind, cst.Tuple) else [kind]


def _caught(handler: cst.ExceptHandler) -> set[str]:
    """The exception names a handler catches (a bare `except:` catches everything)."""
    if handler.type is None:
        return {"BaseException"}
    return {strings.code(n).split(".")[-1] for n in _caught_nodes(handler.type)}


EXAMPLES = (
    # eval becomes ast.literal_eval, importing ast once
    Fix("""\
        import ast
        values = eval(request.args["v"])
        """, """\
        import ast
        values = ast.literal_eval(request.args["v"])
        """, at="eval("),
    Fix("""\
        def parse(text):
            return eval(text)
        """, """\
        import ast

        def parse(text):
            return ast.literal_eval(text)
        """, at="eval("),
    # the handler that caught eval's errors also catches literal_eval's
    Fix("""\
        import ast
        def parse_value(text):
            try:
                return eval(text)
            except (NameError, SyntaxError):  # a bare word stays text
                return text
        def strict(text):
            try:
                return eval(text)
            except ValueError:
                raise
        """, """\
        import ast
        def parse_value(text):
            try:
                return ast.literal_eval(text)
            except (NameError, SyntaxError, ValueError):  # a bare word stays text
                return text
        def strict(text):
            try:
                return eval(text)
            except ValueError:
                raise
        """, at="eval("),
    # eval with a namespace, and exec
    Refuse("eval(expr, {'x': 1})\n", at="eval(", reason="namespace"),
    Refuse("exec(code)\n", at="exec(", reason="explicit dispatch"),
    # a calculator's eval is left to use_arithmetic_evaluator
    Refuse("""\
        from flask import request


        def calculate():
            return str(eval(request.args["expr"]))
        """, at="eval(", reason="use_arithmetic_evaluator"),
)


STRATEGY = UseLiteralEval
