"""`jinja2.Environment(autoescape=False)` (or no `autoescape`) → `autoescape=True`."""

from __future__ import annotations

import libcst as cst

from codepatch.fix import edits
from codepatch.fix.target import CallRewrite


class EnableAutoescape(CallRewrite):
    NAME = "enable_autoescape"
    DESCRIPTION = "Turn on Jinja2 autoescaping, so template variables are HTML-escaped"
    CALLS = ("jinja2.Environment", "jinja2.Template", "jinja2.environment.Environment",
             "jinja2.sandbox.SandboxedEnvironment")

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return edits.with_keyword(updated, "autoescape", cst.Name("True"))


STRATEGY = EnableAutoescape
