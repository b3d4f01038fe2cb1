"""The one GitHub REST call codepatch makes: create a pull request review (urllib, no dependency).

The server is not trusted with more than the review: a redirect is refused (urllib would re-send the
token to wherever it points), the whole reply (status line, headers, body) must arrive within
`timeout` of the start (urllib's timeout is per socket read, so a reply dripping a byte at a time
would never time out), the reply is capped in size, and any text of the server's that reaches a
terminal or a CI log is made printable first.
"""

from __future__ import annotations

import functools
import http.client
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from codepatch import __version__
from codepatch.report.escape import shown

MAX_REPLY_BYTES = 5 * 1024 * 1024  # a created review is a few KiB
MAX_MESSAGE_CHARS = 300


class GitHubError(Exception):
    def __init__(self, status: int, message: str) -> None:
        message = printable(message)
        super().__init__(f"GitHub API error {status}: {message}" if status else f"GitHub API unreachable: {message}")
        self.status = status


def post_review(api_url: str, repo: str, number: int, token: str, review: dict, timeout: float = 30) -> dict:
    """POST /repos/{repo}/pulls/{number}/reviews; the created review, or GitHubError within about `timeout` s."""
    url = f"{api_url.rstrip('/')}/repos/{repo}/pulls/{number}/reviews"
    headers = {"Accept": "application/vnd.github+json", "Authorization": f"Bearer {token}",
               "X-GitHub-Api-Version": "2022-11-28", "Content-Type": "application/json",
               "User-Agent": f"codepatch/{__version__}"}
    status, body = _exchange(url, json.dumps(review).encode("utf-8"), headers, timeout)
    if 300 <= status < 400:
        raise GitHubError(status, "redirects are refused (the token goes to the API URL only): check --api-url")
    if not 200 <= status < 300:
        raise GitHubError(status, _message(body))
    return _json_object(status, body)


def _exchange(url: str, data: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """One POST's reply status and body, whatever the status; GitHubError when there is no complete reply."""
    try:
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            response = _opener(time.monotonic() + timeout).open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:  # not a 2xx: the body says why
            response = exc
        with response:
            return response.status, _read_capped(response)
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        raise _unreachable(exc, timeout) from exc


def printable(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` as one safe line (escape.shown: it cannot move a terminal's cursor or forge a log line),
    cut to `limit` characters."""
    safe = shown(text)
    return safe if len(safe) <= limit else safe[:limit] + "..."


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    """http and https only, through the configured proxy; no redirect handler, so a 3xx is an HTTPError."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), _DeadlineHandler(deadline),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


class _DeadlineHandler(urllib.request.AbstractHTTPHandler):
    """Opens connections whose replies (status line, headers, body) must all arrive before `deadline`."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection(http.client.HTTPConnection), request)

    def https_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection(http.client.HTTPSConnection), request)

    http_request = https_request = urllib.request.AbstractHTTPHandler.do_request_

    def _connection(self, kind: type[http.client.HTTPConnection]) -> Callable[..., http.client.HTTPConnection]:
        def connect(host: str, **options) -> http.client.HTTPConnection:
            connection = kind(host, **options)
            connection.response_class = functools.partial(_DeadlineResponse, deadline=self.deadline)
            return connection
        return connect


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock, *args, deadline: float, **kwargs) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp.close()  # the plain reader; the socket stays open for the one below
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline))


class _DeadlineReader(io.RawIOBase):
    """Each read of the socket may wait only for the time left: a drip cannot outlast the deadline."""

    def __init__(self, sock, deadline: float) -> None:
        super().__init__()
        self.sock, self.deadline = sock, deadline
        self.raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the reply did not arrive in time")
        self.sock.settimeout(left)
        return self.raw.readinto(buffer)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _read_capped(response) -> bytes:
    body = response.read(MAX_REPLY_BYTES + 1)
    if len(body) > MAX_REPLY_BYTES:
        raise GitHubError(response.status, f"the reply is larger than {MAX_REPLY_BYTES // 2**20} MiB")
    return body


def _json_object(status: int, body: bytes) -> dict:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise GitHubError(status, "the reply is not a JSON object")
    return data


def _message(body: bytes) -> str:
    """GitHub's error text: `message` plus any `errors`, or the raw body."""
    try:
        data = json.loads(body)
        return " ".join([str(data.get("message", ""))] + [str(e) for e in data.get("errors", [])]).strip()
    except (ValueError, RecursionError, AttributeError, TypeError):
        return body.decode("utf-8", "replace")


def _unreachable(exc: Exception, timeout: float) -> GitHubError:
    reason = getattr(exc, "reason", exc)  # URLError wraps the socket's error
    if isinstance(reason, TimeoutError):
        return GitHubError(0, f"no complete reply within {timeout:g} s")
    return GitHubError(0, str(reason) or type(reason).__name__)
