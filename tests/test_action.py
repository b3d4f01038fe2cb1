"""action.yml: inputs and steps refer to each other consistently, every codepatch option it uses
exists in the real CLI, and its merge-base step really deepens a shallow clone."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

REPOSITORY = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((REPOSITORY / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
SCRIPTS = [step["run"] for step in STEPS if "run" in step]
CODEPATCH = Path(sys.executable).parent / "codepatch"


def step(name_start: str) -> dict:
    return next(s for s in STEPS if s.get("name", "").startswith(name_start))


def codepatch_calls(command: str) -> list[str]:
    return [line.strip() for script in SCRIPTS for line in script.splitlines()
            if line.strip().startswith(f"codepatch {command} ")]


def cli_options(command: str) -> set[str]:
    shown = subprocess.run([str(CODEPATCH), command, "--help"], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", shown))


def test_inputs_are_the_documented_ones_and_each_is_used() -> None:
    assert list(ACTION["inputs"]) == ["paths", "fail-on", "fix-suggestions", "run-tests", "sarif-file",
                                      "python-version", "config", "fail-on-new-suppressions", "token"]
    assert ACTION["inputs"]["fix-suggestions"]["default"] == "false"
    assert ACTION["inputs"]["fail-on-new-suppressions"]["default"] == "true"
    assert ACTION["inputs"]["run-tests"]["default"] == "false"  # tests on a pull request run untrusted code
    used = set(re.findall(r"inputs\.([\w-]+)", yaml.safe_dump(ACTION["runs"]) + yaml.safe_dump(ACTION["outputs"])))
    assert used == set(ACTION["inputs"])


def test_on_a_pull_request_every_scan_reads_the_configuration_from_the_base_commit() -> None:
    """The pull request's own pyproject.toml must not change the gate that judges it."""
    for name in ("Scan and write the full SARIF", "Suggest validated fixes", "Annotate and gate"):
        script = step(name)["run"]
        assert '--config-ref "$BASE_SHA"' in script, name
        assert step(name)["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    gate = step("Annotate and gate")["run"]
    assert 'changed+=(--fail-on-new-suppressions)' in gate and '[ "$NEW_SUPPRESSIONS" != "true" ]' in gate


def test_scripts_read_inputs_only_through_their_env() -> None:
    assert ACTION["runs"]["using"] == "composite"
    for item in STEPS:
        if "run" not in item:
            continue
        assert item["shell"] == "bash" and "${{" not in item["run"]  # no expression injection into shell
        variables = set(re.findall(r"\$\{?([A-Z][A-Z_]*)", item["run"]))
        assert variables <= set(item.get("env", {})), (item["name"], variables - set(item.get("env", {})))


def test_steps_install_scan_upload_suggest_and_gate_in_order() -> None:
    uses = [s.get("uses", "") for s in STEPS]
    assert uses[0].startswith("actions/setup-python@") and STEPS[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    assert '-c "$ACTION_PATH/constraints.txt" "$ACTION_PATH"' in STEPS[1]["run"]
    assert STEPS[1]["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    full = step("Scan and write the full SARIF")
    assert "--changed-since" not in full["run"] and '--output "$SARIF_FILE"' in full["run"]
    assert full["env"]["SARIF_FILE"] == "${{ inputs.sarif-file }}"
    upload = next(s for s in STEPS if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["uses"].endswith("@v3") and upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    suggest = step("Suggest validated fixes")
    assert suggest["if"].startswith("inputs.fix-suggestions == 'true'")
    assert '--changed-since "$BASE_SHA" --validate "${tests[@]}" --format json --output "$REPORT"' in suggest["run"]
    assert 'tests=(--no-tests); [ "$RUN_TESTS" != "true" ] || tests=()' in suggest["run"]
    assert 'codepatch github-review --report "$REPORT"' in suggest["run"]
    assert suggest["env"]["GITHUB_TOKEN"] == "${{ inputs.token }}"
    gate = step("Annotate and gate")
    assert '--format github --fail-on "$FAIL_ON"' in gate["run"] and "changed=(--changed-since" in gate["run"]
    assert STEPS.index(full) < STEPS.index(upload) < STEPS.index(suggest) < STEPS.index(gate)


def used_options(command: str) -> set[str]:
    """Options on the command's lines, and for scan also those the scripts collect in arrays first."""
    options = {word for call in codepatch_calls(command) for word in call.split() if word.startswith("--")}
    if command == "scan":
        options |= {option for script in SCRIPTS for option in re.findall(r"\w+\+?=\((--[\w-]+)", script)}
    return options


def test_every_scan_option_in_the_action_exists_in_the_cli() -> None:
    assert used_options("scan") - cli_options("scan") == set()


def test_every_github_review_option_in_the_action_exists_in_the_cli() -> None:
    assert used_options("github-review") <= cli_options("github-review")
    formats = {word for call in codepatch_calls("scan") for word in re.findall(r"--format (\w+)", call)}
    shown = subprocess.run([str(CODEPATCH), "scan", "--help"], capture_output=True, text=True, check=True).stdout
    assert formats == {"sarif", "json", "github"} and all(f in shown for f in formats)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def test_the_fetch_step_deepens_a_shallow_clone_until_the_merge_base_exists(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    git(origin, "config", "uploadpack.allowAnySHA1InWant", "true")  # as GitHub allows fetching by sha
    for n in range(3):
        git(origin, "-c", "user.name=D", "-c", "user.email=d@e", "commit", "-q", "--allow-empty", "-m", f"old {n}")
    git(origin, "checkout", "-q", "-b", "feature")
    git(origin, "-c", "user.name=D", "-c", "user.email=d@e", "commit", "-q", "--allow-empty", "-m", "change")
    head = git(origin, "rev-parse", "HEAD")
    git(origin, "checkout", "-q", "main")
    for n in range(60):  # the base moved on by more than the first fetch depth (50)
        git(origin, "-c", "user.name=D", "-c", "user.email=d@e", "commit", "-q", "--allow-empty", "-m", f"new {n}")
    base = git(origin, "rev-parse", "HEAD")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(), str(clone)], check=True)
    assert subprocess.run(["git", "-C", str(clone), "merge-base", base, head], capture_output=True).returncode != 0
    fetch = step("Fetch the pull request's base")
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", fetch["run"]], cwd=clone, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "BASE_SHA": base, "HEAD_SHA": head})
    assert done.returncode == 0, done.stderr
    assert git(clone, "merge-base", base, head) == git(origin, "rev-parse", "main~60")
