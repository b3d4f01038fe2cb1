"""A path built from input under a base directory → resolved, and refused if it leaves that base.

    open(os.path.join(UPLOADS, name))
    open(_confined_path(UPLOADS, os.path.join(UPLOADS, name)))

The base is read from how the path is built: `os.path.join(base, ...)`, `base / ...`,
`f"{base}/{...}"` or `base + "/" + ...`, in the call or in the assignment of the variable it
uses. A module-level helper (added once) resolves both with `os.path.realpath` (so `..` and
symlinks count) and raises `ValueError` when the result is outside the base; it returns the
resolved path as a string (wrapped in `pathlib.Path` again for paths built with `/`). A helper
rather than inline code because the check takes four lines and a patched module may need it at
several sinks; its `if not resolved.startswith(root): raise` is also the guard form the
scanner recognises, so the finding is gone on re-scan.
Refused when the path has no visible base directory (the whole path comes from the input).
"""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

HELPER = "_confined_path"
HELPER_SOURCE = '''
def _confined_path(base, path):
    """`path` resolved, if it stays inside the directory `base`; ValueError otherwise."""
    resolved = os.path.realpath(path)
    if not resolved.startswith(os.path.join(os.path.realpath(base), "")):
        raise ValueError(f"{path!r} is outside {base!r}")
    return resolved
'''
PATH_METHODS = ("open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir", "touch",
                "mkdir", "iterdir", "exists", "stat")
TWO_PATHS = ("os.rename", "os.replace", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
             "shutil.move")
PATH_KEYWORDS = ("file", "filename", "path", "path_or_file", "src", "dst", "name")


class ConfinePath(CallRewrite):
    NAME = "confine_path"
    DESCRIPTION = "Resolve the path and refuse it (ValueError) unless it stays under its base directory"
    CALLS = ("open", "builtins.open", "io.open", "codecs.open", "file", "os.open", "os.remove", "os.unlink", "os.stat",
             "os.path.exists", "os.path.isfile", "os.path.getsize", "os.makedirs", "os.mkdir", "os.rmdir",
             "os.rename", "os.replace", "shutil.copytree", "shutil.move",
             "os.listdir", "flask.send_file", "django.http.FileResponse", "fastapi.responses.FileResponse",
             "starlette.responses.FileResponse", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.rmtree",
             *(f"*.{method}" for method in PATH_METHODS))

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        for path in self._path_arguments():
            found = self.only_assignment(path)
            if found is not None and _base_of(found[0].value) is not None:
                path = found[0].value
            self.base, self.path = _base_of(path), path
            if self.base is not None:
                return
        raise SkipFile("the path has no visible base directory (it is not built with os.path.join, / or a "
                       "'<dir>/' prefix): the allowed directory must be chosen by the author")

    def _path_arguments(self) -> list[cst.BaseExpression]:
        """The paths the call opens: its receiver for `Path(...).read_text()`, else its first two
        path arguments (the source and the destination of copies and moves)."""
        if isinstance(self.call.func, cst.Attribute) and self.call.func.attr.value in PATH_METHODS \
                and not self.calls(self.call, "io.open", "codecs.open", "os.open"):
            return [self.call.func.value]
        arguments = [edits.argument(self.call, 0), edits.argument(self.call, 1) if len(self.call.args) > 1
                     and self.calls(self.call, *TWO_PATHS) else None]
        arguments += [edits.argument(self.call, None, k) for k in PATH_KEYWORDS]
        found = [a.value for a in arguments if a is not None]
        if not found:
            raise SkipFile("the path is passed through *args or **kwargs")
        return found

    def on_leave(self, original_node: cst.CSTNode, updated_node):
        updated_node = super().on_leave(original_node, updated_node)
        if original_node is not self.path:
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "os")
        confined = edits.expr(f"{HELPER}({{base}}, {{path}})", base=self.base, path=updated_node)
        if not _is_pathlib(original_node):
            return confined
        AddImportsVisitor.add_needed_import(self.context, "pathlib")
        return edits.expr("pathlib.Path({confined})", confined=confined)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return edits.with_helper(updated_node, HELPER, HELPER_SOURCE)

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return updated


def _is_pathlib(path: cst.BaseExpression) -> bool:
    return (isinstance(path, cst.BinaryOperation) and isinstance(path.operator, cst.Divide)) or m.matches(
        path, m.Call(func=m.Name("Path") | m.Attribute(attr=m.Name("Path"))))


def _base_of(path: cst.BaseExpression) -> cst.BaseExpression | None:
    """The base directory a path expression is built on, or None."""
    if m.matches(path, m.Call(func=m.Attribute(value=m.Attribute(m.Name("os"), m.Name("path")),
                                               attr=m.Name("join")))) and len(path.args) >= 2:
        return path.args[0].value
    if isinstance(path, cst.BinaryOperation) and isinstance(path.operator, cst.Divide):
        return _base_of(path.left) or path.left
    if m.matches(path, m.Call(func=m.Name("Path") | m.Attribute(attr=m.Name("Path")))) and len(path.args) == 1:
        return _base_of(path.args[0].value)
    pieces = strings.parts(path)
    if pieces and len(pieces) >= 2 and isinstance(pieces[0], str) and "/" in pieces[0] and not isinstance(pieces[1], str):
        return strings.string_literal(pieces[0][:pieces[0].rindex("/")] or "/")
    if pieces and len(pieces) >= 3 and not isinstance(pieces[0], str) and isinstance(pieces[1], str) \
            and pieces[1].startswith("/"):
        return pieces[0]
    return None


EXAMPLES = (
    # a joined path is confined to its base by one helper
    Fix("""\
        import os

        UPLOADS = "/srv/uploads"


        def read(name):
            # one file
            with open(os.path.join(UPLOADS, name)) as f:
                return f.read()
        """, "import os\n\n" + HELPER_SOURCE + "\n\n" + dedent("""\
        UPLOADS = "/srv/uploads"


        def read(name):
            # one file
            with open(_confined_path(UPLOADS, os.path.join(UPLOADS, name))) as f:
                return f.read()
        """), at="open("),
    # a path built in a variable, with pathlib, or by a prefix string
    Fix("""\
        import os
        def read(name):
            path = os.path.join(BASE, "docs", name)
            return open(path).read()
        """, "import os\n\n" + HELPER_SOURCE + "\n\n" + dedent("""\
        def read(name):
            path = _confined_path(BASE, os.path.join(BASE, "docs", name))
            return open(path).read()
        """), at="open("),
    Fix("import os\nimport pathlib\ndata = (ROOT / name).read_bytes()\n",
        "import os\nimport pathlib\n\n" + HELPER_SOURCE
        + "\n\ndata = pathlib.Path(_confined_path(ROOT, (ROOT / name))).read_bytes()\n", at="(ROOT / name).read_bytes("),
    Fix('import os\nf = open("static/" + name)\n',
        "import os\n\n" + HELPER_SOURCE + '\n\nf = open(_confined_path("static", "static/" + name))\n', at="open("),
    # the helper is not added twice
    Fix("import os\n\n" + HELPER_SOURCE + '\n\nf = open(f"{BASE}/{name}")\n',
        "import os\n\n" + HELPER_SOURCE + '\n\nf = open(_confined_path(BASE, f"{BASE}/{name}"))\n', at="open(f"),
    # a path without a base directory
    Refuse("def read(path):\n    return open(path).read()\n", at="open(",
           reason="no visible base directory"),
    # of a copy's two paths, the one with a base is confined
    Fix('import os, shutil\nshutil.copy("/srv/template.txt", os.path.join(DEST, name))\n',
        "import os, shutil\n\n" + HELPER_SOURCE
        + '\n\nshutil.copy("/srv/template.txt", _confined_path(DEST, os.path.join(DEST, name)))\n', at="shutil.copy("),
)


STRATEGY = ConfinePath
