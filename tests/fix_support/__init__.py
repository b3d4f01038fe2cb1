"""Before/after helpers for fix strategies, in the style of LibCST's `assertCodemod`.

The target of a rewrite is named by a snippet of the `before` text (`at="yaml.load("`): the
finding starts where the snippet starts and ends where it ends, as a scanner would report.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from libcst.codemod import TransformSkip, TransformSuccess

from codepatch.fix.project import ProjectIndex
from codepatch.fix.run import apply_strategy
from codepatch.fix.target import FixTarget
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import Finding
from tests.conftest import RULES


def target_at(code: str, snippet: str, rule_id: str = "test-rule", occurrence: int = 0) -> FixTarget:
    """The `FixTarget` covering the `occurrence`-th appearance of `snippet` in `code`."""
    start = -1
    for _ in range(occurrence + 1):
        start = code.index(snippet, start + 1)
    end = start + len(snippet)
    line, column = code.count("\n", 0, start) + 1, start - code.rfind("\n", 0, start)
    end_line, end_column = code.count("\n", 0, end) + 1, end - code.rfind("\n", 0, end)
    return FixTarget(rule_id, line, column, end_line, end_column)


def rewrite(strategy: str, before: str, at: str, occurrence: int = 0):
    code = dedent(before)
    return apply_strategy(strategy, code, target_at(code, at, occurrence=occurrence), "/nonexistent/example.py")


def assert_rewrite(strategy: str, before: str, after: str, at: str, occurrence: int = 0) -> None:
    """`strategy` applied at `at` turns `before` into exactly `after` (both dedented)."""
    result = rewrite(strategy, before, at, occurrence)
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", None) or result
    assert result.code == dedent(after), "\n" + result.code


def assert_skip(strategy: str, before: str, at: str, reason: str) -> None:
    """`strategy` refuses to fix `before` at `at`, with a reason containing `reason`."""
    result = rewrite(strategy, before, at)
    assert isinstance(result, TransformSkip), getattr(result, "code", result)
    assert reason in result.skip_description, result.skip_description


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
