"""Errors a user can act on: one line on standard error, exit code 2."""

from __future__ import annotations

import click


class UserError(click.ClickException):
    """Bad configuration, an invalid rule, an unwritable output: exit 2, never 1 (1 means findings)."""

    exit_code = 2
