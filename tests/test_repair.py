"""End to end: `codepatch scan --fix` on a copy of each mini-project under fixtures/repos/, then its own tests.

Each project has `tests/test_functional.py` (the features work) and `tests/test_exploit.py` (one
test per flaw, failing on the vulnerable code and passing once the flaw is fixed, by behaviour).
After `--fix`:

- every functional test passes, in every project (a fix that breaks a feature must be rejected by
  the validation, never applied);
- every exploit test passes, except the flaws listed in NOT_FIXED_YET with the reason.

The fixes are validated with the projects' own tests (no `--no-tests`), which is what takes the
time; projects run two at a time. Pytest plugins of this venv are not loaded in the projects'
runs (`PYTEST_DISABLE_PLUGIN_AUTOLOAD`): they need none, and loading them costs seconds per run.
benchmarks/repair.py reports the same runs as a table.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

REPOS_DIR = FIXTURES / "repos"
REPOS = sorted(path.name for path in REPOS_DIR.iterdir() if path.is_dir())
EXPLOIT_FILE = "tests/test_exploit.py"
PARALLEL = 2
PROJECT_TEST_TIMEOUT = 120  # seconds, for one run of a project's suite (they take a few seconds)

# Flaws (exploit tests) that --fix does not fix yet: repo → {exploit test name: why}.
NOT_FIXED_YET: dict[str, dict[str, str]] = {}


@dataclass
class RepairRun:
    """What happened to one copy of a mini-project."""

    repo: str
    findings: list[dict]  # plain scan, before any fix
    remaining: list[dict]  # the `--fix` report: findings left, each with its fix_status
    fix_seconds: float
    fix_log: str
    before: dict[str, bool]  # test id ("tests/test_x.py::name") → passed, on the vulnerable code
    after: dict[str, bool]  # the same after --fix

    def functional_failures(self) -> list[str]:
        return sorted(test for test, passed in self.after.items() if not test.startswith(EXPLOIT_FILE) and not passed)

    def exploits(self) -> dict[str, bool]:
        """Exploit test name → passes after --fix."""
        return {test.split("::")[1]: passed for test, passed in self.after.items() if test.startswith(EXPLOIT_FILE)}

    def fixed_count(self) -> int:
        left = {(f["path"], f["line"], f["column"], f["rule_id"]) for f in self.remaining}
        return sum((f["path"], f["line"], f["column"], f["rule_id"]) not in left for f in self.findings)


def project_environment() -> dict[str, str]:
    return {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def run_project_tests(project: Path) -> dict[str, bool]:
    """Test id → passed, from one pytest run in `project` (a separate process)."""
    junit = project.parent / f"{project.name}-junit.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"],
                   cwd=project, env=project_environment(), capture_output=True, timeout=PROJECT_TEST_TIMEOUT)
    outcomes = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        test_file = case.get("classname", "").replace(".", "/") + ".py"
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        outcomes[f"{test_file}::{case.get('name')}"] = not failed
    junit.unlink()
    return outcomes


def codepatch_json(project: Path, *flags: str) -> tuple[list[dict], str]:
    """The findings of `codepatch scan project --format json FLAGS`, and its standard error."""
    completed = subprocess.run([sys.executable, "-m", "codepatch", "scan", str(project), "--no-cache", "--format",
                                "json", "--test-timeout", str(PROJECT_TEST_TIMEOUT), *flags],
                               env=project_environment(), capture_output=True, text=True, timeout=1800)
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)["findings"], completed.stderr


def repair(repo: str, workdir: Path) -> RepairRun:
    """Copy fixtures/repos/<repo> under workdir, run its tests, `--fix` it, run its tests again."""
    project = workdir / repo
    shutil.copytree(REPOS_DIR / repo, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    before = run_project_tests(project)
    findings, _ = codepatch_json(project)
    start = time.perf_counter()
    remaining, log = codepatch_json(project, "--fix")
    seconds = time.perf_counter() - start
    return RepairRun(repo, findings, remaining, seconds, log, before, run_project_tests(project))


def repair_all(workdir: Path, repos: list[str] = REPOS) -> dict[str, RepairRun]:
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        runs = pool.map(lambda repo: repair(repo, workdir), repos)
        return {run.repo: run for run in runs}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RepairRun]:
    return repair_all(tmp_path_factory.mktemp("repair"))


def test_every_repo_has_both_test_files() -> None:
    assert len(REPOS) >= 8
    for repo in REPOS:
        for name in ("pyproject.toml", "tests/test_functional.py", "tests/test_exploit.py"):
            assert (REPOS_DIR / repo / name).is_file(), f"{repo} has no {name}"


def test_not_fixed_yet_names_real_exploit_tests() -> None:
    for repo, flaws in NOT_FIXED_YET.items():
        text = (REPOS_DIR / repo / EXPLOIT_FILE).read_text(encoding="utf-8")
        for name, reason in flaws.items():
            assert f"def {name}(" in text and reason, (repo, name)


@pytest.mark.parametrize("repo", REPOS)
def test_vulnerable_code_fails_its_exploit_tests_only(runs: dict[str, RepairRun], repo: str) -> None:
    run = runs[repo]
    exploits = {test: passed for test, passed in run.before.items() if test.startswith(EXPLOIT_FILE)}
    assert exploits and not any(exploits.values()), f"exploit tests passing on the vulnerable code: {exploits}"
    assert all(passed for test, passed in run.before.items() if test not in exploits)


@pytest.mark.parametrize("repo", REPOS)
def test_tests_are_not_scanned_as_findings(runs: dict[str, RepairRun], repo: str) -> None:
    assert not [f for f in runs[repo].findings if "/tests/" in f["path"]]


@pytest.mark.parametrize("repo", REPOS)
def test_fix_keeps_every_functional_test_passing(runs: dict[str, RepairRun], repo: str) -> None:
    run = runs[repo]
    assert run.after.keys() == run.before.keys()
    assert not run.functional_failures(), run.fix_log


@pytest.mark.parametrize("repo", REPOS)
def test_fix_makes_the_exploit_tests_pass(runs: dict[str, RepairRun], repo: str) -> None:
    run = runs[repo]
    expected_open = NOT_FIXED_YET.get(repo, {})
    still_open = {name for name, passed in run.exploits().items() if not passed}
    statuses = "\n".join(f"{f['path']}:{f['line']} {f['rule_id']}: {f['fix_status']}" for f in run.remaining)
    assert still_open <= expected_open.keys(), f"not fixed: {sorted(still_open - expected_open.keys())}\n{statuses}"
    # A flaw listed as not fixed that --fix now fixes: take it off the list.
    assert not expected_open.keys() - still_open, f"fixed now, remove from NOT_FIXED_YET: {expected_open.keys() - still_open}"
