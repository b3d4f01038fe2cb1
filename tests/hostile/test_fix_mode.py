"""Defects 9 and 16: fix mode on files and trees that are not plain UTF-8 text never crashes, and
what it writes keeps the file's encoding, byte-order mark and line endings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.hostile.conftest import codepatch

YAML_LOAD = "import yaml\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n"
FIXED = "yaml.safe_load(text)"


def test_a_latin1_file_is_fixed_in_latin1(repo: Path) -> None:
    source = "# -*- coding: latin-1 -*-\n# caf\u00e9\n" + YAML_LOAD
    (repo / "conf.py").write_bytes(source.encode("latin-1"))
    done = codepatch("scan", ".", "--no-cache", "--fix", "--no-tests", cwd=repo)
    assert b"Traceback" not in done.stderr and done.returncode == 0, done.stderr  # ok.py was fixed too
    fixed = (repo / "conf.py").read_bytes()
    assert FIXED.encode() in fixed and "# caf\u00e9".encode("latin-1") in fixed


def test_a_byte_order_mark_and_crlf_survive_a_fix(repo: Path) -> None:
    (repo / "conf.py").write_bytes(b"\xef\xbb\xbf" + YAML_LOAD.replace("\n", "\r\n").encode())
    done = codepatch("scan", "conf.py", "--no-cache", "--fix", "--no-tests", cwd=repo)
    assert done.returncode == 0, done.stderr
    fixed = (repo / "conf.py").read_bytes()
    assert fixed.startswith(b"\xef\xbb\xbf") and FIXED.encode() in fixed and b"\n" not in fixed.replace(b"\r\n", b"")


def test_a_tree_holding_what_cannot_be_copied_still_validates(repo: Path, tmp_path: Path) -> None:
    (repo / "conf.py").write_text(YAML_LOAD)
    os.mkfifo(repo / "events.fifo")  # copytree cannot copy it; it used to crash the whole fix run
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "helper.py").write_text("x = 1\n")
    (repo / "linked").symlink_to(outside)  # a folder outside the project, linked in
    done = codepatch("scan", "conf.py", "--no-cache", "--validate", "--no-tests", "--format", "json", cwd=repo)
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["fix_status"].startswith("validated fix"), finding["fix_status"]


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_a_test_timeout_that_is_not_a_finite_number_is_a_usage_error(repo: Path, value: str) -> None:
    done = codepatch("scan", ".", "--no-cache", "--fix", "--test-timeout", value, cwd=repo)
    assert done.returncode == 2 and b"--test-timeout" in done.stderr
    assert (repo / "ok.py").read_text().startswith("import os")  # nothing was touched


def test_a_configured_test_timeout_of_nan_is_a_configuration_error(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.codepatch.validate]\ntest-timeout = nan\n")
    done = codepatch("scan", ".", "--no-cache", "--fix", cwd=repo)
    assert done.returncode == 2 and b"'validate.test-timeout' must be a number of seconds" in done.stderr
