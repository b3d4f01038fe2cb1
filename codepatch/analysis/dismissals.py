"""Why the engine stays quiet at a place a rule names (`scan --show-dismissed`): each sink call a
taint rule names, and each call or node a pattern rule names, that ends with no finding of that
rule gets the reasons the engine had, in words. Bandit flags such places by their shape alone;
this is the proof codepatch owes for not doing so (a proven constant, a sanitizer, a parameterised
call, an input no attacker reaches).

A function's reasons are those of its last run (a later run, which sees more of the fixpoint, may
decide otherwise), kept in its `Record`; the entry stage adds the reasons of parameters that
reached a sink but are nobody's input. Only a full solve records them (cached solver state holds
none), so `--show-dismissed` solves the whole project again.
"""

from __future__ import annotations

from collections.abc import Iterable

from codepatch.analysis.flows import FunctionUnit, RawFinding
from codepatch.ruleset.model import Rule, SourceSpec
from codepatch.types import Dismissal

Site = tuple[str, str, tuple]  # rule id, path, (line, col, end line, end col)

NO_DANGEROUS_ARGUMENT = "no argument in a position where this call is dangerous (the value is passed apart, " \
    "e.g. as a query parameter)"
PROVEN_CONSTANT = "its input is proven to hold only constants"
SANITIZED = "its input passes a sanitizer for this rule"
TYPED_WHOLE = "what the program's user typed, given whole: a console doing what it is told"
PROJECT_METHOD = "a call of the project's own method of that name, whose sinks are checked inside it"


def not_taken(source: str, sources: Iterable[str]) -> str:
    return f"its input is {source}, which this rule does not report (it reports: {', '.join(sources)})"


def not_reported(rule: Rule, source: SourceSpec, taken: bool, facts: dict | None) -> str | None:
    """Why a source reaching a sink is no finding (None: it is one). `taken`: the rule takes the
    source's group; `facts`: the sink's argument where the source reaches it in the same function."""
    if not taken:
        return not_taken(source.name, rule.sources)
    if source.name in rule.typed_whole_by_design and facts is not None and not facts.get("str"):
        return TYPED_WHOLE
    return None


def constants_passed(caller: str) -> str:
    return f"the call from {caller} passes constants only"


def through_parameter(unit: FunctionUnit, index: int, why: str) -> str:
    name = unit.params[index] if index < len(unit.params) else f"#{index}"
    return f"its input comes from parameter '{name}' of {unit.qn}, {why}"


def remaining(units: Iterable[FunctionUnit], entry_reasons: dict[Site, set[str]],
              found: Iterable[RawFinding]) -> list[Dismissal]:
    """Every recorded site with no finding of its rule, with its reasons (sorted, so a report is stable)."""
    reasons: dict[Site, set[str]] = {}
    for unit in units:
        for site, whys in unit.record.dismissed.items():
            reasons.setdefault(site, set()).update(whys)
    for site, whys in entry_reasons.items():
        reasons.setdefault(site, set()).update(whys)
    reported = {(f.rule.id, f.path, f.site[0]) for f in found}
    return sorted(Dismissal(path, site[0], rule_id, tuple(sorted(whys)))
                  for (rule_id, path, site), whys in reasons.items() if (rule_id, path, site[0]) not in reported)
