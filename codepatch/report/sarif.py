"""SARIF 2.1.0 as GitHub code scanning reads it.

Rules carry short/full descriptions, help, `security-severity`, `precision` and CWE tags;
results carry a full region, a `primaryLocationLineHash` fingerprint (triage/fingerprint.py)
and the trace as a code flow; suppressed findings, when shown, carry an `inSource` suppression. URIs are relative to the git top level (or the current folder), like every other format.
"""

from __future__ import annotations

import json
from pathlib import Path

from codepatch import __version__
from codepatch.report.escape import uri
from codepatch.ruleset import docs as rule_docs
from codepatch.ruleset.model import Rule
from codepatch.types import Finding, ScanResult, TraceHop

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"high": "8.1", "medium": "5.5", "low": "3.1"}
INFORMATION_URI = "https://github.com/codepatch/codepatch"


def render(result: ScanResult, rules: tuple[Rule, ...], anchor: Path, show_suppressed: bool = False) -> str:
    suppressed = result.suppressed if show_suppressed else ()
    used = sorted({f.rule_id for f in result.findings + suppressed})
    by_id = {r.id: r for r in rules}
    descriptors = [_rule_descriptor(by_id[rule_id]) for rule_id in used]
    index = {rule_id: i for i, rule_id in enumerate(used)}
    results = [_result(finding, index[finding.rule_id]) for finding in result.findings]
    for finding in suppressed:  # GitHub shows these as closed alerts ("suppressed in source")
        results.append({**_result(finding, index[finding.rule_id]), "suppressions": [{"kind": "inSource"}]})
    notifications = [{"level": "error" if p.kind == "internal-error" else "warning",
                      "message": {"text": f"{p.display}: {p.message}"},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(p.display), "uriBaseId": "%SRCROOT%"}}}]}
                     for p in result.problems]
    notifications += [{"level": "note", "message": {"text": note}} for note in result.notes]
    run = {
        "tool": {"driver": {"name": "codepatch", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": descriptors}},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": anchor.resolve().as_uri() + "/"}},
        "invocations": [{"executionSuccessful": not any(p.kind == "internal-error" for p in result.problems),
                         "toolExecutionNotifications": notifications}],
        "results": results,
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _rule_descriptor(rule: Rule) -> dict:
    docs = rule.docs
    markdown = rule_docs.sections_markdown(rule)
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": docs["what"]},
        "help": {"text": f"{docs['why']}\nUse instead:\n{docs['use_instead']}", "markdown": markdown},
        "helpUri": docs["references"][0],
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[rule.severity.value],
            "precision": {"high": "high", "medium": "medium", "low": "low"}[rule.confidence.value],
            "problem.severity": {"high": "error", "medium": "warning", "low": "recommendation"}[rule.severity.value],
            "tags": ["security", f"external/cwe/cwe-{rule.cwe}", rule.category],
        },
    }


def _location(path: str, line: int, column: int = 1, end_line: int | None = None,
              end_column: int | None = None, snippet: str = "") -> dict:
    region: dict = {"startLine": line, "startColumn": column}
    if end_line is not None:
        region["endLine"] = end_line
    if end_column is not None:
        region["endColumn"] = end_column
    if snippet:
        region["snippet"] = {"text": snippet}
    return {"physicalLocation": {"artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"}, "region": region}}


def _hop(hop: TraceHop) -> dict:
    return {"location": {**_location(hop.path, hop.line, snippet=hop.code),
                         "message": {"text": hop.note or hop.code or "step"}}}


def _result(finding: Finding, rule_index: int) -> dict:
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity.value],
        "message": {"text": finding.message},
        "locations": [_location(finding.path, finding.line, finding.column, finding.end_line,
                                finding.end_column, finding.code)],
        "partialFingerprints": {"primaryLocationLineHash": finding.fingerprint},
        # One ruleId per rule (code scanning tracks alerts by it); the tier is the result's own.
        "properties": {"confidence": finding.confidence.value, "cwe": f"CWE-{finding.cwe}",
                       "tags": [f"confidence:{finding.confidence.value}"]},
    }
    if finding.fix_status:
        result["properties"]["fix"] = finding.fix_status.describe()
        result["properties"]["fixState"] = finding.fix_status.state.value
    if finding.suppression:
        result["properties"]["suppression"] = finding.suppression
    if finding.verdict is not None:
        result["properties"]["agentsVerdict"] = finding.verdict.label
        result["properties"]["agentsReason"] = finding.verdict.reason
        result["properties"]["agentsEvidence"] = finding.verdict.describe()
    if finding.trace:
        result["codeFlows"] = [{"threadFlows": [{"locations": [_hop(h) for h in finding.trace]}]}]
    return result
