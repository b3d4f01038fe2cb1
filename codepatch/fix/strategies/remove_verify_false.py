"""`requests.get(url, verify=False)` → `requests.get(url)`; `session.verify = False` → `True`.

Verification is the default of requests, httpx and aiohttp, so the argument simply goes
(`ssl=False`/`verify_ssl=False` for aiohttp). A private CA belongs in `verify="/path/ca.pem"`,
which a maintainer can add; turning verification off is never the fix.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile

from codepatch.fix import edits
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import TargetedCommand

OFF_KEYWORDS = ("verify", "ssl", "verify_ssl")
VERIFY_ATTRIBUTE = m.Assign(targets=[m.AssignTarget(m.Attribute(attr=m.Name("verify")))])


class RemoveVerifyFalse(TargetedCommand):
    NAME = "remove_verify_false"
    DESCRIPTION = "Remove verify=False so HTTPS certificates are checked again"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, (cst.Call, cst.Assign), what="`verify=False` argument or assignment",
                                 accept=lambda n: m.matches(n, VERIFY_ATTRIBUTE) or (
                                     isinstance(n, cst.Call) and any(self._turns_off(a) for a in n.args)))

    @staticmethod
    def _turns_off(arg: cst.Arg) -> bool:
        return arg.keyword is not None and arg.keyword.value in OFF_KEYWORDS and not m.matches(
            arg.value, m.Name("True") | m.Name("None"))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.found:
            return updated_node
        doomed = [a for a in updated_node.args if self._turns_off(a)]
        if any(not m.matches(a.value, m.Name("False")) and a.keyword.value == "verify"
               and not isinstance(a.value, cst.Name) for a in doomed):
            raise SkipFile("verify= is given a computed value (a CA bundle path or configuration); "
                           "only a literal False or a flag variable is removed automatically")
        return edits.without_arguments(updated_node, *doomed)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node.with_changes(value=cst.Name("True")) if original_node is self.found else updated_node


EXAMPLES = (
    # verify=False goes; a verify attribute is turned on
    Fix("""\
        import requests
        r = requests.get(url, timeout=5, verify=False)  # internal CA
        """, """\
        import requests
        r = requests.get(url, timeout=5)  # internal CA
        """, at="requests.get("),
    Fix("""\
        session = requests.Session()
        session.verify = False
        """, """\
        session = requests.Session()
        session.verify = True
        """, at="session.verify = False"),
    # verify given a computed value (a CA bundle path, perhaps)
    Refuse("requests.get(url, verify=settings.CA or False)\n",
           at="requests.get(", reason="computed value"),
)


STRATEGY = RemoveVerifyFalse
