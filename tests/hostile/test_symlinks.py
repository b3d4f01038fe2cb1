"""Defect 11: nothing outside the project is read or written; a link inside it stays a link."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import codepatch

SECRET = "root:x:0:0:secret-line"


def test_links_out_of_the_project_are_not_read(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(f'import os, sys\nos.system("ls " + sys.argv[1])  # {SECRET}\n')
    (outside / "lib.py").write_text(f'import os, sys\nos.system("ls " + sys.argv[1])  # {SECRET}\n')
    (repo / "passwd.py").symlink_to(outside / "passwd")
    (repo / "vendored").symlink_to(outside)
    done = codepatch("scan", ".", "--no-cache", "--format", "json", cwd=repo)
    assert done.returncode == 1
    assert SECRET.encode() not in done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert [f["path"] for f in report["findings"]] == ["ok.py"]
    assert sorted((p["display"], p["kind"]) for p in report["problems"]) == [
        ("passwd.py", "outside-project"), ("vendored", "outside-project")]
    assert codepatch("scan", ".", "--no-cache", "--strict", cwd=repo).returncode == 2


def test_fix_writes_through_a_link_inside_the_project_and_keeps_the_link(repo: Path) -> None:
    (repo / "real_conf.py").write_text("import yaml\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n")
    (repo / "conf.py").symlink_to("real_conf.py")
    done = codepatch("scan", "conf.py", "real_conf.py", "--no-cache", "--fix", "--no-tests", cwd=repo)
    assert done.returncode in (0, 1), done.stderr
    assert (repo / "conf.py").is_symlink()
    assert "yaml.safe_load(text)" in (repo / "real_conf.py").read_text()
    assert [p.name for p in repo.iterdir() if p.name.startswith(".") and p.name != ".git"] == []
