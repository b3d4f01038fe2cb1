"""Defect 14: the project's tests run in their own process group, killed as a whole; a child that
keeps the output pipe open neither stalls validation nor outlives it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.hostile.conftest import ENTRY, codepatch

YAML_LOAD = "import yaml\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n"


def alive(pid: int) -> bool:
    """Running (a zombie waiting for whoever adopted it to reap it is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_forked_child_holding_the_output_neither_stalls_nor_survives(repo: Path, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    (repo / "conf.py").write_text(YAML_LOAD)
    (repo / "test_fork.py").write_text(
        "import os, subprocess, sys\n\n"
        "def test_fork():\n"
        "    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
        f"    with open({str(pids)!r}, 'a') as out:\n"
        "        out.write(f'{child.pid}\\n')\n")
    started = time.monotonic()
    done = codepatch("scan", "conf.py", "--no-cache", "--validate", "--test-timeout", "200", "--format", "json",
                     cwd=repo, timeout=250)
    assert time.monotonic() - started < 150  # not held until the 200 s timeout by the sleeping child
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["fix_status"].startswith("validated fix"), finding["fix_status"]
    children = [int(line) for line in pids.read_text().split()]
    assert len(children) >= 2  # the suite ran before and after the patch
    time.sleep(0.5)
    assert not any(alive(pid) for pid in children)


def test_a_killed_run_leaves_nothing_the_next_run_does_not_remove(repo: Path, tmp_path: Path) -> None:
    """SIGKILL in the middle of the test step: the tests die with codepatch, and the next fix run
    removes the workspace it left."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    pids = tmp_path / "pids"
    (repo / "conf.py").write_text(YAML_LOAD)
    (repo / "test_slow.py").write_text(
        "import os, time\n\n"
        "def test_slow():\n"
        f"    with open({str(pids)!r}, 'a') as out:\n"
        "        out.write(f'{os.getpid()}\\n')\n"
        "    time.sleep(300)\n")
    env = {**os.environ, "TMPDIR": str(private_tmp), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-c", ENTRY, "scan", "conf.py", "--no-cache", "--validate"],
                               cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not pids.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    pytest_pid = int(pids.read_text().split()[0])
    for _ in range(50):
        if not alive(pytest_pid):
            break
        time.sleep(0.1)
    assert not alive(pytest_pid)  # died with its parent
    assert list(private_tmp.glob("codepatch-ws-*"))  # what SIGKILL left
    (repo / "test_slow.py").unlink()
    done = codepatch("scan", "conf.py", "--no-cache", "--validate", cwd=repo, env={"TMPDIR": str(private_tmp)})
    assert done.returncode == 1, done.stderr
    assert list(private_tmp.iterdir()) == []
