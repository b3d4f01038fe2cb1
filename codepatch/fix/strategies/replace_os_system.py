"""`os.system`, `os.popen`, `subprocess.getoutput` → `subprocess.run([...])`, keeping the result's use.

- `os.system(cmd)` → `subprocess.run(args, check=False).returncode` (just the call as a statement).
  Note: `os.system` returns a wait status (exit code × 256 on POSIX); `returncode` is the exit
  code, so `== 0` / `!= 0` tests keep their meaning.
- `os.popen(cmd).read()` → `subprocess.run(args, capture_output=True, text=True, check=False).stdout`;
  `.readlines()` → `.stdout.splitlines(keepends=True)`.
- `subprocess.getoutput(cmd)` → the same with stderr merged into stdout, one trailing newline removed.
The command becomes an argument list as in `use_argument_list`. Refused: commands that need a
shell, and `os.popen` objects used other than by `.read()`/`.readlines()`.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.shell import CommandAsList

CAPTURED = "subprocess.run({args}, capture_output=True, text=True, check=False).stdout"
MERGED = "subprocess.run({args}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False).stdout"
READERS = {"read": CAPTURED, "readlines": CAPTURED + ".splitlines(keepends=True)"}


class ReplaceOsSystem(CommandAsList):
    NAME = "replace_os_system"
    DESCRIPTION = "Run the command with subprocess.run and an argument list instead of a shell"
    CALLS = ("os.system", "os.popen", "subprocess.getoutput", "commands.getoutput")

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.replaced, self.template = self.call, "subprocess.run({args}, check=False).returncode"
        if self.calls(self.call, "subprocess.getoutput", "commands.getoutput"):
            self.template = MERGED + '.removesuffix("\\n")'
        elif self.calls(self.call, "os.popen"):
            reader = self.parent(self.parent(self.call))
            if not (m.matches(self.parent(self.call), m.Attribute(attr=m.OneOf(*map(m.Name, READERS))))
                    and isinstance(reader, cst.Call) and not reader.args):
                raise SkipFile("the os.popen() file object is used other than by .read()/.readlines(); "
                               "rewrite it with subprocess.run(..., capture_output=True) by hand")
            self.replaced, self.template = reader, READERS[self.parent(self.call).attr.value]
        elif isinstance(self.parent(self.call), cst.Expr):
            self.template = "subprocess.run({args}, check=False)"
        if len(self.call.args) != 1:
            raise SkipFile("the call has extra arguments (a popen mode or buffering) with no subprocess.run "
                           "equivalent")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node is self.call:
            self.new_args = self.command_list(original_node, updated_node)
        if original_node is not self.replaced:
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "subprocess")
        return edits.expr(self.template, args=self.new_args)


EXAMPLES = (
    # os.system becomes subprocess.run, keeping the return value
    Fix("""\
        import os
        from os import system as run_shell


        def ping(host):
            os.system(f"ping -c 1 {host}")
            status = run_shell("traceroute %s" % host)
            return status
        """, """\
        import os
        from os import system as run_shell
        import subprocess


        def ping(host):
            subprocess.run(["ping", "-c", "1", host], check=False)
            status = run_shell("traceroute %s" % host)
            return status
        """, at="os.system("),
    Fix("""\
        from os import system as run_shell
        if run_shell("traceroute %s" % host) != 0:
            fail()
        """, """\
        from os import system as run_shell
        import subprocess

        if subprocess.run(["traceroute", host], check=False).returncode != 0:
            fail()
        """, at="run_shell("),
    # os.popen(...).read() becomes captured stdout
    Fix("""\
        import os
        import subprocess
        out = os.popen("dig {}".format(host)).read()  # lookup
        lines = os.popen("ls " + d).readlines()
        """, """\
        import os
        import subprocess
        out = subprocess.run(["dig", host], capture_output=True, text=True, check=False).stdout  # lookup
        lines = os.popen("ls " + d).readlines()
        """, at="os.popen("),
    Fix('import os, subprocess\nlines = os.popen("ls " + d).readlines()\n',
        'import os, subprocess\nlines = subprocess.run(["ls", d], capture_output=True, text=True, '
        'check=False).stdout.splitlines(keepends=True)\n', at="os.popen("),
    # getoutput keeps merged output without the trailing newline
    Fix('import subprocess\nlog = subprocess.getoutput("cat " + path)\n',
        'import subprocess\nlog = subprocess.run(["cat", path], stdout=subprocess.PIPE, '
        'stderr=subprocess.STDOUT, text=True, check=False).stdout.removesuffix("\\n")\n',
        at="subprocess.getoutput("),
    # os.popen used as a file, and shell pipelines
    Refuse('import os\nfor line in os.popen("ls " + d):\n    print(line)\n',
           at="os.popen(", reason="used other than by .read()"),
    Refuse('import os\nos.system(f"cat {f} > /tmp/out")\n', at="os.system(",
           reason="shell syntax ('>')"),
)


STRATEGY = ReplaceOsSystem
