"""`--changed-since REF`: which lines changed since the merge base of REF and HEAD, from git.

Changed means changed in the work tree compared with the merge base: commits on the branch,
staged and unstaged edits, and untracked (not ignored) files, which count as wholly changed. A
pure deletion marks the lines on either side of it. Paths are returned as reports show them:
relative to the report anchor (the git top level).
"""

from __future__ import annotations

import codecs
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from codepatch.errors import UserError
from codepatch.types import Finding

HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Changes:
    ref: str
    merge_base: str
    lines: dict[str, frozenset[int]]  # display path → changed line numbers
    whole: frozenset[str]  # display paths of untracked files

    def touches(self, path: str, first: int, last: int) -> bool:
        if path in self.whole:
            return True
        changed = self.lines.get(path)
        return bool(changed) and any(line in changed for line in range(first, last + 1))

    def touches_finding(self, finding: Finding) -> bool:
        """The sink's lines or any trace hop changed: a flow a change created or altered."""
        return self.touches(finding.path, finding.line, finding.end_line) or \
            any(self.touches(hop.path, hop.line, hop.line) for hop in finding.trace)


def changed_since(ref: str, root: Path, anchor: Path) -> Changes:
    """The changes since the merge base of `ref` and HEAD in the repository holding `root`."""
    top = Path(_git(root, "rev-parse", "--show-toplevel",
                    fail=f"--changed-since needs a git repository, and {root} is not in one").strip())
    _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}",
         fail=f"--changed-since: unknown git ref {ref!r} (fetch it first, e.g. `git fetch origin {ref}`)")
    _git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", fail="--changed-since: HEAD has no commit yet")
    shallow = _git(top, "rev-parse", "--is-shallow-repository").strip() == "true"
    hint = ("this is a shallow clone: fetch more history (`git fetch --deepen=200`, or `fetch-depth: 0` in "
            "actions/checkout) or fetch the base ref" if shallow else "the branches share no history")
    base = _git(top, "merge-base", ref, "HEAD",
                fail=f"--changed-since: no merge base between {ref} and HEAD: {hint}").strip()
    diff = _git_bytes(top, "diff", "-U0", "--no-color", "--no-ext-diff",
                      "--no-textconv", "--find-renames", "--src-prefix=a/", "--dst-prefix=b/", base, "--")
    untracked = _git_bytes(top, "ls-files", "--others", "--exclude-standard", "-z")
    prefix = _anchor_prefix(top, anchor)
    lines = {prefix + path: frozenset(numbers) for path, numbers in parse_diff(diff).items()}
    whole = frozenset(prefix + p.decode("utf-8", "surrogateescape") for p in untracked.split(b"\0") if p)
    return Changes(ref, base, lines, whole)


def parse_diff(diff: bytes) -> dict[str, set[int]]:
    """Changed line numbers in the new version of each file of a `git diff -U0`."""
    changed: dict[str, set[int]] = {}
    path: str | None = None
    in_header = False
    for line in diff.split(b"\n"):
        if line.startswith(b"diff --git "):
            in_header, path = True, None
        elif in_header and line.startswith(b"+++ "):
            target = _unquote(line[4:])
            path = target[2:] if target.startswith("b/") else None  # /dev/null: the file was deleted
        elif (match := HUNK.match(line)) and path is not None:
            in_header = False
            start, count = int(match[1]), int(match[2] if match[2] is not None else 1)
            numbers = range(start, start + count) if count else (start, start + 1)
            changed.setdefault(path, set()).update(n for n in numbers if n > 0)
    return changed


def _unquote(name: bytes) -> str:
    """git quotes names with unusual bytes C-style: "b/na\\303\\257ve.py"; a name with a space
    ends in a TAB (for GNU patch), which a name of its own never does (git would quote it)."""
    name = name.rstrip(b"\r").removesuffix(b"\t")
    if name.startswith(b'"') and name.endswith(b'"'):
        name = codecs.escape_decode(name[1:-1])[0]
    return name.decode("utf-8", "surrogateescape")


def _anchor_prefix(top: Path, anchor: Path) -> str:
    """What to put before a top-level-relative path to get a display path (usually nothing)."""
    try:
        relative = top.resolve().relative_to(anchor.resolve()).as_posix()
    except ValueError:
        return top.resolve().as_posix().rstrip("/") + "/"  # display paths outside the anchor are absolute
    return "" if relative == "." else relative + "/"


def _git_bytes(cwd: Path, *args: str, fail: str | None = None) -> bytes:
    """git's output; on failure a UserError saying `fail` (or git's own last line of complaint)."""
    try:
        done = subprocess.run(["git", "-C", str(cwd), "-c", "core.quotePath=false", *args],
                              capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise UserError("--changed-since needs git, and git is not on PATH") from exc
    if done.returncode != 0:
        complaint = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        raise UserError(fail or f"--changed-since: git {args[0]} failed: {complaint}")
    return done.stdout


def _git(cwd: Path, *args: str, fail: str | None = None) -> str:
    return _git_bytes(cwd, *args, fail=fail).decode("utf-8", "surrogateescape")
