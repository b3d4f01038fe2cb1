"""`codepatch explain`: every rule's page has every section and the strategies it applies."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.fix import registry
from codepatch.ruleset.load import load_ruleset

RULES = load_ruleset().rules
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References", "Confidence", "Fix")


def explain(*args: str):
    return CliRunner().invoke(cli, ["explain", *args])


def first_line(strategy: str) -> str:
    return registry.describe(strategy).splitlines()[0]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_text_page_has_every_section_and_the_rule_strategies(rule) -> None:
    result = explain(rule.id)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{rule.id}: {rule.message}"
    assert f"CWE-{rule.cwe} · severity {rule.severity.value} · confidence {rule.confidence.value}" in lines[1]
    if rule.bandit:
        assert f"Bandit {rule.bandit}" in lines[1]
    assert [line for line in lines if line in SECTIONS] == list(SECTIONS)  # each once, in Ruff's order
    assert rule.docs["example"].strip().splitlines()[0] in result.output
    assert rule.docs["use_instead"].strip().splitlines()[0] in result.output
    assert all(f"- {ref}" in result.output for ref in rule.docs["references"])
    fix = result.output.split("\nFix\n", 1)[1]
    if rule.fix:
        named = [line.strip() for line in fix.splitlines() if line.startswith("    ") and not line.startswith("     ")]
        assert [n for n in named if n in registry.names()] == list(rule.fix)  # in order of preference
        assert all(first_line(name) in fix for name in rule.fix)
    else:
        assert "No automatic fix" in fix


def test_confidence_section_says_what_each_tier_of_a_taint_rule_means() -> None:
    taint = explain("command-injection").output.split("\nConfidence\n", 1)[1].split("\nFix\n")[0]
    assert "lower of the rule's own confidence (high)" in " ".join(taint.split())
    assert [line.split(":")[0].strip() for line in taint.splitlines() if line.startswith("    - ")] == \
        ["- high", "- medium", "- low"]
    weak = " ".join(explain("weak-hash").output.split("\nConfidence\n", 1)[1].split("\nFix\n")[0].split())
    assert weak.startswith("Medium where the code around the match shows the risk") and "low elsewhere" in weak


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_markdown_page(rule) -> None:
    result = explain(rule.id, "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# {rule.id}: {rule.message}\n")
    headings = [line[3:] for line in result.output.splitlines() if line.startswith("## ")]
    assert headings == list(SECTIONS)
    assert f"```python\n{rule.docs['example'].rstrip()}\n```" in result.output
    assert [line[5:-1] for line in result.output.splitlines() if line.startswith("### `")] == list(rule.fix)


def test_unknown_rule_is_a_one_line_error_with_close_matches() -> None:
    result = explain("comand-injection")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "unknown rule 'comand-injection'" in result.output and "did you mean command-injection" in result.output
    assert "did you mean" not in explain("zzzz").output


def test_on_a_terminal_the_markdown_is_drawn(monkeypatch) -> None:
    monkeypatch.setattr("codepatch.terminal.colour_on", lambda stream: True)
    result = explain("sql-injection")
    assert result.exit_code == 0, result.output
    assert "What it does" in result.output and "parameterize_sql_query" in result.output
    assert "```" not in result.output and "## " not in result.output  # rendered, not the source
