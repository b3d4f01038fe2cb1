"""`codepatch scan --agents` on the real path: the CLI in a subprocess, a real tiny random model
(its verdicts unreadable, so every finding stays as the engines left it), and the configuration."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codepatch.config.read import parse_config
from codepatch.errors import UserError

APP = '''\
import os


def run(name):
    os.system("ls " + name)
'''


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory) -> Path:
    from codepatch.latent.tiny import tiny_model, tiny_tokenizer

    directory = tmp_path_factory.mktemp("tiny-model")
    tokenizer = tiny_tokenizer()
    tiny_model(tokenizer).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def scan(project: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codepatch", "scan", str(project), "--no-cache", "--format", "json",
                           *extra], capture_output=True, text=True, timeout=300)


def test_agents_run_a_real_model_and_an_unreadable_verdict_changes_nothing(tmp_path, tiny_model_dir):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "app.py").write_text(APP)
    plain = scan(tmp_path)
    judged = scan(tmp_path, "--agents", "--model", str(tiny_model_dir), "--agents-links", "untrained",
                  "--rounds", "2", "--latent-steps", "3")
    assert plain.returncode == judged.returncode == 1, judged.stderr
    before, after = json.loads(plain.stdout), json.loads(judged.stdout)
    assert [f["confidence"] for f in after["findings"]] == [f["confidence"] for f in before["findings"]] == ["medium"]
    assert after["findings"][0]["verdict"] is None
    assert "agents (latent, 2 round(s)) judged 0 of 1 finding(s)" in judged.stderr
    assert "left unjudged" in judged.stderr


def test_the_configuration_turns_agents_on_and_checks_its_value(tmp_path, tiny_model_dir):
    assert parse_config({"agents": True}, "x").agents is True
    with pytest.raises(UserError, match="'agents' must be true or false"):
        parse_config({"agents": "yes"}, "x")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n[tool.codepatch]\nagents = true\n")
    (tmp_path / "app.py").write_text(APP)
    judged = scan(tmp_path, "--model", str(tiny_model_dir), "--agents-links", "untrained", "--latent-steps", "2")
    assert "judged 0 of 1" in judged.stderr, judged.stderr
    off = scan(tmp_path, "--no-agents")
    assert "judged" not in off.stderr and off.returncode == 1


def test_a_missing_checkpoint_is_one_clear_error(tmp_path, tiny_model_dir):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "app.py").write_text(APP)
    missing = scan(tmp_path, "--agents", "--model", str(tiny_model_dir), "--agents-links", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr and missing.stderr.strip().count("\n") == 0, missing.stderr
