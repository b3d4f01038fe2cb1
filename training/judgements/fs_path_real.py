"""More path-traversal training families that are real: ways real code seems to keep a file name
inside its folder but does not. The check runs before the value is decoded (percent, base64,
NFKC, backslashes), only the extension is checked, characters are scrubbed but `.` and `/` kept,
the containment check's failure is swallowed, only the last component is cleaned, the name goes
under a per-user folder unchecked, or an extension is forced onto it (`../../x` + `.json`)."""

from __future__ import annotations

from training.judgements.handlers import helper, sanitiser
from training.judgements.paths import SINK

# The check looks at the value before it is decoded: "%2e%2e%2f" or "..\\" passes, then becomes "../".
DECODED_AFTER = (
    helper('''
        def $fn($x):
            if $x.startswith(("/", "..")) or "/../" in $x:
                raise ValueError("bad path")
            return unquote($x)
    '''),
    helper(r'''
        def $fn($x):
            if re.search(r"\.\.[/\\]", $x):
                return None
            return unicodedata.normalize("NFKC", $x)
    '''),
    helper('''
        def $fn($x):
            if os.pardir in $x:
                raise PermissionError($x)
            return base64.urlsafe_b64decode($x).decode()
    '''),
    helper(r'''
        def $fn($x):
            if "../" in $x:
                raise ValueError("traversal")
            return $x.replace("\\", "/")
    '''),
)
# Only the extension is checked: "../../other/invoice.pdf" ends in ".pdf" too.
EXTENSION_ONLY = (
    helper('''
        def $fn($x):
            if not $x.lower().endswith((".png", ".jpg", ".gif")):
                raise ValueError("not an image")
            return $x
    '''),
    helper('''
        def $fn($x):
            return Path($x).suffix in {".pdf", ".docx"}
    ''', "bool"),
    helper('''
        def $fn($x):
            $a, $b = os.path.splitext($x)
            if $b.lower() not in ALLOWED_EXTENSIONS:
                return None
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x if mimetypes.guess_type($x)[0] == "application/pdf" else None
    '''),
)
# Characters are scrubbed, but `.` and `/` are kept, so `../` survives.
CHAR_SCRUB = (
    helper('''
        def $fn($x):
            return re.sub(r"[^\\w./-]", "", $x)
    '''),
    helper('''
        def $fn($x):
            return $x.translate(str.maketrans("", "", '<>:"|?*'))
    '''),
    helper('''
        def $fn($x):
            $a = "".join($b for $b in $x if $b.isprintable())
            return $a.strip()
    '''),
    helper('''
        def $fn($x):
            return re.sub(r"\\s+", "_", $x.strip()).lower()
    '''),
)
# The containment check raises, but its failure is swallowed on the way out.
CHECK_SWALLOWED = (
    helper('''
        def $fn($x):
            $a = os.path.realpath(os.path.join($base, $x))
            try:
                if os.path.commonpath([$a, os.path.realpath($base)]) != os.path.realpath($base):
                    raise PermissionError($x)
            except (PermissionError, ValueError):
                pass
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x):
            def _inside($c):
                if not os.path.realpath($c).startswith(os.path.realpath($base) + os.sep):
                    raise PermissionError($c)
            $a = os.path.join($base, $x)
            try:
                _inside($a)
            except Exception:
                pass
            return $a
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = os.path.abspath(os.path.join($base, $x))
            with contextlib.suppress(ValueError):
                if os.path.relpath($a, $base).startswith(os.pardir):
                    raise ValueError("outside base")
            return $a
    ''', shape="path"),
)
# Only the last component is cleaned; the folder part keeps its "../..".
TAIL_ONLY = (
    helper('''
        def $fn($x):
            $a, $b = os.path.split($x)
            return os.path.join($a, secure_filename($b))
    '''),
    helper('''
        def $fn($x):
            $a = Path($x)
            return str($a.with_name($a.name.replace(" ", "_")))
    '''),
    helper('''
        def $fn($x):
            *$a, $b = $x.split("/")
            $b = re.sub(r"[^A-Za-z0-9_.-]", "_", $b)
            return "/".join([*$a, $b])
    '''),
    helper('''
        def $fn($x):
            return os.path.join(os.path.dirname($x), os.path.basename($x).lower())
    '''),
)
# The name goes under a per-user or per-day folder, which looks like isolation but checks nothing.
SCOPED_FOLDER = (
    helper('''
        def $fn($x):
            return os.path.join($base, str(current_user.id), $x)
    ''', shape="path"),
    helper('''
        def $fn($x):
            return Path($base) / g.user.username / $x
    ''', shape="path"),
    helper('''
        def $fn($x):
            $a = datetime.date.today().strftime("%Y/%m")
            return os.path.join($base, $a, $x)
    ''', shape="path"),
    helper('''
        def $fn($x, $b="default"):
            return os.path.join($base, "tenants", $b, $x)
    ''', shape="path"),
)
# An extension is forced onto the name: "../../../etc/app/secrets" + ".json" is still outside.
SUFFIX_FORCED = (
    helper('''
        def $fn($x):
            return $x + ".json"
    '''),
    helper('''
        def $fn($x):
            return f"{$x.strip()}.md"
    '''),
    helper('''
        def $fn($x):
            return str(Path($x).with_suffix(".txt"))
    '''),
)

FAMILIES = (
    sanitiser("path-decoded-after-check", SINK, True, "partial-check", None, DECODED_AFTER),
    sanitiser("path-extension-only", SINK, True, "partial-check", None, EXTENSION_ONLY),
    sanitiser("path-char-scrub", SINK, True, "look-alike", None, CHAR_SCRUB),
    sanitiser("path-check-swallowed", SINK, True, "check-ignored", None, CHECK_SWALLOWED),
    sanitiser("path-tail-only", SINK, True, "look-alike", None, TAIL_ONLY),
    sanitiser("path-scoped-folder", SINK, True, "no-check", None, SCOPED_FOLDER),
    sanitiser("path-suffix-forced", SINK, True, "look-alike", None, SUFFIX_FORCED),
)
