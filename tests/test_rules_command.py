"""`codepatch rules`: every rule with its metadata and the fix strategies it applies."""

from __future__ import annotations

import json

from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.fix import registry
from codepatch.ruleset.load import load_ruleset

RULES = load_ruleset().rules


def rules(*args: str):
    return CliRunner().invoke(cli, ["rules", *args])


def test_table_lists_every_rule_with_its_fixability() -> None:
    result = rules()
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header.split() == ["ID", "CATEGORY", "CWE", "SEVERITY", "CONFIDENCE", "KIND", "BANDIT", "FIX"]
    by_id = {line.split()[0]: line for line in lines}
    assert set(by_id) == {r.id for r in RULES}
    for rule in RULES:
        cells = by_id[rule.id].split(None, 7)
        assert cells[1:7] == [rule.category, f"CWE-{rule.cwe}", rule.severity.value, rule.confidence.value,
                              rule.kind, rule.bandit or "-"]
        assert cells[7] == (", ".join(rule.fix) or "no automatic fix")


def test_json_lists_every_rule_and_only_registered_strategies() -> None:
    result = rules("--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert set(rows) == {r.id for r in RULES}
    for rule in RULES:
        row = rows[rule.id]
        assert (row["cwe"], row["kind"], row["bandit"], row["fix"]) == (rule.cwe, rule.kind, rule.bandit, list(rule.fix))
        assert set(row["fix"]) <= set(registry.names())
    assert any(not row["fix"] for row in rows.values()) and any(row["fix"] for row in rows.values())


def test_category_filter() -> None:
    result = rules("--category", "injection", "--category", "xml", "--format", "json")
    assert {row["category"] for row in json.loads(result.output)} == {"injection", "xml"}
    assert len(json.loads(result.output)) == sum(r.category in ("injection", "xml") for r in RULES)
    unknown = rules("--category", "nope")
    assert unknown.exit_code == 2 and "unknown category nope" in unknown.output and "injection" in unknown.output


def test_on_a_terminal_the_table_is_drawn_whole(monkeypatch) -> None:
    monkeypatch.setattr("codepatch.terminal.colour_on", lambda stream: True)
    monkeypatch.setenv("COLUMNS", "60")  # narrower than the table: ids must still not be cut
    result = rules("--category", "injection")
    assert result.exit_code == 0, result.output
    for rule in RULES:
        if rule.category == "injection":
            assert rule.id in result.output
            assert all(strategy in result.output for strategy in rule.fix)
