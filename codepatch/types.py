"""The plain frozen dataclasses that travel between stages.

files → parse → facts → findings → report. Every stage takes and returns these; a stage that
cannot handle one input returns a `FileProblem` for it instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Level(str, Enum):
    """Severity and confidence share one ordered scale."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return ("low", "medium", "high").index(self.value)


@dataclass(frozen=True)
class SourceFile:
    """A Python file found by discovery: its absolute path and its path as reported."""

    path: Path
    display: str
    module: str


@dataclass(frozen=True)
class FileProblem:
    """A file that could not be analysed, or only partly: one line in the report."""

    display: str
    kind: str  # "syntax" (partial analysis), "binary", "encoding", "unreadable", "too-large", "symlink-loop"
    message: str
    partial: bool = False  # True when the file was still analysed where its tree allowed


@dataclass(frozen=True)
class TraceHop:
    """One step of a source-to-sink trace."""

    path: str
    line: int
    code: str
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """One vulnerability: where the sink is, which rule says so, and how the data got there."""

    rule_id: str
    cwe: int
    severity: Level
    confidence: Level
    message: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    trace: tuple[TraceHop, ...] = ()
    bandit_id: str | None = None
    fixes: tuple[str, ...] = ()
    fix_status: str = ""  # whether a validated fix exists, which checks it passed or why it failed
    fingerprint: str = ""  # stable across code motion: see codepatch/fingerprint.py
    suppression: str = ""  # for a suppressed finding: the comment that hides it, as 'LINE: # marker'

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule_id)


@dataclass(frozen=True)
class ScanResult:
    """Everything a report needs: findings at or above the thresholds, and the files with problems."""

    findings: tuple[Finding, ...]
    problems: tuple[FileProblem, ...]
    files_scanned: int
    rules_loaded: int
    seconds: float = 0.0
    suppressed: tuple[Finding, ...] = ()  # findings hidden by an inline suppression comment
    notes: tuple[str, ...] = ()  # unused suppressions, baseline and --changed-since remarks
    patches: tuple[ValidatedPatch, ...] = ()  # the accepted fixes, set by fix mode (--diff/--fix/--validate)


@dataclass(frozen=True)
class Patch:
    """The candidate fix for one or more findings: each touched file's text before and after."""

    findings: tuple[Finding, ...]
    strategies: tuple[str, ...]
    files: tuple[tuple[str, str, str], ...]  # (display path, original text, patched text)
    description: str = ""


@dataclass(frozen=True)
class CheckResult:
    """One validation step's verdict; `detail` says why it failed, or what it noticed."""

    step: str
    passed: bool
    detail: str = ""
    skipped: bool = False


@dataclass(frozen=True)
class ValidatedPatch:
    patch: Patch
    checks: tuple[CheckResult, ...]
    tested: bool = False  # some test executed a patched line

    @property
    def accepted(self) -> bool:
        return all(c.passed for c in self.checks)
