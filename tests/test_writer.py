"""Applying fixes: all files replaced together or none, permissions and line endings kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from codepatch import writer
from codepatch.writer import WriteError, write_all


def make(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_bytes(b"x = 1\r\ny = 2\r\n")
    second.write_text("z = 3\n")
    first.chmod(0o754)
    return first, second


def test_writes_every_file_and_keeps_mode_and_crlf(tmp_path: Path) -> None:
    first, second = make(tmp_path)
    write_all([(first, "x = 1\r\ny = 2\r\n", "x = 10\r\ny = 2\r\n"), (second, "z = 3\n", "z = 30\n")])
    assert first.read_bytes() == b"x = 10\r\ny = 2\r\n"
    assert second.read_text() == "z = 30\n"
    assert stat.S_IMODE(first.stat().st_mode) == 0o754
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]  # no staged or backup file left


def test_interrupted_write_restores_every_file(tmp_path: Path, monkeypatch) -> None:
    first, second = make(tmp_path)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the second file's rename fails, after the first was replaced
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", failing_replace)
    with pytest.raises(WriteError, match="every file was restored"):
        write_all([(first, "x = 1\r\ny = 2\r\n", "x = 10\r\n"), (second, "z = 3\n", "z = 30\n")])
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert first.read_bytes() == b"x = 1\r\ny = 2\r\n"
    assert second.read_text() == "z = 3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]


def test_a_file_changed_since_the_scan_is_not_touched(tmp_path: Path) -> None:
    first, second = make(tmp_path)
    second.write_text("z = 99\n")  # edited by the user after the scan
    with pytest.raises(WriteError, match="changed on disk"):
        write_all([(first, "x = 1\r\ny = 2\r\n", "x = 10\r\n"), (second, "z = 3\n", "z = 30\n")])
    assert first.read_bytes() == b"x = 1\r\ny = 2\r\n"
    assert second.read_text() == "z = 99\n"
