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


class FixState(str, Enum):
    """Where a finding's fix stands. A plain scan only knows CANDIDATE or NONE; fix mode
    (--diff/--fix/--validate) tells VALIDATED, REJECTED or UNFIXABLE."""

    NONE = "none"  # the rule names no fix strategy
    CANDIDATE = "candidate"  # a strategy applies; not validated in this run
    VALIDATED = "validated"  # a patch passed every check
    REJECTED = "rejected"  # a patch was made and failed a check
    UNFIXABLE = "unfixable"  # every strategy refused to rewrite this code soundly


@dataclass(frozen=True)
class CheckResult:
    """One validation step's verdict; `detail` says why it failed, or what it noticed."""

    step: str
    passed: bool
    detail: str = ""
    skipped: bool = False


@dataclass(frozen=True)
class FixStatus:
    """A finding's fix: its state, the strategies of its patch, the checks that patch went through."""

    state: FixState
    strategies: tuple[str, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    tested: bool = False  # some test executed a patched line
    reason: str = ""  # why no strategy could fix it (UNFIXABLE)

    def describe(self) -> str:
        """The one line reports print after `fix: `."""
        if self.state is FixState.VALIDATED:
            passed = ", ".join(c.step + (" (skipped)" if c.skipped else "") for c in self.checks)
            return (f"validated fix ({', '.join(self.strategies)}): passed {passed}; "
                    + ("tested" if self.tested else "untested"))
        if self.state is FixState.REJECTED:
            failed = next((c for c in self.checks if not c.passed), None)
            return f"fix rejected at {failed.step}: {failed.detail}" if failed else "fix rejected"
        if self.state is FixState.UNFIXABLE:
            return f"no automatic fix: {self.reason}"
        if self.state is FixState.CANDIDATE:
            return f"candidate fix: {', '.join(self.strategies)} (validate with --diff)"
        return ""


@dataclass(frozen=True)
class Verdict:
    """The agents' judgement of a finding (codepatch scan --agents, codepatch/agents/)."""

    real: bool
    reason: str  # a key of codepatch.agents.verdict.REASONS
    evidence: str = ""  # one line: the helper judged and what the reason means
    kept: str = ""  # why the engines kept the finding's confidence though the agents judged it not real

    @property
    def label(self) -> str:
        return "real" if self.real else "not real"

    def describe(self) -> str:
        text = f"{self.label} ({self.reason})" + (f": {self.evidence}" if self.evidence else "")
        return text + (f"; kept: {self.kept}" if self.kept else "")


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
    fix_status: FixStatus | None = None  # set by the scan command: candidate, or what fix mode found
    fingerprint: str = ""  # stable across code motion: see codepatch/triage/fingerprint.py
    suppression: str = ""  # for a suppressed finding: the comment that hides it, as 'LINE: # marker'
    verdict: Verdict | None = None  # with --agents, for a finding they judged

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
    dismissed: tuple[Dismissal, ...] = ()  # with --show-dismissed: where rules stay quiet, and why


@dataclass(frozen=True, order=True)
class Dismissal:
    """A place a rule names (a sink call, a pattern's match) where codepatch reports nothing, and why."""

    path: str
    line: int
    rule_id: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Patch:
    """The candidate fix for one or more findings: each touched file's text before and after."""

    findings: tuple[Finding, ...]
    strategies: tuple[str, ...]
    files: tuple[tuple[str, str, str], ...]  # (display path, original text, patched text)
    notes: tuple[str, ...] = ()  # what the strategies warn the user of (a producer must sign, ...)

    @property
    def description(self) -> str:
        """Its strategies, then its notes, `; ` apart (the JSON report's `description`)."""
        return "; ".join((", ".join(self.strategies), *self.notes))


@dataclass(frozen=True)
class ValidatedPatch:
    patch: Patch
    checks: tuple[CheckResult, ...]
    tested: bool = False  # some test executed a patched line

    @property
    def accepted(self) -> bool:
        return all(c.passed for c in self.checks)
