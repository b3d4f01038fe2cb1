"""Defect 12: a pull request does not control its own gate. The Action reads the configuration
from the base commit (--config-ref) and reports the findings that suppressions the pull request
adds would hide (--fail-on-new-suppressions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.conftest import FLAWED, codepatch, git

GATE = ("scan", ".", "--no-cache", "--changed-since", "main", "--config-ref", "main", "--fail-on-new-suppressions",
        "--format", "json")


@pytest.fixture
def branch(repo: Path) -> Path:
    git(repo, "checkout", "-q", "-b", "pull-request")
    return repo


@pytest.mark.parametrize("config", [
    '[tool.codepatch]\nignore = ["command-injection"]\n',
    '[tool.codepatch]\nexclude = ["new_*.py"]\n',
    '[tool.codepatch.per-path-ignores]\n"new_*.py" = ["ALL"]\n',
    '[tool.codepatch]\nfail-on = "none"\n',
])
def test_the_pull_requests_own_configuration_does_not_change_the_gate(branch: Path, config: str) -> None:
    (branch / "new_tool.py").write_text(FLAWED)
    (branch / "pyproject.toml").write_text(config)
    git(branch, "add", "-A")
    git(branch, "commit", "-qm", "flaw and a configuration that hides it")
    done = codepatch(*GATE, cwd=branch)
    assert done.returncode == 1, done.stderr
    assert [f["path"] for f in json.loads(done.stdout)["findings"]] == ["new_tool.py"]
    assert codepatch("scan", ".", "--no-cache", "--changed-since", "main", cwd=branch).returncode == 0  # without


@pytest.mark.parametrize("marker", ["# nosec", "# codepatch: ignore", "# noqa: S605", "# nosemgrep"])
def test_a_suppression_the_pull_request_adds_is_reported(branch: Path, marker: str) -> None:
    (branch / "new_tool.py").write_text(FLAWED.replace("])\n", f"])  {marker}\n"))
    git(branch, "add", "-A")
    git(branch, "commit", "-qm", "flaw with a suppression")
    done = codepatch(*GATE, cwd=branch)
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["path"] == "new_tool.py" and "added in this change: not honoured" in finding["suppression"]


def test_a_suppression_already_on_the_base_still_holds(repo: Path) -> None:
    (repo / "old_tool.py").write_text(FLAWED.replace("])\n", "])  # codepatch: ignore[command-injection]\n"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "accepted long ago")
    git(repo, "checkout", "-q", "-b", "pull-request")
    (repo / "other.py").write_text("x = 1\n")
    done = codepatch(*GATE, cwd=repo)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("hidden", ["build/evil.py", "venv/evil.py", "ignored/evil.py"])
def test_a_file_the_pull_request_adds_where_scans_do_not_look_is_scanned(branch: Path, hidden: str) -> None:
    (branch / ".gitignore").write_text("ignored/\n")
    (branch / hidden).parent.mkdir()
    (branch / hidden).write_text(FLAWED)
    git(branch, "add", "-A")
    git(branch, "add", "-f", hidden)
    git(branch, "commit", "-qm", "a flaw where scans do not look")
    done = codepatch(*GATE, cwd=branch)
    assert done.returncode == 1, done.stderr
    assert [f["path"] for f in json.loads(done.stdout)["findings"]] == [hidden]
