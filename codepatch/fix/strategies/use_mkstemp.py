"""`path = tempfile.mktemp(...)` → `fd, path = tempfile.mkstemp(...)` then `os.close(fd)`.

`mkstemp` creates the file itself (mode 0600, O_EXCL), so nobody can create or link it between
choosing the name and opening it; the code keeps using `path` as before. Used inside an
expression (`open(tempfile.mktemp(), "w")`), the call becomes
`tempfile.NamedTemporaryFile(delete=False, ...).name`, which also creates the file first.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits
from codepatch.fix.examples import Fix
from codepatch.fix.target import CallRewrite

PARAMETERS = ("suffix", "prefix", "dir")  # mktemp's, in order
NO_SPACE_EQUAL = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))


class UseMkstemp(CallRewrite):
    NAME = "use_mkstemp"
    DESCRIPTION = "Create temporary files atomically with mkstemp / NamedTemporaryFile(delete=False)"
    CALLS = ("tempfile.mktemp",)

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        assign = self.parent(self.call)
        line = self.parent(assign) if isinstance(assign, cst.Assign) else None
        simple = (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and len(assign.targets) == 1
                  and isinstance(assign.targets[0].target, cst.Name))
        self.statement = line if simple else None

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if any(a.star for a in updated.args):
            raise SkipFile("mktemp() gets *args/**kwargs: cannot map them onto mkstemp's parameters")
        AddImportsVisitor.add_needed_import(self.context, "tempfile")
        if self.statement is not None:
            return updated.with_changes(func=edits.expr("tempfile.mkstemp"))
        # NamedTemporaryFile's positional parameters start with `mode`: pass mktemp's by keyword.
        named = [a.with_changes(keyword=cst.Name(PARAMETERS[i]), equal=NO_SPACE_EQUAL) if a.keyword is None else a
                 for i, a in enumerate(updated.args)]
        return edits.with_keyword(updated.with_changes(func=edits.expr("tempfile.NamedTemporaryFile"), args=named),
                                  "delete", cst.Name("False"))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        result = super().leave_Call(original_node, updated_node)
        if original_node is self.call and self.statement is None:
            return cst.Attribute(value=result, attr=cst.Name("name"))
        return result

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine):
        if original_node is not self.statement:
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "os")
        assign = updated_node.body[0]
        path = assign.targets[0].target
        descriptor = "fd" if not m.findall(self.enclosing_scope(original_node), m.Name("fd")) else "temp_fd"
        paired = assign.with_changes(targets=[assign.targets[0].with_changes(
            target=edits.expr(f"{descriptor}, {{path}}", path=path))])
        closing = cst.SimpleStatementLine([cst.Expr(edits.expr(f"os.close({descriptor})"))])
        return cst.FlattenSentinel([updated_node.with_changes(body=[paired]), closing])

    def enclosing_scope(self, node: cst.CSTNode) -> cst.CSTNode:
        return self.enclosing(node, cst.FunctionDef) or self.enclosing(node, cst.Module)


EXAMPLES = (
    # an assigned mktemp becomes mkstemp and a close
    Fix("""\
        import tempfile


        def export(rows):
            # scratch file
            path = tempfile.mktemp(suffix=".csv")
            write(path, rows)
            return path
        """, """\
        import tempfile
        import os


        def export(rows):
            # scratch file
            fd, path = tempfile.mkstemp(suffix=".csv")
            os.close(fd)
            write(path, rows)
            return path
        """, at="tempfile.mktemp("),
    # mktemp inside an expression becomes NamedTemporaryFile
    Fix("""\
        from tempfile import mktemp
        with open(mktemp(".txt"), "w") as out:
            out.write(data)
        """, """\
        from tempfile import mktemp
        import tempfile

        with open(tempfile.NamedTemporaryFile(suffix=".txt", delete=False).name, "w") as out:
            out.write(data)
        """, at="mktemp("),
)


STRATEGY = UseMkstemp
