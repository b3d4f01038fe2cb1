"""The facts cache: one JSON file per analysed file, keyed by content hash and rule-set version.

Never pickle: the cache is data we read back, and our own scanner flags pickle. A cache folder
that cannot be written only costs speed: the scan goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from codepatch.facts.summarize import FACTS_VERSION


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "codepatch"


class FactsCache:
    def __init__(self, directory: Path | None, ruleset_version: str) -> None:
        self.directory = directory / f"facts-v{FACTS_VERSION}-{ruleset_version}" if directory else None
        self.warning: str | None = None

    def key(self, module: str, display: str, data: bytes) -> str:
        digest = hashlib.sha256(data)
        digest.update(f"\0{module}\0{display}".encode())
        return digest.hexdigest()

    def get(self, key: str) -> dict | None:
        if self.directory is None:
            return None
        try:
            return json.loads((self.directory / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, facts: dict) -> None:
        if self.directory is None:
            return
        target = self.directory / key[:2] / f"{key}.json"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(facts, handle, separators=(",", ":"))
            os.replace(tmp, target)  # atomic: a reader never sees half a file
        except OSError as exc:
            self.warning = f"cache disabled: cannot write {self.directory}: {exc.strerror or exc}"
            self.directory = None
