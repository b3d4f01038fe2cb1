"""`codepatch explain RULE-ID`: what the rule finds, why it matters, an example, the safe form,
references, and the fixes it applies (Ruff's rule-doc layout)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from codepatch.errors import UserError


@click.command("explain")
@click.argument("rule_id")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="text: drawn with colour on a terminal, plain otherwise; markdown: the Markdown source.")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Look the rule up in this folder instead of the built-in rules.")
def command(rule_id: str, output_format: str, rules_dir: Path | None) -> None:
    """Explain a rule: what it finds, why it is bad, what to write instead, and how it is fixed."""
    from codepatch.fix import registry
    from codepatch.ruleset import docs
    from codepatch.terminal import colour_on

    rule = find_rule(rule_id, rules_dir)
    strategies = [(name, registry.describe(name)) for name in rule.fix]
    if output_format == "markdown":
        click.echo(docs.explain_markdown(rule, strategies), nl=False)
    elif colour_on(sys.stdout):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(docs.explain_markdown(rule, strategies), code_theme="ansi_dark"))
    else:
        click.echo(docs.explain_text(rule, strategies), nl=False)


def find_rule(rule_id: str, rules_dir: Path | None):
    """The rule named `rule_id`; an unknown id is a one-line error naming the closest ids."""
    from codepatch.ruleset.load import load_ruleset
    from codepatch.ruleset.model import RuleError
    from codepatch.scan.cache import default_cache_dir

    try:
        rules = load_ruleset(rules_dir, default_cache_dir()).by_id()
    except RuleError as exc:
        raise UserError(f"invalid rule: {exc}") from exc
    if rule_id in rules:
        return rules[rule_id]
    close = difflib.get_close_matches(rule_id, list(rules), n=3, cutoff=0.6)
    hint = ""
    if close:
        hint = f"; did you mean {close[0] if len(close) == 1 else ', '.join(close[:-1]) + ' or ' + close[-1]}?"
    raise UserError(f"unknown rule {rule_id!r}{hint} (`codepatch rules` lists them all)")
