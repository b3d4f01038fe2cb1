"""Reading and parsing one file: bytes → checked UTF-8 text → tree-sitter tree.

Every failure is a `FileProblem`, never an exception: binary, non-UTF-8, unreadable and
enormous files each give one line, and a file with syntax errors is still parsed (tree-sitter
recovers) and marked partial.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter
import tree_sitter_python

from codepatch.types import FileProblem, SourceFile

DEFAULT_MAX_FILE_BYTES = 2_000_000
DEFAULT_FILE_SECONDS = 60.0  # a file whose analysis takes longer is a problem, not a hang (--file-timeout)
PY_LANGUAGE = tree_sitter.Language(tree_sitter_python.language())


@dataclass(frozen=True)
class ReadOutcome:
    data: bytes | None
    problem: FileProblem | None


def new_parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(PY_LANGUAGE)


def read_source(source: SourceFile, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> ReadOutcome:
    """The file's bytes, if they are a Python source we can analyse."""
    try:
        size = source.path.stat().st_size
        if size > max_bytes:
            return ReadOutcome(None, FileProblem(source.display, "too-large",
                                                 f"{size} bytes is over the {max_bytes}-byte limit (--max-file-size)"))
        data = source.path.read_bytes()
    except OSError as exc:
        return ReadOutcome(None, FileProblem(source.display, "unreadable", f"cannot read: {exc.strerror or exc}"))
    return ReadOutcome(data, check_text(source.display, data))


def check_text(display: str, data: bytes) -> FileProblem | None:
    if b"\x00" in data[:8192]:
        return FileProblem(display, "binary", "binary file (NUL bytes)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not _declares_other_encoding(data):
            return FileProblem(display, "encoding", f"not valid UTF-8 (byte {exc.start})")
    return None


def _declares_other_encoding(data: bytes) -> bool:
    """A PEP 263 coding cookie on line 1 or 2 (e.g. latin-1) makes non-UTF-8 bytes legitimate."""
    for line in data.split(b"\n", 2)[:2]:
        if line.lstrip().startswith(b"#") and b"coding" in line and b"utf-8" not in line.lower():
            return True
    return False


def syntax_problem(display: str, tree: tree_sitter.Tree) -> FileProblem | None:
    """A partial-analysis note for a tree with errors, naming the first error's line."""
    root = tree.root_node
    if not root.has_error:
        return None
    line = _first_error_line(root)
    return FileProblem(display, "syntax", f"syntax error near line {line}; analysed where the tree allows", partial=True)


def _first_error_line(node: tree_sitter.Node) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current.start_point[0] + 1
        if current.has_error:
            stack.extend(reversed(current.children))
    return node.start_point[0] + 1
