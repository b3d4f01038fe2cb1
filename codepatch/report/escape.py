"""Text from the scanned repository made safe to print: file names, code and comments can hold
anything, and what a terminal or a CI runner reads as a command must stay text.

- `shown`: control characters (C0, C1, DEL), Unicode format and line/paragraph separators (bidi
  overrides such as U+202E included) and the undecodable bytes of a file name (kept as lone
  surrogates by `os.fsdecode`) become visible escapes (`\\x1b`, `\\u202e`, `\\xff`), so a name can
  neither start a new line nor move the cursor.
- `log_line`: `shown`, and a line that would begin with `::` (a GitHub workflow command, after
  leading whitespace) has its first colon escaped.
- `uri`: a relative path percent-encoded from its bytes, for SARIF.
"""

from __future__ import annotations

import os
import unicodedata
import urllib.parse

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
WORKFLOW_COMMAND = "::"


def shown(text: str) -> str:
    if text.isprintable() and text.isascii():
        return text  # the common case, checked in C
    return "".join(_escaped(ch) if unicodedata.category(ch) in UNSAFE_CATEGORIES else ch for ch in text)


def _escaped(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def log_line(line: str) -> str:
    line = shown(line)
    stripped = line.lstrip()
    if stripped.startswith(WORKFLOW_COMMAND):
        start = len(line) - len(stripped)
        line = line[:start] + "\\x3a" + line[start + 1:]
    return line


def log_text(text: str) -> str:
    """Every line of a report or message through `log_line` (line breaks kept)."""
    return "\n".join(log_line(line) for line in text.split("\n"))


def uri(path: str) -> str:
    """A relative URI reference for a display path: its bytes percent-encoded, '/' kept."""
    return urllib.parse.quote(os.fsencode(path), safe="/")
