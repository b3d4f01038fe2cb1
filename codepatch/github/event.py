"""The pull request a review goes to, read from GitHub's `pull_request` event payload."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from codepatch.errors import UserError


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
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read the event payload {path}: {exc}") from exc
    pull = payload.get("pull_request") if isinstance(payload, dict) else None
    if not isinstance(pull, dict):
        raise UserError(f"{path} is not a pull_request event payload (no 'pull_request' object)")
    try:
        base_repo = pull["base"]["repo"]["full_name"]
        head_repo = (pull["head"].get("repo") or {}).get("full_name")  # null when the fork was deleted
        return PullRequest(repo=base_repo, number=int(pull["number"]), head_sha=pull["head"]["sha"],
                           base_sha=pull["base"]["sha"], from_fork=head_repo != base_repo)
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"{path}: the pull request lacks {exc} (number, head.sha, base.sha, base.repo)") from exc
