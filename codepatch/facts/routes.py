"""URL variables a web framework converts before a handler sees them: numbers and UUIDs, never text."""

from __future__ import annotations

import re

# `<int:pk>` (Flask, Django, Quart; Django's `slug` is letters, digits, `-` and `_` only), `<pk:int>`
# (Sanic, Bottle), `{pk:int}` (Falcon). A `path` or `str` converter still gives text.
_CONVERTED = re.compile(r"<(?:int|float|uuid|slug):(\w+)>|<(\w+):(?:int|float|uuid|number|slug)>"
                        r"|\{(\w+):(?:int|float|uuid|dt)(?:\([^)]*\))?\}")


def converted_variables(route: str) -> set[str]:
    """The names of the URL variables in `route` that arrive converted."""
    return {name for groups in _CONVERTED.findall(route) for name in groups if name}
