"""The pull request a review goes to, read from GitHub's `pull_request` event payload.

The payload may come from an artifact of an untrusted workflow run (see the README's fork safety),
so every field that reaches a URL or a git command line is checked: the commits are full SHA-1 or
SHA-256 ids (never `--output=...`), the repository is `owner/name`, the number is a positive integer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codepatch.errors import UserError

SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
REPO = re.compile(r"[A-Za-z0-9_-]{1,100}/[A-Za-z0-9_.-]{1,100}")


@dataclass(frozen=True)
class PullRequest:
    repo: str  # owner/name of the repository the pull request is opened against
    number: int
    head_sha: str
    base_sha: str
    from_fork: bool


def read_event(path: Path) -> PullRequest:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise UserError(f"cannot read the event payload {path}: {exc}") from exc
    pull = payload.get("pull_request") if isinstance(payload, dict) else None
    if not isinstance(pull, dict):
        raise UserError(f"{path} is not a pull_request event payload (no 'pull_request' object)")
    try:
        base_repo = pull["base"]["repo"]["full_name"]
        head_repo = (pull["head"].get("repo") or {}).get("full_name")  # null when the fork was deleted
        number, head_sha, base_sha = pull["number"], pull["head"]["sha"], pull["base"]["sha"]
    except (KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"{path}: the pull request lacks {exc} (number, head.sha, base.sha, base.repo)") from exc
    _check(path, "base.repo.full_name", base_repo, _is_repo, "an owner/name repository")
    _check(path, "number", number, lambda v: v > 0, "a positive integer", kind=int)
    _check(path, "head.sha", head_sha, SHA.fullmatch, "a full commit SHA (40 or 64 lowercase hex digits)")
    _check(path, "base.sha", base_sha, SHA.fullmatch, "a full commit SHA (40 or 64 lowercase hex digits)")
    return PullRequest(repo=base_repo, number=number, head_sha=head_sha, base_sha=base_sha,
                       from_fork=head_repo != base_repo)


def _is_repo(name: str) -> bool:
    return bool(REPO.fullmatch(name)) and name.split("/")[1] not in (".", "..")


def _check(path: Path, field: str, value: object, valid: Callable[[Any], object], wanted: str,
           kind: type = str) -> None:
    """UserError naming the field unless `value` is a `kind` that `valid` accepts."""
    if type(value) is not kind or not valid(value):
        raise UserError(f"{path}: pull_request.{field} is not {wanted}: {json.dumps(value)[:80]}")
