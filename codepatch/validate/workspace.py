"""A temporary copy of the project where patches are tried: re-scanned and tested, never in place."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pathspec

from codepatch.discover import DEFAULT_EXCLUDES


class Workspace:
    """The project copied once; `applied(patch)` writes a patch in and restores the copy afterwards."""

    def __init__(self, root: Path, anchor: Path) -> None:
        self.source_root = root
        self.anchor = anchor
        self._tmp = tempfile.TemporaryDirectory(prefix="codepatch-ws-")
        self.root = Path(self._tmp.name) / root.name
        skip = pathspec.PathSpec.from_lines("gitignore", [e for e in DEFAULT_EXCLUDES if e != ".git"])
        shutil.copytree(root, self.root, symlinks=True,
                        ignore=lambda folder, names: [n for n in names if n == ".git" or skip.match_file(n + "/")])
        (self.root / ".git").mkdir(exist_ok=True)  # paths in reports become relative to the copy

    def local(self, display: str) -> Path:
        """A path as the original reports show it, inside the copy."""
        return self.root / (self.anchor / display).resolve().relative_to(self.source_root.resolve())

    def relative(self, display: str) -> str:
        return self.local(display).relative_to(self.root).as_posix()

    def write(self, files: list[tuple[str, str]]) -> None:
        for display, text in files:
            with open(self.local(display), "w", encoding="utf-8", newline="") as handle:
                handle.write(text)

    def close(self) -> None:
        self._tmp.cleanup()
