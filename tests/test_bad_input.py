"""Bad input: every case is one clear line, the scan goes on, and the exit code follows the rules."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.files.parse import read_source
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import SourceFile

VULNERABLE = 'import os, sys\nos.system("ls " + sys.argv[1])\n'


def run_scan(root: Path, **kwargs):
    return scan(ScanOptions((root,), root=root, cache_dir=None, jobs=1, **kwargs))


def problems_by_file(result) -> dict[str, tuple[str, str]]:
    return {Path(p.display).name: (p.kind, p.message) for p in result.problems}


def test_syntax_error_is_partial_and_the_rest_is_still_analysed(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(VULNERABLE + "def oops(:\n    pass\n")
    result = run_scan(tmp_path)
    kind, message = problems_by_file(result)["broken.py"]
    assert kind == "syntax" and "line 3" in message
    assert [f.line for f in result.findings] == [2]


def test_new_syntax_parses_cleanly(tmp_path: Path) -> None:
    (tmp_path / "modern.py").write_text(
        "import os, sys\n"
        "type Pair[T] = tuple[T, T]\n"
        "def first[T](items: list[T]) -> T:\n"
        "    return items[0]\n"
        'names = ["a"]\n'
        'print(f"{", ".join(f"{n!r}" for n in names)}")\n'
        "os.system(f\"echo {sys.argv[1]}\")\n"
    )
    result = run_scan(tmp_path)
    assert result.problems == ()
    assert [f.line for f in result.findings] == [7]


def test_binary_file_is_skipped_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x7fELF\x00\x00\x01binary")
    (tmp_path / "app.py").write_text(VULNERABLE)
    result = run_scan(tmp_path)
    assert problems_by_file(result)["blob.py"][0] == "binary"
    assert len(result.findings) == 1


def test_non_utf8_without_coding_cookie_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "latin.py").write_bytes("name = 'café'\n".encode("latin-1"))
    assert problems_by_file(run_scan(tmp_path))["latin.py"][0] == "encoding"


def test_non_utf8_with_coding_cookie_is_analysed(tmp_path: Path) -> None:
    (tmp_path / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport os, sys\nos.system('caf\xe9' + sys.argv[1])\n")
    result = run_scan(tmp_path)
    assert result.problems == ()
    assert [f.line for f in result.findings] == [3]


def test_huge_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "big.py").write_text("x = 1\n" * 1000)
    kind, message = problems_by_file(run_scan(tmp_path, max_file_bytes=100))["big.py"]
    assert kind == "too-large" and "6000 bytes" in message


def test_unreadable_file_is_reported(monkeypatch, tmp_path: Path) -> None:
    target = tmp_path / "secret.py"
    target.write_text("x = 1\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    outcome = read_source(SourceFile(target, "secret.py", "secret"))
    assert outcome.data is None
    assert outcome.problem.kind == "unreadable" and "Permission denied" in outcome.problem.message


def test_broken_symlink_is_reported(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.py", tmp_path / "dangling.py")
    kind, message = problems_by_file(run_scan(tmp_path))["dangling.py"]
    assert kind == "unreadable" and "broken symlink" in message


def test_symlink_loops_are_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "app.py").write_text(VULNERABLE)
    os.symlink(tmp_path, package / "back")       # a folder loop
    os.symlink(tmp_path / "self.py", tmp_path / "self.py")  # a link to itself
    result = run_scan(tmp_path)
    kinds = sorted(p.kind for p in result.problems)
    assert kinds == ["symlink-loop", "symlink-loop"]
    assert [Path(f.path).name for f in result.findings] == ["app.py"]


def test_problems_do_not_change_the_exit_code_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x00\x01")
    (tmp_path / "ok.py").write_text("print('hello')\n")
    runner = CliRunner()
    relaxed = runner.invoke(cli, ["scan", str(tmp_path), "--no-cache"])
    strict = runner.invoke(cli, ["scan", str(tmp_path), "--no-cache", "--strict"])
    assert relaxed.exit_code == 0, relaxed.output
    assert "blob.py: skipped: binary file" in relaxed.output
    assert strict.exit_code == 2


def test_unwritable_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("print('hello')\n")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--no-cache", "-o", str(tmp_path / "missing" / "r.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.output and len(result.output.strip().splitlines()) == 1
