"""Defect 10: the project's tests, run to validate a fix, see an allow-listed environment (no
credentials, whatever their names) and an empty HOME of their own."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import codepatch

LEAKY = {"DATABASE_URL": "postgres://u:p@db/x", "MYSQL_PWD": "hunter2", "OPENAI_KEY": "sk-1",
         "SENTRY_DSN": "https://k@sentry", "SLACK_WEBHOOK_URL": "https://hooks.slack/x", "GITHUB_TOKEN": "ghp_x",
         "MY_SETTING": "kept-when-named"}


def test_the_tests_see_no_credentials_and_a_fresh_home(repo: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen.json"
    (repo / "conf.py").write_text("import yaml\n\ndef load(text):\n    return yaml.load(text, Loader=yaml.Loader)\n")
    (repo / "test_env.py").write_text(
        "import json, os\n\n"
        "def test_environment():\n"
        f"    with open({str(seen)!r}, 'w') as out:\n"
        "        json.dump({'env': dict(os.environ), 'home': os.listdir(os.environ['HOME'])}, out)\n")
    (repo / "pyproject.toml").write_text('[tool.codepatch.validate]\npass-env = ["MY_SETTING"]\n')
    done = codepatch("scan", "conf.py", "--no-cache", "--validate", cwd=repo, env=LEAKY)
    assert done.returncode == 1, done.stderr
    observed = json.loads(seen.read_text())
    assert not set(LEAKY) - {"MY_SETTING"} & set(observed["env"])
    assert observed["env"]["MY_SETTING"] == "kept-when-named"
    assert observed["env"]["HOME"] != str(Path.home()) and observed["home"] == []
    assert observed["env"]["PATH"]
