"""The shipped pre-commit hooks on the real path: real git, real pre-commit, the real CLI script.

The hooks are copied from .pre-commit-hooks.yaml into a `repo: local` config with `language:
system` and this virtualenv's `codepatch` script, so pre-commit installs nothing and runs offline.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

REPOSITORY = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VULNERABLE = "import yaml\n\n\ndef load_config(text):\n    return yaml.load(text, Loader=yaml.Loader)\n"


def shipped_hooks() -> list[dict]:
    return yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text())


def local_config() -> dict:
    hooks = []
    for hook in shipped_hooks():
        program, *arguments = hook["entry"].split()
        assert program == "codepatch" and hook["language"] == "python"
        hooks.append({**{k: v for k, v in hook.items() if k != "description"},
                      "entry": " ".join([str(BIN / "codepatch"), *arguments]), "language": "system"})
    return {"repos": [{"repo": "local", "hooks": hooks}]}


def test_the_hooks_are_what_the_documentation_promises() -> None:
    hooks = {hook["id"]: hook for hook in shipped_hooks()}
    assert hooks["codepatch"]["entry"] == "codepatch scan"
    assert hooks["codepatch-fix"]["entry"] == "codepatch scan --fix --no-tests"
    for hook in hooks.values():
        assert hook["types"] == ["python"] and hook["pass_filenames"] is True and hook["require_serial"] is True


def test_a_vulnerable_commit_is_blocked_then_the_fix_hook_makes_it_pass(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
           "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.com"}

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    run("git", "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local_config(), sort_keys=False))
    run("git", "add", ".pre-commit-config.yaml")
    assert run("git", "commit", "-q", "-m", "hooks").returncode == 0
    installed = run(str(BIN / "pre-commit"), "install")
    assert installed.returncode == 0, installed.stderr

    (repo / "app.py").write_text(VULNERABLE)
    run("git", "add", "app.py")
    blocked = run("git", "commit", "-m", "load the config")
    assert blocked.returncode != 0
    assert "app.py:5:12: high unsafe-yaml-load" in blocked.stderr  # the codepatch hook shows the finding
    assert "files were modified by this hook" in blocked.stderr  # codepatch-fix applied the validated fix
    assert (repo / "app.py").read_text() == VULNERABLE.replace("yaml.load(text, Loader=yaml.Loader)",
                                                               "yaml.safe_load(text)")
    assert run("git", "log", "--format=%s").stdout.split() == ["hooks"]

    run("git", "add", "app.py")
    passed = run("git", "commit", "-m", "load the config")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert run("git", "log", "-1", "--format=%s").stdout.strip() == "load the config"
