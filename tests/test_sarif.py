"""SARIF output: valid against the official 2.1.0 schema, and carrying what GitHub code scanning needs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from codepatch.cli import cli

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text())
SOURCE = ("import os, sys, hashlib\n\n"
          "def main():\n    os.system('ls ' + sys.argv[1])\n    os.popen('cat ' + sys.argv[2])\n")


def sarif_for(path: Path) -> dict:
    result = CliRunner().invoke(cli, ["scan", str(path), "--no-cache", "--format", "sarif"])
    assert result.exit_code == 1, result.output
    return json.loads(result.output)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "cli.py").write_text(SOURCE)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_valid_against_the_official_schema(repo: Path) -> None:
    jsonschema.Draft4Validator(SCHEMA).validate(sarif_for(repo))


def test_rules_and_results_carry_github_fields(repo: Path) -> None:
    run = sarif_for(repo)["runs"][0]
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["id"] == "command-injection"
    assert rule["properties"]["security-severity"] == "8.1"
    assert rule["properties"]["precision"] == "high"
    assert {"security", "external/cwe/cwe-78"} <= set(rule["properties"]["tags"])
    assert rule["help"]["markdown"].startswith("## What it does")
    fingerprints = set()
    for result in run["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        assert result["level"] == "error"
        fingerprints.add(result["partialFingerprints"]["primaryLocationLineHash"])
        steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
        assert steps[-1]["location"]["physicalLocation"]["region"]["startLine"] == region["startLine"]
    assert len(fingerprints) == len(run["results"]) == 2


def test_uris_are_relative_to_the_git_top_level(repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo.parent)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif_for(repo / "app")["runs"][0]["results"]}
    assert uris == {"app/cli.py"}


def test_uris_outside_git_are_relative_to_the_current_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "cli.py").write_text(SOURCE)
    monkeypatch.chdir(tmp_path)
    results = sarif_for(Path("proj"))["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"proj/cli.py"}


def test_fingerprints_survive_moving_code(repo: Path) -> None:
    before = [r["partialFingerprints"] for r in sarif_for(repo)["runs"][0]["results"]]
    (repo / "app" / "cli.py").write_text("# a new header comment\n\n\n" + SOURCE)
    after = [r["partialFingerprints"] for r in sarif_for(repo)["runs"][0]["results"]]
    assert before == after


def test_the_readme_sample_gives_a_complete_sarif_report(tmp_path: Path) -> None:
    """The newcomer's path: the README's SARIF command on the shipped sample app, run as written."""
    top = Path(__file__).parent.parent
    command = next(line.split("#")[0].split() for line in (top / "README.md").read_text().splitlines()
                   if line.startswith(".venv/bin/codepatch scan fixtures/") and "--format sarif" in line)
    args = command[1:]
    args[args.index("-o") + 1] = str(tmp_path / "sample.sarif")
    args[1] = str(top / args[1])
    result = CliRunner().invoke(cli, args + ["--no-cache"])
    assert result.exit_code == 1, result.output
    document = json.loads((tmp_path / "sample.sarif").read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    run = document["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert len(run["results"]) >= 5
    for result in run["results"]:
        assert result["partialFingerprints"]["primaryLocationLineHash"]
        properties = rules[result["ruleId"]]["properties"]
        assert float(properties["security-severity"]) > 0
        assert any(tag.startswith("external/cwe/cwe-") for tag in properties["tags"])
