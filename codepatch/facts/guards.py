"""Validation guards: conditions after which a variable holds a checked value.

`if name not in ALLOWED: abort()` or `if not name.isalnum(): return` leave `name` validated on
the path that continues. `names_checked(cond)` gives the names validated when the condition is
true and when it is false, each as `(name, kind)`: kind "" validates the value for every sink;
a named kind (`PATH_CHECKED`) only for the sinks whose rules list it as a sanitizer - rejecting
`..` makes a file name safe, not an SQL fragment.
"""

from __future__ import annotations

import re

import tree_sitter

from codepatch.facts.predicates import predicate_checks
from codepatch.facts.scope import sole_argument, text
from codepatch.facts.text_checks import (
    PATH_CHECKED,
    quoted_literal_check,
    rejected_items,
    rejected_kind,
)

CHECK_METHODS = frozenset({"isalnum", "isdigit", "isdecimal", "isnumeric", "isalpha", "isidentifier",
                           "isascii", "fullmatch"})
# `value.startswith(prefix)` / `path.is_relative_to(base)` confine a value by its start: under a
# folder (a base held in a variable, or a literal absolute folder) once the value is normalised
# ("/srv/files/../../etc" starts with "/srv/files"), or on a host (a literal `scheme://host/`).
# "http" or "/" confine nothing ("//evil.example" starts with "/").
PREFIX_METHODS = frozenset({"startswith", "is_relative_to"})
ABSOLUTE_FOLDER = re.compile(r"/[^/]|[a-zA-Z]:[\\/]")  # "/srv/files/", "C:\\data": a folder, not the root
# A predicate whose name says the value is safe: `is_safe_url`, `is_valid_name`, `host_is_allowed`.
VALIDATOR_NAME = re.compile(r"(is_|has_)?(safe|valid|allowed|trusted|permitted|whitelisted|allowlisted)(_\w+)?"
                            r"|\w+_is_(safe|valid|allowed|trusted|permitted)"
                            r"|(validate|check)_\w*(url|host|path|name|language|locale)\w*")
LITERAL_TYPES = frozenset({"string", "integer", "float", "none", "true", "false"})
HOST_PARTS = frozenset({"netloc", "hostname"})  # the attributes of a parsed URL that name its host
URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse", "urlparse.urlsplit"})
# Types whose values hold no injectable text: an `isinstance` check, or a parameter's annotation
# (which a web framework converts to, or rejects the request), makes a value safe for every sink.
NON_TEXT_TYPES = frozenset({"int", "float", "bool", "complex", "uuid.UUID", "UUID", "datetime", "date",
                            "datetime.date", "datetime.datetime", "decimal.Decimal", "Decimal"})
CHECK_FUNCTIONS = frozenset({"isinstance", "re.fullmatch", "re.match", "url_has_allowed_host_and_scheme",
                             "is_safe_url", "os.path.commonpath"})
TERMINATORS = frozenset({"return_statement", "raise_statement", "continue_statement", "break_statement"})

# A comparison of one attribute (`parsed.netloc`): it validates a parsed URL and what it was parsed from.
PART_CHECKED = "part"
# Starts with a folder: confined to it if the value was normalised (decided where its binding is known).
PREFIX_CHECKED = "prefix"
NORMALIZING_CALLS = frozenset({"os.path.realpath", "os.path.abspath", "os.path.normpath", "posixpath.normpath",
                               "resolve", "absolute"})  # the last two: `Path(...).resolve()`
# A URL built on a constant `scheme://host/` prefix: the rest cannot change where it points.
FIXED_HOST = "codepatch.guards.fixed_host"
# Starts with a literal absolute folder such as "/account/": on the same host (a redirect cannot
# leave it), and confined to that folder once normalised (decided where its binding is known).
SAME_HOST_FOLDER = "same-host-folder"
# A URL whose scheme and host are written out in full, up to the `/` that starts its path.
FIXED_HOST_PREFIX = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#{}%\s]+[/?#]")
# A path on the same host, written out up to a character that is not a slash: "/login?next=".
SAME_HOST_PATH = re.compile(r"/[^/\\{}%\s]")
# A URL with no host (`not parts.netloc`) that holds no backslash (`"\\" not in url`) is a path on
# this site; either alone is not ("/\\evil.example" has no netloc, browsers read it as "//evil.example").
HOSTLESS = "codepatch.guards.no_host"
URL_HOSTLESS = "url-no-host"  # the URL itself, not a parsed value, has no host (kept as HOSTLESS)
SEPARATORS = frozenset({"os.sep", "os.path.sep", "posixpath.sep"})
# `str(path).startswith(base)` checks `path` itself.
TRANSPARENT_CALLS = frozenset({"str", "os.fspath", "os.path.realpath", "os.path.abspath", "os.path.normpath"})

Checked = tuple[frozenset[tuple[str, str]], frozenset[tuple[str, str]]]
NONE: Checked = (frozenset(), frozenset())


def no_constant(node: tree_sitter.Node) -> object:
    return None


def names_checked(cond: tree_sitter.Node, resolve, constant=no_constant) -> Checked:
    """(names validated if `cond` is true, names validated if it is false). `constant`: the
    constant value a name holds, when known (a module's tuple of allowed prefixes)."""
    kind = cond.type
    if kind == "parenthesized_expression" and cond.named_children:
        return names_checked(cond.named_children[0], resolve, constant)
    if kind == "not_operator":
        when_true, when_false = names_checked(cond.child_by_field_name("argument"), resolve, constant)
        return when_false, when_true
    if kind == "identifier":  # `if not next_url or not is_safe(next_url)`: a falsy value holds no text
        return frozenset(), frozenset({(text(cond), "")})
    if kind == "boolean_operator":
        literal = quoted_literal_check(cond)
        if literal:
            return literal
        left = names_checked(cond.child_by_field_name("left"), resolve, constant)
        right = names_checked(cond.child_by_field_name("right"), resolve, constant)
        if text(cond.child_by_field_name("operator")) == "and":
            return left[0] | right[0], left[1] & right[1]
        return left[0] & right[0], left[1] | right[1]
    if kind == "comparison_operator":
        return _comparison(cond, resolve, constant)
    if kind == "call":
        return rejected_items(cond, constant) or (_check_call(cond, resolve, constant), frozenset())
    if kind == "attribute" and text(cond.child_by_field_name("attribute")) == "netloc":
        if _subject(cond):
            return frozenset(), frozenset({(_subject(cond), HOSTLESS)})  # `if parts.netloc: return default`
        if _parsed_url(cond, resolve):  # `if urlsplit(url).netloc: return default`: `url` itself has no host
            return frozenset(), frozenset({(_parsed_url(cond, resolve), URL_HOSTLESS)})
    return NONE


def _comparison(cond: tree_sitter.Node, resolve, constant=no_constant) -> Checked:
    operands = [_uncased(cond.named_children[0]), *cond.named_children[1:]]
    operators = [text(c) for c in cond.children if not c.is_named]
    op = " ".join(" ".join(operators).split())
    if len(operands) != 2:
        return NONE
    if operands[0].type == "string" and operands[1].type == "identifier" and op in ("in", "not in"):
        kind = rejected_kind(constant(operands[0]))
        if kind:
            rejected = frozenset({(text(operands[1]), kind)})
            return (frozenset(), rejected) if op == "in" else (rejected, frozenset())
    confined = _common_path(operands[0])
    if confined and op in ("==", "!="):  # `os.path.commonpath([root, path]) == root`: `path` stays under root
        return (confined, frozenset()) if op == "==" else (frozenset(), confined)
    parsed = _parsed_url(operands[0], resolve)
    if parsed and op in ("in", "not in", "==", "!="):  # `urlparse(url).hostname in ALLOWED_HOSTS`
        checked = frozenset({(parsed, "")})
        return (checked, frozenset()) if op in ("in", "==") else (frozenset(), checked)
    subject = _subject(operands[0])
    if subject is None or (operands[0].type == "attribute" and not _is_host_part(operands[0])):
        return NONE  # `parsed.scheme in ("http", "https")` says nothing of where the URL points
    # `parsed.netloc in ALLOWED` checks a part of a parsed value: the extractor decides what that validates.
    name = frozenset({(subject, "" if operands[0].type == "identifier" else PART_CHECKED)})
    # A parsed URL's host compared with any host (`parsed.netloc != request.host`) is a host check.
    # Equal to a literal (`x == ""`, `x is None`), a value is that constant.
    compared = operands[1].type in LITERAL_TYPES or _is_host_part(operands[0])
    if op == "in" or (op in ("==", "is") and compared):
        return name, frozenset()
    if op == "not in" or (op in ("!=", "is not") and compared):
        return frozenset(), name
    return NONE


def _uncased(node: tree_sitter.Node) -> tree_sitter.Node:
    """`parts.netloc` of `parts.netloc.lower()`: a value whose case is changed is checked as itself."""
    function = node.child_by_field_name("function") if node.type == "call" else None
    if function is not None and function.type == "attribute" and not sole_argument(node) \
            and text(function.child_by_field_name("attribute")) in ("lower", "casefold", "upper"):
        return function.child_by_field_name("object")
    return node


def _is_host_part(node: tree_sitter.Node) -> bool:
    return node.type == "attribute" and text(node.child_by_field_name("attribute")) in HOST_PARTS


def _common_path(node: tree_sitter.Node) -> frozenset[tuple[str, str]]:
    if node.type != "call" or text(node.child_by_field_name("function")) not in ("os.path.commonpath", "commonpath"):
        return frozenset()
    arguments = node.child_by_field_name("arguments")
    items = arguments.named_children[0].named_children if arguments is not None and arguments.named_children else []
    return frozenset((text(i), "") for i in items if i.type == "identifier")


def _parsed_url(node: tree_sitter.Node, resolve) -> str | None:
    """`url` (or `body.url`) in `urlparse(url).hostname`: the URL whose host or scheme is compared."""
    if node.type != "attribute" or node.child_by_field_name("object").type != "call":
        return None
    call = node.child_by_field_name("object")
    if resolve(call.child_by_field_name("function")) not in URL_PARSERS:
        return None
    argument = sole_argument(call)
    if argument is not None and (argument.type == "identifier" or (
            argument.type == "attribute" and argument.child_by_field_name("object").type == "identifier")):
        return text(argument)
    return None


def _subject(node: tree_sitter.Node) -> str | None:
    """The variable a comparison checks: `name`, or `parsed` in `parsed.netloc`."""
    if node.type == "identifier":
        return text(node)
    if node.type == "attribute" and node.child_by_field_name("object").type == "identifier":
        return text(node.child_by_field_name("object"))
    return None


def _check_call(call: tree_sitter.Node, resolve, constant=no_constant) -> frozenset[tuple[str, str]]:
    """The names a call validates when it returns true, each with its kind."""
    names = _checked_names(call, resolve, constant)
    if isinstance(names, tuple):  # one name, one kind
        return frozenset({names})
    # A function no rule knows checks what its body checks (predicates.py).
    return frozenset((name, "") for name in names) if names else predicate_checks(call, resolve)


def _checked_names(call: tree_sitter.Node, resolve, constant=no_constant) -> frozenset[str] | tuple[str, str]:
    function = call.child_by_field_name("function")
    args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "keyword_argument"] \
        if call.child_by_field_name("arguments") is not None else []
    if function is None:
        return frozenset()
    if function.type == "attribute":
        receiver = function.child_by_field_name("object")
        method = text(function.child_by_field_name("attribute"))
        if method in PREFIX_METHODS:
            checked = _transparent(receiver, resolve)
            kind = _prefix_kind(args[0], constant) if len(args) == 1 else None
            if kind in (PREFIX_CHECKED, SAME_HOST_FOLDER) and method == "is_relative_to" or _normalized(receiver, resolve):
                kind = PATH_CHECKED if kind in (PREFIX_CHECKED, SAME_HOST_FOLDER) else kind
            return (checked, kind) if checked and kind else frozenset()
        if method in CHECK_METHODS and method != "fullmatch":
            checked = _transparent(receiver, resolve)
            return frozenset({checked}) if checked else frozenset()
        if method in ("fullmatch", "match") and args and args[-1].type == "identifier":
            return frozenset({text(args[-1])})
    qualified = resolve(function)
    idents = [text(a) for a in args if a.type == "identifier"]
    arguments = call.child_by_field_name("arguments")
    keywords = arguments.named_children if arguments is not None else []
    # `url_has_allowed_host_and_scheme(url=next_url, ...)`: a checked value given by keyword.
    named = [text(k.child_by_field_name("value")) for k in keywords if k.type == "keyword_argument"
             and k.child_by_field_name("value") is not None and k.child_by_field_name("value").type == "identifier"]
    if qualified == "isinstance":  # `isinstance(x, int)`: a number; `isinstance(x, str)` checks nothing
        kinds = text(args[1]).strip("()").replace(" ", "").split(",") if len(args) == 2 else []
        return frozenset(idents[:1]) if kinds and set(kinds) <= NON_TEXT_TYPES else frozenset()
    if qualified and VALIDATOR_NAME.fullmatch(qualified.rsplit(".", 1)[-1].lstrip("_")):
        return frozenset(idents + named)  # `is_safe_redirect(url)`, `is_allowed_host(host)`: the project's own check
    if qualified in CHECK_FUNCTIONS or (qualified and qualified.rsplit(".", 1)[-1] in CHECK_FUNCTIONS):
        return frozenset(idents[-1:] if qualified in ("re.fullmatch", "re.match") else idents + named)
    return frozenset()


def _prefix_kind(prefix: tree_sitter.Node, constant=no_constant) -> str | None:
    """What a value starting with `prefix` is confined to: a host, a folder, or nothing."""
    if prefix.type == "string" and not any(c.type == "interpolation" for c in prefix.named_children):
        return _literal_prefix_kind(text(prefix).lstrip("rbuRBU")[1:-1].strip("'\""))
    if prefix.type == "tuple":
        return _kind_of_all({_prefix_kind(item) for item in prefix.named_children})
    known = constant(prefix) if prefix.type in ("identifier", "attribute") else None
    if isinstance(known, str):  # `ALLOWED_PREFIX = "/account/"`, `PREFIXES = ("/a/", "/b/")`
        return _literal_prefix_kind(known)
    if isinstance(known, tuple) and known and all(isinstance(item, str) for item in known):
        return _kind_of_all({_literal_prefix_kind(item) for item in known})
    return PREFIX_CHECKED  # a folder held in a variable, or built (`f"{base}/"`)


def _literal_prefix_kind(literal: str) -> str | None:
    if FIXED_HOST_PREFIX.match(literal):
        return FIXED_HOST
    if ABSOLUTE_FOLDER.match(literal):
        return SAME_HOST_FOLDER if SAME_HOST_PATH.match(literal) else PREFIX_CHECKED
    return None


def _kind_of_all(kinds: set[str | None]) -> str | None:
    """The kind every prefix of a tuple gives; a host or a same-host path confine a redirect alike."""
    if len(kinds) == 1:
        return kinds.pop()
    return FIXED_HOST if kinds == {FIXED_HOST, SAME_HOST_FOLDER} else None


def _normalized(node: tree_sitter.Node, resolve) -> bool:
    """`os.path.realpath(name)`, `str(path.resolve())`: a value with no `..` left in it."""
    while node.type == "call":
        function = node.child_by_field_name("function")
        name = resolve(function) or text(function)
        if normalizes(name, None):
            return True
        argument = sole_argument(node) if name in TRANSPARENT_CALLS else None
        if argument is None:
            return False
        node = argument
    return False


def normalizes(callee: str | None, method: str | None) -> bool:
    """Whether a call's result is a normalised path (`os.path.abspath(p)`, `path.resolve()`)."""
    return (callee is not None and (callee in NORMALIZING_CALLS or callee.rsplit(".", 1)[-1] in NORMALIZING_CALLS)) \
        or method in NORMALIZING_CALLS


def _transparent(node: tree_sitter.Node, resolve) -> str | None:
    """`name` (or `obj.field`), or `name` inside `str(name)` / `os.path.realpath(name)` / `(name + os.sep)`."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    if node.type == "binary_operator" and text(node.child_by_field_name("operator")) == "+" \
            and (node.child_by_field_name("right").type == "string"
                 or text(node.child_by_field_name("right")) in SEPARATORS):
        node = node.child_by_field_name("left")  # a separator added to compare folder with folder
    if node.type == "identifier" or (node.type == "attribute" and node.child_by_field_name("object").type == "identifier"):
        return text(node)  # a name, or a field of one (`parts.path` of `parts = urlsplit(url)`)
    if node.type == "call" and resolve(node.child_by_field_name("function")) in TRANSPARENT_CALLS:
        argument = sole_argument(node)
        if argument is not None and argument.type == "identifier":
            return text(argument)
    return None


def terminates(block: tree_sitter.Node | None, resolve, terminating: frozenset[str]) -> bool:
    """Whether a block always leaves the enclosing flow (return, raise, a `terminating` call such as
    `abort()`, ...)."""
    if block is None or not block.named_children:
        return False
    last = block.named_children[-1]
    if last.type in TERMINATORS:
        return True
    if last.type == "expression_statement" and last.named_children and last.named_children[0].type == "call":
        return resolve(last.named_children[0].child_by_field_name("function")) in terminating
    return False


def checked_items(loop: tree_sitter.Node, resolve, terminating: frozenset[str],
                  constant=no_constant) -> frozenset[tuple[str, str]]:
    """`for col in columns: if not IDENTIFIER.match(col): raise ValueError(col)`: past the loop, every
    item of `columns` passed the check (the loop's first statement leaves unless it does)."""
    variable, iterable, body = (loop.child_by_field_name(f) for f in ("left", "right", "body"))
    first = body.named_children[0] if body is not None and body.named_children else None
    if variable is None or variable.type != "identifier" or iterable is None or iterable.type != "identifier" \
            or first is None or first.type != "if_statement" or first.child_by_field_name("alternative") is not None:
        return frozenset()
    consequence = first.child_by_field_name("consequence")
    if not terminates(consequence, resolve, terminating) \
            or consequence.named_children[-1].type in ("continue_statement", "break_statement"):
        return frozenset()
    _, when_false = names_checked(first.child_by_field_name("condition"), resolve, constant)
    return frozenset((text(iterable), kind) for name, kind in when_false if name == text(variable))
