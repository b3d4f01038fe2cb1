"""Which lines of the pull request's head files a review comment may be placed on.

GitHub accepts comments on the RIGHT side only on lines shown in the pull request's diff: the
added and context lines of each hunk. A multi-line comment must stay inside one hunk.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

HUNK_HEADER = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Hunk:
    start: int  # the first head-file line the hunk shows
    lines: tuple[str, ...]  # the head file's text of the lines it shows, without line endings

    def text(self, start: int, end: int) -> tuple[str, ...] | None:
        if self.start <= start <= end < self.start + len(self.lines):
            return self.lines[start - self.start:end - self.start + 1]
        return None


@dataclass(frozen=True)
class PullDiff:
    hunks: dict[str, tuple[Hunk, ...]]  # head path → its hunks

    def head_text(self, path: str, start: int, end: int) -> tuple[str, ...] | None:
        """The head file's lines start..end when one hunk shows them all, else None."""
        for hunk in self.hunks.get(path, ()):
            text = hunk.text(start, end)
            if text is not None:
                return text
        return None


def parse_diff(text: str) -> PullDiff:
    hunks: dict[str, list[Hunk]] = {}
    path: str | None = None
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("+++ "):
            path = _head_path(line[4:])
        elif (header := HUNK_HEADER.match(line)) and path is not None:
            old_count = int(header.group(1) or 1)
            new_count = int(header.group(3) or 1)
            shown, index = _hunk_lines(lines, index, old_count, new_count)
            hunks.setdefault(path, []).append(Hunk(int(header.group(2)), shown))
    return PullDiff({p: tuple(h) for p, h in hunks.items()})


def _hunk_lines(lines: list[str], index: int, old_count: int, new_count: int) -> tuple[tuple[str, ...], int]:
    """The head side of one hunk; the counts in its header say where it ends."""
    shown: list[str] = []
    while (old_count > 0 or new_count > 0) and index < len(lines):
        line = lines[index]
        index += 1
        marker, content = line[:1], line[1:]
        if marker in (" ", ""):  # some tools strip the space of an empty context line
            shown.append(content.rstrip("\r"))
            old_count, new_count = old_count - 1, new_count - 1
        elif marker == "+":
            shown.append(content.rstrip("\r"))
            new_count -= 1
        elif marker == "-":
            old_count -= 1
        # "\ No newline at end of file" counts for neither side
    return tuple(shown), index


def _head_path(name: str) -> str | None:
    name = name.split("\t")[0]
    if name.startswith('"'):  # git quotes unusual names with C escapes (octal UTF-8 bytes)
        try:
            name = codecs.escape_decode(name[1:-1].encode())[0].decode("utf-8", "replace")
        except ValueError:  # not git's quoting (a hand-made diff): kept as written, it names no patched file
            pass
    if name == "/dev/null":
        return None  # a deleted file has no head lines
    return name[2:] if name.startswith("b/") else name
