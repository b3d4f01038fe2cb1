"""`codepatch rules`: every rule with its CWE, severity, confidence, kind, Bandit id and fixes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from codepatch.errors import UserError

COLUMNS = ("id", "category", "cwe", "severity", "confidence", "kind", "bandit", "fix")


@click.command("rules")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: aligned columns (drawn with colour on a terminal); json: a list of objects.")
@click.option("--category", "categories", multiple=True, help="Only the rules of this category (repeatable).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="List the rules in this folder instead of the built-in ones.")
def command(output_format: str, categories: tuple[str, ...], rules_dir: Path | None) -> None:
    """List the rules: id, category, CWE, severity, confidence, kind, Bandit id and fix strategies."""
    from codepatch.ruleset.load import load_ruleset
    from codepatch.ruleset.model import RuleError
    from codepatch.scan.cache import default_cache_dir
    from codepatch.terminal import colour_on

    try:
        rules = load_ruleset(rules_dir, default_cache_dir()).rules
    except RuleError as exc:
        raise UserError(f"invalid rule: {exc}") from exc
    unknown = sorted(set(categories) - {r.category for r in rules})
    if unknown:
        known = ", ".join(sorted({r.category for r in rules}))
        raise UserError(f"unknown category {', '.join(unknown)} (the categories are {known})")
    rows = [row(r) for r in rules if not categories or r.category in categories]
    if output_format == "json":
        click.echo(json.dumps(rows, indent=2))
    elif colour_on(sys.stdout):
        _print_rich_table(rows)
    else:
        click.echo(plain_table(rows), nl=False)


def row(rule) -> dict:
    return {"id": rule.id, "category": rule.category, "cwe": rule.cwe, "severity": rule.severity.value,
            "confidence": rule.confidence.value, "kind": rule.kind, "bandit": rule.bandit, "fix": list(rule.fix)}


def cells(r: dict) -> list[str]:
    return [r["id"], r["category"], f"CWE-{r['cwe']}", r["severity"], r["confidence"], r["kind"], r["bandit"] or "-",
            ", ".join(r["fix"]) or "no automatic fix"]


def plain_table(rows: list[dict]) -> str:
    """Columns padded to their widest cell, one rule a line (the last column unpadded)."""
    table = [[c.upper() for c in COLUMNS]] + [cells(r) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS) - 1)]
    return "".join("  ".join([cell.ljust(width) for cell, width in zip(line, widths)] + [line[-1]]) + "\n"
                   for line in table)


def _print_rich_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    from codepatch.report.rich_report import SEVERITY_STYLES

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in COLUMNS:
        table.add_column(name.upper(), no_wrap=True)
    for r in rows:
        line = cells(r)
        line[3] = f"[{SEVERITY_STYLES[r['severity']]}]{line[3]}[/]"
        line[-1] = "[green]" + "\n".join(r["fix"]) + "[/]" if r["fix"] else f"[dim]{line[-1]}[/]"  # one per line
        table.add_row(*line)
    # Never crop an id to fit a narrow terminal: the terminal wraps the line instead.
    natural = Console(width=1000).measure(table).maximum
    Console(width=max(Console().width, natural)).print(table)
