"""Several projects in one call (pre-commit in a monorepo): which project each named path belongs
to, what report paths are relative to, and one result from the projects' results."""

from __future__ import annotations

from pathlib import Path

import click

from codepatch.files.discover import find_project_root, report_anchor, resolved
from codepatch.types import ScanResult


def group_by_project(paths: tuple[Path, ...], root: Path | None) -> list[tuple[Path, tuple[Path, ...]]]:
    """Each project with the named paths inside it, in the order first named."""
    if root is not None:
        real_root = resolved(root)
        for path in paths:
            real = resolved(path)
            if real != real_root and real_root not in real.parents:
                raise click.UsageError(f"{path} is outside the project root {root} (--root)")
        return [(root.absolute(), paths)]
    groups: dict[Path, list[Path]] = {}
    for path in paths:
        groups.setdefault(find_project_root(resolved(path)), []).append(path)
    return [(project, tuple(named)) for project, named in groups.items()]


def common_anchor(projects: list[Path]) -> Path:
    """What report paths are relative to: the projects' shared git top level, else the current folder."""
    anchors = {report_anchor(project) for project in projects}
    return anchors.pop() if len(anchors) == 1 else Path.cwd().resolve()


def merged(results: list[ScanResult]) -> ScanResult:
    """One report from several projects' results (a finding two projects both report is listed once)."""
    if len(results) == 1:
        return results[0]
    findings = {f.sort_key: f for result in results for f in reversed(result.findings)}
    suppressed = {f.sort_key: f for result in results for f in reversed(result.suppressed)}
    return ScanResult(
        findings=tuple(sorted(findings.values(), key=lambda f: f.sort_key)),
        problems=tuple(dict.fromkeys(p for result in results for p in result.problems)),
        files_scanned=sum(result.files_scanned for result in results),
        rules_loaded=max(result.rules_loaded for result in results),
        seconds=sum(result.seconds for result in results),
        suppressed=tuple(sorted(suppressed.values(), key=lambda f: f.sort_key)),
        notes=tuple(dict.fromkeys(note for result in results for note in result.notes)),
        patches=tuple(patch for result in results for patch in result.patches),
        dismissed=tuple(sorted({d for result in results for d in result.dismissed})))
