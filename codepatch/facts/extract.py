"""The per-file stage: one walk over a tree-sitter tree gives every function's flow summary.

Each function (the module body counts as `<module>`) is interpreted abstractly in statement
order: variables hold symbolic values (see `values.py`), branches are merged, loops run twice.
What comes out is JSON-able: the calls made (callee by qualified name, what flows into each
argument), what flows into the return value, and what is stored into module globals or object
fields. The global stage (`analysis/taint.py`) links these summaries across the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

from codepatch.facts import values as V
from codepatch.facts.guards import names_checked, terminates
from codepatch.facts.scope import ModuleScope, collect_module_scope, import_bindings, text

# Methods that put their arguments into their receiver (`args.append(user)` taints `args`).
MUTATORS = frozenset({"append", "extend", "insert", "update", "add", "setdefault", "appendleft",
                      "extendleft", "write", "writelines", "push", "put", "__setitem__"})
LITERALS = {"true": True, "false": False, "none": None}
SEQUENCES = frozenset({"list", "tuple", "expression_list", "parenthesized_expression"})


@dataclass
class Expr:
    """What evaluating one expression gives: its flow, and what is statically known about it."""

    value: V.Value
    qn: str | None = None       # qualified name it refers to (`subprocess.run`, `flask.Flask()`)
    const: object = None        # literal value when constant (str, int, bool, None)
    is_const: bool = False
    first: V.Value | None = None  # flow into element 0 when it is a list/tuple literal
    node_type: str = ""


@dataclass
class Binding:
    value: V.Value
    qn: str | None = None
    const: object = None
    is_const: bool = False
    first: V.Value | None = None


@dataclass
class Function:
    qn: str
    line: int
    params: list[str]
    decorators: list[str] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    ret: V.Value = field(default_factory=dict)
    stores: dict[str, V.Value] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "qn": self.qn, "line": self.line, "params": self.params, "decorators": self.decorators,
            "calls": self.calls, "ret": V.to_json(self.ret),
            "stores": {cell: V.to_json(v) for cell, v in self.stores.items()},
        }


def _line(node: tree_sitter.Node) -> int:
    return node.start_point[0] + 1


def _arg_json(expr: Expr) -> dict:
    out: dict = {"v": V.to_json(expr.value), "t": expr.node_type}
    if expr.qn:
        out["qn"] = expr.qn
    if expr.is_const:
        out["c"] = expr.const
    if expr.first is not None:
        out["el0"] = V.to_json(expr.first)
    return out


class Scope:
    """One function being interpreted: its environment and the summary being built."""

    def __init__(self, extractor: "ModuleExtractor", function: Function, parent: "Scope | None",
                 kind: str, class_qn: str | None = None) -> None:
        self.x = extractor
        self.fn = function
        self.parent = parent
        self.kind = kind  # "module", "class" or "function"
        self.class_qn = class_qn  # for a class body and the methods defined in it
        self.env: dict[str, Binding] = {}
        self.global_names: set[str] = set()

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
            return Binding({("q", cell): ()}, known.qn or cell, known.const, known.is_const, known.first)
        qn = names.lookup(name)
        return Binding({("q", qn): ()} if qn else {}, qn)

    def assign_name(self, name: str, expr: Expr, line: int) -> None:
        value = V.through(expr.value, line)
        self.env[name] = Binding(value, expr.qn, expr.const, expr.is_const, expr.first)
        if self.kind == "module" or name in self.global_names:
            self.store_cell(f"{self.x.module}.{name}", value, line)
        elif self.kind == "class":
            self.store_cell(f"{self.class_qn}.{name}", value, line)

    def store_cell(self, cell: str, value: V.Value, line: int) -> None:
        if value:
            self.fn.stores[cell] = V.union(self.fn.stores.get(cell, {}), V.through(value, line))

    # ----- expressions -------------------------------------------------------------------------
    def eval(self, node: tree_sitter.Node | None) -> Expr:
        if node is None:
            return Expr({})
        handler = getattr(self, "e_" + node.type, None)
        if handler is not None:
            return handler(node)
        # Anything else: the union of its parts (keeps calls inside unusual expressions recorded).
        parts = [self.eval(c) for c in node.named_children]
        return Expr(V.union(*(p.value for p in parts)), node_type=node.type)

    def e_identifier(self, node: tree_sitter.Node) -> Expr:
        b = self.lookup(text(node))
        return Expr(b.value, b.qn, b.const, b.is_const, b.first, "identifier")

    def e_attribute(self, node: tree_sitter.Node) -> Expr:
        obj = self.eval(node.child_by_field_name("object"))
        attr = text(node.child_by_field_name("attribute"))
        qn = f"{obj.qn}.{attr}" if obj.qn else None
        if qn is None:
            return Expr(obj.value, node_type="attribute")
        # `request.args` names more precisely what `request` names: it replaces the object's atom.
        value = {atom: trace for atom, trace in obj.value.items() if atom != ("q", obj.qn)}
        value[("q", qn)] = (_line(node),)
        return Expr(value, qn, node_type="attribute")

    def e_subscript(self, node: tree_sitter.Node) -> Expr:
        obj = self.eval(node.child_by_field_name("value"))
        for index in node.children_by_field_name("subscript"):
            self.eval(index)  # records calls made inside the index
        return Expr(obj.value, f"{obj.qn}[]" if obj.qn else None, node_type="subscript")

    def e_string(self, node: tree_sitter.Node) -> Expr:
        parts = [self.eval(c.child_by_field_name("expression")) for c in node.named_children
                 if c.type == "interpolation"]
        if parts:
            for c in node.named_children:  # `f"{x:{width}}"` nests expressions in the format spec
                if c.type == "interpolation" and c.child_by_field_name("format_specifier") is not None:
                    parts.append(self.eval(c.child_by_field_name("format_specifier")))
            return Expr(V.union(*(p.value for p in parts)), node_type="fstring")
        content = "".join(text(c) for c in node.named_children if c.type in ("string_content", "escape_sequence"))
        return Expr({}, const=content, is_const=True, node_type="string")

    def e_concatenated_string(self, node: tree_sitter.Node) -> Expr:
        parts = [self.e_string(c) for c in node.named_children if c.type == "string"]
        if all(p.is_const for p in parts):
            return Expr({}, const="".join(str(p.const) for p in parts), is_const=True, node_type="string")
        return Expr(V.union(*(p.value for p in parts)), node_type="fstring")

    def e_integer(self, node: tree_sitter.Node) -> Expr:
        try:
            return Expr({}, const=int(text(node).replace("_", ""), 0), is_const=True, node_type="integer")
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
        for c in node.named_children:
            self.eval(c)
        return Expr({}, node_type="bool")  # a comparison gives a bool, which carries no injectable text

    def e_not_operator(self, node: tree_sitter.Node) -> Expr:
        self.eval(node.child_by_field_name("argument"))
        return Expr({}, node_type="bool")

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
        return Expr(V.union(*(i.value for i in items)), first=first, node_type="list")

    def e_binary_operator(self, node: tree_sitter.Node) -> Expr:
        left = self.eval(node.child_by_field_name("left"))
        right = self.eval(node.child_by_field_name("right"))
        op = text(node.child_by_field_name("operator"))
        const, is_const = None, False
        if op == "+" and left.is_const and right.is_const and isinstance(left.const, str) and isinstance(right.const, str):
            const, is_const = left.const + right.const, True
        first = left.first if op == "+" and left.first is not None else None
        kind = "format" if op == "%" and left.node_type in ("string", "fstring") else "binary"
        return Expr(V.union(left.value, right.value), const=const, is_const=is_const, first=first, node_type=kind)

    def e_conditional_expression(self, node: tree_sitter.Node) -> Expr:
        parts = [self.eval(c) for c in node.named_children]  # (body, condition, orelse)
        chosen = parts[:1] + parts[2:]
        return Expr(V.union(*(c.value for c in chosen)), node_type="conditional")

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
        if arguments is not None:
            for a in arguments.named_children:
                if a.type == "keyword_argument":
                    expr = self.eval(a.child_by_field_name("value"))
                    kwargs[text(a.child_by_field_name("name"))] = _arg_json(expr)
                elif a.type in ("list_splat", "dictionary_splat"):
                    expr = self.eval(a.named_children[0] if a.named_children else None)
                    star = V.union(star, expr.value)
                elif a.type != "comment":
                    expr = self.eval(a)
                    args.append(_arg_json(expr))
                else:
                    continue
                all_args.append(expr)
        index = len(self.fn.calls)
        call = {
            "callee": callee, "meth": method, "line": _line(node), "col": node.start_point[1],
            "eline": node.end_point[0] + 1, "ecol": node.end_point[1], "args": args, "kw": kwargs,
        }
        if receiver is not None:
            call["recv"] = V.to_json(receiver.value)
        if star:
            call["star"] = V.to_json(star)
        if arguments is not None and any(a.type in ("list_splat", "dictionary_splat") for a in arguments.named_children):
            call["splat"] = True  # `f(**options)` may pass any keyword, even when `options` is a constant
        self.fn.calls.append(call)
        if method in MUTATORS and function.child_by_field_name("object").type == "identifier":
            name = text(function.child_by_field_name("object"))
            old = self.lookup(name)
            joined = V.union(old.value, *(V.through(e.value, _line(node)) for e in all_args))
            self.env[name] = Binding(joined, old.qn, first=old.first)
        return Expr({("c", index): (_line(node),)}, f"{callee}()" if callee else None, node_type="call")

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
        self.bind_target(left, expr, _line(node), right)

    def s_augmented_assignment(self, node: tree_sitter.Node) -> None:
        left = node.child_by_field_name("left")
        right = self.eval(node.child_by_field_name("right"))
        old = self.eval(left)
        self.bind_target(left, Expr(V.union(old.value, right.value), old.qn, first=old.first), _line(node))

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
                self.store_cell(f"{obj.qn}.{attr}", expr.value, line)
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
            if obj.qn:  # `session["user"] = value` is a call of `flask.session.__setitem__`
                index = [self.eval(s) for s in target.children_by_field_name("subscript")]
                call = {"callee": f"{obj.qn}.__setitem__", "meth": "__setitem__", "line": line,
                        "col": target.start_point[1], "eline": line, "ecol": target.end_point[1],
                        "args": [_arg_json(index[0] if index else Expr({})), _arg_json(expr)], "kw": {}}
                self.fn.calls.append(call)
            self._taint_root(base, expr.value, line)

    def _taint_root(self, node: tree_sitter.Node, value: V.Value, line: int) -> None:
        """`obj.field = tainted` / `data[k] = tainted` taints a local `obj` / `data` as a whole."""
        while node.type in ("attribute", "subscript"):
            node = node.child_by_field_name("object" if node.type == "attribute" else "value")
        if node.type == "identifier" and text(node) in self.env:
            old = self.env[text(node)]
            self.env[text(node)] = Binding(V.union(old.value, V.through(value, line)), old.qn, first=old.first)

    def s_return_statement(self, node: tree_sitter.Node) -> None:
        for child in node.named_children:
            self.fn.ret = V.union(self.fn.ret, V.through(self.eval(child).value, _line(node)))

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
            when_true: frozenset[str] = frozenset()
            when_false: frozenset[str] = frozenset()
            if condition is not None:
                self.eval(condition)
                when_true, when_false = names_checked(condition, self.resolve_node)
            saved = dict(self.env)
            self._clear(when_true)
            self.run_block(block)
            if not terminates(block, self.resolve_node):
                outcomes.append(self.env)
            # Later branches and the fall-through run only when this condition was false.
            self.env = saved
            self._clear(when_false)
        if outcomes:
            self.env = self._merge(outcomes)

    def _clear(self, names: frozenset[str]) -> None:
        for name in names:
            if name in self.env:
                old = self.env[name]
                self.env[name] = Binding({}, old.qn, old.const, old.is_const)

    def _merge(self, envs: list[dict[str, Binding]]) -> dict[str, Binding]:
        if len(envs) == 1:
            return envs[0]
        merged: dict[str, Binding] = {}
        for name in set().union(*envs):
            bindings = [e[name] for e in envs if name in e]
            first = bindings[0]
            same = all(b.qn == first.qn and b.const == first.const and b.is_const == first.is_const for b in bindings)
            firsts = [b.first for b in bindings]
            merged[name] = Binding(V.union(*(b.value for b in bindings)),
                                   first.qn if same else None, first.const if same else None,
                                   same and first.is_const and len(bindings) == len(envs),
                                   V.union(*firsts) if all(f is not None for f in firsts) else None)
        return merged

    def _loop(self, body: tree_sitter.Node | None, before_each=None) -> None:
        entry = dict(self.env)
        for _ in range(2):  # twice: values carried from one iteration into the next
            if before_each:
                before_each()
            self.run_block(body)
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
                for part in clause.named_children:
                    if part.type == "as_pattern" and part.child_by_field_name("alias") is not None:
                        self.bind_target(part.child_by_field_name("alias"), Expr({}), _line(part))
                    elif part.type == "block":
                        self.run_block(part)
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
        body = node.child_by_field_name("body")
        outcomes = [dict(self.env)]
        entry = dict(self.env)
        for case in (body.named_children if body is not None else []):
            if case.type != "case_clause":
                continue
            self.env = dict(entry)
            for pattern in case.named_children:
                if pattern.type == "case_pattern":
                    for ident in _identifiers(pattern):
                        self.assign_name(ident, Expr(V.union(*(s.value for s in subject))), _line(case))
            self.run_block(case.child_by_field_name("consequence"))
            outcomes.append(self.env)
        self.env = self._merge(outcomes)

    def s_decorated_definition(self, node: tree_sitter.Node) -> None:
        decorators = []
        for d in node.named_children:
            if d.type == "decorator" and d.named_children:
                expr_node = d.named_children[0]
                target = expr_node.child_by_field_name("function") if expr_node.type == "call" else expr_node
                self.eval(expr_node)
                decorators.append(self.resolve_node(target) or text(target))
        definition = node.child_by_field_name("definition")
        if definition is not None:
            self.define(definition, decorators)

    def s_function_definition(self, node: tree_sitter.Node) -> None:
        self.define(node, [])

    s_class_definition = s_function_definition

    def define(self, node: tree_sitter.Node, decorators: list[str]) -> None:
        name = text(node.child_by_field_name("name"))
        base = {"module": self.x.module, "class": self.class_qn}.get(self.kind, self.fn.qn)
        qn = f"{base}.{name}"
        if node.type == "class_definition":
            self.x.extract_class(node, qn, self)
        else:
            self.x.extract_function(node, qn, decorators, self)
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


def _identifiers(node: tree_sitter.Node) -> list[str]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            out.append(text(current))
        else:
            stack.extend(current.named_children)
    return out


class ModuleExtractor:
    """Walks one module; the module body, every class body and every function become `Function`s."""

    def __init__(self, module: str, is_package: bool, root: tree_sitter.Node) -> None:
        self.module = module
        self.scope: ModuleScope = collect_module_scope(root, module, is_package)
        self.functions: list[Function] = []
        self.root = root

    def run(self) -> list[Function]:
        body = Function(f"{self.module}.<module>", 1, [])
        self.functions.append(body)
        Scope(self, body, None, "module").run_block(self.root)
        return self.functions

    def extract_function(self, node: tree_sitter.Node, qn: str, decorators: list[str], parent: Scope) -> None:
        params, annotations = _parameters(node.child_by_field_name("parameters"))
        function = Function(qn, _line(node), params, decorators)
        self.functions.append(function)
        class_qn = parent.class_qn if parent.kind == "class" else None
        scope = Scope(self, function, parent, "function", class_qn)
        for i, name in enumerate(params):
            param_qn = f"${name}"  # an unresolved parameter: rules may still name `$request.GET`
            if i == 0 and class_qn and "staticmethod" not in decorators:
                param_qn = class_qn if "classmethod" in decorators else f"{class_qn}()"
            elif name in annotations:
                annotation = scope.resolve_node(annotations[name])
                param_qn = f"{annotation}()" if annotation else param_qn
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
