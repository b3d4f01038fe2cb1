"""Fix strategies, before → after, read like diffs (LibCST's `assertCodemod` style).

Each test names the finding by a snippet of the `before` text (`at=`); everything outside the
patched statement, comments and blank lines included, must come back byte for byte.
"""

from __future__ import annotations

import base64
import datetime
import difflib
import importlib.util
import io
import pickle
from pathlib import Path
from textwrap import dedent

import pytest
from libcst.codemod import TransformSuccess

from codepatch.fix import registry
from codepatch.fix.project import ProjectIndex
from codepatch.fix.run import apply_strategy
from codepatch.fix.target import FixTarget
from codepatch.fix.strategies.strengthen_password_hash import VERIFIER_SOURCE
from tests.conftest import FIXTURES
from tests.fix_support import (
    assert_rewrite,
    assert_skip,
    rewrite,
    scan_and_fix,
    target_at,
)


def test_every_strategy_is_registered_with_name_and_description() -> None:
    assert len(registry.names()) >= 4
    for name in registry.names():
        strategy = registry.get(name)
        assert strategy.NAME == name and strategy.DESCRIPTION
    with pytest.raises(KeyError):
        registry.get("no_such_strategy")


def test_every_strategy_has_before_after_tests_here() -> None:
    source = Path(__file__).read_text()
    untested = [n for n in registry.names() if f'assert_rewrite("{n}"' not in source and f'rewrite("{n}"' not in source]
    assert untested == []


# use_safe_yaml_loader
def test_yaml_load_becomes_safe_load_and_keeps_comments() -> None:
    assert_rewrite("use_safe_yaml_loader", """\
        import yaml  # config


        def read(stream):
            # the stream is user input
            return yaml.load(stream, Loader=yaml.Loader)  # noqa
        """, """\
        import yaml  # config


        def read(stream):
            # the stream is user input
            return yaml.safe_load(stream)  # noqa
        """, at="yaml.load(")


def test_yaml_loader_held_in_a_variable_and_load_all() -> None:
    assert_rewrite("use_safe_yaml_loader", """\
        import yaml
        LOADER = yaml.UnsafeLoader
        docs = list(yaml.load_all(text, LOADER))
        """, """\
        import yaml
        LOADER = yaml.UnsafeLoader
        docs = list(yaml.safe_load_all(text))
        """, at="yaml.load_all(")


def test_yaml_load_imported_by_name_gets_safe_load_imported() -> None:
    assert_rewrite("use_safe_yaml_loader", """\
        from yaml import load, Loader
        data = load(body, Loader=Loader)
        """, """\
        from yaml import safe_load, load, Loader
        data = safe_load(body)
        """, at="load(body")


def test_no_matching_call_at_the_target_is_a_skip() -> None:
    assert_skip("use_safe_yaml_loader", "import json\ndata = json.loads(body)\n", at="json.loads(",
                reason="no `yaml.load`")


# use_literal_eval
def test_eval_becomes_literal_eval_with_one_import() -> None:
    assert_rewrite("use_literal_eval", """\
        import ast
        values = eval(request.args["v"])
        """, """\
        import ast
        values = ast.literal_eval(request.args["v"])
        """, at="eval(")
    assert_rewrite("use_literal_eval", """\
        def parse(text):
            return eval(text)
        """, """\
        import ast

        def parse(text):
            return ast.literal_eval(text)
        """, at="eval(")


def test_literal_eval_widens_the_handler_that_caught_evals_errors() -> None:
    assert_rewrite("use_literal_eval", """\
        import ast
        def parse_value(text):
            try:
                return eval(text)
            except (NameError, SyntaxError):  # a bare word stays text
                return text
        def strict(text):
            try:
                return eval(text)
            except ValueError:
                raise
        """, """\
        import ast
        def parse_value(text):
            try:
                return ast.literal_eval(text)
            except (NameError, SyntaxError, ValueError):  # a bare word stays text
                return text
        def strict(text):
            try:
                return eval(text)
            except ValueError:
                raise
        """, at="eval(")
    widened = rewrite("use_literal_eval", "import ast\ntry:\n    x = eval(t)\nexcept NameError as exc:\n    x = t\n", "eval(")
    assert widened.code.endswith("except (NameError, SyntaxError, ValueError) as exc:\n    x = t\n")


def test_eval_with_a_namespace_and_exec_are_refused() -> None:
    assert_skip("use_literal_eval", "eval(expr, {'x': 1})\n", at="eval(", reason="namespace")
    assert_skip("use_literal_eval", "exec(code)\n", at="exec(", reason="explicit dispatch")


# use_weights_only
def test_torch_load_gets_weights_only() -> None:
    assert_rewrite("use_weights_only", """\
        import torch
        state = torch.load(path, map_location="cpu")
        other = torch.load(path, weights_only=False)
        """, """\
        import torch
        state = torch.load(path, map_location="cpu", weights_only=True)
        other = torch.load(path, weights_only=False)
        """, at="torch.load(")
    assert_rewrite("use_weights_only", "import torch\nm = torch.load(p, weights_only=False)\n",
                   "import torch\nm = torch.load(p, weights_only=True)\n", at="torch.load(")


def test_trailing_comma_of_a_multiline_call_stays() -> None:
    assert_rewrite("use_weights_only", """\
        import torch
        state = torch.load(
            path,
            map_location="cpu",
        )
        """, """\
        import torch
        state = torch.load(
            path,
            map_location="cpu", weights_only=True,
        )
        """, at="torch.load(")


# enable_autoescape
def test_jinja_environment_gets_autoescape() -> None:
    assert_rewrite("enable_autoescape", """\
        from jinja2 import Environment, FileSystemLoader
        env = Environment(loader=FileSystemLoader("t"), autoescape=False)
        """, """\
        from jinja2 import Environment, FileSystemLoader
        env = Environment(loader=FileSystemLoader("t"), autoescape=True)
        """, at="Environment(loader")
    assert_rewrite("enable_autoescape", "import jinja2\nenv = jinja2.Environment()\n",
                   "import jinja2\nenv = jinja2.Environment(autoescape=True)\n", at="jinja2.Environment(")


# remove_verify_false
def test_verify_false_is_removed_and_verify_attribute_turned_on() -> None:
    assert_rewrite("remove_verify_false", """\
        import requests
        r = requests.get(url, timeout=5, verify=False)  # internal CA
        """, """\
        import requests
        r = requests.get(url, timeout=5)  # internal CA
        """, at="requests.get(")
    assert_rewrite("remove_verify_false", """\
        session = requests.Session()
        session.verify = False
        """, """\
        session = requests.Session()
        session.verify = True
        """, at="session.verify = False")


def test_verify_given_a_ca_bundle_path_is_refused() -> None:
    assert_skip("remove_verify_false", "requests.get(url, verify=settings.CA or False)\n",
                at="requests.get(", reason="computed value")


# use_default_ssl_context
def test_unverified_context_and_its_settings() -> None:
    assert_rewrite("use_default_ssl_context", """\
        import ssl
        ctx = ssl._create_unverified_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        """, """\
        import ssl
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        """, at="ssl._create_unverified_context()")
    assert_rewrite("use_default_ssl_context", "import ssl\nctx.verify_mode = ssl.CERT_NONE\n",
                   "import ssl\nctx.verify_mode = ssl.CERT_REQUIRED\n", at="ctx.verify_mode")
    assert_rewrite("use_default_ssl_context", "ctx.check_hostname = False\n",
                   "ctx.check_hostname = True\n", at="ctx.check_hostname")
    assert_rewrite("use_default_ssl_context", 'pool = urllib3.PoolManager(cert_reqs="CERT_NONE")\n',
                   'pool = urllib3.PoolManager(cert_reqs="CERT_REQUIRED")\n', at="urllib3.PoolManager(")


def test_patched_default_https_context_is_removed() -> None:
    assert_rewrite("use_default_ssl_context", """\
        import ssl
        # trust everyone
        ssl._create_default_https_context = ssl._create_unverified_context
        fetch()
        """, """\
        import ssl
        fetch()
        """, at="ssl._create_default_https_context =")


# debug_from_environment
def test_debug_true_comes_from_the_environment() -> None:
    assert_rewrite("debug_from_environment", """\
        from flask import Flask
        app = Flask(__name__)
        if __name__ == "__main__":
            app.run(host="0.0.0.0", debug=True)
        """, """\
        from flask import Flask
        import os

        app = Flask(__name__)
        if __name__ == "__main__":
            app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")
        """, at="app.run(")
    assert_rewrite("debug_from_environment", "import os\nDEBUG = True\n",
                   'import os\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"\n', at="DEBUG = True")
    assert_rewrite("debug_from_environment", "import os\napp.debug = True\n",
                   'import os\napp.debug = os.environ.get("FLASK_DEBUG") == "1"\n', at="app.debug")


# secure_cookie_flags
def test_set_cookie_gets_the_three_flags() -> None:
    assert_rewrite("secure_cookie_flags", """\
        resp.set_cookie("session", token, httponly=False)
        resp.set_cookie("theme", value, samesite="Strict")
        """, """\
        resp.set_cookie("session", token, httponly=True, secure=True, samesite="Lax")
        resp.set_cookie("theme", value, samesite="Strict")
        """, at="resp.set_cookie(")
    assert_rewrite("secure_cookie_flags", 'resp.set_cookie("theme", value, samesite="Strict")\n',
                   'resp.set_cookie("theme", value, samesite="Strict", secure=True, httponly=True)\n',
                   at="resp.set_cookie(")


def test_cookie_settings_are_turned_on() -> None:
    assert_rewrite("secure_cookie_flags", "SESSION_COOKIE_SECURE = False\n", "SESSION_COOKIE_SECURE = True\n",
                   at="SESSION_COOKIE_SECURE")
    assert_rewrite("secure_cookie_flags", 'app.config["SESSION_COOKIE_HTTPONLY"] = False\n',
                   'app.config["SESSION_COOKIE_HTTPONLY"] = True\n', at="app.config")


# add_archive_filter
def test_tar_extractall_gets_the_data_filter() -> None:
    assert_rewrite("add_archive_filter", """\
        import tarfile
        with tarfile.open(upload) as archive:
            archive.extractall(dest)
        """, """\
        import tarfile
        with tarfile.open(upload) as archive:
            archive.extractall(dest, filter="data")
        """, at="archive.extractall(")
    assert_rewrite("add_archive_filter", """\
        import tarfile
        def unpack(tar: tarfile.TarFile, dest):
            tar.extractall(dest, filter="fully_trusted")
        """, """\
        import tarfile
        def unpack(tar: tarfile.TarFile, dest):
            tar.extractall(dest, filter="data")
        """, at="tar.extractall(")
    assert_rewrite("add_archive_filter", "import shutil\nshutil.unpack_archive(f, d)\n",
                   'import shutil\nshutil.unpack_archive(f, d, filter="data")\n', at="shutil.unpack_archive(")


def test_zip_or_unknown_archive_is_refused() -> None:
    assert_skip("add_archive_filter", """\
        import zipfile
        with zipfile.ZipFile(upload) as archive:
            archive.extractall(dest)
        """, at="archive.extractall(", reason="not known to be a tarfile.TarFile")


# use_secrets_module
@pytest.mark.parametrize(("before", "after"), [
    ("code = random.randint(100000, 999999)", "code = 100000 + secrets.randbelow(999999 - 100000 + 1)"),
    ("pin = random.randint(0, 9999)", "pin = secrets.randbelow(9999 + 1)"),
    ("c = random.choice(ALPHABET)", "c = secrets.choice(ALPHABET)"),
    ("n = random.randrange(1000)", "n = secrets.randbelow(1000)"),
    ("k = random.getrandbits(128)", "k = secrets.randbits(128)"),
    ("x = random.random()", "x = secrets.SystemRandom().random()"),
    ("t = random.choices(ALPHABET, k=32)", "t = secrets.SystemRandom().choices(ALPHABET, k=32)"),
    ("rng = random.Random(42)", "rng = secrets.SystemRandom()"),
])
def test_random_calls_draw_from_secrets(before: str, after: str) -> None:
    assert_rewrite("use_secrets_module", f"import random\nimport string\n{before}\nrandom.shuffle(deck)\n",
                   f"import random\nimport string\nimport secrets\n\n{after}\nrandom.shuffle(deck)\n",
                   at="random.")


def test_unused_random_import_goes_and_seed_is_refused() -> None:
    assert_rewrite("use_secrets_module", """\
        import random


        def token():
            return "".join(random.choice(ALPHABET) for _ in range(32))
        """, """\
        import secrets


        def token():
            return "".join(secrets.choice(ALPHABET) for _ in range(32))
        """, at="random.choice(")
    assert_skip("use_secrets_module", "import random\nrandom.seed(1)\n", at="random.seed(", reason="reproducible")


# use_mkstemp
def test_mktemp_assignment_becomes_mkstemp_and_close() -> None:
    assert_rewrite("use_mkstemp", """\
        import tempfile


        def export(rows):
            # scratch file
            path = tempfile.mktemp(suffix=".csv")
            write(path, rows)
            return path
        """, """\
        import tempfile
        import os


        def export(rows):
            # scratch file
            fd, path = tempfile.mkstemp(suffix=".csv")
            os.close(fd)
            write(path, rows)
            return path
        """, at="tempfile.mktemp(")


def test_mktemp_inside_an_expression_becomes_named_temporary_file() -> None:
    assert_rewrite("use_mkstemp", """\
        from tempfile import mktemp
        with open(mktemp(".txt"), "w") as out:
            out.write(data)
        """, """\
        from tempfile import mktemp
        import tempfile

        with open(tempfile.NamedTemporaryFile(suffix=".txt", delete=False).name, "w") as out:
            out.write(data)
        """, at="mktemp(")


# use_argument_list
@pytest.mark.parametrize(("command", "as_list"), [
    ('f"ping -c 1 {host}"', '["ping", "-c", "1", host]'),
    ('"nslookup " + host', '["nslookup", host]'),
    ('"grep -- \'%s\' /var/log/app.log" % pattern', '["grep", "--", pattern, "/var/log/app.log"]'),
    ('"convert {} --name={}".format(src, name)', '["convert", src, f"--name={name}"]'),
    ("build_command(host)", "shlex.split(build_command(host))"),
])
def test_shell_command_becomes_an_argument_list(command: str, as_list: str) -> None:
    imports = "import subprocess\nimport shlex\n\n" if "shlex" in as_list else "import subprocess\n"
    assert_rewrite("use_argument_list",
                   f"import subprocess\nsubprocess.run({command}, shell=True, check=True)  # keep me\n",
                   f"{imports}subprocess.run({as_list}, shell=False, check=True)  # keep me\n",
                   at="subprocess.run(")


def test_command_built_in_a_variable_is_fixed_where_it_is_built() -> None:
    assert_rewrite("use_argument_list", """\
        import subprocess as sp


        def lookup(host):
            cmd = f"dig +short {host}"
            # resolve
            return sp.check_output(cmd, shell=True)
        """, """\
        import subprocess as sp


        def lookup(host):
            cmd = ["dig", "+short", host]
            # resolve
            return sp.check_output(cmd, shell=False)
        """, at="sp.check_output(")


def test_shell_syntax_and_user_chosen_programs_are_refused() -> None:
    assert_skip("use_argument_list", 'import subprocess\nsubprocess.run(f"cat {f} | wc -l", shell=True)\n',
                at="subprocess.run(", reason="shell syntax ('|')")
    assert_skip("use_argument_list", 'import subprocess\nsubprocess.Popen([program, "--version"])\n',
                at="subprocess.Popen(", reason="allow-list of programs")


# replace_os_system
def test_os_system_becomes_subprocess_run_keeping_the_return_value() -> None:
    assert_rewrite("replace_os_system", """\
        import os
        from os import system as run_shell


        def ping(host):
            os.system(f"ping -c 1 {host}")
            status = run_shell("traceroute %s" % host)
            return status
        """, """\
        import os
        from os import system as run_shell
        import subprocess


        def ping(host):
            subprocess.run(["ping", "-c", "1", host], check=False)
            status = run_shell("traceroute %s" % host)
            return status
        """, at="os.system(")
    assert_rewrite("replace_os_system", """\
        from os import system as run_shell
        if run_shell("traceroute %s" % host) != 0:
            fail()
        """, """\
        from os import system as run_shell
        import subprocess

        if subprocess.run(["traceroute", host], check=False).returncode != 0:
            fail()
        """, at="run_shell(")


def test_os_popen_read_becomes_captured_stdout() -> None:
    assert_rewrite("replace_os_system", """\
        import os
        import subprocess
        out = os.popen("dig {}".format(host)).read()  # lookup
        lines = os.popen("ls " + d).readlines()
        """, """\
        import os
        import subprocess
        out = subprocess.run(["dig", host], capture_output=True, text=True, check=False).stdout  # lookup
        lines = os.popen("ls " + d).readlines()
        """, at="os.popen(")
    assert_rewrite("replace_os_system", 'import os, subprocess\nlines = os.popen("ls " + d).readlines()\n',
                   'import os, subprocess\nlines = subprocess.run(["ls", d], capture_output=True, text=True, '
                   'check=False).stdout.splitlines(keepends=True)\n', at="os.popen(")


def test_getoutput_keeps_merged_output_without_trailing_newline() -> None:
    assert_rewrite("replace_os_system", 'import subprocess\nlog = subprocess.getoutput("cat " + path)\n',
                   'import subprocess\nlog = subprocess.run(["cat", path], stdout=subprocess.PIPE, '
                   'stderr=subprocess.STDOUT, text=True, check=False).stdout.removesuffix("\\n")\n',
                   at="subprocess.getoutput(")


def test_os_popen_used_as_a_file_and_shell_pipelines_are_refused() -> None:
    assert_skip("replace_os_system", 'import os\nfor line in os.popen("ls " + d):\n    print(line)\n',
                at="os.popen(", reason="used other than by .read()")
    assert_skip("replace_os_system", 'import os\nos.system(f"cat {f} > /tmp/out")\n', at="os.system(",
                reason="shell syntax ('>')")


# quote_shell_arguments
def test_each_value_of_a_shell_command_is_quoted() -> None:
    assert_rewrite("quote_shell_arguments", """\
        import os
        os.system(f"tar czf {name}.tgz {src} | gpg -c --s2k-count {int(n)}")  # backup
        """, """\
        import os
        import shlex

        os.system(f"tar czf {shlex.quote(name)}.tgz {shlex.quote(src)} | gpg -c --s2k-count {int(n)}")  # backup
        """, at="os.system(")


def test_quoted_placeholders_and_commands_built_in_a_variable() -> None:
    assert_rewrite("quote_shell_arguments", """\
        import shlex, subprocess
        cmd = "grep '%s' %s | sort" % (pattern, log)
        subprocess.run(cmd, shell=True)
        """, """\
        import shlex, subprocess
        cmd = f"grep {shlex.quote(pattern)} {shlex.quote(log)} | sort"
        subprocess.run(cmd, shell=True)
        """, at="subprocess.run(")
    assert_rewrite("quote_shell_arguments", 'import os, shlex\nos.system("echo \\"hi " + name + "\\" | wall")\n',
                   'import os, shlex\nos.system(f"echo \\"hi \\"{shlex.quote(name)}\\"\\" | wall")\n',
                   at="os.system(")


def test_command_not_built_here_is_refused() -> None:
    assert_skip("quote_shell_arguments", "import os\ndef run(command):\n    os.system(command)\n",
                at="os.system(", reason="not built here")


# parameterize_sql_query
def test_fstring_query_gets_qmark_placeholders_for_sqlite() -> None:
    assert_rewrite("parameterize_sql_query", """\
        import sqlite3


        def find(db, name, age):
            # users by name
            return db.execute(f"SELECT * FROM users WHERE name = '{name}' AND age > {age}").fetchall()
        """, """\
        import sqlite3


        def find(db, name, age):
            # users by name
            return db.execute("SELECT * FROM users WHERE name = ? AND age > ?", (name, age)).fetchall()
        """, at="db.execute(")


@pytest.mark.parametrize(("query", "fixed"), [
    ('"SELECT * FROM t WHERE a = %s" % a', '"SELECT * FROM t WHERE a = %s", (a,)'),
    ('"SELECT * FROM t WHERE a LIKE \'%{}%\' LIMIT 5".format(term)',
     '"SELECT * FROM t WHERE a LIKE %s LIMIT 5", (f"%{term}%",)'),
    ('"INSERT INTO t (a, b) VALUES (\'" + x + "\', " + str(y) + ")"',
     '"INSERT INTO t (a, b) VALUES (%s, %s)", (x, str(y))'),
    ('f"SELECT * FROM t WHERE a = {a} AND b LIKE \'100%\'"', '"SELECT * FROM t WHERE a = %s AND b LIKE \'100%%\'", (a,)'),
])
def test_percent_format_and_concatenation_get_format_placeholders(query: str, fixed: str) -> None:
    assert_rewrite("parameterize_sql_query", f"import psycopg2\ncur.execute({query})\n",
                   f"import psycopg2\ncur.execute({fixed})\n", at="cur.execute(")


def test_query_built_in_a_variable_is_fixed_where_it_is_built() -> None:
    assert_rewrite("parameterize_sql_query", """\
        import pymysql


        def orders(conn, user_id):
            query = f\"\"\"
                SELECT id, total FROM orders
                WHERE user_id = {user_id}
            \"\"\"
            with conn.cursor() as cur:
                cur.execute(query)
                return cur.fetchall()
        """, """\
        import pymysql


        def orders(conn, user_id):
            query = \"\"\"
                SELECT id, total FROM orders
                WHERE user_id = %s
            \"\"\"
            with conn.cursor() as cur:
                cur.execute(query, (user_id,))
                return cur.fetchall()
        """, at="cur.execute(")


def test_sqlalchemy_text_gets_named_parameters() -> None:
    assert_rewrite("parameterize_sql_query", """\
        from sqlalchemy import text
        rows = conn.execute(text(f"SELECT * FROM users WHERE email = '{form.email}'"))
        """, """\
        from sqlalchemy import text
        rows = conn.execute(text("SELECT * FROM users WHERE email = :email"), {"email": form.email})
        """, at="text(")


@pytest.mark.parametrize(("code", "reason"), [
    ('import sqlite3\ncur.execute(f"SELECT * FROM {table} WHERE id = 1")\n', "identifier or SQL text"),
    ('import sqlite3\ncur.execute(f"SELECT * FROM t ORDER BY {column}")\n', "allow-list of names"),
    ('import sqlite3\ndef run(cur, query):\n    cur.execute(query)\n', "built in another module"),
    ('import sqlite3\ncur.execute(f"SELECT * FROM t WHERE a = {a}", ())\n', "already passes parameters"),
    ('cur.execute(f"SELECT * FROM t WHERE a = {a}")\n', "placeholder style"),
    ('import sqlite3\nq = f"SELECT * FROM t WHERE a = {a}"\nlog(q)\ncur.execute(q)\n', "read elsewhere"),
    ('import sqlite3\nq = f"SELECT * FROM t WHERE a = {a}"\na = 2\ncur.execute(q)\n', "changes between"),
])
def test_unsound_parameterizations_are_refused(code: str, reason: str) -> None:
    assert_skip("parameterize_sql_query", code, at="cur.execute(", reason=reason)


# confine_path
CONFINED_HELPER = '''


def _confined_path(base, path):
    """`path` resolved, if it stays inside the directory `base`; ValueError otherwise."""
    resolved = os.path.realpath(path)
    if not resolved.startswith(os.path.join(os.path.realpath(base), "")):
        raise ValueError(f"{path!r} is outside {base!r}")
    return resolved


'''


def test_joined_path_is_confined_to_its_base_with_one_helper() -> None:
    assert_rewrite("confine_path", """\
        import os

        UPLOADS = "/srv/uploads"


        def read(name):
            # one file
            with open(os.path.join(UPLOADS, name)) as f:
                return f.read()
        """, "import os" + CONFINED_HELPER + """\
        UPLOADS = "/srv/uploads"


        def read(name):
            # one file
            with open(_confined_path(UPLOADS, os.path.join(UPLOADS, name))) as f:
                return f.read()
        """.replace("\n        ", "\n").removeprefix("        "), at="open(")


def test_path_built_in_a_variable_pathlib_and_prefix_strings() -> None:
    assert_rewrite("confine_path", """\
        import os
        def read(name):
            path = os.path.join(BASE, "docs", name)
            return open(path).read()
        """, "import os" + CONFINED_HELPER + """\
        def read(name):
            path = _confined_path(BASE, os.path.join(BASE, "docs", name))
            return open(path).read()
        """.replace("\n        ", "\n").removeprefix("        "), at="open(")
    assert_rewrite("confine_path", "import os\nimport pathlib\ndata = (ROOT / name).read_bytes()\n",
                   "import os\nimport pathlib" + CONFINED_HELPER
                   + "data = pathlib.Path(_confined_path(ROOT, (ROOT / name))).read_bytes()\n",
                   at="(ROOT / name).read_bytes(")
    assert_rewrite("confine_path", 'import os\nf = open("static/" + name)\n',
                   'import os' + CONFINED_HELPER + 'f = open(_confined_path("static", "static/" + name))\n',
                   at="open(")


def test_helper_is_not_added_twice() -> None:
    before = "import os" + CONFINED_HELPER + "f = open(f\"{BASE}/{name}\")\n"
    after = before.replace('open(f"{BASE}/{name}")', 'open(_confined_path(BASE, f"{BASE}/{name}"))')
    assert_rewrite("confine_path", before, after, at="open(f")


def test_path_without_a_base_is_refused() -> None:
    assert_skip("confine_path", "def read(path):\n    return open(path).read()\n", at="open(",
                reason="no visible base directory")


# escape_html
def test_returned_fstring_has_each_value_escaped() -> None:
    assert_rewrite("escape_html", """\
        from flask import request


        @app.route("/hello")
        def hello():
            name = request.args["name"]
            return f"<h1>Hello {name}</h1><p>{len(name)} letters</p>", 200
        """, """\
        from flask import request
        import html


        @app.route("/hello")
        def hello():
            name = request.args["name"]
            return f"<h1>Hello {html.escape(name)}</h1><p>{len(name)} letters</p>", 200
        """, at="return")


def test_response_content_built_in_a_variable_or_arriving_whole() -> None:
    assert_rewrite("escape_html", """\
        import html
        from flask import make_response
        def show(q):
            body = "<p>You searched for " + q + "</p>"
            return make_response(body)
        """, """\
        import html
        from flask import make_response
        def show(q):
            body = "<p>You searched for " + html.escape(q) + "</p>"
            return make_response(body)
        """.replace('"<p>You searched for " + html.escape(q) + "</p>"',
                    'f"<p>You searched for {html.escape(q)}</p>"'), at="make_response(")
    assert_rewrite("escape_html", "import html\nfrom markupsafe import Markup\nm = Markup(comment.text)\n",
                   "import html\nfrom markupsafe import Markup\nm = Markup(html.escape(comment.text))\n",
                   at="Markup(")


# use_safe_template
def test_value_formatted_into_a_template_becomes_a_variable() -> None:
    assert_rewrite("use_safe_template", """\
        from flask import render_template_string, request
        def hello():
            name = request.args["name"]
            return render_template_string(f"<h1>Hello {name}!</h1>{{{{ footer }}}}", footer=FOOTER)
        """, """\
        from flask import render_template_string, request
        def hello():
            name = request.args["name"]
            return render_template_string("<h1>Hello {{ name }}!</h1>{{ footer }}", footer=FOOTER, name=name)
        """, at="render_template_string(f")
    assert_rewrite("use_safe_template", """\
        from flask import render_template_string
        def page(user):
            template = "<p>%s</p>" % user.bio
            return render_template_string(template)
        """, """\
        from flask import render_template_string
        def page(user):
            template = "<p>{{ bio }}</p>"
            return render_template_string(template, bio=user.bio)
        """, at="render_template_string(")


def test_whole_template_from_input_and_user_format_strings_are_refused() -> None:
    assert_skip("use_safe_template", "from flask import render_template_string\nrender_template_string(src)\n",
                at="render_template_string(", reason="whole template comes from the input")
    assert_skip("use_safe_template", "message = fmt.format(user=user)\n", at="fmt.format(",
                reason="string.Template with a field allow-list")


# restrict_redirect
REDIRECT_HELPER = '''


def _local_redirect(target):
    """`target` if it is a path on this site (no scheme, no host), else "/"."""
    parts = urllib.parse.urlsplit(target)
    if parts.scheme != "":
        return "/"
    if parts.netloc != "":
        return "/"
    if "\\\\" in target or not target.isprintable():
        return "/"
    return target


'''


def test_redirect_target_is_kept_on_site() -> None:
    assert_rewrite("restrict_redirect", """\
        from flask import redirect, request
        def login():
            return redirect(request.args.get("next", "/"))  # after login
        """, "from flask import redirect, request\nimport urllib.parse" + REDIRECT_HELPER + """\
        def login():
            return redirect(_local_redirect(request.args.get("next", "/")))  # after login
        """.replace("\n        ", "\n").removeprefix("        "), at="redirect(")


# allowlist_url
def test_request_url_is_checked_against_hosts_named_in_the_module() -> None:
    assert_rewrite("allowlist_url", """\
        import requests
        DEFAULT = "https://api.example.org/v1/status"
        INTERNAL = "http://169.254.169.254/latest"
        def fetch(url):
            return requests.get(url, timeout=5).text
        """, '''\
        import requests
        import urllib.parse


        ALLOWED_URL_HOSTS = frozenset({"api.example.org"})


        def _allowed_url(url):
            """`url` if it is http(s) to a host in ALLOWED_URL_HOSTS; ValueError otherwise (server-side request forgery)."""
            parts = urllib.parse.urlsplit(url)
            if parts.hostname not in ALLOWED_URL_HOSTS:
                raise ValueError(f"requests to {parts.hostname!r} are not allowed")
            if parts.scheme not in ("http", "https"):
                raise ValueError(f"{parts.scheme!r} URLs are not allowed")
            return url


        DEFAULT = "https://api.example.org/v1/status"
        INTERNAL = "http://169.254.169.254/latest"
        def fetch(url):
            return requests.get(_allowed_url(url), timeout=5).text
        ''', at="requests.get(")


def test_existing_allow_list_is_used_and_no_known_host_is_refused() -> None:
    result_code = 'ALLOWED_HOSTS = {"a.example"}\nr = session.post(url=target)\n'
    fixed = rewrite("allowlist_url", result_code, at="session.post(").code
    assert "if parts.hostname not in ALLOWED_HOSTS:" in fixed and "r = session.post(url=_allowed_url(target))" in fixed
    assert_skip("allowlist_url", "import requests\nrequests.get(url)\n", at="requests.get(",
                reason="names no host")


# strengthen_password_hash
def test_integrity_hashes_become_sha256() -> None:
    assert_rewrite("strengthen_password_hash", """\
        import hashlib
        def sign(body, key):
            return hashlib.md5(key + body).hexdigest()
        """, """\
        import hashlib
        def sign(body, key):
            return hashlib.sha256(key + body).hexdigest()
        """, at="hashlib.md5(")
    assert_rewrite("strengthen_password_hash", 'import hashlib\nh = hashlib.new("sha1", token)\n',
                   'import hashlib\nh = hashlib.new("sha256", token)\n', at="hashlib.new(")


def test_password_hash_becomes_salted_pbkdf2_with_a_migration_note() -> None:
    assert_rewrite("strengthen_password_hash", """\
        import hashlib


        def store(user, password):
            user.password_hash = hashlib.md5(password.encode()).hexdigest()
        """, '''\
        import hashlib
        import os


        def _hash_password(password):
            """A salted PBKDF2-SHA256 hash: "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>"."""
            # Hashes stored by the old MD5/SHA-1 code no longer match: verify those the old way once,
            # then store this hash instead (and keep the salt: verify by recomputing with it).
            if isinstance(password, str):
                password = password.encode()
            salt = os.urandom(16)
            digest = hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)
            return f"pbkdf2_sha256$600000${salt.hex()}${digest.hex()}"


        def store(user, password):
            user.password_hash = _hash_password(password.encode())
        ''', at="hashlib.md5(")


def test_password_hash_comparisons_become_a_constant_time_verification() -> None:
    result = rewrite("strengthen_password_hash", """\
        import hashlib
        import hmac


        def hash_password(password):
            return hashlib.sha1(password.strip().encode()).hexdigest()


        def login(users, name, password):
            if users.get(name) != hash_password(password):
                return None
            return name


        def same(stored, attempt):
            return hmac.compare_digest(stored, hash_password(attempt))
        """, at="hashlib.sha1(")
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", result)
    code = result.code
    assert "    return _hash_password(password.strip().encode())\n" in code
    assert "    if not _verify_password(password.strip().encode(), users.get(name)):\n" in code
    assert "    return _verify_password(attempt.strip().encode(), stored)\n" in code
    assert code.count("import hmac\n") == 1 and code.index("def _hash_password(") < code.index("def _verify_password(")
    namespace: dict = {}
    exec(compile(code, "patched.py", "exec"), namespace)  # the helpers agree with each other
    users = {"ada": namespace["hash_password"](" s3cret ")}
    assert namespace["login"](users, "ada", "s3cret") == "ada"
    assert namespace["login"](users, "ada", "wrong") is None and namespace["login"](users, "bob", "x") is None
    assert namespace["same"](users["ada"], "s3cret") and not namespace["same"]("5f4dcc3b5aa765d61d8327deb882cf99", "x")


def test_inline_password_digest_comparison_becomes_a_verification() -> None:
    result = rewrite("strengthen_password_hash", """\
        import hashlib
        def check(user, password):
            return user.password_hash == hashlib.md5(password.encode()).hexdigest()
        """, at="hashlib.md5(")
    assert result.code == ("import hashlib\nimport hmac\n\n\n" + VERIFIER_SOURCE.strip() + "\n\n\n"
                           "def check(user, password):\n"
                           "    return _verify_password(password.encode(), user.password_hash)\n"), result.code


def test_password_digest_used_otherwise_and_library_hashes_are_refused() -> None:
    assert_skip("strengthen_password_hash", "import hashlib\ndef f(password):\n    h = hashlib.sha1()\n    h.update(password)\n",
                at="hashlib.sha1(", reason="used other than by .hexdigest()")
    assert_skip("strengthen_password_hash", "from Crypto.Hash import MD5\nh = MD5.new(token)\n", at="MD5.new(",
                reason="depends on the protocol")


# read_secret_from_env
@pytest.mark.parametrize(("before", "at", "after"), [
    ('DATABASE_PASSWORD = "s3cr3t-Pr0d!"  # prod', "DATABASE_PASSWORD",
     'DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]  # prod'),
    ('GITHUB_TOKEN: str = "ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234"', "ghp_",
     'GITHUB_TOKEN: str = os.environ["GITHUB_TOKEN"]'),
    ('db_password = os.environ.get("DB_PASSWORD", "hunter2")', "os.environ.get(",
     'db_password = os.environ["DB_PASSWORD"]'),
    ('client = Client(apiKey="9f8e7d6c5b4a39281706")', "apiKey=", 'client = Client(apiKey=os.environ["API_KEY"])'),
    ('self.config["client_secret"] = "0a1b2c3d4e5f"', "self.config",
     'self.config["client_secret"] = os.environ["CLIENT_SECRET"]'),
    ('conf = {"password": "correct-horse-42"}', '"password": "correct-horse-42"',
     'conf = {"password": os.environ["PASSWORD"]}'),
    ('r = requests.get(url, auth=("deploy", "d3pl0y!"))', 'auth=("deploy", "d3pl0y!")',
     'r = requests.get(url, auth=("deploy", os.environ["AUTH_PASSWORD"]))'),
    ('smtp.login("reports", "mailpass99")', 'smtp.login("reports", "mailpass99")',
     'smtp.login("reports", os.environ["REPORTS_PASSWORD"])'),
    ('ok = password == "backdoor!"', 'password == "backdoor!"', 'ok = password == os.environ["PASSWORD"]'),
])
def test_literal_secret_is_read_from_the_environment(before: str, at: str, after: str) -> None:
    assert_rewrite("read_secret_from_env", f"import os\n{before}\n", f"import os\n{after}\n", at=at)


def test_dsn_is_read_whole_and_secrets_in_expressions_or_defaults_are_refused() -> None:
    assert_rewrite("read_secret_from_env", 'import os\nDATABASE_URL = "postgresql://app:Tr0ub4dor@db:5432/app"\n',
                   'import os\nDATABASE_URL = os.environ["DATABASE_URL"]\n', at="postgresql://app:Tr0ub4dor@db:5432/app")
    assert_skip("read_secret_from_env", 'HEADERS = {"Authorization": "Bearer " + "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1"}\n',
                at='"eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1"', reason="larger")
    assert_skip("read_secret_from_env", 'def connect(password: str = "admin123"):\n    pass\n',
                at='password: str = "admin123"', reason="parameter default")


# use_json_serialization
def test_pickle_round_trip_in_one_module_becomes_json() -> None:
    assert_rewrite("use_json_serialization", """\
        import base64
        import pickle


        def save(prefs):
            return base64.b64encode(pickle.dumps(prefs))


        def load(cookie):
            return pickle.loads(base64.b64decode(cookie))
        """, """\
        import base64
        import json


        def save(prefs):
            return base64.b64encode(json.dumps(prefs).encode())


        def load(cookie):
            return json.loads(base64.b64decode(cookie))
        """, at="pickle.loads(")


def test_pickles_from_elsewhere_and_files_are_refused() -> None:
    assert_skip("use_json_serialization", "import pickle\nobj = pickle.loads(request.data)\n", at="pickle.loads(",
                reason="produced outside this module")
    assert_skip("use_json_serialization", "import pickle\nobj = pickle.load(upload)\n", at="pickle.load(",
                reason="producer changed")


# verify_pickle_signature
SIGNED_ROUND_TRIP = """\
    import base64
    import pickle
    import hashlib
    import hmac
    import os


    def _loads_signed(data, **options):
        \"\"\"Unpickle `data` (an HMAC-SHA256 tag, then the pickle) only if the tag matches PICKLE_SIGNING_KEY.\"\"\"
        # Whoever produces `data` must sign it with the same key: hmac.new(key, pickle, sha256).digest() + pickle.
        key = os.environ["PICKLE_SIGNING_KEY"].encode()
        tag, payload = data[:32], data[32:]
        if not hmac.compare_digest(tag, hmac.new(key, payload, hashlib.sha256).digest()):
            raise ValueError("pickled data with a missing or wrong signature")
        return pickle.loads(payload, **options)  # nosec B301: signed with our key, checked above


    def _dumps_signed(obj, *args, **options):
        \"\"\"The pickle of `obj` after its HMAC-SHA256 tag keyed by PICKLE_SIGNING_KEY (read by _loads_signed).\"\"\"
        payload = pickle.dumps(obj, *args, **options)
        return hmac.new(os.environ["PICKLE_SIGNING_KEY"].encode(), payload, hashlib.sha256).digest() + payload


    def save(state, f):
        f.write(_dumps_signed(state))
        return base64.b64encode(_dumps_signed(state, protocol=4))


    def load(cookie):
        return _loads_signed(base64.b64decode(cookie))
    """


def test_pickle_loads_verifies_a_signature_and_the_modules_dumps_sign() -> None:
    assert_rewrite("verify_pickle_signature", """\
        import base64
        import pickle


        def save(state, f):
            pickle.dump(state, f)
            return base64.b64encode(pickle.dumps(state, protocol=4))


        def load(cookie):
            return pickle.loads(base64.b64decode(cookie))
        """, SIGNED_ROUND_TRIP, at="pickle.loads(")


def test_signed_round_trip_works_and_tampering_or_a_missing_key_fails(monkeypatch) -> None:
    state = {"themes": {"dark", "light"}, "since": datetime.date(2024, 5, 1)}  # no JSON for sets and dates
    namespace: dict = {}
    exec(dedent(SIGNED_ROUND_TRIP), namespace)
    monkeypatch.setenv("PICKLE_SIGNING_KEY", "k3y")
    written = io.BytesIO()
    cookie = namespace["save"](state, written)
    assert namespace["load"](cookie) == state
    assert namespace["_loads_signed"](written.getvalue()) == state
    signed = base64.b64decode(cookie)
    tampered = signed[:-1] + bytes([signed[-1] ^ 1])
    with pytest.raises(ValueError, match="signature"):
        namespace["load"](base64.b64encode(tampered))
    with pytest.raises(ValueError, match="signature"):
        namespace["_loads_signed"](pickle.dumps(state))
    monkeypatch.setenv("PICKLE_SIGNING_KEY", "another key")
    with pytest.raises(ValueError):
        namespace["load"](cookie)
    monkeypatch.delenv("PICKLE_SIGNING_KEY")
    with pytest.raises(KeyError, match="PICKLE_SIGNING_KEY"):
        namespace["load"](cookie)


def test_pickle_load_from_a_file_without_a_producer_says_the_producer_must_sign() -> None:
    result = rewrite("verify_pickle_signature", "import pickle\nobj = pickle.load(upload)\n", at="pickle.load(")
    assert isinstance(result, TransformSuccess)
    assert result.code.endswith("\n\nobj = _loads_signed(upload.read())\n")
    assert "def _dumps_signed" not in result.code
    assert any("must now sign it with the same PICKLE_SIGNING_KEY" in w for w in result.warning_messages)


def test_producers_in_other_modules_of_the_project_sign_too(tmp_path) -> None:
    write_project(tmp_path, {"jobs/__init__.py": "", "jobs/queue.py": """\
        import pickle

        def push(redis, job):
            redis.rpush("jobs", pickle.dumps(job))
        """})
    code = "import pickle\n\ndef pop(redis):\n    return pickle.loads(redis.lpop('jobs'))\n"
    other_files: dict = {}
    result = apply_strategy("verify_pickle_signature", code, target_at(code, "pickle.loads("),
                            str(tmp_path / "jobs" / "worker.py"), other_files, ProjectIndex.of(tmp_path))
    assert isinstance(result, TransformSuccess) and result.warning_messages == []
    assert result.code.endswith("    return _loads_signed(redis.lpop('jobs'))\n")
    _, patched = other_files[str(tmp_path / "jobs" / "queue.py")]
    assert 'redis.rpush("jobs", _dumps_signed(job))' in patched
    assert "def _dumps_signed(" in patched and "import hmac" in patched


def test_unpicklers_and_data_passed_by_keyword_are_refused() -> None:
    assert_skip("verify_pickle_signature", "import pickle\nobj = pickle.Unpickler(f).load()\n",
                at="pickle.Unpickler(", reason="no `pickle.loads`")
    assert_skip("verify_pickle_signature", "import pickle\nobj = pickle.loads(data=request.data)\n",
                at="pickle.loads(", reason="not the first positional argument")


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


def test_placeholder_style_follows_the_cursor_to_its_driver() -> None:
    assert_rewrite("parameterize_sql_query", """\
        import sqlite3
        from django.db import connection
        db = sqlite3.connect("app.db")
        def purge(user):
            cursor = db.cursor()
            cursor.execute("DELETE FROM sessions WHERE user = '" + user + "'")
        def report(region):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM people WHERE region = '%s'" % region)
            return Person.objects.raw("SELECT * FROM people WHERE region = '" + region + "'")
        """, """\
        import sqlite3
        from django.db import connection
        db = sqlite3.connect("app.db")
        def purge(user):
            cursor = db.cursor()
            cursor.execute("DELETE FROM sessions WHERE user = ?", (user,))
        def report(region):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM people WHERE region = '%s'" % region)
            return Person.objects.raw("SELECT * FROM people WHERE region = '" + region + "'")
        """, at="cursor.execute(")
    assert_rewrite("parameterize_sql_query", """\
        import sqlite3
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people WHERE region = '%s'" % region)
        """, """\
        import sqlite3
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people WHERE region = %s", (region,))
        """, at="cursor.execute(")
    assert_rewrite("parameterize_sql_query",
                   """people = Person.objects.raw("SELECT * FROM people WHERE region = '" + region + "'")\n""",
                   """people = Person.objects.raw("SELECT * FROM people WHERE region = %s", (region,))\n""",
                   at="Person.objects.raw(")


def test_debug_settings_in_config_and_werkzeug_switches() -> None:
    assert_rewrite("debug_from_environment", 'import os\napp.config["DEBUG"] = True\n',
                   'import os\napp.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"\n', at="app.config")
    assert_rewrite("debug_from_environment", "import os\napp.config.update(DEBUG=True, TESTING=False)\n",
                   'import os\napp.config.update(DEBUG=os.environ.get("FLASK_DEBUG") == "1", TESTING=False)\n',
                   at="app.config.update(")
    assert_rewrite("debug_from_environment", 'import os\nrun_simple("0.0.0.0", 8000, app, use_debugger=True)\n',
                   'import os\nrun_simple("0.0.0.0", 8000, app, use_debugger=os.environ.get("FLASK_DEBUG") == "1")\n',
                   at="run_simple(")


def test_cookie_settings_given_as_keywords_and_autoescape_attribute() -> None:
    assert_rewrite("secure_cookie_flags", "app.config.update(REMEMBER_COOKIE_SECURE=False, X=1)\n",
                   "app.config.update(REMEMBER_COOKIE_SECURE=True, X=1)\n", at="app.config.update(")
    assert_rewrite("enable_autoescape", "app.jinja_env.autoescape = False\n", "app.jinja_env.autoescape = True\n",
                   at="app.jinja_env")


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
    ("injection/sql-injection.py", "parameterize_sql_query", 88, []),
    ("crypto/weak-random.py", "use_secrets_module", None, []),  # `import secrets` is there: not added again
])
def test_real_fixture_changes_only_the_patched_statement(fixture: str, strategy: str, line: int | None,
                                                          inserted: list[str]) -> None:
    path = FIXTURES / "rules" / fixture
    code = path.read_text()
    lines = code.splitlines()
    line = line or next(i for i, text in enumerate(lines, 1)
                        if "random." in text and "import" not in text)
    column = len(lines[line - 1]) - len(lines[line - 1].lstrip()) + 1
    result = apply_strategy(strategy, code, FixTarget("rule", line, column, line, len(lines[line - 1]) + 1), str(path))
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", result)
    replaced, added = changed_lines(code, result.code)
    assert replaced == {line}
    assert [a for a in added if a.strip()] == inserted


def test_command_variable_read_elsewhere_keeps_its_string_and_the_call_gets_the_list() -> None:
    assert_rewrite("use_argument_list", """\
        import subprocess
        def ping(host):
            cmd = "ping -c 1 " + host
            log.info("running %s", cmd)
            return subprocess.run(cmd, shell=True, capture_output=True)
        """, """\
        import subprocess
        def ping(host):
            cmd = "ping -c 1 " + host
            log.info("running %s", cmd)
            return subprocess.run(["ping", "-c", "1", host], shell=False, capture_output=True)
        """, at="subprocess.run(")


def test_query_returned_by_a_builder_in_the_module_returns_its_parameters() -> None:
    assert_rewrite("parameterize_sql_query", """\
        import sqlite3


        def user_lookup(name):
            # one user
            return f"SELECT * FROM users WHERE name = '{name}'"


        def find(cursor, form):
            cursor.execute(user_lookup(form.name))
        """, """\
        import sqlite3


        def user_lookup(name):
            # one user
            return "SELECT * FROM users WHERE name = ?"


        def find(cursor, form):
            cursor.execute(user_lookup(form.name), (form.name,))
        """, at="cursor.execute(")
    assert_skip("parameterize_sql_query", """\
        import sqlite3
        def lookup(name):
            return f"SELECT * FROM users WHERE name = '{name}'"
        cur.execute(lookup(a))
        print(lookup(b))
        """, at="cur.execute(", reason="called elsewhere too")
    assert_skip("parameterize_sql_query", """\
        import sqlite3
        def lookup(name):
            return f"SELECT * FROM users WHERE name = '{name}'"
        cur.execute(lookup(input()))
        """, at="cur.execute(", reason="side effects")


def test_copy_destination_with_a_base_is_the_path_confined() -> None:
    assert_rewrite("confine_path", 'import os, shutil\nshutil.copy("/srv/template.txt", os.path.join(DEST, name))\n',
                   "import os, shutil" + CONFINED_HELPER
                   + 'shutil.copy("/srv/template.txt", _confined_path(DEST, os.path.join(DEST, name)))\n',
                   at="shutil.copy(")


def test_list_command_run_through_a_shell_keeps_its_list() -> None:
    assert_rewrite("use_argument_list", 'import subprocess\nsubprocess.call(["convert", src], shell=True)\n',
                   'import subprocess\nsubprocess.call(["convert", src], shell=False)\n', at="subprocess.call(")


# use_arithmetic_evaluator
def test_calculator_eval_becomes_an_arithmetic_evaluator(tmp_path) -> None:
    before = dedent("""\
        from flask import request


        def calculate():
            return str(eval(request.args["expr"]))
        """)
    assert_skip("use_literal_eval", before, at="eval(", reason="use_arithmetic_evaluator")
    fixed = rewrite("use_arithmetic_evaluator", before, at="eval(").code
    assert fixed.startswith("from flask import request\nimport ast\nimport operator\n\n\ndef _evaluate_arithmetic(")
    assert 'return str(_evaluate_arithmetic(request.args["expr"]))' in fixed
    helper = tmp_path / "helper.py"
    helper.write_text("import ast\nimport operator\n" + fixed.split("import operator\n", 1)[1].split("\n\n\ndef calculate")[0])
    spec = importlib.util.spec_from_file_location("helper", helper)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._evaluate_arithmetic("2 * (3 + 4) - -1") == 15 and module._evaluate_arithmetic("7 / 2") == 3.5
    for attack in ("__import__('os').system('id')", "9**9**9", "x", "().__class__", "1 +"):
        with pytest.raises(ValueError):
            module._evaluate_arithmetic(attack)


def test_jinja_template_built_with_input_gets_the_value_at_render() -> None:
    assert_rewrite("use_safe_template", """\
        import jinja2
        def banner(title):
            template = jinja2.Template(f"<header>{title} | {{{{ site }}}}</header>")
            return template.render(site="Reports")
        """, """\
        import jinja2
        def banner(title):
            template = jinja2.Template("<header>{{ title }} | {{ site }}</header>", autoescape=True)
            return template.render(site="Reports", title=title)
        """, at="jinja2.Template(")
    assert_skip("use_safe_template", """\
        import jinja2
        def banner(title):
            template = jinja2.Template(f"<header>{title}</header>")
            return template.render() + template.render()
        """, at="jinja2.Template(", reason="rendered elsewhere or several times")


def write_project(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(dedent(text))


def test_query_built_in_another_module_is_parameterized_where_it_is_built(tmp_path) -> None:
    write_project(tmp_path, {"shop/__init__.py": "", "shop/queries.py": """\
        def stock_query(warehouse, below):
            # internal items stay hidden
            return (f"SELECT sku FROM items WHERE warehouse = '{warehouse}' "
                    f"AND quantity < {int(below)}")
        """})
    code = "import sqlite3\nfrom shop.queries import stock_query\n\ndef low(db, w, n):\n    return db.execute(stock_query(w, n))\n"
    other_files: dict = {}
    result = apply_strategy("parameterize_sql_query", code, target_at(code, "db.execute("),
                            str(tmp_path / "shop" / "store.py"), other_files, ProjectIndex.of(tmp_path))
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", result)
    assert result.code.endswith("    return db.execute(stock_query(w, n), (w, int(n)))\n")
    original, patched = other_files[str(tmp_path / "shop" / "queries.py")]
    assert original == (tmp_path / "shop" / "queries.py").read_text()
    assert patched == ("def stock_query(warehouse, below):\n    # internal items stay hidden\n"
                       '    return "SELECT sku FROM items WHERE warehouse = ? AND quantity < ?"\n')


def test_builder_in_another_module_called_twice_is_refused(tmp_path) -> None:
    write_project(tmp_path, {"shop/__init__.py": "", "shop/report.py": "from shop.queries import q\nprint(q('x'))\n",
                             "shop/queries.py": "def q(name):\n    return f\"SELECT 1 FROM t WHERE n = '{name}'\"\n"})
    code = "import sqlite3\nfrom shop.queries import q\n\ndef run(db, name):\n    return db.execute(q(name))\n"
    result = apply_strategy("parameterize_sql_query", code, target_at(code, "db.execute("),
                            str(tmp_path / "shop" / "s.py"), project=ProjectIndex.of(tmp_path))
    assert "called elsewhere too" in result.skip_description


def test_command_parameter_is_quoted_where_each_caller_builds_it(tmp_path) -> None:
    write_project(tmp_path, {"ops/__init__.py": "", "ops/commands.py": """\
        def archive_command(name, folder):
            return f"tar czf {folder}/{name}.tgz {folder} && echo done"
        """, "ops/routes.py": """\
        from ops.commands import archive_command
        from ops.runner import run

        def archive(name):
            return run(archive_command(name, "/srv"))

        def ping(host):
            return run("ping -c 1 " + host)

        def uptime():
            return run("uptime")
        """})
    code = "import subprocess\n\ndef run(command):\n    return subprocess.run(command, shell=True).returncode\n"
    (tmp_path / "ops" / "runner.py").write_text(code)
    other_files: dict = {}
    result = apply_strategy("quote_shell_arguments", code, target_at(code, "subprocess.run("),
                            str(tmp_path / "ops" / "runner.py"), other_files, ProjectIndex.of(tmp_path))
    assert isinstance(result, TransformSuccess) and result.code == code, getattr(result, "skip_description", result)
    patched = {Path(path).name: text for path, (_, text) in other_files.items()}
    assert sorted(patched) == ["commands.py", "routes.py"]
    assert 'return f"tar czf {shlex.quote(folder)}/{shlex.quote(name)}.tgz {shlex.quote(folder)} && echo done"' \
        in patched["commands.py"]
    assert 'return run(f"ping -c 1 {shlex.quote(host)}")' in patched["routes.py"]
    assert 'return run("uptime")' in patched["routes.py"] and "import shlex" in patched["routes.py"]


def test_command_parameter_from_an_opaque_caller_is_refused(tmp_path) -> None:
    write_project(tmp_path, {"ops/__init__.py": "", "ops/routes.py": "from ops.runner import run\nrun(CONFIG.cmd)\n"})
    code = "import os\n\ndef run(command):\n    os.system(command)\n"
    result = apply_strategy("quote_shell_arguments", code, target_at(code, "os.system("),
                            str(tmp_path / "ops" / "runner.py"), project=ProjectIndex.of(tmp_path))
    assert "passes `CONFIG.cmd` as the command" in result.skip_description
    assert "routes.py:2" in result.skip_description


def test_placeholder_style_from_the_driver_imported_beside_the_module(tmp_path) -> None:
    (tmp_path / "db.py").write_text("import psycopg2\n\ndef connection():\n    return psycopg2.connect('')\n")
    code = 'from app.db import connection\nq = "SELECT * FROM items WHERE category = \'%s\'" % category\ncur.execute(q)\n'
    result = apply_strategy("parameterize_sql_query", code, target_at(code, "cur.execute("),
                            str(tmp_path / "repo.py"), project=ProjectIndex.of(tmp_path))
    assert isinstance(result, TransformSuccess), getattr(result, "skip_description", result)
    assert result.code.endswith('q = "SELECT * FROM items WHERE category = %s"\ncur.execute(q, (category,))\n')
