"""Inline suppressions: every form, on any line of a multi-line statement, only in real comments."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from codepatch.cli import cli
from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.triage.suppress import markers_in, possible_markers
from codepatch.types import Level, ScanResult

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text())
CALL = ('import subprocess, sys\n\n\ndef run():\n'
        '    subprocess.run(  {0}\n'
        '        "ls " + sys.argv[1],  {1}\n'
        '        shell=True)  {2}\n')
SUPPRESSING = [
    "# codepatch: ignore[command-injection]",
    "# codepatch: ignore[sql-injection, command-injection]",
    "# codepatch: ignore",
    "# nosec",
    "# nosec B602",
    "# nosec B602, B607",
    "# nosec B605",  # an alias of command-injection (os.system) in its rule file
    "# noqa: S602",
    "# NOQA: E501, S602",
    "# nosemgrep",
    "# nosemgrep: command-injection",
    "# nosemgrep: python.lang.security.audit.subprocess-shell-true.subprocess-shell-true",
    "# reviewed by Sam  # nosec",
    "# codepatch: ignore[command-injection]  # the argument is checked above",
    "# noqa: E501  # codepatch: ignore[command-injection]",
    "# CODEPATCH: IGNORE[COMMAND-INJECTION]",
]
NOT_SUPPRESSING = [
    "# noqa",  # Ruff's catch-all is about style: it does not silence security findings
    "# noqa: E501",
    "# nosec B608",
    "# codepatch: ignore[sql-injection]",
    "# nosemgrep: python.lang.security.audit.formatted-sql-query.formatted-sql-query",
    "# no security here",
    # loose forms of our own marker: each once hid every rule on the line
    "# codepatch: ignore[]",
    "# codepatch: ignore [command-injection]",
    "# codepatch: ignore(command-injection)",
    "# codepatch: ignored-by-nobody",
    "# TODO: add codepatch: ignore here? no!",
]


@pytest.fixture(autouse=True)
def in_project(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # outside git, paths are shown relative to the current folder


def scan_text(tmp_path: Path, text: str, **options) -> ScanResult:
    (tmp_path / "app.py").write_text(text)
    return scan(ScanOptions((tmp_path,), root=tmp_path, cache_dir=None, **options))


@pytest.mark.parametrize("place", [0, 1, 2], ids=["first-line", "middle-line", "last-line"])
@pytest.mark.parametrize("comment", SUPPRESSING)
def test_each_form_on_each_line_of_a_multi_line_call_suppresses(tmp_path: Path, comment: str, place: int) -> None:
    result = scan_text(tmp_path, CALL.format(*[comment if i == place else "" for i in range(3)]))
    assert result.findings == ()
    [hidden] = result.suppressed
    assert hidden.rule_id == "command-injection" and hidden.line == 5
    assert hidden.suppression.startswith(f"{5 + place}: # ")


@pytest.mark.parametrize("comment", NOT_SUPPRESSING)
def test_other_comments_do_not_suppress(tmp_path: Path, comment: str) -> None:
    result = scan_text(tmp_path, CALL.format("", comment, ""))
    assert [f.rule_id for f in result.findings] == ["command-injection"] and result.suppressed == ()


# A comment → the codes of our own marker in it (() is every rule).
OWN_GRAMMAR = [
    ("# codepatch: ignore", ()),
    ("#codepatch:ignore", ()),
    ("# codepatch: ignore[sql-injection]", ("sql-injection",)),
    ("# codepatch: ignore[ sql-injection ,command-injection ]", ("sql-injection", "command-injection")),
    ("# CODEPATCH: IGNORE[SQL-INJECTION]", ("sql-injection",)),
    ("# codepatch: ignore[sql-injection]  # table name is a constant", ("sql-injection",)),
    ("# codepatch: ignore  # reviewed # twice", ()),
    ("# noqa: S602  # codepatch: ignore[sql-injection]", ("sql-injection",)),
    ("# reviewed by Sam  #  codepatch: ignore[xss]  ", ("xss",)),
]
MALFORMED = [
    "# codepatch: ignore[]",
    "# codepatch: ignore [sql-injection]",
    "# codepatch: ignore(sql-injection)",
    "# codepatch: ignored-by-nobody",
    "# codepatch: ignore, the table name is a constant",
    "# codepatch: ignore[sql-injection",
    "# codepatch: ignore[sql-injection]]",
    "# codepatch: ignore[sql-injection,]",
    "# codepatch: ignore[sql_injection]",
    "# codepatch: ignore[-x]",
    "# codepatch:",
    "# codepatch ignore",
    "# CODEPATCH IGNORE[SQL-INJECTION]",
    "# noqa: S602  # codepatch : ignore",
]
NOT_OURS = [
    "# TODO: add codepatch: ignore here? no!",
    "# see codepatch: ignore",
    "# codepatch is a scanner",
    "# codepatch-ignore",
]


def own_markers(comment: str) -> list:
    data = f"x = 1  {comment}\n".encode()
    markers = markers_in("a.py", data)[0]
    assert set(markers) <= set(possible_markers("a.py", data))  # the pre-filter never misses a marker
    return [m for m in markers if m.tool == "codepatch"]


@pytest.mark.parametrize(("comment", "codes"), OWN_GRAMMAR)
def test_documented_forms_of_our_marker_parse(comment: str, codes: tuple[str, ...]) -> None:
    assert [(m.codes, m.malformed) for m in own_markers(comment)] == [(codes, False)]


@pytest.mark.parametrize("comment", MALFORMED)
def test_loose_forms_of_our_marker_are_malformed(comment: str) -> None:
    assert [(m.codes, m.malformed) for m in own_markers(comment)] == [((), True)]


@pytest.mark.parametrize("comment", NOT_OURS)
def test_our_word_inside_a_segment_is_no_marker(comment: str) -> None:
    assert own_markers(comment) == []


def test_faulty_own_markers_suppress_nothing_and_give_notes(tmp_path: Path) -> None:
    text = ('import os, sys\n'
            'os.system(sys.argv[1])  # codepatch: ignore [command-injection]\n'
            'os.system(sys.argv[2])  # codepatch: ignore[comand-injection]\n'
            'os.system(sys.argv[3])  # codepatch: ignore[comand-injection, command-injection]\n'
            'print(1)  # codepatch: ignore[sql-injection, typo]\n'
            'print(2)  # codepatch: ignore\x1b[2J\u202e\n')
    result = scan_text(tmp_path, text)
    assert [f.line for f in result.findings] == [2, 3] and [f.line for f in result.suppressed] == [4]
    malformed = "suppresses nothing (write '# codepatch: ignore[RULE-ID]')"
    faults = ("app.py:2: malformed suppression 'codepatch: ignore [command-injection]': " + malformed,
              "app.py:3: suppression names unknown rule 'comand-injection'",
              "app.py:4: suppression names unknown rule 'comand-injection'",
              "app.py:5: suppression names unknown rule 'typo'",
              "app.py:6: malformed suppression 'codepatch: ignore\\x1b[2J\\u202e': " + malformed)
    assert result.notes == ("app.py:5: unused suppression 'codepatch: ignore[sql-injection, typo]': no finding here",
                            *faults)
    # markers are matched against findings of every tier: a threshold changes no note
    assert scan_text(tmp_path, text, min_confidence=Level.HIGH).notes == result.notes


def test_markers_inside_strings_never_suppress(tmp_path: Path) -> None:
    text = ('import os, sys\n\n\ndef run():\n'
            '    os.system("""ls  # nosec\n'
            '    # codepatch: ignore\n'
            '    """ + sys.argv[1])\n'
            '    x = "# nosec"; os.system(sys.argv[2])\n\n\n'
            'def documented(arg=os.system(sys.argv[3])):\n'
            '    """Runs a command.  # nosec  # codepatch: ignore"""\n')
    result = scan_text(tmp_path, text)
    assert [f.line for f in result.findings] == [5, 8, 11] and result.suppressed == ()


def test_mapped_ids_suppress_only_their_rule(tmp_path: Path) -> None:
    text = ('import os, sqlite3, sys\n\n\ndef run(db: sqlite3.Connection):\n'
            '    name = sys.argv[1]\n'
            '    db.cursor().execute("SELECT * FROM t WHERE n = \'%s\'" % name); os.system(name)  # nosec B602\n')
    result = scan_text(tmp_path, text)
    assert [f.rule_id for f in result.findings] == ["sql-injection"]
    assert [f.rule_id for f in result.suppressed] == ["command-injection"]


def test_a_compound_header_suppression_covers_the_header_not_the_body(tmp_path: Path) -> None:
    text = ('import os, sys\n\n\ndef run():\n'
            '    if os.system(  # nosec\n'
            '            sys.argv[1]):\n'
            '        os.system(sys.argv[2])\n'
            '    with open(sys.argv[3]) as handle:\n'
            '        os.system(sys.argv[4])  # codepatch: ignore[command-injection]\n')
    result = scan_text(tmp_path, text)
    assert [f.line for f in result.findings] == [7]
    assert [f.line for f in result.suppressed] == [5, 9]


def test_unused_own_suppression_is_a_note_foreign_ones_are_not(tmp_path: Path) -> None:
    text = ('import subprocess\n\n'
            'subprocess.run("ls", shell=True)  # nosec B602\n'  # bandit's, for bandit's own finding
            'print("hello")  # codepatch: ignore[command-injection]\n')
    result = scan_text(tmp_path, text)
    assert result.notes == ("app.py:4: unused suppression 'codepatch: ignore[command-injection]': no finding here",)
    # a threshold changes no note: markers are matched against every finding, reported or not
    assert scan_text(tmp_path, text, min_severity=Level.HIGH).notes == result.notes


def test_files_without_findings_or_markers_are_not_parsed(tmp_path: Path, monkeypatch) -> None:
    from codepatch.triage import suppress

    parsed: list[str] = []
    original = suppress.markers_in
    monkeypatch.setattr(suppress, "markers_in", lambda path, data: parsed.append(path) or original(path, data))
    (tmp_path / "clean.py").write_text("print('no markers')  # a comment\n")
    (tmp_path / "plain.py").write_text("import os, sys\nos.system(sys.argv[1])\n")
    (tmp_path / "noted.py").write_text("x = 1  # codepatch: ignore\n")
    # markers that cover none of the file's findings: a style noqa, bandit's number of another check
    (tmp_path / "styled.py").write_text("import os, sys\nos.system(sys.argv[1])  # noqa: E501 # nosec B101\n")
    (tmp_path / "hidden.py").write_text("import os, sys\nos.system(\n    sys.argv[1])  # noqa: S605\n")
    result = scan(ScanOptions((tmp_path,), root=tmp_path, cache_dir=None))
    assert sorted(parsed) == ["hidden.py", "noted.py"]
    assert [f.path for f in result.suppressed] == ["hidden.py"]
    assert sorted(f.path for f in result.findings) == ["plain.py", "styled.py"]


def test_cli_shows_suppressed_in_text_json_and_valid_sarif(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CALL.format("# nosec", "", "") + "print(1)  # codepatch: ignore\n")

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["scan", str(tmp_path), "--no-cache", *args])

    hidden = invoke()
    assert hidden.exit_code == 0 and "0 findings" in hidden.output and "1 suppressed" in hidden.output
    assert "suppressed command-injection" not in hidden.output
    assert "note: app.py:8: unused suppression 'codepatch: ignore'" in hidden.stderr
    text = invoke("--show-suppressed").output
    assert "app.py:5:5: suppressed command-injection by line 5: # nosec" in text
    report = json.loads(invoke("--format", "json", "--show-suppressed").stdout)
    assert report["summary"]["suppressed"] == 1 and report["findings"] == []
    assert report["suppressed"][0]["suppression"] == "5: # nosec" and report["suppressed"][0]["fingerprint"]
    assert report["notes"] == ["app.py:8: unused suppression 'codepatch: ignore': no finding here"]
    sarif = json.loads(invoke("--format", "sarif", "--show-suppressed").stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource"}] and result["ruleId"] == "command-injection"
    assert json.loads(invoke("--format", "sarif").stdout)["runs"][0]["results"] == []
