"""`subprocess.run("ping " + host, shell=True)` → `subprocess.run(["ping", host], shell=False)`.

The command becomes an explicit argument list when it is built by interpolation (f-string, `+`,
`%`, `.format`), also when it is built in a variable used only by this call; otherwise
`shlex.split(command)`. Without a shell, metacharacters in a value are plain text.
Refused: commands that need a shell (pipes, redirections, `$VAR`, globs) — `quote_shell_arguments`
keeps the shell for those — and a program chosen by the caller (`Popen([program, ...])`),
which needs an allow-list of programs that only the author can write.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import SkipFile

from codepatch.fix import edits, strings
from codepatch.fix.shell import ShellSyntax, argument_list
from codepatch.fix.target import CallRewrite

RUNNERS = ("subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
           "subprocess.Popen")


class UseArgumentList(CallRewrite):
    NAME = "use_argument_list"
    DESCRIPTION = "Run the command as an argument list, without a shell"
    CALLS = RUNNERS

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        command = edits.argument(self.call, 0, "args")
        if command is None:
            raise SkipFile("the command is passed through *args or **kwargs")
        if edits.keyword_value(self.call, "shell") is None:
            raise SkipFile("the call runs no shell: the program itself comes from the input, which needs an "
                           "allow-list of programs that only the author can write")
        self.command = command
        found = self.only_assignment(command.value)
        self.assignment = found[0] if found and found[1] == 1 and strings.is_interpolated(found[0].value) else None

    def _as_list(self, command: cst.BaseExpression) -> cst.BaseExpression:
        try:
            return argument_list(command, self.context)
        except ShellSyntax as exc:
            raise SkipFile(f"{exc}: it needs a shell; quote_shell_arguments keeps the shell and quotes "
                           "each value instead") from exc

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.assignment:
            return updated_node
        return updated_node.with_changes(value=self._as_list(updated_node.value))

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        call = updated
        if self.assignment is None:
            command = next(a for a, o in zip(updated.args, original.args) if o is self.command)
            call = edits.replace_args(updated, command, self._as_list(command.value))
        return edits.with_keyword(call, "shell", cst.Name("False"))


STRATEGY = UseArgumentList
