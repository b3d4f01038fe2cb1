"""Code injection: a user-supplied value evaluated by `eval` or `exec`. Safe when the whole value
must be arithmetic (digits and operators only), is cast to a number, or is a listed name or
expression; real when words such as `import` or `__` are removed or blocked (`open(...)` needs
neither), the pattern is not anchored, or the check only logs."""

from __future__ import annotations

import random

from training.judgements.base import MARK
from training.judgements.handlers import Sink, helper, sanitiser


def _names(rng: random.Random) -> dict[str, str]:
    return {"functions": rng.choice(('("sum", "max", "min")', "AGGREGATES", '{"len", "sorted"}', "REPORT_FUNCS"))}


def _lines(rng: random.Random, value: str, shape: str, names: dict[str, str]) -> list[str]:
    c = names["c"]
    if shape == "num":
        expression = rng.choice((f'f"{{{value}}} * rate"', f'"%s + 1" % {value}', f'"price * " + str({value})'))
    elif shape == "name":
        expression = rng.choice((f'f"{{{value}}}(values)"', f'{value} + "(data)"'))
    else:
        expression = value
    return rng.choice((
        [f"{c} = eval({expression}){MARK}", f"return {{\"result\": {c}}}"],
        [f"return eval({expression}, {{\"math\": math}}){MARK}"],
        [f"exec({expression}){MARK}", "return \"done\""],
        [f"{c} = eval(compile({expression}, \"<expr>\", \"eval\")){MARK}", f"return str({c})"],
    ))


SINK = Sink("code-injection", ("expr", "formula", "code", "calc", "rule", "func", "op", "factor"),
            ("calculate", "evaluate_rule", "run_snippet", "apply_formula", "aggregate", "compute"),
            _names, _lines, shape="expr")

ARITHMETIC = (
    helper('''
        def $fn($x):
            if not re.fullmatch(r"[0-9+*/() .-]+", $x):
                raise ValueError("not arithmetic")
            return $x
    '''),
    helper('''
        def $fn($x):
            return re.fullmatch(r"[\\d\\s+\\-*/().]{1,80}", $x) is not None
    ''', "bool"),
)
NUMBER = (
    helper('''
        def $fn($x):
            return int($x)
    ''', shape="num"),
    helper('''
        def $fn($x, $b=1.0):
            try:
                return float($x)
            except ValueError:
                return $b
    ''', shape="num"),
)
OPERATOR_MAP = (
    helper('''
        def $fn($x):
            $a = {"add": "a + b", "mul": "a * b", "max": "max(a, b)"}
            return $a[$x]
    '''),
    helper('''
        def $fn($x):
            if $x == "double":
                return "x * 2"
            return "x"
    '''),
)
NAME_LIST = (
    helper('''
        def $fn($x):
            if $x not in $functions:
                raise ValueError($x)
            return $x
    ''', shape="name"),
    helper('''
        def $fn($x):
            return $x in $functions
    ''', "bool", shape="name"),
)
DIGITS = (
    helper('''
        def $fn($x):
            if not $x.isdigit():
                raise ValueError("digits only")
            return $x
    '''),
    helper('''
        def $fn($x):
            return all($a in "0123456789+-" for $a in $x)
    ''', "bool"),
)
WORDS_REMOVED = (
    helper('''
        def $fn($x):
            return $x.replace("import", "")
    '''),
    helper('''
        def $fn($x):
            return $x.replace("__", "").strip()
    '''),
    helper('''
        def $fn($x):
            for $a in ("import", "exec", "os."):
                $x = $x.replace($a, "")
            return $x
    '''),
    helper('''
        def $fn($x):
            return re.sub(r"\\bimport\\b", "", $x)
    '''),  # `__import__` has no word boundary before "import"
)
DUNDER_CHECK = (
    helper('''
        def $fn($x):
            if "__" in $x:
                raise ValueError("dunder")
            return $x
    '''),
    helper('''
        def $fn($x):
            return "__" not in $x and "import" not in $x
    ''', "bool"),
)
UNANCHORED = (
    helper('''
        def $fn($x):
            if not re.match(r"[0-9+*/() .-]+", $x):
                raise ValueError($x)
            return $x
    '''),
    helper('''
        def $fn($x):
            return re.search(r"^\\d", $x) is not None
    ''', "bool"),
)
LITERAL_LOGGED = (
    helper('''
        def $fn($x):
            try:
                ast.literal_eval($x)
            except (ValueError, SyntaxError):
                logger.warning("not a literal: %s", $x)
            return $x
    '''),
    ARITHMETIC[1],
)
MODULE_BLOCKLIST = (
    helper('''
        def $fn($x):
            for $a in ("os", "sys", "subprocess"):
                if $a in $x:
                    raise ValueError($a)
            return $x
    '''),
    helper('''
        def $fn($x):
            return not any($a in $x for $a in ("system", "popen", "import"))
    ''', "bool"),
)

AST_NODES = (
    helper('''
        def $fn($x):
            for $a in ast.walk(ast.parse($x, mode="eval")):
                if not isinstance($a, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator, ast.unaryop)):
                    raise ValueError("not arithmetic")
            return $x
    '''),
    helper('''
        def $fn($x):
            $b = (ast.Expression, ast.BinOp, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div)
            return all(isinstance($a, $b) for $a in ast.walk(ast.parse($x, mode="eval")))
    ''', "bool"),
)
AST_IMPORTS = (
    helper('''
        def $fn($x):
            for $a in ast.walk(ast.parse($x)):
                if isinstance($a, (ast.Import, ast.ImportFrom)):
                    raise ValueError("imports are not allowed")
            return $x
    '''),
    helper('''
        def $fn($x):
            return not any(isinstance($a, ast.Import) for $a in ast.walk(ast.parse($x)))
    ''', "bool"),
)
SHORT = (
    helper('''
        def $fn($x):
            if len($x) > 40:
                raise ValueError("expression too long")
            return $x
    '''),
    helper('''
        def $fn($x):
            return $x.strip()[:50]
    '''),
)
DECIMAL = (
    helper('''
        def $fn($x):
            return Decimal($x)
    ''', shape="num"),
    helper('''
        def $fn($x):
            return Fraction($x.strip())
    ''', shape="num"),
    helper('''
        def $fn($x):
            return Decimal($x).quantize(Decimal("0.001"))
    ''', shape="num"),
)

FAMILIES = (
    sanitiser("eval-arithmetic-pattern", SINK, False, "pattern-check", None, ARITHMETIC),
    sanitiser("eval-number", SINK, False, "type-cast", None, NUMBER),
    sanitiser("eval-operator-map", SINK, False, "allow-list", None, OPERATOR_MAP),
    sanitiser("eval-words-removed", SINK, True, "look-alike", None, WORDS_REMOVED),
    sanitiser("eval-dunder-check", SINK, True, "partial-check", None, DUNDER_CHECK),
    sanitiser("eval-unchecked", SINK, True, "no-check", None),
    sanitiser("eval-unanchored-regex", SINK, True, "partial-check", None, UNANCHORED),
    sanitiser("eval-ast-nodes", SINK, False, "pattern-check", None, AST_NODES),
    sanitiser("eval-ast-imports", SINK, True, "partial-check", None, AST_IMPORTS),
    sanitiser("eval-short", SINK, True, "partial-check", None, SHORT),
    sanitiser("eval-decimal", SINK, False, "type-cast", None, DECIMAL),
    sanitiser("eval-name-list", SINK, False, "allow-list", "validation", NAME_LIST),
    sanitiser("eval-literal-logged", SINK, True, "check-ignored", "validation", LITERAL_LOGGED, ignored=True),
    sanitiser("eval-digits", SINK, False, "pattern-check", "test", DIGITS),
    sanitiser("eval-module-blocklist", SINK, True, "partial-check", "test", MODULE_BLOCKLIST),
)
