"""URL variables a web framework converts before a handler sees them: numbers and UUIDs, never text."""

from __future__ import annotations

import re

# `<int:pk>` (Flask, Django, Quart; Django's `slug` is letters, digits, `-` and `_` only), `<pk:int>`
# (Sanic, Bottle), `{pk:int}` (Falcon). A `path` or `str` converter still gives text.
_CONVERTED = re.compile(r"<(?:int|float|uuid|slug):(\w+)>|<(\w+):(?:int|float|uuid|number|slug)>"
                        r"|\{(\w+):(?:int|float|uuid|dt)(?:\([^)]*\))?\}")


# A regex group (Django `re_path`/`url`) that matches digits or word characters only:
# `(?P<pk>\d+)`, `(?P<year>[0-9]{4})`, `(?P<slug>[-\w]+)` hold no quote, bracket, slash or space.
_WORD_GROUP = re.compile(r"\(\?P<(\w+)>(?:(?:\\d|\\w|\[(?:\\d|\\w|0-9|a-z|A-Z|_|-)+\])(?:[+*?]|\{\d+(?:,\d*)?\})?)+\)")


def converted_variables(route: str) -> set[str]:
    """The names of the URL variables in `route` that arrive converted, or matched as a word."""
    return {name for groups in _CONVERTED.findall(route) for name in groups if name} | set(_WORD_GROUP.findall(route))
