"""Unverified TLS contexts → `ssl.create_default_context()` and its verified settings.

- `ssl._create_unverified_context(...)` → `ssl.create_default_context(...)`
- `ctx.check_hostname = False` → `True`; `ctx.verify_mode = ssl.CERT_NONE` → `ssl.CERT_REQUIRED`
- `cert_reqs=ssl.CERT_NONE` / `"CERT_NONE"` → `ssl.CERT_REQUIRED` / `"CERT_REQUIRED"`
- `ssl._create_default_https_context = ssl._create_unverified_context` → the statement goes.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import SkipFile

from codepatch.fix import edits
from codepatch.fix.examples import Fix
from codepatch.fix.target import TargetedCommand

UNVERIFIED = ("ssl._create_unverified_context", "ssl._create_stdlib_context")
SETTINGS = {"check_hostname": "True", "verify_mode": "ssl.CERT_REQUIRED"}


class UseDefaultSslContext(TargetedCommand):
    NAME = "use_default_ssl_context"
    DESCRIPTION = "Use ssl.create_default_context() and keep certificate and host name checks on"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, (cst.Call, cst.Assign), accept=self._fixable,
                                 what="unverified TLS context, setting or argument")

    def _fixable(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            return self.calls(node, *UNVERIFIED) or edits.keyword_value(node, "cert_reqs") is not None
        return len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Attribute) and (
            node.targets[0].target.attr.value in (*SETTINGS, "_create_default_https_context"))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node is not self.found:
            return updated_node
        if self.calls(original_node, *UNVERIFIED):
            return updated_node.with_changes(func=edits.expr("ssl.create_default_context"))
        value = edits.keyword_value(updated_node, "cert_reqs")
        required = cst.SimpleString('"CERT_REQUIRED"') if isinstance(value, cst.SimpleString) \
            else edits.expr("ssl.CERT_REQUIRED")
        return edits.with_keyword(updated_node, "cert_reqs", required)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.found:
            return updated_node
        setting = updated_node.targets[0].target.attr.value
        if setting in SETTINGS:
            return updated_node.with_changes(value=edits.expr(SETTINGS[setting]))
        self.drop_default_context_patch = True
        return updated_node

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine):
        if not any(small is self.found for small in original_node.body) or self.found is None:
            return updated_node
        if not getattr(self, "drop_default_context_patch", False):
            return updated_node
        if len(original_node.body) != 1:
            raise SkipFile("the default-context patch shares its line with other statements")
        return cst.RemoveFromParent()


EXAMPLES = (
    # an unverified context, and the settings that turn verification off
    Fix("""\
        import ssl
        ctx = ssl._create_unverified_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        """, """\
        import ssl
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        """, at="ssl._create_unverified_context()"),
    Fix("import ssl\nctx.verify_mode = ssl.CERT_NONE\n",
        "import ssl\nctx.verify_mode = ssl.CERT_REQUIRED\n", at="ctx.verify_mode"),
    Fix("ctx.check_hostname = False\n",
        "ctx.check_hostname = True\n", at="ctx.check_hostname"),
    Fix('pool = urllib3.PoolManager(cert_reqs="CERT_NONE")\n',
        'pool = urllib3.PoolManager(cert_reqs="CERT_REQUIRED")\n', at="urllib3.PoolManager("),
    # a patched default HTTPS context is removed, its comment with it
    Fix("""\
        import ssl
        # trust everyone
        ssl._create_default_https_context = ssl._create_unverified_context
        fetch()
        """, """\
        import ssl
        fetch()
        """, at="ssl._create_default_https_context ="),
)


STRATEGY = UseDefaultSslContext
