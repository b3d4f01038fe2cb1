"""The one GitHub REST call codepatch makes: create a pull request review (urllib, no dependency)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from codepatch import __version__


class GitHubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"GitHub API error {status}: {message}" if status else f"GitHub API unreachable: {message}")
        self.status = status


def post_review(api_url: str, repo: str, number: int, token: str, review: dict, timeout: float = 30) -> dict:
    """POST /repos/{repo}/pulls/{number}/reviews; the created review, or GitHubError."""
    request = urllib.request.Request(
        f"{api_url.rstrip('/')}/repos/{repo}/pulls/{number}/reviews",
        data=json.dumps(review).encode("utf-8"),
        method="POST",
        headers={"Accept": "application/vnd.github+json", "Authorization": f"Bearer {token}",
                 "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json",
                 "User-Agent": f"codepatch/{__version__}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise GitHubError(exc.code, _message(exc.read())) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise GitHubError(0, str(getattr(exc, "reason", exc))) from exc


def _message(body: bytes) -> str:
    """GitHub's error text: `message` plus any `errors`, or the raw body."""
    try:
        data = json.loads(body)
        return " ".join([data.get("message", "")] + [str(e) for e in data.get("errors", [])]).strip()
    except (ValueError, AttributeError):
        return body.decode("utf-8", "replace")[:500]
