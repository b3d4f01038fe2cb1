"""`eval(text)` → `ast.literal_eval(text)`: literals (numbers, strings, lists, dicts) only.

Refused when `eval` gets a namespace (the code means to evaluate names, which `literal_eval`
cannot), when the code reads as a calculator (`calc`, `math`, `expr`, `formula`... in the
function or the argument: `use_arithmetic_evaluator` fits), and for `exec`, `compile` and
dynamic imports, which have no drop-in safe form.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
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
        AddImportsVisitor.add_needed_import(self.context, "ast")
        return updated.with_changes(func=edits.expr("ast.literal_eval"))


STRATEGY = UseLiteralEval
