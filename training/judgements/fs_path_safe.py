"""More path-traversal training families that are not real: other ways real code keeps a user's
file name inside its folder. Safe when a library join refuses to leave the folder (werkzeug's or
Django's `safe_join`, a storage's `path`), every component is checked (no `..`, not absolute),
the name may hold no separator and is no dot-name, the name is parsed as a UUID, date or number
and rebuilt, the path comes from a record the program wrote, or every character outside a small
set (dots and slashes included) is replaced."""

from __future__ import annotations

from training.judgements.handlers import helper, sanitiser
from training.judgements.paths import SINK

# A library join that refuses (None or an exception) any path leaving the folder.
LIBRARY_JOIN = (
    helper('''
        def $fn($x):
            $a = werkzeug.utils.safe_join($base, $x)
            if $a is None:
                raise NotFound()
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x):
            if ($a := werkzeug.security.safe_join(str($base), $x)) is None:
                abort(404)
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x):
            try:
                return _os.safe_join($base, $x)
            except SuspiciousFileOperation:
                logger.warning("blocked path %s", $x)
                return None
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = FileSystemStorage(location=$base)
            return $a.path($x)
    ''', shape="path"),
)
# Each component is looked at: no `..` part and no leading `/` (an empty first part).
COMPONENTS = (
    helper('''
        def $fn($x):
            $a = PurePosixPath($x)
            if $a.is_absolute() or ".." in $a.parts:
                raise ValueError("bad path")
            return str($a)
    '''),
    helper('''
        def $fn($x):
            for $a in $x.split("/"):
                if $a in ("", ".", ".."):
                    return False
            return True
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = $x.split(os.sep)
            if os.path.isabs($x) or os.pardir in $a:
                raise PermissionError($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = $x.split("/")
            match $a:
                case ["", *_]:
                    raise ValueError("absolute path")
                case _ if ".." in $a:
                    raise ValueError("parent folder")
            return $x
    '''),
)
# A plain file name only: no separator at all, and not "." or "..".
NO_SEPARATOR = (
    helper('''
        def $fn($x):
            if os.sep in $x or $x in (os.curdir, os.pardir):
                raise ValueError("not a plain file name")
            return $x
    '''),
    helper(r'''
        def $fn($x):
            return bool($x) and "/" not in $x and "\\" not in $x and not $x.startswith(".")
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = PurePath($x)
            if $a.name != $x or $a.name in {"", ".", ".."}:
                return None
            return $a.name
    '''),
    helper(r'''
        def $fn($x):
            if re.search(r"[/\\]", $x) or $x.strip(".") == "":
                raise SuspiciousFileOperation($x)
            return $x
    '''),
)
# The name is parsed into a UUID, a date or a number and the file name is rebuilt from it.
PARSED_NAME = (
    helper('''
        def $fn($x):
            return f"{uuid.UUID($x)}.json"
    '''),
    helper('''
        def $fn($x):
            $a = datetime.date.fromisoformat($x)
            return os.path.join($base, "daily", $a.strftime("%Y-%m-%d") + ".log")
    ''', shape="path"),
    helper('''
        def $fn($x):
            return "%08x.bin" % int($x, 16)
    '''),
    helper('''
        def $fn($x):
            try:
                $a = uuid.UUID(hex=$x)
            except ValueError:
                return None
            return $a.hex + ".pdf"
    '''),
)
# The path comes from a record the program wrote; the user's value only picks the record.
RECORD_LOOKUP = (
    helper('''
        def $fn($x):
            $a = get_object_or_404(Attachment, token=$x)
            return $a.file.path
    ''', shape="path"),
    helper('''
        def $fn($x):
            with open(MANIFEST_PATH) as $a:
                $b = json.load($a)
            if $x not in $b:
                raise FileNotFoundError($x)
            return $b[$x]
    '''),
    helper('''
        def $fn($x):
            $a = {os.path.basename($b): $b for $b in glob.glob(os.path.join($base, "*.csv"))}
            return $a.get($x)
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = db.execute("SELECT path FROM exports WHERE id = ?", ($x,)).fetchone()
            if $a is None:
                raise LookupError($x)
            return $a[0]
    ''', shape="path"),
)
# Every character but letters, digits, `_` and `-` is replaced or dropped: no dot, no slash.
SLUG_NAME = (
    helper('''
        def $fn($x):
            return re.sub(r"[^A-Za-z0-9_-]", "_", $x) + ".txt"
    '''),
    helper('''
        def $fn($x):
            return slugify($x) + ".html"
    '''),
    helper('''
        def $fn($x):
            $a = re.sub(r"[^\\w-]", "", $x)[:64]
            return ($a or "untitled") + ".md"
    '''),
)

FAMILIES = (
    sanitiser("path-library-join", SINK, False, "path-check", None, LIBRARY_JOIN),
    sanitiser("path-components", SINK, False, "path-check", None, COMPONENTS),
    sanitiser("path-no-separator", SINK, False, "path-check", None, NO_SEPARATOR),
    sanitiser("path-parsed-name", SINK, False, "type-cast", None, PARSED_NAME),
    sanitiser("path-record-lookup", SINK, False, "allow-list", None, RECORD_LOOKUP),
    sanitiser("path-slug-name", SINK, False, "path-check", None, SLUG_NAME),
)
