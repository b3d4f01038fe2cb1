"""Step 4: the repository's own tests, in the workspace copy, in a separate process with a
timeout. Every test that passed before the patch must pass after it; the patch counts as *tested*
when some test executed a patched line (coverage).

Running the tests executes the repository's code: only `--fix`, `--diff` and `--validate` do it.
It gets an allow-listed environment (PATH, locale, temporary folder, the virtual environment, and
the variables `validate.pass-env` names), a fresh empty HOME, and its own process group, which is
killed as a whole when the run ends, times out, or codepatch is stopped.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from codepatch.files import scratch
from codepatch.fix.validate.workspace import Workspace
from codepatch.types import CheckResult, Patch

STEP = "tests"
PASSED_VARIABLES = ("PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV", "SYSTEMROOT")
PASSED_PREFIX = "LC_"
COVERAGE_REPORT_SECONDS = 120
TEST_FILE = re.compile(r"^(test_.*|.*_test)\.py$")


@dataclass(frozen=True)
class TestRun:
    passed: frozenset[str] = frozenset()
    executed: dict[str, set[int]] = field(default_factory=dict)  # workspace-relative path → lines run
    error: str = ""


def has_tests(root: Path) -> bool:
    return any(TEST_FILE.match(p.name) for p in root.rglob("*.py"))


def test_environment(home: Path, passed: tuple[str, ...] = ()) -> dict[str, str]:
    """What the tests see: only allow-listed variables (no credentials), HOME an empty folder."""
    names = set(PASSED_VARIABLES) | set(passed)
    env = {k: v for k, v in os.environ.items() if k in names or k.startswith(PASSED_PREFIX)}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1", PYTHONNOUSERSITE="1")
    return env


def run_isolated(command: list[str], cwd: Path, timeout: float, passed: tuple[str, ...] = ()) -> int | None:
    """Run `command` in its own process group with the test environment; its exit status, or None
    when it ran past `timeout`. Whatever it started is killed when it ends, however it ends."""
    with scratch.folder("home") as home, open(os.devnull, "wb") as devnull:
        # Output to /dev/null, not a pipe: a child left holding a pipe would keep us waiting.
        process = subprocess.Popen(command, cwd=cwd, env=test_environment(Path(home), passed), stdin=subprocess.DEVNULL,
                                   stdout=devnull, stderr=devnull, start_new_session=True,
                                   preexec_fn=_die_with_parent)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            _kill_group(process)


def _die_with_parent() -> None:
    """In the child, Linux only: SIGKILL it when codepatch dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def run_tests(workspace: Workspace, timeout: float, watch: list[str], test_command: tuple[str, ...] = (),
              pass_env: tuple[str, ...] = ()) -> TestRun:
    """pytest under coverage in the copy; `watch` are the workspace-relative files to measure.

    `test_command` (the configured one) replaces `pytest -q`: when it runs pytest its arguments
    are kept and each test still counts; any other command passes or fails as a whole.
    """
    pytest_args = pytest_arguments(test_command)
    if pytest_args is None:
        return _run_command(workspace, timeout, test_command, pass_env)
    with scratch.folder("tests") as out:
        junit, data, report = (str(Path(out) / n) for n in ("junit.xml", "coverage.data", "coverage.json"))
        include = ",".join(str(workspace.root / w) for w in watch) or str(workspace.root / "*")
        command = [sys.executable, "-m", "coverage", "run", f"--data-file={data}", f"--include={include}",
                   "-m", "pytest", *pytest_args, "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"]
        if run_isolated(command, workspace.root, timeout, pass_env) is None:
            return TestRun(error=f"the test suite ran past its {timeout:.0f} s timeout")
        if not Path(junit).exists():
            return TestRun(error="pytest produced no results")
        run_isolated([sys.executable, "-m", "coverage", "json", f"--data-file={data}", "-o", report, "-q"],
                     workspace.root, COVERAGE_REPORT_SECONDS)
        return TestRun(_passed_ids(Path(junit)), _executed(Path(report), workspace.root))


def pytest_arguments(command: tuple[str, ...]) -> list[str] | None:
    """The arguments a command gives pytest (`pytest tests/unit`, `python -m pytest -x`), None when it is no pytest."""
    if command[:1] in ((), ("pytest",), ("py.test",)):
        return list(command[1:])
    if command[:1] in (("python",), ("python3",)) and command[1:3] == ("-m", "pytest"):
        return list(command[3:])
    return None


def _run_command(workspace: Workspace, timeout: float, command: tuple[str, ...],
                 pass_env: tuple[str, ...]) -> TestRun:
    """Any other test command: one result, passed when it exits with status 0."""
    shown = shlex.join(command)
    try:
        status = run_isolated(list(command), workspace.root, timeout, pass_env)
    except OSError as exc:
        return TestRun(error=f"cannot run `{shown}`: {exc.strerror or exc}")
    if status is None:
        return TestRun(error=f"the test suite ran past its {timeout:.0f} s timeout")
    if status != 0:
        return TestRun(error=f"`{shown}` exited with status {status}")
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
          test_command: tuple[str, ...] = (), pass_env: tuple[str, ...] = ()) -> tuple[CheckResult, bool]:
    """(the verdict, whether a test executed a patched line)."""
    workspace.write([(path, patched) for path, _, patched in patch.files])
    try:
        after = run_tests(workspace, timeout, [workspace.relative(p) for p, _, _ in patch.files], test_command,
                          pass_env)
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
