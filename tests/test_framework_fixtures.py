"""Every framework model (`rules/frameworks/<name>.yaml`) has a small app under
`fixtures/frameworks/<name>/`, written in that framework's own documented idioms and annotated as
rule fixtures are (`# ruleid:`, `# low:`, `# ok:` above a line, `# todoruleid:` and `# todook:` for
a known gap; see test_rule_fixtures.py),
checked both ways: the app is scanned as a project, every annotated finding must be there, no
`ok` line may be reported, and nothing unannotated may be in the default report. Each of the
model's sources and handler finders must be used by its app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from codepatch.ruleset.load import framework_files
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import Level
from tests.conftest import FIXTURES, REPO, RULES
from tests.test_rule_fixtures import annotations, gap_problems, known_gaps

MODELS = framework_files(RULES)


def findings_of(app: Path) -> set[tuple[str, int, str, bool]]:
    """(file relative to the app, line, rule, in the default report) of every finding, every tier."""
    result = scan(ScanOptions((app,), root=app, rules_dir=RULES, cache_dir=None, jobs=1, min_confidence=Level.LOW))
    assert not [p for p in result.problems if not p.partial], result.problems
    prefix = app.relative_to(REPO).as_posix() + "/"
    return {(f.path.removeprefix(prefix), f.line, f.rule_id, f.confidence.rank >= Level.MEDIUM.rank)
            for f in result.findings}


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_framework_app_both_ways(model: Path) -> None:
    app = FIXTURES / "frameworks" / model.stem
    files = sorted(app.rglob("*.py"))
    assert files, f"framework {model.stem} has no fixture app at {app}"
    found = findings_of(app)
    problems: list[str] = []
    annotated = 0
    for path in files:
        name = path.relative_to(app).as_posix()
        expected, safe, low = annotations(path)
        annotated += sum(map(len, expected.values())) + sum(map(len, safe.values()))
        reported = {(line, rule) for file, line, rule, default in found if file == name and default}
        only_low = {(line, rule) for file, line, rule, default in found if file == name and not default}
        for rule, lines in expected.items():
            problems += [f"{name}:{n} {rule} not reported" for n in sorted(lines) if (n, rule) not in reported]
        for rule, lines in low.items():
            problems += [f"{name}:{n} {rule} not found at low confidence" for n in sorted(lines)
                         if (n, rule) not in only_low]
        for rule, lines in safe.items():
            problems += [f"{name}:{n} {rule} reported on an ok line" for n in sorted(lines)
                         if (n, rule) in reported | only_low]
        gaps = known_gaps(path)
        problems += gap_problems(name, gaps, reported)
        marked = {(n, rule) for rule, lines in [*expected.items(), *safe.items(), *gaps[1].items()] for n in lines}
        problems += [f"{name}:{n} {rule} reported, not annotated" for n, rule in sorted(reported - marked)]
    assert annotated, f"the {model.stem} app has no '# ruleid:' or '# ok:' annotation"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_framework_app_uses_every_entry_of_its_model(model: Path) -> None:
    data = yaml.safe_load(model.read_text(encoding="utf-8"))
    handlers = data.get("handlers", {})
    entries = [*data.get("sources", ()), *handlers.get("decorators", ()),
               *(r["call"] for r in handlers.get("registrations", ())), *(c["base"] for c in handlers.get("classes", ()))]
    words = set()
    for path in (FIXTURES / "frameworks" / model.stem).rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip().startswith("#"):
                words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", line))
    missing = sorted(e for e in entries if re.split(r"[.$*]", e)[-1] not in words)
    assert not missing, f"not used by the {model.stem} app: {missing}"
