"""`app.run(debug=True)`, `app.debug = True`, `DEBUG = True` → read from the environment.

Also `app.config["DEBUG"] = True`, `config.update(DEBUG=True)`, Werkzeug's
`run_simple(..., use_debugger=True)` / `DebuggedApplication(app, evalex=True)`, and Bottle's
`bottle.debug(True)` / `bottle.run(..., debug=True)` (from `BOTTLE_DEBUG`).

Debug mode then stays available to developers (`FLASK_DEBUG=1`, `DJANGO_DEBUG=1`) and is off
wherever the variable is unset, production included. The interactive Werkzeug debugger runs
any code a visitor types, so it must never be on by default.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix
from codepatch.fix.target import TargetedCommand

DEBUG_KEYWORDS = ("debug", "DEBUG", "use_debugger", "use_evalex", "evalex")
BOTTLE = ("bottle.debug", "bottle.run")


class DebugFromEnvironment(TargetedCommand):
    NAME = "debug_from_environment"
    DESCRIPTION = "Take debug mode from an environment variable, off when unset"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, (cst.Call, cst.Assign), accept=self._debug_on, what="debug setting")

    def _debug_on(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            switched = self.calls(node, "bottle.debug") and edits.argument(node, 0, "mode") is not None
            return switched or any(edits.keyword_value(node, k) is not None for k in DEBUG_KEYWORDS)
        if len(node.targets) != 1:
            return False
        return _setting_name(node.targets[0].target) in ("debug", "DEBUG")

    def _from_environment(self, variable: str) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "os")
        return edits.expr(f'os.environ.get("{variable}") == "1"')

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.found:
            return updated_node
        variable = "BOTTLE_DEBUG" if self.calls(original_node, *BOTTLE) else "FLASK_DEBUG"
        mode = edits.argument(updated_node, 0, "mode") if self.calls(original_node, "bottle.debug") else None
        if mode is not None:
            return edits.replace_args(updated_node, mode, self._from_environment(variable))
        for keyword in DEBUG_KEYWORDS:
            if edits.keyword_value(updated_node, keyword) is not None:
                updated_node = edits.with_keyword(updated_node, keyword, self._from_environment(variable))
        return updated_node

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.found:
            return updated_node
        settings_module = isinstance(original_node.targets[0].target, cst.Name)  # Django's settings.py
        return updated_node.with_changes(value=self._from_environment("DJANGO_DEBUG" if settings_module else "FLASK_DEBUG"))


def _setting_name(target: cst.BaseExpression) -> str | None:
    """`DEBUG`, `app.debug`, `app.config["DEBUG"]` → the setting's name."""
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value
    if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
        return strings.literal(target.slice[0].slice.value)
    return None


EXAMPLES = (
    # Bottle's process-wide switch
    Fix("import bottle\nbottle.debug(True)\n",
        'import bottle\nimport os\n\nbottle.debug(os.environ.get("BOTTLE_DEBUG") == "1")\n', at="bottle.debug("),
    # debug=True comes from the environment
    Fix("""\
        from flask import Flask
        app = Flask(__name__)
        if __name__ == "__main__":
            app.run(host="0.0.0.0", debug=True)
        """, """\
        from flask import Flask
        import os

        app = Flask(__name__)
        if __name__ == "__main__":
            app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")
        """, at="app.run("),
    Fix("import os\nDEBUG = True\n",
        'import os\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"\n', at="DEBUG = True"),
    Fix("import os\napp.debug = True\n",
        'import os\napp.debug = os.environ.get("FLASK_DEBUG") == "1"\n', at="app.debug"),
    # DEBUG in the app config, and Werkzeug's switches
    Fix('import os\napp.config["DEBUG"] = True\n',
        'import os\napp.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"\n', at="app.config"),
    Fix("import os\napp.config.update(DEBUG=True, TESTING=False)\n",
        'import os\napp.config.update(DEBUG=os.environ.get("FLASK_DEBUG") == "1", TESTING=False)\n',
        at="app.config.update("),
    Fix('import os\nrun_simple("0.0.0.0", 8000, app, use_debugger=True)\n',
        'import os\nrun_simple("0.0.0.0", 8000, app, use_debugger=os.environ.get("FLASK_DEBUG") == "1")\n',
        at="run_simple("),
)


STRATEGY = DebugFromEnvironment
