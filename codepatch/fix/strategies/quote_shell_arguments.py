"""Keep the shell, but pass each interpolated value through `shlex.quote`.

`f"tar czf {name}.tgz {src} | gpg -e"` → `f"tar czf {shlex.quote(name)}.tgz {shlex.quote(src)} | gpg -e"`.
For commands that need a shell (pipes, redirections); `use_argument_list` is preferred
otherwise. A value written inside quotes in the command gets the quotes closed around it
(`'{x}'` → `''{shlex.quote(x)}''` is avoided: the surrounding quotes are dropped instead).
Numbers (`int(...)`, `len(...)`, literals) are left alone.

A command that is a parameter of the function running it (`def run_command(command):
subprocess.run(command, shell=True)`) is quoted where it is built: at every call of that
function in the project, in the formatted string passed, or in the one formatted string
returned by the builder function passed (`run_command(lookup_command(host))`, `lookup_command`
called only there), in whichever module those are. Refused when a caller passes something
else (a variable, an attribute), since its values can only be quoted where it is built.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from codepatch.fix import edits, elsewhere, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.project import project_of
from codepatch.fix.strings import Part
from codepatch.fix.target import CallRewrite

SHELL_CALLS = ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
               "asyncio.create_subprocess_shell", "subprocess.run", "subprocess.call", "subprocess.check_call",
               "subprocess.check_output", "subprocess.Popen", "commands.getoutput")


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
        elif command and self.parameter_index(command.value, self.call) is not None:
            self.built, self.here = None, self._quote_at_callers(command.value)
            return
        else:
            raise SkipFile("the command string is not built here (it is a parameter, an attribute or a call's "
                           "result): quote the values where the string is built")
        self.quoted = strings.rebuild(_quote_values(strings.parts(self.built), _numeric))

    def _quote_at_callers(self, name: cst.Name) -> dict[int, cst.BaseExpression]:
        """Quote the command where each caller builds it; returns this module's replacements."""
        function = self.enclosing(self.call, cst.FunctionDef)
        module = self.enclosing(self.call, cst.Module)
        own = Path(self.context.filename or ".").resolve()
        edits_by_file: dict[Path, tuple[cst.Module, dict[int, cst.BaseExpression]]] = {}
        sites = elsewhere.calls_to(project_of(self.context), self.context.filename or "", function.name.value, module)
        for path, tree, call in sites:
            if call is self.call or any(n is call for n in m.findall(function, m.Call())):
                continue  # a recursive call passes the command along
            built_in = self._built_at(path, tree, call, self.parameter_index(name, self.call), name.value)
            if built_in is not None:
                where, where_tree, built = built_in
                edits_by_file.setdefault(where, (where_tree, {}))[1][id(built)] = \
                    strings.rebuild(_quote_values(strings.parts(built), _numeric))
        if not edits_by_file:
            raise SkipFile(f"the command is not built here, and no caller of {function.name.value}() builds it "
                           "from formatted values: quote the values where the command string is built")
        for path, (tree, replacements) in edits_by_file.items():
            if path != own:
                elsewhere.record(self.context, path, elsewhere.rewrite(tree, replacements, ("shlex",)).code)
        return edits_by_file.get(own, (None, {}))[1]

    def _built_at(self, path: Path, tree: cst.Module, call: cst.Call, index: int,
                  keyword: str) -> tuple[Path, cst.Module, cst.BaseExpression] | None:
        """(file, its tree, the formatted string) a caller passes as the command; None for a constant."""
        argument = edits.argument(call, index, keyword)
        where = f"{path.name}:{_line_of(tree, call)}"
        if argument is None:
            raise SkipFile(f"the call at {where} passes the command through *args or **kwargs")
        if strings.literal(argument.value) is not None:
            return None
        if strings.is_interpolated(argument.value):
            return path, tree, argument.value
        if isinstance(argument.value, cst.Call) and isinstance(argument.value.func, cst.Name):
            builder = argument.value.func.value
            found = elsewhere.resolve_function(project_of(self.context), str(path), tree, builder)
            returns = m.findall(found.function, m.Return()) if found else []
            if len(returns) == 1 and returns[0].value is not None and strings.is_interpolated(returns[0].value):
                if len(elsewhere.calls_to(project_of(self.context), str(path), builder, tree)) != 1:
                    raise SkipFile(f"{builder}() builds the command but is called elsewhere too; quoting its values "
                                   "would change those uses")
                return found.path, found.tree, returns[0].value
        raise SkipFile(f"the call at {where} passes `{strings.code(argument.value)}` as the command, which is not "
                       "built there from formatted values: quote the values where it is built")

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self.built is not None or not self.here:
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "shlex")
        return elsewhere.rewrite(original_node, self.here)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._quoted() if original_node is self.built else updated_node

    def leave_BinaryOperation(self, original_node: cst.BinaryOperation, updated_node: cst.BinaryOperation):
        return self._quoted() if original_node is self.built else updated_node

    def leave_FormattedString(self, original_node: cst.FormattedString, updated_node: cst.FormattedString):
        return self._quoted() if original_node is self.built else updated_node

    def _quoted(self) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "shlex")
        return self.quoted

def _numeric(value: cst.BaseExpression) -> bool:
    """A number, by its form: a literal, or `int(...)`, `float(...)`, `len(...)`."""
    return isinstance(value, (cst.Integer, cst.Float)) or (
        isinstance(value, cst.Call) and m.matches(value.func, m.Name("int") | m.Name("float") | m.Name("len")))


def _line_of(tree: cst.Module, node: cst.CSTNode) -> int:
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    return wrapper.resolve(PositionProvider)[node].start.line


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


EXAMPLES = (
    # each value of a shell command is quoted
    Fix("""\
        import os
        os.system(f"tar czf {name}.tgz {src} | gpg -c --s2k-count {int(n)}")  # backup
        """, """\
        import os
        import shlex

        os.system(f"tar czf {shlex.quote(name)}.tgz {shlex.quote(src)} | gpg -c --s2k-count {int(n)}")  # backup
        """, at="os.system("),
    # quoted placeholders, and commands built in a variable
    Fix("""\
        import shlex, subprocess
        cmd = "grep '%s' %s | sort" % (pattern, log)
        subprocess.run(cmd, shell=True)
        """, """\
        import shlex, subprocess
        cmd = f"grep {shlex.quote(pattern)} {shlex.quote(log)} | sort"
        subprocess.run(cmd, shell=True)
        """, at="subprocess.run("),
    Fix('import os, shlex\nos.system("echo \\"hi " + name + "\\" | wall")\n',
        'import os, shlex\nos.system(f"echo \\"hi \\"{shlex.quote(name)}\\"\\" | wall")\n',
        at="os.system("),
    # a command not built in this module
    Refuse("import os\ndef run(command):\n    os.system(command)\n",
           at="os.system(", reason="not built here"),
)


STRATEGY = QuoteShellArguments
