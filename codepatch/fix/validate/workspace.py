"""A temporary copy of the project where patches are tried: re-scanned and tested, never in place.

The copy holds what can be read: a file that cannot be copied (unreadable, a socket) is left out
and named in `skipped`, and symbolic links are copied as links. The folder is removed on `close`,
and by the next run's `scratch.sweep` when this process was killed first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pathspec

from codepatch.files import scratch, source_text
from codepatch.files.discover import DEFAULT_EXCLUDES


class Workspace:
    """The project copied once; `write` puts a patch's texts in, and the originals back after."""

    def __init__(self, root: Path, anchor: Path) -> None:
        self.source_root = root
        self.anchor = anchor
        scratch.sweep()
        self._tmp = scratch.folder("ws")
        self.root = Path(self._tmp.name) / root.name
        self.skipped: tuple[str, ...] = ()
        self._encodings: dict[str, source_text.SourceText] = {}
        skip = pathspec.PathSpec.from_lines("gitignore", [e for e in DEFAULT_EXCLUDES if e != ".git"])
        try:
            shutil.copytree(root, self.root, symlinks=True,
                            ignore=lambda folder, names: [n for n in names if n == ".git" or skip.match_file(n + "/")])
        except shutil.Error as exc:  # copytree copies what it can, then lists what it could not
            self.skipped = tuple(sorted({str(error[0]) for error in exc.args[0]}))
        (self.root / ".git").mkdir(exist_ok=True)  # paths in reports become relative to the copy

    def local(self, display: str) -> Path:
        """A path as the original reports show it, inside the copy; never a path that leads out of it
        (a link copied as a link could point back at the user's own files)."""
        local = self.root / (self.anchor / display).resolve().relative_to(self.source_root.resolve())
        if local.is_symlink() or self.root.resolve() not in local.resolve().parents:
            raise OSError(f"{display}: its copy in the validation workspace leads outside it")
        return local

    def relative(self, display: str) -> str:
        return self.local(display).relative_to(self.root).as_posix()

    def write(self, files: list[tuple[str, str]]) -> None:
        """Each (display path, text), encoded as the original file is (its encoding and BOM)."""
        for display, text in files:
            if display not in self._encodings:
                self._encodings[display] = source_text.read(self.anchor / display)
            self.local(display).write_bytes(self._encodings[display].encoded(text))

    def close(self) -> None:
        self._tmp.cleanup()
