"""More XSS training families, with two more sink shapes: a double-quoted attribute ("attr"), an
unquoted one ("bare") and a link's href ("href"). Safe when the value is escaped for where it
lands (other escapers, an autoescaping template, JSON made safe for a <script>), parsed into a
non-text type, or must match a strict slug; real when the template does not autoescape, tags are
stripped (an unclosed tag or an entity survives), a cast's failure is swallowed, a script literal
is quoted by hand, quotes are left for an attribute, or an escaped `javascript:` URL is a link."""

from __future__ import annotations

import random

from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser
from training.judgements.web import XSS, _xss_names


def _attr_lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    c = names["c"]
    # Literals with a space inside read as prose to the agents, so the attribute's opening piece
    # (` value="`) stands alone: its space is at the edge and it stays visible.
    if shape == "href":
        forms = [f'return "<a" + f\' href="{{{value}}}">\' + "link</a>"{MARK}',
                 f'{c} = "<a" + \' href="%s">\' % {value} + "Continue</a>"{MARK}',
                 f'return HttpResponse("<a" + \' href="{{}}">\'.format({value}) + "site</a>"){MARK}']
    elif shape == "bare":  # an unquoted attribute: a space starts a new attribute
        forms = [f'return "<input" + f" value={{{value}}}>"{MARK}',
                 f'{c} = "<img" + " alt=%s>" % {value}{MARK}',
                 f'return HttpResponse("<div" + " title={{}}>".format({value}) + "</div>"){MARK}']
    else:
        forms = [f'return "<input" + f\' value="{{{value}}}">\'{MARK}',
                 f'{c} = "<img" + \' alt="%s">\' % {value}{MARK}',
                 f'return HttpResponse("<div" + \' title="{{}}">\'.format({value}) + "</div>"){MARK}']
    line = rng.choice(forms)
    return [line, f"return HTMLResponse({c})"] if line.startswith(f"{c} = ") else [line]


ATTR = Sink("xss", XSS.keys, XSS.handlers, _xss_names, _attr_lines)

# Other escapers for element text: saxutils, Django's escape, a translate table, a helper pair.
OTHER_ESCAPERS = (
    helper('''
        def $fn($x):
            return xml.sax.saxutils.escape($x)
    '''),
    helper('''
        def $fn($x):
            return django.utils.html.escape($x)
    '''),
    helper('''
        def $fn($x):
            $a = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})
            return $x.translate($a)
    '''),
    helper('''
        def $fn($x):
            def _entity($b):
                return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get($b, $b)
            return "".join(_entity($a) for $a in str($x))
    '''),
)
# Rendered through an autoescaping template: Flask and Django escape every `{{ }}`.
AUTOESCAPED = (
    helper('''
        def $fn($x):
            return render_template_string("<em>{{v}}</em>", v=$x)
    '''),
    helper('''
        def $fn($x):
            from django.template import Context, Template
            $a = Template("<span>{{v}}</span>")
            return $a.render(Context({"v": $x}))
    '''),
    helper('''
        def $fn($x):
            $a = jinja2.Environment(autoescape=True)
            return $a.from_string("<li>{{item}}</li>").render(item=$x)
    '''),
)
# Parsed into a type whose text has no markup: a UUID, a date, a Decimal.
PARSED_TYPE = (
    helper('''
        def $fn($x):
            return str(uuid.UUID($x))
    '''),
    helper('''
        def $fn($x):
            $a = datetime.date.fromisoformat($x)
            return $a.strftime("%d.%m.%Y")
    '''),
    helper('''
        def $fn($x):
            try:
                return Decimal($x).quantize(Decimal("0.01"))
            except InvalidOperation:
                raise ValueError("not an amount") from None
    '''),
    helper('''
        def $fn($x):
            return f"{int($x, 16):#x}"
    '''),
)
# The whole value must be a short slug.
SLUG_PATTERN = (
    helper(r'''
        def $fn($x):
            if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", $x) is None:
                raise ValueError("bad slug")
            return $x
    '''),
    helper(r'''
        def $fn($x):
            return bool(re.match(r"[A-Za-z][A-Za-z0-9_-]{0,31}\Z", $x))
    ''', "bool"),
    helper(r'''
        def $fn($x):
            return $x if ($a := re.compile(r"[\w-]{1,50}")).fullmatch($x) else "untitled"
    '''),
)
# JSON made safe for a <script>: `<`, `>` and `&` become \\u escapes, or Django's json_script.
SAFE_JSON_SCRIPT = (
    helper('''
        def $fn($x):
            return json_script({"query": $x}, "search-data")
    '''),
    helper('''
        def $fn($x):
            $a = htmlsafe_json_dumps($x)
            return f"<script>window.QUERY={$a}</script>"
    '''),
    helper(r'''
        def $fn($x):
            $a = json.dumps($x).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            return "<script>init(%s)</script>" % $a
    '''),
)
# Escaped for a double-quoted attribute: `"` is escaped too.
ATTR_ESCAPED = (
    helper('''
        def $fn($x):
            return html.escape($x, quote=True)
    '''),
    helper('''
        def $fn($x):
            return markupsafe.escape($x)
    '''),
    helper('''
        def $fn($x):
            $a = $x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            return $a.replace('"', "&quot;")
    '''),
)
# A template that does not escape: plain jinja2 defaults to autoescape off; `|safe` turns it off.
TEMPLATE_UNESCAPED = (
    helper('''
        def $fn($x):
            return jinja2.Template("<p>{{v}}</p>").render(v=$x)
    '''),
    helper('''
        def $fn($x):
            return render_template_string("<b>{{v|safe}}</b>", v=$x)
    '''),
    helper('''
        def $fn($x):
            from django.template import Context, Template
            $a = Template("<i>{{v|safe}}</i>")
            return $a.render(Context({"v": $x}))
    '''),
    helper('''
        def $fn($x):
            $a = jinja2.Environment(loader=jinja2.BaseLoader())
            return $a.from_string("<td>{{cell}}</td>").render(cell=$x)
    '''),
)
# Tags are stripped, but an unclosed `<img ... onerror=...` or an entity that decodes survives.
TAGS_STRIPPED = (
    helper('''
        def $fn($x):
            return re.sub(r"<[^>]*>", "", $x)
    '''),
    helper('''
        def $fn($x):
            return Markup($x).striptags()
    '''),
    helper('''
        def $fn($x):
            $a = html.unescape($x)
            return re.sub(r"</?[a-zA-Z]+>", "", $a)
    '''),
)
# A cast that would refuse markup, but its failure is swallowed and the text used anyway.
CAST_SWALLOWED = (
    helper('''
        def $fn($x):
            try:
                int($x)
            except ValueError:
                pass
            return $x
    '''),
    helper('''
        def $fn($x):
            with contextlib.suppress(ValueError):
                $a = float($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = $x.isdecimal()
            return $x
    '''),
)
# A script literal quoted by hand: "</script>" still ends the script.
SCRIPT_LITERAL = (
    helper('''
        def $fn($x):
            return "<script>q=%r</script>" % $x
    '''),
    helper(r'''
        def $fn($x):
            $a = $x.replace("'", "\\'")
            return f"<script>render('{$a}')</script>"
    '''),
    helper('''
        def $fn($x):
            $a = json.dumps({"name": $x})
            return Markup(f"<script>user={$a}</script>")
    '''),
)
# Escaped for element text only: in an attribute a `"` (or, unquoted, a space) breaks out.
ATTR_QUOTE_OPEN = (
    helper('''
        def $fn($x):
            return html.escape($x, quote=False)
    '''),
    helper('''
        def $fn($x):
            return xml.sax.saxutils.escape($x)
    '''),
    helper('''
        def $fn($x):
            return re.sub(r"[<>]", "", $x)
    '''),
    helper('''
        def $fn($x):
            return html.escape($x)
    ''', shape="bare"),
)
# Escaped HTML is still a working link: `javascript:alert(1)` has nothing to escape.
HREF_ESCAPED = (
    helper('''
        def $fn($x):
            return html.escape($x)
    ''', shape="href"),
    helper('''
        def $fn($x):
            return str(escape($x.strip()))
    ''', shape="href"),
    helper('''
        def $fn($x):
            $a = $x.replace('"', "&quot;").replace("<", "&lt;")
            return $a
    ''', shape="href"),
)

FAMILIES = (
    sanitiser("xss-other-escapers", XSS, False, "escaped", None, OTHER_ESCAPERS),
    sanitiser("xss-autoescaped-template", XSS, False, "escaped", None, AUTOESCAPED),
    sanitiser("xss-parsed-type", XSS, False, "type-cast", None, PARSED_TYPE),
    sanitiser("xss-slug-pattern", XSS, False, "pattern-check", None, SLUG_PATTERN),
    sanitiser("xss-safe-json-script", XSS, False, "escaped", None, SAFE_JSON_SCRIPT),
    sanitiser("xss-attr-escaped", ATTR, False, "escaped", None, ATTR_ESCAPED),
    sanitiser("xss-template-unescaped", XSS, True, "look-alike", None, TEMPLATE_UNESCAPED),
    sanitiser("xss-tags-stripped", XSS, True, "look-alike", None, TAGS_STRIPPED),
    sanitiser("xss-cast-swallowed", XSS, True, "check-ignored", None, CAST_SWALLOWED),
    sanitiser("xss-script-literal", XSS, True, "look-alike", None, SCRIPT_LITERAL),
    sanitiser("xss-attr-quote-open", ATTR, True, "partial-check", None, ATTR_QUOTE_OPEN),
    sanitiser("xss-href-escaped", ATTR, True, "partial-check", None, HREF_ESCAPED),
    sanitiser("xss-attr-unchecked", ATTR, True, "no-check", None),
)
