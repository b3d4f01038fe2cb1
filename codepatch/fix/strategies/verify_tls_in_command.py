"""`curl -k URL`, `curl --insecure URL`, `wget --no-check-certificate URL` → the same command
without the flag, so the server's certificate is checked again.

The command may be one string (an f-string too) or an argument list (`["curl", "-k", url]`: the
element goes). A private CA belongs in `--cacert FILE` (curl) or `--ca-certificate=FILE` (wget),
which a maintainer can add; turning verification off is never the fix.
"""

from __future__ import annotations

import re

import libcst as cst

from codepatch.fix import strings
from codepatch.fix.examples import Fix
from codepatch.fix.target import TargetedCommand

FLAGS = ("-k", "--insecure", "--no-check-certificate")
COMMAND = re.compile(r"^\s*(?:\S*/)?(?:curl|wget)(?:\.exe)?\s")
# The flag as a word of the command, with the space before it (its quotes and escapes are none).
FLAG_IN_TEXT = re.compile(r"\s(?:-k|--insecure|--no-check-certificate)(?=\s|$|['\"])")


class VerifyTlsInCommand(TargetedCommand):
    NAME = "verify_tls_in_command"
    DESCRIPTION = "Drop curl's -k/--insecure or wget's --no-check-certificate so certificates are checked"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, (cst.SimpleString, cst.FormattedString), what="curl or wget command",
                                 accept=lambda n: _text(n) in FLAGS or bool(
                                     COMMAND.match(_text(n)) and FLAG_IN_TEXT.search(_text(n))))

    def leave_SimpleString(self, original_node: cst.SimpleString, updated_node: cst.SimpleString) -> cst.SimpleString:
        if original_node is not self.found or _text(original_node) in FLAGS:
            return updated_node
        return updated_node.with_changes(value=FLAG_IN_TEXT.sub("", updated_node.value))

    def leave_FormattedString(self, original_node: cst.FormattedString,
                              updated_node: cst.FormattedString) -> cst.FormattedString:
        if original_node is not self.found:
            return updated_node
        return updated_node.with_changes(parts=[
            p.with_changes(value=FLAG_IN_TEXT.sub("", p.value)) if isinstance(p, cst.FormattedStringText) else p
            for p in updated_node.parts])

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.List:
        kept = [new for old, new in zip(original_node.elements, updated_node.elements) if old.value is not self.found]
        if len(kept) == len(updated_node.elements):
            return updated_node
        kept[-1] = kept[-1].with_changes(comma=updated_node.elements[-1].comma)
        return updated_node.with_changes(elements=kept)


def _text(node: cst.CSTNode) -> str:
    """A string literal's text; an f-string's literal parts joined."""
    if isinstance(node, cst.FormattedString):
        return "".join(p.value for p in node.parts if isinstance(p, cst.FormattedStringText))
    return strings.literal(node) or ""


EXAMPLES = (
    # the flag goes from a command string, an f-string or an argument list
    Fix('import os\nos.system("curl -sS -k https://example.org/feed")\n',
        'import os\nos.system("curl -sS https://example.org/feed")\n', at='"curl'),
    Fix('import os\nout = os.popen(f"curl --insecure {url}").read()\n',
        'import os\nout = os.popen(f"curl {url}").read()\n', at='f"curl'),
    Fix('import subprocess\nsubprocess.run(["wget", "--no-check-certificate", "-q", url])\n',
        'import subprocess\nsubprocess.run(["wget", "-q", url])\n', at='"--no-check-certificate"'),
)


STRATEGY = VerifyTlsInCommand
