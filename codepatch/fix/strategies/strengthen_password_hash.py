"""MD5/SHA-1 → SHA-256 for integrity, or a salted PBKDF2 for passwords (also in place of a fast
SHA-2/SHA-3/BLAKE2 password digest).

- Integrity, signatures, tokens: `hashlib.md5(data)` → `hashlib.sha256(data)` (also
  `hashlib.new("md5", ...)` → `"sha256"`); the digest object's interface is the same.
- Passwords (the function, or the statement outside functions, names a password): `hashlib.md5(pw).hexdigest()`
  → `_hash_password(pw)`, a module helper (added once) returning
  `"pbkdf2_sha256$<iterations>$<salt>$<hash>"` with a random 16-byte salt, and a comment that
  hashes stored by the old code must be migrated (verified the old way once, then rehashed).
  A random salt means equal passwords no longer hash equal, so the module's comparisons are
  rewritten consistently: `stored == hash_password(pw)` (`!=`, `hmac.compare_digest(stored,
  hash_password(pw))`, or the inline `stored == hashlib.md5(pw).hexdigest()`) →
  `_verify_password(pw, stored)`, a helper that recomputes with the stored salt and compares
  with `hmac.compare_digest` (`hash_password` being the function returning the digest).
  Comparisons in other modules are left to the validation's tests to catch.
Refused: a password digest used other than by `.hexdigest()`/`.digest()`, and library hashes
(`Crypto.Hash.MD5`, `cryptography` `hashes.MD5()`), whose replacement depends on the protocol.
"""

from __future__ import annotations

import re
from textwrap import dedent

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

PASSWORD_WORDS = re.compile(r"(?i)passw|passwd|pwd|passphrase")
HELPER = "_hash_password"
HELPER_SOURCE = '''
def _hash_password(password):
    """A salted PBKDF2-SHA256 hash: "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>"."""
    # Hashes stored by the old code no longer match: verify those the old way once,
    # then store this hash instead (and keep the salt: verify by recomputing with it).
    if isinstance(password, str):
        password = password.encode()
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)
    return f"pbkdf2_sha256$600000${salt.hex()}${digest.hex()}"
'''
VERIFIER = "_verify_password"
VERIFIER_SOURCE = '''
def _verify_password(password, stored):
    """Whether `password` matches `stored`, a hash made by _hash_password (compared in constant time)."""
    if isinstance(password, str):
        password = password.encode()
    try:
        scheme, iterations, salt, expected = stored.split("$")
        digest = hashlib.pbkdf2_hmac("sha256", password, bytes.fromhex(salt), int(iterations))
    except (AttributeError, ValueError):
        return False  # nothing stored, or a hash in the old format: see _hash_password
    return scheme == "pbkdf2_sha256" and hmac.compare_digest(digest.hex(), expected)
'''
COMPARE_CALLS = ("hmac.compare_digest", "secrets.compare_digest")
# Strong but fast: too fast for passwords (fast-password-hash), right for anything else.
FAST_DIGESTS = ("hashlib.sha224", "hashlib.sha256", "hashlib.sha384", "hashlib.sha512", "hashlib.sha3_256",
                "hashlib.sha3_512", "hashlib.blake2b", "hashlib.blake2s")


class StrengthenPasswordHash(CallRewrite):
    NAME = "strengthen_password_hash"
    DESCRIPTION = "Hash with SHA-256, or passwords with salted PBKDF2-SHA256"
    CALLS = ("hashlib.md5", "hashlib.sha1", "hashlib.new", *FAST_DIGESTS, "Crypto.Hash.MD5.new",
             "Crypto.Hash.SHA1.new", "Crypto.Hash.SHA256.new", "Crypto.Hash.SHA512.new", "Cryptodome.Hash.MD5.new",
             "Cryptodome.Hash.SHA1.new", "Cryptodome.Hash.SHA256.new", "cryptography.hazmat.primitives.hashes.MD5",
             "cryptography.hazmat.primitives.hashes.SHA1")

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        if not self.calls(self.call, "hashlib.md5", "hashlib.sha1", "hashlib.new", *FAST_DIGESTS):
            raise SkipFile("a library hash object (PyCryptodome/cryptography): the stronger hash to use depends "
                           "on the protocol it takes part in")
        scope = self.enclosing(self.call, cst.FunctionDef) or self.enclosing(self.call, cst.SimpleStatementLine)
        self.for_password = bool(PASSWORD_WORDS.search(strings.code(scope) if scope else ""))
        self.replaced = self.call
        if not self.for_password and self.calls(self.call, *FAST_DIGESTS):
            raise SkipFile("SHA-2, SHA-3 and BLAKE2 are strong digests: only a password needs a slow, salted hash")
        if self.for_password:
            reader = self.parent(self.parent(self.call))
            if not (m.matches(self.parent(self.call), m.Attribute(attr=m.Name("hexdigest")))
                    and isinstance(reader, cst.Call) and not reader.args):
                raise SkipFile("the password digest is used other than by .hexdigest(); a salted hash needs its "
                               "salt stored with it, which only the author can arrange here")
            data = edits.argument(self.call, 1 if self.calls(self.call, "hashlib.new") else 0, "data")
            if data is None:
                raise SkipFile("the password is not passed to the hash constructor (hashed with .update())")
            self.replaced, self.password = reader, data
            self.verifications = self._plan_verifications(node, reader)

    def _plan_verifications(self, module: cst.Module, reader: cst.Call) -> dict[int, cst.BaseExpression]:
        """Each comparison of a password hash (by the id of the node it replaces) → the verification."""
        found = {}
        if (check := self._verification(reader, self.password.value)) is not None:
            found[id(check[0])] = check[1]  # the digest is compared where it is made
            self.replaced = None
            return found
        function = self.enclosing(reader, cst.FunctionDef)
        if not isinstance(self.parent(reader), cst.Return) or function is None:
            return found
        params = [p.name.value for p in function.params.params]
        for call in m.findall(module, m.Call(func=m.Name(function.name.value))):
            arguments = {name: arg.value for index, name in enumerate(params)
                         if (arg := edits.argument(call, index, name)) is not None}
            if not edits.variables(self.password.value) <= arguments.keys():
                continue
            if (check := self._verification(call, edits.substitute(self.password.value, arguments))) is not None:
                found[id(check[0])] = check[1]
        return found

    def _verification(self, digest: cst.Call, password: cst.BaseExpression):
        """(the node comparing `digest` with a stored hash, its `_verify_password` replacement), or None."""
        holder = self.parent(digest)
        if isinstance(holder, cst.Arg) and isinstance(call := self.parent(holder), cst.Call) \
                and self.calls(call, *COMPARE_CALLS) and len(call.args) == 2:
            stored = next(a.value for a in call.args if a is not holder)
            return call, edits.expr(f"{VERIFIER}({{password}}, {{stored}})", password=password, stored=stored)
        if isinstance(holder, cst.ComparisonTarget):
            holder = self.parent(holder)
        if not isinstance(holder, cst.Comparison) or len(holder.comparisons) != 1:
            return None
        operator = holder.comparisons[0].operator
        if not isinstance(operator, (cst.Equal, cst.NotEqual)):
            return None
        stored = holder.comparisons[0].comparator if holder.left is digest else holder.left
        negation = "not " if isinstance(operator, cst.NotEqual) else ""
        check = edits.expr(f"{negation}{VERIFIER}({{password}}, {{stored}})", password=password, stored=stored)
        return holder, check.with_changes(lpar=holder.lpar, rpar=holder.rpar)

    def leave_Comparison(self, original_node: cst.Comparison, updated_node: cst.Comparison) -> cst.BaseExpression:
        return self._verified(original_node, updated_node)

    def _verified(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        replacement = getattr(self, "verifications", {}).get(id(original))
        if replacement is None:
            return updated
        AddImportsVisitor.add_needed_import(self.context, "hashlib")
        AddImportsVisitor.add_needed_import(self.context, "hmac")
        self.verifier_needed = True
        return replacement

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node is not self.replaced:
            return self._verified(original_node, updated_node)
        AddImportsVisitor.add_needed_import(self.context, "hashlib")
        if self.for_password:
            AddImportsVisitor.add_needed_import(self.context, "os")
            self.helper_needed = True
            return edits.expr(f"{HELPER}({{password}})", password=self.password.value)
        if self.calls(original_node, "hashlib.new"):
            name = edits.argument(updated_node, 0, "name")
            return edits.replace_args(updated_node, name, cst.SimpleString('"sha256"'))
        return updated_node.with_changes(func=edits.expr("hashlib.sha256"))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if getattr(self, "verifier_needed", False):
            updated_node = edits.with_helper(updated_node, VERIFIER, VERIFIER_SOURCE)
        if getattr(self, "helper_needed", False):
            updated_node = edits.with_helper(updated_node, HELPER, HELPER_SOURCE)
        return updated_node


EXAMPLES = (
    # integrity hashes become SHA-256
    Fix("""\
        import hashlib
        def sign(body, key):
            return hashlib.md5(key + body).hexdigest()
        """, """\
        import hashlib
        def sign(body, key):
            return hashlib.sha256(key + body).hexdigest()
        """, at="hashlib.md5("),
    Fix('import hashlib\nh = hashlib.new("sha1", token)\n',
        'import hashlib\nh = hashlib.new("sha256", token)\n', at="hashlib.new("),
    # a password hash becomes salted PBKDF2, with a migration note
    Fix("""\
        import hashlib


        def store(user, password):
            user.password_hash = hashlib.md5(password.encode()).hexdigest()
        """, "import hashlib\nimport os\n\n" + HELPER_SOURCE + "\n\n" + dedent("""\
        def store(user, password):
            user.password_hash = _hash_password(password.encode())
        """), at="hashlib.md5("),
    # an inline password digest comparison becomes a verification
    Fix("""\
        import hashlib
        def check(user, password):
            return user.password_hash == hashlib.md5(password.encode()).hexdigest()
        """, "import hashlib\nimport hmac\n\n\n" + VERIFIER_SOURCE.strip() + "\n\n\n"
             "def check(user, password):\n"
             "    return _verify_password(password.encode(), user.password_hash)\n", at="hashlib.md5("),
    # a password digest used otherwise, and library hashes
    Refuse("import hashlib\ndef f(password):\n    h = hashlib.sha1()\n    h.update(password)\n",
           at="hashlib.sha1(", reason="used other than by .hexdigest()"),
    Refuse("from Crypto.Hash import MD5\nh = MD5.new(token)\n", at="MD5.new(",
           reason="depends on the protocol"),
    # a fast strong digest is replaced only where it hashes a password
    Fix("""\
        import hashlib
        def store(user, pwd):
            user.pw = hashlib.sha256(pwd.encode()).hexdigest()
        """, "import hashlib\nimport os\n\n" + HELPER_SOURCE + "\n\n" + dedent("""\
        def store(user, pwd):
            user.pw = _hash_password(pwd.encode())
        """), at="hashlib.sha256("),
    Refuse("import hashlib\ndef etag(body):\n    return hashlib.sha256(body).hexdigest()\n", at="hashlib.sha256(",
           reason="only a password needs"),
)


STRATEGY = StrengthenPasswordHash
