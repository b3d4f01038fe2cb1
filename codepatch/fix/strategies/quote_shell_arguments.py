"""Keep the shell, but pass each interpolated value through `shlex.quote`.

`f"tar czf {name}.tgz {src} | gpg -e"` → `f"tar czf {shlex.quote(name)}.tgz {shlex.quote(src)} | gpg -e"`.
For commands that need a shell (pipes, redirections); `use_argument_list` is preferred
otherwise. A value written inside quotes in the command gets the quotes closed around it
(`'{x}'` → `''{shlex.quote(x)}''` is avoided: the surrounding quotes are dropped instead).
Numbers (`int(...)`, `len(...)`, literals) are left alone. Refused when the command is not
built here (a parameter or a call's result): it must be quoted where it is built.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.strings import Part
from codepatch.fix.target import CallRewrite

SHELL_CALLS = ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
               "asyncio.create_subprocess_shell", "subprocess.run", "subprocess.call", "subprocess.check_call",
               "subprocess.check_output", "subprocess.Popen", "commands.getoutput")
NUMERIC_CALLS = ("int", "float", "len", "builtins.int", "builtins.float", "builtins.len")


class QuoteShellArguments(CallRewrite):
    NAME = "quote_shell_arguments"
    DESCRIPTION = "Quote each value put into a shell command with shlex.quote"
    CALLS = SHELL_CALLS

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        command = edits.argument(self.call, 0, "args") or edits.argument(self.call, None, "cmd")
        found = self.only_assignment(command.value) if command else None
        if found and strings.is_interpolated(found[0].value):
            self.built = found[0].value
        elif command and strings.is_interpolated(command.value):
            self.built = command.value
        else:
            raise SkipFile("the command string is not built here (it is a parameter, an attribute or a call's "
                           "result): quote the values where the string is built")
        self.quoted = strings.rebuild(_quote_values(strings.parts(self.built), self._numeric))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._quoted() if original_node is self.built else updated_node

    def leave_BinaryOperation(self, original_node: cst.BinaryOperation, updated_node: cst.BinaryOperation):
        return self._quoted() if original_node is self.built else updated_node

    def leave_FormattedString(self, original_node: cst.FormattedString, updated_node: cst.FormattedString):
        return self._quoted() if original_node is self.built else updated_node

    def _quoted(self) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "shlex")
        return self.quoted

    def _numeric(self, value: cst.BaseExpression) -> bool:
        return isinstance(value, (cst.Integer, cst.Float)) or (
            isinstance(value, cst.Call) and self.calls(value, *NUMERIC_CALLS))


def _quote_values(pieces: list[Part], numeric) -> list[Part]:
    """Each value quoted; a value inside shell quotes gets them closed and reopened around it."""
    quoted: list[Part] = []
    quote = None
    for index, piece in enumerate(pieces):
        if isinstance(piece, str):
            quoted.append(piece)
            for char in piece:
                if quote is None and char in "'\"":
                    quote = char
                elif char == quote:
                    quote = None
            continue
        if numeric(piece):
            quoted.append(piece)
            continue
        value = edits.expr("shlex.quote({value})", value=piece)
        after = pieces[index + 1] if index + 1 < len(pieces) else ""
        if quote and quoted and isinstance(quoted[-1], str) and quoted[-1].endswith(quote) \
                and isinstance(after, str) and after.startswith(quote):
            quoted[-1] = quoted[-1][:-1]  # `'{x}'`: shlex.quote supplies the quotes
            pieces[index + 1] = after[1:]
            quote = None
            quoted.append(value)
        elif quote:
            quoted += [quote, value, quote]
        else:
            quoted.append(value)
    return quoted


STRATEGY = QuoteShellArguments
