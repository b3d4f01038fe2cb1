"""What is statically known about a value: its flow, constants, and the contents of containers.

An `Expr` is what evaluating an expression gives and what a name is bound to. Beyond the flow
(see `values.py`) it keeps what makes precise answers possible: the constant it is, the elements
of a list and the entries of a dict or `configparser` object under constant keys (so `items[1]`
and `conf.get("s", "b")` see only what was put there), how an object was configured
(`XMLParser(resolve_entities=False)`), and what a parsed URL was parsed from.
"""

from __future__ import annotations

from dataclasses import dataclass

from codepatch.facts import values as V

# Calls that do not change a container passed to them: its known contents stay known.
PURE_FUNCTIONS = frozenset({"len", "str", "repr", "print", "isinstance", "sorted", "list", "tuple", "set", "dict",
                            "enumerate", "zip", "any", "all", "min", "max", "sum", "bool", "iter", "reversed",
                            "json.dumps", "frozenset"})
PURE_METHODS = frozenset({"join", "format", "format_map", "get", "count", "index", "startswith", "endswith"})
LIST_METHODS = frozenset({"append", "insert", "pop", "extend", "clear", "remove", "sort", "reverse"})
DICT_METHODS = frozenset({"get", "pop", "setdefault", "update", "popitem", "clear", "keys", "items", "values",
                          "copy"})
# `configparser` objects are keyed stores: `set(section, option, value)` then `get(section, option)`.
CONFIG_TYPES = frozenset({"configparser.ConfigParser()", "configparser.RawConfigParser()",
                          "configparser.SafeConfigParser()", "ConfigParser.ConfigParser()"})
CONFIG_METHODS = frozenset({"set", "get", "getint", "getboolean", "getfloat", "has_option", "has_section",
                            "add_section", "sections", "options", "items", "read", "read_string", "read_dict",
                            "remove_option", "remove_section"})
MAX_CFG = 16
MAX_ALTERNATIVES = 4
MAX_CALLABLES = 64  # the functions of one dispatch table that are followed
KEYED_READS = frozenset({"keys", "items", "values", "get", "copy", "add_section", "has_section", "has_option",
                         "sections", "options"})


@dataclass
class Expr:
    """What evaluating one expression gives: its flow, and what is statically known about it."""

    value: V.Value
    qn: str | None = None       # qualified name it refers to (`subprocess.run`, `flask.Flask()`)
    const: object = None        # literal value when constant (str, int, bool, None)
    is_const: bool = False
    first: V.Value | None = None  # flow into element 0 when it is a list/tuple literal
    node_type: str = ""
    items: tuple[Expr, ...] | None = None   # the elements of a list whose contents are known
    keys: dict[object, Expr] | None = None  # the entries of a dict (or config) under constant keys
    cfg: tuple[str, ...] = ()   # how the object was configured: `resolve_entities=False`, `setFeature(f, True)`
    origin: str | None = None   # the variable a parsed value was parsed from (`urlparse(url)` → "url")
    choices: frozenset | None = None  # the constants it may be, when every path gives one
    whole: int | None = None    # the index of the parameter whose value this is, unchanged (not built into text)
    text: bool = False          # built as text here: interpolated, formatted or concatenated with a string
    part: int | None = None     # an item taken out of this parameter (`query_params["q"]`, `request.form.get("q")`)
    normalized: bool = False    # a path with no `..` left: `os.path.realpath(p)`, `(base / name).resolve()`
    default: tuple = ()         # a parameter's constant default, as (value,): its setting unless a caller opts out
    alternatives: tuple[str, ...] = ()  # the qualified names it refers to when paths bound different ones
    # Entries stored here under constant keys into an object whose other contents are unknown
    # (`context = self.get_context_data()`, then `context["html"] = ...`): a template's context.
    added: dict[str, Expr] | None = None
    # The functions a dict's values all are (`COMMANDS = {"calc": calc, ...}`): an item taken out
    # of it and called (`COMMANDS[name](text)`) calls one of them.
    callables: tuple[str, ...] = ()
    # A dict (a literal, a comprehension, `dict(...)`): what a framework sends as JSON when given one.
    mapping: bool = False

    def shaped(self, **changes) -> Expr:
        """A copy with some fields replaced (the node type is dropped: a binding has none)."""
        fields = {"value": self.value, "qn": self.qn, "const": self.const, "is_const": self.is_const,
                  "first": self.first, "items": self.items, "keys": self.keys, "cfg": self.cfg,
                  "origin": self.origin, "choices": self.choices, "whole": self.whole, "text": self.text,
                  "part": self.part, "normalized": self.normalized, "default": self.default,
                  "alternatives": self.alternatives, "added": self.added, "callables": self.callables,
                  "mapping": self.mapping}
        fields.update(changes)
        return Expr(**fields)

    def stored_at(self, line: int) -> Expr:
        """The same value kept in a container (an entry, an element) at `line`: its flow passes there."""
        return self.shaped(value=V.through(self.value, line))


# What a name is bound to is what its expression gave.
Binding = Expr


def constructor_cfg(named: dict[str, Expr]) -> tuple[str, ...]:
    """`XMLParser(resolve_entities=False)` → ("resolve_entities=False",): how the object was built. A
    parameter passed on unchanged counts as its constant default (`resolve_entities=resolve_entities`
    with `resolve_entities=False` in the signature): safe unless a caller asks otherwise, where it does."""
    return tuple(f"{k}={v.const!r}" if v.is_const else f"{k}={v.default[0]!r}" if v.default else f"{k}={v.qn}"
                 for k, v in named.items() if v.is_const or v.default or v.qn)[:MAX_CFG]


def program(expr: Expr) -> V.Value | None:
    """What chooses the program run by an argument list: element 0, or the command of `sh -c CMD`."""
    items = expr.items
    if items is not None and len(items) >= 3 and items[0].choices and items[0].choices <= V.SHELLS \
            and items[1].choices and items[1].choices <= V.SHELL_COMMAND_FLAGS:
        return V.union(items[0].value, items[2].value)
    if items is not None:
        return items[0].value if items else {}
    return expr.first


def with_items(expr: Expr, items: tuple[Expr, ...]) -> Expr:
    """A list binding whose elements are now `items`: its flow is exactly theirs."""
    return expr.shaped(value=V.union(*(i.value for i in items)), items=items,
                       first=items[0].value if items else {}, is_const=False, const=None, choices=None)


def joined(old: Expr, added: list[Expr], line: int) -> Expr:
    """A container after arguments went into it in a way not followed precisely."""
    value = V.union(old.value, *(V.through(e.value, line) for e in added))
    return old.shaped(value=value, items=None, keys=None, is_const=False, const=None, choices=None, added=None)


def with_keys(expr: Expr, keys: dict[object, Expr]) -> Expr:
    return expr.shaped(value=V.union(*(k.value for k in keys.values())), keys=keys, is_const=False,
                       const=None, choices=None)


def merge(exprs: list[Expr], complete: bool) -> Expr:
    """What a name holds after paths that bound it to `exprs` join (`complete`: every path bound it)."""
    if len(exprs) == 1 and complete:
        return exprs[0].shaped()
    first = exprs[0]
    same = all(e.qn == first.qn and e.const == first.const and e.is_const == first.is_const for e in exprs)
    firsts = [e.first for e in exprs]
    items = None
    if complete and all(e.items is not None and len(e.items) == len(first.items) for e in exprs):
        items = tuple(merge([e.items[i] for e in exprs], True) for i in range(len(first.items)))
    keys = None
    if complete and all(e.keys is not None for e in exprs):
        names = dict.fromkeys(k for e in exprs for k in e.keys)  # in order: facts are deterministic
        keys = {k: merge([e.keys[k] for e in exprs if k in e.keys], all(k in e.keys for e in exprs))
                for k in names}
    # The entries any path stored into an object of unknown contents (`if q: context["q"] = q`):
    # after the join the entry may hold what was stored. A path that knows the object's contents
    # instead (a dict literal) keeps no such entries.
    stored = [e.added if e.added is not None else {} if e.items is None and e.keys is None else None for e in exprs]
    added = None
    if all(entries is not None for entries in stored) and any(stored):
        names = dict.fromkeys(k for entries in stored for k in entries)
        added = {k: merge([entries[k] for entries in stored if k in entries], all(k in entries for entries in stored))
                 for k in names}
    choices = frozenset().union(*(e.choices for e in exprs)) \
        if complete and all(e.choices is not None for e in exprs) else None
    # `t = select_template(...)` in a `try`, `t = Engine().from_string(...)` in its `except`: either one.
    named = tuple(dict.fromkeys(q for e in exprs for q in (e.alternatives or (e.qn,))))
    alternatives = named if not same and complete and None not in named and len(named) <= MAX_ALTERNATIVES else ()
    return Expr(V.union(*(e.value for e in exprs)), first.qn if same else None, first.const if same else None,
                same and first.is_const and complete,
                V.union(*firsts) if all(f is not None for f in firsts) else None,
                items=items, keys=keys, cfg=tuple(dict.fromkeys(c for e in exprs for c in e.cfg))[:MAX_CFG],
                origin=first.origin if all(e.origin == first.origin for e in exprs) else None, choices=choices,
                whole=first.whole if complete and all(e.whole == first.whole for e in exprs) else None,
                text=any(e.text for e in exprs), alternatives=alternatives, added=added,
                callables=first.callables if all(e.callables == first.callables for e in exprs) else (),
                mapping=complete and any(e.mapping for e in exprs)
                and all(e.mapping or (e.is_const and e.const is None) for e in exprs))


def constant(const: object, node_type: str, value: V.Value | None = None) -> Expr:
    return Expr(value or {}, const=const, is_const=True, node_type=node_type,
                choices=frozenset({const}) if isinstance(const, (str, int)) else None)


def list_method(old: Expr, method: str, positional: list[Expr], consts: list,
                line: int) -> tuple[Expr, Expr | None]:
    """A method called on a list whose elements are known: (the list after it, the element it gave)."""
    items = list(old.items or ())
    element = None
    if method == "append" and len(positional) == 1:
        items.append(positional[0].stored_at(line))
    elif method == "insert" and len(positional) == 2 and type(consts[0]) is int:
        items.insert(consts[0], positional[1].stored_at(line))
    elif method == "pop" and (not consts or type(consts[0]) is int) and items:
        at = consts[0] if consts else -1
        if not -len(items) <= at < len(items):
            return old, Expr({})  # an IndexError: nothing flows on
        element = items.pop(at)
    elif method == "extend" and len(positional) == 1 and positional[0].items is not None:
        items.extend(positional[0].items)
    elif method == "clear":
        items = []
    else:  # sort, reverse, remove, extend(unknown), ...: which element is where is lost
        return joined(old, positional, line), None
    return with_items(old, tuple(items)), element


def keyed_method(old: Expr, method: str, positional: list[Expr], consts: list,
                 line: int) -> tuple[Expr, Expr | None]:
    """A method called on a dict or config whose entries are known: (the object after it, what it gave)."""
    keys = dict(old.keys or {})
    is_config = old.qn in CONFIG_TYPES
    arity = 2 if is_config else 1  # a config option is named by (section, option)
    key_parts = consts[:arity]
    known_key = len(key_parts) == arity and all(isinstance(k, (str, int)) for k in key_parts)
    key = "\0".join(map(str, key_parts)) if is_config and known_key else (key_parts[0] if known_key else None)
    if method in ("get", "pop", "setdefault", "getint", "getboolean", "getfloat") and known_key:
        default = positional[arity] if len(positional) > arity else Expr({})
        found = keys.get(key)
        after = old
        if method == "pop" and found is not None:
            del keys[key]
            after = with_keys(old, keys)
        elif method == "setdefault" and found is None:
            keys[key] = default.stored_at(line)
            after = with_keys(old, keys)
        if method in ("getint", "getboolean", "getfloat"):
            return after, Expr({})
        return after, found.shaped() if found is not None else default
    if method == "set" and is_config and known_key and len(positional) == 3:
        keys[key] = positional[2].stored_at(line)
        return with_keys(old, keys), Expr({})
    if method in KEYED_READS:
        return old, None  # the contents stay known
    return joined(old, positional, line), None  # update, a computed key...: contents unknown
