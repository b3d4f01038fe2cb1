"""`codepatch github-review` against a hostile API server and a hostile event payload.

Real HTTP servers on 127.0.0.1 answer the review POST with a redirect to another origin, broken
JSON, a drip, an oversized body and escape sequences; the command line runs as a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from codepatch.errors import UserError
from codepatch.github.client import MAX_REPLY_BYTES, GitHubError, post_review, printable
from codepatch.github.event import read_event
from tests.hostile.conftest import ENTRY

BASE, HEAD = "b" * 40, "c" * 40
PATCH = {"findings": [{"rule_id": "command-injection", "path": "app.py", "line": 2}], "strategies": ["s"],
         "checks": [], "tested": False,
         "files": [{"path": "app.py", "edits": [{"start": 2, "end": 2, "original": "x\n", "replacement": "y\n"}]}]}
HOSTILE_TEXT = "\x1b[31mred\x1b[0m\r\n::error::forged annotation\u202eevil\u2028next\x85\x9b2J\x7f"
UNSAFE = ("\x1b", "\r", "\n", "\u202e", "\u2028", "\x85", "\x9b", "\x7f")


class Handler(BaseHTTPRequestHandler):
    """Records each request's headers, then lets the server's `reply` answer it."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.seen.append(dict(self.headers))
        try:
            self.server.reply(self)
        except OSError:  # the client gave up on a drip or an oversized body, as it should
            pass

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serving(reply: Callable[[Handler], None]) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.seen, server.reply, server.stopping = [], reply, threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


def url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def answer(status: int, body: bytes, content_type: str = "application/json") -> Callable[[Handler], None]:
    def reply(handler: Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    return reply


def redirect_to(location: str, status: int = 302) -> Callable[[Handler], None]:
    def reply(handler: Handler) -> None:
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return reply


def drip(raw: bytes) -> Callable[[Handler], None]:
    """Writes `raw` (status line, headers, body) one byte a second: every socket read gets a byte."""
    def reply(handler: Handler) -> None:
        for byte in raw:
            handler.wfile.write(bytes([byte]))
            if handler.server.stopping.wait(1):
                return
    return reply


def event_file(tmp_path: Path, base: object = BASE, head: object = HEAD, repo: object = "octo/demo",
               number: object = 7) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": {
        "number": number, "head": {"sha": head, "repo": {"full_name": repo}},
        "base": {"sha": base, "repo": {"full_name": repo}}}}))
    return path


def github_review(tmp_path: Path, api_url: str, *extra: str, event: Path | None = None,
                  actions: bool = False) -> subprocess.CompletedProcess:
    """The real entry point in its own process, with a report holding one patch and an empty diff."""
    (tmp_path / "report.json").write_text(json.dumps({"findings": [], "patches": [PATCH]}))
    (tmp_path / "pr.diff").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(GITHUB_TOKEN="secret-token", GITHUB_API_URL=api_url, **({"GITHUB_ACTIONS": "true"} if actions else {}))
    command = [sys.executable, "-c", ENTRY, "github-review",
               "--report", str(tmp_path / "report.json"), "--event", str(event or event_file(tmp_path)), *extra]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)


def assert_one_safe_line(text: str) -> None:
    line = text.removesuffix("\n")
    assert line and not any(c in line for c in UNSAFE), repr(text)


def test_the_real_server_path_posts_the_review(tmp_path: Path) -> None:
    created = json.dumps({"id": 1, "html_url": "https://github.com/octo/demo/pull/7#review-1"}).encode()
    with serving(answer(200, created)) as server:
        done = github_review(tmp_path, url(server), "--diff", str(tmp_path / "pr.diff"))
    assert done.returncode == 0, done.stderr
    assert "posted review https://github.com/octo/demo/pull/7#review-1 with 0 suggestion(s)" in done.stderr
    assert [h["Authorization"] for h in server.seen] == ["Bearer secret-token"]


def test_a_redirect_to_another_origin_is_refused_and_never_carries_the_token(tmp_path: Path) -> None:
    with serving(answer(200, b'{"id": 2}')) as elsewhere:
        with serving(redirect_to(f"{url(elsewhere)}/steal")) as api:
            done = github_review(tmp_path, url(api), "--diff", str(tmp_path / "pr.diff"))
    assert len(api.seen) == 1 and elsewhere.seen == []
    assert done.returncode == 2
    assert "GitHub API error 302: redirects are refused" in done.stderr
    assert_one_safe_line(done.stderr)


@pytest.mark.parametrize("status", [301, 303, 307, 308])
def test_no_redirect_status_is_followed(status: int) -> None:
    with serving(answer(200, b'{"id": 2}')) as elsewhere:
        with serving(redirect_to(f"{url(elsewhere)}/steal", status)) as api:
            with pytest.raises(GitHubError, match=f"GitHub API error {status}: redirects are refused"):
                post_review(url(api), "octo/demo", 7, "secret-token", {}, timeout=5)
    assert elsewhere.seen == []


@pytest.mark.parametrize("body", [b'{"id": 1', b"[1, 2]", b'"text"', b"", b"\xff\xfe", b"[" * 100_000],
                         ids=["truncated", "list", "string", "empty", "not-utf8", "deeply-nested"])
def test_a_reply_that_is_not_a_json_object_is_an_error(body: bytes) -> None:
    with serving(answer(200, body)) as api:
        with pytest.raises(GitHubError, match="GitHub API error 200: the reply is not a JSON object"):
            post_review(url(api), "octo/demo", 7, "secret-token", {}, timeout=5)


@pytest.mark.parametrize("body", [b'{"id": 1', b"[1, 2]"], ids=["malformed", "list"])
def test_the_command_fails_with_exit_2_on_a_reply_that_is_not_an_object(tmp_path: Path, body: bytes) -> None:
    with serving(answer(201, body)) as api:
        done = github_review(tmp_path, url(api), "--diff", str(tmp_path / "pr.diff"))
    assert done.returncode == 2
    assert done.stderr.strip() == "Error: GitHub API error 201: the reply is not a JSON object"


def dripped_body(handler: Handler) -> None:
    body = b'{"id": 1' + b" " * 64 + b"}"
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    drip(body)(handler)


@pytest.mark.parametrize("reply", [drip(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{\"id\": 1}"), dripped_body],
                         ids=["dripped-status-line-and-headers", "dripped-body"])
def test_a_drip_fails_within_about_the_timeout(reply: Callable[[Handler], None]) -> None:
    with serving(reply) as api:
        started = time.monotonic()
        with pytest.raises(GitHubError, match="GitHub API unreachable: no complete reply within 2 s"):
            post_review(url(api), "octo/demo", 7, "secret-token", {}, timeout=2)
        assert time.monotonic() - started < 6  # a bound on correctness, not a benchmark


def test_an_oversized_reply_is_an_error(tmp_path: Path) -> None:
    big = b'{"id": 1, "padding": "' + b"a" * MAX_REPLY_BYTES + b'"}'
    with serving(answer(200, big)) as api:
        done = github_review(tmp_path, url(api), "--diff", str(tmp_path / "pr.diff"))
    assert done.returncode == 2
    assert done.stderr.strip() == "Error: GitHub API error 200: the reply is larger than 5 MiB"


@pytest.mark.parametrize("body", [json.dumps({"message": HOSTILE_TEXT, "errors": [HOSTILE_TEXT * 50]}).encode(),
                                  HOSTILE_TEXT.encode() * 100], ids=["json-message", "raw-body"])
def test_error_text_from_the_server_is_one_printable_line(tmp_path: Path, body: bytes) -> None:
    with serving(answer(422, body, "text/plain")) as api:
        done = github_review(tmp_path, url(api), "--diff", str(tmp_path / "pr.diff"))
    assert done.returncode == 2
    assert_one_safe_line(done.stderr)
    assert done.stderr.startswith("Error: GitHub API error 422: \\x1b[31mred\\x1b[0m\\x0d\\x0a::error::forged")
    assert len(done.stderr) < 400


def test_a_forbidden_reply_is_a_notice_of_one_printable_line(tmp_path: Path) -> None:
    with serving(answer(403, json.dumps({"message": HOSTILE_TEXT}).encode())) as api:
        done = github_review(tmp_path, url(api), "--diff", str(tmp_path / "pr.diff"), actions=True)
    assert done.returncode == 0
    assert_one_safe_line(done.stdout)
    assert done.stdout.startswith("::notice title=codepatch github-review::the token may not review pull requests")


def test_printable_escapes_control_format_and_separator_characters() -> None:
    assert printable("ok: é ✓") == "ok: é ✓"
    assert printable("a\x1b[2Jb\n\u202ec\u2028\x00\x9b") == "a\\x1b[2Jb\\x0a\\u202ec\\u2028\\x00\\x9b"
    assert printable("x" * 400) == "x" * 300 + "..."


def test_an_option_as_the_base_sha_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "x"
    event = event_file(tmp_path, base=f"--output={target}")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    with serving(answer(200, b'{"id": 1}')) as api:
        done = github_review(tmp_path, url(api), event=event)  # no --diff: git diff would run
    assert done.returncode == 2 and not target.exists() and api.seen == []
    assert "pull_request.base.sha is not a full commit SHA (40 or 64 lowercase hex digits)" in done.stderr
    assert_one_safe_line(done.stderr)


def test_git_diff_never_reads_a_revision_as_an_option(tmp_path: Path) -> None:
    from codepatch.commands.github_review import git_diff

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    target = tmp_path / "x"
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(UserError, match="fetch both commits"):
            git_diff(f"--output={target}", HEAD)
    finally:
        os.chdir(cwd)
    assert not target.exists()


@pytest.mark.parametrize(("field", "event"), [
    ("base.sha", {"base": "B" * 40}), ("base.sha", {"base": "b" * 39}), ("base.sha", {"base": None}),
    ("head.sha", {"head": "HEAD"}), ("head.sha", {"head": "c" * 40 + "\n"}), ("head.sha", {"head": "-c" + "c" * 38}),
    ("base.repo.full_name", {"repo": "octo/demo/../../user"}), ("base.repo.full_name", {"repo": "octo/.."}),
    ("base.repo.full_name", {"repo": "octo/demo?x=1"}), ("base.repo.full_name", {"repo": "octo"}),
    ("number", {"number": "7"}), ("number", {"number": True}), ("number", {"number": -1}), ("number", {"number": 7.5}),
])
def test_event_fields_that_reach_a_url_or_git_are_checked(tmp_path: Path, field: str, event: dict) -> None:
    with pytest.raises(UserError, match=rf"pull_request\.{field} is not "):
        read_event(event_file(tmp_path, **event))


def test_a_sha256_repository_event_is_accepted(tmp_path: Path) -> None:
    pull = read_event(event_file(tmp_path, base="b" * 64, head="c" * 64, repo="my_org-1/demo.py"))
    assert (pull.base_sha, pull.head_sha, pull.repo, pull.number) == ("b" * 64, "c" * 64, "my_org-1/demo.py", 7)
