"""Templates: which context entries a project's templates write unescaped, and rendering request
data into them reported as XSS (a real scan of a project with its templates)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from codepatch.files.templates import read_templates, unescaped_variables
from codepatch.scan.pipeline import ScanOptions, scan
from tests.conftest import RULES


def test_safe_filters_and_autoescape_off_blocks_are_unescaped_output() -> None:
    text = """
    <h1>{{ title }}</h1> {{ body|safe }} {{ intro | truncatewords:30 | safe }} {{ note|escape|safe }}
    {{ "a|safe" }} {{ data.html|safe }}
    {% for item in items %}{{ item.text|safe }}{% endfor %}
    {% autoescape off %}{{ footer }} {{ signature|force_escape }}{% endautoescape %}
    {%- autoescape false -%}{{ jinja_raw }}{%- endautoescape -%}
    """
    assert unescaped_variables(text) == {"body", "intro", "data", "items", "footer", "jinja_raw"}


def test_templates_are_named_under_their_nearest_templates_folder(tmp_path: Path) -> None:
    (tmp_path / "blog" / "templates" / "blog").mkdir(parents=True)
    (tmp_path / "blog" / "templates" / "blog" / "post.html").write_text("{{ post.body|safe }}")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("{{ title }}")  # nothing unescaped
    (tmp_path / "templates" / "page.jinja2").write_text("{% autoescape false %}{{ html }}{% endautoescape %}")
    (tmp_path / "templates" / "binary.html").write_bytes(b"\xff\xfe{{ x|safe }}")  # not UTF-8: skipped
    (tmp_path / "node_modules" / "templates").mkdir(parents=True)
    (tmp_path / "node_modules" / "templates" / "vendor.html").write_text("{{ v|safe }}")
    os.symlink(tmp_path / "blog" / "templates" / "blog" / "post.html", tmp_path / "templates" / "link.html")
    found = read_templates(tmp_path)
    assert found.unescaped == {"blog/post.html": frozenset({"post"}), "page.jinja2": frozenset({"html"})}
    (tmp_path / "templates" / "page.jinja2").write_text("{% autoescape false %}{{ other }}{% endautoescape %}")
    assert read_templates(tmp_path).digest != found.digest


def test_request_data_rendered_into_an_unescaped_entry_is_xss(tmp_path: Path) -> None:
    files = {
        "app.py": """
            from flask import Flask, render_template, request
            app = Flask(__name__)
            @app.route("/preview", methods=["POST"])
            def preview():
                bio = render_template("card.html", bio=request.form["bio"], name=request.form["name"])
                return bio + render_template("card.html", name=request.form["name"])
        """,
        "views.py": """
            from django.shortcuts import render
            def search(request):
                context = {"query": request.GET["q"], "count": 3}
                return render(request, "search/results.html", context)
            def plain(request):
                return render(request, "search/results.html", {"count": request.GET["count"]})
        """,
        "templates/card.html": "<h1>{{ name }}</h1><p>{{ bio|safe }}</p>",
        "search/templates/search/results.html": "<p>{{ query|safe }}</p><p>{{ count }}</p>",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    result = scan(ScanOptions((tmp_path,), root=tmp_path, rules_dir=RULES, cache_dir=None, jobs=1))
    assert sorted((f.path.rsplit("/", 1)[-1], f.line) for f in result.findings if f.rule_id == "xss") == \
        [("app.py", 5), ("views.py", 4)]


def test_a_template_writes_what_the_templates_it_extends_or_includes_write(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "base.html").write_text("<nav>{{ user.name|safe }}</nav>{% block body %}{% endblock %}")
    (folder / "footer.html").write_text("{% include 'legal.html' %}")
    (folder / "legal.html").write_text("{% autoescape off %}{{ notice }}{% endautoescape %}")
    (folder / "page.html").write_text('{% extends "base.html" %}{% block body %}{{ text }}{% include "footer.html" %}'
                                      "{% endblock %}")
    (folder / "loop.html").write_text('{% extends "loop.html" %}{{ own|safe }}')  # a cycle ends
    (folder / "plain.html").write_text('{% extends "missing.html" %}{{ text }}')
    found = read_templates(tmp_path).unescaped
    assert found["page.html"] == {"user", "notice"}
    assert found["footer.html"] == {"notice"} and found["loop.html"] == {"own"}
    assert "plain.html" not in found
