"""Expressions: each tree-sitter expression node evaluated to a symbolic value (`Expr`), constants
folded where every part is known (`values.py`), containers' contents followed (`shapes.py`)."""

from __future__ import annotations

import re

import tree_sitter

from codepatch.facts import shapes as S
from codepatch.facts import values as V
from codepatch.facts.environment import Environment
from codepatch.facts.function import line_of
from codepatch.facts.guards import (
    FIXED_HOST,
    FIXED_HOST_PREFIX,
    SAME_HOST_PATH,
    names_checked,
)
from codepatch.facts.scope import listed, text
from codepatch.facts.shapes import Expr

PATH_TYPES = ("pathlib.Path()", "pathlib.PurePath()", "pathlib.PosixPath()", "pathlib.WindowsPath()")
ESCAPE = re.compile(r"\\['\"\\ntr0]")
# A value formatted as a number (`"LIMIT %d" % n`, `f"{n:d}"`) is digits in the text, or an error.
PRINTF_CONVERSION = re.compile(r"%(\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")
NUMERIC_PRINTF = frozenset("diouxXeEfFgG")
NUMERIC_FORMAT_SPEC = re.compile(r"[^{}]*[bdoxXneEfFgG%]")
ESCAPES = {"\\'": "'", '\\"': '"', "\\\\": "\\", "\\n": "\n", "\\t": "\t", "\\r": "\r", "\\0": "\0"}


class Expressions(Environment):
    """`eval(node)` dispatches on the node's type to `e_<type>`; anything else is the union of its parts."""

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
        if attr == "__class__":  # a value's class is code the program defines, not the text it holds
            return Expr({}, node_type="attribute")
        qn = f"{obj.qn}.{attr}" if obj.qn else None
        if qn is None:
            return Expr(obj.value, node_type="attribute")
        if qn == "flask.request.path" and self.static_path is not None:
            return Expr({}, node_type="attribute")  # fixed by the route: nothing the client chooses
        if obj_node.type == "identifier" and text(obj_node) in ("self", "cls") \
                and self.x.binds_class_attribute(qn.replace("()", "")):
            # `self.routes`, a table the class body defines: the class's own data (and what methods store
            # there), not the instance's other fields, nor the instance itself (a request, for an
            # `http.server` handler).
            return Expr({("q", qn): (line_of(node),)}, qn, node_type="attribute")
        # `request.args` names more precisely what `request` names: it replaces the object's atom.
        value = {atom: trace for atom, trace in obj.value.items() if atom != ("q", obj.qn)}
        value[("q", qn)] = (line_of(node),)
        return Expr(value, qn, node_type="attribute")

    def e_subscript(self, node: tree_sitter.Node) -> Expr:
        checked = self.env.get(text(node))
        if checked is not None:  # an item a guard validated (`urlparse(state["next"][0]).netloc == host`)
            return checked.shaped()
        obj = self.eval(node.child_by_field_name("value"))
        indexes = [self._index(i) for i in node.children_by_field_name("subscript")]  # records calls in them
        if obj.qn == "sys.argv" and indexes == [0]:
            return Expr({}, "sys.argv[0]", node_type="subscript")  # the program's own path, as it was started
        if len(indexes) == 1 and indexes[0] is not V.UNKNOWN:
            known = self._element(obj, indexes[0])
            if known is not None:
                return known
        if obj.callables:  # `COMMANDS[name]`: one of the table's functions
            return Expr(obj.value, node_type="subscript", alternatives=obj.callables)
        if all(i.type == "slice" for i in node.children_by_field_name("subscript")):
            # `path[:-1]`: a shorter piece of the same value, not an item taken out of it.
            return Expr(obj.value, f"{obj.qn}[]" if obj.qn else None, node_type="subscript", whole=obj.whole)
        return Expr(obj.value, f"{obj.qn}[]" if obj.qn else None, node_type="subscript", part=item_of(obj))

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
        interpolations = [c for c in node.named_children if c.type == "interpolation"]
        evaluated = [self.eval(c.child_by_field_name("expression")) for c in interpolations]
        if evaluated:
            # `f"{url}?next={target}"`: what follows a `?` or `#` cannot change the URL's host.
            literal, in_query = "", []
            for c in node.named_children:
                literal += text(c) if c.type == "string_content" else ""
                if c.type == "interpolation":
                    in_query.append("?" in literal or "#" in literal)
            parts = [part.shaped(value=self._checked(part, FIXED_HOST, line_of(node))) if query and part.value else part
                     for part, query, c in zip(evaluated, in_query, interpolations) if not _numeric_spec(c)]
            for c in node.named_children:  # `f"{x:{width}}"` nests expressions in the format spec
                if c.type == "interpolation" and c.child_by_field_name("format_specifier") is not None:
                    parts.append(self.eval(c.child_by_field_name("format_specifier")))
            value = V.union(*(p.value for p in parts))
            leading = node.named_children[1] if len(node.named_children) > 1 else None
            if leading is not None and leading.type == "string_content":
                value = self._host_fixed(text(leading), value, line_of(node))
            return Expr(value, node_type="fstring", text=True)
        raw = any(c.type == "string_start" and "r" in text(c).lower() for c in node.children)
        content = "".join(text(c) for c in node.named_children if c.type in ("string_content", "escape_sequence"))
        return S.constant(content if raw else ESCAPE.sub(lambda m: ESCAPES[m.group()], content), "string")

    def e_concatenated_string(self, node: tree_sitter.Node) -> Expr:
        parts = [self.e_string(c) for c in node.named_children if c.type == "string"]
        if all(p.is_const for p in parts):
            return S.constant("".join(str(p.const) for p in parts), "string")
        return Expr(V.union(*(p.value for p in parts)), node_type="fstring", text=True)

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
        left_node = node.child_by_field_name("left")
        left = self.eval(left_node)
        is_and = text(node.child_by_field_name("operator")) == "and"
        # The right operand runs only where the left one was true (`and`) or false (`or`): what the
        # left one checked holds there (`outside(root, path) or not os.path.isfile(path)`).
        when_true, when_false = names_checked(left_node, self.resolve_node, self.constant_of)
        right = self.eval_where(node.child_by_field_name("right"), when_true if is_and else when_false, line_of(node))
        if left.is_const:  # `a and b` / `a or b` give one operand, chosen by the truth of `a`
            return right if bool(left.const) == is_and else left
        return Expr(V.union(left.value, right.value), node_type="boolean")

    def e_unary_operator(self, node: tree_sitter.Node) -> Expr:
        argument = self.eval(node.child_by_field_name("argument"))
        op = text(node.child_by_field_name("operator"))
        if argument.is_const and type(argument.const) is int and op in ("-", "+"):
            return S.constant(-argument.const if op == "-" else argument.const, "integer")
        return Expr(argument.value, node_type="unary")

    def e_lambda(self, node: tree_sitter.Node) -> Expr:
        """A lambda's body is read where it is written: its calls are this function's (`lambda s:
        mark_safe(s)` is a sink like any), its parameters values nothing here proves constant, and
        the names they shadow are as they were after it."""
        parameters = node.child_by_field_name("parameters")
        names = [text(n) for n in (parameters.named_children if parameters is not None else ())
                 for n in [n if n.type == "identifier" else n.child_by_field_name("name") or
                           next(iter(n.named_children), None)] if n is not None and n.type == "identifier"]
        shadowed = {name: self.env[name] for name in names if name in self.env}
        for name in names:
            self.env[name] = Expr({("q", f"<lambda>.{name}"): ()})
        body = node.child_by_field_name("body")
        if body is not None:
            self.eval(body)
        for name in names:
            self.env.pop(name, None)
        self.env.update(shadowed)
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
        if node.type == "tuple" and len(items) == 2 and listed(node):
            self.pair_built(node, items[0], items[1])  # `[("Location", url), ...]`: a header list
        first = items[0].value if items else {}
        known = None if any(c.type in ("list_splat", "dictionary_splat") for c in node.named_children) else tuple(items)
        if known is not None and node.type != "list" and all(i.is_const for i in known):
            return S.constant(tuple(i.const for i in known), "tuple")  # `("a", "b")` for `in` checks
        return Expr(V.union(*(i.value for i in items)), first=first, node_type="list", items=known)

    def e_dictionary(self, node: tree_sitter.Node) -> Expr:
        keys: dict[object, Expr] | None = {}
        values = []
        named: list[str | None] = []  # what each entry's value refers to
        for pair in node.named_children:
            if pair.type != "pair":
                values.append(self.eval(pair))
                keys = None
                named.append(None)  # `**other`: entries of any kind
                continue
            key = self.eval(pair.child_by_field_name("key"))
            value = self.eval(pair.child_by_field_name("value"))
            values += [key, value]
            self.entry_built(node, pair, key, value)
            named.append(value.qn if value.node_type in ("identifier", "attribute") else None)
            if keys is not None and key.is_const and isinstance(key.const, (str, int)):
                keys[key.const] = value
            else:
                keys = None
        callables = tuple(dict.fromkeys(named)) if named and len(named) <= S.MAX_CALLABLES and all(
            qn and "()" not in qn and "[]" not in qn and not qn.startswith("$") for qn in named) else ()
        result = Expr(V.union(*(v.value for v in values)), node_type="dict", keys=keys, callables=callables,
                      mapping=True)
        self.dictionary_built(node, result)
        return result

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
        if kind == "format" and isinstance(left.const, str):
            right_type = node.child_by_field_name("right").type
            right = self._query_checked(left.const, right, right_type, line_of(node))
            right = right.shaped(value=_printf_text(left.const, right, right_type))
        # `base / name` of a pathlib path is a path again.
        qn = left.qn if op == "/" and left.qn and left.qn.endswith(PATH_TYPES) else None
        value = V.union(left.value, right.value)
        if op in ("+", "%") and isinstance(left.const, str):
            value = self._host_fixed(left.const, value, line_of(node))
        textual = kind == "format" or (qn is not None and not right.is_const) or \
            (op == "+" and any(isinstance(o.const, str) or o.text for o in (left, right)))
        return Expr(value, qn, first=first, node_type=kind, whole=left.whole if qn else None, text=textual)

    def _query_checked(self, template: str, right: Expr, right_type: str, line: int) -> Expr:
        """`"%s?%s" % (url, query)`: what follows a `?` or `#` is a URL's query or fragment, which
        cannot change the host it points to."""
        conversions = [m for m in PRINTF_CONVERSION.finditer(template) if m.group(2) != "%"]
        after = ["?" in template[:m.start()] or "#" in template[:m.start()] for m in conversions]
        if not any(after) or any(m.group(1) for m in conversions):
            return right
        if right_type == "tuple" and right.items is not None and len(right.items) == len(conversions):
            items = tuple(item.shaped(value=self._checked(item, FIXED_HOST, line)) if query and item.value else item
                          for item, query in zip(right.items, after))
            return S.with_items(right, items)
        if right_type != "tuple" and len(conversions) == 1 and right.value:
            return right.shaped(value=self._checked(right, FIXED_HOST, line))
        return right

    def _host_fixed(self, prefix: str, value: V.Value, line: int) -> V.Value:
        """`"https://api.example.org/" + path`, `"/login?next=" + url`: whatever follows, the request
        goes to that host."""
        if not value or not (FIXED_HOST_PREFIX.match(prefix) or SAME_HOST_PATH.match(prefix)):
            return value
        return self._checked(Expr(value), FIXED_HOST, line)

    def e_conditional_expression(self, node: tree_sitter.Node) -> Expr:
        if len(node.named_children) != 3:
            return S.merge([self.eval(c) for c in node.named_children], complete=True)
        body, condition, orelse = node.named_children
        tested = self.eval(condition)
        # Each branch runs where the condition was true or false (`url if is_allowed(url) else "/"`).
        when_true, when_false = names_checked(condition, self.resolve_node, self.constant_of)
        chosen = self.eval_where(body, when_true, line_of(node))
        other = self.eval_where(orelse, when_false, line_of(node))
        if tested.is_const:  # a constant condition: only one branch is ever taken
            return chosen if tested.const else other
        return S.merge([chosen, other], complete=True)

    def e_named_expression(self, node: tree_sitter.Node) -> Expr:
        expr = self.eval(node.child_by_field_name("value"))
        self.assign_name(text(node.child_by_field_name("name")), expr, line_of(node))
        return expr

    def e_await(self, node: tree_sitter.Node) -> Expr:
        return self.eval(node.named_children[0]) if node.named_children else Expr({})

    def e_list_comprehension(self, node: tree_sitter.Node) -> Expr:
        for clause in node.named_children:
            if clause.type == "for_in_clause":
                source = self.eval(clause.child_by_field_name("right"))
                self.bind_target(clause.child_by_field_name("left"), Expr(source.value), line_of(clause))
            elif clause.type == "if_clause":
                self.eval(clause)
        body = node.child_by_field_name("body")
        return Expr(self.eval(body).value, node_type="comprehension", mapping=node.type == "dictionary_comprehension")

    e_set_comprehension = e_list_comprehension

    e_generator_expression = e_list_comprehension

    e_dictionary_comprehension = e_list_comprehension

    def e_pair(self, node: tree_sitter.Node) -> Expr:
        key = self.eval(node.child_by_field_name("key"))
        value = self.eval(node.child_by_field_name("value"))
        return Expr(V.union(key.value, value.value))

    def e_keyword_argument(self, node: tree_sitter.Node) -> Expr:
        return self.eval(node.child_by_field_name("value"))


def _numeric_spec(interpolation: tree_sitter.Node) -> bool:
    """`{n:d}`, `{price:.2f}`: the value is formatted as a number (a string there raises)."""
    spec = interpolation.child_by_field_name("format_specifier")
    return spec is not None and NUMERIC_FORMAT_SPEC.fullmatch(text(spec).lstrip(":")) is not None


def _printf_text(template: str, right: Expr, right_type: str) -> V.Value:
    """What of `template % right` can be text: the operands not converted as numbers (`%d`)."""
    conversions = [(named, kind) for named, kind in PRINTF_CONVERSION.findall(template) if kind != "%"]
    if not conversions or any(named for named, _ in conversions):
        return right.value
    if right_type == "tuple" and right.items is not None and len(right.items) == len(conversions):
        return V.union(*(item.value for item, (_, kind) in zip(right.items, conversions) if kind not in NUMERIC_PRINTF))
    if right_type != "tuple" and len(conversions) == 1 and conversions[0][1] in NUMERIC_PRINTF:
        return {}
    return right.value


def item_of(container: Expr) -> int | None:
    """The parameter an item of `container` is taken out of: the parameter itself, or one of its
    attributes (`request.form`), when nothing else flows into the container."""
    if container.whole is not None:
        return container.whole
    params = {ref for kind, ref in container.value if kind == "p"}
    if len(params) == 1 and all(kind in ("p", "q") for kind, _ in container.value):
        return params.pop()
    return None
