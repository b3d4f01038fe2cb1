"""The JSON report: findings with their traces and fingerprints, file problems, notes, and a summary.

`suppressed` lists the findings hidden by inline comments (each with its `suppression`) only with
--show-suppressed; `summary.suppressed` counts them always. `dismissed` lists, with
--show-dismissed, where rules stayed quiet and why (`rule_id`, `path`, `line`, `reasons`)."""

from __future__ import annotations

import json
from dataclasses import asdict

from codepatch import __version__
from codepatch.report.patch_edits import line_edits, unified_diff
from codepatch.types import Finding, FixState, ScanResult, ValidatedPatch


def finding_dict(finding: Finding) -> dict:
    data = asdict(finding)
    data["severity"] = finding.severity.value
    data["confidence"] = finding.confidence.value
    data["trace"] = [asdict(hop) for hop in finding.trace]
    data["fixes"] = list(finding.fixes)
    data["fix_status"] = finding.fix_status.describe() if finding.fix_status else ""
    data["fix_state"] = (finding.fix_status.state if finding.fix_status else FixState.NONE).value
    if finding.verdict is not None:
        data["verdict"] = asdict(finding.verdict) | {"label": finding.verdict.label}
    return data


def patch_dict(validated: ValidatedPatch) -> dict:
    """An accepted fix: what it fixes, how it was checked, and per file its diff and line edits."""
    patch = validated.patch
    return {
        "findings": [{"rule_id": f.rule_id, "path": f.path, "line": f.line} for f in patch.findings],
        "strategies": list(patch.strategies),
        "description": patch.description,
        "checks": [asdict(check) for check in validated.checks],
        "tested": validated.tested,
        "files": [{"path": path, "diff": unified_diff(path, original, patched),
                   "edits": [asdict(edit) for edit in line_edits(original, patched)]}
                  for path, original, patched in patch.files],
    }


def render(result: ScanResult, show_suppressed: bool = False) -> str:
    by_severity = {level: sum(f.severity.value == level for f in result.findings) for level in ("high", "medium", "low")}
    document = {
        "tool": {"name": "codepatch", "version": __version__},
        "summary": {"files": result.files_scanned, "rules": result.rules_loaded, "findings": len(result.findings),
                    "by_severity": by_severity, "problems": len(result.problems), "seconds": round(result.seconds, 3),
                    "suppressed": len(result.suppressed)},
        "findings": [finding_dict(f) for f in result.findings],
        "problems": [asdict(p) for p in result.problems],
        "suppressed": [finding_dict(f) for f in result.suppressed] if show_suppressed else [],
        "dismissed": [asdict(d) for d in result.dismissed],
        "notes": list(result.notes),
        "patches": [patch_dict(v) for v in result.patches],
    }
    return json.dumps(document, indent=2) + "\n"
