"""Statements, in order: assignments bind names, branches run on copies of the environment and
merge, loops run twice (values carried into the next iteration), definitions start the
interpretation of their own functions (`extract.ModuleExtractor`)."""

from __future__ import annotations

import tree_sitter

from codepatch.facts import shapes as S
from codepatch.facts import values as V
from codepatch.facts.calls import Calls
from codepatch.facts.function import arg_json, line_of
from codepatch.facts.guards import checked_items, names_checked, terminates
from codepatch.facts.predicates import raising_check
from codepatch.facts.routes import converted_variables
from codepatch.facts.scope import identifiers, import_bindings, text
from codepatch.facts.shapes import Binding, Expr

NON_TEXT_RESULTS = frozenset({"dictionary", "list", "dictionary_comprehension", "list_comprehension"})
SEQUENCES = frozenset({"list", "tuple", "expression_list", "parenthesized_expression"})


class Statements(Calls):
    """`run_statement(node)` dispatches on the node's type to `s_<type>`."""

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
                if child.type == "call":
                    self._clear(raising_check(child, self.resolve_node), line_of(node))

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
        self.bind_target(left, expr, line_of(node), right)

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
            textual = old.text or right.text or (op in ("+", "%") and isinstance(old.const, str)) or \
                (op == "+" and isinstance(right.const, str))
            combined = Expr(V.union(old.value, right.value), old.qn, first=old.first, cfg=old.cfg, text=textual)
        self.bind_target(left, combined, line_of(node))

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
            # `ctx.check_hostname = False`, `app.debug = True`: a call of `__setattr__` for pattern rules;
            # data set on a parameter (`resp.text = page`): for the sinks a response's attributes are.
            if expr.is_const or (expr.qn and "." in expr.qn and not expr.qn.startswith("$") and "(" not in expr.qn) \
                    or (expr.value and obj.qn and obj.qn.startswith("$") and "." not in obj.qn):
                name = Expr({}, const=attr, is_const=True, node_type="string")
                self.fn.record_call(f"{obj.qn}.__setattr__" if obj.qn else None, "__setattr__",
                                    (line, target.start_point[1], target.end_point[0] + 1, target.end_point[1]),
                                    [arg_json(name), arg_json(expr)], {})
            self._taint_root(target.child_by_field_name("object"), expr.value, line)
        elif kind == "subscript":
            base = target.child_by_field_name("value")
            obj = self.eval(base)
            if base.type == "identifier" and self._store_element(text(base), obj, target, expr, line):
                return
            if obj.qn:  # `session["user"] = value` is a call of `flask.session.__setitem__`
                index = [self.eval(s) for s in target.children_by_field_name("subscript")]
                self.fn.record_call(f"{obj.qn}.__setitem__", "__setitem__", (line, target.start_point[1], line,
                                                                             target.end_point[1]),
                                    [arg_json(index[0] if index else Expr({})), arg_json(expr)], {})
            if not (base.type == "attribute" and text(base.child_by_field_name("attribute")) == "headers"):
                self._taint_root(base, expr.value, line)  # a header set on a response is not its body

    def _store_element(self, name: str, obj: Expr, target: tree_sitter.Node, expr: Expr, line: int) -> bool:
        """`data["k"] = value` / `items[1] = value` on a local whose contents are known."""
        if name not in self.env:
            return False
        indexes = [self._index(i) for i in target.children_by_field_name("subscript")]
        stored = expr.stored_at(line)
        if obj.items is None and obj.keys is None:
            # (under a key not known here, any entry may have changed)
            constant_key = len(indexes) == 1 and isinstance(indexes[0], str)
            self.env[name] = obj.shaped(added={**(obj.added or {}), indexes[0]: stored} if constant_key else None)
            return False  # still a call of `__setitem__`, tainting the object as a whole
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
            self.env[text(node)] = S.joined(old, [Expr(value)], line).shaped(added=old.added)  # entries stay known
        elif node.type == "identifier":
            self._store_global(text(node), value, line)

    def s_return_statement(self, node: tree_sitter.Node) -> None:
        for child in node.named_children:
            returned = self.eval(child)
            self.note_true_result(child, returned)
            self.fn.returns_constants = returned.is_const and self.fn.returns_constants is not False
            if self.fn.returns_no_text:
                continue
            self.fn.ret = V.union(self.fn.ret, V.through(returned.value, line_of(node)))
            program = S.program(returned)
            self.fn.ret_program = V.union(self.fn.ret_program, V.through(
                returned.value if program is None else program, line_of(node)))
            self.fn.ret_qns.add(returned.qn)
            # The body of a response: `return body, 200` sends `body`; a dict or list is sent as JSON.
            body = returned.items[0] if child.type in ("expression_list", "tuple") and returned.items else returned
            if child.type not in NON_TEXT_RESULTS and body.node_type != "comprehension" \
                    and not body.mapping and not _parent_call(child):
                self.fn.ret_text = V.union(self.fn.ret_text, V.through(body.value, line_of(node)))
                if body.text or body.node_type in ("subscript", "attribute"):
                    self.fn.ret_markup = V.union(self.fn.ret_markup, V.through(body.value, line_of(node)))
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
                tested = self.eval_condition(condition, block)
                if tested.is_const and not tested.const:
                    continue  # never taken
                when_true, when_false = names_checked(condition, self.resolve_node, self.constant_of)
                if tested.is_const:  # always taken: later branches and the fall-through never run
                    self.run_block(block)
                    self._leave_block(block, outcomes)
                    break
            saved = dict(self.env)
            self._clear(when_true, line_of(node))
            self.run_block(block)
            self._leave_block(block, outcomes)
            # Later branches and the fall-through run only when this condition was false.
            self.env = saved
            self._clear(when_false, line_of(node))
        if outcomes:
            self.env = self._merge(outcomes)

    def _leave_block(self, block: tree_sitter.Node | None, outcomes: list[dict[str, Binding]]) -> None:
        """Where the flow goes after a branch: on, out of the loop (break/continue), or nowhere."""
        if not terminates(block, self.resolve_node, self.x.terminating):
            outcomes.append(self.env)
        elif self.loop_exits and block.named_children[-1].type in ("break_statement", "continue_statement"):
            self.loop_exits[-1].append(self.env)

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
                   lambda: self.bind_target(node.child_by_field_name("left"), Expr(iterable.value), line_of(node)))
        self._clear(checked_items(node, self.resolve_node, self.x.terminating, self.constant_of), line_of(node))
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
                        self.bind_target(part.child_by_field_name("alias"), Expr({}), line_of(part))
                    elif part.type == "block":
                        self.run_block(part)
                        handler_leaves = terminates(part, self.resolve_node, self.x.terminating)
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
                        self.bind_target(value.child_by_field_name("alias"), expr, line_of(item))
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
                for ident in identifiers(pattern):
                    self.assign_name(ident, Expr(V.union(*(s.value for s in subject))), line_of(case))
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
        classes: dict[str, str] = {}  # decorator keyword -> the class it names (`response_class=HTMLResponse`)
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
                    if index is not None:
                        classes |= {k: a["qn"] for k, a in self.fn.calls[index]["kw"].items() if "qn" in a}
                    if isinstance(route, str):
                        typed.update(converted_variables(route))
                        routes.append(route)
        definition = node.child_by_field_name("definition")
        if definition is not None:
            # A Flask route without URL variables is only reached through its one path.
            # (A blueprint's `url_prefix` may hold variables of its own.)
            static = routes[0] if len(set(routes)) == 1 and "<" not in routes[0] \
                and not any("Blueprint" in d for d in decorators) else None
            self.define(definition, decorators, typed, static, classes)

    def s_function_definition(self, node: tree_sitter.Node) -> None:
        self.define(node, [], set())

    s_class_definition = s_function_definition

    def define(self, node: tree_sitter.Node, decorators: list[str], typed: set[str],
               static_path: str | None = None, decorator_classes: dict[str, str] | None = None) -> None:
        name = text(node.child_by_field_name("name"))
        base = {"module": self.x.module, "class": self.class_qn}.get(self.kind, self.fn.qn)
        qn = f"{base}.{name}"
        if node.type == "class_definition":
            self.x.extract_class(node, qn, self)
        else:
            self.x.extract_function(node, qn, decorators, self, typed, static_path, decorator_classes or {})
        if self.kind != "class":
            self.env[name] = Binding({}, qn)


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


def _parent_call(node: tree_sitter.Node) -> bool:
    """`super().post(request)`: what the parent class's handler returns is its own response."""
    function = node.child_by_field_name("function") if node.type == "call" else None
    receiver = function.child_by_field_name("object") if function is not None and function.type == "attribute" else None
    return receiver is not None and receiver.type == "call" and text(receiver.child_by_field_name("function")) == "super"
