"""One module per `codepatch` subcommand, each defining `command` (a click.Command)."""
