"""Robustness: random and mangled input never crashes the analysis, and the standard library scans
with zero internal-error outcomes (a blanket `except` must not hide bugs: it would show up here)."""

from __future__ import annotations

import json
import sysconfig
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codepatch.analysis.taint import TaintSolver
from codepatch.report import json_report, sarif
from codepatch.scan.collect import safe_summarize
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import FileProblem, ScanResult, SourceFile

REAL_FILES = [Path(__file__).parent.parent / "fixtures" / "rules" / "injection" / "command-injection.py",
              Path(__file__)]
SEEDS = [p.read_bytes() for p in REAL_FILES]


def analyse_bytes(data: bytes, ruleset) -> dict:
    facts = safe_summarize(SourceFile(Path("/virtual/fuzzed.py"), "fuzzed.py", "fuzzed"), data, ruleset)
    assert facts["problem"] is None or facts["problem"]["kind"] != "internal-error", facts["problem"]
    raw = TaintSolver([facts], ruleset).solve()
    problems = (FileProblem("fuzzed.py", facts["problem"]["kind"], facts["problem"]["message"]),) if facts["problem"] else ()
    result = ScanResult((), problems, 1, len(ruleset.rules))
    json.loads(json_report.render(result))
    json.loads(sarif.render(result, ruleset.rules, Path("/virtual")))
    return {"facts": facts, "raw": raw}


def mutate(seed: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for position, length, insert in cuts:
        position %= max(len(data), 1)
        data[position:position + length] = insert
    return bytes(data)


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(ruleset, data: bytes) -> None:
    analyse_bytes(data, ruleset)


@FUZZ
@given(st.sampled_from(SEEDS), st.integers(min_value=0, max_value=5000))
def test_truncated_real_files(ruleset, seed: bytes, cut: int) -> None:
    analyse_bytes(seed[:cut], ruleset)


@FUZZ
@given(st.sampled_from(SEEDS),
       st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 40),
                          st.sampled_from([b"", b"(", b")", b":", b"\n    ", b"f'{", b"}", b"lambda", b"=",
                                           b"\x00", b"\xff", b"\"\"\"", b"[", b"*", b"await ", b"@"])),
                min_size=1, max_size=6))
def test_mutated_real_files(ruleset, seed: bytes, cuts) -> None:
    analyse_bytes(mutate(seed, cuts), ruleset)


def test_deeply_nested_expression_is_an_outcome_not_a_crash(ruleset) -> None:
    analyse_bytes(b"x = " + b" + ".join(b"a" for _ in range(20000)) + b"\n", ruleset)
    analyse_bytes(b"x = " + b"(" * 3000 + b"1" + b")" * 3000 + b"\n", ruleset)


def test_whole_standard_library_has_no_internal_errors(tmp_path: Path) -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    result = scan(ScanOptions((stdlib,), root=stdlib, cache_dir=None, excludes=("site-packages",)))
    internal = [p for p in result.problems if p.kind == "internal-error"]
    assert result.files_scanned > 1000
    assert internal == [], internal[:5]
