"""`app.run(debug=True)`, `app.debug = True`, `DEBUG = True` → read from the environment.

Debug mode then stays available to developers (`FLASK_DEBUG=1`, `DJANGO_DEBUG=1`) and is off
wherever the variable is unset, production included. The interactive Werkzeug debugger runs
any code a visitor types, so it must never be on by default.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits
from codepatch.fix.target import TargetedCommand


class DebugFromEnvironment(TargetedCommand):
    NAME = "debug_from_environment"
    DESCRIPTION = "Take debug mode from an environment variable, off when unset"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, (cst.Call, cst.Assign), accept=self._debug_on, what="debug setting")

    @staticmethod
    def _debug_on(node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            return edits.keyword_value(node, "debug") is not None
        if len(node.targets) != 1:
            return False
        target = node.targets[0].target
        name = target.attr.value if isinstance(target, cst.Attribute) else getattr(target, "value", "")
        return name in ("debug", "DEBUG")

    def _from_environment(self, variable: str) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "os")
        return edits.expr(f'os.environ.get("{variable}") == "1"')

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.found:
            return updated_node
        return edits.with_keyword(updated_node, "debug", self._from_environment("FLASK_DEBUG"))

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.found:
            return updated_node
        settings_module = isinstance(original_node.targets[0].target, cst.Name)  # Django's settings.py
        return updated_node.with_changes(value=self._from_environment("DJANGO_DEBUG" if settings_module else "FLASK_DEBUG"))


STRATEGY = DebugFromEnvironment
