"""More command-injection training families that are real: ways real code seems to make a value
safe for a shell but does not. It is escaped for another language (HTML, regex, Windows argv),
`shlex.quote` covers only part of it or its quotes are undone, a check's failure is swallowed or
its result dropped, only a prefix, suffix or first word is checked, the command is built by
joining or templating with no quoting, or the value is only trimmed, lowered or unquoted."""

from __future__ import annotations

from training.judgements.commands import SINK
from training.judgements.handlers import helper, sanitiser

# Escaped for the wrong reader: none of these touches `;`, `$(...)` or a backtick.
WRONG_ESCAPER = (
    helper('''
        def $fn($x):
            return html.escape($x)
    '''),
    helper('''
        def $fn($x):
            return re.escape($x)
    '''),
    helper('''
        def $fn($x):
            return subprocess.list2cmdline([$x])
    '''),
    helper(r'''
        def $fn($x):
            return $x.replace(" ", "\\ ")
    '''),
)
# `shlex.quote` covers only one part of the value, or its quotes are undone afterwards.
QUOTE_PARTIAL = (
    helper('''
        def $fn($x):
            $a, _, $b = $x.partition(" ")
            return shlex.quote($a) + " " + $b
    '''),
    helper('''
        def $fn($x):
            $a, $b = $x.rsplit(":", 1) if ":" in $x else ($x, "22")
            return f"{shlex.quote($a)} -p {$b}"
    '''),
    helper('''
        def $fn($x):
            return shlex.quote($x).replace("'", '"')
    '''),
    helper('''
        def $fn($x):
            return shlex.quote($x).strip("'")
    '''),
)
# A check runs but its failure is swallowed or its result dropped; the raw value goes on.
CHECK_DISCARDED = (
    helper('''
        def $fn($x):
            try:
                ipaddress.ip_address($x)
            except ValueError:
                pass
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = shlex.quote($x)
            logger.debug("running with %s", $a)
            return $x
    '''),
    helper('''
        def $fn($x):
            def _is_uuid($c):
                try:
                    uuid.UUID($c)
                    return True
                except ValueError:
                    return False
            _is_uuid($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            with contextlib.suppress(ValueError):
                int($x)
            return $x
    '''),
)
# Only a prefix, a suffix or the first word is checked: "uptime ; id" starts with "uptime".
EDGE_CHECK = (
    helper('''
        def $fn($x):
            if not $x.startswith(("https://github.com/", "git@github.com:")):
                raise ValueError("unknown remote")
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x.endswith(".example.com")
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = $x.split()
            if not $a or $a[0] not in $commands:
                raise PermissionError($x)
            return $x
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            return $x if $x.rsplit(".", 1)[-1] in {"com", "org", "net"} else None
    '''),
)
# The helper builds the whole command by joining or templating; nothing quotes the value.
BUILT_STRING = (
    helper('''
        def $fn($x):
            return " ".join(["nslookup", "-type=MX", $x])
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            return string.Template("convert $$src thumb.png").safe_substitute(src=$x)
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            return "%(bin)s --host %(host)s" % {"bin": "/usr/bin/whois", "host": $x}
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            $a = ["du", "-sh"]
            $a.append(os.path.join("/srv/data", $x))
            return " ".join($a)
    ''', shape="cmd"),
)
# The value is trimmed, lowered or stripped of quotes: `;` and `$(...)` survive all of it.
TRIMMED = (
    helper('''
        def $fn($x):
            return $x.strip()[:64]
    '''),
    helper('''
        def $fn($x):
            return $x.replace('"', "").replace("'", "")
    '''),
    helper('''
        def $fn($x):
            return unicodedata.normalize("NFKC", $x).lower()
    '''),
    helper('''
        def $fn($x):
            return " ".join($x.split())
    '''),
)

FAMILIES = (
    sanitiser("cmd-wrong-escaper", SINK, True, "look-alike", None, WRONG_ESCAPER),
    sanitiser("cmd-quote-partial", SINK, True, "look-alike", None, QUOTE_PARTIAL),
    sanitiser("cmd-check-discarded", SINK, True, "check-ignored", None, CHECK_DISCARDED),
    sanitiser("cmd-edge-check", SINK, True, "partial-check", None, EDGE_CHECK),
    sanitiser("cmd-built-string", SINK, True, "no-check", None, BUILT_STRING),
    sanitiser("cmd-trimmed", SINK, True, "look-alike", None, TRIMMED),
)
