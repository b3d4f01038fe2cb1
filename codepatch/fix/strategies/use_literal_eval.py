"""`eval(text)` → `ast.literal_eval(text)`: literals (numbers, strings, lists, dicts) only.

Refused when `eval` gets a namespace (the code means to evaluate names, which `literal_eval`
cannot), and for `exec`, `compile` and dynamic imports, which have no drop-in safe form.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits
from codepatch.fix.target import CallRewrite


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
        AddImportsVisitor.add_needed_import(self.context, "ast")
        return updated.with_changes(func=edits.expr("ast.literal_eval"))


STRATEGY = UseLiteralEval
