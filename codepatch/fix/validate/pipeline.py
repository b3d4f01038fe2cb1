"""The validation pipeline: parses → re-scan → bandit → the project's tests, stopping at the
first failure. One workspace copy and one baseline (findings, passing tests) serve every patch."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from codepatch.files.source_text import TextError
from codepatch.fix.validate import bandit_check, parses, rescan, tests_check
from codepatch.fix.validate.workspace import Workspace
from codepatch.ruleset.model import RuleSet
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import CheckResult, Finding, Patch, ValidatedPatch


@dataclass(frozen=True)
class ValidationSettings:
    run_tests: bool = True
    test_timeout: float = 600.0
    cache_dir: Path | None = None
    rules_dir: Path | None = None
    test_command: tuple[str, ...] = ()  # the project's own test command; empty: pytest under coverage
    pass_env: tuple[str, ...] = ()  # environment variables the tests may see besides the allow-list


class Validator:
    def __init__(self, root: Path, anchor: Path, ruleset: RuleSet, settings: ValidationSettings) -> None:
        self.settings = settings
        self.ruleset = ruleset
        self.workspace = Workspace(root, anchor)
        self.baseline: Counter = rescan.tally(self.rescan_findings())
        self._tests_baseline: tests_check.TestRun | None = None

    def rescan_findings(self) -> list[Finding]:
        root = self.workspace.root
        options = ScanOptions((root,), root=root, rules_dir=self.settings.rules_dir, cache_dir=self.settings.cache_dir)
        return list(scan(options, self.ruleset).findings)

    def tests_baseline(self) -> tests_check.TestRun:
        """The tests that pass on the unpatched copy, collected once per run."""
        if self._tests_baseline is None:
            self._tests_baseline = tests_check.run_tests(self.workspace, self.settings.test_timeout, [],
                                                          self.settings.test_command, self.settings.pass_env)
        return self._tests_baseline

    def validate(self, patch: Patch) -> ValidatedPatch:
        checks: list[CheckResult] = []
        steps = (
            lambda: parses.check(patch),
            lambda: rescan.check(patch, self.workspace, self.baseline, self.rescan_findings),
            lambda: bandit_check.check(patch),
        )
        for step in steps:
            checks.append(self._safely(step))
            if not checks[-1].passed:
                return ValidatedPatch(patch, tuple(checks))
        tested = False
        if not self.settings.run_tests:
            checks.append(CheckResult(tests_check.STEP, True, "skipped (--no-tests)", skipped=True))
        elif not self.settings.test_command and not tests_check.has_tests(self.workspace.root):
            checks.append(CheckResult(tests_check.STEP, True, "skipped: the project has no tests", skipped=True))
        else:
            baseline = self.tests_baseline()
            if baseline.error:
                checks.append(CheckResult(tests_check.STEP, False, f"cannot run the tests: {baseline.error}"))
            else:
                try:
                    result, tested = tests_check.check(patch, self.workspace, baseline, self.settings.test_timeout,
                                                       self.settings.test_command, self.settings.pass_env)
                except (OSError, TextError) as exc:
                    result = _not_written(exc)
                checks.append(result)
        return ValidatedPatch(patch, tuple(checks), tested)

    @staticmethod
    def _safely(step) -> CheckResult:
        """A step's verdict; a patch that cannot be written into the copy fails the step, not the run."""
        try:
            return step()
        except (OSError, TextError) as exc:
            return _not_written(exc)

    def close(self) -> None:
        self.workspace.close()


def _not_written(exc: Exception) -> CheckResult:
    return CheckResult("workspace", False, f"cannot try the patch in the validation copy: {exc}")
