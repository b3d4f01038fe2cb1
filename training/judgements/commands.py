"""Command injection: a user-supplied value put into a shell command. Safe when it is quoted with
`shlex.quote`, cast to a number, picked from a fixed set of commands or must match a strict
pattern as a whole; real when a few separators are removed or blocked, the pattern is not
anchored, the value is wrapped in quotes by hand, or the check only logs."""

from __future__ import annotations

import random

from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser


def _names(rng: random.Random) -> dict[str, str]:
    return {"commands": rng.choice(("COMMANDS", "TOOLS", "ACTIONS", "settings.ADMIN_COMMANDS"))}


def _lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    c = names["c"]
    if shape == "cmd":
        command = value
    else:
        program = rng.choice(("ping -c 1", "nslookup", "du -sh", "convert", "git log -n", "tar czf backup.tgz", "whois"))
        forms = [f'f"{program} {{{value}}}"', f'"{program} %s" % {value}']
        command = rng.choice(forms + ([f'"{program} " + {value}'] if shape == "arg" else []))
    return rng.choice((
        [f"os.system({command}){MARK}", "return \"ok\""],
        [f"{c} = subprocess.run({command}, shell=True, capture_output=True){MARK}", f"return {c}.stdout"],
        [f"return os.popen({command}).read(){MARK}"],
        [f"{c} = subprocess.check_output({command}, shell=True){MARK}", f"return {c}.decode()"],
        [f"subprocess.call({command}, shell=True){MARK}"],
    ))


SINK = Sink("command-injection", ("host", "target", "name", "count", "ref", "archive", "domain", "tool", "arg"),
            ("ping_host", "lookup", "disk_usage", "make_thumbnail", "run_tool", "diagnose", "export"),
            _names, _lines, shape="arg")

QUOTED = (
    helper('''
        def $fn($x):
            return shlex.quote($x)
    '''),
    helper('''
        def $fn($x):
            $a = $x.strip()
            return quote($a)
    '''),
    helper('''
        def $fn($x):
            return " ".join(shlex.quote($a) for $a in $x.split())
    '''),
)
NUMBER = (
    helper('''
        def $fn($x):
            return int($x)
    ''', shape="num"),
    helper('''
        def $fn($x, $b=1):
            try:
                return int($x)
            except (TypeError, ValueError):
                return $b
    ''', shape="num"),
    helper('''
        def $fn($x):
            return max(1, min(int($x), 10))
    ''', shape="num"),
    helper('''
        def $fn($x):
            return str(int($x))
    '''),
)
COMMAND_MAP = (
    helper('''
        def $fn($x):
            $a = {"disk": "df -h", "memory": "free -m", "uptime": "uptime"}
            return $a[$x]
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            if $x not in $commands:
                raise ValueError($x)
            return $commands[$x]
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            if $x not in ("gzip", "bzip2", "xz"):
                raise ValueError("unknown tool")
            return $x
    '''),
)
FULLMATCH = (
    helper('''
        def $fn($x):
            if not re.fullmatch(r"[a-z0-9.-]+", $x):
                raise ValueError($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            return re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", $x) is not None
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = re.compile(r"[\\w.-]+")
            return $x if $a.fullmatch($x) else "localhost"
    '''),
)
CHAR_ALLOW = (
    helper('''
        def $fn($x):
            $a = string.ascii_letters + string.digits + ".-"
            if not all($b in $a for $b in $x):
                raise ValueError("bad host")
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x.isdigit()
    ''', "bool"),
    helper('''
        def $fn($x):
            for $b in $x:
                if not ($b.isascii() and ($b.isalnum() or $b in "._-")):
                    return False
            return True
    ''', "bool"),
)
SEPARATORS = (
    helper('''
        def $fn($x):
            return $x.replace(";", "")
    '''),
    helper('''
        def $fn($x):
            return $x.replace("&&", "").replace(";", "")
    '''),
    helper('''
        def $fn($x):
            for $a in (";", "|"):
                $x = $x.replace($a, "")
            return $x.strip()
    '''),
)
UNANCHORED = (
    helper('''
        def $fn($x):
            if not re.match(r"[a-z0-9.-]+", $x):
                raise ValueError($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            return bool(re.search(r"^[\\w.]+", $x))
    ''', "bool"),
    helper('''
        def $fn($x):
            return re.search(r"[a-z0-9]", $x) is not None
    ''', "bool"),
)
BLOCKLIST = (
    helper('''
        def $fn($x):
            if any($a in $x for $a in ";&|"):
                raise ValueError("bad characters")
            return $x
    '''),
    helper('''
        def $fn($x):
            return not re.search(r"[;&|]", $x)
    ''', "bool"),
    helper('''
        def $fn($x):
            if set($x) & set(";&|<>"):
                raise ValueError("shell characters")
            return $x
    '''),
    helper('''
        def $fn($x):
            return not any(map($x.__contains__, (";", "&&", "||", "|")))
    ''', "bool"),
)
HAND_QUOTED = (
    helper('''
        def $fn($x):
            return f'"{$x}"'
    '''),
    helper('''
        def $fn($x):
            return "'" + $x.strip() + "'"
    '''),
)
LOGGED = (
    helper('''
        def $fn($x):
            if not re.fullmatch(r"[a-z0-9.-]+", $x):
                logger.warning("odd argument %s", $x)
            return $x
    '''),
    FULLMATCH[1],
)

ADDRESS = (
    helper('''
        def $fn($x):
            return str(ipaddress.ip_address($x.strip()))
    '''),
    helper('''
        def $fn($x):
            try:
                return ipaddress.ip_network($x, strict=False).with_prefixlen
            except ValueError:
                raise ValueError("not an address") from None
    '''),
)
JOINED = (
    helper('''
        def $fn($x):
            return shlex.join(["git", "log", "-n", "5", "--", $x])
    ''', shape="cmd"),
    helper('''
        def $fn($x):
            $a = ["nslookup", $x]
            return " ".join(map(shlex.quote, $a))
    ''', shape="cmd"),
)
DOUBLE_QUOTED = (
    helper('''
        def $fn($x):
            return '"' + shlex.quote($x) + '"'
    '''),
    helper('''
        def $fn($x):
            return f'"{$x}"'
    '''),
)
ASCII_ONLY = (
    helper('''
        def $fn($x):
            return $x.isascii() and $x.isprintable()
    ''', "bool"),
    helper('''
        def $fn($x):
            if len($x) > 64 or not $x:
                raise ValueError("bad length")
            return $x
    '''),
)

FAMILIES = (
    sanitiser("cmd-shlex-quote", SINK, False, "escaped", None, QUOTED),
    sanitiser("cmd-number", SINK, False, "type-cast", None, NUMBER),
    sanitiser("cmd-command-map", SINK, False, "allow-list", None, COMMAND_MAP),
    sanitiser("cmd-strip-separators", SINK, True, "look-alike", None, SEPARATORS),
    sanitiser("cmd-unanchored-regex", SINK, True, "partial-check", None, UNANCHORED),
    sanitiser("cmd-unchecked", SINK, True, "no-check", None),
    sanitiser("cmd-blocklist", SINK, True, "partial-check", None, BLOCKLIST),
    sanitiser("cmd-address", SINK, False, "type-cast", None, ADDRESS),
    sanitiser("cmd-joined-quoted", SINK, False, "escaped", None, JOINED),
    sanitiser("cmd-double-quoted", SINK, True, "look-alike", None, DOUBLE_QUOTED),
    sanitiser("cmd-ascii-only", SINK, True, "partial-check", None, ASCII_ONLY),
    sanitiser("cmd-fullmatch", SINK, False, "pattern-check", "validation", FULLMATCH),
    sanitiser("cmd-check-logged", SINK, True, "check-ignored", "validation", LOGGED, ignored=True),
    sanitiser("cmd-char-allow-list", SINK, False, "pattern-check", "test", CHAR_ALLOW),
    sanitiser("cmd-hand-quoted", SINK, True, "look-alike", "test", HAND_QUOTED),
)
