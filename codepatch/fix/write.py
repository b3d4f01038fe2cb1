"""Applying validated patches to the user's files as one transaction, safe against a crash.

The guarantee (stated in the README): after a run that was killed at any moment, once the next
`codepatch` run on that project ends, every file is either wholly as it was or wholly fixed, and
no staged or backup file is left.

How: each new text is staged beside its file and each original kept as a backup (a hard link,
else a copy); a journal in the project root (`.codepatch-fix.journal`) records them. The journal
is written in state "staging" before anything is created and in state "commit" once everything is
staged; only then are the staged files renamed over their targets. `recover` (run before every
scan) finishes what a dead run left: from "staging" it removes the staged files (all old), from
"commit" it renames the rest into place (all new), from "rollback" it restores the backups (all
old). A rename that fails in a live run rolls every file back.

Permissions, encoding, BOM and line endings are kept; a symbolic link is written through to its
target when that lies inside the project, and never replaced by a regular file.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from codepatch.files import atomic, source_text
from codepatch.types import ScanResult

JOURNAL = ".codepatch-fix.journal"
JOURNAL_VERSION = 1


class WriteError(Exception):
    """Nothing was changed: the message says which file could not be written and why."""


@dataclass(frozen=True)
class _Entry:
    target: Path
    staged: Path
    backup: Path

    def as_json(self, root: Path) -> dict:
        return {name: os.path.relpath(getattr(self, name), root) for name in ("target", "staged", "backup")}


def write_all(files: list[tuple[Path, str, str]], root: Path) -> None:
    """Replace each (path, expected original text, new text); refuse if a file changed since it was read."""
    root = root.resolve()
    recover(root)
    planned = [(_inside(path, root), original, text) for path, original, text in files]
    targets = [target for target, _, _ in planned]
    if len(set(targets)) != len(targets):
        raise WriteError("two fixes reach the same file through different paths; nothing was written")
    contents = [(target, _new_bytes(target, original, text)) for target, original, text in planned]
    entries = [_Entry(target, _sibling(target, "new"), _sibling(target, "orig")) for target, _ in contents]
    _write_journal(root, "staging", entries)
    try:
        for entry, (_, data) in zip(entries, contents):
            _stage(entry, data)
    except OSError as exc:
        _discard(entries)
        _remove_journal(root)
        raise WriteError(f"cannot stage a fix: {exc.strerror or exc} ({exc.filename}); nothing was written") from exc
    try:
        _write_journal(root, "commit", entries)
    except WriteError:
        _discard(entries)
        _remove_journal(root)
        raise
    replaced: list[_Entry] = []
    try:
        for entry in entries:
            os.replace(entry.staged, entry.target)
            replaced.append(entry)
    except OSError as exc:
        _write_journal(root, "rollback", entries)
        for done in replaced:
            os.replace(done.backup, done.target)
        _discard(entries)
        _remove_journal(root)
        raise WriteError(f"cannot write {exc.filename or 'a file'}: {exc.strerror or exc}; every file was restored") from exc
    for directory in {entry.target.parent for entry in entries}:
        atomic.sync_directory(directory)
    _discard(entries)  # before the journal goes: a crash in between leaves no backup unaccounted for
    _remove_journal(root)


def recover(root: Path) -> int:
    """Finish a transaction a killed run left in `root`; the number of files it concerned (0: none)."""
    journal = root / JOURNAL
    for half_written in root.glob(f".{JOURNAL}.*.tmp"):  # killed while writing the journal itself
        half_written.unlink(missing_ok=True)
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        state = data["state"]
        entries = [_Entry(*(root / e[name] for name in ("target", "staged", "backup"))) for e in data["entries"]]
    except FileNotFoundError:
        return 0
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WriteError(f"{journal}: unreadable fix journal ({exc}); restore the files it names by hand, "
                         "then delete it") from exc
    for entry in entries:
        if state == "commit" and entry.staged.exists():
            os.replace(entry.staged, entry.target)
        elif state == "rollback" and entry.backup.exists():
            os.replace(entry.backup, entry.target)
    _discard(entries)
    _remove_journal(root)
    return len(entries)


def _inside(path: Path, root: Path) -> Path:
    """The file to write: a link's target when it lies inside the project, else a WriteError."""
    target = path.resolve()
    if target != root and root not in target.parents:
        raise WriteError(f"{path}: resolves to {target}, outside the project; nothing was written")
    return target


def _new_bytes(target: Path, original: str, text: str) -> bytes:
    try:
        current = source_text.read(target)
    except OSError as exc:
        raise WriteError(f"cannot read {target}: {exc.strerror or exc}; nothing was written") from exc
    except source_text.TextError as exc:
        raise WriteError(f"{target}: {exc}; nothing was written") from exc
    if current.text != original:
        raise WriteError(f"{target}: changed on disk since it was scanned; nothing was written")
    try:
        return current.encoded(text)
    except source_text.TextError as exc:
        raise WriteError(f"{target}: {exc}; nothing was written") from exc


def _sibling(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}.codepatch-{secrets.token_hex(4)}.{kind}")


def _stage(entry: _Entry, data: bytes) -> None:
    atomic.create(entry.staged, data, mode_from=entry.target)
    try:
        os.link(entry.target, entry.backup)  # instant, and the original inode survives the rename
    except OSError:
        shutil.copy2(entry.target, entry.backup)


def _write_journal(root: Path, state: str, entries: list[_Entry]) -> None:
    document = {"codepatch_fix_journal": JOURNAL_VERSION, "state": state,
                "entries": [entry.as_json(root) for entry in entries]}
    try:
        atomic.write(root / JOURNAL, json.dumps(document, indent=1) + "\n")
        atomic.sync_directory(root)
    except OSError as exc:
        raise WriteError(f"cannot write the fix journal in {root}: {exc.strerror or exc}; nothing was written") from exc


def _remove_journal(root: Path) -> None:
    (root / JOURNAL).unlink(missing_ok=True)
    atomic.sync_directory(root)


def _discard(entries: list[_Entry]) -> None:
    for entry in entries:
        entry.staged.unlink(missing_ok=True)
        entry.backup.unlink(missing_ok=True)


def apply_patches(result: ScanResult, root: Path, anchor: Path) -> ScanResult:
    """Writes every accepted patch of `result` in one transaction; the result without the findings
    they fixed. WriteError when nothing could be written."""
    if not result.patches:
        return result
    write_all([(anchor / path, original, patched) for v in result.patches for path, original, patched in v.patch.files],
              root)
    fixed = {f.sort_key for v in result.patches for f in v.patch.findings}
    return replace(result, findings=tuple(f for f in result.findings if f.sort_key not in fixed))
