"""A request to a URL from input → allowed only for http(s) hosts on an allow-list.

    requests.get(url, timeout=5)
    requests.get(_allowed_url(url), timeout=5)

The allow-list is the module's own `ALLOWED_*HOSTS*` constant when it has one, else a new
`ALLOWED_URL_HOSTS` holding the public hosts of the URLs written in the module (the services the
code is meant to reach); the helper raises `ValueError` for any other host or scheme, so
internal addresses (127.0.0.1, 169.254.169.254, intranet names) are never requested. Refused
when the module names no host at all: the allowed services must be chosen by the author.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

HELPER = "_allowed_url"
HELPER_SOURCE = '''
def _allowed_url(url):
    """`url` if it is http(s) to a host in {hosts}; ValueError otherwise (server-side request forgery)."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in {hosts}:
        raise ValueError(f"requests to {{parts.hostname!r}} are not allowed")
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{{parts.scheme!r}} URLs are not allowed")
    return url
'''
ALLOW_LIST_NAME = re.compile(r"^ALLOWED_\w*HOSTS?$|^\w*HOST_ALLOW_?LIST$")
URL_KEYWORDS = ("url", "fullurl")
VERBS = ("get", "post", "put", "patch", "delete", "head", "options")


class AllowlistUrl(CallRewrite):
    NAME = "allowlist_url"
    DESCRIPTION = "Request only http(s) URLs whose host is on an allow-list"
    CALLS = tuple(f"requests.{verb}" for verb in (*VERBS, "request")) + \
        tuple(f"httpx.{verb}" for verb in (*VERBS, "request", "stream")) + \
        ("urllib.request.urlopen", "urllib.request.Request", "*.request", "*.urlopen", "*.stream") + \
        tuple(f"*.{verb}" for verb in VERBS)

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        method_first = self.calls(self.call, "requests.request", "httpx.request", "httpx.stream", "*.request")
        self.url = edits.argument(self.call, 1 if method_first else 0) or next(
            (a for a in (edits.argument(self.call, None, k) for k in URL_KEYWORDS) if a), None)
        if self.url is None:
            raise SkipFile("the URL is passed through *args or **kwargs")
        self.allow_list, self.new_constant = _allow_list(node)

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "urllib.parse")
        url = next(a for a, o in zip(updated.args, original.args) if o is self.url)
        return edits.replace_args(updated, url, edits.expr(f"{HELPER}({{url}})", url=url.value))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        module = edits.with_helper(updated_node, HELPER, HELPER_SOURCE.format(hosts=self.allow_list))
        if self.new_constant:
            module = edits.with_helper(module, self.allow_list, self.new_constant)
        return module


def _allow_list(module: cst.Module) -> tuple[str, str | None]:
    """The allow-list constant's name, and its definition when a new one is needed."""
    for target in m.findall(module, m.AssignTarget(target=m.Name())):
        if ALLOW_LIST_NAME.match(target.target.value):
            return target.target.value, None
    hosts = sorted({host for s in m.findall(module, m.SimpleString())
                    if (host := _public_host(strings.literal(s) or ""))})
    if not hosts:
        raise SkipFile("the module names no host it means to reach, so there is nothing to allow: add an "
                       "ALLOWED_HOSTS set of the services this code may call, then re-run")
    listed = ", ".join(f'"{h}"' for h in hosts)
    return "ALLOWED_URL_HOSTS", f"ALLOWED_URL_HOSTS = frozenset({{{listed}}})"


def _public_host(text: str) -> str | None:
    if not re.match(r"^https?://", text):
        return None
    host = urlsplit(text).hostname
    if not host or host == "localhost" or "." not in host or host.endswith((".local", ".internal", ".localhost")):
        return None
    try:
        return host if ipaddress.ip_address(host).is_global else None
    except ValueError:
        return host


EXAMPLES = (
    # the URL is checked against the hosts the module names
    Fix("""\
        import requests
        DEFAULT = "https://api.example.org/v1/status"
        INTERNAL = "http://169.254.169.254/latest"
        def fetch(url):
            return requests.get(url, timeout=5).text
        """, '''\
        import requests
        import urllib.parse


        ALLOWED_URL_HOSTS = frozenset({"api.example.org"})


        def _allowed_url(url):
            """`url` if it is http(s) to a host in ALLOWED_URL_HOSTS; ValueError otherwise (server-side request forgery)."""
            parts = urllib.parse.urlsplit(url)
            if parts.hostname not in ALLOWED_URL_HOSTS:
                raise ValueError(f"requests to {parts.hostname!r} are not allowed")
            if parts.scheme not in ("http", "https"):
                raise ValueError(f"{parts.scheme!r} URLs are not allowed")
            return url


        DEFAULT = "https://api.example.org/v1/status"
        INTERNAL = "http://169.254.169.254/latest"
        def fetch(url):
            return requests.get(_allowed_url(url), timeout=5).text
        ''', at="requests.get("),
    # a module that names no host
    Refuse("import requests\nrequests.get(url)\n", at="requests.get(",
           reason="names no host"),
)


STRATEGY = AllowlistUrl
