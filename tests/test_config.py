"""`[tool.codepatch]` configuration on the real path: a pyproject.toml beside a small vulnerable
project, the scan command, and the findings and exit code it gives."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.fix.validate.tests_check import pytest_arguments

FILES = {
    # command-injection: high severity, high confidence (a web source)
    "app/shell.py": "import os\n\nfrom flask import request\n\n\ndef run():\n    os.system('ls ' + request.args['dir'])\n",
    # debug-mode: high severity, medium confidence
    "app/server.py": "from flask import Flask\n\napp = Flask(__name__)\napp.run(debug=True)\n",
    # weak-random: medium severity, medium confidence, in the code and in its tests
    "app/tokens.py": "import random\n\n\ndef new_token():\n    return '%032x' % random.getrandbits(128)\n",
    "tests/test_tokens.py": "import random\n\n\ndef test_token():\n    assert '%032x' % random.getrandbits(128)\n",
}
EVERYTHING = {("command-injection", "app/shell.py"), ("debug-mode", "app/server.py"),
              ("weak-random", "app/tokens.py"), ("weak-random", "tests/test_tokens.py")}


def make_project(root: Path, config: str = "", files: dict[str, str] = FILES) -> Path:
    (root / "pyproject.toml").write_text(f"[project]\nname = 'demo'\n\n[tool.codepatch]\n{config}\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def scan(root: Path, *args: str, cache: tuple[str, ...] = ("--no-cache",)):
    """(exit code, {(rule id, path relative to the project)}, the JSON report or the output)."""
    # Configuration decides what is reported in test code too (per-path-ignores of tests/**): include it.
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--include-tests", *cache, *args])
    if result.exit_code == 2:
        return result.exit_code, set(), result.output
    report = json.loads(result.stdout)
    found = {(f["rule_id"], Path(f["path"]).resolve().relative_to(root.resolve()).as_posix())
             for f in report["findings"]}
    return result.exit_code, found, report


def findings(root: Path, *args: str) -> set[tuple[str, str]]:
    return scan(root, *args)[1]


def test_no_configuration_reports_everything(tmp_path: Path) -> None:
    code, found, _ = scan(make_project(tmp_path))
    assert (code, found) == (1, EVERYTHING)


def test_test_code_is_left_out_unless_asked_for_or_named(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--no-cache"])
    assert {(f["rule_id"], Path(f["path"]).name) for f in json.loads(result.stdout)["findings"]} == \
        {(rule, Path(path).name) for rule, path in EVERYTHING if not path.startswith("tests/")}
    named = CliRunner().invoke(cli, ["scan", str(root / "tests" / "test_tokens.py"), "--format", "json", "--no-cache"])
    assert [f["rule_id"] for f in json.loads(named.stdout)["findings"]] == ["weak-random"]


@pytest.mark.parametrize(("config", "expected"), [
    ('select = ["injection"]', {("command-injection", "app/shell.py")}),
    ('select = ["weak-random", "debug-mode"]', EVERYTHING - {("command-injection", "app/shell.py")}),
    ('ignore = ["crypto"]', {("command-injection", "app/shell.py"), ("debug-mode", "app/server.py")}),
    # command-injection lends its sinks to missing-authentication: turning it off must not break that rule
    ('ignore = ["injection", "debug-mode"]', {("weak-random", "app/tokens.py"), ("weak-random", "tests/test_tokens.py")}),
    ('select = ["crypto", "web"]\nignore = ["weak-random"]', {("debug-mode", "app/server.py")}),
    ('select = ["ALL"]\nignore = ["ALL"]', set()),
])
def test_select_and_ignore_rules_and_categories(tmp_path: Path, config: str, expected: set) -> None:
    assert findings(make_project(tmp_path, config)) == expected


def test_severity_and_confidence_thresholds(tmp_path: Path) -> None:
    assert findings(make_project(tmp_path, 'severity = "high"')) == {("command-injection", "app/shell.py"),
                                                                      ("debug-mode", "app/server.py")}
    assert findings(make_project(tmp_path, 'confidence = "high"')) == {("command-injection", "app/shell.py")}


def test_fail_on(tmp_path: Path) -> None:
    medium_only = 'ignore = ["injection", "web"]\n'
    assert scan(make_project(tmp_path, medium_only))[0] == 1  # default: any finding fails
    assert scan(make_project(tmp_path, medium_only + 'fail-on = "high"'))[0] == 0
    assert scan(make_project(tmp_path, medium_only + 'fail-on = "medium"'))[0] == 1
    code, found, _ = scan(make_project(tmp_path, 'fail-on = "none"'))
    assert (code, found) == (0, EVERYTHING)


def test_exclude(tmp_path: Path) -> None:
    _, found, report = scan(make_project(tmp_path, 'exclude = ["tests/", "server.py"]'))
    assert found == {("command-injection", "app/shell.py"), ("weak-random", "app/tokens.py")}
    assert report["summary"]["files"] == 2


def test_per_path_ignores_by_rule_and_by_category(tmp_path: Path) -> None:
    config = 'per-path-ignores = { "tests/**" = ["weak-random"], "app/shell.py" = ["injection"] }'
    assert findings(make_project(tmp_path, config)) == {("debug-mode", "app/server.py"), ("weak-random", "app/tokens.py")}
    # a gitignore-style name without a slash matches at any depth
    assert findings(make_project(tmp_path, 'per-path-ignores = { "test_*.py" = ["crypto"] }')) == \
        EVERYTHING - {("weak-random", "tests/test_tokens.py")}


def test_per_path_ignores_reach_every_caller_of_the_api(tmp_path: Path) -> None:
    from codepatch.scan.pipeline import ScanOptions
    from codepatch.scan.pipeline import scan as api_scan

    root = make_project(tmp_path)
    result = api_scan(ScanOptions((root,), cache_dir=None, include_tests=True,
                                  per_path_ignores=(("app/**", frozenset({"debug-mode", "weak-random"})),)))
    assert {(f.rule_id, Path(f.path).name) for f in result.findings} == {("command-injection", "shell.py"),
                                                                          ("weak-random", "test_tokens.py")}


# A team's own request object, database helper and sanitizers: nothing the built-in rules know.
TEAM_CODE = {
    "app/views.py": ("import os\n\nfrom myapp.db import raw_query\nfrom myapp.http import Request\n\n\n"
                     "def _show(request: Request):\n    os.system('grep ' + request.params['name'])\n\n\n"
                     "def lookup():\n    return raw_query(\"SELECT * FROM t WHERE u = '%s'\" % input())\n"),
    "app/security.py": "def clean(value):\n    return value.replace(';', '')\n",
    "app/tool.py": ("import os\n\nfrom app.security import clean\nfrom myapp.security import strip\n\n\n"
                    "def run():\n    os.system('echo ' + clean(input()))\n    os.system('echo ' + strip(input()))\n"),
}
# Both lines of tool.py: clean() is analysed, strip() unknown. (`_show` is private: no entry point.)
TEAM_BASELINE = {("command-injection", "app/tool.py")}


def test_extra_source(tmp_path: Path) -> None:
    root = make_project(tmp_path, "", TEAM_CODE)
    assert findings(root) == TEAM_BASELINE
    make_project(tmp_path, 'sources = { web = ["myapp.http.Request.params"] }', TEAM_CODE)
    _, found, report = scan(root)
    assert found == TEAM_BASELINE | {("command-injection", "app/views.py")}
    added = next(f for f in report["findings"] if f["path"].endswith("views.py"))
    assert added["confidence"] == "high" and "from myapp.http.Request.params" in added["message"]  # the group's


def test_extra_sink(tmp_path: Path) -> None:
    make_project(tmp_path, 'sinks = { sql-injection = [{ call = "myapp.db.raw_query", args = [0] }] }', TEAM_CODE)
    _, found, report = scan(tmp_path)
    assert found == TEAM_BASELINE | {("sql-injection", "app/views.py")}
    sink = next(f for f in report["findings"] if f["rule_id"] == "sql-injection")
    assert sink["line"] == 12 and sink["fixes"] == ["parameterize_sql_query"]


@pytest.mark.parametrize("config", [
    'sanitizers = { command-injection = ["app.security.clean", "myapp.security.strip"] }',
    'sanitizers = { injection = ["app.security.clean", "myapp.security.strip"] }',  # a category
    'sanitizers = { ALL = ["app.security.clean", "myapp.security.strip"] }',
])
def test_extra_sanitizers_in_the_project_and_outside_it(tmp_path: Path, config: str) -> None:
    report = scan(make_project(tmp_path, "", TEAM_CODE))[2]
    assert sorted(f["line"] for f in report["findings"]) == [8, 9]
    make_project(tmp_path, config, TEAM_CODE)
    assert scan(tmp_path)[1] == set()


def test_a_sanitizer_counts_only_for_the_rules_it_names(tmp_path: Path) -> None:
    make_project(tmp_path, 'sanitizers = { sql-injection = ["app.security.clean", "myapp.security.strip"] }', TEAM_CODE)
    assert sorted(f["line"] for f in scan(tmp_path)[2]["findings"]) == [8, 9]


# --- validation settings ----------------------------------------------------------------------

def validate(tmp_path: Path, validate_table: str, tests: dict[str, str]) -> str:
    """The fix status of the one command-injection finding after `scan --validate`."""
    make_project(tmp_path, f"[tool.codepatch.validate]\n{validate_table}", {"app/shell.py": CLI_SHELL, **tests})
    _, found, report = scan(tmp_path, "--validate")
    assert found == {("command-injection", "app/shell.py")}, report
    return report["findings"][0]["fix_status"]


CLI_SHELL = "import os\n\n\ndef run():\n    os.system('ls ' + input())\n"  # its tests need no Flask
# The slow suite breaks on any change to app/shell.py; the unit suite runs the patched line.
TWO_SUITES = {"tests/unit/test_shell.py": ("import os\n\nfrom app import shell\n\n\ndef test_run(monkeypatch):\n"
                                           "    monkeypatch.setattr('builtins.input', lambda: '.')\n"
                                           "    monkeypatch.setattr(os, 'system', lambda c: 0)\n"
                                           "    monkeypatch.setattr('subprocess.run', lambda *a, **k: 0)\n"
                                           "    shell.run()\n"),
              "tests/slow/test_pinned.py": ("from pathlib import Path\n\n\ndef test_pinned():\n"
                                            "    assert 'os.system' in (Path(__file__).parents[2] / 'app/shell.py').read_text()\n")}


def test_test_command_running_pytest_keeps_per_test_results(tmp_path: Path) -> None:
    status = validate(tmp_path, "", TWO_SUITES)
    assert status.startswith("fix rejected at tests: tests that passed before now fail:") and "test_pinned" in status
    status = validate(tmp_path, 'test-command = "pytest tests/unit"', TWO_SUITES)
    assert status.startswith("validated fix") and status.endswith("; tested"), status  # a unit test runs the fix
    assert pytest_arguments(("pytest", "tests/unit")) == ["tests/unit"]
    assert pytest_arguments(("python", "-m", "pytest", "-x")) == ["-x"]
    assert pytest_arguments(("make", "test")) is None


def test_test_command_of_another_kind_passes_or_fails_as_a_whole(tmp_path: Path) -> None:
    failing = shlex.join([sys.executable, "-c", "import sys; sys.exit(3)"])
    status = validate(tmp_path, f"test-command = {json.dumps(failing)}", {})
    assert status.startswith("fix rejected at tests: cannot run the tests:") and "exited with status 3" in status
    passing = [sys.executable, "-c", "print('ok')"]
    status = validate(tmp_path, f"test-command = {json.dumps(passing)}", {})
    assert status.startswith("validated fix") and "tests; untested" in status, status  # no per-line coverage


def test_test_timeout(tmp_path: Path) -> None:
    sleeping = [sys.executable, "-c", "import time; time.sleep(60)"]
    status = validate(tmp_path, f"test-command = {json.dumps(sleeping)}\ntest-timeout = 1", {})
    assert "ran past its 1 s timeout" in status, status


def test_validation_settings_flow_from_the_configuration(tmp_path: Path, monkeypatch) -> None:
    """--test-timeout on the command line wins over the configured one; the command comes through."""
    seen = []
    monkeypatch.setattr("codepatch.fix.plan.validate_fixes", lambda result, *args: seen.append(args[3]) or result)
    make_project(tmp_path, '[tool.codepatch.validate]\ntest-command = ["make", "check"]\ntest-timeout = 30', FILES)
    scan(tmp_path, "--validate")
    scan(tmp_path, "--validate", "--test-timeout", "5")
    assert [(s.test_command, s.test_timeout) for s in seen] == [(("make", "check"), 30.0), (("make", "check"), 5.0)]


# --- the command line over the configuration --------------------------------------------------

def test_command_line_flags_override_the_configuration(tmp_path: Path) -> None:
    root = make_project(tmp_path, 'fail-on = "none"\nseverity = "high"\nconfidence = "high"\nexclude = ["app/"]')
    assert scan(root)[:2] == (0, set())  # app/ excluded, the test file's finding is below the thresholds
    code, found, _ = scan(root, "--fail-on", "low", "--severity", "low", "--confidence", "low", "--exclude", "tests/")
    assert (code, found) == (1, EVERYTHING - {("weak-random", "tests/test_tokens.py")})
    # a flag given with its default value still counts as given; the configured exclude stays
    assert scan(root, "--fail-on", "low", "--severity", "low", "--confidence", "low")[:2] == \
        (1, {("weak-random", "tests/test_tokens.py")})


def test_config_file_option(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    root = make_project(tmp_path / "project", 'select = ["crypto"]')
    top_level = tmp_path / "team.toml"
    top_level.write_text('select = ["injection"]\n')
    assert findings(root) == {("weak-random", "app/tokens.py"), ("weak-random", "tests/test_tokens.py")}
    assert findings(root, "--config", str(top_level)) == {("command-injection", "app/shell.py")}
    nested = tmp_path / "nested.toml"
    nested.write_text('[tool.codepatch]\nselect = ["debug-mode"]\n')
    assert findings(root, "--config", str(nested)) == {("debug-mode", "app/server.py")}


def test_cached_results_never_cross_configurations(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    root = make_project(tmp_path / "project", "", TEAM_CODE)
    cache = ("--cache-dir", str(tmp_path / "cache"))
    sink = 'sinks = { sql-injection = [{ call = "myapp.db.raw_query", args = [0] }] }'
    assert scan(root, cache=cache)[1] == TEAM_BASELINE
    make_project(root, sink, TEAM_CODE)
    assert scan(root, cache=cache)[1] == TEAM_BASELINE | {("sql-injection", "app/views.py")}
    make_project(root, 'select = ["sql-injection"]\n' + sink, TEAM_CODE)
    assert scan(root, cache=cache)[1] == {("sql-injection", "app/views.py")}
    make_project(root, "", TEAM_CODE)
    assert scan(root, cache=cache)[1] == TEAM_BASELINE
    assert scan(root, cache=cache)[1] == scan(root)[1]


# --- mistakes: one line, exit 2, naming the file and the key ------------------------------------

@pytest.mark.parametrize(("config", "message"), [
    ('fail_on = "high"', "[tool.codepatch] unknown key 'fail_on' (did you mean 'fail-on'?)"),
    ('severity = "critical"', "[tool.codepatch] 'severity' must be one of low, medium, high, got 'critical'"),
    ('fail-on = 1', "'fail-on' must be one of low, medium, high, none, got 1"),
    ('select = "injection"', "'select' must be a list of strings, got 'injection'"),
    ('select = ["sql-injektion"]', "'select': unknown rule or category 'sql-injektion' (did you mean 'sql-injection'?)"),
    ('ignore = ["cryptography"]', "'ignore': unknown rule or category 'cryptography' (did you mean 'crypto'?)"),
    ('per-path-ignores = { "tests/**" = ["weak_random"] }', "'per-path-ignores.tests/**': unknown rule or category 'weak_random'"),
    ('exclude = [1]', "'exclude' must be a list of strings"),
    ('sources = { webb = ["a.b"] }', "'sources': unknown source group 'webb' (did you mean 'web'?)"),
    ('sinks = { weak-random = [{ call = "a.b", args = [0] }] }', "'sinks': 'weak-random' is not a taint rule"),
    ('sinks = { sql-injection = [{ call = "a.b" }] }', "'sinks.sql-injection': 'a.b' needs 'args', 'kwargs'"),
    ('sinks = { sql-injection = [{ call = "a.b", args = [-1] }] }', "'sinks.sql-injection.args' must be a list of argument positions"),
    ('sinks = { sql-injection = [{ call = "a.b", arg = [0] }] }', "unknown key 'sinks.sql-injection.arg' (did you mean 'sinks.sql-injection.args'?)"),
    ('sanitizers = { ALL = ["not a name"] }', "'sanitizers': 'not a name' is not a qualified name"),
    ('sanitizers = { sql = ["a.b"] }', "'sanitizers': unknown rule or category 'sql'"),
    ('[tool.codepatch.validate]\ntest_command = "make"', "unknown key 'validate.test_command' (did you mean 'validate.test-command'?)"),
    ('[tool.codepatch.validate]\ntest-timeout = 0', "'validate.test-timeout' must be a number of seconds from 1 to 86400, got 0"),
    ('[tool.codepatch.validate]\ntest-timeout = nan', "'validate.test-timeout' must be a number of seconds from 1 to 86400, got nan"),
    ('[tool.codepatch.validate]\ntest-timeout = inf', "'validate.test-timeout' must be a number of seconds from 1 to 86400, got inf"),
    ('[tool.codepatch.validate]\npass-env = "DATABASE_URL"', "'validate.pass-env' must be a list of strings"),
    ('[tool.codepatch.validate]\ntest-command = []', "'validate.test-command' must be a command line or a list of arguments"),
])
def test_mistakes_are_one_line_naming_the_key(tmp_path: Path, config: str, message: str) -> None:
    code, _, output = scan(make_project(tmp_path, config))
    assert code == 2
    assert len(output.strip().splitlines()) == 1, output
    assert "pyproject.toml: " in output and message in output, output


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "pyproject.toml").write_text("[tool.codepatch]\nselect = [\n\nfail-on = 'low'\n")
    code, _, output = scan(root)
    assert code == 2 and len(output.strip().splitlines()) == 1, output
    assert "pyproject.toml: invalid TOML:" in output and "line 4" in output, output


def test_a_missing_config_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _, output = scan(make_project(tmp_path), "--config", str(tmp_path / "nope.toml"))
    assert code == 2 and "nope.toml" in output


def test_the_readme_example_is_a_valid_configuration(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    example = readme.split("## Configuration", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(example)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tokens.py").write_text(FILES["tests/test_tokens.py"])
    (tmp_path / "shell.py").write_text(FILES["app/shell.py"])
    code, found, _ = scan(tmp_path)
    assert (code, found) == (1, {("command-injection", "shell.py")})
