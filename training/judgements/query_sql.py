"""More SQL-injection training families: driver quoting, id lists, parsed values and fixed
column or table names (not real); quoting the wrong character, checking a prefix, checking
before decoding, and checks whose answer falls back to the raw value (real).

The query text is prose to the reader (it becomes `<text>`), so nobody can tell a quoted
position from an unquoted one: a not-real helper must be safe in both, a real one must let an
attack through in both (`1 OR 1=1` unquoted, a closing quote or backslash when quoted).
"""

from __future__ import annotations

import random

from training.judgements import sql
from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser

_VALUES = ("SELECT * FROM invoices WHERE customer = '{}'", "SELECT id FROM tags WHERE id IN ({})",
           "SELECT * FROM audit_log WHERE actor = {} ORDER BY ts", "UPDATE sessions SET revoked = 1 WHERE sid = '{}'")
_QUOTED = ("SELECT * FROM invoices WHERE customer = {}", "SELECT * FROM users WHERE email = {}",
           "DELETE FROM tokens WHERE value = {}")
_IDENTS = ("SELECT * FROM {} LIMIT 50", "SELECT id, {} FROM reports", "SELECT * FROM orders ORDER BY {}")


def _names(rng: random.Random) -> dict[str, str]:
    return sql._names(rng) | {"tables": rng.choice(("REPORT_TABLES", "settings.EXPORT_TABLES", "TABLE_FOR"))}


def _query(rng: random.Random, value: str, shape: str) -> str:
    query = rng.choice({"ident": _IDENTS, "quoted": _QUOTED}.get(shape, _VALUES))
    before, after = query.split("{}")
    concatenated = f'"{before}" + str({value})' + (f' + "{after}"' if after else "")
    return rng.choice(('f"' + before + "{" + value + "}" + after + '"', concatenated))


def _lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    """Half the kind's own sink statements, half other drivers and a query built first."""
    if rng.random() < 0.5:
        return sql._lines(rng, value, shape, names)
    query, c = _query(rng, value, shape), names["c"]
    return rng.choice((
        [f"{c} = pd.read_sql({query}, engine){MARK}", f'return {c}.to_dict("records")'],
        ["with connection.cursor() as cur:", f"    cur.execute({query}){MARK}", "    return cur.fetchall()"],
        [f"{c} = {query}", f"rows = session.execute(text({c})).mappings().all(){MARK}", "return [dict(r) for r in rows]"],
        [f"conn.executescript({query}){MARK}", "conn.commit()", 'return "ok"'],
        [f"{c} = {query}", 'logger.debug("query: %s", ' + c + ")", f"return db.engine.execute({c}).fetchall(){MARK}"],
    ))


SINK = Sink("sql-injection", sql.SINK.keys + ("customer", "ids", "email", "report", "amount"),
            sql.SINK.handlers + ("export_report", "invoices_for", "bulk_lookup", "revoke_session"),
            _names, _lines, shape="value")

# Not real: the database driver quotes the value as a whole literal (or identifier).
DRIVER_LITERAL = (
    helper('''
        def $fn($x):
            return sql.Literal($x).as_string(conn)
    ''', shape="quoted"),
    helper('''
        def $fn($x):
            $a = get_connection()
            return $a.escape(str($x))
    ''', shape="quoted"),  # pymysql: quotes and escapes a str as one literal
    helper('''
        def $fn($x):
            $a = adapt(str($x))
            $a.prepare(conn)
            return $a.getquoted().decode()
    ''', shape="quoted"),
    helper('''
        def $fn($x):
            return sql.Identifier($x).as_string(connection)
    ''', shape="ident"),
)
# Not real: every comma-separated part is cast to int, so only digits and commas remain.
ID_LIST = (
    helper('''
        def $fn($x):
            return ",".join(str(int($a)) for $a in $x.split(","))
    '''),
    helper('''
        def $fn($x):
            $a = []
            for $b in $x.split(","):
                if $b.strip():
                    $a.append(int($b))
            return ", ".join(map(str, $a))
    '''),
    helper('''
        def $fn($x):
            return ",".join(map(str, map(int, filter(None, $x.split(",")))))
    '''),
    helper('''
        def $fn($x):
            $a = sorted({int($b) for $b in $x.split(",")})
            return ",".join(str($b) for $b in $a) or "0"
    '''),
)
# Not real: the value is parsed into an address, amount, date or number; its text is rebuilt.
PARSED = (
    helper('''
        def $fn($x):
            return str(ipaddress.ip_address($x.strip()))
    '''),
    helper('''
        def $fn($x):
            $a = Decimal($x)
            if not $a.is_finite():
                raise ValueError("not a finite amount")
            return $a.quantize(Decimal("0.01"))
    '''),
    helper('''
        def $fn($x):
            return datetime.datetime.strptime($x, "%Y-%m-%d").date()
    '''),
    helper('''
        def $fn($x):
            if ($a := $x.removeprefix("0x")):
                return int($a, 16)
            return 0
    '''),
    helper('''
        def $fn($x):
            return round(float($x), 2) if $x else None
    '''),
)
# Not real: the column is one of the model's own field names or a fixed literal.
SORT_FIELD = (
    helper('''
        def $fn($x):
            $a = {f.name for f in Post._meta.get_fields()}
            if $x not in $a:
                raise ValueError(f"cannot sort by {$x}")
            return $x
    ''', shape="ident"),
    helper('''
        def $fn($x):
            match $x:
                case "name" | "created" | "price":
                    return $x
                case _:
                    return "id"
    ''', shape="ident"),
    helper('''
        def $fn($x):
            return next(($a for $a in $columns if $a == $x), "id")
    ''', shape="ident"),
    helper('''
        def $fn($x):
            $a = [c.name for c in Order.__table__.columns]
            if $x in $a:
                return $x
            raise ValueError("unknown column")
    ''', shape="ident"),
)
# Not real: the table name comes out of a fixed mapping, never from the request.
TABLE_MAP = (
    helper('''
        def $fn($x):
            if ($a := $tables.get($x)) is None:
                raise LookupError($x)
            return $a
    ''', shape="ident"),
    helper('''
        def $fn($x):
            $a = dict(users="auth_user", groups="auth_group", perms="auth_permission")
            return $a[$x.lower()]
    ''', shape="ident"),
    helper('''
        def $fn($x):
            $a = {m.__tablename__: m for m in (User, Order, Invoice)}
            return $a[$x].__tablename__
    ''', shape="ident"),
    helper('''
        def $fn($x):
            return ReportKind[$x.upper()].table
    ''', shape="ident"),
)

# Real: a quote escaped with a backslash (or the wrong quote escaped) still ends the string,
# and an unquoted position needs no quote at all.
WRONG_ESCAPE = (
    helper('''
        def $fn($x):
            return $x.replace("'", "\\\\'")
    '''),
    helper('''
        def $fn($x):
            return $x.replace('"', '\\\\"')
    '''),
    helper('''
        def $fn($x):
            return json.dumps($x)[1:-1]
    '''),
    helper('''
        def $fn($x):
            return $x.encode("unicode_escape").decode("ascii")
    '''),
    helper('''
        def $fn($x):
            $a = urllib.parse.unquote_plus($x)
            return $a.strip()
    '''),
)
# Real: only the start or end of the value is looked at, or some digits anywhere.
PREFIX = (
    helper('''
        def $fn($x):
            if not $x.startswith("SKU-"):
                raise ValueError("not a SKU")
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x[:1].isalpha()
    ''', "bool"),
    helper('''
        def $fn($x):
            return re.search(r"[0-9]{4}", $x) is not None
    ''', "bool"),
    helper('''
        def $fn($x):
            $a, _, $b = $x.partition("-")
            return $a.isalpha() and bool($b)
    ''', "bool"),
    helper('''
        def $fn($x):
            if not $x.endswith((".com", ".org")):
                raise ValueError("unknown domain")
            return $x
    '''),
)
# Real: quotes are refused, then the value is decoded, which brings them back.
DECODED_AFTER = (
    helper('''
        def $fn($x):
            if "'" in $x or ";" in $x:
                raise ValueError("bad characters")
            return urllib.parse.unquote($x)
    '''),
    helper('''
        def $fn($x):
            if not re.fullmatch(r"[A-Za-z0-9+/=]+", $x):
                raise ValueError("not base64")
            return base64.b64decode($x).decode()
    '''),
    helper('''
        def $fn($x):
            if "'" in $x:
                raise ValueError("quote in value")
            return unicodedata.normalize("NFKC", $x)
    '''),
    helper('''
        def $fn($x):
            def _bad($a):
                return any($b in $a for $b in "'\\";")
            if _bad($x):
                raise ValueError("quote in value")
            return html.unescape($x)
    '''),
)
# Real: a sound check whose failure falls back to the raw value; bool checks the handler drops.
FALLBACK = (
    helper('''
        def $fn($x):
            try:
                uuid.UUID($x)
            except ValueError:
                return False
            return True
    ''', "bool"),
    helper('''
        def $fn($x):
            try:
                datetime.date.fromisoformat($x)
                return True
            except ValueError:
                return False
    ''', "bool"),
    helper('''
        def $fn($x):
            with contextlib.suppress(ValueError):
                return str(int($x))
            return $x
    '''),
    helper('''
        def $fn($x):
            try:
                $a = uuid.UUID($x).hex
            except ValueError:
                $a = $x
            return $a
    '''),
)

FAMILIES = (
    sanitiser("sql-driver-literal", SINK, False, "escaped", None, DRIVER_LITERAL),
    sanitiser("sql-id-list", SINK, False, "type-cast", None, ID_LIST),
    sanitiser("sql-parsed-value", SINK, False, "type-cast", None, PARSED),
    sanitiser("sql-sort-field", SINK, False, "allow-list", None, SORT_FIELD),
    sanitiser("sql-table-map", SINK, False, "allow-list", None, TABLE_MAP),
    sanitiser("sql-wrong-escape", SINK, True, "look-alike", None, WRONG_ESCAPE),
    sanitiser("sql-prefix-check", SINK, True, "partial-check", None, PREFIX),
    sanitiser("sql-decoded-after-check", SINK, True, "partial-check", None, DECODED_AFTER),
    sanitiser("sql-check-fallback", SINK, True, "check-ignored", None, FALLBACK, ignored=True),
)
