"""More open-redirect training families: other ways real code keeps a redirect on-site (or only
seems to). Safe when only exact listed paths, a strict path pattern, a fixed `scheme://host/`
prefix or a query-string slot can carry the value, or the helper returns constants; real when a
`//` can be formed (a `/` added in front, a host glued on without a slash, a join that keeps an
absolute URL), the check runs before the text is decoded, or its answer is dropped."""

from __future__ import annotations

from training.judgements.handlers import helper, sanitiser
from training.judgements.redirects import SINK

# Exact paths only, written as match/case, an Enum, a generator and a frozen set.
PATH_MATCH = (
    helper('''
        def $fn($x):
            match $x:
                case "/" | "/account" | "/orders":
                    return $x
                case _:
                    return $fallback
    '''),
    helper('''
        def $fn($x):
            try:
                return Landing($x).value
            except ValueError:
                return $fallback
    '''),
    helper('''
        def $fn($x):
            return next(($a for $a in $paths if $a == $x), $fallback)
    '''),
    helper('''
        def $fn($x):
            $a = frozenset($paths)
            if $x not in $a:
                raise ValueError(f"unexpected next page {$x!r}")
            return $x
    '''),
)
# The value only fills a query-string slot or one encoded path segment of an on-site URL.
QUERY_ENCODED = (
    helper('''
        def $fn($x):
            return "/login?" + urlencode({"next": $x})
    '''),
    helper('''
        def $fn($x):
            return url_for("search", q=$x)
    '''),
    helper('''
        def $fn($x):
            $a = quote($x, safe="")
            return f"/profile/{$a}/"
    '''),
    helper('''
        def $fn($x):
            $a = reverse("orders:list")
            return f"{$a}?{urlencode({'filter': $x})}"
    '''),
)
# A fixed scheme://host/ comes first, so whatever follows is only a path on this site.
SITE_BASE = (
    helper('''
        def $fn($x):
            return "https://$domain/" + $x.lstrip("/")
    '''),
    helper('''
        def $fn($x):
            return f"{request.host_url}{$x.lstrip('/')}"
    '''),
    helper('''
        def $fn($x):
            $a = "https://$domain"
            return "%s/%s" % ($a, $x.lstrip("/"))
    '''),
    helper('''
        def $fn($x):
            $a = request.build_absolute_uri("/")
            return $a + $x.lstrip("/")
    '''),
)
# Each segment must be word characters: no `//`, no backslash, no scheme, no host.
PATH_PATTERN = (
    helper(r'''
        def $fn($x):
            if not re.fullmatch(r"/(?:[\w-]+/?)*", $x):
                return $fallback
            return $x
    '''),
    helper(r'''
        def $fn($x):
            return re.match(r"/(?:[a-z0-9_-]+/)*[a-z0-9_-]*\Z", $x) is not None
    ''', "bool"),
    helper(r'''
        def $fn($x):
            $a = re.compile(r"(?:/[A-Za-z0-9_-]+)+/?")
            if $a.fullmatch($x) is None:
                raise ValueError("not a local path")
            return $x
    '''),
)
# The helper reads the value but only ever returns a URL the program wrote.
CONSTANT_TARGET = (
    helper('''
        def $fn($x):
            logger.info("next requested: %s", $x)
            return $fallback
    '''),
    helper('''
        def $fn($x):
            return "/account" if $x.startswith("/account") else "/"
    '''),
    helper('''
        def $fn($x):
            $a = {True: "/dashboard", False: "/welcome"}
            return $a[bool($x)]
    '''),
)
# A `/` (or a path join) is put in front: "/evil.com" becomes "//evil.com".
SLASH_ADDED = (
    helper('''
        def $fn($x):
            return "/" + $x
    '''),
    helper('''
        def $fn($x):
            return f"/{quote($x)}"
    '''),
    helper('''
        def $fn($x):
            return str(PurePosixPath("/") / $x)
    '''),
    helper('''
        def $fn($x):
            $a = posixpath.join("/", $x)
            return $a
    '''),
)
# The host is glued on without a slash: "@evil.com" or ".evil.com" picks another host.
HOST_GLUED = (
    helper('''
        def $fn($x):
            return "https://$domain" + $x
    '''),
    helper('''
        def $fn($x):
            return f"https://$domain{$x}"
    '''),
    helper('''
        def $fn($x):
            $a = request.host_url.rstrip("/")
            return $a + $x.strip()
    '''),
)
# Joining onto the site's URL keeps an absolute URL as it is.
ABSOLUTE_JOIN = (
    helper('''
        def $fn($x):
            return request.build_absolute_uri($x)
    '''),
    helper('''
        def $fn($x):
            return urljoin(request.base_url, $x)
    '''),
    helper('''
        def $fn($x):
            $a = urljoin("https://$domain/", $x)
            logger.debug("redirecting to %s", $a)
            return $a
    '''),
)
# The check reads the text before it is decoded or tidied; the tidied text is what is used.
CHECK_BEFORE_DECODE = (
    helper('''
        def $fn($x):
            if urlsplit($x).netloc:
                raise ValueError("external redirect")
            return unquote($x)
    '''),
    helper('''
        def $fn($x):
            if $x.startswith(("//", "http:", "https:")):
                return $fallback
            return $x.strip()
    '''),
    helper('''
        def $fn($x):
            $a = urlparse($x)
            if $a.scheme or $a.netloc:
                return $fallback
            return html.unescape($x)
    '''),
    helper(r'''
        def $fn($x):
            if not $x.startswith("/") or $x.startswith("//"):
                raise ValueError($x)
            return $x.replace("\\", "/")
    '''),
)
# The check runs, but its answer lands in a variable nobody reads.
RESULT_UNUSED = (
    helper('''
        def $fn($x):
            $a = urlsplit($x)
            if $a.netloc and $a.netloc not in $hosts:
                $b = $fallback
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = not urlparse($x).netloc
            return $x
    '''),
    helper('''
        def $fn($x):
            $x.removeprefix("//")
            return $x
    '''),
    helper('''
        def $fn($x):
            def _fallback_if_external($b):
                return $b if not urlsplit($b).netloc else $fallback
            return _fallback_if_external($x) and $x
    '''),
)
# Only the first characters are matched: "//evil.com" passes a `/` then word characters.
UNANCHORED_PATH = (
    helper(r'''
        def $fn($x):
            if not re.match(r"/[\w/.-]+", $x):
                return $fallback
            return $x
    '''),
    helper(r'''
        def $fn($x):
            return re.search(r"^/\S*", $x) is not None
    ''', "bool"),
    helper('''
        def $fn($x):
            if $x[:1] == "/" and $x[1:2] != "/":
                return $x
            raise ValueError("not a relative path")
    '''),
)

FAMILIES = (
    sanitiser("redirect-path-match", SINK, False, "allow-list", None, PATH_MATCH),
    sanitiser("redirect-query-encoded", SINK, False, "escaped", None, QUERY_ENCODED),
    sanitiser("redirect-site-base", SINK, False, "host-check", None, SITE_BASE),
    sanitiser("redirect-path-pattern", SINK, False, "pattern-check", None, PATH_PATTERN),
    sanitiser("redirect-constant-target", SINK, False, "constant", None, CONSTANT_TARGET),
    sanitiser("redirect-slash-added", SINK, True, "look-alike", None, SLASH_ADDED),
    sanitiser("redirect-host-glued", SINK, True, "look-alike", None, HOST_GLUED),
    sanitiser("redirect-absolute-join", SINK, True, "look-alike", None, ABSOLUTE_JOIN),
    sanitiser("redirect-check-before-decode", SINK, True, "partial-check", None, CHECK_BEFORE_DECODE),
    sanitiser("redirect-result-unused", SINK, True, "check-ignored", None, RESULT_UNUSED),
    sanitiser("redirect-unanchored-path", SINK, True, "partial-check", None, UNANCHORED_PATH),
)
