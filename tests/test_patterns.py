"""Pattern rules: the `when:`/`unless:` condition language, `query:` patterns, the rule schema,
and that comments cannot talk a rule out of a finding."""

from __future__ import annotations

import copy
import shutil
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from codepatch.analysis.conditions import holds, normalize
from codepatch.analysis.patterns import context_of
from codepatch.facts.extract import ModuleExtractor
from codepatch.files.parse import new_parser
from codepatch.ruleset.load import load_ruleset, load_schema, rule_files
from codepatch.ruleset.model import RuleError
from codepatch.ruleset.names import NameTable
from codepatch.scan.pipeline import ScanOptions, scan
from tests.conftest import FIXTURES, RULES

CALL = {
    "args": [{"c": "MD5", "t": "string"}, {"qn": "yaml.Loader()", "v": []}, {"v": [["p", 0, [1]]]}],
    "kw": {"verify": {"c": False, "t": "false"}, "members": {"qn": "mod.safe_members()", "v": []}},
}


# ----- the condition language --------------------------------------------------------------------

@pytest.mark.parametrize("condition, expected", [
    ({"arg": 0, "equals": "MD5"}, True),
    ({"arg": 0, "const_in": ["md5", "sha1"]}, True),          # strings compare case-insensitively
    ({"arg": 0, "equals": "md5"}, False),                       # `equals` does not
    ({"arg": 0, "matches": "^M"}, True),
    ({"arg": 0, "is_const": True}, True),
    ({"arg": 2, "is_const": False}, True),
    ({"arg": 2, "truthy": False}, False),                       # unknown is neither truthy nor falsy
    ({"kwarg": "verify", "truthy": False}, True),
    ({"kwarg": "verify", "equals": False}, True),
    ({"arg": 1, "qn_in": ["yaml.Loader"]}, True),               # `()` is dropped before comparing
    ({"arg": 1, "qn_matches": r"^yaml\."}, True),
    ({"arg": 2, "qn_matches": "^$"}, True),                     # no qualified name: the empty string
    ({"arg": 5, "missing": True}, True),
    ({"arg": 0, "missing": True}, False),
    ({"kwarg": "members", "missing": False, "qn_matches": "getmembers$"}, False),  # present, and tested
    ({"kwarg": "members", "missing": False, "qn_matches": "safe_members$"}, True),
    ({"kwarg": "absent", "missing": False}, False),
    ({"arg": 5, "kwarg": "verify", "truthy": False}, True),     # either form: the keyword is there
    ({"arg": 5, "equals": 1}, False),                           # an absent argument matches nothing else
    ({"splat": True}, False),
    ({"splat": False}, True),
    ({"context": "password"}, True),
    ({"context": "etag"}, False),
    ({"context": "password", "arg": 0, "equals": "SHA1"}, False),  # every predicate must hold
])
def test_condition(condition: dict, expected: bool) -> None:
    assert holds(condition, CALL, "digest password\nmod.store") is expected


def test_splat_condition() -> None:
    assert holds({"splat": True}, {**CALL, "splat": True}, "")


# ----- context: code words, never comments -------------------------------------------------------

def _first_call(source: str):
    root = new_parser().parse(source.encode()).root_node
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call":
            return node
        stack.extend(reversed(node.children))
    raise AssertionError("no call")


def test_context_is_identifiers_word_literals_and_the_enclosing_function() -> None:
    source = textwrap.dedent('''
        class Store:
            def save(self, body):
                etag = hashlib.md5(  # safe, do not report: checksum only
                    body, "cache:v1", "a sentence with spaces")
    ''')
    words, scope = context_of(_first_call(source), "app.store").split("\n")
    assert scope == "app.store.Store.save"
    assert words.split() == ["etag", "hashlib", "md5", "body", "cache:v1"]
    assert "checksum" not in words and "safe" not in words and "sentence" not in words


def test_context_follows_the_assigned_name_to_its_next_uses() -> None:
    source = textwrap.dedent('''
        def send(body, headers, other):
            digest = hashlib.md5()
            other.update(b"unrelated")
            digest.update(body)
            headers["ETag"] = digest.hexdigest()  # a comment is still not read
            def inner():
                digest = "shadowed"
    ''')
    words = context_of(_first_call(source), "m").split("\n")[0].split()
    assert words == ["digest", "hashlib", "md5", "digest", "update", "body",
                     "headers", "ETag", "digest", "hexdigest"]


def test_context_follows_the_value_two_assignments_on_and_into_the_file_it_is_written_to() -> None:
    source = textwrap.dedent('''
        def store(secret_input):
            h = hashlib.new("md5")
            h.update(secret_input)
            result = h.digest()
            out = open("stored/passwords.txt", "a")
            log = open("unrelated.log")
            out.write(result)
    ''')
    words = context_of(_first_call(source), "m").split("\n")[0].split()
    assert words[:3] == ["h", "hashlib", "new"]
    assert "result" in words and "passwords.txt" not in words[:8]
    assert "stored/passwords.txt" in words  # where the digest ends up names what it protects
    assert "unrelated.log" not in words


def test_context_of_module_level_code() -> None:
    assert context_of(_first_call("x = f(1)\n"), "pkg.mod").endswith("\npkg.mod.<module>")


# ----- scanning with real rules ------------------------------------------------------------------

def _scan(root: Path, rules: Path = RULES) -> list[tuple[str, str, int]]:
    result = scan(ScanOptions((root,), root=root, rules_dir=rules, cache_dir=None, jobs=1))
    assert not [p for p in result.problems if p.kind == "internal-error"], result.problems
    return sorted((Path(f.path).name, f.rule_id, f.line) for f in result.findings)


PERSUASIVE = textwrap.dedent('''
    import hashlib, random, tempfile, requests, yaml

    def handle(password, url, text):
        digest = hashlib.md5(password.encode()).hexdigest(){comment}
        token = str(random.random()){comment}
        path = tempfile.mktemp(){comment}
        requests.get(url, verify=False){comment}
        data = yaml.load(text){comment}
        api_key = "9f8e7d6c5b4a39281706"{comment}
        return digest, token, path, data, api_key
''')


@pytest.mark.parametrize("comment", [
    "  # safe, do not report",
    "  # checksum for the etag cache, jitter only; reviewed: not security relevant, false positive",
])
def test_comments_change_nothing(tmp_path: Path, comment: str) -> None:
    plain, persuaded = tmp_path / "plain", tmp_path / "persuaded"
    plain.mkdir()
    persuaded.mkdir()
    (plain / "app.py").write_text(PERSUASIVE.format(comment=""))
    (persuaded / "app.py").write_text(PERSUASIVE.format(comment=comment))
    found = _scan(plain)
    assert {rule for _, rule, _ in found} >= {"weak-hash", "weak-random", "insecure-temp-file",
                                              "disabled-tls-verification", "unsafe-yaml-load",
                                              "hardcoded-credentials"}
    assert _scan(persuaded) == found


@pytest.mark.parametrize("module, reported", [
    ("proj/settings.py", True),
    ("proj/settings/production.py", True),
    ("proj/settings/dev.py", False),
    ("proj/settings/local.py", False),
    ("proj/app_config.py", False),
])
def test_django_debug_only_in_settings_modules(tmp_path: Path, module: str, reported: bool) -> None:
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text("DEBUG = True\nif False:\n    DEBUG = True\n")
    assert [line for _, rule, line in _scan(tmp_path) if rule == "debug-mode"] == ([1] if reported else [])


def _rules_with(tmp_path: Path, rule: dict) -> Path:
    """A rules folder holding the shipped schema and sources and this one rule."""
    rules = tmp_path / "rules"
    (rules / "test").mkdir(parents=True)
    shutil.copy(RULES / "schema.json", rules / "schema.json")
    shutil.copy(RULES / "sources.yaml", rules / "sources.yaml")
    (rules / "test" / f"{rule['id']}.yaml").write_text(yaml.safe_dump(rule))
    return rules


def _pattern_rule(patterns: list[dict]) -> dict:
    rule = copy.deepcopy(yaml.safe_load((RULES / "files" / "insecure-temp-file.yaml").read_text()))
    rule.update(id="probe", patterns=patterns)
    rule.pop("bandit", None)
    rule.pop("ruff", None)
    return rule


def test_query_pattern_reports_the_match_capture_when_conditions_hold(tmp_path: Path) -> None:
    rule = _pattern_rule([{
        "query": "(assignment left: (identifier) @name right: (string) @value) @match\n"
                 "(keyword_argument name: (identifier) @name value: (string) @value) @match",
        "when": [{"capture": "name", "matches": "secret$"}, {"capture": "value", "is_const": True}],
        "unless": [{"capture": "value", "matches": "^$"}],
    }])
    project = tmp_path / "project"
    project.mkdir()
    (project / "probe.py").write_text(textwrap.dedent('''
        client_secret = "abc"
        empty_secret = ""
        formatted_secret = f"{client_secret}!"
        secret_url = "https://x"
        connect(app_secret="xyz")
    '''))
    assert _scan(project, _rules_with(tmp_path, rule)) == [("probe.py", "probe", 2), ("probe.py", "probe", 6)]


def test_call_pattern_follows_constants_through_variables(tmp_path: Path) -> None:
    rule = _pattern_rule([{"call": "yaml.load", "when": [{"arg": 1, "kwarg": "Loader", "qn_in": ["yaml.Loader"]}]}])
    project = tmp_path / "project"
    project.mkdir()
    (project / "probe.py").write_text(textwrap.dedent('''
        import yaml
        from yaml import Loader as L
        LOADER = yaml.Loader
        def read(text):
            chosen = L
            yaml.load(text, chosen)
            yaml.load(text, Loader=LOADER)
            yaml.load(text, Loader=yaml.SafeLoader)
    '''))
    assert _scan(project, _rules_with(tmp_path, rule)) == [("probe.py", "probe", 7), ("probe.py", "probe", 8)]


# ----- the rule schema ---------------------------------------------------------------------------

SHIPPED = rule_files(RULES)


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(RULES), format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("rule_file", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_schema_accepts_every_shipped_rule(rule_file: Path) -> None:
    errors = [e.message for e in _validator().iter_errors(yaml.safe_load(rule_file.read_text()))]
    assert not errors


def test_shipped_rules_load() -> None:
    assert {r.id for r in load_ruleset(RULES).rules} >= {p.stem for p in SHIPPED}


def _broken(change) -> dict:
    rule = copy.deepcopy(yaml.safe_load((RULES / "crypto" / "weak-hash.yaml").read_text()))
    change(rule)
    return rule


@pytest.mark.parametrize("name, rule", [
    ("bad severity", _broken(lambda r: r.update(severity="critical"))),
    ("two CWEs", _broken(lambda r: r.update(cwe=[327, 328]))),
    ("CWE as text", _broken(lambda r: r.update(cwe="CWE-328"))),
    ("missing docs", _broken(lambda r: r.pop("docs"))),
    ("docs without references", _broken(lambda r: r["docs"].pop("references"))),
    ("bad regex", _broken(lambda r: r["patterns"][0].update(unless=[{"context": "(unclosed"}]))),
    ("unknown rule key", _broken(lambda r: r.update(cwes=[328]))),
    ("unknown condition key", _broken(lambda r: r["patterns"][0].update(when=[{"arg": 0, "equal": "md5"}]))),
    ("unknown pattern key", _broken(lambda r: r["patterns"][0].update(calls="hashlib.md5"))),
    ("pattern with call and query", _broken(lambda r: r["patterns"][0].update(query="(call) @match"))),
    ("bad qualified name", _broken(lambda r: r["patterns"][0].update(call="hashlib md5"))),
    ("bad bandit id", _broken(lambda r: r.update(bandit="324"))),
    ("sinks in a pattern rule", _broken(lambda r: r.update(sinks=[{"call": "hashlib.md5"}]))),
    ("text predicate in a query", _broken(lambda r: r["patterns"].append(
        {"query": '((identifier) @match (#eq? @match "x"))'}))),
])
def test_schema_rejects_bad_rules(name: str, rule: dict) -> None:
    assert list(_validator().iter_errors(rule)), name


def test_loader_rejects_a_bad_regex_with_the_file_name(tmp_path: Path) -> None:
    rule = _broken(lambda r: r["patterns"][0].update(unless=[{"context": "(unclosed"}]))
    rule["id"] = "probe"
    with pytest.raises(RuleError, match=r"probe\.yaml.*bad regex"):
        load_ruleset(_rules_with(tmp_path, rule))


def test_loader_rejects_not_sources_that_name_no_source(tmp_path: Path) -> None:
    rule = copy.deepcopy(yaml.safe_load((RULES / "web" / "open-redirect.yaml").read_text()))
    rule.update(id="probe", not_sources=["zipfile.ZipFile.namelist", "flask.request.url_rot"])
    with pytest.raises(RuleError, match=r"probe: not_sources or typed_whole_by_design names no source: "
                                        r"flask\.request\.url_rot$"):
        load_ruleset(_rules_with(tmp_path, rule))


def test_loader_rejects_typed_whole_by_design_that_names_no_source(tmp_path: Path) -> None:
    rule = copy.deepcopy(yaml.safe_load((RULES / "injection" / "code-injection.yaml").read_text()))
    rule.update(id="probe", typed_whole_by_design=["input", "sys.stdn"])
    with pytest.raises(RuleError, match=r"probe: .* names no source: sys\.stdn$"):
        load_ruleset(_rules_with(tmp_path, rule))


PATTERN_RULES = [r for r in load_ruleset(RULES).rules if r.kind == "pattern"]


@pytest.mark.parametrize("rule", PATTERN_RULES, ids=[r.id for r in PATTERN_RULES])
def test_every_call_pattern_is_exercised_by_its_fixture(rule) -> None:
    fixture = FIXTURES / "rules" / rule.category / f"{rule.id}.py"
    root = new_parser().parse(fixture.read_bytes()).root_node
    calls = [c for f in ModuleExtractor(rule.id, False, root).run() for c in f.calls]
    unused = sorted({spec.call for spec in rule.patterns if spec.call and not any(
        NameTable([(spec.call, True)]).match(normalize(c["callee"]), c["meth"]) for c in calls)})
    assert not unused, f"{fixture.name} makes no call that {unused} names"
