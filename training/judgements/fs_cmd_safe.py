"""More command-injection training families that are not real: other ways real code keeps a user's
value from changing a shell command. Safe when the value is parsed into a date, UUID or number,
picked from program values (Enum, match/case, a loop over a tuple, `dict.get` with a default),
encoded into an alphabet the shell ignores (base64, hex, percent-encoding with no safe
characters), only decides which program constant is used, or quoted with `shlex.quote` where
the helper builds the whole command."""

from __future__ import annotations

from training.judgements.commands import SINK
from training.judgements.handlers import helper, sanitiser

# The value is parsed into a date, UUID or number; the shell gets that object's text.
PARSED_VALUE = (
    helper('''
        def $fn($x):
            return datetime.date.fromisoformat($x)
    ''', shape="num"),
    helper('''
        def $fn($x):
            if ($a := uuid.UUID($x)).version != 4:
                raise ValueError("expected a v4 id")
            return $a
    ''', shape="num"),
    helper('''
        def $fn($x):
            try:
                $a = float($x)
            except ValueError:
                raise ValueError("not a number") from None
            return round($a, 2)
    ''', shape="num"),
    helper('''
        def $fn($x):
            return Decimal($x).quantize(Decimal("0.01"))
    ''', shape="num"),
)
# The value must equal one the program wrote, and that value is what is used.
PROGRAM_CHOICE = (
    helper('''
        def $fn($x):
            return Compression($x).value
    '''),
    helper('''
        def $fn($x):
            match $x.lower():
                case "daily" | "weekly":
                    return f"--period={$x.lower()}"
                case "monthly":
                    return "--period=monthly"
                case _:
                    raise ValueError($x)
    '''),
    helper('''
        def $fn($x):
            return {"fast": "-1", "best": "-9"}.get($x, "-6")
    '''),
    helper('''
        def $fn($x):
            for $a in ("gzip", "bzip2", "xz", "zstd"):
                if $x == $a:
                    return $a
            raise ValueError(f"unsupported codec {$x}")
    '''),
)
# The value is encoded into letters, digits and a few characters the shell gives no meaning.
ENCODED = (
    helper('''
        def $fn($x):
            return base64.b64encode($x.encode()).decode()
    '''),
    helper('''
        def $fn($x):
            return $x.encode("utf-8").hex()
    '''),
    helper('''
        def $fn($x):
            return urllib.parse.quote($x, safe="")
    '''),
    helper('''
        def $fn($x):
            $a = base64.urlsafe_b64encode($x.encode())
            return $a.rstrip(b"=").decode("ascii")
    '''),
)
# The value only decides which program constant goes into the command.
FLAG_CONSTANT = (
    helper('''
        def $fn($x):
            return "--verbose" if $x in ("1", "true", "yes") else "--quiet"
    '''),
    helper('''
        def $fn($x):
            $a = {True: "-r", False: ""}
            return $a[$x.lower() == "on"]
    '''),
    helper('''
        def $fn($x):
            if $x and $x.strip().lower() not in {"0", "false", "no"}:
                return "--dry-run"
            return ""
    '''),
    helper('''
        def $fn($x):
            logger.info("requested %s, using configured host", $x)
            return settings.PING_TARGET
    '''),
)
# The helper builds the whole command and quotes the user's part with `shlex.quote`.
QUOTED_IN_BUILDER = (
    helper('''
        def $fn($x):
            $a = ["convert", shlex.quote($x), "-resize", "50%", "thumb.png"]
            return " ".join($a)
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            return " ".join(["nslookup", "-type=MX"] + [shlex.quote($x)])
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            def _q($c):
                return shlex.quote(str($c))
            return f"tar czf /tmp/out.tgz -- {_q($x)}"
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            return "git log --author=" + shlex.quote($x.strip())
    ''', shape="cmd"),
)

FAMILIES = (
    sanitiser("cmd-parsed-value", SINK, False, "type-cast", None, PARSED_VALUE),
    sanitiser("cmd-program-choice", SINK, False, "allow-list", None, PROGRAM_CHOICE),
    sanitiser("cmd-encoded", SINK, False, "escaped", None, ENCODED),
    sanitiser("cmd-flag-constant", SINK, False, "constant", None, FLAG_CONSTANT),
    sanitiser("cmd-quoted-in-builder", SINK, False, "escaped", None, QUOTED_IN_BUILDER),
)
