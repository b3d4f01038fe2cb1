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


def run_tests(workspace: Workspace, timeout: float, watch: list[str]) -> TestRun:
    """pytest under coverage in the copy; `watch` are the workspace-relative files to measure."""
    with tempfile.TemporaryDirectory(prefix="codepatch-tests-") as out:
        junit, data, report = (str(Path(out) / n) for n in ("junit.xml", "coverage.data", "coverage.json"))
        include = ",".join(str(workspace.root / w) for w in watch) or str(workspace.root / "*")
        command = [sys.executable, "-m", "coverage", "run", f"--data-file={data}", f"--include={include}",
                   "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
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


def check(patch: Patch, workspace: Workspace, baseline: TestRun, timeout: float) -> tuple[CheckResult, bool]:
    """(the verdict, whether a test executed a patched line)."""
    workspace.write([(path, patched) for path, _, patched in patch.files])
    try:
        after = run_tests(workspace, timeout, [workspace.relative(p) for p, _, _ in patch.files])
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
