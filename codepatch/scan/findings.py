"""From the analysis's raw results to the `Finding`s every report shows: code excerpts, traces,
and a taint finding's confidence (the lower of its rule's and its source's)."""

from __future__ import annotations

from codepatch.analysis.flows import RawFinding
from codepatch.ruleset.model import Rule
from codepatch.types import Finding, Level, TraceHop

MAX_CODE = 200


class Excerpts:
    """Source lines for findings and trace hops, decoded once per file on demand."""

    def __init__(self, texts: dict[str, bytes]) -> None:
        self.texts = texts
        self.lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self.lines:
            self.lines[path] = self.texts.get(path, b"").decode("utf-8", "replace").splitlines()
        lines = self.lines[path]
        text = lines[number - 1].strip() if 0 < number <= len(lines) else ""
        return text if len(text) <= MAX_CODE else text[: MAX_CODE - 1] + "…"


def taint_finding(raw: RawFinding, excerpts: Excerpts) -> Finding:
    rule = raw.rule
    line, col, end_line, end_col = raw.site
    hops = tuple(TraceHop(path, number, excerpts.line(path, number),
                          "source" if i == 0 else ("sink" if i == len(raw.trace) - 1 else ""))
                 for i, (path, number) in enumerate(raw.trace))
    confidence = min(rule.confidence, raw.source.confidence, key=lambda level: level.rank)
    message = f"{rule.message} (from {raw.source.name})"
    return Finding(rule.id, rule.cwe, rule.severity, confidence, message, raw.path, line, col + 1,
                   end_line, end_col + 1, excerpts.line(raw.path, line), hops, rule.bandit, rule.fix)


def pattern_finding(rule: Rule, path: str, hit: dict, excerpts: Excerpts) -> Finding:
    code = excerpts.line(path, hit["line"])
    confidence = Level.LOW if hit.get("low") else rule.confidence
    return Finding(rule.id, rule.cwe, rule.severity, confidence, rule.message, path, hit["line"],
                   hit["col"] + 1, hit["eline"], hit["ecol"] + 1, code,
                   (TraceHop(path, hit["line"], code, "sink"),), rule.bandit, rule.fix)


def without_weaker_repeats(findings: list[Finding]) -> list[Finding]:
    """Drop a finding that another rule of the same weakness (CWE) already reports on the same
    line at a higher confidence: `yaml.load(text, Loader=yaml.Loader)` in a library function is
    one flaw, reported by the pattern rule at high confidence, not again by the taint rule at the
    medium confidence of an unproven parameter. Equal confidences both stay (each rule's own fix)."""
    best: dict[tuple[str, int, int], int] = {}
    for f in findings:
        key = (f.path, f.line, f.cwe)
        best[key] = max(best.get(key, 0), f.confidence.rank)
    return [f for f in findings if f.confidence.rank >= best[(f.path, f.line, f.cwe)]]


def without_passed_on(findings: list[Finding]) -> list[Finding]:
    """Drop a taint finding whose flow goes on from its sink to another sink of the same rule:
    `req = urllib.request.Request(url)` then `urlopen(req)` is one request, reported where it is
    sent (a Request that no known call sends stays reported where it is built)."""
    def source(f: Finding) -> tuple[str, int]:
        return f.trace[0].path, f.trace[0].line
    continued = {(f.rule_id, source(f), hop.path, hop.line) for f in findings
                 for hop in f.trace[:-1] if (hop.path, hop.line) != (f.path, f.line)}
    return [f for f in findings
            if not f.trace or (f.rule_id, source(f), f.path, f.line) not in continued]
