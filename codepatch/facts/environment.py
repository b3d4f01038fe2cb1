"""What a function's interpretation knows at each point: its names and their symbolic values, how
branches merge, what a guard's check clears, and where a name's value lives (a local, a closure's,
a module cell, a class attribute). The base of the interpreter (`extract.Scope`)."""

from __future__ import annotations

from typing import Protocol

import tree_sitter

from codepatch.facts import shapes as S
from codepatch.facts import values as V
from codepatch.facts.function import Function, arg_json, line_of
from codepatch.facts.guards import (
    FIXED_HOST,
    HOSTLESS,
    PART_CHECKED,
    PREFIX_CHECKED,
    SAME_HOST_FOLDER,
    URL_HOSTLESS,
    names_checked,
)
from codepatch.facts.predicates import PASSES, held_kinds, meet, parameter_kinds, passed
from codepatch.facts.scope import ModuleScope, text
from codepatch.facts.shapes import Binding, Expr
from codepatch.facts.text_checks import BACKSLASH_CHECKED, PATH_CHECKED

HOST_PATH_CHECKS = frozenset({HOSTLESS, BACKSLASH_CHECKED})


class Extractor(Protocol):
    """The module being walked, as the interpreter of one of its functions sees it."""

    module: str
    scope: ModuleScope
    terminating: frozenset[str]  # calls that end the request or the process (`flask.abort`, `sys.exit`)

    def check_time(self) -> None: ...

    def note_binding(self, cell: str, constant: bool, text: str | None = None,
                     callables: tuple[str, ...] = ()) -> None: ...

    def binds_class_attribute(self, cell: str) -> bool: ...

    def extract_function(self, node: tree_sitter.Node, qn: str, decorators: list[str], parent: Environment,
                         typed: set[str], static_path: str | None = None,
                         decorator_classes: dict[str, str] | None = None) -> None: ...

    def extract_class(self, node: tree_sitter.Node, qn: str, parent: Environment) -> None: ...


class Environment:
    """One function being interpreted: its environment and the summary being built."""

    def __init__(self, extractor: Extractor, function: Function, parent: Environment | None,
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
        self.rebound: set[str] = set()  # names assigned here: a parameter rebound no longer holds the argument

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
        self.rebound.add(name)
        for field_name in self.checked_fields.get(name, ()):
            self.env.pop(field_name, None)  # a new object: what was checked of the old one no longer holds
        if self.kind == "module" or name in self.global_names:
            self.x.note_binding(f"{self.x.module}.{name}", expr.is_const and self.kind == "module",
                                callables=expr.callables if self.kind == "module" else ())
            self.store_cell(f"{self.x.module}.{name}", value, line, expr.qn)
        elif self.kind == "class":
            self.x.note_binding(f"{self.class_qn}.{name}", expr.is_const,
                                expr.const if expr.is_const and isinstance(expr.const, str) else None)
            self.store_cell(f"{self.class_qn}.{name}", value, line, expr.qn)

    def store_cell(self, cell: str, value: V.Value, line: int, qn: str | None = None) -> None:
        if qn and qn.endswith("()"):  # the cell holds an instance: `self.conn = ldap3.Connection(...)`
            self.fn.types.setdefault(cell, qn)
        if value:
            self.fn.stores[cell] = V.union(self.fn.stores.get(cell, {}), V.through(value, line))

    def _forget_shape(self, name: str) -> None:
        if name in self.env:
            self.env[name] = self.env[name].shaped(items=None, keys=None)

    def _store_global(self, name: str, value: V.Value, line: int) -> None:
        """`CACHE[key] = value` / `PENDING.append(value)` in a function changes the module's object."""
        if self.kind == "function" and name in self.x.scope.assigned and name not in self.x.scope.names:
            self.store_cell(f"{self.x.module}.{name}", value, line)

    def _clear(self, names: frozenset[tuple[str, str]], line: int) -> None:
        """Names a guard validated: clean for every sink, or only for those of the guard's kind."""
        # Checking `parsed.netloc` validates `parsed = urlparse(url)` and `url`; on other objects, nothing.
        names = {(n, "" if kind == PART_CHECKED else HOSTLESS if kind == URL_HOSTLESS else kind) for n, kind in names
                 if kind not in (PART_CHECKED, HOSTLESS) or (n in self.env and self.env[n].origin)}
        # A value checked to start with a folder is confined to it only if it was normalised; one
        # that starts with a literal "/folder/" stays on this host either way.
        names = {(n, FIXED_HOST) for n, kind in names if kind == SAME_HOST_FOLDER} | \
            {(n, PREFIX_CHECKED if kind == SAME_HOST_FOLDER else kind) for n, kind in names}
        names = {(n, PATH_CHECKED if kind == PREFIX_CHECKED else kind) for n, kind in names
                 if kind != PREFIX_CHECKED or (n in self.env and self.env[n].normalized)}
        origins = {(self.env[n].origin, kind) for n, kind in names if n in self.env and self.env[n].origin}
        for name, kind in sorted(names | origins):  # in order: the check records are numbered
            if "[" in name and not kind:  # `state["next"][0]` checked: reads of that item are clean from here on
                self.env[name] = Expr({})
                self.checked_fields.setdefault(name.split("[", 1)[0], set()).add(name)
                continue
            if "." in name:  # `body.url` checked: reads of that field are clean (of that kind) from here on
                owner = self.env.get(name.split(".", 1)[0])
                if kind and (owner is None or not owner.value):
                    continue
                self.env[name] = Expr({} if not kind else self._checked(owner, kind, line))
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

    def eval(self, node: tree_sitter.Node | None) -> Expr:
        raise NotImplementedError  # the interpreter's (expressions.Expressions)

    def eval_where(self, node: tree_sitter.Node | None, checked: frozenset[tuple[str, str]], line: int) -> Expr:
        """`node`'s value where the names in `checked` have passed their checks."""
        saved = dict(self.env) if checked else None
        self._clear(checked, line)
        result = self.eval(node)
        if saved is not None:
            self.env = saved
        return result

    def constant_of(self, node: tree_sitter.Node) -> object:
        """The constant a name or a literal holds (`PREFIXES = ("/a/", "/b/")`, `"\\\t"`), or None;
        for guards."""
        if _written_out(node):
            evaluated = self.eval(node)
            return evaluated.const if evaluated.is_const else None
        binding = self.lookup(text(node)) if node.type == "identifier" else None
        return binding.const if binding is not None and binding.is_const else None

    def _checked(self, expr: Expr, kind: str, line: int) -> V.Value:
        """The value after a check of one kind: a synthetic call of `kind`, which rules list as a
        sanitizer, or of `PASSES` naming the predicate that checked it."""
        predicate = passed(kind)
        extra = {"pred": predicate[0], "pos": predicate[1]} if predicate else {}
        index = self.fn.record_call(PASSES if predicate else kind, None, (line, 0, line, 0), [arg_json(expr)], {},
                                    **extra)
        value: V.Value = {("c", index): (line,)}
        if kind in HOST_PATH_CHECKS and HOST_PATH_CHECKS <= held_kinds(V.to_json(expr.value), self.fn.calls)[0] | {kind}:
            value = self._checked(Expr(value), FIXED_HOST, line)  # no host and no backslash: a path on this site
        return value

    def note_true_result(self, node: tree_sitter.Node, returned: Expr) -> None:
        """What the parameters hold where the function returns `node`, if that can be true: the
        checks made before it and those of the returned condition (predicates.py)."""
        if returned.is_const and not returned.const:
            return
        saved = dict(self.env)
        self._clear(names_checked(node, self.resolve_node, self.constant_of)[0], line_of(node))
        here = {i: parameter_kinds(V.to_json(self.env[name].value), i, self.fn.calls)
                for i, name in enumerate(self.fn.params) if name in self.env and name not in self.rebound}
        self.env = saved
        self.fn.predicate = meet(self.fn.predicate, here)

    def _merge(self, envs: list[dict[str, Binding]]) -> dict[str, Binding]:
        if len(envs) == 1:
            return envs[0]
        merged: dict[str, Binding] = {}
        for name in dict.fromkeys(name for env in envs for name in env):  # in order: facts are deterministic
            bindings = [e[name] for e in envs if name in e]
            if "." in name and len(bindings) < len(envs):
                continue  # a field checked on some paths only is not checked
            if len(bindings) == len(envs) and all(b is bindings[0] for b in bindings):
                merged[name] = bindings[0]  # untouched on every path (bindings are never changed in place)
                continue
            merged[name] = S.merge(bindings, complete=len(bindings) == len(envs))
        return merged

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


def _written_out(node: tree_sitter.Node) -> bool:
    """A string literal (no interpolation) or a tuple, list or set of them: evaluated, it records nothing."""
    if node.type == "string":
        return not any(c.type == "interpolation" for c in node.named_children)
    return node.type in ("tuple", "list", "set") and all(_written_out(c) for c in node.named_children)
