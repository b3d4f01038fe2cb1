"""Fixes that reach other modules of a project on disk: a query or command built in one module and
run in another, producers of pickles that must sign, the driver imported beside the module."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from libcst.codemod import TransformSuccess

from codepatch.fix.check_examples import target_at
from codepatch.fix.project import ProjectIndex
from codepatch.fix.run import apply_strategy


def write_project(root: Path, files: dict[str, str]) -> None:
    (root / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(dedent(text))


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
