"""Whether to draw for a terminal (colour, progress bars): only on one, and never when the user
set NO_COLOR (https://no-color.org) or TERM=dumb, where escape sequences would show as raw text."""

from __future__ import annotations

import os
from typing import TextIO


def colour_on(stream: TextIO) -> bool:
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False
    return interactive and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
