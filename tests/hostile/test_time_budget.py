"""Defect 7: a file that takes too long to analyse is reported as a problem, it does not hang the
scan (the quadratic assignment handling is gone: benchmarks/speed.py measures the linear time)."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import FLAWED, codepatch


def test_a_file_over_its_time_budget_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    lines = "\n".join(f"v{i} = f(v{i - 1}) + g(v{i - 1}, {i})" for i in range(1, 40_000))
    (tmp_path / "generated.py").write_text(f"v0 = 1\n{lines}\n")
    (tmp_path / "ok.py").write_text(FLAWED)
    done = codepatch("scan", ".", "--no-cache", "--file-timeout", "1", "-j", "1", cwd=tmp_path)
    assert done.returncode == 1
    assert b"generated.py: skipped: analysis stopped after 1 s (--file-timeout)" in done.stdout
    assert codepatch("scan", ".", "--no-cache", "--file-timeout", "1", "-j", "1", "--strict", cwd=tmp_path).returncode == 2
