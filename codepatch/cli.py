"""The `codepatch` command line: a click group whose subcommands live in `codepatch/commands/`.

Adding a command means adding a module there that defines `command`; nothing here changes.
Command modules must keep heavy imports (torch, transformers, peft) inside their functions,
so `codepatch --help` and `codepatch scan` start fast.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from codepatch import __version__, commands

EXIT_USAGE_OR_INTERNAL = 2


class CommandsPackageGroup(click.Group):
    """A group that finds its subcommands in the `codepatch.commands` package."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = [m.name.replace("_", "-") for m in pkgutil.iter_modules(commands.__path__)]
        return sorted(names)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except Exception as exc:  # fail closed: an internal error must never look like "findings" (1)
            click.echo(f"codepatch: internal error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(EXIT_USAGE_OR_INTERNAL)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = name.replace("-", "_")
        if module_name not in {m.name for m in pkgutil.iter_modules(commands.__path__)}:
            return None
        module = importlib.import_module(f"codepatch.commands.{module_name}")
        return module.command


@click.group(cls=CommandsPackageGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codepatch")
def cli() -> None:
    """Find where untrusted input reaches a dangerous sink in Python code, and fix it."""


def main() -> None:
    """Entry point: any uncaught exception ends in exit code 2 (fail closed), never 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(max(exc.exit_code, EXIT_USAGE_OR_INTERNAL))
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_USAGE_OR_INTERNAL)
    except SystemExit:
        raise
    except BaseException as exc:  # fail closed: an internal error must never look like "findings" (1)
        click.echo(f"codepatch: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_USAGE_OR_INTERNAL)
