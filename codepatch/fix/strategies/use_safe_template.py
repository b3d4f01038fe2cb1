"""Input formatted into a template's source → passed as a template variable instead.

    render_template_string(f"<h1>Hello {name}</h1>")
    render_template_string("<h1>Hello {{ name }}</h1>", name=name)

The value is then data, never template code, and Flask autoescapes it. A Jinja2 template built
here (`jinja2.Template(f"...")`, `env.from_string(f"...")`) gets the values in its one `.render(...)`
call, and `jinja2.Template` gets `autoescape=True` (its default is off). Refused when the whole
template comes from the input (no fixed text to keep: only the author can decide what users
may write), and for user-supplied `str.format` strings, whose fields can read attributes.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

JINJA_SOURCES = ("jinja2.Template", "jinja2.Environment.from_string", "*.from_string")


class UseSafeTemplate(CallRewrite):
    NAME = "use_safe_template"
    DESCRIPTION = "Pass input to templates as variables, never as template source"
    CALLS = ("flask.render_template_string", "*.format", "*.format_map", "jinja2.Template",
             "jinja2.Environment.from_string", "*.from_string")

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        if self.calls(self.call, "flask.render_template_string"):
            self.renderer = self.call
        elif self.calls(self.call, *JINJA_SOURCES):
            self.renderer = self._render_call()
        else:
            raise SkipFile("the format string or template comes from the input; no automatic rewrite keeps "
                           "its meaning: offer a fixed set of templates or string.Template with a field allow-list")
        source = edits.argument(self.call, 0, "source")
        found = self.only_assignment(source.value) if source else None
        built = found[0].value if found and found[1] == 1 else (source.value if source else None)
        if built is None or not strings.is_interpolated(built):
            raise SkipFile("the whole template comes from the input; only the author can choose a fixed "
                           "template for it")
        self.source, self.built = source, built
        taken = {a.keyword.value for a in self.renderer.args if a.keyword}
        text, self.variables = "", []
        for piece in strings.parts(built):
            if isinstance(piece, str):
                text += piece
                continue
            name = edits.fresh_name(piece, taken)
            taken.add(name)
            self.variables.append((name, piece))
            text += "{{ " + name + " }}"
        self.template = strings.string_literal(text)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node.with_changes(value=self.template) if original_node.value is self.built else updated_node

    def _render_call(self) -> cst.Call:
        """The `.render(...)` call of a Jinja template built here: chained, or on a variable read once."""
        parent = self.parent(self.call)
        if m.matches(parent, m.Attribute(attr=m.Name("render"))) and isinstance(self.parent(parent), cst.Call):
            return self.parent(parent)
        if m.matches(parent, m.Assign(targets=[m.AssignTarget(m.Name())])):
            name = parent.targets[0].target.value
            scope = self.enclosing(self.call, cst.FunctionDef) or self.enclosing(self.call, cst.Module)
            renders = m.findall(scope, m.Call(func=m.Attribute(value=m.Name(name), attr=m.Name("render"))))
            if len(renders) == 1 and len(m.findall(scope, m.Name(name))) == 2:
                return renders[0]
        raise SkipFile("the template object is rendered elsewhere or several times: pass the values to "
                       "render() by hand")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        call = updated_node
        if original_node is self.call:
            if self.source.value is self.built:
                source = next(a for a, o in zip(updated_node.args, original_node.args) if o is self.source)
                call = edits.replace_args(call, source, self.template)
            if self.calls(original_node, "jinja2.Template"):
                call = edits.with_keyword(call, "autoescape", cst.Name("True"))
        if original_node is self.renderer:
            for name, value in self.variables:
                call = edits.with_keyword(call, name, value)
        return call



EXAMPLES = (
    # a value formatted into a template becomes a template variable
    Fix("""\
        from flask import render_template_string, request
        def hello():
            name = request.args["name"]
            return render_template_string(f"<h1>Hello {name}!</h1>{{{{ footer }}}}", footer=FOOTER)
        """, """\
        from flask import render_template_string, request
        def hello():
            name = request.args["name"]
            return render_template_string("<h1>Hello {{ name }}!</h1>{{ footer }}", footer=FOOTER, name=name)
        """, at="render_template_string(f"),
    Fix("""\
        from flask import render_template_string
        def page(user):
            template = "<p>%s</p>" % user.bio
            return render_template_string(template)
        """, """\
        from flask import render_template_string
        def page(user):
            template = "<p>{{ bio }}</p>"
            return render_template_string(template, bio=user.bio)
        """, at="render_template_string("),
    # a whole template from the input, and user format strings
    Refuse("from flask import render_template_string\nrender_template_string(src)\n",
           at="render_template_string(", reason="whole template comes from the input"),
    Refuse("message = fmt.format(user=user)\n", at="fmt.format(",
           reason="string.Template with a field allow-list"),
    # a jinja2 Template built with input gets the value at render
    Fix("""\
        import jinja2
        def banner(title):
            template = jinja2.Template(f"<header>{title} | {{{{ site }}}}</header>")
            return template.render(site="Reports")
        """, """\
        import jinja2
        def banner(title):
            template = jinja2.Template("<header>{{ title }} | {{ site }}</header>", autoescape=True)
            return template.render(site="Reports", title=title)
        """, at="jinja2.Template("),
    Refuse("""\
        import jinja2
        def banner(title):
            template = jinja2.Template(f"<header>{title}</header>")
            return template.render() + template.render()
        """, at="jinja2.Template(", reason="rendered elsewhere or several times"),
)


STRATEGY = UseSafeTemplate
