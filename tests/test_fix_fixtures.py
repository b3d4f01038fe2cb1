"""Every rule with fix strategies has `fixtures/rules/<category>/<rule-id>.fixed.py`: its fixture
`<rule-id>.py` after fixing every `# ruleid: <rule-id>` finding (the semgrep-rules convention).

The fix runs on the real path: a scan of the category folder (in a copy), candidate patches from
the rule's strategies, validation by parse, re-scan and bandit (no tests step: the fixtures have
no tests), and the accepted patches applied; then again on the result, as a second `--fix` run
would, until nothing changes. The result must equal the `.fixed.py` byte for byte, and re-scanning
it must report the rule only on the lines that cannot be fixed.

A `# ruleid:` line that has no automatic fix says so on its annotation, with a piece of the reason
the fix status gives (`no automatic fix: ...` or `fix rejected at <step>: ...`):

    # ruleid: sql-injection # nofix: an identifier

Its line stays unchanged in the `.fixed.py`. To write the `.fixed.py` files from the current
strategies (then review the diff before committing):

    CODEPATCH_WRITE_FIXED=1 .venv/bin/python -m pytest tests/test_fix_fixtures.py
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from codepatch.fix.plan import fix_findings
from codepatch.fix.project import ProjectIndex
from codepatch.fix.validate.pipeline import ValidationSettings, Validator
from codepatch.ruleset.load import load_ruleset
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import Finding
from tests.conftest import FIXTURES, RULES
from tests.test_rule_fixtures import FIXED_SUFFIX, annotations

NOFIX = re.compile(r"#\s*ruleid:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*#\s*nofix:\s*(.+?)\s*$")
FIXABLE = sorted((rule for rule in load_ruleset(RULES).rules if rule.fix), key=lambda rule: rule.id)
MAX_ROUNDS = 3


def no_fix_lines(fixture: Path, rule_id: str) -> dict[int, str]:
    """Line of a `# ruleid:` finding that has no automatic fix → the expected piece of its reason."""
    expected: dict[int, str] = {}
    lines = fixture.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        match = NOFIX.search(line)
        if match and rule_id in [r.strip() for r in match.group(1).split(",")]:
            target = next(n for n in range(number + 1, len(lines) + 1)
                          if lines[n - 1].strip() and not lines[n - 1].strip().startswith("#"))
            expected[target] = match.group(2)
    return expected


def rule_findings(folder: Path, name: str, rule_id: str) -> list[Finding]:
    result = scan(ScanOptions((folder,), root=folder, rules_dir=RULES, cache_dir=None, jobs=1,
                              excludes=(f"*{FIXED_SUFFIX}",)))
    return [f for f in result.findings if f.rule_id == rule_id and Path(f.path).name == name]


def fix_rounds(folder: Path, name: str, rule_id: str) -> dict[str, str]:
    """Fix the rule's findings in `folder/name` until a round changes nothing; the last status of
    each finding left, by its line's text."""
    ruleset = load_ruleset(RULES)
    statuses: dict[str, str] = {}
    for _ in range(MAX_ROUNDS):
        findings = tuple(rule_findings(folder, name, rule_id))
        if not findings:
            break
        validator = Validator(folder, folder, ruleset, ValidationSettings(run_tests=False, cache_dir=None))
        try:
            outcome = fix_findings(findings, ruleset, folder, validator, ProjectIndex.of(folder))
        finally:
            validator.close()
        for finding in findings:
            status = outcome.status_of(finding)
            statuses[finding.code.strip()] = status.describe() if status else ""
        for accepted in outcome.accepted:
            for path, _, patched in accepted.patch.files:
                _write(folder / path, patched)
        if not outcome.accepted:
            break
    return statuses


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.id for r in FIXABLE])
def test_fixture_is_fixed_as_expected(tmp_path: Path, rule) -> None:
    fixture = FIXTURES / "rules" / rule.category / f"{rule.id}.py"
    expected_file = fixture.with_name(f"{rule.id}{FIXED_SUFFIX}")
    folder = tmp_path / rule.category
    shutil.copytree(fixture.parent, folder, ignore=shutil.ignore_patterns(f"*{FIXED_SUFFIX}", "__pycache__"))
    (folder / "pyproject.toml").write_text("[project]\nname = 'fixture'\n")  # the copy is the project
    statuses = fix_rounds(folder, fixture.name, rule.id)
    fixed = (folder / fixture.name).read_text(encoding="utf-8")
    if os.environ.get("CODEPATCH_WRITE_FIXED"):
        _write(expected_file, fixed)
    assert expected_file.exists(), f"rule {rule.id} has fix strategies but no {expected_file.name}"
    assert fixed == expected_file.read_text(encoding="utf-8"), f"{fixture.name} is not fixed as {expected_file.name}"

    original_lines = fixture.read_text(encoding="utf-8").splitlines()
    unfixable = {original_lines[n - 1].strip(): reason for n, reason in no_fix_lines(fixture, rule.id).items()}
    assert set(annotations(fixture)[0][rule.id]) - set(no_fix_lines(fixture, rule.id)), \
        f"every '# ruleid: {rule.id}' line of {fixture.name} is marked nofix"
    left = {f.code.strip() for f in rule_findings(folder, fixture.name, rule.id)}
    assert left == set(unfixable), f"still reported after the fix: {sorted(left - set(unfixable))}; " \
                                   f"fixed though marked nofix: {sorted(set(unfixable) - left)}"
    for code, reason in unfixable.items():
        assert reason in statuses.get(code, ""), f"{code!r}: status {statuses.get(code)!r} lacks {reason!r}"
