"""Django's `PASSWORD_HASHERS` led by an MD5 or SHA-1 hasher gets a strong one put first: the
first strong hasher already listed (PBKDF2, Argon2, bcrypt, scrypt), else PBKDF2.

Django hashes new passwords with the first hasher and only checks stored ones with the others,
upgrading each to the first at its next login: the weak hasher stays in the list, after it, so
nobody is locked out.
"""

from __future__ import annotations

import re

import libcst as cst

from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import TargetedCommand

STRONG = '"django.contrib.auth.hashers.PBKDF2PasswordHasher"'
WEAK = re.compile(r"(MD5|SHA1|Crypt)PasswordHasher")
STRONG_LISTED = re.compile(r"(PBKDF2|PBKDF2SHA1|Argon2|BCryptSHA256|BCrypt|ScryptPassword)PasswordHasher|ScryptPasswordHasher")


class PreferStrongHasher(TargetedCommand):
    NAME = "prefer_strong_hasher"
    DESCRIPTION = "Put PBKDF2 first in PASSWORD_HASHERS (the weak hasher stays, to check old passwords)"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, cst.Assign, accept=self._hashers, what="PASSWORD_HASHERS list")

    @staticmethod
    def _hashers(node: cst.Assign) -> bool:
        value = node.value
        return len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name) \
            and node.targets[0].target.value == "PASSWORD_HASHERS" and isinstance(value, (cst.List, cst.Tuple)) \
            and bool(value.elements) and isinstance(value.elements[0].value, cst.SimpleString) \
            and WEAK.search(value.elements[0].value.value) is not None

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.found:
            return updated_node
        hashers = updated_node.value
        opening = hashers.lbracket if isinstance(hashers, cst.List) else (hashers.lpar[0] if hashers.lpar else None)
        # One hasher per line stays one per line: the new one is followed by the first one's indent.
        spacing = opening.whitespace_after if opening is not None and \
            isinstance(opening.whitespace_after, cst.ParenthesizedWhitespace) else cst.SimpleWhitespace(" ")
        rest = list(hashers.elements)
        listed = next((e for e in rest if isinstance(e.value, cst.SimpleString) and STRONG_LISTED.search(e.value.value)),
                      None)
        if listed is not None:
            rest.remove(listed)
        if listed is hashers.elements[-1]:  # the moved one was last: what followed it follows the new last
            rest[-1] = rest[-1].with_changes(comma=listed.comma)
        value = listed.value if listed is not None else cst.SimpleString(STRONG)
        strong = hashers.elements[0].with_changes(value=value, comma=cst.Comma(whitespace_after=spacing))
        return updated_node.with_changes(value=hashers.with_changes(elements=[strong, *rest]))


EXAMPLES = (
    Fix("""\
        PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
        ]
        """, """\
        PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "django.contrib.auth.hashers.MD5PasswordHasher",
        ]
        """, at="PASSWORD_HASHERS"),
    Fix("PASSWORD_HASHERS = ('django.contrib.auth.hashers.SHA1PasswordHasher',)\n",
        "PASSWORD_HASHERS = (\"django.contrib.auth.hashers.PBKDF2PasswordHasher\", "
        "'django.contrib.auth.hashers.SHA1PasswordHasher',)\n", at="PASSWORD_HASHERS"),
    Fix("PASSWORD_HASHERS = ('django.contrib.auth.hashers.SHA1PasswordHasher', 'x.Argon2PasswordHasher')\n",
        "PASSWORD_HASHERS = ('x.Argon2PasswordHasher', 'django.contrib.auth.hashers.SHA1PasswordHasher')\n",
        at="PASSWORD_HASHERS"),
    # a strong hasher already listed is moved first
    Fix("""\
        PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ]
        """, """\
        PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",
        ]
        """, at="PASSWORD_HASHERS"),
    Refuse("PASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher']\n", at="PASSWORD_HASHERS",
           reason="PASSWORD_HASHERS list"),
)


STRATEGY = PreferStrongHasher
