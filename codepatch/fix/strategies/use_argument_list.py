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

from codepatch.fix import edits
from codepatch.fix.shell import CommandAsList

RUNNERS = ("subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
           "subprocess.Popen")


class UseArgumentList(CommandAsList):
    NAME = "use_argument_list"
    DESCRIPTION = "Run the command as an argument list, without a shell"
    CALLS = RUNNERS
    COMMAND_KEYWORDS = ("args",)

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        if edits.keyword_value(self.call, "shell") is None:
            raise SkipFile("the call runs no shell: the program itself comes from the input, which needs an "
                           "allow-list of programs that only the author can write")

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        command = next(a for a, o in zip(updated.args, original.args) if o is self.command)
        call = edits.replace_args(updated, command, self.command_list(original, updated))
        return edits.with_keyword(call, "shell", cst.Name("False"))


STRATEGY = UseArgumentList
