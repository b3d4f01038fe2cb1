"""A case: one finding as the agents see it, and the question text their prompts carry.

The same `Case` comes from a finding in a scan (codepatch.agents.select) and from the training
generator (training.judgements), so that what the roles train on and what they judge are written
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from codepatch.agents.normalize import NotPython, normalized, parse_function

# How the value at the sink arrives, by the finding's confidence tier (codepatch.analysis.tiers).
SOURCES = {
    "request": "request data from a web framework",
    "entry-point": "a parameter of a function nothing in the project calls",
    "unproven": "a value the engine could not prove constant",
}
# The rules whose findings the agents judge: the kinds their training cases cover
# (training.judgements); a finding of another rule stays as the engines report it.
JUDGED_RULES = frozenset({"open-redirect", "path-traversal", "command-injection", "sql-injection", "ssrf", "xss",
                          "code-injection", "weak-hash", "weak-random"})
MOST_LINES = 40  # of one function: a longer one keeps its head and the lines around the sink


@dataclass(frozen=True)
class Case:
    rule_id: str
    source: str  # a key of SOURCES
    code: str  # the function holding the sink, as written
    sink_line: int  # the sink's line within `code` (1-based)
    helpers: tuple[str, ...] = ()  # project functions on the path that no rule models, as written


def question(case: Case) -> str:
    """The case as the roles read it; raises NotPython when some function does not parse."""
    if case.source not in SOURCES:
        raise ValueError(f"unknown source {case.source!r}")
    parts = [f"Finding: {case.rule_id}", f"Input: {SOURCES[case.source]}"]
    for helper in case.helpers:
        parts += ["Helper:", _shortened(normalized(parse_function(helper)))]
    parts += ["Sink:", _shortened(normalized(parse_function(case.code), case.sink_line), around_sink=True)]
    return "\n".join(parts)


def _shortened(text: str, around_sink: bool = False) -> str:
    lines = text.splitlines()
    if len(lines) <= MOST_LINES:
        return text
    if not around_sink:
        return "\n".join(lines[:MOST_LINES] + ["    ..."])
    sink = next((i for i, line in enumerate(lines) if line.endswith("# sink")), len(lines) - 1)
    start = max(1, sink - MOST_LINES // 2)
    return "\n".join([lines[0], "    ...", *lines[start:start + MOST_LINES - 2]])


__all__ = ["Case", "JUDGED_RULES", "NotPython", "SOURCES", "question"]
