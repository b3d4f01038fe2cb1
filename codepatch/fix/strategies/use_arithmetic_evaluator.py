"""`eval(expression)` of a calculator → a small evaluator of numbers and arithmetic only.

    result = eval(request.args["expr"])
    result = _evaluate_arithmetic(request.args["expr"])

The module-level helper (added once) parses the text with `ast` and evaluates numbers,
`+ - * / // % **` and parentheses; names, calls, attributes and anything else raise
`ValueError`, and so do exponents above 100 (`9**9**9` would hang the process). For
`eval` of literal data (lists, dicts, strings) `use_literal_eval` fits instead.
"""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits
from codepatch.fix.examples import Fix
from codepatch.fix.target import CallRewrite

HELPER = "_evaluate_arithmetic"
HELPER_SOURCE = '''
def _evaluate_arithmetic(expression):
    """The value of `expression` if it is arithmetic on numbers only; ValueError otherwise."""
    operators = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
                 ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
                 ast.USub: operator.neg, ast.UAdd: operator.pos}

    def value(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.UnaryOp) and type(node.op) in operators:
            return operators[type(node.op)](value(node.operand))
        if isinstance(node, ast.BinOp) and type(node.op) in operators:
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 100:
                raise ValueError("exponent too large")
            return operators[type(node.op)](left, right)
        raise ValueError(f"not an arithmetic expression: {expression!r}")

    try:
        tree = ast.parse(str(expression), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not an arithmetic expression: {expression!r}") from exc
    return value(tree.body)
'''


class UseArithmeticEvaluator(CallRewrite):
    NAME = "use_arithmetic_evaluator"
    DESCRIPTION = "Evaluate untrusted arithmetic with an evaluator of numbers and operators only"
    CALLS = ("builtins.eval", "eval")

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if len(updated.args) != 1 or updated.args[0].keyword or updated.args[0].star:
            raise SkipFile("eval() is given a namespace, so the code evaluates names or calls, not arithmetic")
        AddImportsVisitor.add_needed_import(self.context, "ast")
        AddImportsVisitor.add_needed_import(self.context, "operator")
        self.helper_needed = True
        return updated.with_changes(func=cst.Name(HELPER))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return edits.with_helper(updated_node, HELPER, HELPER_SOURCE)


EXAMPLES = (
    # a calculator's eval calls an evaluator of arithmetic, added to the module
    Fix("""\
        from flask import request


        def calculate():
            return str(eval(request.args["expr"]))
        """, "from flask import request\nimport ast\nimport operator\n\n" + HELPER_SOURCE + "\n\n" + dedent("""\
        def calculate():
            return str(_evaluate_arithmetic(request.args["expr"]))
        """), at="eval("),
)


STRATEGY = UseArithmeticEvaluator
