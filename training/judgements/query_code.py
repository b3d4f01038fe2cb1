"""More code-injection training families: parsed numbers, fixed formulas, token or AST checks
of the whole expression, and values passed as a Python string literal (not real); text that is
only normalised, checks made before decoding, syntax-only or top-level checks, dropped checks,
and `eval` with emptied builtins (real).

A Python literal from `repr` or `json.dumps` evaluates back to the same string, so an `eval`
that gets it runs no code; emptying `__builtins__` stops nothing, since
`().__class__.__base__.__subclasses__()` reaches every loaded class.
"""

from __future__ import annotations

import random

from training.judgements import code
from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser

KEYS = code.SINK.keys + ("template", "query", "score", "weight")
HANDLERS = code.SINK.handlers + ("render_label", "score_item", "apply_rule", "preview")


def _lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    """The kind's own statements; a "literal" value is put into a call as its argument."""
    if shape != "literal":
        return code._lines(rng, value, shape, names)
    c = names["c"]
    expression = rng.choice((f'f"lookup({{{value}}})"', f'"settings.get(%s)" % {value}', f'"render(" + {value} + ")"'))
    return rng.choice((
        [f"{c} = eval({expression}){MARK}", f'return {{"result": {c}}}'],
        [f"return eval({expression}, {{\"lookup\": lookup, \"render\": render}}){MARK}"],
        [f"{c} = compile({expression}, \"<label>\", \"eval\")", f"return str(eval({c})){MARK}"],
    ))


def _sandbox(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    """`eval`/`exec` with builtins removed: looks confined, is not."""
    c = names["c"]
    return rng.choice((
        [f'{c} = eval({value}, {{"__builtins__": {{}}}}, {{}}){MARK}', f'return {{"result": {c}}}'],
        [f'return eval({value}, {{"__builtins__": None}}, {{"x": 1, "y": 2}}){MARK}'],
        [f"{c} = {{}}", f'exec({value}, {{"__builtins__": {{}}}}, {c}){MARK}', f'return {c}.get("result")'],
        [f'{c} = {{"__builtins__": {{}}, "math": math}}', f"return str(eval({value}, {c})){MARK}"],
        [f'{c} = dict(__builtins__={{"abs": abs, "min": min, "max": max}})',
         f'{names["b"]} = eval(compile({value}, "<rule>", "eval"), {c}){MARK}', f"return {names['b']}"],
    ))


SINK = Sink("code-injection", KEYS, HANDLERS, code._names, _lines, shape="expr")
SANDBOX = Sink("code-injection", KEYS, HANDLERS, code._names, _sandbox, shape="expr")

# Not real: the value is parsed as a number; only its digits reach the expression.
NUMERIC = (
    helper('''
        def $fn($x):
            return int($x, 0)
    ''', shape="num"),
    helper('''
        def $fn($x):
            $a = float($x)
            if math.isnan($a) or math.isinf($a):
                raise ValueError("not a finite number")
            return $a
    ''', shape="num"),
    helper('''
        def $fn($x):
            return complex($x.replace(" ", ""))
    ''', shape="num"),
    helper('''
        def $fn($x):
            return round(float($x), 2) if $x else 0.0
    ''', shape="num"),
    helper('''
        def $fn($x):
            return sum(float($a) for $a in $x.split(","))
    ''', shape="num"),
)
# Not real: the expression evaluated is one the program wrote; the request only picks it.
FORMULA = (
    helper('''
        def $fn($x):
            match $x:
                case "net":
                    return "gross - tax"
                case "gross":
                    return "net + tax"
                case _:
                    raise ValueError("unknown formula")
    '''),
    helper('''
        def $fn($x):
            for $a, $b in (("avg", "total / count"), ("sum", "total"), ("max", "max(values)")):
                if $x == $a:
                    return $b
            return "0"
    '''),
    helper('''
        def $fn($x):
            if ($a := FORMULAS.get($x)) is None:
                raise LookupError($x)
            return $a
    '''),
    helper('''
        def $fn($x):
            return Formula[$x].value
    '''),
)
# Not real: the whole expression may hold only numbers and operators (or three known names).
STRICT = (
    helper('''
        def $fn($x):
            for $a in tokenize.generate_tokens(io.StringIO($x).readline):
                if $a.type not in (tokenize.NUMBER, tokenize.OP, tokenize.NEWLINE, tokenize.ENDMARKER):
                    raise ValueError("only numbers and operators")
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = ast.parse($x, mode="eval")
            for $b in ast.walk($a):
                if isinstance($b, ast.Name) and $b.id not in ("x", "y", "rate"):
                    raise ValueError($b.id)
                if isinstance($b, (ast.Call, ast.Attribute, ast.Subscript, ast.Lambda)):
                    raise ValueError("calls are not allowed")
            return $x
    '''),
    helper('''
        def $fn($x):
            if not re.match(r"[\\d\\s.+\\-*/%()]+\\Z", $x):
                raise ValueError("not arithmetic")
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = re.compile(r"(?:\\s*(?:\\d+(?:\\.\\d+)?|[-+*/()])\\s*)+")
            return $a.fullmatch($x) is not None
    ''', "bool"),
)
# Not real: the value becomes a Python string literal, which evaluates to the text itself.
LITERAL = (
    helper('''
        def $fn($x):
            return repr($x)
    ''', shape="literal"),
    helper('''
        def $fn($x):
            return json.dumps(str($x))
    ''', shape="literal"),
    helper('''
        def $fn($x):
            return "%r" % ($x,)
    ''', shape="literal"),
    helper('''
        def $fn($x):
            return ast.unparse(ast.Constant(value=$x))
    ''', shape="literal"),
)

# Real: the text is tidied, not checked; `__import__("os").system(...)` survives all of it.
NORMALISED = (
    helper('''
        def $fn($x):
            return $x.translate(str.maketrans("", "", ";`$$"))
    '''),
    helper('''
        def $fn($x):
            return textwrap.dedent($x).strip()
    '''),
    helper('''
        def $fn($x):
            return unicodedata.normalize("NFKC", $x)
    '''),
    helper('''
        def $fn($x):
            return $x.encode("ascii", "ignore").decode()
    '''),
    helper('''
        def $fn($x):
            return $x.splitlines()[0] if $x else ""
    '''),
)
# Real: the check passes an encoded form, and decoding it afterwards brings back anything.
DECODED_AFTER = (
    helper('''
        def $fn($x):
            if not re.fullmatch(r"[\\w%.+\\-*/]+", $x):
                raise ValueError("bad expression")
            return urllib.parse.unquote($x)
    '''),
    helper('''
        def $fn($x):
            if not re.fullmatch(r"[A-Za-z0-9+/]+=*", $x):
                raise ValueError("expected base64")
            return base64.b64decode($x).decode()
    '''),
    helper('''
        def $fn($x):
            if "(" in $x or "__" in $x:
                raise ValueError("calls are not allowed")
            return html.unescape($x)
    '''),
    helper('''
        def $fn($x):
            def _plain($a):
                return $a.replace(" ", "").isalnum()
            if not _plain($x):
                raise ValueError("letters and digits only")
            return bytes.fromhex($x).decode()
    '''),
)
# Real: only the syntax or the outermost node is checked; a call can sit anywhere inside.
SHALLOW = (
    helper('''
        def $fn($x):
            ast.parse($x, mode="eval")
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = compile($x, "<formula>", "eval")
            if $a.co_names:
                raise ValueError("names are not allowed")
            return $x
    '''),  # a lambda's or comprehension's names live in a nested code object
    helper('''
        def $fn($x):
            if isinstance(ast.parse($x, mode="eval").body, ast.Call):
                raise ValueError("function calls are not allowed")
            return $x
    '''),
    helper('''
        def $fn($x):
            $a = ast.parse($x, mode="eval").body
            return isinstance($a, (ast.BinOp, ast.Compare))
    ''', "bool"),
)
# Real: sound checks whose answer the handler drops, or a result computed and never used.
DROPPED = (
    helper('''
        def $fn($x):
            $a = ast.parse($x, mode="eval")
            return not any(isinstance($b, (ast.Call, ast.Attribute)) for $b in ast.walk($a))
    ''', "bool"),
    helper('''
        def $fn($x):
            try:
                float($x)
            except ValueError:
                return False
            return True
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = tokenize.generate_tokens(io.StringIO($x).readline)
            return all($b.type != tokenize.NAME for $b in $a)
    ''', "bool"),
    helper('''
        def $fn($x):
            $a = ast.parse($x, mode="eval")
            $b = [$c for $c in ast.walk($a) if isinstance($c, ast.Call)]
            return $x
    '''),
)

FAMILIES = (
    sanitiser("eval-numeric-parse", SINK, False, "type-cast", None, NUMERIC),
    sanitiser("eval-formula-table", SINK, False, "allow-list", None, FORMULA),
    sanitiser("eval-strict-tokens", SINK, False, "pattern-check", None, STRICT),
    sanitiser("eval-string-literal", SINK, False, "escaped", None, LITERAL),
    sanitiser("eval-normalised-only", SINK, True, "look-alike", None, NORMALISED),
    sanitiser("eval-decoded-after-check", SINK, True, "partial-check", None, DECODED_AFTER),
    sanitiser("eval-shallow-check", SINK, True, "partial-check", None, SHALLOW),
    sanitiser("eval-check-dropped", SINK, True, "check-ignored", None, DROPPED, ignored=True),
    sanitiser("eval-no-builtins", SANDBOX, True, "no-check", None),
)
