"""`codepatch github-review`: post a JSON report's validated fixes to a pull request as suggestions.

One review (`event: COMMENT`) with a ```suggestion``` comment per line edit that lies in the pull
request's diff. Without a token, or with the read-only token a pull request from a fork gets,
it prints a notice and exits 0: a missing review must not fail the job. Every other failure is one
line and exit 2. The report, event and diff may come from an untrusted workflow's artifact, and the
API server's replies are not trusted either (see `codepatch/github/client.py`).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import click

from codepatch.errors import UserError

if TYPE_CHECKING:
    from codepatch.github.review import Review

DEFAULT_API_URL = "https://api.github.com"


@click.command("github-review")
@click.option("--report", "report_path", required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="JSON report of `codepatch scan --validate --format json` (its validated patches).")
@click.option("--event", "event_path", required=True, envvar="GITHUB_EVENT_PATH",
              type=click.Path(path_type=Path, dir_okay=False),
              help="The pull_request event payload (default: $GITHUB_EVENT_PATH).")
@click.option("--diff", "diff_path", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The pull request's unified diff (default: `git diff BASE...HEAD` in the current folder).")
@click.option("--api-url", envvar="GITHUB_API_URL", default=DEFAULT_API_URL, show_default=True,
              help="GitHub REST API root (default: $GITHUB_API_URL).")
@click.option("--dry-run", is_flag=True, help="Print the review as JSON instead of posting it.")
def command(report_path: Path, event_path: Path, diff_path: Path | None, api_url: str, dry_run: bool) -> None:
    """Post validated fixes as one pull request review with suggestion blocks (token: $GITHUB_TOKEN)."""
    from codepatch.github.client import GitHubError, post_review, printable
    from codepatch.github.event import read_event

    pull = read_event(event_path)
    diff_text = _read_diff(diff_path) if diff_path else git_diff(pull.base_sha, pull.head_sha)
    review = _build(report_path, diff_text)
    if review is None:
        notice("no validated fix in the report (scan with --validate --format json); no review posted")
        return
    payload = review.payload(pull.head_sha)
    if dry_run:
        click.echo(json.dumps(payload, indent=2))
        return
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        notice("GITHUB_TOKEN is not set; review not posted")
        return
    try:
        created = post_review(api_url, pull.repo, pull.number, token, payload)
    except GitHubError as exc:
        if exc.status == 403:  # a read-only token: always the case for pull requests from forks
            fork = " (this pull request comes from a fork, whose token is read-only)" if pull.from_fork else ""
            notice(f"the token may not review pull requests{fork}; review not posted. {exc}")
            return
        raise UserError(str(exc)) from exc
    click.echo(f"posted review {printable(str(created.get('html_url') or created.get('id', '')))} with "
               f"{len(payload['comments'])} suggestion(s) on {pull.repo}#{pull.number}", err=True)


def git_diff(base: str, head: str) -> str:
    """The pull request's diff as GitHub shows it: head against its merge-base with base.
    `--end-of-options`: a revision can never be read as an option (`--output=FILE`)."""
    from codepatch.github.client import printable

    command = ["git", "diff", "--no-color", "--no-ext-diff", "--unified=3", "--src-prefix=a/", "--dst-prefix=b/",
               "--end-of-options", f"{base}...{head}"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace", check=False)
    except OSError as exc:
        raise UserError(f"cannot run git to compute the pull request's diff: {exc}") from exc
    if done.returncode != 0:
        raise UserError(f"git diff {base}...{head} failed ({printable(done.stderr.strip())}); fetch both commits "
                        "(a shallow checkout lacks the base) or pass --diff FILE")
    return done.stdout


def _read_diff(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read the diff {path}: {exc}") from exc


def _build(report_path: Path, diff_text: str) -> Review | None:
    """The review of the report's patches; a report whose patches lack a field is a UserError."""
    from codepatch.github.pull_diff import parse_diff
    from codepatch.github.review import build_review

    report = _read_report(report_path)
    try:
        return build_review(report, parse_diff(diff_text))
    except (KeyError, TypeError, AttributeError) as exc:
        raise UserError(f"{report_path}: a patch in the report is malformed ({type(exc).__name__}: {exc}); "
                        "pass the JSON report of `codepatch scan --validate --format json`") from exc


def _read_report(path: Path) -> dict:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise UserError(f"cannot read the JSON report {path}: {exc}") from exc
    if not isinstance(report, dict) or "findings" not in report:
        raise UserError(f"{path} is not a codepatch JSON report")
    return report


def notice(message: str) -> None:
    """A notice annotation on GitHub Actions, a plain line elsewhere; never a failure."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from codepatch.report.github import workflow_command

        click.echo(workflow_command("notice", message, title="codepatch github-review"))
    else:
        click.echo(f"codepatch github-review: {message}", err=True)
