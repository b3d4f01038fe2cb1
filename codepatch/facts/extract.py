"""The per-file stage: one walk over a tree-sitter tree gives every function's flow summary.

Each function (the module body counts as `<module>`) is interpreted abstractly in statement
order: variables hold symbolic values (see `values.py`), branches are merged, loops run twice.
What comes out is JSON-able: the calls made (callee by qualified name, what flows into each
argument), what flows into the return value, and what is stored into module globals or object
fields. The global stage (`analysis/taint.py`) links these summaries across the repository.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import tree_sitter

from codepatch.facts import shapes as S
from codepatch.facts import values as V
from codepatch.facts.guards import (
    FIXED_HOST,
    PART_CHECKED,
    QUOTE_CHECKED,
    URL_PARSERS,
    names_checked,
    terminates,
)
from codepatch.facts.scope import (
    ModuleScope,
    collect_module_scope,
    import_bindings,
    text,
)
from codepatch.facts.shapes import Binding, Expr

# Methods that put their arguments into their receiver (`args.append(user)` taints `args`).
MUTATORS = frozenset({"append", "extend", "insert", "update", "add", "setdefault", "appendleft",
                      "extendleft", "write", "writelines", "push", "put", "__setitem__"})
LITERALS = {"true": True, "false": False, "none": None}
PATH_TYPES = ("pathlib.Path()", "pathlib.PurePath()", "pathlib.PosixPath()", "pathlib.WindowsPath()")
PATH_METHODS = frozenset({"resolve", "absolute", "joinpath", "with_name", "with_suffix", "with_stem",
                          "expanduser", "relative_to"})
# A URL whose scheme and host are written out in full, up to the `/` that starts its path.
FIXED_HOST_PREFIX = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#{}%\s]+[/?#]")
ESCAPE = re.compile(r"\\['\"\\ntr0]")
ESCAPES = {"\\'": "'", '\\"': '"', "\\\\": "\\", "\\n": "\n", "\\t": "\t", "\\r": "\r", "\\0": "\0"}
TYPED_ROUTE_PARAMETER = re.compile(r"<(?:int|float|uuid):(\w+)>")
NON_TEXT_TYPES = frozenset({"int", "float", "bool", "uuid.UUID", "datetime.date", "datetime.datetime",
                            "decimal.Decimal"})
NON_TEXT_RESULTS = frozenset({"dictionary", "list", "dictionary_comprehension", "list_comprehension"})
SEQUENCES = frozenset({"list", "tuple", "expression_list", "parenthesized_expression"})


@dataclass
class Function:
    qn: str
    line: int
    params: list[str]
    decorators: list[str] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    ret: V.Value = field(default_factory=dict)
    stores: dict[str, V.Value] = field(default_factory=dict)
    ret_qns: set[str | None] = field(default_factory=set)  # what each return refers to
    ret_text: V.Value = field(default_factory=dict)  # what flows into returned text (not JSON data)
    types: dict[str, str] = field(default_factory=dict)  # cell → the class of the instance stored there
    typed: list[str] = field(default_factory=list)  # parameters a route receives converted (`<int:id>`, `id: int`)

    def to_json(self) -> dict:
        out = {
            "qn": self.qn, "line": self.line, "params": self.params, "decorators": self.decorators,
            "calls": self.calls, "ret": V.to_json(self.ret), "ret_text": V.to_json(self.ret_text),
            "stores": {cell: V.to_json(v) for cell, v in self.stores.items()},
        }
        if len(self.ret_qns) == 1 and None not in self.ret_qns:
            out["rqn"] = next(iter(self.ret_qns))  # `get_connection()` returns an `ldap3.Connection()`
        if self.types:
            out["types"] = self.types
        if self.typed:
            out["typed"] = self.typed
        return out


def _line(node: tree_sitter.Node) -> int:
    return node.start_point[0] + 1


def _arg_json(expr: Expr) -> dict:
    out: dict = {"v": V.to_json(expr.value), "t": expr.node_type}
    if expr.qn:
        out["qn"] = expr.qn
    if expr.is_const:
        out["c"] = expr.const
    program = S.program(expr)
    if program is not None:
        out["el0"] = V.to_json(program)
    if expr.cfg:
        out["cfg"] = list(expr.cfg)
    return out


class Scope:
    """One function being interpreted: its environment and the summary being built."""

    def __init__(self, extractor: ModuleExtractor, function: Function, parent: Scope | None,
                 kind: str, class_qn: str | None = None) -> None:
        self.x = extractor
        self.fn = function
        self.parent = parent
        self.kind = kind  # "module", "class" or "function"
        self.class_qn = class_qn  # for a class body and the methods defined in it
        self.env: dict[str, Binding] = {}
        self.global_names: set[str] = set()
        self.loop_exits: list[list[dict[str, Binding]]] = []  # per enclosing loop: envs at break/continue
        self.static_path: str | None = None  # `request.path` of a route whose URL has no variables
        # Checked fields bound in `env` (`body.url`), by each dotted prefix of their name: an assignment
        # to `body` forgets them without scanning the whole environment (that was quadratic).
        self.checked_fields: dict[str, set[str]] = {}

    # ----- names -------------------------------------------------------------------------------
    def lookup(self, name: str) -> Binding:
        if name in self.env and name not in self.global_names:
            return self.env[name]
        scope = self.parent
        while scope is not None and scope.kind != "module":
            if scope.kind == "function" and name in scope.env:  # closure; class bodies are not visible
                return scope.env[name]
            scope = scope.parent
        module_env = scope.env if scope is not None else {}
        names = self.x.scope
        if name in names.assigned and name not in names.names:
            # A module variable is a cell shared by every function; its type and constant value
            # are those it had when the reading function was defined.
            cell = f"{self.x.module}.{name}"
            known = module_env.get(name)
            if known is None:
                return Binding({("q", cell): ()}, cell)
            return known.shaped(value={("q", cell): ()}, qn=known.qn or cell, items=None, keys=None)
        qn = names.lookup(name)
        return Binding({("q", qn): ()} if qn else {}, qn)

    def assign_name(self, name: str, expr: Expr, line: int) -> None:
        value = V.through(expr.value, line)
        self.env[name] = expr.shaped(value=value)
        for field_name in self.checked_fields.get(name, ()):
            self.env.pop(field_name, None)  # a new object: what was checked of the old one no longer holds
        if self.kind == "module" or name in self.global_names:
            self.store_cell(f"{self.x.module}.{name}", value, line, expr.qn)
        elif self.kind == "class":
            self.store_cell(f"{self.class_qn}.{name}", value, line, expr.qn)

    def store_cell(self, cell: str, value: V.Value, line: int, qn: str | None = None) -> None:
        if qn and qn.endswith("()"):  # the cell holds an instance: `self.conn = ldap3.Connection(...)`
            self.fn.types.setdefault(cell, qn)
        if value:
            self.fn.stores[cell] = V.union(self.fn.stores.get(cell, {}), V.through(value, line))

    # ----- expressions -------------------------------------------------------------------------
    def eval(self, node: tree_sitter.Node | None) -> Expr:
        if node is None:
            return Expr({})
        self.x.check_time()
        handler = getattr(self, "e_" + node.type, None)
        if handler is not None:
            return handler(node)
        # Anything else: the union of its parts (keeps calls inside unusual expressions recorded).
        parts = [self.eval(c) for c in node.named_children]
        return Expr(V.union(*(p.value for p in parts)), node_type=node.type)

    def e_identifier(self, node: tree_sitter.Node) -> Expr:
        bound = self.lookup(text(node))
        expr = bound.shaped()
        expr.node_type = "identifier"
        return expr

    def e_attribute(self, node: tree_sitter.Node) -> Expr:
        obj_node = node.child_by_field_name("object")
        attr = text(node.child_by_field_name("attribute"))
        checked = self.env.get(f"{text(obj_node)}.{attr}") if obj_node.type == "identifier" else None
        if checked is not None:  # a field a guard validated
            return checked.shaped()
        obj = self.eval(obj_node)
        qn = f"{obj.qn}.{attr}" if obj.qn else None
        if qn is None:
            return Expr(obj.value, node_type="attribute")
        if qn == "flask.request.path" and self.static_path is not None:
            return Expr({}, node_type="attribute")  # fixed by the route: nothing the client chooses
        # `request.args` names more precisely what `request` names: it replaces the object's atom.
        value = {atom: trace for atom, trace in obj.value.items() if atom != ("q", obj.qn)}
        value[("q", qn)] = (_line(node),)
        return Expr(value, qn, node_type="attribute")

    def e_subscript(self, node: tree_sitter.Node) -> Expr:
        obj = self.eval(node.child_by_field_name("value"))
        indexes = [self._index(i) for i in node.children_by_field_name("subscript")]  # records calls in them
        if len(indexes) == 1 and indexes[0] is not V.UNKNOWN:
            known = self._element(obj, indexes[0])
            if known is not None:
                return known
        return Expr(obj.value, f"{obj.qn}[]" if obj.qn else None, node_type="subscript")

    def _index(self, node: tree_sitter.Node) -> object:
        """A constant index (an int, a string key or a slice), or UNKNOWN."""
        if node.type != "slice":
            index = self.eval(node)
            return index.const if index.is_const else V.UNKNOWN
        bounds: list[object] = [None]
        for child in node.children:
            if not child.is_named:
                bounds.append(None)  # a `:` starts the next bound
                continue
            bound = self.eval(child)
            bounds[-1] = bound.const if bound.is_const else V.UNKNOWN
        if V.UNKNOWN in bounds or len(bounds) > 3:
            return V.UNKNOWN
        return slice(*bounds)

    @staticmethod
    def _element(obj: Expr, index: object) -> Expr | None:
        """What `obj[index]` is, when the contents of `obj` are known."""
        if obj.is_const:
            folded = V.fold_index(obj.const, index)
            return None if folded is V.UNKNOWN else S.constant(folded, "string")
        if obj.items is not None and isinstance(index, int) and not isinstance(index, bool):
            if -len(obj.items) <= index < len(obj.items):
                return obj.items[index].shaped()
            return Expr({})  # an IndexError: nothing flows on
        if obj.keys is not None and isinstance(index, (str, int)):
            return obj.keys[index].shaped() if index in obj.keys else Expr({})
        return None

    def e_string(self, node: tree_sitter.Node) -> Expr:
        parts = [self.eval(c.child_by_field_name("expression")) for c in node.named_children
                 if c.type == "interpolation"]
        if parts:
            for c in node.named_children:  # `f"{x:{width}}"` nests expressions in the format spec
                if c.type == "interpolation" and c.child_by_field_name("format_specifier") is not None:
                    parts.append(self.eval(c.child_by_field_name("format_specifier")))
            value = V.union(*(p.value for p in parts))
            leading = node.named_children[1] if len(node.named_children) > 1 else None
            if leading is not None and leading.type == "string_content":
                value = self._host_fixed(text(leading), value, _line(node))
            return Expr(value, node_type="fstring")
        raw = any(c.type == "string_start" and "r" in text(c).lower() for c in node.children)
        content = "".join(text(c) for c in node.named_children if c.type in ("string_content", "escape_sequence"))
        return S.constant(content if raw else ESCAPE.sub(lambda m: ESCAPES[m.group()], content), "string")

    def e_concatenated_string(self, node: tree_sitter.Node) -> Expr:
        parts = [self.e_string(c) for c in node.named_children if c.type == "string"]
        if all(p.is_const for p in parts):
            return S.constant("".join(str(p.const) for p in parts), "string")
        return Expr(V.union(*(p.value for p in parts)), node_type="fstring")

    def e_integer(self, node: tree_sitter.Node) -> Expr:
        try:
            return S.constant(int(text(node).replace("_", ""), 0), "integer")
        except ValueError:
            return Expr({}, node_type="integer")

    def e_float(self, node: tree_sitter.Node) -> Expr:
        return Expr({}, is_const=False, node_type="float")

    def e_true(self, node: tree_sitter.Node) -> Expr:
        return Expr({}, const=True, is_const=True, node_type="true")

    def e_false(self, node: tree_sitter.Node) -> Expr:
        return Expr({}, const=False, is_const=True, node_type="false")

    def e_none(self, node: tree_sitter.Node) -> Expr:
        return Expr({}, const=None, is_const=True, node_type="none")

    def e_comparison_operator(self, node: tree_sitter.Node) -> Expr:
        operands = [self.eval(c) for c in node.named_children]
        operators = [" ".join(text(c).split()) for c in node.children if not c.is_named]
        if all(o.is_const for o in operands):
            folded = V.fold_comparison([o.const for o in operands], operators)
            if folded is not V.UNKNOWN:
                return S.constant(folded, "bool")
        return Expr({}, node_type="bool")  # a comparison gives a bool, which carries no injectable text

    def e_not_operator(self, node: tree_sitter.Node) -> Expr:
        argument = self.eval(node.child_by_field_name("argument"))
        return S.constant(not argument.const, "bool") if argument.is_const else Expr({}, node_type="bool")

    def e_boolean_operator(self, node: tree_sitter.Node) -> Expr:
        left = self.eval(node.child_by_field_name("left"))
        right = self.eval(node.child_by_field_name("right"))
        if left.is_const:  # `a and b` / `a or b` give one operand, chosen by the truth of `a`
            is_and = text(node.child_by_field_name("operator")) == "and"
            return right if bool(left.const) == is_and else left
        return Expr(V.union(left.value, right.value), node_type="boolean")

    def e_unary_operator(self, node: tree_sitter.Node) -> Expr:
        argument = self.eval(node.child_by_field_name("argument"))
        op = text(node.child_by_field_name("operator"))
        if argument.is_const and type(argument.const) is int and op in ("-", "+"):
            return S.constant(-argument.const if op == "-" else argument.const, "integer")
        return Expr(argument.value, node_type="unary")

    def e_lambda(self, node: tree_sitter.Node) -> Expr:
        return Expr({}, node_type="lambda")

    def e_parenthesized_expression(self, node: tree_sitter.Node) -> Expr:
        inner = node.named_children
        return self.eval(inner[0]) if len(inner) == 1 else self._sequence(node)

    def e_list(self, node: tree_sitter.Node) -> Expr:
        return self._sequence(node)

    e_tuple = e_list
    e_expression_list = e_list

    def _sequence(self, node: tree_sitter.Node) -> Expr:
        items = [self.eval(c) for c in node.named_children]
        first = items[0].value if items else {}
        known = None if any(c.type in ("list_splat", "dictionary_splat") for c in node.named_children) else tuple(items)
        if known is not None and node.type != "list" and all(i.is_const for i in known):
            return S.constant(tuple(i.const for i in known), "tuple")  # `("a", "b")` for `in` checks
        return Expr(V.union(*(i.value for i in items)), first=first, node_type="list", items=known)

    def e_dictionary(self, node: tree_sitter.Node) -> Expr:
        keys: dict[object, Expr] | None = {}
        values = []
        for pair in node.named_children:
            if pair.type != "pair":
                values.append(self.eval(pair))
                keys = None
                continue
            key = self.eval(pair.child_by_field_name("key"))
            value = self.eval(pair.child_by_field_name("value"))
            values += [key, value]
            if keys is not None and key.is_const and isinstance(key.const, (str, int)):
                keys[key.const] = value
            else:
                keys = None
        return Expr(V.union(*(v.value for v in values)), node_type="dict", keys=keys)

    def e_binary_operator(self, node: tree_sitter.Node) -> Expr:
        left = self.eval(node.child_by_field_name("left"))
        right = self.eval(node.child_by_field_name("right"))
        op = text(node.child_by_field_name("operator"))
        if left.is_const and right.is_const and not (op == "%" and isinstance(left.const, str)):
            folded = V.fold_binary(op, left.const, right.const)
            if folded is not V.UNKNOWN:  # a module constant may be rebound: its cell still flows in
                return S.constant(folded, "string" if isinstance(folded, str) else "integer",
                                 V.union(left.value, right.value))
        first = left.first if op == "+" and left.first is not None else None
        if op == "+" and left.items is not None and right.items is not None:
            return S.with_items(Expr({}, node_type="list"), left.items + right.items)
        kind = "format" if op == "%" and left.node_type in ("string", "fstring") else "binary"
        # `base / name` of a pathlib path is a path again.
        qn = left.qn if op == "/" and left.qn and left.qn.endswith(PATH_TYPES) else None
        value = V.union(left.value, right.value)
        if op in ("+", "%") and isinstance(left.const, str):
            value = self._host_fixed(left.const, value, _line(node))
        return Expr(value, qn, first=first, node_type=kind)

    def _host_fixed(self, prefix: str, value: V.Value, line: int) -> V.Value:
        """`"https://api.example.org/" + path`: whatever follows, the request goes to that host."""
        if not value or not FIXED_HOST_PREFIX.match(prefix):
            return value
        return self._checked(Expr(value), FIXED_HOST, line)

    def e_conditional_expression(self, node: tree_sitter.Node) -> Expr:
        parts = [self.eval(c) for c in node.named_children]  # (body, condition, orelse)
        if len(parts) == 3 and parts[1].is_const:  # a constant condition: only one branch is ever taken
            return parts[0] if parts[1].const else parts[2]
        chosen = parts[:1] + parts[2:]
        return S.merge(chosen, complete=True)

    def e_named_expression(self, node: tree_sitter.Node) -> Expr:
        expr = self.eval(node.child_by_field_name("value"))
        self.assign_name(text(node.child_by_field_name("name")), expr, _line(node))
        return expr

    def e_await(self, node: tree_sitter.Node) -> Expr:
        return self.eval(node.named_children[0]) if node.named_children else Expr({})

    def e_list_comprehension(self, node: tree_sitter.Node) -> Expr:
        for clause in node.named_children:
            if clause.type == "for_in_clause":
                source = self.eval(clause.child_by_field_name("right"))
                self.bind_target(clause.child_by_field_name("left"), Expr(source.value), _line(clause))
            elif clause.type == "if_clause":
                self.eval(clause)
        body = node.child_by_field_name("body")
        return Expr(self.eval(body).value, node_type="comprehension")

    e_set_comprehension = e_list_comprehension
    e_generator_expression = e_list_comprehension
    e_dictionary_comprehension = e_list_comprehension

    def e_pair(self, node: tree_sitter.Node) -> Expr:
        key = self.eval(node.child_by_field_name("key"))
        value = self.eval(node.child_by_field_name("value"))
        return Expr(V.union(key.value, value.value))

    def e_keyword_argument(self, node: tree_sitter.Node) -> Expr:
        return self.eval(node.child_by_field_name("value"))

    def e_call(self, node: tree_sitter.Node) -> Expr:
        function = node.child_by_field_name("function")
        receiver: Expr | None = None
        method = None
        if function is not None and function.type == "attribute":
            receiver = self.eval(function.child_by_field_name("object"))
            method = text(function.child_by_field_name("attribute"))
            callee = f"{receiver.qn}.{method}" if receiver.qn else None
        else:
            target = self.eval(function)
            callee = target.qn
        args: list[dict] = []
        kwargs: dict[str, dict] = {}
        star: V.Value = {}
        arguments = node.child_by_field_name("arguments")
        all_args: list[Expr] = []
        positional: list[Expr] = []
        named: dict[str, Expr] = {}
        if arguments is not None:
            for a in arguments.named_children:
                if a.type == "keyword_argument":
                    expr = self.eval(a.child_by_field_name("value"))
                    named[text(a.child_by_field_name("name"))] = expr
                    kwargs[text(a.child_by_field_name("name"))] = _arg_json(expr)
                elif a.type in ("list_splat", "dictionary_splat"):
                    expr = self.eval(a.named_children[0] if a.named_children else None)
                    star = V.union(star, expr.value)
                elif a.type != "comment":
                    expr = self.eval(a)
                    positional.append(expr)
                    args.append(_arg_json(expr))
                else:
                    continue
                all_args.append(expr)
                if a.type == "identifier" and (expr.items is not None or expr.keys is not None) \
                        and method not in S.PURE_METHODS and callee not in S.PURE_FUNCTIONS:
                    self._forget_shape(text(a))  # the callee may change the container's contents
        index = len(self.fn.calls)
        call = {
            "callee": callee, "meth": method, "line": _line(node), "col": node.start_point[1],
            "eline": node.end_point[0] + 1, "ecol": node.end_point[1], "args": args, "kw": kwargs,
        }
        if receiver is not None:
            call["recv"] = V.to_json(receiver.value)
            if receiver.cfg:
                call["recv_cfg"] = list(receiver.cfg)
        if star:
            call["star"] = V.to_json(star)
        if arguments is not None and any(a.type in ("list_splat", "dictionary_splat") for a in arguments.named_children):
            call["splat"] = True  # `f(**options)` may pass any keyword, even when `options` is a constant
        self.fn.calls.append(call)
        result = Expr({("c", index): (_line(node),)}, f"{callee}()" if callee else None, node_type="call",
                      cfg=S.constructor_cfg(named))
        if result.qn in S.CONFIG_TYPES:
            result.keys = {}  # a new, empty configuration
        if callee == "getattr" and len(positional) >= 2 and positional[0].qn and isinstance(positional[1].const, str):
            result.qn = f"{positional[0].qn}.{positional[1].const}"  # `getattr(yaml, "CLoader", yaml.Loader)`
        if receiver is not None and function.child_by_field_name("object").type == "identifier":
            known = self._method_on_local(text(function.child_by_field_name("object")), method, positional, named,
                                          all_args, _line(node))
            if known is not None:
                return known
        if receiver is not None and receiver.qn and receiver.qn.endswith(PATH_TYPES) and method in PATH_METHODS:
            result.qn = receiver.qn  # `path.resolve()` is a path again
        if method == "format" and receiver is not None and isinstance(receiver.const, str):
            result.value = self._host_fixed(receiver.const, V.union(*(a.value for a in all_args)), _line(node))
        if method == "replace" and receiver is not None and len(positional) >= 2 \
                and all(isinstance(a.const, str) for a in positional[:2]) \
                and positional[0].const in ("'", '"') and positional[0].const not in positional[1].const:
            # `value.replace("'", "&apos;")`: the value can no longer close a quoted literal
            return Expr(self._checked(receiver, QUOTE_CHECKED, _line(node)), node_type="call")
        if callee == "len" and len(positional) == 1 and isinstance(positional[0].const, (str, tuple)):
            return S.constant(len(positional[0].const), "integer")
        if callee in URL_PARSERS and arguments is not None and arguments.named_children \
                and arguments.named_children[0].type == "identifier":
            result.origin = text(arguments.named_children[0])
        return result

    def _forget_shape(self, name: str) -> None:
        if name in self.env:
            self.env[name] = self.env[name].shaped(items=None, keys=None)

    def _method_on_local(self, name: str, method: str, positional: list[Expr], named: dict[str, Expr],
                         all_args: list[Expr], line: int) -> Expr | None:
        """Update a local variable a method was called on; the call's result when it is known exactly."""
        old = self.lookup(name)
        consts = [a.const if a.is_const else V.UNKNOWN for a in positional]
        if old.items is not None and method in S.LIST_METHODS:
            self.env[name], element = S.list_method(old, method, positional, consts, line)
            return element
        if old.keys is not None and (method in S.DICT_METHODS
                                     or (old.qn in S.CONFIG_TYPES and method in S.CONFIG_METHODS)):
            self.env[name], found = S.keyed_method(old, method, positional, consts, line)
            return found
        if method.lower().startswith("set") and positional and all(a.is_const or a.qn for a in positional) \
                and len(old.cfg) < S.MAX_CFG:  # `parser.setFeature(feature_external_ges, True)` configures it
            call = f"{method}({', '.join(repr(a.const) if a.is_const else str(a.qn) for a in positional)})"
            old = self.env[name] = old.shaped(cfg=old.cfg + (call,))
        if method in MUTATORS:
            if name not in self.env:
                self._store_global(name, V.union(*(a.value for a in all_args)), line)
            self.env[name] = S.joined(old, all_args, line)
        return None

    # ----- statements --------------------------------------------------------------------------
    def run_block(self, block: tree_sitter.Node | None) -> None:
        if block is None:
            return
        for stmt in block.named_children:
            self.run_statement(stmt)

    def run_statement(self, node: tree_sitter.Node) -> None:
        handler = getattr(self, "s_" + node.type, None)
        if handler is not None:
            handler(node)
        elif node.type not in ("comment", "pass_statement", "break_statement", "continue_statement"):
            for child in node.named_children:
                self.eval(child)

    def s_expression_statement(self, node: tree_sitter.Node) -> None:
        for child in node.named_children:
            if child.type == "assignment":
                self.s_assignment(child)
            elif child.type == "augmented_assignment":
                self.s_augmented_assignment(child)
            else:
                self.eval(child)

    def s_assignment(self, node: tree_sitter.Node) -> None:
        right = node.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if right is None:  # a bare annotation `x: int`
            return
        if right.type == "assignment":  # chained `a = b = value`
            self.s_assignment(right)
            right = right.child_by_field_name("left")
        expr = self.eval(right)
        if right.type == "identifier" and (expr.items is not None or expr.keys is not None):
            # `alias = items`: both names now share one mutable object; stop following its contents.
            self._forget_shape(text(right))
            expr = expr.shaped(items=None, keys=None)
        self.bind_target(left, expr, _line(node), right)

    def s_augmented_assignment(self, node: tree_sitter.Node) -> None:
        left = node.child_by_field_name("left")
        right = self.eval(node.child_by_field_name("right"))
        old = self.eval(left)
        op = text(node.child_by_field_name("operator"))[:-1]
        folded = V.fold_binary(op, old.const, right.const) if old.is_const and right.is_const else V.UNKNOWN
        if folded is not V.UNKNOWN:
            combined = S.constant(folded, "string", V.union(old.value, right.value))
        elif op == "+" and old.items is not None and right.items is not None:
            combined = S.with_items(old, old.items + right.items)
        else:
            combined = Expr(V.union(old.value, right.value), old.qn, first=old.first, cfg=old.cfg)
        self.bind_target(left, combined, _line(node))

    def bind_target(self, target: tree_sitter.Node | None, expr: Expr, line: int,
                    right: tree_sitter.Node | None = None) -> None:
        if target is None:
            return
        kind = target.type
        if kind == "identifier":
            self.assign_name(text(target), expr, line)
        elif kind in ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "expression_list"):
            targets = target.named_children
            sources = right.named_children if right is not None and right.type in SEQUENCES else None
            for i, t in enumerate(targets):
                if sources is not None and len(sources) == len(targets):
                    self.bind_target(t, self.eval(sources[i]), line)
                else:
                    self.bind_target(t, Expr(expr.value), line)
        elif kind == "as_pattern_target" and target.named_children:
            # `with tarfile.open(p) as tar`: `tar` keeps the type (qualified name) of what was entered
            self.bind_target(target.named_children[0], expr, line)
        elif kind == "list_splat_pattern" and target.named_children:
            self.bind_target(target.named_children[0], Expr(expr.value), line)
        elif kind == "attribute":
            obj = self.eval(target.child_by_field_name("object"))
            attr = text(target.child_by_field_name("attribute"))
            if obj.qn:
                self.store_cell(f"{obj.qn}.{attr}", expr.value, line, expr.qn)
            if expr.is_const or (expr.qn and "." in expr.qn and not expr.qn.startswith("$") and "(" not in expr.qn):
                # `ctx.check_hostname = False`, `app.debug = True`: a call of `__setattr__` for pattern rules
                name = Expr({}, const=attr, is_const=True, node_type="string")
                self.fn.calls.append({
                    "callee": f"{obj.qn}.__setattr__" if obj.qn else None, "meth": "__setattr__", "line": line,
                    "col": target.start_point[1], "eline": target.end_point[0] + 1, "ecol": target.end_point[1],
                    "args": [_arg_json(name), _arg_json(expr)], "kw": {}})
            self._taint_root(target.child_by_field_name("object"), expr.value, line)
        elif kind == "subscript":
            base = target.child_by_field_name("value")
            obj = self.eval(base)
            if base.type == "identifier" and self._store_element(text(base), obj, target, expr, line):
                return
            if obj.qn:  # `session["user"] = value` is a call of `flask.session.__setitem__`
                index = [self.eval(s) for s in target.children_by_field_name("subscript")]
                call = {"callee": f"{obj.qn}.__setitem__", "meth": "__setitem__", "line": line,
                        "col": target.start_point[1], "eline": line, "ecol": target.end_point[1],
                        "args": [_arg_json(index[0] if index else Expr({})), _arg_json(expr)], "kw": {}}
                self.fn.calls.append(call)
            self._taint_root(base, expr.value, line)

    def _store_element(self, name: str, obj: Expr, target: tree_sitter.Node, expr: Expr, line: int) -> bool:
        """`data["k"] = value` / `items[1] = value` on a local whose contents are known."""
        if name not in self.env or (obj.items is None and obj.keys is None):
            return False
        indexes = [self._index(i) for i in target.children_by_field_name("subscript")]
        stored = expr.shaped(value=V.through(expr.value, line))
        if len(indexes) == 1 and obj.keys is not None and isinstance(indexes[0], (str, int)):
            self.env[name] = S.with_keys(obj, {**obj.keys, indexes[0]: stored})
            return True
        if len(indexes) == 1 and obj.items is not None and type(indexes[0]) is int \
                and -len(obj.items) <= indexes[0] < len(obj.items):
            items = list(obj.items)
            items[indexes[0]] = stored
            self.env[name] = S.with_items(obj, tuple(items))
            return True
        return False

    def _taint_root(self, node: tree_sitter.Node, value: V.Value, line: int) -> None:
        """`obj.field = tainted` / `data[k] = tainted` taints a local `obj` / `data` as a whole."""
        while node.type in ("attribute", "subscript"):
            node = node.child_by_field_name("object" if node.type == "attribute" else "value")
        if node.type == "identifier" and text(node) in self.env:
            old = self.env[text(node)]
            self.env[text(node)] = S.joined(old, [Expr(value)], line)
        elif node.type == "identifier":
            self._store_global(text(node), value, line)

    def _store_global(self, name: str, value: V.Value, line: int) -> None:
        """`CACHE[key] = value` / `PENDING.append(value)` in a function changes the module's object."""
        if self.kind == "function" and name in self.x.scope.assigned and name not in self.x.scope.names:
            self.store_cell(f"{self.x.module}.{name}", value, line)

    def s_return_statement(self, node: tree_sitter.Node) -> None:
        for child in node.named_children:
            returned = self.eval(child)
            self.fn.ret = V.union(self.fn.ret, V.through(returned.value, _line(node)))
            self.fn.ret_qns.add(returned.qn)
            # The body of a response: `return body, 200` sends `body`; a dict or list is sent as JSON.
            body = returned.items[0] if child.type in ("expression_list", "tuple") and returned.items else returned
            if child.type not in NON_TEXT_RESULTS and body.node_type not in ("dict", "comprehension"):
                self.fn.ret_text = V.union(self.fn.ret_text, V.through(body.value, _line(node)))
        if not node.named_children:
            self.fn.ret_qns.add(None)

    def s_global_statement(self, node: tree_sitter.Node) -> None:
        self.global_names.update(text(c) for c in node.named_children if c.type == "identifier")

    def s_import_statement(self, node: tree_sitter.Node) -> None:
        bound = import_bindings(node, self.x.scope.package)
        if isinstance(bound, list):
            for name, qn in bound:
                self.env[name] = Binding({}, qn)

    s_import_from_statement = s_import_statement

    def s_if_statement(self, node: tree_sitter.Node) -> None:
        branches: list[tuple[tree_sitter.Node | None, tree_sitter.Node | None]] = [
            (node.child_by_field_name("condition"), node.child_by_field_name("consequence"))]
        for alt in node.children_by_field_name("alternative"):
            if alt.type == "elif_clause":
                branches.append((alt.child_by_field_name("condition"), alt.child_by_field_name("consequence")))
            else:
                branches.append((None, alt.child_by_field_name("body")))
        if branches[-1][0] is not None:
            branches.append((None, None))  # no else: the fall-through path
        outcomes: list[dict[str, Binding]] = []
        for condition, block in branches:
            when_true: frozenset[tuple[str, str]] = frozenset()
            when_false: frozenset[tuple[str, str]] = frozenset()
            if condition is not None:
                tested = self.eval(condition)
                if tested.is_const and not tested.const:
                    continue  # never taken
                when_true, when_false = names_checked(condition, self.resolve_node)
                if tested.is_const:  # always taken: later branches and the fall-through never run
                    self.run_block(block)
                    self._leave_block(block, outcomes)
                    break
            saved = dict(self.env)
            self._clear(when_true, _line(node))
            self.run_block(block)
            self._leave_block(block, outcomes)
            # Later branches and the fall-through run only when this condition was false.
            self.env = saved
            self._clear(when_false, _line(node))
        if outcomes:
            self.env = self._merge(outcomes)

    def _leave_block(self, block: tree_sitter.Node | None, outcomes: list[dict[str, Binding]]) -> None:
        """Where the flow goes after a branch: on, out of the loop (break/continue), or nowhere."""
        if not terminates(block, self.resolve_node):
            outcomes.append(self.env)
        elif self.loop_exits and block.named_children[-1].type in ("break_statement", "continue_statement"):
            self.loop_exits[-1].append(self.env)

    def _clear(self, names: frozenset[tuple[str, str]], line: int) -> None:
        """Names a guard validated: clean for every sink, or only for those of the guard's kind."""
        # Checking `parsed.netloc` validates `parsed = urlparse(url)` and `url`; on other objects, nothing.
        names = {(n, "" if kind == PART_CHECKED else kind) for n, kind in names
                 if kind != PART_CHECKED or (n in self.env and self.env[n].origin)}
        origins = {(self.env[n].origin, kind) for n, kind in names if n in self.env and self.env[n].origin}
        for name, kind in names | origins:
            if "." in name and not kind:  # `body.url` checked: reads of that field are clean from here on
                self.env[name] = Expr({})
                parts = name.split(".")
                for end in range(1, len(parts)):
                    self.checked_fields.setdefault(".".join(parts[:end]), set()).add(name)
                continue
            if name not in self.env:
                continue
            old = self.env[name]
            if not kind:
                self.env[name] = Binding({}, old.qn, old.const, old.is_const, choices=old.choices)
            elif old.value:
                self.env[name] = old.shaped(value=self._checked(old, kind, line))

    def _checked(self, expr: Expr, kind: str, line: int) -> V.Value:
        """The value after a check of one kind: a synthetic call of `kind`, which rules list as a sanitizer."""
        index = len(self.fn.calls)
        self.fn.calls.append({"callee": kind, "meth": None, "line": line, "col": 0, "eline": line,
                              "ecol": 0, "args": [_arg_json(expr)], "kw": {}, "guard": True})
        return {("c", index): (line,)}

    def _merge(self, envs: list[dict[str, Binding]]) -> dict[str, Binding]:
        if len(envs) == 1:
            return envs[0]
        merged: dict[str, Binding] = {}
        for name in set().union(*envs):
            bindings = [e[name] for e in envs if name in e]
            if "." in name and len(bindings) < len(envs):
                continue  # a field checked on some paths only is not checked
            if len(bindings) == len(envs) and all(b is bindings[0] for b in bindings):
                merged[name] = bindings[0]  # untouched on every path (bindings are never changed in place)
                continue
            merged[name] = S.merge(bindings, complete=len(bindings) == len(envs))
        return merged

    def _loop(self, body: tree_sitter.Node | None, before_each=None) -> None:
        entry = dict(self.env)
        self.loop_exits.append([])
        for _ in range(2):  # twice: values carried from one iteration into the next
            if before_each:
                before_each()
            self.run_block(body)
            if self.loop_exits[-1]:
                self.env = self._merge([self.env, *self.loop_exits[-1]])
        self.loop_exits.pop()
        self.env = self._merge([entry, self.env])

    def s_for_statement(self, node: tree_sitter.Node) -> None:
        iterable = self.eval(node.child_by_field_name("right"))
        self._loop(node.child_by_field_name("body"),
                   lambda: self.bind_target(node.child_by_field_name("left"), Expr(iterable.value), _line(node)))
        self.run_block(node.child_by_field_name("alternative"))

    def s_while_statement(self, node: tree_sitter.Node) -> None:
        self._loop(node.child_by_field_name("body"), lambda: self.eval(node.child_by_field_name("condition")))
        self.run_block(node.child_by_field_name("alternative"))

    def s_try_statement(self, node: tree_sitter.Node) -> None:
        entry = dict(self.env)
        self.run_block(node.child_by_field_name("body"))
        after_body = self.env
        outcomes = [after_body]
        for clause in node.named_children:
            if clause.type in ("except_clause", "except_group_clause"):
                self.env = self._merge([entry, after_body])
                handler_leaves = False
                for part in clause.named_children:
                    if part.type == "as_pattern" and part.child_by_field_name("alias") is not None:
                        self.bind_target(part.child_by_field_name("alias"), Expr({}), _line(part))
                    elif part.type == "block":
                        self.run_block(part)
                        handler_leaves = terminates(part, self.resolve_node)
                if not handler_leaves:  # `except ...: return error_page`: nothing flows on from here
                    outcomes.append(self.env)
        self.env = self._merge(outcomes)
        for clause in node.named_children:
            if clause.type == "else_clause":
                self.run_block(clause.child_by_field_name("body"))
            elif clause.type == "finally_clause":
                for part in clause.named_children:
                    if part.type == "block":
                        self.run_block(part)

    def s_with_statement(self, node: tree_sitter.Node) -> None:
        for clause in node.named_children:
            if clause.type == "with_clause":
                for item in clause.named_children:
                    value = item.child_by_field_name("value")
                    if value is not None and value.type == "as_pattern":
                        expr = self.eval(value.named_children[0])
                        self.bind_target(value.child_by_field_name("alias"), expr, _line(item))
                    else:
                        self.eval(value)
        self.run_block(node.child_by_field_name("body"))

    def s_match_statement(self, node: tree_sitter.Node) -> None:
        subject = [self.eval(s) for s in node.children_by_field_name("subject")]
        known = subject[0].const if len(subject) == 1 and subject[0].is_const else V.UNKNOWN
        body = node.child_by_field_name("body")
        outcomes = [dict(self.env)]
        entry = dict(self.env)
        for case in (body.named_children if body is not None else []):
            if case.type != "case_clause":
                continue
            patterns = [p for p in case.named_children if p.type == "case_pattern"]
            taken = _case_taken(patterns, known) if case.child_by_field_name("guard") is None else None
            if taken is False:
                continue
            self.env = dict(entry)
            for pattern in patterns:
                for ident in _identifiers(pattern):
                    self.assign_name(ident, Expr(V.union(*(s.value for s in subject))), _line(case))
            self.run_block(case.child_by_field_name("consequence"))
            if taken:  # a constant subject matched: this is the only case that runs
                outcomes = [self.env]
                break
            outcomes.append(self.env)
        self.env = self._merge(outcomes)

    def s_decorated_definition(self, node: tree_sitter.Node) -> None:
        decorators = []
        typed: set[str] = set()
        routes: list[str] = []
        for d in node.named_children:
            if d.type == "decorator" and d.named_children:
                expr_node = d.named_children[0]
                target = expr_node.child_by_field_name("function") if expr_node.type == "call" else expr_node
                evaluated = self.eval(expr_node)
                decorators.append(self.resolve_node(target) or text(target))
                if expr_node.type == "call":  # `@app.route("/item/<int:item_id>")`: a number, never text
                    index = next((ref for kind, ref in evaluated.value if kind == "c"), None)
                    arguments = self.fn.calls[index]["args"] if index is not None else []
                    route = arguments[0].get("c") if arguments else None
                    if isinstance(route, str):
                        typed.update(TYPED_ROUTE_PARAMETER.findall(route))
                        routes.append(route)
        definition = node.child_by_field_name("definition")
        if definition is not None:
            # A Flask route without URL variables is only reached through its one path.
            # (A blueprint's `url_prefix` may hold variables of its own.)
            static = routes[0] if len(set(routes)) == 1 and "<" not in routes[0] \
                and not any("Blueprint" in d for d in decorators) else None
            self.define(definition, decorators, typed, static)

    def s_function_definition(self, node: tree_sitter.Node) -> None:
        self.define(node, [], set())

    s_class_definition = s_function_definition

    def define(self, node: tree_sitter.Node, decorators: list[str], typed: set[str],
               static_path: str | None = None) -> None:
        name = text(node.child_by_field_name("name"))
        base = {"module": self.x.module, "class": self.class_qn}.get(self.kind, self.fn.qn)
        qn = f"{base}.{name}"
        if node.type == "class_definition":
            self.x.extract_class(node, qn, self)
        else:
            self.x.extract_function(node, qn, decorators, self, typed, static_path)
        if self.kind != "class":
            self.env[name] = Binding({}, qn)

    def resolve_node(self, node: tree_sitter.Node | None) -> str | None:
        """The qualified name an identifier or attribute chain refers to, without recording anything."""
        if node is None:
            return None
        if node.type == "identifier":
            return self.lookup(text(node)).qn
        if node.type == "attribute":
            base = self.resolve_node(node.child_by_field_name("object"))
            return f"{base}.{text(node.child_by_field_name('attribute'))}" if base else None
        return None


def _case_taken(patterns: list[tree_sitter.Node], subject: object) -> bool | None:
    """Whether a `case` of literal alternatives matches a constant subject; None when not known."""
    if subject is V.UNKNOWN or len(patterns) != 1:
        return None
    pattern = patterns[0]
    if text(pattern).strip() == "_":
        return True
    alternatives = pattern.named_children
    if len(alternatives) == 1 and alternatives[0].type == "union_pattern":
        alternatives = alternatives[0].named_children
    values = []
    for alternative in alternatives:
        if alternative.type == "integer":
            try:
                values.append(int(text(alternative).replace("_", ""), 0))
            except ValueError:  # `0j`, `1e3`: not an int literal
                return None
        elif alternative.type == "string" and not any(c.type == "interpolation" for c in alternative.named_children):
            values.append("".join(text(c) for c in alternative.named_children if c.type == "string_content"))
        else:
            return None
    return subject in values


def _identifiers(node: tree_sitter.Node) -> list[str]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            out.append(text(current))
        else:
            stack.extend(current.named_children)
    return out


class AnalysisTimeout(Exception):
    """The module took longer than its time budget (--file-timeout)."""


class ModuleExtractor:
    """Walks one module; the module body, every class body and every function become `Function`s."""

    def __init__(self, module: str, is_package: bool, root: tree_sitter.Node, deadline: float | None = None) -> None:
        self.module = module
        self.scope: ModuleScope = collect_module_scope(root, module, is_package)
        self.functions: list[Function] = []
        self.root = root
        self.deadline = deadline  # time.monotonic() by which the module must be done, or None
        self.evaluated = 0

    def check_time(self) -> None:
        """Raises AnalysisTimeout past the deadline (looked at every few thousand expressions)."""
        self.evaluated += 1
        if self.deadline is not None and self.evaluated % 4096 == 0 and time.monotonic() > self.deadline:
            raise AnalysisTimeout()

    def run(self) -> list[Function]:
        body = Function(f"{self.module}.<module>", 1, [])
        self.functions.append(body)
        Scope(self, body, None, "module").run_block(self.root)
        return self.functions

    def extract_function(self, node: tree_sitter.Node, qn: str, decorators: list[str], parent: Scope,
                         typed: set[str], static_path: str | None = None) -> None:
        params, annotations = _parameters(node.child_by_field_name("parameters"))
        function = Function(qn, _line(node), params, decorators)
        function.typed = sorted(typed & set(params))
        self.functions.append(function)
        class_qn = parent.class_qn if parent.kind == "class" else None
        scope = Scope(self, function, parent, "function", class_qn)
        scope.static_path = static_path
        for i, name in enumerate(params):
            param_qn = f"${name}"  # an unresolved parameter: rules may still name `$request.GET`
            if i == 0 and class_qn and "staticmethod" not in decorators:
                param_qn = class_qn if "classmethod" in decorators else f"{class_qn}()"
            elif name in annotations:
                annotation = scope.resolve_node(annotations[name])
                param_qn = f"{annotation}()" if annotation else param_qn
                if annotation in NON_TEXT_TYPES:  # a web framework converts it, or rejects the request
                    function.typed.append(name)
            scope.env[name] = Binding({("p", i): (function.line,)}, param_qn)
        for default in _defaults(node.child_by_field_name("parameters")):
            parent.eval(default)
        scope.run_block(node.child_by_field_name("body"))

    def extract_class(self, node: tree_sitter.Node, qn: str, parent: Scope) -> None:
        body = Function(f"{qn}.<class>", _line(node), [])
        self.functions.append(body)
        superclasses = node.child_by_field_name("superclasses")
        if superclasses is not None:
            for base in superclasses.named_children:
                parent.eval(base)
        Scope(self, body, parent, "class", qn).run_block(node.child_by_field_name("body"))


def _parameters(node: tree_sitter.Node | None) -> tuple[list[str], dict[str, tree_sitter.Node]]:
    names: list[str] = []
    annotations: dict[str, tree_sitter.Node] = {}
    if node is None:
        return names, annotations
    for p in node.named_children:
        if p.type == "identifier":
            names.append(text(p))
            continue
        name_node = p.child_by_field_name("name")
        if name_node is None:
            idents = [c for c in p.named_children if c.type == "identifier"]
            name_node = idents[0] if idents else None
        if name_node is None:
            continue
        names.append(text(name_node))
        annotation = p.child_by_field_name("type")
        if annotation is not None and annotation.named_children:
            annotations[text(name_node)] = annotation.named_children[0]
    return names, annotations


def _defaults(node: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    if node is None:
        return []
    return [p.child_by_field_name("value") for p in node.named_children
            if p.type in ("default_parameter", "typed_default_parameter") and p.child_by_field_name("value")]
