"""Applying validated patches to the user's files: all files of a run are staged, then renamed
into place together; if any step fails, every file already replaced is put back. Permissions
are kept, and line endings are whatever the patched text holds (read with newline='')."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class WriteError(Exception):
    """Nothing was changed: the message says which file could not be written and why."""


def write_all(files: list[tuple[Path, str, str]]) -> None:
    """Replace each (path, expected original, new text); refuse if a file changed since it was read."""
    staged: list[tuple[Path, Path, Path]] = []  # (target, staged new file, backup of the original)
    try:
        for target, original, text in files:
            with open(target, encoding="utf-8", newline="") as handle:
                if handle.read() != original:
                    raise WriteError(f"{target}: changed on disk since it was scanned; not touched")
            staged.append((target, _stage(target, text), _stage_copy(target)))
    except (OSError, WriteError) as exc:
        _discard(staged)
        raise exc if isinstance(exc, WriteError) else WriteError(f"cannot stage a fix: {exc}") from exc
    replaced: list[tuple[Path, Path]] = []
    try:
        for target, new, backup in staged:
            os.replace(new, target)
            replaced.append((target, backup))
    except OSError as exc:
        for target, backup in reversed(replaced):
            os.replace(backup, target)
        _discard(staged)
        raise WriteError(f"cannot write {exc.filename or 'a file'}: {exc.strerror or exc}; every file was restored") from exc
    for _, _, backup in staged:
        Path(backup).unlink(missing_ok=True)


def _stage(target: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".codepatch")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    shutil.copymode(target, name)
    return Path(name)


def _stage_copy(target: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".orig")
    os.close(fd)
    shutil.copy2(target, name)
    return Path(name)


def _discard(staged: list[tuple[Path, Path, Path]]) -> None:
    for _, new, backup in staged:
        Path(new).unlink(missing_ok=True)
        Path(backup).unlink(missing_ok=True)
