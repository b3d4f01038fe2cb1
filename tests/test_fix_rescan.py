"""Fixes on real text: scan a small file, fix its finding, re-scan (the finding is gone), and whole
fixture files, where every byte outside the patched statement stays."""

from __future__ import annotations

import difflib
from textwrap import dedent

import pytest
from libcst.codemod import TransformSuccess

from codepatch.fix.run import apply_strategy
from codepatch.fix.target import FixTarget
from tests.conftest import FIXTURES
from tests.fix_support import scan_and_fix

# Real path: scan a small file, fix the first finding, re-scan: the finding is gone.
WEB = "from flask import Flask, redirect, request\n\napp = Flask(__name__)\n"


def web(code: str) -> str:
    return WEB + dedent(code)


REAL_PATH = [
    ("command-injection", "use_argument_list", web("""
        import subprocess
        @app.route("/ping")
        def ping():
            subprocess.run("ping -c 1 " + request.args["host"], shell=True)
            return "ok"
        """)),
    ("command-injection", "replace_os_system", web("""
        import os
        @app.route("/dig")
        def dig():
            return os.popen(f"dig {request.args['host']}").read()
        """)),
    ("command-injection", "quote_shell_arguments", web("""
        import os
        @app.route("/count")
        def count():
            return str(os.system(f"grep -c {request.args['word']} /var/log/app.log | tee /tmp/n"))
        """)),
    ("sql-injection", "parameterize_sql_query", web("""
        import sqlite3
        @app.route("/user")
        def user():
            db = sqlite3.connect("app.db")
            query = "SELECT * FROM users WHERE name = '%s'" % request.args["name"]
            return str(db.execute(query).fetchall())
        """)),
    ("path-traversal", "confine_path", web("""
        import os
        BASE = "/srv/files"
        @app.route("/file")
        def file():
            with open(os.path.join(BASE, request.args["name"])) as f:
                return f.read()
        """)),
    ("xss", "escape_html", web("""
        @app.route("/hello")
        def hello():
            return f"<h1>Hello {request.args['name']}</h1>"
        """)),
    ("template-injection", "use_safe_template", web("""
        from flask import render_template_string
        @app.route("/t")
        def t():
            name = request.args["name"]
            return render_template_string(f"<h1>Hello {name}</h1>")
        """)),
    ("open-redirect", "restrict_redirect", web("""
        @app.route("/login")
        def login():
            return redirect(request.args.get("next", "/"))
        """)),
    ("ssrf", "allowlist_url", web("""
        import requests
        STATUS = "https://status.example.org/api"
        @app.route("/fetch")
        def fetch():
            return requests.get(request.args["url"], timeout=5).text
        """)),
    ("code-injection", "use_literal_eval", web("""
        @app.route("/values")
        def values():
            return str(eval(request.args["values"]))
        """)),
    ("code-injection", "use_arithmetic_evaluator", web("""
        @app.route("/calc")
        def calc():
            return str(eval(request.args["expr"]))
        """)),
    ("unsafe-deserialization", "use_json_serialization", web("""
        import base64
        import pickle
        @app.route("/save")
        def save():
            return base64.b64encode(pickle.dumps({"theme": "dark"}))
        @app.route("/load")
        def load():
            return str(pickle.loads(base64.b64decode(request.cookies["prefs"])))
        """)),
    ("unsafe-deserialization", "verify_pickle_signature", web("""
        import pickle
        @app.route("/load", methods=["POST"])
        def load():
            return str(pickle.loads(request.data))
        """)),
    ("weak-hash", "strengthen_password_hash", """
        import hashlib
        def store(user, password):
            user.password_hash = hashlib.md5(password.encode()).hexdigest()
        """),
    ("weak-random", "use_secrets_module", """
        import random
        def reset_token():
            return "".join(random.choice("abcdef0123456789") for _ in range(32))
        """),
    ("hardcoded-credentials", "read_secret_from_env", """
        DATABASE_PASSWORD = "s3cr3t-Pr0d!"
        """),
    ("disabled-tls-verification", "remove_verify_false", """
        import requests
        def fetch(url):
            return requests.get(url, timeout=5, verify=False)
        """),
    ("disabled-tls-verification", "use_default_ssl_context", """
        import ssl
        import urllib.request
        def fetch(url):
            return urllib.request.urlopen(url, context=ssl._create_unverified_context())
        """),
]


@pytest.mark.parametrize(("rule_id", "strategy", "code"), REAL_PATH, ids=[s for _, s, _ in REAL_PATH])
def test_fixed_finding_is_gone_on_rescan(tmp_path, rule_id: str, strategy: str, code: str) -> None:
    fixed, left = scan_and_fix(tmp_path, code, rule_id, strategy)
    assert left == [], fixed


# Whole files: outside the patched statement (and the imports/helpers added), every byte stays.
def changed_lines(before: str, after: str) -> tuple[set[int], list[str]]:
    """Original line numbers replaced or deleted, and the lines inserted."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    replaced, inserted = set(), []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            replaced |= set(range(i1 + 1, i2 + 1))
        if tag == "insert":
            inserted += new[j1:j2]
    return replaced, inserted


@pytest.mark.parametrize(("fixture", "strategy", "line", "inserted"), [
    ("injection/command-injection.py", "use_argument_list", 23, []),
    ("injection/command-injection.py", "replace_os_system", 29, []),
    ("injection/command-injection.py", "quote_shell_arguments", 27, []),
    ("injection/sql-injection.py", "parameterize_sql_query", "DELETE FROM sessions WHERE user = '", []),
    ("crypto/weak-random.py", "use_secrets_module", "random.choices(", []),  # `import secrets` is there: not added again
])
def test_real_fixture_changes_only_the_patched_statement(fixture: str, strategy: str, line: int | str,
                                                          inserted: list[str]) -> None:
    """`line` is a line number or, for fixtures that grow, the first line holding that text."""
    path = FIXTURES / "rules" / fixture
    code = path.read_text()
    lines = code.splitlines()
    if isinstance(line, str):
        line = next(i for i, text in enumerate(lines, 1) if line in text)
    column = len(lines[line - 1]) - len(lines[line - 1].lstrip()) + 1
    result = apply_strategy(strategy, code, FixTarget("rule", line, column, line, len(lines[line - 1]) + 1), str(path))
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", result)
    replaced, added = changed_lines(code, result.code)
    assert replaced == {line}
    assert [a for a in added if a.strip()] == inserted
