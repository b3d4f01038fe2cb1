"""The scan caches, as plain JSON (never pickle: the cache is data we read back, and our own
scanner flags pickle). A cache folder that cannot be written only costs speed: the scan goes on
without it.

- Facts: one file per analysed file, keyed by content hash and rule-set version.
- Solved: per project, the taint solver's findings with the digest of everything they were
  computed from (every module's facts, the rule set, the solver's code), and per file its facts'
  digest and pattern hits. A re-scan whose facts are unchanged (nothing edited, or only comments
  and blank lines at the end of a file) skips the global solve and loads no facts of unchanged files.
- State: per project, beside its solved entry, the solver's per-function summaries and records,
  so that a re-scan after an edit re-solves only what the edit may affect.

Every file is sealed with a checksum (sealed.py) and written atomically; one that fails its
checksum or its shape is read as missing.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from codepatch import __version__
from codepatch.facts.schema import FACTS_VERSION
from codepatch.files import atomic
from codepatch.files.sealed import seal, unseal

SOLVED_VERSION = "12"  # bump when the shape of a solved entry changes
# What a module's facts say of the whole project (classes, constants, handlers, callbacks): kept in
# solved entries too, since the solver needs them even for files whose facts it does not load.
MODULE_TABLES = {"dismissed": list, "classes": dict, "constants": list, "registered": list, "referenced": list, "imports": list, "methods": list}
FACTS_FORMAT = "s"  # sealed files; part of the facts folder's name


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "codepatch"


def encode_facts(facts: dict) -> str:
    """The one serialisation of facts: written to the cache and hashed into the solve digest.

    `json.dumps`, not `json.dump`: the latter streams through the pure-Python encoder, about ten
    times slower on facts of this size.
    """
    return json.dumps(facts, separators=(",", ":"))


def digest_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FactsCache:
    def __init__(self, directory: Path | None, ruleset_version: str) -> None:
        self.root = directory
        # The release is in the name too: a new one may extract other facts from the same source.
        name = f"facts-v{FACTS_VERSION}{FACTS_FORMAT}-{__version__}-{ruleset_version}"
        self.directory = directory / name if directory else None
        self.warning: str | None = None

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def key(self, module: str, display: str, data: bytes) -> str:
        digest = hashlib.sha256(data)
        digest.update(f"\0{module}\0{display}".encode("utf-8", "surrogateescape"))  # names need not be UTF-8
        return digest.hexdigest()

    def get(self, key: str) -> tuple[dict, str] | None:
        """The cached facts and the digest of their serialisation, or None."""
        if self.directory is None:
            return None
        text = self._read(self.directory / key[:2] / f"{key}.json")
        try:
            facts = json.loads(text) if text is not None else None
        except ValueError:
            return None
        return (facts, digest_text(text)) if _is_facts(facts) else None

    def put(self, key: str, text: str) -> None:
        """Store facts already serialised by `encode_facts`."""
        if self.directory is None:
            return
        target = self.directory / key[:2] / f"{key}.json"
        if not self._write(target, text):
            self.directory = None

    def get_solved(self, project: str) -> dict | None:
        """The last solved entry of `project`: {"digest", "findings", "files": {facts key: light module}}."""
        if self.directory is None:
            return None
        text = self._read(self._solved_path(project))
        try:
            entry = json.loads(text) if text is not None else None
        except ValueError:
            return None
        valid = (isinstance(entry, dict) and isinstance(entry.get("digest"), str)
                 and isinstance(entry.get("basis"), str) and isinstance(entry.get("findings"), list)
                 and isinstance(entry.get("files"), dict)
                 and all(isinstance(m, dict) and isinstance(m.get("digest"), str) for m in entry["files"].values()))
        return entry if valid else None

    def put_solved(self, project: str, entry: dict) -> None:
        """Keep one entry per project: a new one replaces the old one."""
        if self.directory is not None:
            self._write(self._solved_path(project), json.dumps(entry, separators=(",", ":")))

    def get_state(self, project: str) -> dict | None:
        """The taint solver's state after the last solve of `project` (see analysis/incremental.py),
        with "modules": [facts key, the JSON text of its units] (decoded only by who needs them)."""
        if self.directory is None:
            return None
        text = self._read(self._solved_path(project, ".state.jsonl"))
        if text is None:
            return None
        try:
            head, *units = text.split("\n")
            state = json.loads(head)
            state["modules"] = list(zip(state.pop("keys"), units, strict=True))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        return state

    def put_state(self, project: str, state: dict) -> None:
        """One line of JSON per module after a head line: a module whose units did not change is
        written back as the text it was read as, not encoded again."""
        if self.directory is not None:
            modules = state["modules"]
            head = json.dumps({**{k: v for k, v in state.items() if k != "modules"}, "keys": [k for k, _ in modules]},
                              separators=(",", ":"))
            self._write(self._solved_path(project, ".state.jsonl"), "\n".join([head, *(text for _, text in modules)]))

    def _solved_path(self, project: str, suffix: str = ".json") -> Path:
        name = hashlib.sha256(project.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return self.root / f"solved-v{SOLVED_VERSION}" / f"{name}{suffix}"

    @staticmethod
    def _read(path: Path) -> str | None:
        """A cache file's content, None when it is missing, unreadable or fails its checksum."""
        try:
            return unseal(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, target: Path, text: str) -> bool:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic.write(target, seal(text))
            return True
        except OSError as exc:
            self.warning = f"cache disabled: cannot write {target.parent}: {exc.strerror or exc}"
            return False


def _is_facts(facts: object) -> bool:
    """The shape every reader of cached facts relies on (the values inside are checked where read)."""
    return (isinstance(facts, dict) and isinstance(facts.get("path"), str) and isinstance(facts.get("module"), str)
            and isinstance(facts.get("functions"), list) and isinstance(facts.get("hits"), list)
            and (facts.get("problem") is None or isinstance(facts["problem"], dict))
            and all(isinstance(facts.get(key), kind) for key, kind in MODULE_TABLES.items()))
