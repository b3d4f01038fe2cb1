"""SQL injection: a user-supplied value formatted into a query. Safe when it is cast to a
number, date or UUID, when a column or direction comes from a fixed list, or when an identifier
must match `\\w+` as a whole; real when a semicolon, comment or spaces are removed, the value is
wrapped in quotes by hand, a few keywords or its length are checked, or the check only logs."""

from __future__ import annotations

import random

from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser

_VALUE_QUERIES = ("SELECT * FROM users WHERE id = {}", "SELECT name FROM items WHERE sku = '{}'",
                  "DELETE FROM carts WHERE id = {}", "UPDATE orders SET seen = 1 WHERE ref = '{}'",
                  "SELECT * FROM posts WHERE author = '{}' LIMIT 20")
_IDENT_QUERIES = ("SELECT * FROM products ORDER BY {}", "SELECT count(*) FROM {}",
                  "SELECT id, title FROM posts ORDER BY {} DESC", "SELECT * FROM events ORDER BY created {}")


def _names(rng: random.Random) -> dict[str, str]:
    return {"columns": rng.choice(('("name", "created", "price")', "SORTABLE", "ALLOWED_COLUMNS",
                                   '{"title", "date", "author"}'))}


def _lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    queries = _IDENT_QUERIES if shape == "ident" else _VALUE_QUERIES
    if shape == "quoted":  # the value brings its own quotes
        queries = tuple(q for q in _VALUE_QUERIES if "'" not in q)
    query = rng.choice(queries)
    sql = rng.choice((
        'f"' + query.replace("{}", "{" + value + "}") + '"',
        '"' + query.replace("{}", "%s") + f'" % {value}',
        '"' + query + f'".format({value})',
    ))
    c = names["c"]
    return rng.choice((
        [f"cursor.execute({sql}){MARK}", "return cursor.fetchall()"],
        [f"{c} = db.execute({sql}){MARK}", f"return {c}.fetchone()"],
        [f"{c} = conn.execute(text({sql})).all(){MARK}", f"return jsonify([dict(row) for row in {c}])"],
        [f"return Model.objects.raw({sql}){MARK}"],
    ))


SINK = Sink("sql-injection", ("user_id", "sku", "sort", "order", "q", "ref", "author", "table", "column"),
            ("list_items", "get_user", "search", "delete_cart", "report", "sorted_posts", "lookup_order"),
            _names, _lines, shape="value")

NUMBER = (
    helper('''
        def $fn($x):
            return int($x)
    '''),
    helper('''
        def $fn($x):
            try:
                return float($x)
            except ValueError:
                return 0.0
    '''),
    helper('''
        def $fn($x, $b=0):
            if $x is None:
                return $b
            return int($x, 10)
    '''),
    helper('''
        def $fn($x):
            return abs(int($x.strip()))
    '''),
)
TYPED = (
    helper('''
        def $fn($x):
            return str(uuid.UUID($x))
    '''),
    helper('''
        def $fn($x):
            return datetime.date.fromisoformat($x).isoformat()
    '''),
    helper('''
        def $fn($x):
            return uuid.UUID(hex=$x).hex
    '''),
)
COLUMNS = (
    helper('''
        def $fn($x):
            if $x not in $columns:
                $x = "id"
            return $x
    ''', shape="ident"),
    helper('''
        def $fn($x):
            $a = {"newest": "created", "name": "title", "price": "price"}
            return $a.get($x, "created")
    ''', shape="ident"),
    helper('''
        def $fn($x):
            return $x in $columns
    ''', "bool", shape="ident"),
)
IDENT_PATTERN = (
    helper('''
        def $fn($x):
            if not re.fullmatch(r"\\w+", $x):
                raise ValueError("bad identifier")
            return $x
    ''', shape="ident"),
    helper('''
        def $fn($x):
            return re.fullmatch(r"[a-z_]{1,30}", $x) is not None
    ''', "bool", shape="ident"),
)
DIRECTION = (
    helper('''
        def $fn($x):
            return "DESC" if $x == "desc" else "ASC"
    ''', shape="ident"),
    helper('''
        def $fn($x):
            if $x.lower() == "desc":
                return "DESC"
            return "ASC"
    ''', shape="ident"),
    helper('''
        def $fn($x):
            return {"asc": "ASC", "desc": "DESC"}.get($x, "ASC")
    ''', shape="ident"),
)
COSMETIC = (
    helper('''
        def $fn($x):
            return $x.replace(";", "")
    '''),
    helper('''
        def $fn($x):
            return $x.strip()
    '''),
    helper('''
        def $fn($x):
            $a = $x.replace("--", "").replace(";", "")
            return $a.strip()
    '''),
    helper('''
        def $fn($x):
            return " ".join($x.split())
    '''),  # whitespace collapsed: `1 OR 1=1` is unchanged
)
ISALNUM_LOGGED = (
    helper('''
        def $fn($x):
            if not $x.isalnum():
                logger.info("non-alphanumeric value %s", $x)
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x.isalnum()
    ''', "bool"),
)
LENGTH = (
    helper('''
        def $fn($x):
            if len($x) > 64:
                raise ValueError("too long")
            return $x
    '''),
    helper('''
        def $fn($x):
            return 0 < len($x) <= 40
    ''', "bool"),
)
HAND_QUOTED = (
    helper('''
        def $fn($x):
            return "'" + $x + "'"
    ''', shape="quoted"),
    helper('''
        def $fn($x):
            return f"'{$x.strip()}'"
    ''', shape="quoted"),
)
KEYWORDS = (
    helper('''
        def $fn($x):
            $a = $x.lower()
            if "drop" in $a or "union" in $a:
                raise ValueError("forbidden")
            return $x
    '''),
    helper('''
        def $fn($x):
            for $a in ("delete", "insert", "--"):
                if $a in $x.lower():
                    return False
            return True
    ''', "bool"),
    helper('''
        def $fn($x):
            if not re.match(r"\\w+", $x):
                raise ValueError($x)
            return $x
    '''),
)

UUID_CAST = (
    helper('''
        def $fn($x):
            return uuid.UUID($x)
    '''),
    helper('''
        def $fn($x):
            try:
                return str(UUID(hex=$x))
            except ValueError:
                return None
    '''),
)
ENUM_MEMBER = (
    helper('''
        def $fn($x):
            return SortField($x).value
    ''', shape="ident"),
    helper('''
        def $fn($x):
            if $x not in Column.__members__:
                raise ValueError($x)
            return Column[$x].name
    ''', shape="ident"),
)
REGEX_ESCAPED = (
    helper('''
        def $fn($x):
            return re.escape($x)
    '''),
    helper('''
        def $fn($x):
            return html.escape($x, quote=False)
    '''),
)
NO_SPACES = (
    helper('''
        def $fn($x):
            return " " not in $x and "--" not in $x
    ''', "bool"),
    helper('''
        def $fn($x):
            if any($a.isspace() for $a in $x):
                raise ValueError("spaces")
            return $x
    '''),
)
INT_SWALLOWED = (
    helper('''
        def $fn($x):
            try:
                int($x)
            except ValueError:
                logger.info("non-numeric id %s", $x)
            return $x
    '''),
)

FAMILIES = (
    sanitiser("sql-number", SINK, False, "type-cast", None, NUMBER),
    sanitiser("sql-typed-value", SINK, False, "type-cast", None, TYPED),
    sanitiser("sql-column-list", SINK, False, "allow-list", None, COLUMNS),
    sanitiser("sql-cosmetic", SINK, True, "look-alike", None, COSMETIC),
    sanitiser("sql-isalnum-logged", SINK, True, "check-ignored", None, ISALNUM_LOGGED, ignored=True),
    sanitiser("sql-unchecked", SINK, True, "no-check", None),
    sanitiser("sql-length-limit", SINK, True, "partial-check", None, LENGTH),
    sanitiser("sql-uuid", SINK, False, "type-cast", None, UUID_CAST),
    sanitiser("sql-enum-member", SINK, False, "allow-list", None, ENUM_MEMBER),
    sanitiser("sql-regex-escaped", SINK, True, "look-alike", None, REGEX_ESCAPED),
    sanitiser("sql-no-spaces", SINK, True, "partial-check", None, NO_SPACES),
    sanitiser("sql-int-swallowed", SINK, True, "check-ignored", None, INT_SWALLOWED),
    sanitiser("sql-identifier-pattern", SINK, False, "pattern-check", "validation", IDENT_PATTERN),
    sanitiser("sql-hand-quoted", SINK, True, "look-alike", "validation", HAND_QUOTED),
    sanitiser("sql-direction-choice", SINK, False, "allow-list", "test", DIRECTION),
    sanitiser("sql-keyword-blocklist", SINK, True, "partial-check", "test", KEYWORDS),
)
