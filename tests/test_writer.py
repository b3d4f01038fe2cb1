"""Applying fixes: all files replaced together or none; permissions, encoding, BOM and line endings kept;
links written through to their targets inside the project, never out of it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from codepatch.fix import write as writer
from codepatch.fix.write import WriteError, write_all


def make(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_bytes(b"x = 1\r\ny = 2\r\n")
    second.write_text("z = 3\n")
    first.chmod(0o754)
    return first, second


def test_writes_every_file_and_keeps_mode_and_crlf(tmp_path: Path) -> None:
    first, second = make(tmp_path)
    write_all([(first, "x = 1\r\ny = 2\r\n", "x = 10\r\ny = 2\r\n"), (second, "z = 3\n", "z = 30\n")], tmp_path)
    assert first.read_bytes() == b"x = 10\r\ny = 2\r\n"
    assert second.read_text() == "z = 30\n"
    assert stat.S_IMODE(first.stat().st_mode) == 0o754
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]  # no staged or backup file left


def test_interrupted_write_restores_every_file(tmp_path: Path, monkeypatch) -> None:
    first, second = make(tmp_path)
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst) == second:  # the second file's rename fails, after the first was replaced
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", failing_replace)
    with pytest.raises(WriteError, match="every file was restored"):
        write_all([(first, "x = 1\r\ny = 2\r\n", "x = 10\r\n"), (second, "z = 3\n", "z = 30\n")], tmp_path)
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert first.read_bytes() == b"x = 1\r\ny = 2\r\n"
    assert second.read_text() == "z = 3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "b.py"]


def test_a_file_changed_since_the_scan_is_not_touched(tmp_path: Path) -> None:
    first, second = make(tmp_path)
    second.write_text("z = 99\n")  # edited by the user after the scan
    with pytest.raises(WriteError, match="changed on disk"):
        write_all([(first, "x = 1\r\ny = 2\r\n", "x = 10\r\n"), (second, "z = 3\n", "z = 30\n")], tmp_path)
    assert first.read_bytes() == b"x = 1\r\ny = 2\r\n"
    assert second.read_text() == "z = 99\n"


def test_encoding_and_byte_order_mark_are_kept(tmp_path: Path) -> None:
    latin, bom = tmp_path / "latin.py", tmp_path / "bom.py"
    latin.write_bytes("# -*- coding: latin-1 -*-\nname = 'caf\u00e9'\n".encode("latin-1"))
    bom.write_bytes(b"\xef\xbb\xbfx = 1\r\n")
    write_all([(latin, "# -*- coding: latin-1 -*-\nname = 'caf\u00e9'\n", "# -*- coding: latin-1 -*-\nname = 'th\u00e9'\n"),
               (bom, "x = 1\r\n", "x = 2\r\n")], tmp_path)
    assert latin.read_bytes() == "# -*- coding: latin-1 -*-\nname = 'th\u00e9'\n".encode("latin-1")
    assert bom.read_bytes() == b"\xef\xbb\xbfx = 2\r\n"


def test_a_fix_that_the_encoding_cannot_hold_changes_nothing(tmp_path: Path) -> None:
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"# coding: latin-1\nx = 1\n")
    with pytest.raises(WriteError, match="encoding"):
        write_all([(latin, "# coding: latin-1\nx = 1\n", "# coding: latin-1\nx = '\u2713'\n")], tmp_path)
    assert latin.read_bytes() == b"# coding: latin-1\nx = 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latin.py"]


def test_a_link_inside_the_project_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text("x = 1\n")
    (tmp_path / "alias.py").symlink_to("real.py")
    write_all([(tmp_path / "alias.py", "x = 1\n", "x = 2\n")], tmp_path)
    assert (tmp_path / "alias.py").is_symlink() and real.read_text() == "x = 2\n"


def test_a_link_out_of_the_project_is_never_written(tmp_path: Path) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside.py"
    project.mkdir()
    outside.write_text("x = 1\n")
    (project / "alias.py").symlink_to(outside)
    with pytest.raises(WriteError, match="outside the project"):
        write_all([(project / "alias.py", "x = 1\n", "x = 2\n")], project)
    assert outside.read_text() == "x = 1\n" and (project / "alias.py").is_symlink()
