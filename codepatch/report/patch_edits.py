"""A validated patch's files as text a reviewer can use: a unified diff, and line edits.

A line edit replaces whole lines `start..end` (1-based, inclusive) of the original file, the form
of a GitHub ```suggestion``` block. A pure insertion has no line of its own, so it takes the line
above it (or below, at the top of the file) into its range.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class LineEdit:
    start: int
    end: int
    original: str  # the text of lines start..end before the patch, line endings kept
    replacement: str


def unified_diff(path: str, original: str, patched: str) -> str:
    """`git diff`'s form (`a/app.py`, `b/app.py`); a file outside the folder the report is relative to
    has an absolute display path, written as it is, as GNU diff does (`patch -p0` applies it)."""
    old, new = (path, path) if path.startswith("/") else (f"a/{path}", f"b/{path}")
    return "".join(difflib.unified_diff(original.splitlines(keepends=True), patched.splitlines(keepends=True),
                                        old, new))


def line_edits(original: str, patched: str) -> list[LineEdit]:
    before, after = original.splitlines(keepends=True), patched.splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        inserted = "".join(after[j1:j2])
        if i1 < i2:  # replace or delete: the lines themselves
            edits.append(LineEdit(i1 + 1, i2, "".join(before[i1:i2]), inserted))
        elif i1 > 0:  # insertion below line i1
            edits.append(LineEdit(i1, i1, before[i1 - 1], _ended(before[i1 - 1]) + inserted))
        else:  # insertion at the top of the file
            edits.append(LineEdit(1, 1, before[0], inserted + before[0]))
    return edits


def _ended(line: str) -> str:
    """The last line of a file may lack its newline; text appended after it needs one."""
    return line if line.endswith(("\n", "\r")) else line + "\n"
