"""`codepatch github-review` on the real path: a real git pull request, a real scan report, a real
HTTP server on 127.0.0.1 standing in for the GitHub API, and the exact review JSON it receives."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.github.pull_diff import parse_diff
from codepatch.github.review import suggestion_block
from codepatch.report.patch_edits import LineEdit, line_edits

BASE_APP = "import subprocess\nimport sys\n\nimport yaml\n\n\ndef main():\n    return 0\n"
HEAD_APP = '''import subprocess
import sys

import yaml


def load_config(text):
    return yaml.load(text, Loader=yaml.Loader)


def list_dir(name):
    return subprocess.run("ls " + name,
                          shell=True)


def main():
    list_dir(sys.argv[1])
    return 0
'''
# Vulnerable before the pull request, and untouched by it: its fix lies outside the diff.
LEGACY = "import os\nimport sys\n\n\ndef remove():\n    return os.system('rm ' + sys.argv[1])\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture()
def pull(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "dev@example.com")
    git(repo, "config", "user.name", "Dev")
    (repo / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (repo / "app.py").write_text(BASE_APP)
    (repo / "legacy.py").write_text(LEGACY)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "app.py").write_text(HEAD_APP)
    git(repo, "commit", "-q", "-am", "load config, list folders")
    head = git(repo, "rev-parse", "HEAD")
    report = tmp_path / "report.json"
    scanned = CliRunner().invoke(cli, ["scan", str(repo), "--validate", "--no-tests", "--format", "json",
                                       "-o", str(report), "--no-cache", "--fail-on", "none"])
    assert scanned.exit_code == 0, scanned.output
    monkeypatch.chdir(repo)  # where `git diff base...head` runs
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return {"repo": repo, "base": base, "head": head, "report": report,
            "event": write_event(tmp_path / "event.json", base, head, head_repo="octo/demo")}


def write_event(path: Path, base: str, head: str, head_repo: str) -> Path:
    """The fields codepatch reads, in the shape of GitHub's pull_request webhook payload."""
    payload = {
        "action": "synchronize", "number": 7,
        "pull_request": {
            "url": "https://api.github.com/repos/octo/demo/pulls/7", "number": 7, "state": "open",
            "head": {"label": "dev:feature", "ref": "feature", "sha": head,
                     "repo": {"full_name": head_repo, "fork": head_repo != "octo/demo"}},
            "base": {"label": "octo:main", "ref": "main", "sha": base, "repo": {"full_name": "octo/demo", "fork": False}},
        },
        "repository": {"full_name": "octo/demo"},
        "sender": {"login": "dev"},
    }
    path.write_text(json.dumps(payload))
    return path


class FakeGitHub(BaseHTTPRequestHandler):
    """Records each request; answers with the server's configured status and body."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
        status, answer = self.server.answer
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def github():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    server.requests, server.answer = [], (200, {"id": 1, "html_url": "https://github.com/octo/demo/pull/7#review-1"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def review(pull: dict, server, *extra: str, token: str | None = "secret-token", actions: bool = False):
    env = {"GITHUB_API_URL": f"http://127.0.0.1:{server.server_address[1]}", "GITHUB_TOKEN": token,
           "GITHUB_ACTIONS": "true" if actions else None}
    return CliRunner().invoke(cli, ["github-review", "--report", str(pull["report"]), "--event", str(pull["event"]),
                                    *extra], env=env)


HEADER = ("**codepatch** validated fix for `unsafe-yaml-load` at `app.py:8`, `command-injection` at `app.py:12` "
          "with `use_safe_yaml_loader, use_argument_list`: passed parses, rescan, bandit, tests (skipped); untested")


def test_the_report_lists_validated_patches_with_line_edits(pull: dict) -> None:
    patches = json.loads(pull["report"].read_text())["patches"]
    by_path = {file["path"]: file for patch in patches for file in patch["files"]}
    assert sorted(by_path) == ["app.py", "legacy.py"]
    app = next(p for p in patches if p["files"][0]["path"] == "app.py")
    assert app["findings"] == [{"rule_id": "unsafe-yaml-load", "path": "app.py", "line": 8},
                               {"rule_id": "command-injection", "path": "app.py", "line": 12}]
    assert [c["step"] for c in app["checks"]] == ["parses", "rescan", "bandit", "tests"] and app["tested"] is False
    assert "+    return yaml.safe_load(text)\n" in by_path["app.py"]["diff"]
    assert by_path["app.py"]["edits"][0] == {"start": 8, "end": 8, "original": "    return yaml.load(text, Loader=yaml.Loader)\n",
                                             "replacement": "    return yaml.safe_load(text)\n"}


def test_posts_one_review_with_suggestions_only_where_the_diff_shows_the_lines(pull: dict, github) -> None:
    result = review(pull, github)
    assert result.exit_code == 0, result.output
    assert "posted review https://github.com/octo/demo/pull/7#review-1 with 2 suggestion(s)" in result.output
    [request] = github.requests
    assert request["path"] == "/repos/octo/demo/pulls/7/reviews"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    posted = request["json"]
    assert posted["commit_id"] == pull["head"] and posted["event"] == "COMMENT"
    assert posted["comments"] == [
        {"path": "app.py", "line": 8, "side": "RIGHT",
         "body": HEADER + " (part 1 of 2: apply all parts together)\n\n"
                          "```suggestion\n    return yaml.safe_load(text)\n```"},
        {"path": "app.py", "line": 13, "start_line": 12, "start_side": "RIGHT", "side": "RIGHT",
         "body": HEADER + " (part 2 of 2: apply all parts together)\n\n"
                          '```suggestion\n    return subprocess.run(["ls", name],\n                          shell=False)\n```'},
    ]
    # legacy.py is not part of the pull request: its fix gets no suggestion, and the body says why.
    assert "validated 2 fix(es) for findings in this pull request; 1 suggested below." in posted["body"]
    assert "- `command-injection` at `legacy.py:6`: `legacy.py` line 2 not shown in this diff" in posted["body"]


def test_dry_run_with_a_diff_file_prints_the_same_review(pull: dict, github, tmp_path: Path) -> None:
    diff = tmp_path / "pr.diff"
    diff.write_text(git(pull["repo"], "diff", f"{pull['base']}...{pull['head']}") + "\n")
    posted = review(pull, github)
    printed = review(pull, github, "--diff", str(diff), "--dry-run", token=None)
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == github.requests[0]["json"] and len(github.requests) == 1
    assert posted.exit_code == 0


def test_a_fork_with_a_read_only_token_gets_a_notice_and_exit_0(pull: dict, github, tmp_path: Path) -> None:
    pull["event"] = write_event(tmp_path / "fork.json", pull["base"], pull["head"], head_repo="someone/demo")
    github.answer = (403, {"message": "Resource not accessible by integration"})
    result = review(pull, github, actions=True)
    assert result.exit_code == 0, result.output
    assert len(github.requests) == 1
    assert result.stdout.startswith("::notice title=codepatch github-review::the token may not review pull requests "
                                    "(this pull request comes from a fork, whose token is read-only); review not "
                                    "posted. GitHub API error 403: Resource not accessible by integration")


def test_no_token_gets_a_notice_and_exit_0(pull: dict, github) -> None:
    result = review(pull, github, token=None)
    assert result.exit_code == 0
    assert "GITHUB_TOKEN is not set; review not posted" in result.output and github.requests == []


def test_other_api_errors_exit_2_with_the_message(pull: dict, github) -> None:
    github.answer = (422, {"message": "Unprocessable Entity", "errors": ["Line could not be resolved"]})
    result = review(pull, github)
    assert result.exit_code == 2
    assert "GitHub API error 422: Unprocessable Entity Line could not be resolved" in result.output


def test_a_missing_base_commit_is_a_clear_error(pull: dict, github, tmp_path: Path) -> None:
    pull["event"] = write_event(tmp_path / "e.json", "0" * 40, pull["head"], head_repo="octo/demo")
    result = review(pull, github)
    assert result.exit_code == 2 and "fetch both commits (a shallow checkout lacks the base)" in result.output


DIFF = '''diff --git a/a.py b/a.py
--- a/a.py
+++ b/a.py
@@ -1,3 +1,4 @@
 one
-two
+TWO
+three
 four
@@ -20,2 +21,2 @@ def f():
 x = 1
-y = 2
+y = 3
\\ No newline at end of file
diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"
--- "a/caf\\303\\251.py"
+++ "b/caf\\303\\251.py"
@@ -0,0 +1 @@
+new
diff --git a/gone.py b/gone.py
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-bye
'''


def test_diff_parsing_knows_the_head_lines_of_each_hunk() -> None:
    diff = parse_diff(DIFF)
    assert diff.head_text("a.py", 1, 4) == ("one", "TWO", "three", "four")
    assert diff.head_text("a.py", 21, 22) == ("x = 1", "y = 3")
    assert diff.head_text("a.py", 4, 21) is None  # spans two hunks
    assert diff.head_text("a.py", 5, 5) is None  # between hunks
    assert diff.head_text("café.py", 1, 1) == ("new",)
    assert "gone.py" not in diff.hunks


@pytest.mark.parametrize("name", ['"a\\"', '"\\x"'])
def test_a_quoted_name_with_a_broken_escape_is_kept_as_written(name: str) -> None:
    assert parse_diff(f"+++ {name}\n@@ -1 +1 @@\n+x\n").head_text(name, 1, 1) == ("x",)


def test_line_edits_give_insertions_a_line_to_replace() -> None:
    before = "import os\n\nos.system(x)"
    after = "import os\nimport subprocess\n\nsubprocess.run(x)\n"
    assert line_edits(before, after) == [LineEdit(1, 1, "import os\n", "import os\nimport subprocess\n"),
                                         LineEdit(3, 3, "os.system(x)", "subprocess.run(x)\n")]
    assert line_edits("a\n", "b\na\n") == [LineEdit(1, 1, "a\n", "b\na\n")]


def test_a_suggestion_fence_outlasts_backticks_inside() -> None:
    assert suggestion_block("s = '```'\n") == "````suggestion\ns = '```'\n````"
    assert suggestion_block("") == "```suggestion\n```"  # deletes the lines


def test_a_patch_made_from_other_text_than_the_head_is_not_suggested() -> None:
    from codepatch.github.review import build_review

    patch = {"findings": [{"rule_id": "r", "path": "a.py", "line": 2}], "strategies": ["s"], "checks": [],
             "tested": False, "files": [{"path": "a.py", "edits": [{"start": 2, "end": 2, "original": "two\n",
                                                                     "replacement": "2\n"}]}]}
    made = build_review({"findings": [], "patches": [patch]}, parse_diff(DIFF))
    assert made.suggestions == ()
    assert "`a.py` line 2 differs from the pull request's head" in made.body
