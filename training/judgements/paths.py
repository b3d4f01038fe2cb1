"""Path traversal: a user-supplied file name opened under a folder. Safe when the resolved path
is checked to stay inside the folder, when only the last component is kept, or when the name
comes from a list; real when `..` or a leading `/` survives (one replace, lstrip, normpath, a
prefix without the separator) or the check only logs."""

from __future__ import annotations

import random

from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser


def _names(rng: random.Random) -> dict[str, str]:
    return {"base": rng.choice(("BASE_DIR", "UPLOAD_ROOT", "settings.MEDIA_ROOT", 'app.config["UPLOAD_FOLDER"]',
                                "DOCS_DIR", "STORAGE", "REPORTS"))}


def _lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    path = value
    if shape == "name":
        path = f'os.path.join({names["base"]}, {value})'
        if '"' not in names["base"] and rng.random() < 0.3:
            path = f'f"{{{names["base"]}}}/{{{value}}}"'
    c = names["c"]
    return rng.choice((
        [f"return send_file({path}){MARK}"],
        [f"return FileResponse(open({path}, \"rb\")){MARK}"],
        [f"with open({path}) as {c}:{MARK}", f"    return {c}.read()"],
        [f"{c} = Path({path}).read_bytes(){MARK}", f"return Response({c})"],
        [f"os.remove({path}){MARK}", "return {\"deleted\": True}"],
    ))


SINK = Sink("path-traversal", ("filename", "name", "path", "file", "doc", "report", "attachment", "fname"),
            ("download", "get_file", "serve", "read_doc", "delete_upload", "show_report", "fetch_attachment"),
            _names, _lines, shape="name")

RESOLVED_PREFIX = (
    helper('''
        def $fn($x):
            $a = os.path.realpath(os.path.join($base, $x))
            if not $a.startswith($base + os.sep):
                raise ValueError("path escapes base")
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = os.path.abspath(os.path.join($base, $x))
            if os.path.commonpath([$a, $base]) != $base:
                return None
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x, $b=$base):
            $c = os.path.realpath($b)
            $a = os.path.realpath(os.path.join($c, $x))
            if os.path.commonpath([$c, $a]) == $c:
                return $a
            raise PermissionError($x)
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = os.path.realpath(os.path.join($base, $x))
            return $a.startswith(os.path.realpath($base) + os.sep)
    ''', "bool", shape="name"),
    helper('''
        def $fn($x):
            $c = os.path.realpath($base)
            $a = os.path.realpath(os.path.join($c, $x))
            if os.path.relpath($a, $c).split(os.sep)[0] == os.pardir:
                raise PermissionError($x)
            return $a
    ''', shape="path"),
)
BASENAME = (
    helper('''
        def $fn($x):
            return os.path.basename($x)
    ''', shape="name"),
    helper('''
        def $fn($x):
            $a = secure_filename($x)
            if not $a:
                raise ValueError("empty name")
            return $a
    ''', shape="name"),
    helper('''
        def $fn($x):
            return Path($x).name
    ''', shape="name"),
)
NUMBERED = (
    helper('''
        def $fn($x):
            return f"{int($x)}.pdf"
    ''', shape="name"),
    helper('''
        def $fn($x):
            try:
                $a = int($x)
            except ValueError:
                $a = 0
            return "report-%d.csv" % $a
    ''', shape="name"),
)
RESOLVED_PARENTS = (
    helper('''
        def $fn($x):
            $b = Path($base).resolve()
            $a = ($b / $x).resolve()
            if $b not in $a.parents:
                raise ValueError("outside")
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x):
            $b = Path($base).resolve()
            $a = $b.joinpath($x).resolve()
            return $a if $a.is_relative_to($b) else None
    ''', shape="path"),
)
NAME_LIST = (
    helper('''
        def $fn($x):
            if $x not in {"terms.pdf", "privacy.pdf", "guide.txt"}:
                raise FileNotFoundError($x)
            return $x
    ''', shape="name"),
    helper('''
        def $fn($x):
            $a = {"terms": "terms.pdf", "manual": "manual.pdf"}
            return $a[$x]
    ''', shape="name"),
    helper('''
        def $fn($x):
            return $x in ("report.csv", "summary.csv")
    ''', "bool", shape="name"),
)
REPLACE_DOTS = (
    helper('''
        def $fn($x):
            return $x.replace("../", "")
    ''', shape="name"),
    helper('''
        def $fn($x):
            return os.path.join($base, $x.replace("..", ""))
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = $x.replace("..", "").replace("//", "/")
            return $a
    ''', shape="name"),
    helper(r'''
        def $fn($x):
            return re.sub(r"\.\./", "", $x)
    ''', shape="name"),
)
LSTRIP = (
    helper('''
        def $fn($x):
            return $x.lstrip("/")
    ''', shape="name"),
    helper('''
        def $fn($x):
            $a = $x.strip().lstrip("/\\\\")
            return os.path.join($base, $a)
    ''', shape="path"),
)
JOIN_ONLY = (
    helper('''
        def $fn($x):
            return os.path.join($base, $x)
    ''', shape="path"),
    helper('''
        def $fn($x, $b=$base):
            return str(Path($b) / $x)
    ''', shape="path"),
)
PREFIX_NO_SEP = (
    helper('''
        def $fn($x):
            $a = os.path.realpath(os.path.join($base, $x))
            if not $a.startswith($base):
                raise ValueError("outside")
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = os.path.join($base, $x)
            if $a.startswith($base):
                return $a
            raise PermissionError($x)
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = os.path.abspath(os.path.join($base, $x))
            return $a if $a.startswith(os.path.abspath($base)) else None
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = os.path.realpath(os.path.join($base, $x))
            if os.path.commonprefix([$a, $base]) != $base:
                raise PermissionError($x)
            return $a
    ''', shape="path"),
)
DOTS_LOGGED = (
    helper('''
        def $fn($x):
            if ".." in $x:
                logger.warning("suspicious path %s", $x)
            return os.path.join($base, $x)
    ''', shape="path"),
    helper('''
        def $fn($x):
            return ".." not in $x and not $x.startswith("/")
    ''', "bool", shape="name"),
)
NORMPATH = (
    helper('''
        def $fn($x):
            return os.path.normpath(os.path.join($base, $x))
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = os.path.normpath($x)
            return os.path.join($base, $a)
    ''', shape="path"),
    helper('''
        def $fn($x):
            return Path($base, $x).resolve()
    ''', shape="path"),
)

DOTS_ONLY = (
    helper('''
        def $fn($x):
            if ".." in $x:
                raise ValueError("no parent folders")
            return os.path.join($base, $x)
    ''', shape="path"),
    helper('''
        def $fn($x):
            if $x.startswith(".."):
                return None
            return Path($base) / $x
    ''', shape="path"),
)
LISTED = (
    helper('''
        def $fn($x):
            if $x not in os.listdir($base):
                raise FileNotFoundError($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = {$b.name for $b in Path($base).iterdir() if $b.is_file()}
            return $x in $a
    ''', "bool"),
)
RESOLVED_UNUSED = (
    helper('''
        def $fn($x):
            $a = (Path($base) / $x).resolve()
            if Path($base).resolve() not in $a.parents:
                logger.warning("path outside base: %s", $a)
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = os.path.realpath(os.path.join($base, $x))
            $b = $a.startswith(os.path.realpath($base))
            return $x
    '''),
)
SECURE_NAME = (
    helper('''
        def $fn($x):
            $a = secure_filename($x)
            if not $a:
                raise ValueError("empty file name")
            return $a
    '''),
    helper('''
        def $fn($x):
            return get_valid_filename($x)
    '''),
)

FAMILIES = (
    sanitiser("path-resolved-prefix", SINK, False, "path-check", None, RESOLVED_PREFIX),
    sanitiser("path-basename", SINK, False, "path-check", None, BASENAME),
    sanitiser("path-numbered", SINK, False, "type-cast", None, NUMBERED),
    sanitiser("path-replace-dots", SINK, True, "look-alike", None, REPLACE_DOTS),
    sanitiser("path-lstrip", SINK, True, "look-alike", None, LSTRIP),
    sanitiser("path-join-only", SINK, True, "no-check", None, JOIN_ONLY),
    sanitiser("path-unchecked", SINK, True, "no-check", None),
    sanitiser("path-prefix-no-sep", SINK, True, "partial-check", None, PREFIX_NO_SEP),
    sanitiser("path-dots-only", SINK, True, "partial-check", None, DOTS_ONLY),
    sanitiser("path-listed", SINK, False, "allow-list", None, LISTED),
    sanitiser("path-resolved-unused", SINK, True, "check-ignored", None, RESOLVED_UNUSED),
    sanitiser("path-secure-name", SINK, False, "path-check", None, SECURE_NAME),
    sanitiser("path-resolved-parents", SINK, False, "path-check", "validation", RESOLVED_PARENTS),
    sanitiser("path-dots-logged", SINK, True, "check-ignored", "validation", DOTS_LOGGED, ignored=True),
    sanitiser("path-name-list", SINK, False, "allow-list", "test", NAME_LIST),
    sanitiser("path-normpath", SINK, True, "partial-check", "test", NORMPATH),
)
