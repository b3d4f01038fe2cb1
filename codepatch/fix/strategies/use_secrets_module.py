"""`random.*` for tokens, codes and keys → the `secrets` module (the OS's CSPRNG).

- `random.choice(s)` → `secrets.choice(s)`; `random.getrandbits(k)` → `secrets.randbits(k)`
- `random.randrange(n)` → `secrets.randbelow(n)`; `random.randint(a, b)` → `a + secrets.randbelow(b - a + 1)`
- anything else (`random()`, `choices`, `sample`, `shuffle`, `uniform`, `random.Random(...)`) →
  the same method of `secrets.SystemRandom()`, which has the whole `random.Random` interface.
`random.seed` is refused: seeding exists to make the sequence predictable.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from codepatch.fix import edits
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

DIRECT = {"choice": "secrets.choice", "getrandbits": "secrets.randbits"}


class UseSecretsModule(CallRewrite):
    NAME = "use_secrets_module"
    DESCRIPTION = "Draw security-sensitive random values from the secrets module"
    CALLS = tuple(f"random.{name}" for name in (
        "random", "randint", "randrange", "choice", "choices", "sample", "shuffle", "getrandbits", "uniform",
        "randbytes", "Random", "seed"))

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        method = next(q for q in self.qualified_names(original.func) if q.startswith("random.")).split(".")[1]
        if method == "seed":
            raise SkipFile("random.seed makes the sequence reproducible on purpose; remove it by hand once "
                           "the values are drawn from secrets")
        AddImportsVisitor.add_needed_import(self.context, "secrets")
        RemoveImportsVisitor.remove_unused_import(self.context, "random")
        if method in DIRECT:
            return updated.with_changes(func=edits.expr(DIRECT[method]))
        if method == "Random":
            return edits.expr("secrets.SystemRandom()")
        positional = [a.value for a in updated.args if not a.keyword and not a.star]
        if method == "randrange" and len(updated.args) == 1 and positional:
            return updated.with_changes(func=edits.expr("secrets.randbelow"))
        if method == "randint" and len(updated.args) == 2 and len(positional) == 2:
            low, high = positional
            if isinstance(low, cst.Integer) and low.evaluated_value == 0:
                return edits.expr("secrets.randbelow({high} + 1)", high=high)
            return edits.expr("{low} + secrets.randbelow({high} - {low} + 1)", low=low, high=high)
        return updated.with_changes(func=edits.expr(f"secrets.SystemRandom().{method}"))


EXAMPLES = (
    # random's calls draw from secrets
    *(Fix(f"import random\nimport string\n{call}\nrandom.shuffle(deck)\n",
          f"import random\nimport string\nimport secrets\n\n{drawn}\nrandom.shuffle(deck)\n", at="random.")
      for call, drawn in [
          ("code = random.randint(100000, 999999)", "code = 100000 + secrets.randbelow(999999 - 100000 + 1)"),
          ("pin = random.randint(0, 9999)", "pin = secrets.randbelow(9999 + 1)"),
          ("c = random.choice(ALPHABET)", "c = secrets.choice(ALPHABET)"),
          ("n = random.randrange(1000)", "n = secrets.randbelow(1000)"),
          ("k = random.getrandbits(128)", "k = secrets.randbits(128)"),
          ("x = random.random()", "x = secrets.SystemRandom().random()"),
          ("t = random.choices(ALPHABET, k=32)", "t = secrets.SystemRandom().choices(ALPHABET, k=32)"),
          ("rng = random.Random(42)", "rng = secrets.SystemRandom()"),
      ]),
    # an unused `import random` goes; seeding is refused
    Fix("""\
        import random


        def token():
            return "".join(random.choice(ALPHABET) for _ in range(32))
        """, """\
        import secrets


        def token():
            return "".join(secrets.choice(ALPHABET) for _ in range(32))
        """, at="random.choice("),
    Refuse("import random\nrandom.seed(1)\n", at="random.seed(", reason="reproducible"),
)


STRATEGY = UseSecretsModule
