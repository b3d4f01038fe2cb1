"""`scan --format github`: GitHub workflow commands that annotate the pull request's lines."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.report.github import workflow_command

SHELL = "import subprocess\n\ndef run(command):\n    return subprocess.run(command, shell=True)\n"
VIEW = "from flask import request\nfrom tools.shell import run\n\ndef view():\n    return run('ls ' + request.args['dir'])\n"
WEAK = "import hashlib\n\ndef digest(password):\n    return hashlib.md5(password).hexdigest()\n"


def test_one_annotation_per_finding_with_severity_as_command(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "__init__.py").write_text("")
    (tmp_path / "tools" / "shell.py").write_text(SHELL)
    (tmp_path / "views.py").write_text(VIEW)
    (tmp_path / "weak.py").write_text(WEAK)
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "github", "--no-cache"])
    assert result.exit_code == 1
    error, warning, summary = result.output.splitlines()
    assert error.startswith("::error file=tools/shell.py,line=4,endLine=4,col=12,endColumn=47,title=command-injection"
                            "::Untrusted input reaches an OS command (from flask.request.args) (CWE-78, confidence high)"
                            "%0Atrace:%0A  views.py:5  return run('ls ' + request.args['dir'])%0A")
    assert warning.startswith("::warning file=weak.py,line=4,endLine=4,col=12,endColumn=33,title=weak-hash::")
    assert summary.startswith("2 findings (high 1, medium 1, low 0)")


def test_workflow_commands_escape_data_and_properties() -> None:
    assert (workflow_command("notice", "100% sure\r\nreally", file="a,b:c.py", line=3)
            == "::notice file=a%2Cb%3Ac.py,line=3::100%25 sure%0D%0Areally")
    assert workflow_command("notice", "plain") == "::notice::plain"


def test_a_suppression_added_by_the_change_is_a_warning_on_its_line(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    (tmp_path / "weak.py").write_text(WEAK)
    git("add", ".")
    git("commit", "-q", "-m", "base")
    (tmp_path / "weak.py").write_text(WEAK.replace(".hexdigest()", ".hexdigest()  # nosec"))
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "github", "--no-cache",
                                      "--changed-since", "main"])
    assert result.exit_code == 0, result.output
    assert "::warning file=weak.py,line=4,title=codepatch::suppression added in this change hides weak-hash" \
        in result.output.splitlines()
