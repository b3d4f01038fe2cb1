"""A rule's documentation in Ruff's layout, as Markdown or plain text.

Title with the id, a line of facts (CWE, severity, confidence, Bandit id), then *What it does*,
*Why is this bad?*, *Example*, *Use instead*, *References* from the rule's `docs`, *Confidence*
(how its findings are tiered), and *Fix*:
the strategies the rule applies, in order of preference, each described by its module. SARIF's
rule help is the same sections without the title and the fix.
"""

from __future__ import annotations

import textwrap

from codepatch.ruleset.model import Rule

PROSE = (("what", "What it does"), ("why", "Why is this bad?"))
CODE = (("example", "Example"), ("use_instead", "Use instead"))
FIX_INTRO = "Strategies, in order of preference; a patch is offered only once it passes validation."
NO_FIX = "No automatic fix: change the code as *Use instead* shows."
WIDTH = 88


def title(rule: Rule) -> str:
    return f"{rule.id}: {rule.message}"


def facts(rule: Rule) -> str:
    parts = [f"CWE-{rule.cwe}", f"severity {rule.severity.value}", f"confidence {rule.confidence.value}"]
    parts += [f"Bandit {rule.bandit}"] if rule.bandit else []
    parts += [f"Ruff {rule.ruff}"] if rule.ruff else []
    return " · ".join(parts + [f"{rule.kind} rule ({rule.category})"])


# What a finding's confidence says, by where its input comes from (the README's *Confidence*).
TAINT_TIERS = (("high", "a modelled source reaches the sink: request data, command-line arguments, "
                        "standard input, network reads"),
               ("medium", "a parameter of an entry point: a public function nothing in the project calls "
                          "(a library's API), or a handler only a framework or server calls; or a record read "
                          "back from the application's database (text users may have written earlier)"),
               ("low", "the value could not be proven constant, sanitised or trusted, or it comes from the "
                       "environment; shown with `--confidence low`"))
TIER_SOURCES = {"high": ("web", "cli", "network"), "medium": ("entry", "stored"), "low": ("unproven", "env")}


def confidence_note(rule: Rule) -> str:
    """How this rule's findings get their confidence (Markdown; reports show high and medium by default)."""
    if rule.kind == "taint":
        tiers = [(level, text) for level, text in TAINT_TIERS
                 if any(group in rule.sources for group in TIER_SOURCES[level])]
        lines = "\n".join(f"- {level}: {text}" for level, text in tiers)
        return (f"A finding takes the lower of the rule's own confidence ({rule.confidence.value}) and "
                f"the tier of its input:\n{lines}")
    if any(p.low_unless for p in rule.patterns):
        return (f"{rule.confidence.value.capitalize()} where the code around the match shows the risk "
                "(the rule's *What it does* says what counts); low elsewhere.")
    return f"Every match is reported at the rule's confidence ({rule.confidence.value})."


def sections_markdown(rule: Rule) -> str:
    """What it does … References, as Markdown."""
    docs = rule.docs
    parts = [f"## {heading}\n{docs[key].strip()}" for key, heading in PROSE]
    parts += [f"## {heading}\n```python\n{docs[key].rstrip()}\n```" for key, heading in CODE]
    parts.append("## References\n" + "\n".join(f"- {ref}" for ref in docs["references"]))
    return "\n\n".join(parts)


def explain_markdown(rule: Rule, strategies: list[tuple[str, str]]) -> str:
    """The whole page; `strategies` are (name, description) pairs in the rule's order."""
    if strategies:
        fix = FIX_INTRO + "".join(f"\n\n### `{name}`\n{description}" for name, description in strategies)
    else:
        fix = NO_FIX
    return (f"# {title(rule)}\n\n{facts(rule)}\n\n{sections_markdown(rule)}\n\n"
            f"## Confidence\n{confidence_note(rule)}\n\n## Fix\n{fix}\n")


def explain_text(rule: Rule, strategies: list[tuple[str, str]]) -> str:
    """The same page as plain text: headings on their own line, bodies indented."""
    docs = rule.docs
    parts = [f"{title(rule)}\n{facts(rule)}"]
    parts += [f"{heading}\n{_paragraphs(docs[key])}" for key, heading in PROSE]
    parts += [f"{heading}\n{_indent(docs[key])}" for key, heading in CODE]
    parts.append("References\n" + _indent("\n".join(f"- {ref}" for ref in docs["references"])))
    note, _, tiers = confidence_note(rule).partition("\n")
    bullets = [textwrap.fill(line, WIDTH, initial_indent="    ", subsequent_indent="      ") for line in tiers.splitlines()]
    parts.append("\n".join(["Confidence", _paragraphs(note), *bullets]))
    if strategies:
        fix = "\n\n".join([_paragraphs(FIX_INTRO)] + [f"    {name}\n{_indent(text, 8)}" for name, text in strategies])
    else:
        fix = _paragraphs(NO_FIX)
    parts.append(f"Fix\n{fix}")
    return "\n\n".join(parts) + "\n"


def _paragraphs(text: str) -> str:
    return "\n\n".join(textwrap.fill(p, WIDTH, initial_indent="    ", subsequent_indent="    ")
                       for p in text.strip().split("\n\n"))


def _indent(text: str, spaces: int = 4) -> str:
    return textwrap.indent(text.rstrip(), " " * spaces)
