"""Defect 14: `--fix` killed at any moment (SIGKILL, power loss) leaves, once the next run ends,
every file wholly old or wholly new, all files alike, and no staged or backup file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.hostile.conftest import codepatch

# Kills itself at the N-th file-system step of a three-file write_all (renames, links, creates, syncs).
KILLED_AT = '''
import os, signal, sys
from pathlib import Path
from codepatch.fix import write as writer

limit, root = int(sys.argv[1]), Path(sys.argv[2])
steps = 0
def step(real):
    def counted(*args, **kwargs):
        global steps
        steps += 1
        if steps == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return counted
for name in ("replace", "link", "open", "fsync", "unlink", "chmod"):
    setattr(os, name, step(getattr(os, name)))
files = [(root / f"m{i}.py", f"x = {i}\\n", f"x = {i * 10}\\n") for i in range(3)]
writer.write_all(files, root)
'''


def test_a_write_killed_at_any_step_is_finished_or_undone_by_the_next_run(tmp_path: Path) -> None:
    outcomes = set()
    for limit in range(1, 200):
        root = tmp_path / f"run{limit}"
        root.mkdir()
        for i in range(3):
            (root / f"m{i}.py").write_text(f"x = {i}\n")
        done = subprocess.run([sys.executable, "-c", KILLED_AT, str(limit), str(root)], capture_output=True, timeout=60)
        assert codepatch("scan", ".", "--no-cache", cwd=root).returncode == 0  # the next run recovers
        texts = [(root / f"m{i}.py").read_text() for i in range(3)]
        assert texts in ([f"x = {i}\n" for i in range(3)], [f"x = {i * 10}\n" for i in range(3)]), (limit, texts)
        assert sorted(p.name for p in root.iterdir()) == ["m0.py", "m1.py", "m2.py"], limit
        outcomes.add("new" if texts[1] == "x = 10\n" else "old")
        if done.returncode == 0:
            break
    else:
        raise AssertionError("the write never completed")
    assert limit > 10 and outcomes == {"old", "new"}  # killed before and after the point of no return
