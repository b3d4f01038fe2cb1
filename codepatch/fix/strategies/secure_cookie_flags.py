"""Cookies get `secure=True, httponly=True, samesite="Lax"`; Django/Flask settings turned on.

`response.set_cookie(...)` keeps a stricter `samesite` it already has; aiohttp_session's storages
(`EncryptedCookieStorage(key)`, `RedisStorage(pool)`) get the same flags. Settings such as
`SESSION_COOKIE_SECURE = False`, `app.config["SESSION_COOKIE_HTTPONLY"] = False` or
`app.config.update(REMEMBER_COOKIE_SECURE=False)` become `True`. A `Set-Cookie` header written by
hand (`send_header("Set-Cookie", "sid=%s; Path=/" % sid)`, a WSGI header tuple, `headers["Set-Cookie"]
= ...`) gets the attributes its text lacks: `; Secure; HttpOnly; SameSite=Lax`.
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from codepatch.fix import edits, strings
from codepatch.fix.examples import Fix
from codepatch.fix.target import TargetedCommand

COOKIE_CALLS = ("*.set_cookie", "*.set_signed_cookie")
# aiohttp_session's storages take the session cookie's flags.
SESSION_STORAGES = ("aiohttp_session.SimpleCookieStorage", "aiohttp_session.cookie_storage.EncryptedCookieStorage",
                    "aiohttp_session.redis_storage.RedisStorage", "aiohttp_session.memcached_storage.MemcachedStorage",
                    "aiohttp_session.nacl_storage.NaClCookieStorage")
SETTING_WORDS = ("COOKIE_SECURE", "COOKIE_HTTPONLY")
# A hand-written header's attributes: (what its text must mention, what is appended when it does not).
HEADER_ATTRIBUTES = (("secure", "Secure"), ("httponly", "HttpOnly"), ("samesite", "SameSite=Lax"))


class SecureCookieFlags(TargetedCommand):
    NAME = "secure_cookie_flags"
    DESCRIPTION = "Set cookies with secure=True, httponly=True and samesite='Lax'"

    def visit_Module(self, node: cst.Module) -> None:
        self.found = self.locate(node, (cst.Call, cst.Assign, cst.Tuple), accept=self._cookie,
                                 what="cookie or cookie setting")
        self.header = _header_text(self.found)

    def _cookie(self, node: cst.CSTNode) -> bool:
        if _header_text(node) is not None:
            return True
        if isinstance(node, cst.Tuple):
            return False
        if isinstance(node, cst.Call):
            return self.calls(node, *COOKIE_CALLS, *SESSION_STORAGES) or bool(self._setting_keywords(node))
        if len(node.targets) != 1:
            return False
        target = node.targets[0].target
        names = [n.value for n in m.findall(target, m.Name() | m.SimpleString())]
        return any(word in name for name in names for word in SETTING_WORDS)

    @staticmethod
    def _setting_keywords(call: cst.Call) -> list[str]:
        """`config.update(SESSION_COOKIE_SECURE=False)`: the cookie settings given as keywords."""
        return [a.keyword.value for a in call.args if a.keyword and any(w in a.keyword.value for w in SETTING_WORDS)]

    def on_leave(self, original_node: cst.CSTNode, updated_node):
        updated_node = super().on_leave(original_node, updated_node)
        return _with_attributes(updated_node) if original_node is self.header else updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node is not self.found or self.header is not None:
            return updated_node
        if not self.calls(original_node, *COOKIE_CALLS, *SESSION_STORAGES):
            for keyword in self._setting_keywords(updated_node):
                updated_node = edits.with_keyword(updated_node, keyword, cst.Name("True"))
            return updated_node
        # `set_cookie(key, value, max_age, expires, path, domain, secure, httponly, samesite)`: a flag
        # already passed by position is replaced there (a keyword too would be a TypeError).
        positional = [a for a in updated_node.args if a.keyword is None and not a.star] \
            if self.calls(original_node, "*.set_cookie") else []
        call = updated_node
        for name, position in (("secure", 6), ("httponly", 7)):
            call = edits.replace_args(call, positional[position], cst.Name("True")) if position < len(positional) \
                else edits.with_keyword(call, name, cst.Name("True"))
        samesite = positional[8].value if len(positional) > 8 else edits.keyword_value(call, "samesite")
        if not (isinstance(samesite, cst.SimpleString) and samesite.evaluated_value.lower() in ("lax", "strict")):
            call = edits.replace_args(call, positional[8], cst.SimpleString('"Lax"')) if len(positional) > 8 \
                else edits.with_keyword(call, "samesite", cst.SimpleString('"Lax"'))
        return call

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node is not self.found or self.header is not None:
            return updated_node
        return updated_node.with_changes(value=cst.Name("True"))


def _header_text(node: cst.CSTNode) -> cst.BaseExpression | None:
    """The text of a hand-written `Set-Cookie` header: `send_header("Set-Cookie", text)`, a header
    tuple `("Set-Cookie", text)`, `headers["Set-Cookie"] = text`; None for anything else."""
    if isinstance(node, cst.Call) and len(node.args) == 2:
        name, text = node.args[0].value, node.args[1].value
    elif isinstance(node, cst.Tuple) and len(node.elements) == 2:
        name, text = node.elements[0].value, node.elements[1].value
    elif isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Subscript) \
            and isinstance(node.targets[0].target.slice[0].slice, cst.Index):
        name, text = node.targets[0].target.slice[0].slice.value, node.value
    else:
        return None
    return text if (strings.literal(name) or "").lower() == "set-cookie" else None


def _with_attributes(text: cst.BaseExpression) -> cst.BaseExpression:
    """The header text with the attributes it lacks appended (to its format string, its last literal
    part, or after it)."""
    written = strings.code(text).lower()
    missing = "".join(f"; {attribute}" for word, attribute in HEADER_ATTRIBUTES if word not in written)
    if not missing:
        return text
    if isinstance(text, cst.BinaryOperation) and isinstance(text.operator, cst.Modulo) \
            and isinstance(text.left, cst.SimpleString):  # `"sid=%s; Path=/" % sid`
        return text.with_changes(left=_appended(text.left, missing))
    if isinstance(text, cst.SimpleString):
        return _appended(text, missing)
    if isinstance(text, cst.FormattedString):
        return text.with_changes(parts=[*text.parts, cst.FormattedStringText(missing)])
    return cst.BinaryOperation(text, cst.Add(), strings.string_literal(missing))


def _appended(literal: cst.SimpleString, missing: str) -> cst.SimpleString:
    quote = literal.value[-3:] if literal.value.endswith(('"""', "'''")) else literal.value[-1]
    return literal.with_changes(value=literal.value[:-len(quote)] + missing + quote)


EXAMPLES = (
    # set_cookie gets secure, httponly and samesite
    Fix("""\
        resp.set_cookie("session", token, httponly=False)
        resp.set_cookie("theme", value, samesite="Strict")
        """, """\
        resp.set_cookie("session", token, httponly=True, secure=True, samesite="Lax")
        resp.set_cookie("theme", value, samesite="Strict")
        """, at="resp.set_cookie("),
    Fix('resp.set_cookie("theme", value, samesite="Strict")\n',
        'resp.set_cookie("theme", value, samesite="Strict", secure=True, httponly=True)\n',
        at="resp.set_cookie("),
    # flags already passed by position are set where they are
    Fix('resp.set_cookie("sid", token, 3600, None, "/", None, False, False)\n',
        'resp.set_cookie("sid", token, 3600, None, "/", None, True, True, samesite="Lax")\n',
        at="resp.set_cookie("),
    # a session storage gets the same flags
    Fix("""\
        from aiohttp_session.redis_storage import RedisStorage
        storage = RedisStorage(pool, httponly=False)
        """, """\
        from aiohttp_session.redis_storage import RedisStorage
        storage = RedisStorage(pool, httponly=True, secure=True, samesite="Lax")
        """, at="RedisStorage("),
    # cookie settings are turned on
    Fix("SESSION_COOKIE_SECURE = False\n", "SESSION_COOKIE_SECURE = True\n",
        at="SESSION_COOKIE_SECURE"),
    Fix('app.config["SESSION_COOKIE_HTTPONLY"] = False\n',
        'app.config["SESSION_COOKIE_HTTPONLY"] = True\n', at="app.config"),
    # a hand-written header gets the attributes its text lacks
    Fix('self.send_header("Set-Cookie", "SESSIONID=%s; Path=/" % sid)\n',
        'self.send_header("Set-Cookie", "SESSIONID=%s; Path=/; Secure; HttpOnly; SameSite=Lax" % sid)\n',
        at="self.send_header("),
    Fix('start_response("200 OK", [("Set-Cookie", "sid=" + sid + "; HttpOnly")])\n',
        'start_response("200 OK", [("Set-Cookie", "sid=" + sid + "; HttpOnly" + "; Secure; SameSite=Lax")])\n',
        at='("Set-Cookie"'),
    # cookie settings given as keywords
    Fix("app.config.update(REMEMBER_COOKIE_SECURE=False, X=1)\n",
        "app.config.update(REMEMBER_COOKIE_SECURE=True, X=1)\n", at="app.config.update("),
)


STRATEGY = SecureCookieFlags
