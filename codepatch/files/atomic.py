"""The one atomic file write: a temporary file beside the target, flushed to disk, then renamed over
it, so a reader (or a crash) sees the whole old file or the whole new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write(path: Path, data: str | bytes, mode_from: Path | None = None) -> None:
    """Replace `path` with `data` (str is written as UTF-8); OSError when it cannot.

    `mode_from`: copy that file's permission bits (default: those of `path` if it exists, else the
    umask's)."""
    temp = stage(path, data.encode("utf-8") if isinstance(data, str) else data, mode_from)
    try:
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def stage(path: Path, data: bytes, mode_from: Path | None = None) -> Path:
    """A new file beside `path` holding `data`, synced to disk; the caller renames or removes it."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    _fill(fd, Path(name), data, mode_from or path)
    return Path(name)


def create(path: Path, data: bytes, mode_from: Path) -> None:
    """A file that must not exist yet, holding `data`, synced, with `mode_from`'s permission bits."""
    _fill(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path, data, mode_from)


def _fill(fd: int, temp: Path, data: bytes, source: Path) -> None:
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(temp, os.stat(source).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(temp, 0o666 & ~_umask())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def sync_directory(directory: Path) -> None:
    """Make renames in `directory` durable (best effort: some file systems refuse)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
