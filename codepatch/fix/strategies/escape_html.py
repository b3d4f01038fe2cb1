"""HTML built from input → each interpolated value passed through `html.escape`.

    return f"<h1>Hello {name}</h1>"
    return f"<h1>Hello {html.escape(name)}</h1>"

Applies to a route's returned value and to `make_response`/`Response`/`Markup`/`HttpResponse`
/`HTMLResponse` arguments, where they are built or in the variable they read (assigned once, in
the same function). A value that arrives whole (not built here) is escaped as a whole. Numbers
(`int(...)`, `len(...)`, literals) are left alone.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix
from codepatch.fix.target import TargetedCommand

RESPONSES = ("flask.make_response", "flask.Response", "werkzeug.wrappers.Response", "markupsafe.Markup",
             "flask.Markup", "jinja2.Markup", "django.http.HttpResponse", "django.utils.safestring.mark_safe",
             "django.utils.safestring.SafeString", "django.utils.safestring.SafeText",
             "fastapi.responses.HTMLResponse", "starlette.responses.HTMLResponse")
NUMERIC_CALLS = ("int", "float", "len", "builtins.int", "builtins.float", "builtins.len")
CONTENT_KEYWORDS = ("response", "content")


class EscapeHtml(TargetedCommand):
    NAME = "escape_html"
    DESCRIPTION = "Escape each value put into HTML with html.escape"

    def visit_Module(self, node: cst.Module) -> None:
        sink = self.locate(node, (cst.Call, cst.Return), what="HTML response or returned value",
                           accept=lambda n: isinstance(n, cst.Return) and n.value is not None
                           or isinstance(n, cst.Call) and self.calls(n, *RESPONSES))
        content = sink.value if isinstance(sink, cst.Return) else self._content(sink)
        if isinstance(content, cst.Tuple) and content.elements:  # `return body, 200`
            content = content.elements[0].value
        found = self.only_assignment(content)
        if found is not None and strings.is_interpolated(found[0].value):
            content = found[0].value
        self.content = content
        pieces = strings.parts(content)
        if pieces is not None and strings.is_interpolated(content):
            self.escaped = strings.rebuild([p if isinstance(p, str) or self._numeric(p) else self._escape(p)
                                            for p in pieces])
        else:
            self.escaped = self._escape(content)

    def _content(self, call: cst.Call) -> cst.BaseExpression:
        argument = edits.argument(call, 0) or next(
            (a for a in (edits.argument(call, None, k) for k in CONTENT_KEYWORDS) if a), None)
        if argument is None:
            raise SkipFile("the response content is passed through *args or **kwargs")
        return argument.value

    def _escape(self, value: cst.BaseExpression) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "html")
        return edits.expr("html.escape({value})", value=value)

    def _numeric(self, value: cst.BaseExpression) -> bool:
        return isinstance(value, (cst.Integer, cst.Float)) or (
            isinstance(value, cst.Call) and self.calls(value, *NUMERIC_CALLS))

    def on_leave(self, original_node: cst.CSTNode, updated_node):
        updated_node = super().on_leave(original_node, updated_node)
        return self.escaped if original_node is self.content else updated_node


EXAMPLES = (
    # each value of a returned f-string is escaped
    Fix("""\
        from flask import request


        @app.route("/hello")
        def hello():
            name = request.args["name"]
            return f"<h1>Hello {name}</h1><p>{len(name)} letters</p>", 200
        """, """\
        from flask import request
        import html


        @app.route("/hello")
        def hello():
            name = request.args["name"]
            return f"<h1>Hello {html.escape(name)}</h1><p>{len(name)} letters</p>", 200
        """, at="return"),
    # response content built in a variable, or arriving whole
    Fix("""\
        import html
        from flask import make_response
        def show(q):
            body = "<p>You searched for " + q + "</p>"
            return make_response(body)
        """, """\
        import html
        from flask import make_response
        def show(q):
            body = f"<p>You searched for {html.escape(q)}</p>"
            return make_response(body)
        """, at="make_response("),
    # an f-string takes the quotes its values do not use (Python before 3.12 allows no others)
    Fix('import html\nfrom flask import make_response\nr = make_response("<p>" + form["note"] + "</p>")\n',
        "import html\nfrom flask import make_response\nr = make_response(f'<p>{html.escape(form[\"note\"])}</p>')\n",
        at="make_response("),
    Fix("import html\nfrom markupsafe import Markup\nm = Markup(comment.text)\n",
        "import html\nfrom markupsafe import Markup\nm = Markup(html.escape(comment.text))\n",
        at="Markup("),
)


STRATEGY = EscapeHtml
