"""The per-file stage: one walk over a tree-sitter tree gives every function's flow summary.

Each function (the module body counts as `<module>`) is interpreted abstractly in statement
order: variables hold symbolic values (see `values.py`), branches are merged, loops run twice.
What comes out is JSON-able (`schema.py`): the calls made (callee by qualified name, what flows
into each argument), what flows into the return value, and what is stored into module globals
or object fields. The global stage (`analysis/taint.py`) links these summaries across the
repository.

The interpreter is built in layers, one concern a module: `environment` (names and values),
`expressions`, `calls`, `statements`; `Scope` is the whole of it.
"""

from __future__ import annotations

import time

import tree_sitter

from codepatch.facts.function import Function, line_of
from codepatch.facts.guards import NON_TEXT_TYPES
from codepatch.facts.scope import ModuleScope, collect_module_scope, text
from codepatch.facts.shapes import Binding
from codepatch.facts.statements import Statements


class Scope(Statements):
    """One function (or module or class body) being interpreted."""


class AnalysisTimeout(Exception):
    """The module took longer than its time budget (--file-timeout)."""


class ModuleExtractor:
    """Walks one module; the module body, every class body and every function become `Function`s."""

    def __init__(self, module: str, is_package: bool, root: tree_sitter.Node, deadline: float | None = None,
                 terminating: frozenset[str] = frozenset()) -> None:
        self.module = module
        self.terminating = terminating
        self.scope: ModuleScope = collect_module_scope(root, module, is_package)
        self.functions: list[Function] = []
        self.root = root
        self.deadline = deadline  # time.monotonic() by which the module must be done, or None
        self.evaluated = 0
        self.classes: dict[str, list[str]] = {}  # class → its bases as this module resolves them
        self.constant_cells: dict[str, bool] = {}  # module global or class attribute → only ever a constant
        self.cell_texts: dict[str, str | None] = {}  # class attribute → the one text it is bound to (None: another)
        self.cell_tables: dict[str, tuple[str, ...]] = {}  # module global → the functions of its dispatch table

    def note_binding(self, cell: str, constant: bool, text: str | None = None,
                     callables: tuple[str, ...] = ()) -> None:
        """A module global or class attribute was bound; it stays a constant only if every binding is one."""
        self.constant_cells[cell] = constant and self.constant_cells.get(cell, True)
        self.cell_texts[cell] = text if self.cell_texts.get(cell, text) == text else None
        self.cell_tables[cell] = callables if self.cell_tables.get(cell, callables) == callables else ()

    @property
    def constants(self) -> list[str]:
        return sorted(cell for cell, constant in self.constant_cells.items() if constant)

    @property
    def tables(self) -> dict[str, list[str]]:
        """Module globals only ever bound to one dispatch table (`COMMANDS = {"calc": calc}`): its functions."""
        return {cell: list(names) for cell, names in sorted(self.cell_tables.items()) if names}

    @property
    def texts(self) -> dict[str, str]:
        """Class attributes only ever bound to one text (`template_name = "page.html"`)."""
        return {cell: text for cell, text in sorted(self.cell_texts.items())
                if text is not None and self.constant_cells.get(cell)}

    def binds_class_attribute(self, cell: str) -> bool:
        """Whether a class body of this module bound `cell` (`mod.Handler.routes`), constant or not."""
        return cell in self.constant_cells and cell.rpartition(".")[0] in self.classes

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
                         typed: set[str], static_path: str | None = None,
                         decorator_classes: dict[str, str] | None = None) -> None:
        params, annotations, spread = _parameters(node.child_by_field_name("parameters"))
        function = Function(qn, line_of(node), params, decorators)
        function.spread = spread
        function.decorator_classes = dict(decorator_classes or {})
        function.typed = sorted(typed & set(params))
        self.functions.append(function)
        class_qn = parent.class_qn if parent.kind == "class" else None
        scope = Scope(self, function, parent, "function", class_qn)
        returns = node.child_by_field_name("return_type")  # `-> int | None`: its callers get no text
        function.returns_no_text = returns is not None and bool(returns.named_children) \
            and _declared_type(returns.named_children[0], scope) in NON_TEXT_TYPES
        scope.static_path = static_path
        for i, name in enumerate(params):
            param_qn = f"${name}"  # an unresolved parameter: rules may still name `$request.GET`
            if i == 0 and class_qn and "staticmethod" not in decorators:
                param_qn = class_qn if "classmethod" in decorators else f"{class_qn}()"
            elif name in annotations:
                annotation = _declared_type(annotations[name], scope)
                param_qn = f"{annotation}()" if annotation else param_qn
                if annotation in NON_TEXT_TYPES:  # a web framework converts it, or rejects the request
                    function.typed.append(name)
                elif annotation:
                    function.annotations[name] = annotation
            scope.env[name] = Binding({("p", i): (function.line,)}, param_qn, whole=i)
        for name, default in _defaults(node.child_by_field_name("parameters")):
            evaluated = parent.eval(default)
            if default.type == "call" and evaluated.qn:  # `db = Depends(get_db)`: a framework may provide it
                function.provided[name] = evaluated.qn.removesuffix("()")
            if evaluated.is_const and name in scope.env:
                scope.env[name] = scope.env[name].shaped(default=(evaluated.const,))
        scope.run_block(node.child_by_field_name("body"))

    def extract_class(self, node: tree_sitter.Node, qn: str, parent: Scope) -> None:
        body = Function(f"{qn}.<class>", line_of(node), [])
        self.functions.append(body)
        superclasses = node.child_by_field_name("superclasses")
        bases = []
        if superclasses is not None:
            for base in superclasses.named_children:
                parent.eval(base)
                if base.type == "subscript":  # `Generic[T]`, `BaseModel[...]`
                    base = base.child_by_field_name("value")
                resolved = parent.resolve_node(base)
                if resolved:
                    bases.append(resolved)
        self.classes[qn] = bases
        Scope(self, body, parent, "class", qn).run_block(node.child_by_field_name("body"))


def _parameters(node: tree_sitter.Node | None) -> tuple[list[str], dict[str, tree_sitter.Node], dict[str, int]]:
    """The parameters' names, their annotations, and the index of a `*args` and a `**kwargs` one."""
    names: list[str] = []
    annotations: dict[str, tree_sitter.Node] = {}
    spread: dict[str, int] = {}
    if node is None:
        return names, annotations, spread
    for p in node.named_children:
        if p.type == "identifier":
            names.append(text(p))
            continue
        # `*args`, `**kwargs`, and annotated (`**filters: object`): the name is inside the pattern.
        pattern = p if p.type in SPLAT_PATTERNS else next((c for c in p.named_children if c.type in SPLAT_PATTERNS), None)
        name_node = p.child_by_field_name("name")
        if name_node is None:
            idents = [c for c in (pattern or p).named_children if c.type == "identifier"]
            name_node = idents[0] if idents else None
        if name_node is None:
            continue
        if pattern is not None:
            spread[SPLAT_PATTERNS[pattern.type]] = len(names)
        names.append(text(name_node))
        annotation = p.child_by_field_name("type")
        if annotation is not None and annotation.named_children:
            annotations[text(name_node)] = annotation.named_children[0]
    return names, annotations, spread


SPLAT_PATTERNS = {"list_splat_pattern": "*", "dictionary_splat_pattern": "**"}


# `Annotated[int, Query()]` and `Optional[int]` are their first type; `int | None` its other side.
WRAPPING_TYPES = frozenset({"typing.Annotated", "typing_extensions.Annotated", "typing.Optional",
                            "typing_extensions.Optional"})


def _declared_type(annotation: tree_sitter.Node, scope: Scope) -> str | None:
    """The qualified name of the type an annotation declares (`Optional[int]`, `int | None`: `int`)."""
    return scope.resolve_node(_unwrapped(annotation, scope))


def _unwrapped(node: tree_sitter.Node, scope: Scope) -> tree_sitter.Node:
    """The type an annotation declares, without the wrappers that only add metadata or `None`."""
    while True:
        if node.type == "generic_type" and len(node.named_children) == 2 \
                and scope.resolve_node(node.named_children[0]) in WRAPPING_TYPES:
            first = node.named_children[1].named_children[:1]
            if not first or not first[0].named_children:
                return node
            node = first[0].named_children[0]
        elif node.type == "binary_operator" and text(node.child_by_field_name("operator")) == "|":
            sides = [node.child_by_field_name("left"), node.child_by_field_name("right")]
            others = [side for side in sides if side is not None and side.type != "none"]
            if len(others) != 1:
                return node
            node = others[0]
        else:
            return node


def _defaults(node: tree_sitter.Node | None) -> list[tuple[str, tree_sitter.Node]]:
    """(parameter name, default value) of each parameter that has a default."""
    if node is None:
        return []
    return [(text(p.child_by_field_name("name")), p.child_by_field_name("value")) for p in node.named_children
            if p.type in ("default_parameter", "typed_default_parameter") and p.child_by_field_name("value")
            and p.child_by_field_name("name") is not None]
