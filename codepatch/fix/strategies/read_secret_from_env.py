"""A secret written in the source → read from an environment variable that must be set.

    DB_PASSWORD = "s3cr3t"                       →  DB_PASSWORD = os.environ["DB_PASSWORD"]
    Client(api_key="sk_live_...")                →  Client(api_key=os.environ["API_KEY"])
    os.environ.get("DB_PASSWORD", "hunter2")     →  os.environ["DB_PASSWORD"]
    os.getenv("DB_PASSWORD") or "hunter2"        →  os.environ["DB_PASSWORD"]
    {"password": "admin"}                        →  {"password": os.environ["PASSWORD"]}
    jwt.encode(claims, "s3cr3t")                 →  jwt.encode(claims, os.environ["SIGNING_KEY"])
    hmac.new(b"k", body, "sha256")               →  hmac.new(os.environ["SIGNING_KEY"].encode(), body, "sha256")
    Fernet("...")  AES.new(b"...", mode)         →  the key from os.environ["ENCRYPTION_KEY"]

The variable is named after what held the secret, upper-cased (a whole DSN or header value
is read whole: `DATABASE_URL = os.environ["DATABASE_URL"]`). `os.environ[...]` raises
`KeyError: 'DB_PASSWORD'` when it is unset, naming the variable to set; a default would ship
the weak value again. Refused: a secret inside a larger expression (an f-string or a
concatenation, to be split by hand), a value in an SQL INSERT string (to be made a query
parameter) and parameter defaults (evaluated at import; the caller should pass the secret).
"""

from __future__ import annotations

import re

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.analysis.sql_rows import adds_rows
from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import TargetedCommand

ENV_LOOKUPS = ("os.environ.get", "os.getenv", "os.environ.setdefault")
# Logins, and accounts made, reset or hashed, with a password passed by position: where it is, and
# where the user name is (else the name the result is assigned to).
ACCOUNTS = {"*.login": (1, 0), "requests.auth.HTTPBasicAuth": (1, 0), "requests.auth.HTTPDigestAuth": (1, 0),
            "httpx.BasicAuth": (1, 0), "aiohttp.BasicAuth": (1, 0),
            "*.simple_bind_s": (1, None), "*.simple_bind": (1, None), "*.bind_s": (1, None),
            "*.create_user": (2, 0), "*.create_superuser": (2, 0), "*.set_password": (0, None),
            "django.contrib.auth.hashers.make_password": (0, None),
            "werkzeug.security.generate_password_hash": (0, None),
            "flask_bcrypt.generate_password_hash": (0, None), "bcrypt.hashpw": (0, None)}
# Signers, MACs and ciphers: their key argument (position, keyword) and the variable it is read from.
SIGNERS = {"jwt.encode": (1, "key", "SIGNING_KEY"), "jwt.decode": (1, "key", "SIGNING_KEY"),
           "jose.jwt.encode": (1, "key", "SIGNING_KEY"), "jose.jwt.decode": (1, "key", "SIGNING_KEY"),
           "itsdangerous.URLSafeTimedSerializer": (0, "secret_key", "SIGNING_KEY"),
           "itsdangerous.URLSafeSerializer": (0, "secret_key", "SIGNING_KEY"),
           "itsdangerous.TimestampSigner": (0, "secret_key", "SIGNING_KEY"),
           "hmac.new": (0, "key", "SIGNING_KEY"), "hmac.digest": (0, "key", "SIGNING_KEY"),
           "cryptography.fernet.Fernet": (0, "key", "ENCRYPTION_KEY"),
           "Crypto.Cipher.AES.new": (0, "key", "ENCRYPTION_KEY"),
           "Cryptodome.Cipher.AES.new": (0, "key", "ENCRYPTION_KEY")}
HOLDERS = (cst.Call, cst.Assign, cst.AnnAssign, cst.Arg, cst.DictElement, cst.Param, cst.Comparison,
           cst.SimpleString)


class ReadSecretFromEnv(TargetedCommand):
    NAME = "read_secret_from_env"
    DESCRIPTION = "Read the secret from an environment variable instead of the source code"

    def visit_Module(self, node: cst.Module) -> None:
        holder = self.locate(node, HOLDERS, what="hard-coded secret",
                             accept=lambda n: not isinstance(n, cst.Call)
                             or self.calls(n, *ENV_LOOKUPS, *SIGNERS, *ACCOUNTS))
        if isinstance(holder, cst.SimpleString) and isinstance(self.parent(holder), HOLDERS):
            holder = self.parent(holder)
        signer = next((s for s in SIGNERS if isinstance(holder, cst.Call) and self.calls(holder, s)), None)
        if signer is not None:
            position, keyword, self.variable = SIGNERS[signer]
            key = edits.argument(holder, position, keyword)
            self.encoded = key is not None and isinstance(key.value, cst.SimpleString) \
                and "b" in key.value.prefix.lower()
            if key is None or (strings.literal(key.value) is None and not self.encoded):
                raise SkipFile("no literal key to move: the key is held in a variable; read it from the "
                               "environment where it is assigned")
            self.replaced = key.value
            return
        account = next((a for a in ACCOUNTS if isinstance(holder, cst.Call) and self.calls(holder, a)), None)
        if account is not None:
            at, named = ACCOUNTS[account]
            secret, user = edits.argument(holder, at), edits.argument(holder, named) if named is not None else None
            if secret is None or strings.literal(secret.value) is None:
                raise SkipFile("no literal password passed by position")
            self.replaced = secret.value
            assigned = self.parent(holder)
            owner = strings.literal(user.value) if user else (
                assigned.targets[0].target.value if isinstance(assigned, cst.Assign) and len(assigned.targets) == 1
                and isinstance(assigned.targets[0].target, cst.Name) else "")
            self.variable = _environment_name(f"{owner or ''}_password")
            return
        if isinstance(holder, cst.Call):
            self.replaced, self.variable = holder, strings.literal(holder.args[0].value)
            if self.variable is None:
                raise SkipFile("the environment variable's name is not a literal")
            return
        fallback = _env_fallback(holder, self.calls)
        if fallback is not None:  # `os.getenv("KEY") or "dev-key"`: the lookup without its fallback
            self.replaced, self.variable = fallback
            return
        if isinstance(holder, cst.Param):
            raise SkipFile("a parameter default is evaluated at import time; make the secret a required "
                           "argument and pass os.environ[...] from the caller")
        self.replaced, name = _secret_and_name(holder)
        if isinstance(self.replaced, cst.SimpleString) and adds_rows(strings.literal(self.replaced) or ""):
            raise SkipFile("the password is one value of a row an SQL INSERT adds: pass it as a query "
                           "parameter read from the environment by hand")
        if isinstance(holder, cst.Arg) and holder.keyword is None:
            name = _parameter_name(node, self.parent(holder), holder) or name
        self.encoded = isinstance(self.replaced, cst.SimpleString) and "b" in self.replaced.prefix.lower()
        if self.replaced is None or (strings.literal(self.replaced) is None and not self.encoded):
            raise SkipFile("the secret is part of a larger string (a URL, DSN or header): split it out by hand")
        self.variable = _environment_name(name)

    encoded = False  # the key was a bytes literal: the variable's text is encoded

    def on_leave(self, original_node: cst.CSTNode, updated_node):
        updated_node = super().on_leave(original_node, updated_node)
        if original_node is not self.replaced:
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "os")
        return edits.expr(f'os.environ["{self.variable}"]' + (".encode()" if self.encoded else ""))


def _env_fallback(holder: cst.CSTNode, calls) -> tuple[cst.BaseExpression, str] | None:
    """`os.getenv("KEY") or "literal"` assigned: (that expression, "KEY")."""
    value = getattr(holder, "value", None)
    if not (isinstance(holder, (cst.Assign, cst.AnnAssign)) and isinstance(value, cst.BooleanOperation)
            and isinstance(value.operator, cst.Or) and isinstance(value.left, cst.Call)
            and calls(value.left, *ENV_LOOKUPS) and value.left.args):
        return None
    name = strings.literal(value.left.args[0].value)
    return (value, name) if name else None


def _secret_and_name(holder: cst.CSTNode) -> tuple[cst.BaseExpression | None, str]:
    """The literal holding the secret, and the name it is given."""
    if isinstance(holder, (cst.Assign, cst.AnnAssign)):
        target = holder.targets[-1].target if isinstance(holder, cst.Assign) else holder.target
        return holder.value, _named(target) or "SECRET"
    if isinstance(holder, cst.Arg) and isinstance(holder.value, cst.Tuple) and holder.value.elements:
        return holder.value.elements[-1].value, f"{holder.keyword.value if holder.keyword else ''}_password"
    if isinstance(holder, cst.Arg):
        return holder.value, holder.keyword.value if holder.keyword else "SECRET"
    if isinstance(holder, cst.DictElement):
        return holder.value, strings.literal(holder.key) or "SECRET"
    if isinstance(holder, cst.Comparison):
        left = holder.left
        secret = next((t.comparator for t in holder.comparisons if strings.literal(t.comparator) is not None), None)
        return secret, _named(left) or "SECRET"
    return None, ""


def _named(target: cst.BaseExpression) -> str | None:
    """The name a value is given: `password`, `self.password`, `form["password"]`."""
    if isinstance(target, cst.Attribute):
        return target.attr.value
    if isinstance(target, cst.Subscript):
        index = target.slice[0].slice
        return strings.literal(index.value) if isinstance(index, cst.Index) else None
    return target.value if isinstance(target, cst.Name) else None


def _parameter_name(module: cst.Module, call: cst.CSTNode, arg: cst.Arg) -> str | None:
    """`register("admin", "pass1")` with `def register(username, password)` in the module:
    "admin_password" (the parameter, after the first argument when that is a literal name)."""
    if not isinstance(call, cst.Call):
        return None
    called = call.func.attr.value if isinstance(call.func, cst.Attribute) else getattr(call.func, "value", None)
    positional = [a for a in call.args if a.keyword is None and not a.star]
    constructors = [d for c in m.findall(module, m.ClassDef(name=m.Name(called)))
                    for d in m.findall(c.body, m.FunctionDef(name=m.Name("__init__")))]
    for definition in [*m.findall(module, m.FunctionDef(name=m.Name(called))), *constructors]:
        params = [p.name.value for p in definition.params.params]
        offset = 1 if params[:1] in (["self"], ["cls"]) and (isinstance(call.func, cst.Attribute)
                                                             or definition in constructors) else 0
        index = next(i for i, a in enumerate(positional) if a is arg) + offset if arg in positional else len(params)
        if index < len(params):
            owner = strings.literal(positional[0].value) if positional[0] is not arg else None
            return f"{owner}_{params[index]}" if owner and index > offset else params[index]
    return None


def _environment_name(name: str) -> str:
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_").upper() or "SECRET"


EXAMPLES = (
    # a literal secret is read from the environment
    *(Fix(f"import os\n{before}\n", f"import os\n{after}\n", at=at) for before, at, after in [
        ('DATABASE_PASSWORD = "s3cr3t-Pr0d!"  # prod', "DATABASE_PASSWORD",
         'DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]  # prod'),
        ('GITHUB_TOKEN: str = "ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234"', "ghp_",
         'GITHUB_TOKEN: str = os.environ["GITHUB_TOKEN"]'),
        ('db_password = os.environ.get("DB_PASSWORD", "hunter2")', "os.environ.get(",
         'db_password = os.environ["DB_PASSWORD"]'),
        ('client = Client(apiKey="9f8e7d6c5b4a39281706")', "apiKey=", 'client = Client(apiKey=os.environ["API_KEY"])'),
        ('self.config["client_secret"] = "0a1b2c3d4e5f"', "self.config",
         'self.config["client_secret"] = os.environ["CLIENT_SECRET"]'),
        ('conf = {"password": "correct-horse-42"}', '"password": "correct-horse-42"',
         'conf = {"password": os.environ["PASSWORD"]}'),
        ('r = requests.get(url, auth=("deploy", "d3pl0y!"))', 'auth=("deploy", "d3pl0y!")',
         'r = requests.get(url, auth=("deploy", os.environ["AUTH_PASSWORD"]))'),
        ('smtp.login("reports", "mailpass99")', 'smtp.login("reports", "mailpass99")',
         'smtp.login("reports", os.environ["REPORTS_PASSWORD"])'),
        ('User.objects.create_user("ops", "ops@example.org", "0ps!")', "User.objects.create_user(",
         'User.objects.create_user("ops", "ops@example.org", os.environ["OPS_PASSWORD"])'),
        ('user.set_password("changeit-42")', "user.set_password(", 'user.set_password(os.environ["PASSWORD"])'),
        ('from werkzeug.security import generate_password_hash\nadmin = generate_password_hash("admin1")',
         "generate_password_hash(", 'from werkzeug.security import generate_password_hash\n'
         'admin = generate_password_hash(os.environ["ADMIN_PASSWORD"])'),
        ('ok = password == "backdoor!"', 'password == "backdoor!"', 'ok = password == os.environ["PASSWORD"]'),
        ('import jwt\ncookie = jwt.encode(claims, "s3cr3t", algorithm="HS256")', "jwt.encode(",
         'import jwt\ncookie = jwt.encode(claims, os.environ["SIGNING_KEY"], algorithm="HS256")'),
        ('import hmac\ntag = hmac.new(b"webhook", body, "sha256")', "hmac.new(",
         'import hmac\ntag = hmac.new(os.environ["SIGNING_KEY"].encode(), body, "sha256")'),
        ('from cryptography.fernet import Fernet\nbox = Fernet("JHtM1wEt1I1J9N_Evjwqr3yYauXIqSxYzFnRhcf0ZG0=")',
         "Fernet(", 'from cryptography.fernet import Fernet\nbox = Fernet(os.environ["ENCRYPTION_KEY"])'),
    ]),
    # a literal passed by position is named after the parameter of a function of the module
    Fix('''\
        import os
        def register(username, password):
            pass
        register("admin", "pass1")
        ''', '''\
        import os
        def register(username, password):
            pass
        register("admin", os.environ["ADMIN_PASSWORD"])
        ''', at='"pass1"'),
    # a fallback after `or` goes, the lookup stays
    Fix('import os\nJWT_SECRET_KEY = os.getenv("JWT_SECRET_KEY") or "jwt-secret-string"\n',
        'import os\nJWT_SECRET_KEY = os.environ["JWT_SECRET_KEY"]\n', at="JWT_SECRET_KEY ="),
    # a DSN is read whole; secrets inside expressions or in parameter defaults are refused
    Fix('import os\nDATABASE_URL = "postgresql://app:Tr0ub4dor@db:5432/app"\n',
        'import os\nDATABASE_URL = os.environ["DATABASE_URL"]\n', at="postgresql://app:Tr0ub4dor@db:5432/app"),
    Refuse('HEADERS = {"Authorization": "Bearer " + "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1"}\n',
           at='"eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1"', reason="larger"),
    Refuse('db.execute("INSERT INTO users (name, password) VALUES (\'admin\', \'Adm1n!\')")\n',
           at='"INSERT INTO', reason="SQL INSERT"),
    Refuse('def connect(password: str = "admin123"):\n    pass\n',
           at='password: str = "admin123"', reason="parameter default"),
)


STRATEGY = ReadSecretFromEnv
