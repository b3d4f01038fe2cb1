"""Open redirect: a user-supplied URL handed to a redirect. Safe when only listed paths or names
get through, or when the parsed URL has no host (and no `//` trick) or an allowed one; real when
the helper only tidies the text, checks a prefix or a substring, or its answer is dropped."""

from __future__ import annotations

import random

from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser


def _names(rng: random.Random) -> dict[str, str]:
    return {
        "hosts": rng.choice(("ALLOWED_HOSTS", "settings.ALLOWED_HOSTS", '{"example.com", "www.example.com"}',
                             "TRUSTED_HOSTS", '("shop.example.org",)', 'frozenset({"app.example.net"})')),
        "paths": rng.choice(('{"/", "/home", "/account"}', "SAFE_PATHS", "ALLOWED_NEXT",
                             '("/dashboard", "/profile", "/orders")', 'frozenset(["/", "/cart"])')),
        "pages": rng.choice(("PAGES", "NAMED_URLS", "ROUTES")),
        "fallback": rng.choice(('"/"', '"/home"', 'url_for("index")', "settings.LOGIN_REDIRECT_URL")),
        "domain": rng.choice(("example.com", "shop.example.org", "mysite.io", "corp.example.net")),
    }


def _lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    if rng.random() < 0.2:
        return [f'{names["c"]} = make_response("", 302)', f'{names["c"]}.headers["Location"] = {value}{MARK}',
                f'return {names["c"]}']
    return [rng.choice((f"return redirect({value})", f"return redirect({value}, code=302)",
                        f"return HttpResponseRedirect({value})", f"return RedirectResponse({value}, status_code=303)",
                        f"return RedirectResponse(url={value})")) + MARK]


SINK = Sink("open-redirect", ("next", "next_url", "target", "url", "dest", "return_to", "redirect_to", "back", "goto"),
            ("after_login", "go", "logout", "follow", "jump", "login_done", "redirect_view", "leave"), _names, _lines)

ALLOW_SET = (
    helper('''
        def $fn($x):
            if $x in $paths:
                return $x
            return $fallback
    '''),
    helper('''
        def $fn($x):
            return $x if $x in $paths else $fallback
    '''),
    helper('''
        def $fn($x):
            return $x in $paths
    ''', "bool"),
    helper('''
        def $fn($x):
            for $a in $paths:
                if $x == $a:
                    return $a
            raise ValueError("unknown target")
    '''),
)
RELATIVE_ONLY = (
    helper(r'''
        def $fn($x):
            $a = urlsplit($x)
            if $a.scheme or $a.netloc or not $x.startswith("/") or $x.startswith(("//", "/\\")):
                return $fallback
            return $x
    '''),
    helper(r'''
        def $fn($x):
            $x = $x.replace("\\", "/")
            $a = urlparse($x)
            if $a.netloc or $a.scheme or $x.startswith("//"):
                raise ValueError("external redirect")
            return $x
    '''),
    helper(r'''
        def $fn($x):
            $a = urlsplit($x)
            return not ($a.scheme or $a.netloc) and $x.startswith("/") and not $x.startswith(("//", "/\\"))
    ''', "bool"),
)
ALLOWED_HOST = (
    helper('''
        def $fn($x):
            $a = urlparse($x)
            if $a.scheme in ("http", "https") and $a.hostname in $hosts:
                return $x
            return $fallback
    '''),
    helper('''
        def $fn($x):
            $a = urlsplit($x)
            if $a.scheme != "https" or $a.netloc not in $hosts:
                raise ValueError($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            $b = urlparse($x)
            return $b.scheme == "https" and $b.hostname in $hosts
    ''', "bool"),
)
DJANGO = (
    helper('''
        def $fn($x):
            if url_has_allowed_host_and_scheme($x, allowed_hosts=$hosts, require_https=True):
                return $x
            return $fallback
    '''),
    helper('''
        def $fn($x):
            return url_has_allowed_host_and_scheme(url=$x, allowed_hosts=set($hosts))
    ''', "bool"),
    helper('''
        def $fn($x):
            if not is_safe_url($x, allowed_hosts=$hosts):
                $x = $fallback
            return $x
    '''),
)
NAME_MAP = (
    helper('''
        def $fn($x):
            $a = {"home": "/", "profile": "/me", "orders": "/orders/"}
            return $a.get($x, $fallback)
    '''),
    helper('''
        def $fn($x):
            $a = {"home": "/", "cart": "/cart"}
            if $x not in $a:
                raise KeyError($x)
            return $a[$x]
    '''),
    helper('''
        def $fn($x):
            return url_for($x if $x in ("index", "account") else "index")
    '''),
    helper('''
        def $fn($x):
            try:
                return $pages[$x]
            except KeyError:
                return $fallback
    '''),
)
COSMETIC = (
    helper('''
        def $fn($x):
            return $x.strip()
    '''),
    helper('''
        def $fn($x):
            $a = $x.strip().lower()
            return $a
    '''),
    helper('''
        def $fn($x):
            return unquote($x).strip()
    '''),
    helper('''
        def $fn($x=""):
            return ($x or $fallback).strip()
    '''),
)
SLASH_PREFIX = (
    helper('''
        def $fn($x):
            if not $x.startswith("/"):
                return $fallback
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x.startswith("/")
    ''', "bool"),
    helper('''
        def $fn($x):
            if $x[:1] != "/":
                raise ValueError("absolute url")
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x if $x.startswith(("/", "?")) else $fallback
    '''),
)
STRIP_SCHEME = (
    helper('''
        def $fn($x):
            return $x.replace("http://", "").replace("https://", "")
    '''),
    helper('''
        def $fn($x):
            for $a in ("http://", "https://", "javascript:"):
                $x = $x.replace($a, "")
            return $x
    '''),
    helper('''
        def $fn($x):
            return re.sub(r"^https?://", "", $x)
    '''),
)
SUBSTRING_HOST = (
    helper('''
        def $fn($x):
            if "$domain" in $x:
                return $x
            return $fallback
    '''),
    helper('''
        def $fn($x):
            return urlparse($x).netloc.endswith("$domain")
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = urlsplit($x).hostname or ""
            if not $a.endswith("$domain"):
                raise ValueError("foreign host")
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x if $x.startswith("https://$domain") else $fallback
    '''),
)
LOGGED = (
    helper('''
        def $fn($x):
            if urlparse($x).netloc:
                logger.warning("external redirect to %s", $x)
            return $x
    '''),
    RELATIVE_ONLY[2],
    ALLOWED_HOST[2],
)

SAME_ORIGIN = (
    helper('''
        def $fn($x):
            $a = urlparse($x)
            if $a.netloc and $a.netloc != request.host:
                return $fallback
            if $x.startswith(("//", "/\\\\")):
                return $fallback
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = urlsplit(urljoin(request.host_url, $x))
            return $a.netloc == urlsplit(request.host_url).netloc
    ''', "bool"),
)
ENDPOINT_NAME = (
    helper('''
        def $fn($x):
            try:
                return url_for($x)
            except BuildError:
                return url_for("index")
    '''),
    helper('''
        def $fn($x):
            try:
                return reverse($x)
            except NoReverseMatch:
                return reverse("home")
    '''),
)
SCHEME_ONLY = (
    helper('''
        def $fn($x):
            if urlparse($x).scheme not in ("", "http", "https"):
                return $fallback
            return $x
    '''),
    helper('''
        def $fn($x):
            return not $x.lower().startswith(("javascript:", "data:", "vbscript:"))
    ''', "bool"),
)
UNQUOTED = (
    helper('''
        def $fn($x):
            return unquote($x).strip()
    '''),
    helper('''
        def $fn($x):
            $a = unquote_plus($x)
            return $a.rstrip("/") or "/"
    '''),
)
SWALLOWED = (
    helper('''
        def $fn($x):
            try:
                $a = urlparse($x)
                if $a.netloc not in $hosts:
                    raise ValueError("foreign host")
            except ValueError:
                logger.warning("odd redirect target %s", $x)
            return $x
    '''),
    helper('''
        def $fn($x):
            try:
                assert not urlsplit($x).netloc, "external"
            except AssertionError as $b:
                logger.info("%s", $b)
            return $x
    '''),
)

FAMILIES = (
    sanitiser("redirect-allow-set", SINK, False, "allow-list", None, ALLOW_SET),
    sanitiser("redirect-relative-only", SINK, False, "host-check", None, RELATIVE_ONLY),
    sanitiser("redirect-allowed-host", SINK, False, "host-check", None, ALLOWED_HOST),
    sanitiser("redirect-cosmetic", SINK, True, "look-alike", None, COSMETIC),
    sanitiser("redirect-slash-prefix", SINK, True, "partial-check", None, SLASH_PREFIX),
    sanitiser("redirect-unchecked", SINK, True, "no-check", None),
    sanitiser("redirect-strip-scheme", SINK, True, "look-alike", None, STRIP_SCHEME),
    sanitiser("redirect-same-origin", SINK, False, "host-check", None, SAME_ORIGIN),
    sanitiser("redirect-endpoint-name", SINK, False, "allow-list", None, ENDPOINT_NAME),
    sanitiser("redirect-scheme-only", SINK, True, "partial-check", None, SCHEME_ONLY),
    sanitiser("redirect-unquoted", SINK, True, "look-alike", None, UNQUOTED),
    sanitiser("redirect-swallowed-check", SINK, True, "check-ignored", None, SWALLOWED),
    sanitiser("redirect-django-helper", SINK, False, "host-check", "validation", DJANGO),
    sanitiser("redirect-substring-host", SINK, True, "partial-check", "validation", SUBSTRING_HOST),
    sanitiser("redirect-name-map", SINK, False, "allow-list", "test", NAME_MAP),
    sanitiser("redirect-check-logged", SINK, True, "check-ignored", "test", LOGGED, ignored=True),
)
