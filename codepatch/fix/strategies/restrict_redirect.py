"""An open redirect → the target is kept only when it stays on this site, else "/".

    return redirect(request.args.get("next", "/"))
    return redirect(_local_redirect(request.args.get("next", "/")))

A module-level helper (added once) accepts a relative URL without scheme, host or backslash
(browsers read `/\\evil.example` as `//evil.example`) and without control characters, and gives
"/" otherwise, so a login flow still lands somewhere sensible instead of failing.
"""

from __future__ import annotations

from textwrap import dedent

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits
from codepatch.fix.examples import Fix
from codepatch.fix.target import CallRewrite

HELPER = "_local_redirect"
HELPER_SOURCE = '''
def _local_redirect(target):
    """`target` if it is a path on this site (no scheme, no host), else "/"."""
    parts = urllib.parse.urlsplit(target)
    if parts.scheme != "":
        return "/"
    if parts.netloc != "":
        return "/"
    if "\\\\" in target or not target.isprintable():
        return "/"
    return target
'''
LOCATION_KEYWORDS = ("location", "redirect_to", "url", "to")


class RestrictRedirect(CallRewrite):
    NAME = "restrict_redirect"
    DESCRIPTION = 'Redirect only to paths on this site, falling back to "/"'
    CALLS = ("flask.redirect", "werkzeug.utils.redirect", "django.http.HttpResponseRedirect",
             "django.http.HttpResponsePermanentRedirect", "django.shortcuts.redirect",
             "fastapi.responses.RedirectResponse", "starlette.responses.RedirectResponse")

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        self.location = edits.argument(self.call, 0) or next(
            (a for a in (edits.argument(self.call, None, k) for k in LOCATION_KEYWORDS) if a), None)
        if self.location is None:
            raise SkipFile("the redirect target is passed through *args or **kwargs")

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "urllib.parse")
        location = next(a for a, o in zip(updated.args, original.args) if o is self.location)
        return edits.replace_args(updated, location, edits.expr(f"{HELPER}({{target}})", target=location.value))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return edits.with_helper(updated_node, HELPER, HELPER_SOURCE)


EXAMPLES = (
    # the redirect target is kept on this site
    Fix("""\
        from flask import redirect, request
        def login():
            return redirect(request.args.get("next", "/"))  # after login
        """, "from flask import redirect, request\nimport urllib.parse\n\n" + HELPER_SOURCE + "\n\n" + dedent("""\
        def login():
            return redirect(_local_redirect(request.args.get("next", "/")))  # after login
        """), at="redirect("),
)


STRATEGY = RestrictRedirect
