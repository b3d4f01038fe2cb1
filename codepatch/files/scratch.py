"""codepatch's own temporary folders (validation workspaces, test reports, bandit inputs): named with
the owning process's id, so that what a killed run left is removed by the next run."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "codepatch-"
OWNED = re.compile(rf"^{PREFIX}[a-z]+-(\d+)-")


def folder(kind: str) -> tempfile.TemporaryDirectory:
    """A new temporary folder `codepatch-<kind>-<pid>-…`; `sweep` removes it once this process is gone."""
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-{os.getpid()}-")


def sweep() -> int:
    """Remove this user's codepatch folders whose process no longer runs; how many were removed."""
    removed = 0
    base = Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(base))
    except OSError:
        return 0
    for entry in entries:
        match = OWNED.match(entry.name)
        if match is None or _alive(int(match[1])):
            continue
        try:
            if entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid():
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: not ours to judge
    return True
