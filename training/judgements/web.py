"""Server-side request forgery and cross-site scripting.

SSRF: a user-supplied URL fetched by the server. Safe when the parsed host is in an allow-list
or the URL is built from a fixed base and a number or a listed name; real when only the scheme, a
substring, a suffix or a few internal hosts are checked, the text is tidied, or the check only logs.

XSS: a user-supplied value written into HTML. Safe when it is HTML-escaped, cleaned by bleach,
cast to a number or picked from a list; real when `<script>` tags are removed or blocked (other
tags carry script too), the text is tidied, or the escaped copy is dropped."""

from __future__ import annotations

import random

from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser


def _ssrf_names(rng: random.Random) -> dict[str, str]:
    return {"hosts": rng.choice(("ALLOWED_HOSTS", "settings.WEBHOOK_HOSTS", '{"api.example.com", "cdn.example.com"}',
                                 "TRUSTED_APIS", '("images.example.org",)')),
            "domain": rng.choice(("example.com", "partner.example.org", "files.mysite.io"))}


def _ssrf_lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    c = names["c"]
    return rng.choice((
        [f"{c} = requests.get({value}, timeout=5){MARK}", f"return {c}.text"],
        [f"return urlopen({value}).read(){MARK}"],
        [f"{c} = httpx.get({value}){MARK}", f"return {c}.json()"],
        [f"{c} = session.post({value}, json={{\"ping\": True}}){MARK}", f"return {c}.status_code"],
        [f"return requests.head({value}, allow_redirects=False).headers{MARK}"],
    ))


SSRF = Sink("ssrf", ("url", "webhook", "callback", "image_url", "feed", "endpoint", "src"),
            ("fetch_preview", "register_webhook", "import_feed", "proxy", "load_image", "check_link"),
            _ssrf_names, _ssrf_lines)


def _xss_names(rng: random.Random) -> dict[str, str]:
    return {"choices": rng.choice(('("light", "dark")', "THEMES", '{"en", "de", "fr"}', "LANGUAGES"))}


def _xss_lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    c = names["c"]
    return rng.choice((
        [f'return f"<p>Hello {{{value}}}</p>"{MARK}'],
        [f'return make_response("<h1>" + str({value}) + "</h1>"){MARK}'],
        [f'return HttpResponse(f"<div class=note>{{{value}}}</div>"){MARK}'],
        [f'{c} = "<span>%s</span>" % {value}', f"return HTMLResponse(content={c}){MARK}"],
        [f'return Markup(f"<b>{{{value}}}</b>"){MARK}'],
    ))


XSS = Sink("xss", ("name", "q", "comment", "title", "theme", "lang", "msg", "page"),
           ("greet", "search_results", "preview", "profile", "show_message", "error_page"), _xss_names, _xss_lines)

HOST_ALLOW = (
    helper('''
        def $fn($x):
            $a = urlparse($x)
            if $a.scheme != "https" or $a.hostname not in $hosts:
                raise ValueError("host not allowed")
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = urlsplit($x)
            return $a.scheme in ("http", "https") and $a.hostname in $hosts
    ''', "bool"),
)
HOST_LOOP = (
    helper('''
        def $fn($x):
            $a = urlparse($x).hostname
            for $b in $hosts:
                if $a == $b:
                    return $x
            raise PermissionError($x)
    '''),
    helper('''
        def $fn($x):
            $a = urlsplit($x)
            return $a.scheme == "https" and $a.hostname == "api.$domain"
    ''', "bool"),
)
SERVICE_MAP = (
    helper('''
        def $fn($x):
            $a = {"weather": "https://api.weather.example/v1", "maps": "https://maps.example.com/q"}
            return $a[$x]
    '''),
    helper('''
        def $fn($x):
            if $x not in ("github", "gitlab"):
                raise ValueError($x)
            return f"https://{$x}.example.com/hooks"
    '''),
)
NUMBERED = (
    helper('''
        def $fn($x):
            return f"https://api.$domain/items/{int($x)}"
    '''),
    helper('''
        def $fn($x):
            $a = int($x)
            return "https://cdn.$domain/img/%d.png" % $a
    '''),
)
SCHEME_ONLY = (
    helper('''
        def $fn($x):
            if not $x.startswith("https://"):
                raise ValueError("https only")
            return $x
    '''),
    helper('''
        def $fn($x):
            return urlparse($x).scheme in ("http", "https")
    ''', "bool"),
    helper('''
        def $fn($x):
            match urlsplit($x).scheme:
                case "http" | "https":
                    return $x
                case _:
                    raise ValueError("unsupported scheme")
    '''),
)
SUBSTRING = (
    helper('''
        def $fn($x):
            if "$domain" not in $x:
                raise ValueError($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            return urlparse($x).netloc.endswith("$domain")
    ''', "bool"),
    helper('''
        def $fn($x):
            return $x if $x.startswith("https://$domain") else None
    '''),
)
INTERNAL_BLOCKLIST = (
    helper('''
        def $fn($x):
            if urlparse($x).hostname in ("localhost", "127.0.0.1"):
                raise ValueError("internal host")
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = urlsplit($x).hostname or ""
            return not $a.startswith("192.168.") and $a != "localhost"
    ''', "bool"),
)
URL_COSMETIC = (
    helper('''
        def $fn($x):
            return $x.strip().lower()
    '''),
    helper('''
        def $fn($x):
            return $x.replace("localhost", "").replace("127.0.0.1", "")
    '''),
)
SSRF_LOGGED = (
    helper('''
        def $fn($x):
            if urlparse($x).hostname not in $hosts:
                logger.warning("unexpected host in %s", $x)
            return $x
    '''),
    HOST_ALLOW[1],
)
ESCAPED = (
    helper('''
        def $fn($x):
            return html.escape($x)
    '''),
    helper('''
        def $fn($x):
            return str(markupsafe.escape($x))
    '''),
    helper('''
        def $fn($x=""):
            return escape($x.strip())
    '''),
    helper('''
        def $fn($x):
            return Markup.escape($x)
    '''),
)
XSS_NUMBER = (
    helper('''
        def $fn($x):
            return int($x)
    '''),
    helper('''
        def $fn($x):
            return "%.2f" % float($x)
    '''),
)
BLEACHED = (
    helper('''
        def $fn($x):
            return bleach.clean($x, tags=[], strip=True)
    '''),
    helper('''
        def $fn($x):
            $a = bleach.clean($x)
            return $a
    '''),
)
XSS_CHOICE = (
    helper('''
        def $fn($x):
            return $x if $x in $choices else "en"
    '''),
    helper('''
        def $fn($x):
            return {"hi": "Hello", "bye": "Goodbye"}.get($x, "Hello")
    '''),
    helper('''
        def $fn($x):
            return $x in $choices
    ''', "bool"),
)
SCRIPT_STRIPPED = (
    helper('''
        def $fn($x):
            return $x.replace("<script>", "")
    '''),
    helper('''
        def $fn($x):
            return re.sub("<script.*?>", "", $x)
    '''),
    helper('''
        def $fn($x):
            return re.sub(r"</?script>", "", $x, flags=re.I)
    '''),
)
ESCAPE_DROPPED = (
    helper('''
        def $fn($x):
            html.escape($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            if "<" in $x:
                logger.warning("markup in input: %s", $x)
            return $x
    '''),
    helper('''
        def $fn($x):
            return html.escape($x) == $x
    ''', "bool"),
)
TEXT_COSMETIC = (
    helper('''
        def $fn($x):
            return $x.strip().title()
    '''),
    helper('''
        def $fn($x):
            return $x[:100]
    '''),
)
SCRIPT_BLOCKED = (
    helper('''
        def $fn($x):
            if "<script" in $x.lower():
                raise ValueError("script tag")
            return $x
    '''),
    helper('''
        def $fn($x):
            return not re.search(r"(?i)<script", $x)
    ''', "bool"),
    helper('''
        def $fn($x):
            return re.match(r"[\\w ]+", $x) is not None
    ''', "bool"),
)

JOINED = (
    helper('''
        def $fn($x):
            return urljoin(API_BASE, $x)
    '''),
    helper('''
        def $fn($x):
            return urljoin("https://$domain/api/", $x.lstrip("/"))
    '''),
)
FIXED_BASE = (
    helper('''
        def $fn($x):
            return f"https://$domain/v1/items/{quote($x, safe='')}"
    '''),
    helper('''
        def $fn($x):
            if not $x.startswith("https://$domain/"):
                raise ValueError("outside the API")
            return $x
    '''),
)
SSRF_SWALLOWED = (
    helper('''
        def $fn($x):
            try:
                if urlparse($x).hostname not in $hosts:
                    raise ValueError($x)
            except ValueError:
                logger.exception("bad url")
            return $x
    '''),
)
MARKUP_FORMATTED = (
    helper('''
        def $fn($x):
            return Markup("<b>%s</b>") % $x
    '''),
    helper('''
        def $fn($x):
            return format_html("<em>{}</em>", $x)
    '''),
)
MARKUP_WRAPPED = (
    helper('''
        def $fn($x):
            return Markup("<b>%s</b>" % $x)
    '''),
    helper('''
        def $fn($x):
            return mark_safe("<em>{}</em>".format($x))
    '''),
    helper('''
        def $fn($x):
            return "<script>var data = %s;</script>" % json.dumps($x)
    '''),
)
TRUNCATED = (
    helper('''
        def $fn($x):
            return $x[:60]
    '''),
    helper('''
        def $fn($x):
            if len($x) > 80:
                raise ValueError("too long")
            return $x.strip()
    '''),
)

FAMILIES = (
    sanitiser("ssrf-host-allow-list", SSRF, False, "host-check", None, HOST_ALLOW),
    sanitiser("ssrf-service-map", SSRF, False, "allow-list", None, SERVICE_MAP),
    sanitiser("ssrf-scheme-only", SSRF, True, "partial-check", None, SCHEME_ONLY),
    sanitiser("ssrf-substring-host", SSRF, True, "partial-check", None, SUBSTRING),
    sanitiser("ssrf-unchecked", SSRF, True, "no-check", None),
    sanitiser("ssrf-internal-blocklist", SSRF, True, "partial-check", None, INTERNAL_BLOCKLIST),
    sanitiser("ssrf-joined", SSRF, True, "look-alike", None, JOINED),
    sanitiser("ssrf-fixed-base", SSRF, False, "host-check", None, FIXED_BASE),
    sanitiser("ssrf-swallowed-check", SSRF, True, "check-ignored", None, SSRF_SWALLOWED),
    sanitiser("ssrf-numbered-url", SSRF, False, "type-cast", "validation", NUMBERED),
    sanitiser("ssrf-cosmetic", SSRF, True, "look-alike", "validation", URL_COSMETIC),
    sanitiser("ssrf-host-loop", SSRF, False, "host-check", "test", HOST_LOOP),
    sanitiser("ssrf-check-logged", SSRF, True, "check-ignored", "test", SSRF_LOGGED, ignored=True),
    sanitiser("xss-escaped", XSS, False, "escaped", None, ESCAPED),
    sanitiser("xss-number", XSS, False, "type-cast", None, XSS_NUMBER),
    sanitiser("xss-script-stripped", XSS, True, "look-alike", None, SCRIPT_STRIPPED),
    sanitiser("xss-unchecked", XSS, True, "no-check", None),
    sanitiser("xss-escape-dropped", XSS, True, "check-ignored", None, ESCAPE_DROPPED, ignored=True),
    sanitiser("xss-markup-formatted", XSS, False, "escaped", None, MARKUP_FORMATTED),
    sanitiser("xss-markup-wrapped", XSS, True, "look-alike", None, MARKUP_WRAPPED),
    sanitiser("xss-truncated", XSS, True, "partial-check", None, TRUNCATED),
    sanitiser("xss-bleached", XSS, False, "escaped", "validation", BLEACHED),
    sanitiser("xss-cosmetic", XSS, True, "look-alike", "validation", TEXT_COSMETIC),
    sanitiser("xss-choice", XSS, False, "allow-list", "test", XSS_CHOICE),
    sanitiser("xss-script-blocked", XSS, True, "partial-check", "test", SCRIPT_BLOCKED),
)
