"""`jinja2.Environment(autoescape=False)` (or no `autoescape`) → `autoescape=True`.

Also `aiohttp_jinja2.setup(app, ..., autoescape=False)`, and `app.jinja_env.autoescape = False` /
`env.autoescape = False` → `True`.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codepatch.fix import edits
from codepatch.fix.examples import Fix
from codepatch.fix.target import CallRewrite

AUTOESCAPE_ATTRIBUTE = m.Assign(targets=[m.AssignTarget(m.Attribute(attr=m.Name("autoescape")))])


class EnableAutoescape(CallRewrite):
    NAME = "enable_autoescape"
    DESCRIPTION = "Turn on Jinja2 autoescaping, so template variables are HTML-escaped"
    CALLS = ("jinja2.Environment", "jinja2.Template", "jinja2.environment.Environment",
             "jinja2.sandbox.SandboxedEnvironment", "aiohttp_jinja2.setup")

    def visit_Module(self, node: cst.Module) -> None:
        self.call = self.locate(node, (cst.Call, cst.Assign), what="Jinja2 environment or autoescape setting",
                                accept=lambda n: m.matches(n, AUTOESCAPE_ATTRIBUTE)
                                or isinstance(n, cst.Call) and self.calls(n, *self.CALLS))

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return edits.with_keyword(updated, "autoescape", cst.Name("True"))

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node.with_changes(value=cst.Name("True")) if original_node is self.call else updated_node


EXAMPLES = (
    # a jinja2 Environment gets autoescape=True
    Fix("""\
        from jinja2 import Environment, FileSystemLoader
        env = Environment(loader=FileSystemLoader("t"), autoescape=False)
        """, """\
        from jinja2 import Environment, FileSystemLoader
        env = Environment(loader=FileSystemLoader("t"), autoescape=True)
        """, at="Environment(loader"),
    Fix("import jinja2\nenv = jinja2.Environment()\n",
        "import jinja2\nenv = jinja2.Environment(autoescape=True)\n", at="jinja2.Environment("),
    # aiohttp_jinja2 passes it on to the Environment it builds
    Fix("import aiohttp_jinja2\naiohttp_jinja2.setup(app, loader=loader, autoescape=False)\n",
        "import aiohttp_jinja2\naiohttp_jinja2.setup(app, loader=loader, autoescape=True)\n", at="aiohttp_jinja2.setup("),
    # an autoescape attribute
    Fix("app.jinja_env.autoescape = False\n", "app.jinja_env.autoescape = True\n",
        at="app.jinja_env"),
)


STRATEGY = EnableAutoescape
