"""The scan command end to end: formats, exit codes, filtering, the whole-project rule, fail-closed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from codepatch.cli import cli

HELPER = "import subprocess\n\ndef run(command):\n    return subprocess.run(command, shell=True)\n"
VIEW = ("from flask import request\nfrom tools.shell import run\n\n"
        "def view():\n    return run('ls ' + request.args['dir'])\n")
WEAK = "import hashlib\n\ndef digest(password):\n    return hashlib.md5(password).hexdigest()\n"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("")
    (tmp_path / "tools" / "shell.py").write_text(HELPER)
    (tmp_path / "views.py").write_text(VIEW)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, ["scan", *args, "--no-cache"])


def test_findings_exit_1_and_show_the_cross_module_trace(project: Path) -> None:
    result = invoke(str(project))
    assert result.exit_code == 1, result.output
    assert "tools/shell.py:4:12: high command-injection" in result.output
    assert "views.py:5  return run('ls ' + request.args['dir'])  [source]" in result.output
    assert "1 finding (high 1, medium 0, low 0)" in result.output


def test_naming_one_file_still_analyses_the_whole_project(project: Path) -> None:
    only_sink = invoke(str(project / "tools" / "shell.py"), "--format", "json")
    only_view = invoke(str(project / "views.py"), "--format", "json")
    assert [f["path"].endswith("tools/shell.py") for f in json.loads(only_sink.output)["findings"]] == [True]
    assert json.loads(only_view.output)["findings"] == []  # the flow is found, but its sink is not in views.py


def test_json_report_shape(project: Path) -> None:
    report = json.loads(invoke(str(project), "--format", "json").output)
    finding = report["findings"][0]
    assert finding["rule_id"] == "command-injection" and finding["cwe"] == 78
    assert finding["severity"] == "high" and finding["line"] == 4
    assert [hop["note"] for hop in finding["trace"]][0] == "source"
    assert report["summary"]["findings"] == 1


def test_fail_on_and_severity_thresholds(project: Path) -> None:
    assert invoke(str(project), "--fail-on", "none").exit_code == 0
    assert invoke(str(project), "--fail-on", "high").exit_code == 1
    clean = invoke(str(project / "tools"), "--confidence", "high", "--severity", "high")
    assert clean.exit_code == 1


def test_clean_project_exits_0(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("import subprocess\nsubprocess.run(['ls', '-l'])\n")
    result = invoke(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "0 findings" in result.output


def test_output_file_is_written_whole(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    result = invoke(str(project), "--format", "sarif", "-o", str(target))
    assert result.exit_code == 1
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert not list(tmp_path.glob(".report.sarif.*"))  # no temporary file left behind


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke(str(tmp_path / "missing")).exit_code == 2
    assert invoke(str(tmp_path), "--format", "xml").exit_code == 2


def test_invalid_rule_folder_exits_2(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "bad").mkdir(parents=True)
    (rules / "bad" / "oops.yaml").write_text("id: oops\nkind: taint\n")
    (rules / "schema.json").write_text((Path(__file__).parent.parent / "rules" / "schema.json").read_text())
    (rules / "sources.yaml").write_text((Path(__file__).parent.parent / "rules" / "sources.yaml").read_text())
    result = invoke(str(tmp_path), "--rules", str(rules))
    assert result.exit_code == 2
    assert "oops.yaml" in result.output and "required property" in result.output


def test_an_internal_error_fails_closed_with_exit_2(monkeypatch, project: Path) -> None:
    def explode(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr("codepatch.scan.collect.summarize", explode)
    result = invoke(str(project))
    assert result.exit_code == 2
    assert "internal error: KeyError" in result.output


def test_a_crash_outside_analysis_exits_2(monkeypatch, project: Path) -> None:
    monkeypatch.setattr("codepatch.scan.pipeline.scan", lambda *a, **k: 1 / 0)
    result = invoke(str(project))
    assert result.exit_code == 2
    assert "internal error: ZeroDivisionError" in result.output


def test_cache_is_reused_and_invalidated_by_content(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    args = ["scan", str(project), "--cache-dir", str(cache), "--format", "json"]
    first = json.loads(CliRunner().invoke(cli, args).output)
    entries = list(cache.glob("facts-*/*/*.json"))
    assert len(entries) == 3
    second = json.loads(CliRunner().invoke(cli, args).output)
    assert first["findings"] == second["findings"]
    (project / "tools" / "shell.py").write_text(HELPER.replace("(command, shell=True)", "(['ls', command])"))
    third = json.loads(CliRunner().invoke(cli, args).output)
    assert third["findings"] == []
    assert len(list(cache.glob("facts-*/*/*.json"))) == 4


def test_real_process_and_no_torch_import(project: Path) -> None:
    completed = subprocess.run([sys.executable, "-m", "codepatch", "scan", str(project), "--no-cache"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1, completed.stderr
    assert "command-injection" in completed.stdout
    probe = ("import sys, runpy\nsys.argv = ['codepatch', 'scan', %r, '--no-cache', '-q', '--format', 'json']\n"
             "try:\n    runpy.run_module('codepatch', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('HEAVY', [m for m in ('torch', 'transformers', 'peft') if m in sys.modules])") % str(project)
    heavy = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in heavy.stdout, heavy.stdout + heavy.stderr


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in ("scan", "reason", "models"):
        assert f"  {name}" in result.output


def test_cached_scans_match_a_fresh_scan_after_edits(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    def findings(*extra: str) -> list:
        result = CliRunner().invoke(cli, ["scan", str(project), "--format", "json", *extra])
        return json.loads(result.output)["findings"]  # every field, traces included

    def sinks() -> list:
        fresh = findings("--no-cache")
        assert findings("--cache-dir", str(cache)) == fresh
        return [(Path(f["path"]).relative_to(project).as_posix(), f["line"], len(f["trace"])) for f in fresh]

    shell, views, fmt = project / "tools" / "shell.py", project / "views.py", project / "tools" / "fmt.py"
    assert sinks() == [("tools/shell.py", 4, 3)]  # cold
    assert sinks() == [("tools/shell.py", 4, 3)]  # warm, nothing changed
    views.write_text(views.read_text() + "# a trailing comment\n")
    assert sinks() == [("tools/shell.py", 4, 3)]  # touched
    views.write_text(VIEW.replace("request.args['dir']", "'static'"))
    assert sinks() == []  # a real edit removes the flow
    views.write_text(VIEW)
    assert sinks() == [("tools/shell.py", 4, 3)]  # and puts it back, across modules
    shell.write_text(HELPER.replace("(command, shell=True)", "(['ls', command])"))
    assert sinks() == []  # the callee's summary loses its sink: the unchanged caller's flow goes
    fmt.write_text("def quote(text):\n    return text\n\n\ndef other():\n    return 1\n")  # a file added
    shell.write_text("import subprocess\nfrom tools.fmt import quote\n\n"
                     "def run(command):\n    return subprocess.run(quote(command), shell=True)\n")
    assert sinks() == [("tools/shell.py", 5, 6)]  # a flow through three modules
    fmt.write_text("import shlex\n\ndef quote(text):\n    return shlex.quote(text)\n\n\ndef other():\n    return 1\n")
    assert sinks() == []  # a summary two modules away now sanitizes
    fmt.write_text("def other():\n    return 1\n")
    assert sinks() == [("tools/shell.py", 5, 3)]  # a function deleted: its call passes data through
    fmt.write_text("def quote(text):\n    return text\n")
    assert sinks() == [("tools/shell.py", 5, 6)]  # and added back
    fmt.unlink()
    assert sinks() == [("tools/shell.py", 5, 3)]  # a file deleted
