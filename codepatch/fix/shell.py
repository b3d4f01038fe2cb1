"""Shell command strings → argument lists, for the command-injection strategies.

A command is split the way a POSIX shell would split it, but only when it uses no shell
feature other than words and quotes: then `f"grep -- '{pattern}' {log}"` is exactly the list
`["grep", "--", pattern, log]`, each interpolated value one argument (which is what its author
meant, and what keeps `; rm -rf ~` from being a second command).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.strings import Part
from codepatch.fix.target import CallRewrite

SHELL_SYNTAX = set("|&;<>()$`\\*?[]#~{}!\n")
DOUBLE_QUOTED_SYNTAX = set("$`\\")


class ShellSyntax(ValueError):
    """The command needs a shell: the message names the construct."""


def words(pieces: list[Part]) -> list[list[Part]]:
    """The shell words of a command given as literal text and interpolated values."""
    found: list[list[Part]] = []
    word: list[Part] | None = None
    quote = None
    for piece in pieces:
        if not isinstance(piece, str):
            word = (word or []) + [piece]
            continue
        for char in piece:
            if quote is None and char in " \t":
                if word is not None:
                    found.append(word)
                word = None
                continue
            word = word if word is not None else []
            if quote is None and char in "'\"":
                quote = char
            elif char == quote:
                quote = None
            elif (quote is None and char in SHELL_SYNTAX) or (quote == '"' and char in DOUBLE_QUOTED_SYNTAX):
                raise ShellSyntax(f"the command uses shell syntax ({char!r})")
            else:
                word.append(char)
    if quote is not None:
        raise ShellSyntax("the command has an unclosed quote")
    if word is not None:
        found.append(word)
    return [_merge(w) for w in found]


def _merge(word: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for part in word:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return merged


def argument_list(command: cst.BaseExpression, context: CodemodContext) -> cst.BaseExpression:
    """The command as a list: explicit when it is an interpolated string, else `shlex.split(command)`.

    Raises `ShellSyntax` when the command is built from literal text that needs a shell.
    """
    if isinstance(command, (cst.List, cst.Tuple)):
        return command  # already a list: without the shell it is the argv it looks like
    pieces = strings.parts(command)
    if pieces is None:
        AddImportsVisitor.add_needed_import(context, "shlex")
        return edits.expr("shlex.split({command})", command=command)
    elements = [cst.Element(strings.rebuild(word)) for word in words(pieces)]
    if not elements:
        raise ShellSyntax("the command is empty")
    return cst.List(elements)


class CommandAsList(CallRewrite):
    """Base of strategies that turn the command argument of a call into an argument list.

    The list is built where the command string is built: in the call itself, or in the
    assignment of a variable that only this call reads. A variable read elsewhere too (a log
    line) keeps its string, and the call gets the list built from the same pieces, when none of
    them changes in between. A command that is a parameter of the enclosing function is left
    to quote_shell_arguments, which fixes it where the callers build it.
    """

    COMMAND_KEYWORDS: tuple[str, ...] = ("args", "cmd", "command")

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        keywords = [edits.argument(self.call, None, k) for k in self.COMMAND_KEYWORDS]
        command = edits.argument(self.call, 0) or next((k for k in keywords if k), None)
        if command is None:
            raise SkipFile("the command is passed through *args or **kwargs")
        self.command = command
        if self.parameter_index(command.value, self.call) is not None:
            raise SkipFile(f"the command is the parameter `{command.value.value}`, built by the callers: "
                           "quote_shell_arguments quotes its values where it is built")
        found = self.only_assignment(command.value)
        built_here = found is not None and strings.is_interpolated(found[0].value)
        self.assignment = found[0] if built_here and found[1] == 1 else None
        self.copied = found[0].value if built_here and found[1] > 1 and self.unchanged_between(
            found[0], self.call) else None

    def as_list(self, command: cst.BaseExpression) -> cst.BaseExpression:
        try:
            return argument_list(command, self.context)
        except ShellSyntax as exc:
            raise SkipFile(f"{exc}: it needs a shell; quote_shell_arguments keeps the shell and quotes "
                           "each value instead") from exc

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.assignment:
            return updated_node
        return updated_node.with_changes(value=self.as_list(updated_node.value))

    def command_list(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """The new command argument's value for the rewritten call."""
        command = next(a for a, o in zip(updated.args, original.args) if o is self.command)
        if self.assignment is not None:
            return command.value
        return self.as_list(self.copied if self.copied is not None else command.value)
