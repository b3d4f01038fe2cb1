"""Module-level names: what each imported, defined or assigned name refers to, by qualified name."""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

BUILTIN_CALLABLES = frozenset(
    "abs all any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex "
    "delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals hasattr "
    "hash help hex id input int isinstance issubclass iter len list locals map max memoryview min next "
    "object oct open ord pow print property range raw_input repr reversed round set setattr slice sorted "
    "staticmethod str sum super tuple type vars zip __import__ "
    "file execfile unicode long xrange reduce".split()  # the last line: Python 2 builtins, in older code
)
COMPOUND = frozenset({"if_statement", "try_statement", "with_statement", "for_statement", "while_statement",
                      "block", "else_clause", "elif_clause", "except_clause", "finally_clause", "except_group_clause"})


@dataclass
class ModuleScope:
    module: str
    package: str
    names: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    assigned: set[str] = field(default_factory=set)       # module-level variables (cells "module.name")
    star_imports: list[str] = field(default_factory=list)

    def lookup(self, name: str) -> str | None:
        if name in self.names:
            return self.names[name]
        if name in self.assigned:
            return f"{self.module}.{name}"
        if name in BUILTIN_CALLABLES:
            return name
        if self.star_imports:
            return f"{self.star_imports[0]}.{name}"
        return None


# Statements that hold other statements: the statement a node is in stops below them.
STATEMENT_HOLDERS = frozenset({
    "module", "block", "if_statement", "elif_clause", "else_clause", "for_statement", "while_statement",
    "with_statement", "try_statement", "except_clause", "except_group_clause", "finally_clause",
    "function_definition", "class_definition", "decorated_definition", "match_statement", "case_clause",
})


def enclosing_statement(node: tree_sitter.Node) -> tree_sitter.Node:
    """The simple statement a node is in (or the header expression of a compound one)."""
    while node.parent is not None and node.parent.type not in STATEMENT_HOLDERS:
        node = node.parent
    return node


def text(node: tree_sitter.Node) -> str:
    return node.text.decode("utf-8", "replace")


def sole_argument(call: tree_sitter.Node) -> tree_sitter.Node | None:
    """The argument of a call that has exactly one (comments aside), else None."""
    arguments = call.child_by_field_name("arguments")
    inner = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
    return inner[0] if len(inner) == 1 else None


def resolve_relative(package: str, dots: int, rest: str) -> str:
    parts = package.split(".") if package else []
    if dots > 1:
        parts = parts[: len(parts) - (dots - 1)] if dots - 1 <= len(parts) else []
    base = ".".join(parts)
    return ".".join(p for p in (base, rest) if p)


def import_bindings(node: tree_sitter.Node, package: str) -> list[tuple[str, str]] | str:
    """(local name, qualified name) pairs bound by an import statement; a module name for `import *`."""
    bindings: list[tuple[str, str]] = []
    if node.type == "import_statement":
        for child in node.named_children:
            if child.type == "dotted_name":
                dotted = text(child)
                bindings.append((dotted.split(".")[0], dotted.split(".")[0]))
            elif child.type == "aliased_import":
                bindings.append((text(child.child_by_field_name("alias")), text(child.child_by_field_name("name"))))
        return bindings
    module_node = node.child_by_field_name("module_name")
    if module_node is None:
        return bindings
    if module_node.type == "relative_import":
        dots = sum(len(text(c)) for c in module_node.children if c.type == "import_prefix")
        rest = "".join(text(c) for c in module_node.children if c.type == "dotted_name")
        source = resolve_relative(package, dots, rest)
    else:
        source = text(module_node)
    for child in node.named_children:
        if child == module_node:
            continue
        if child.type == "wildcard_import":
            return source
        if child.type == "dotted_name":
            name = text(child)
            bindings.append((name, f"{source}.{name}" if source else name))
        elif child.type == "aliased_import":
            name = text(child.child_by_field_name("name"))
            bindings.append((text(child.child_by_field_name("alias")), f"{source}.{name}" if source else name))
    return bindings


def collect_module_scope(root: tree_sitter.Node, module: str, is_package: bool) -> ModuleScope:
    """Names bound at module level, including inside top-level if/try/with blocks."""
    package = module if is_package else module.rpartition(".")[0]
    scope = ModuleScope(module, package)
    stack = list(reversed(root.named_children))
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == "decorated_definition":
            node = node.child_by_field_name("definition") or node
            kind = node.type
        if kind in ("function_definition", "class_definition"):
            name = node.child_by_field_name("name")
            if name is not None:
                scope.names[text(name)] = f"{module}.{text(name)}"
        elif kind in ("import_statement", "import_from_statement"):
            bound = import_bindings(node, package)
            if isinstance(bound, str):
                scope.star_imports.append(bound)
            else:
                scope.names.update(bound)
        elif kind == "expression_statement":
            for child in node.named_children:
                if child.type == "assignment":
                    _collect_targets(child.child_by_field_name("left"), scope.assigned)
        elif kind in COMPOUND:
            stack.extend(reversed(node.named_children))
    return scope


def _collect_targets(target: tree_sitter.Node | None, into: set[str]) -> None:
    if target is None:
        return
    if target.type == "identifier":
        into.add(text(target))
    elif target.type in ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"):
        for child in target.named_children:
            _collect_targets(child, into)


def identifiers(node: tree_sitter.Node) -> list[str]:
    """Every identifier under `node` (the names a `case` pattern binds)."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            out.append(text(current))
        else:
            stack.extend(current.named_children)
    return out


def listed(node: tree_sitter.Node) -> bool:
    """An item written in a list, or appended to one (`headers.append(("Location", url))`)."""
    parent = node.parent
    if parent is not None and parent.type == "argument_list" and len(parent.named_children) == 1:
        function = parent.parent.child_by_field_name("function") if parent.parent is not None else None
        return function is not None and function.type == "attribute" \
            and text(function.child_by_field_name("attribute")) == "append"
    return parent is not None and parent.type == "list"
