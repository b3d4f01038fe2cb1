"""Progress on standard error: the stages a real scan and a real validation report, and when it is drawn."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from codepatch.files.discover import report_anchor
from codepatch.fix.plan import validate_fixes
from codepatch.fix.validate.pipeline import ValidationSettings
from codepatch.progress import NO_PROGRESS, TerminalProgress, progress_for
from codepatch.ruleset.load import load_ruleset
from codepatch.scan.pipeline import ScanOptions, scan
from tests.test_cli import HELPER, VIEW

YAML_APP = "import yaml\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def start(self, label: str, total: int | None = None) -> None:
        self.calls.append(("start", label, total))

    def advance(self, n: int = 1) -> None:
        self.calls.append(("advance", n))

    def done(self) -> None:
        self.calls.append(("done",))

    def stages(self) -> list[tuple[str, int | None, int]]:
        """(label, total, sum of advances) per stage; asserts that stages do not overlap."""
        out = []
        for call in self.calls:
            if call[0] == "start":
                assert not out or out[-1][3], "a stage started before the last one was done"
                out.append([call[1], call[2], 0, False])
            elif call[0] == "advance":
                out[-1][2] += call[1]
            else:
                out[-1][3] = True
        assert all(stage[3] for stage in out)
        return [tuple(stage[:3]) for stage in out]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    (root / "tools").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (root / "tools" / "__init__.py").write_text("")
    (root / "tools" / "shell.py").write_text(HELPER)
    (root / "views.py").write_text(VIEW)
    return root


def test_a_scan_reports_parsing_and_the_global_solve(project: Path) -> None:
    recorder = Recorder()
    result = scan(ScanOptions((project,), cache_dir=None, progress=recorder))
    assert result.files_scanned == 3 and result.findings
    assert recorder.stages() == [("parsing files", 3, 3), ("linking modules (taint)", None, 0)]


def test_parsing_in_worker_processes_advances_per_file(monkeypatch, project: Path, tmp_path: Path) -> None:
    monkeypatch.setattr("codepatch.scan.collect.PARALLEL_MIN_BYTES", 0)
    recorder = Recorder()
    scan(ScanOptions((project,), cache_dir=tmp_path / "cache", jobs=2, progress=recorder))
    assert recorder.stages()[0] == ("parsing files", 3, 3)
    again = Recorder()  # cached: nothing to parse, and the solved findings are reused
    scan(ScanOptions((project,), cache_dir=tmp_path / "cache", jobs=2, progress=again))
    assert again.stages() == [("parsing files", 0, 0)]


def test_validation_reports_each_patch(project: Path) -> None:
    (project / "settings.py").write_text(YAML_APP)
    ruleset = load_ruleset()
    result = scan(ScanOptions((project,), cache_dir=None), ruleset)
    assert len(result.findings) == 2
    recorder = Recorder()
    settings = ValidationSettings(run_tests=False)
    checked = validate_fixes(result, ruleset, project, report_anchor(project), settings, progress=recorder)
    assert all(f.fix_status for f in checked.findings)
    assert recorder.stages() == [("copying and scanning the project for validation", None, 0),
                                 ("validating fixes", 2, 2)]


def drawn(delay: float) -> str:
    screen = io.StringIO()
    progress = TerminalProgress(Console(file=screen, force_terminal=True, width=80), delay=delay)
    progress.start("parsing files", 4)
    progress.advance(3)
    progress.done()
    progress.done()  # a second done is harmless
    return screen.getvalue()


def test_terminal_progress_draws_the_stage_it_was_given() -> None:
    assert "parsing files" in drawn(delay=0)


def test_terminal_progress_stays_silent_for_a_quick_stage() -> None:
    assert drawn(delay=60) == ""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_only_on_a_terminal_and_without_quiet() -> None:
    assert isinstance(progress_for(quiet=False, stream=FakeTerminal()), TerminalProgress)
    assert progress_for(quiet=True, stream=FakeTerminal()) is NO_PROGRESS
    assert progress_for(quiet=False, stream=io.StringIO()) is NO_PROGRESS


def test_a_scan_off_a_terminal_prints_nothing_on_stderr(project: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "codepatch", "scan", str(project), "--no-cache"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1
    assert completed.stderr == ""
    assert "command-injection" in completed.stdout
