"""Step 4: the repository's own tests, in the workspace copy, in a separate process with a
timeout and an environment scrubbed of credentials. Every test that passed before the patch must
pass after it; the patch counts as *tested* when some test executed a patched line (coverage).

Running the tests executes the repository's code: only `--fix`, `--diff` and `--validate` do it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from codepatch.types import CheckResult, Patch
from codepatch.validate.workspace import Workspace

STEP = "tests"
SECRET_VARIABLE = re.compile(r"(?i)token|secret|passw|credential|api[_-]?key|private|auth|cookie|session"
                             r"|^aws_|^gcp_|^azure_|^gh_|^github_|^npm_|^pypi|^twine_")
TEST_FILE = re.compile(r"^(test_.*|.*_test)\.py$")


@dataclass(frozen=True)
class TestRun:
    passed: frozenset[str] = frozenset()
    executed: dict[str, set[int]] = field(default_factory=dict)  # workspace-relative path → lines run
    error: str = ""


def has_tests(root: Path) -> bool:
    return any(TEST_FILE.match(p.name) for p in root.rglob("*.py"))


def scrubbed_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not SECRET_VARIABLE.search(k)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_tests(workspace: Workspace, timeout: float, watch: list[str], test_command: tuple[str, ...] = ()) -> TestRun:
    """pytest under coverage in the copy; `watch` are the workspace-relative files to measure.

    `test_command` (the configured one) replaces `pytest -q`: when it runs pytest its arguments
    are kept and each test still counts; any other command passes or fails as a whole.
    """
    pytest_args = pytest_arguments(test_command)
    if pytest_args is None:
        return _run_command(workspace, timeout, test_command)
    with tempfile.TemporaryDirectory(prefix="codepatch-tests-") as out:
        junit, data, report = (str(Path(out) / n) for n in ("junit.xml", "coverage.data", "coverage.json"))
        include = ",".join(str(workspace.root / w) for w in watch) or str(workspace.root / "*")
        command = [sys.executable, "-m", "coverage", "run", f"--data-file={data}", f"--include={include}",
                   "-m", "pytest", *pytest_args, "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
        try:
            subprocess.run(command, cwd=workspace.root, env=scrubbed_environment(), capture_output=True,
                           timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return TestRun(error=f"the test suite ran past its {timeout:.0f} s timeout")
        if not Path(junit).exists():
            return TestRun(error="pytest produced no results")
        subprocess.run([sys.executable, "-m", "coverage", "json", f"--data-file={data}", "-o", report, "-q"],
                       cwd=workspace.root, capture_output=True, timeout=120)
        return TestRun(_passed_ids(Path(junit)), _executed(Path(report), workspace.root))


def pytest_arguments(command: tuple[str, ...]) -> list[str] | None:
    """The arguments a command gives pytest (`pytest tests/unit`, `python -m pytest -x`), None when it is no pytest."""
    if command[:1] in ((), ("pytest",), ("py.test",)):
        return list(command[1:])
    if command[:1] in (("python",), ("python3",)) and command[1:3] == ("-m", "pytest"):
        return list(command[3:])
    return None


def _run_command(workspace: Workspace, timeout: float, command: tuple[str, ...]) -> TestRun:
    """Any other test command: one result, passed when it exits with status 0."""
    shown = shlex.join(command)
    try:
        done = subprocess.run(list(command), cwd=workspace.root, env=scrubbed_environment(), capture_output=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return TestRun(error=f"the test suite ran past its {timeout:.0f} s timeout")
    except OSError as exc:
        return TestRun(error=f"cannot run `{shown}`: {exc.strerror or exc}")
    if done.returncode != 0:
        return TestRun(error=f"`{shown}` exited with status {done.returncode}")
    return TestRun(passed=frozenset({shown}))


def _passed_ids(junit: Path) -> frozenset[str]:
    passed = set()
    for case in ElementTree.parse(junit).iter("testcase"):
        if not any(child.tag in ("failure", "error", "skipped") for child in case):
            passed.add(f"{case.get('classname')}::{case.get('name')}")
    return frozenset(passed)


def _executed(report: Path, root: Path) -> dict[str, set[int]]:
    try:
        files = json.loads(report.read_text())["files"]
    except (OSError, ValueError, KeyError):
        return {}
    executed = {}
    for name, data in files.items():
        path = Path(name)
        relative = (path.relative_to(root) if path.is_absolute() else path).as_posix()
        executed[relative] = set(data.get("executed_lines", ()))
    return executed


def changed_lines(original: str, patched: str) -> set[int]:
    """Line numbers (in the patched text) that the patch added or changed."""
    matcher = difflib.SequenceMatcher(a=original.splitlines(), b=patched.splitlines(), autojunk=False)
    return {line + 1 for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal" for line in range(j1, j2)}


def check(patch: Patch, workspace: Workspace, baseline: TestRun, timeout: float,
          test_command: tuple[str, ...] = ()) -> tuple[CheckResult, bool]:
    """(the verdict, whether a test executed a patched line)."""
    workspace.write([(path, patched) for path, _, patched in patch.files])
    try:
        after = run_tests(workspace, timeout, [workspace.relative(p) for p, _, _ in patch.files], test_command)
    finally:
        workspace.write([(path, original) for path, original, _ in patch.files])
    if after.error:
        return CheckResult(STEP, False, after.error), False
    broken = sorted(baseline.passed - after.passed)
    if broken:
        shown = ", ".join(broken[:5]) + (f" and {len(broken) - 5} more" if len(broken) > 5 else "")
        return CheckResult(STEP, False, f"tests that passed before now fail: {shown}"), False
    tested = any(changed_lines(original, patched) & after.executed.get(workspace.relative(path), set())
                 for path, original, patched in patch.files)
    note = f"{len(after.passed)} tests pass; " + ("a test runs the patched lines" if tested else "no test runs the patched lines")
    return CheckResult(STEP, True, note), tested
