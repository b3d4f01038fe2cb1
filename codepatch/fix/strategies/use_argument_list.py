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
from codepatch.fix.examples import Fix, Refuse
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


EXAMPLES = (
    # a shell command becomes an argument list
    *(Fix(f"import subprocess\nsubprocess.run({command}, shell=True, check=True)  # keep me\n",
          f"import subprocess\nsubprocess.run({as_list}, shell=False, check=True)  # keep me\n", at="subprocess.run(")
      for command, as_list in [
          ('f"ping -c 1 {host}"', '["ping", "-c", "1", host]'),
          ('"nslookup " + host', '["nslookup", host]'),
          ('"grep -- \'%s\' /var/log/app.log" % pattern', '["grep", "--", pattern, "/var/log/app.log"]'),
          ('"convert {} --name={}".format(src, name)', '["convert", src, f"--name={name}"]'),
      ]),
    Fix("import subprocess\nsubprocess.run(build_command(host), shell=True, check=True)  # keep me\n",
        "import subprocess\nimport shlex\n\nsubprocess.run(shlex.split(build_command(host)), shell=False, check=True)"
        "  # keep me\n", at="subprocess.run("),
    # a command built in a variable is fixed where it is built
    Fix("""\
        import subprocess as sp


        def lookup(host):
            cmd = f"dig +short {host}"
            # resolve
            return sp.check_output(cmd, shell=True)
        """, """\
        import subprocess as sp


        def lookup(host):
            cmd = ["dig", "+short", host]
            # resolve
            return sp.check_output(cmd, shell=False)
        """, at="sp.check_output("),
    # shell syntax, and programs chosen by the user
    Refuse('import subprocess\nsubprocess.run(f"cat {f} | wc -l", shell=True)\n',
           at="subprocess.run(", reason="shell syntax ('|')"),
    Refuse('import subprocess\nsubprocess.Popen([program, "--version"])\n',
           at="subprocess.Popen(", reason="allow-list of programs"),
    # a command variable read elsewhere keeps its string; the call gets the list
    Fix("""\
        import subprocess
        def ping(host):
            cmd = "ping -c 1 " + host
            log.info("running %s", cmd)
            return subprocess.run(cmd, shell=True, capture_output=True)
        """, """\
        import subprocess
        def ping(host):
            cmd = "ping -c 1 " + host
            log.info("running %s", cmd)
            return subprocess.run(["ping", "-c", "1", host], shell=False, capture_output=True)
        """, at="subprocess.run("),
    # a list run through a shell keeps its list
    Fix('import subprocess\nsubprocess.call(["convert", src], shell=True)\n',
        'import subprocess\nsubprocess.call(["convert", src], shell=False)\n', at="subprocess.call("),
)


STRATEGY = UseArgumentList
