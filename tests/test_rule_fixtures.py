"""Every rule's annotated fixture, checked both ways.

`# ruleid: ID` above a line: rule ID must report a finding starting on that line, in the default
report (confidence medium or high). `# low: ID`: only at low confidence (an environment variable,
a value not proven constant: `--confidence low`). `# ok: ID`: no finding at any confidence. Any
other finding of ID in the default report of its own fixture fails too. `# todoruleid: ID` and
`# todook: ID` record a known gap (not found yet; safe but still reported) and fail once the gap
closes, so the annotation says what the line is.
The `<rule-id>.fixed.py` files beside them (the fixtures once fixed: tests/test_fix_fixtures.py)
are not scanned here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from codepatch.ruleset.load import rule_files
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import Level
from tests.conftest import FIXTURES, RULES

# `todoruleid` / `todook` (Semgrep's words) mark a known gap: a line that should be found and is
# not yet, or a safe line still reported. Checked too, so a fixed gap must be re-annotated.
ANNOTATION = re.compile(r"#\s*(ruleid|low|ok|todoruleid|todook):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)")
RULE_FILES = rule_files(RULES)
FIXED_SUFFIX = ".fixed.py"


def annotations(fixture: Path) -> tuple[dict[str, set[int]], dict[str, set[int]], dict[str, set[int]]]:
    """(rule id → lines that must be found, → lines that must not, → lines found at low confidence only)."""
    marks = _annotated(fixture)
    return marks["ruleid"], marks["ok"], marks["low"]


def known_gaps(fixture: Path) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """(rule id → lines that should be found but are not yet, → safe lines still reported)."""
    marks = _annotated(fixture)
    return marks["todoruleid"], marks["todook"]


def _annotated(fixture: Path) -> dict[str, dict[str, set[int]]]:
    marks: dict[str, dict[str, set[int]]] = {kind: {} for kind in ("ruleid", "ok", "low", "todoruleid", "todook")}
    waiting: list[tuple[str, str]] = []
    for number, line in enumerate(fixture.read_text(encoding="utf-8").splitlines(), start=1):
        match = ANNOTATION.search(line)
        if match and line.strip().startswith("#"):
            waiting += [(match.group(1), rule.strip()) for rule in match.group(2).split(",")]
            continue
        if waiting and line.strip():
            for kind, rule in waiting:
                marks[kind].setdefault(rule, set()).add(number)
            waiting = []
    return marks


def gap_problems(name: str, gaps: tuple[dict[str, set[int]], dict[str, set[int]]],
                 reported: set[tuple[int, str]]) -> list[str]:
    """Known gaps that are gaps no longer: each must then be annotated as what it now is."""
    missing, still_reported = gaps
    return [f"{name}:{n} {rule} is found now: annotate it `# ruleid:`" for rule, lines in missing.items()
            for n in sorted(lines) if (n, rule) in reported] + \
        [f"{name}:{n} {rule} is no longer reported: annotate it `# ok:`" for rule, lines in still_reported.items()
         for n in sorted(lines) if (n, rule) not in reported]


@lru_cache(maxsize=None)
def findings_in(category_dir: Path) -> dict[tuple[str, str, bool], set[int]]:
    """Scan a fixture category folder as one project, every tier: (file name, rule id, in the default
    report) → finding lines."""
    result = scan(ScanOptions((category_dir,), root=category_dir, rules_dir=RULES, cache_dir=None, jobs=1,
                              excludes=(f"*{FIXED_SUFFIX}",), min_confidence=Level.LOW))
    assert not [p for p in result.problems if p.kind == "internal-error"], result.problems
    out: dict[tuple[str, str, bool], set[int]] = {}
    for finding in result.findings:
        reported = finding.confidence.rank >= Level.MEDIUM.rank
        out.setdefault((Path(finding.path).name, finding.rule_id, reported), set()).add(finding.line)
    return out


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_fixture_both_ways(rule_file: Path) -> None:
    rule_id = rule_file.stem
    fixture = FIXTURES / "rules" / rule_file.parent.name / f"{rule_id}.py"
    assert fixture.exists(), f"rule {rule_id} has no fixture at {fixture}"
    expected, safe, low = annotations(fixture)
    assert expected.get(rule_id), f"{fixture.name} has no '# ruleid: {rule_id}' line"
    assert safe.get(rule_id), f"{fixture.name} has no '# ok: {rule_id}' look-alike"
    findings = findings_in(fixture.parent)
    found = findings.get((fixture.name, rule_id, True), set())
    found_low = findings.get((fixture.name, rule_id, False), set())
    missed = sorted(expected[rule_id] - found)
    missed_low = sorted(low.get(rule_id, set()) - found_low)
    false_alarms = sorted((found | found_low) & safe[rule_id])
    gaps = known_gaps(fixture)
    unexpected = sorted(found - expected[rule_id] - safe[rule_id] - gaps[1].get(rule_id, set()))
    stale = gap_problems(fixture.name, ({rule_id: gaps[0].get(rule_id, set())}, {rule_id: gaps[1].get(rule_id, set())}),
                         {(n, rule_id) for n in found})
    assert not stale, "\n".join(stale)
    assert not missed, f"{rule_id}: not found in the default report on lines {missed}"
    assert not missed_low, f"{rule_id}: not found at low confidence on lines {missed_low}"
    assert not false_alarms, f"{rule_id}: reported on 'ok' lines {false_alarms}"
    assert not unexpected, f"{rule_id}: reported on unannotated lines {unexpected}"


def _fixture_words(folder: Path) -> set[str]:
    words: set[str] = set()
    for path in folder.rglob("*.py"):
        if path.name.endswith(FIXED_SUFFIX):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip().startswith("#"):
                words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", line))
    return words


def _missing(entries, words: set[str]) -> list[str]:
    return sorted(e for e in entries if re.split(r"[.$*]", e)[-1] not in words)


def test_every_source_sink_and_sanitizer_is_on_a_fixture_line(ruleset) -> None:
    """Each entry's last name must be written on a code line of a fixture (its rule's folder for
    sinks and sanitizers), so no entry of the rules goes untried."""
    everywhere = _fixture_words(FIXTURES / "rules") | _fixture_words(FIXTURES / "frameworks")
    problems = []
    for rule in ruleset.rules:
        local = _fixture_words(FIXTURES / "rules" / rule.category)
        sinks = {s.call for s in rule.sinks if s.call}
        for kind, entries in (("sink", sinks), ("sanitizer", set(rule.sanitizers))):
            problems += [f"{rule.id} {kind} {e}" for e in _missing(entries, local)]
    shared = {s.name for s in ruleset.sources} | set(ruleset.universal_sanitizers)
    problems += [f"sources.yaml {e}" for e in _missing(shared - {"route parameter"}, everywhere)]
    assert not problems, "not on any fixture line:\n" + "\n".join(problems)
