"""More SSRF training families: other ways real code keeps a server-side fetch on listed hosts (or
only seems to). Safe when the parsed host must be listed (and the URL is used or rebuilt from the
checked parts), the URL is picked by a provider key, the value is only encoded into a fixed API
URL, or the address must be a literal in a listed network; real when only IP literals are
blocked (a DNS name still reaches internal hosts), the host is cut out of the text by hand
(`user:pw@` fools it), a host is glued on without a slash, or the check's answer is dropped."""

from __future__ import annotations

from training.judgements.handlers import helper, sanitiser
from training.judgements.web import SSRF

# The parsed host must be one of the listed ones; styles: walrus, match/case, a rebuilt URL.
PARSED_HOST = (
    helper('''
        def $fn($x):
            if ($a := urlsplit($x)).hostname not in $hosts or $a.scheme != "https":
                raise PermissionError(f"host not allowed: {$x}")
            return $x
    '''),
    helper('''
        def $fn($x):
            match urlsplit($x):
                case SplitResult(scheme="https" | "http", hostname=$b) if $b in $hosts:
                    return $x
                case _:
                    raise ValueError("unexpected webhook host")
    '''),
    helper('''
        def $fn($x):
            $a = urlsplit($x)
            $b = ($a.hostname or "").rstrip(".")
            if $b not in frozenset($hosts):
                return None
            return urlunsplit(("https", $b, $a.path, $a.query, ""))
    '''),
    helper('''
        def $fn($x):
            $a = urlparse($x)
            $c = {$b.lower() for $b in $hosts}
            return $a.scheme in {"http", "https"} and ($a.hostname or "") in $c
    ''', "bool"),
)
# A provider key picks a URL the program wrote: Enum, match/case, a tuple index.
PROVIDER_KEY = (
    helper('''
        def $fn($x):
            return Provider[$x.upper()].value
    '''),
    helper('''
        def $fn($x):
            match $x:
                case "stripe":
                    return "https://api.stripe.com/v1/events"
                case "github":
                    return "https://api.github.com/meta"
            raise ValueError(f"unknown provider {$x}")
    '''),
    helper('''
        def $fn($x):
            $a = ("rss", "atom", "json")
            return f"https://$domain/{$a[$a.index($x)]}"
    '''),
)
# The value is only encoded into the query or one path segment of a fixed API URL.
ENCODED_INTO_API = (
    helper('''
        def $fn($x):
            return "https://$domain/q?" + urlencode({"q": $x})
    '''),
    helper('''
        def $fn($x):
            $a = quote($x, safe="")
            return f"https://$domain/u/{$a}"
    '''),
    helper('''
        def $fn($x):
            $a = "https://$domain/api"
            return $a + "?" + urlencode([("name", $x), ("format", "json")])
    '''),
)
# Only an IP literal inside a listed network passes; a DNS name fails `ip_address` and is refused.
LISTED_NETWORK = (
    helper('''
        def $fn($x):
            $a = ipaddress.ip_address(urlsplit($x).hostname or "")
            if not any($a in ipaddress.ip_network($b) for $b in PARTNER_NETWORKS):
                raise PermissionError(str($a))
            return $x
    '''),
    helper('''
        def $fn($x):
            try:
                $a = ipaddress.ip_address(urlparse($x).hostname)
            except (TypeError, ValueError):
                return False
            return $a in ipaddress.ip_network("203.0.113.0/24")
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = urlsplit($x)
            $b = ipaddress.IPv4Address($a.hostname)
            return $x if $b in PARTNER_RANGE else None
    '''),
)
# Only IP literals are refused; "metadata.internal" or a name that resolves to 10.0.0.5 passes.
LITERAL_BLOCKLIST = (
    helper('''
        def $fn($x):
            $a = urlsplit($x).hostname or ""
            try:
                if ipaddress.ip_address($a).is_private:
                    raise PermissionError("private address")
            except ValueError:
                pass
            return $x
    '''),
    helper(r'''
        def $fn($x):
            $a = urlparse($x).hostname or ""
            if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", $a) and not ipaddress.ip_address($a).is_global:
                return False
            return True
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = urlsplit($x).hostname
            if $a and $a.replace(".", "").isdigit():
                if ipaddress.IPv4Address($a).is_loopback:
                    raise ValueError("loopback")
            return $x
    '''),
)
# The host is cut out of the text by hand; "https://api.host:1@evil.com/" reads as api.host.
HAND_PARSED_HOST = (
    helper('''
        def $fn($x):
            $a = $x.split("/")[2].split(":")[0]
            if $a not in $hosts:
                raise ValueError($a)
            return $x
    '''),
    helper(r'''
        def $fn($x):
            $a = re.search(r"https?://([^/:]+)", $x)
            return bool($a) and $a.group(1) in $hosts
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = $x.partition("://")[2].partition("/")[0]
            $b = $a.partition(":")[0].lower()
            return $x if $b in $hosts else None
    '''),
)
# A host is glued on without a slash: "@evil.com" or ".evil.com" picks another host.
HOST_GLUED = (
    helper('''
        def $fn($x):
            return "https://$domain" + $x
    '''),
    helper('''
        def $fn($x):
            return f"https://$domain{$x.strip()}"
    '''),
    helper('''
        def $fn($x):
            $a = settings.API_BASE.rstrip("/")
            return "%s%s" % ($a, $x)
    '''),
)
# The host check runs, but its answer is never what stops the fetch.
ANSWER_DROPPED = (
    helper('''
        def $fn($x):
            $a = urlsplit($x).hostname in $hosts
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = urlparse($x)
            if $a.hostname not in $hosts:
                $b = None
            return $x
    '''),
    helper('''
        def $fn($x):
            def _host_listed($c):
                return urlsplit($c).hostname in $hosts
            _host_listed($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            with contextlib.suppress(PermissionError):
                if urlsplit($x).hostname not in $hosts:
                    raise PermissionError($x)
            return $x
    '''),
)

FAMILIES = (
    sanitiser("ssrf-parsed-host", SSRF, False, "host-check", None, PARSED_HOST),
    sanitiser("ssrf-provider-key", SSRF, False, "allow-list", None, PROVIDER_KEY),
    sanitiser("ssrf-encoded-into-api", SSRF, False, "escaped", None, ENCODED_INTO_API),
    sanitiser("ssrf-listed-network", SSRF, False, "host-check", None, LISTED_NETWORK),
    sanitiser("ssrf-literal-blocklist", SSRF, True, "partial-check", None, LITERAL_BLOCKLIST),
    sanitiser("ssrf-hand-parsed-host", SSRF, True, "partial-check", None, HAND_PARSED_HOST),
    sanitiser("ssrf-host-glued", SSRF, True, "look-alike", None, HOST_GLUED),
    sanitiser("ssrf-answer-dropped", SSRF, True, "check-ignored", None, ANSWER_DROPPED),
)
