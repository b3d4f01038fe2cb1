"""SQL built by f-string, `%`, `.format` or `+` → placeholders and a tuple of parameters.

    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))

The placeholder follows the driver the cursor comes from (`cur` ← `db.cursor()` ←
`sqlite3.connect(...)`, followed through assignments and `with` items), else the one driver
the module imports: `?` for sqlite3, `%s` for
psycopg2/psycopg/pymysql/MySQLdb/mysql.connector/Django (literal `%` doubled), `:name` with a
dict for SQLAlchemy `text()`; failing those, the one driver imported by the modules beside it
(read, never written: a `db.py` that opens the connections). A query built in a variable of the same function, read only by
this call, is fixed where it is built; so is a query returned by a function called only here,
defined in this module or imported from another module of the project (`return "... ?"`
there, `cur.execute(user_lookup(name), (name,))` here, when the builder's arguments are plain
variables or attributes; a bound value such as `int(limit)` is passed with the argument in
place of the parameter). Refused with the reason: an interpolated identifier or SQL fragment
(table, column, `ORDER BY`), a builder called elsewhere too, a call that already passes
parameters, or a module whose driver is unknown.
"""

from __future__ import annotations

import re
from pathlib import Path

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile

from codepatch.fix import edits, elsewhere, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.project import project_of
from codepatch.fix.sql import NotAValue, parameterize
from codepatch.fix.target import CallRewrite

DRIVER_STYLES = {"sqlite3": "qmark", "aiosqlite": "qmark", "psycopg2": "format", "psycopg": "format",
                 "pymysql": "format", "MySQLdb": "format", "mysql": "format", "django": "format"}
DRIVER_IMPORT = re.compile(r"^\s*(?:import|from)\s+(" + "|".join(DRIVER_STYLES) + r")\b", re.MULTILINE)
QUERY_KEYWORDS = ("sql", "operation", "query", "statement", "raw_query", "text")
TEXT_CALLS = ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text")
PURE_CALLS = {"int", "float", "str", "bool", "len", "abs", "round"}  # evaluating these twice changes nothing


class ParameterizeSqlQuery(CallRewrite):
    NAME = "parameterize_sql_query"
    DESCRIPTION = "Pass values to the SQL driver as parameters instead of formatting them into the query"
    CALLS = ("*.execute", "*.executemany", "*.executescript", "*.exec_driver_sql", "*.raw", "pandas.read_sql", "pandas.read_sql_query", *TEXT_CALLS)

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.executor = self.call
        style = self._traced_style(self.call.func) or self._driver_style(node) or self._package_style()
        if self.calls(self.call, "*.executescript", "*.executemany"):
            raise SkipFile("executescript/executemany: rewrite the statements with execute() and parameters by hand")
        if self.calls(self.call, *TEXT_CALLS):
            self.executor, style = self._text_executor(), "named"
        if len(self.executor.args) > 1 and not self.calls(self.executor, "pandas.read_sql", "pandas.read_sql_query") \
                or edits.argument(self.executor, None, "params") or edits.argument(self.executor, None, "parameters"):
            raise SkipFile("the call already passes parameters; merge the formatted values into them by hand")
        query = edits.argument(self.call, 0) or next(
            (a for a in (edits.argument(self.call, None, k) for k in QUERY_KEYWORDS) if a), None)
        if query is None:
            raise SkipFile("the query is passed through *args or **kwargs")
        self.holder, built = self._where_built(query.value)
        if style is None:
            raise SkipFile("cannot tell the driver's placeholder style: neither the module nor its package imports "
                           + ", ".join(sorted(DRIVER_STYLES)))
        try:
            sql, self.bound = parameterize(strings.parts(built), style)
        except NotAValue as exc:
            raise SkipFile(str(exc)) from exc
        self.style, self.built, self.new_query = style, built, self._literal(sql, built)
        if isinstance(self.holder, cst.Return):
            self.bound = [(name, self._call_site_value(value)) for name, value in self.bound]
            if self.builder.tree is not self.enclosing(self.call, cst.Module):
                patched = elsewhere.rewrite(self.builder.tree, {id(self.holder.value): self.new_query})
                elsewhere.record(self.context, self.builder.path, patched.code)

    def _traced_style(self, expression: cst.BaseExpression) -> str | None:
        """The style of the driver the receiver comes from: `cur` ← `db.cursor()` ← `sqlite3.connect()`."""
        for _ in range(8):
            if isinstance(expression, cst.Attribute) and expression.attr.value == "raw":
                return "format"  # Django's Manager.raw
            for name in self.qualified_names(expression):
                if name.split(".")[0] in DRIVER_STYLES:
                    return DRIVER_STYLES[name.split(".")[0]]
            if isinstance(expression, cst.Call):
                expression = expression.func
            elif isinstance(expression, cst.Attribute):
                expression = expression.value
            elif isinstance(expression, cst.Name) and (bound := self.bound_value(expression)) is not None:
                expression = bound
            else:
                return None
        return None

    def _driver_style(self, module: cst.Module) -> str | None:
        imported = {strings.code(alias.name).split(".")[0] for n in m.findall(module, m.Import())
                    for alias in n.names}
        imported |= {strings.code(n.module).split(".")[0] for n in m.findall(module, m.ImportFrom())
                     if n.module is not None}
        styles = {DRIVER_STYLES[name] for name in imported if name in DRIVER_STYLES}
        return styles.pop() if len(styles) == 1 else None

    def _package_style(self) -> str | None:
        """The one driver the modules beside this one import (`db.py` opens the connections)."""
        if not self.context.filename:
            return None
        project, styles = project_of(self.context), set()
        for sibling in project.beside(Path(self.context.filename)):
            styles |= {DRIVER_STYLES[name] for name in DRIVER_IMPORT.findall(project.text(sibling) or "")}
        return styles.pop() if len(styles) == 1 else None

    def _text_executor(self) -> cst.Call:
        arg = self.parent(self.call)
        executor = self.parent(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(executor, cst.Call) or executor.args[0] is not arg:
            raise SkipFile("the text() query is not executed where it is built; bind its values where it runs")
        return executor

    def _where_built(self, query: cst.BaseExpression) -> tuple[cst.Assign | cst.Return | None, cst.BaseExpression]:
        """Where the query text is built: the call itself (None), an assignment, or a builder's return."""
        if strings.is_interpolated(query):
            return None, query
        if isinstance(query, cst.Call) and isinstance(query.func, cst.Name):
            return self._builder_return(query.func.value)
        found = self.only_assignment(query)
        if found is None or not strings.is_interpolated(found[0].value):
            raise SkipFile("the query is built in another module, or in several places; parameterize it "
                           "where it is built")
        if found[1] != 1:
            raise SkipFile("the query variable is read elsewhere too; changing its text would change those uses")
        if not self.unchanged_between(found[0], self.call):
            raise SkipFile("a value of the query changes between where it is built and where it runs")
        return found[0], found[0].value

    def _builder_return(self, builder: str) -> tuple[cst.Return, cst.BaseExpression]:
        """`def user_lookup(name): return f"..."` here or in another module of the project, called
        only here: it returns the query with placeholders, and the call passes the values its
        arguments give the builder."""
        module = self.enclosing(self.call, cst.Module)
        definitions = m.findall(module, m.FunctionDef(name=m.Name(builder)))
        self.builder = elsewhere.Definition(Path(self.context.filename or "."), module, definitions[0]) \
            if len(definitions) == 1 else None
        if not definitions and self.context.filename:
            self.builder = elsewhere.resolve_function(project_of(self.context), self.context.filename, module, builder)
        returns = m.findall(self.builder.function, m.Return()) if self.builder else []
        if len(returns) != 1 or returns[0].value is None or not strings.is_interpolated(returns[0].value):
            raise SkipFile(f"the query is built by {builder}(), which is not a project function returning one "
                           "formatted string; parameterize it where it is built")
        here = len(m.findall(module, m.Call(func=m.Name(builder))))
        if here != 1 or (self.builder.tree is not module and len(elsewhere.calls_to(project_of(self.context), self.context.filename, builder,
                                                                                       module)) != 1):
            raise SkipFile(f"{builder}() is called elsewhere too; returning parameters would change those uses")
        return returns[0], returns[0].value

    def _call_site_value(self, value: cst.BaseExpression) -> cst.BaseExpression:
        """The builder's bound `value` as the call site sees it: each builder parameter replaced
        by the argument the call passes for it."""
        call = edits.argument(self.call, 0).value
        names = [p.name.value for p in self.builder.function.params.params]
        arguments: dict[str, cst.BaseExpression] = {}
        for name in edits.variables(value) - PURE_CALLS:
            if name not in names:
                raise SkipFile(f"the builder puts `{strings.code(value)}` into the query, not one of its parameters: "
                               "parameterize it where the value is known")
            argument = edits.argument(call, names.index(name), name)
            if argument is None or m.findall(argument.value, m.Call() | m.Await() | m.Yield()):
                raise SkipFile("the builder's argument is computed by a call; passing it twice could repeat side effects")
            arguments[name] = argument.value
        if any(not m.matches(c.func, m.Name()) or c.func.value not in PURE_CALLS for c in m.findall(value, m.Call())):
            raise SkipFile(f"the builder computes `{strings.code(value)}` with a call; computing it again at the "
                           "call site could repeat side effects")
        return edits.substitute(value, arguments)

    def leave_Return(self, original_node: cst.Return, updated_node: cst.Return) -> cst.Return:
        return updated_node.with_changes(value=self.new_query) if original_node is self.holder else updated_node

    @staticmethod
    def _literal(sql: str, built: cst.BaseExpression) -> cst.BaseExpression:
        quote = built.quote if isinstance(built, cst.FormattedString) else None
        if quote in ('"""', "'''") and quote not in sql and "\\" not in sql:
            return cst.SimpleString(quote + sql + quote)
        return strings.string_literal(sql)

    def _parameters(self) -> cst.BaseExpression:
        if self.style == "named":
            return cst.Dict([cst.DictElement(strings.string_literal(n), v) for n, v in self.bound])
        return cst.Tuple([cst.Element(v) for _, v in self.bound])

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node.with_changes(value=self.new_query) if original_node is self.holder else updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        call = updated_node
        if original_node is self.call and self.holder is None:
            query = next(a for a, o in zip(call.args, original_node.args) if o.value is self.built)
            call = edits.replace_args(call, query, self.new_query)
        if original_node is self.executor:
            if self.calls(original_node, "pandas.read_sql", "pandas.read_sql_query"):
                return edits.with_keyword(call, "params", self._parameters())
            return call.with_changes(args=[*call.args[:1], cst.Arg(self._parameters()), *call.args[1:]])
        return call


EXAMPLES = (
    # an f-string query gets qmark placeholders for sqlite3
    Fix("""\
        import sqlite3


        def find(db, name, age):
            # users by name
            return db.execute(f"SELECT * FROM users WHERE name = '{name}' AND age > {age}").fetchall()
        """, """\
        import sqlite3


        def find(db, name, age):
            # users by name
            return db.execute("SELECT * FROM users WHERE name = ? AND age > ?", (name, age)).fetchall()
        """, at="db.execute("),
    # %, .format and concatenation get format placeholders
    *(Fix(f"import psycopg2\ncur.execute({query})\n", f"import psycopg2\ncur.execute({fixed})\n", at="cur.execute(")
      for query, fixed in [
          ('"SELECT * FROM t WHERE a = %s" % a', '"SELECT * FROM t WHERE a = %s", (a,)'),
          ('"SELECT * FROM t WHERE a LIKE \'%{}%\' LIMIT 5".format(term)',
           '"SELECT * FROM t WHERE a LIKE %s LIMIT 5", (f"%{term}%",)'),
          ('"INSERT INTO t (a, b) VALUES (\'" + x + "\', " + str(y) + ")"',
           '"INSERT INTO t (a, b) VALUES (%s, %s)", (x, str(y))'),
          ('f"SELECT * FROM t WHERE a = {a} AND b LIKE \'100%\'"',
           '"SELECT * FROM t WHERE a = %s AND b LIKE \'100%%\'", (a,)'),
      ]),
    # a query built in a variable is fixed where it is built
    Fix("""\
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
        """, at="cur.execute("),
    # sqlalchemy's text() gets named parameters
    Fix("""\
        from sqlalchemy import text
        rows = conn.execute(text(f"SELECT * FROM users WHERE email = '{form.email}'"))
        """, """\
        from sqlalchemy import text
        rows = conn.execute(text("SELECT * FROM users WHERE email = :email"), {"email": form.email})
        """, at="text("),
    # parameterizations that would not be sound
    *(Refuse(before, at="cur.execute(", reason=reason) for before, reason in [
        ('import sqlite3\ncur.execute(f"SELECT * FROM {table} WHERE id = 1")\n', "identifier or SQL text"),
        ('import sqlite3\ncur.execute(f"SELECT * FROM t ORDER BY {column}")\n', "allow-list of names"),
        ('import sqlite3\ndef run(cur, query):\n    cur.execute(query)\n', "built in another module"),
        ('import sqlite3\ncur.execute(f"SELECT * FROM t WHERE a = {a}", ())\n', "already passes parameters"),
        ('cur.execute(f"SELECT * FROM t WHERE a = {a}")\n', "placeholder style"),
        ('import sqlite3\nq = f"SELECT * FROM t WHERE a = {a}"\nlog(q)\ncur.execute(q)\n', "read elsewhere"),
        ('import sqlite3\nq = f"SELECT * FROM t WHERE a = {a}"\na = 2\ncur.execute(q)\n', "changes between"),
    ]),
    # the placeholder style follows the cursor to its driver
    Fix("""\
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
        """, at="cursor.execute("),
    Fix("""\
        import sqlite3
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people WHERE region = '%s'" % region)
        """, """\
        import sqlite3
        from django.db import connection
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people WHERE region = %s", (region,))
        """, at="cursor.execute("),
    Fix("""people = Person.objects.raw("SELECT * FROM people WHERE region = '" + region + "'")\n""",
        """people = Person.objects.raw("SELECT * FROM people WHERE region = %s", (region,))\n""",
        at="Person.objects.raw("),
    # a query returned by a builder in the module: the call passes its parameters
    Fix("""\
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
        """, at="cursor.execute("),
    Refuse("""\
        import sqlite3
        def lookup(name):
            return f"SELECT * FROM users WHERE name = '{name}'"
        cur.execute(lookup(a))
        print(lookup(b))
        """, at="cur.execute(", reason="called elsewhere too"),
    Refuse("""\
        import sqlite3
        def lookup(name):
            return f"SELECT * FROM users WHERE name = '{name}'"
        cur.execute(lookup(input()))
        """, at="cur.execute(", reason="side effects"),
)


STRATEGY = ParameterizeSqlQuery
