"""The `codepatch` command line: a click group whose subcommands live in `codepatch/commands/`.

Adding a command means adding a module there that defines `command`; nothing here changes.
Command modules must keep heavy imports (torch, transformers, peft) inside their functions,
so `codepatch --help` and `codepatch scan` start fast.

`main` enforces the exit-status contract (codepatch/exit_status.py): whatever goes wrong (an
exception, a closed standard output, SIGTERM) ends in status 2 with one line on standard error.
"""

from __future__ import annotations

import errno
import importlib
import os
import pkgutil
import signal
import sys

import click

from codepatch import __version__, commands
from codepatch.exit_status import ExitStatus, contracted
from codepatch.report.escape import shown

EPILOG = ("Exit status: 0 nothing at or above --fail-on, 1 findings at or above --fail-on, "
          "2 usage, configuration or internal error (never 0 or 1 when the analysis failed).")


class OutputClosed(Exception):
    """Standard output was closed before the report was written (`codepatch scan | head -1`)."""


TERMINATION_RETRY_SECONDS = 0.05


class Terminated(BaseException):
    """SIGTERM: raised in the main thread so that every `finally` (workspaces, test processes) runs."""


class CommandsPackageGroup(click.Group):
    """A group that finds its subcommands in the `codepatch.commands` package."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = [m.name.replace("_", "-") for m in pkgutil.iter_modules(commands.__path__)]
        return sorted(names)

    def make_context(self, *args, **kwargs) -> click.Context:
        with _closed_output_raised():  # --help into a closed pipe
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            with _closed_output_raised():
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit, OutputClosed):
            raise
        except Exception as exc:  # fail closed: an internal error must never look like "clean" or "findings"
            report_internal_error(exc)
            ctx.exit(ExitStatus.ERROR)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = name.replace("-", "_")
        if module_name not in {m.name for m in pkgutil.iter_modules(commands.__path__)}:
            return None
        module = importlib.import_module(f"codepatch.commands.{module_name}")
        return module.command


class _closed_output_raised:
    """Turns a broken pipe into OutputClosed: click itself would exit 1 ("findings") on EPIPE."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
            raise OutputClosed() from exc
        return False


@click.group(cls=CommandsPackageGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="codepatch")
def cli() -> None:
    """Find where untrusted input reaches a dangerous sink in Python code, and fix it."""


def report_internal_error(exc: BaseException) -> None:
    say(f"codepatch: internal error: {type(exc).__name__}: {exc}")


def say(line: str) -> None:
    """One line on standard error, escaped; nothing when standard error is gone too."""
    try:
        click.echo(shown(line), err=True)
    except OSError:
        pass


def main() -> None:
    """Entry point: runs the command and exits with a status of the contract, never a traceback."""
    signal.signal(signal.SIGTERM, _raise_terminated)
    sys.unraisablehook = _redelivering_termination(sys.unraisablehook)
    try:
        code: object = cli.main(standalone_mode=False)
    except click.ClickException as exc:
        try:
            exc.show()
        except OSError:
            pass
        code = ExitStatus.ERROR
    except OutputClosed:
        _silence_stdout()
        say("codepatch: error: standard output was closed before the whole report was written")
        code = ExitStatus.ERROR
    except (click.exceptions.Abort, KeyboardInterrupt):
        say("codepatch: interrupted")
        code = ExitStatus.ERROR
    except Terminated:
        say("codepatch: terminated (SIGTERM)")
        code = ExitStatus.ERROR
    except SystemExit as exc:
        code = exc.code
        if isinstance(code, str):
            say(code)
    except BaseException as exc:  # MemoryError, RecursionError, ...: never a clean exit
        report_internal_error(exc)
        code = ExitStatus.ERROR
    sys.exit(int(contracted(code)))


def _raise_terminated(signum: int, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated()


def _redelivering_termination(previous):
    """A Terminated raised where exceptions cannot propagate (an at-fork hook run while a worker or
    test process is started, a finaliser) is only printed and dropped: raise it again a moment
    later (SIGALRM), once that code has returned, so that it unwinds."""
    def hook(unraisable) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, Terminated):
            signal.signal(signal.SIGALRM, _raise_terminated)
            signal.setitimer(signal.ITIMER_REAL, TERMINATION_RETRY_SECONDS)
            return
        previous(unraisable)
    return hook


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
