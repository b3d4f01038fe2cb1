"""The real path for fix strategies: scan a one-file project, fix a finding, scan again.

A strategy's before → after examples live beside it (`EXAMPLES`, see `codepatch.fix.examples`).
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from libcst.codemod import TransformSuccess

from codepatch.fix.project import ProjectIndex
from codepatch.fix.run import apply_strategy
from codepatch.fix.target import FixTarget
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import Finding
from tests.conftest import RULES


def scan_and_fix(tmp_path: Path, code: str, rule_id: str, strategy: str) -> tuple[str, list[Finding]]:
    """Scan `code` as a one-file project, fix its first `rule_id` finding with `strategy`, re-scan.

    Returns the patched text and the findings of `rule_id` left after the patch.
    """
    code = dedent(code)
    path = tmp_path / "app.py"
    path.write_text(code)
    findings = [f for f in _scan(tmp_path) if f.rule_id == rule_id]
    assert findings, f"the scanner reports no {rule_id} in the example"
    result = apply_strategy(strategy, code, FixTarget.from_finding(findings[0]), str(path),
                            project=ProjectIndex.of(tmp_path))
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", None) or result
    path.write_text(result.code)
    return result.code, [f for f in _scan(tmp_path) if f.rule_id == rule_id]


def _scan(root: Path) -> list[Finding]:
    return list(scan(ScanOptions((root,), root=root, rules_dir=RULES, cache_dir=None, jobs=1)).findings)
