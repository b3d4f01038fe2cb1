"""Where a fix applies (`FixTarget`), and the base class that finds that node in a LibCST tree.

Positions are those of `codepatch.types.Finding`: 1-based lines, 1-based columns, the end column
exclusive. LibCST's `PositionProvider` counts columns from 0, hence the `+ 1` below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import ClassVar, TypeVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod import Codemod, CodemodContext, SkipFile, VisitorBasedCodemodCommand
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from codepatch.types import Finding

NodeT = TypeVar("NodeT", bound=cst.CSTNode)


@dataclass(frozen=True)
class FixTarget:
    """The finding a strategy fixes: its rule and the source range it reported."""

    rule_id: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def from_finding(cls, finding: Finding) -> FixTarget:
        return cls(finding.rule_id, finding.line, finding.column, finding.end_line, finding.end_column)

    @property
    def span(self) -> tuple[int, int, int, int]:
        return (self.line, self.column, self.end_line, self.end_column)


class TargetedCommand(VisitorBasedCodemodCommand):
    """A codemod that rewrites the node a finding points at, and nothing else.

    Subclasses set `NAME` and `DESCRIPTION`, and find their node with `locate` (typically in
    `visit_Module`), then rewrite it in the matching `leave_*` by identity with the original.
    """

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str]
    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider, ParentNodeProvider, ScopeProvider)

    def __init__(self, context: CodemodContext, target: FixTarget) -> None:
        super().__init__(context)
        self.target = target
        self.wrapper: MetadataWrapper | None = None  # set by `apply_strategy`: metadata resolved once per text

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module) -> Iterator[cst.Module]:
        """LibCST's, but with the shared, already resolved metadata when it is for `module`."""
        if self.wrapper is None or self.wrapper.module is not module:
            with super()._handle_metadata_reference(module) as tree:
                yield tree
            return
        previous = self.context.wrapper
        with self.resolve(self.wrapper):
            self.context = replace(self.context, wrapper=self.wrapper)
            try:
                yield module
            finally:
                self.context = replace(self.context, wrapper=previous)

    def _instantiate_and_run(self, transform: type[Codemod], tree: cst.Module) -> cst.Module:
        """LibCST's, but a transform that reads no metadata (the import adders run after each
        strategy) visits the tree as it is, without the deep copy a metadata wrapper makes."""
        instance = transform(self.context)
        if instance.get_inherited_dependencies():
            return instance.transform_module(tree)
        return instance.transform_module_impl(tree)

    def span(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        """The node's range in `FixTarget` coordinates."""
        where = self.get_metadata(PositionProvider, node)
        return (where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        """What a name or attribute refers to through the imports: `sp.run` → {"subprocess.run"}."""
        names = {q.name for q in self.get_metadata(QualifiedNameProvider, node, set())}
        # A name bound nowhere is a builtin of another Python (Python 2's `file`): it names itself.
        return names or ({node.value} if isinstance(node, cst.Name) else names)

    def calls(self, call: cst.Call, *names: str) -> bool:
        """Whether `call` calls one of `names` (qualified, or `*.method` for any receiver)."""
        resolved = self.qualified_names(call.func)
        if isinstance(call.func, cst.Attribute):
            resolved.add("*." + call.func.attr.value)
        return bool(resolved & set(names))

    def locate(self, tree: cst.CSTNode, kind: type[NodeT] | tuple[type, ...] = cst.Call,
               accept: Callable[[NodeT], bool] = lambda node: True, what: str = "call") -> NodeT:
        """The `kind` node at the target that `accept` takes, else `SkipFile`.

        The best node has the target's exact range; then one starting where it starts; then the
        innermost node containing it; then the outermost node inside it (a finding on an
        assignment whose call is the right-hand side).
        """
        ranked = []
        tl, tc, tel, tec = self.target.span
        for order, node in enumerate(m.findall(tree, m.MatchIfTrue(lambda n: isinstance(n, kind)), metadata_resolver=self)):
            if not accept(node):
                continue
            sl, sc, el, ec = span = self.span(node)
            size = (el - sl, ec - sc)
            if span == self.target.span:
                ranked.append(((0,), order, node))
            elif (sl, sc) == (tl, tc):
                ranked.append(((1, *size), order, node))
            elif (sl, sc) <= (tl, tc) and (tel, tec) <= (el, ec):
                ranked.append(((2, *size), order, node))
            elif (tl, tc) <= (sl, sc) and (el, ec) <= (tel, tec):
                ranked.append(((3, order), order, node))
            elif sl <= tl <= el:
                ranked.append(((4, order), order, node))
        if not ranked:
            raise SkipFile(f"no {what} to fix at line {self.target.line}")
        return min(ranked, key=lambda item: item[:2])[2]

    def _single_binding(self, name: cst.Name):
        """(scope, the one assignment the variable read at `name` comes from), or None."""
        scope = self.get_metadata(ScopeProvider, name, None)
        accesses = [a for a in (scope.accesses[name] if scope else ()) if a.node is name]
        if len(accesses) != 1 or len(accesses[0].referents) != 1:
            return None
        referent = next(iter(accesses[0].referents))
        if not isinstance(referent, Assignment) or not isinstance(referent.node, cst.Name):
            return None
        return scope, referent

    def only_assignment(self, name: cst.CSTNode) -> tuple[cst.Assign, int] | None:
        """The one `name = value` statement that the variable read at `name` can come from, with
        the number of reads of that value; None when the variable has several or other bindings.
        """
        if not isinstance(name, cst.Name) or (binding := self._single_binding(name)) is None:
            return None
        scope, referent = binding
        target = self.parent(referent.node)
        assign = self.parent(target) if isinstance(target, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1 or len(scope.assignments[name.value]) != 1:
            return None
        return assign, len(referent.references)

    def bound_value(self, name: cst.Name) -> cst.BaseExpression | None:
        """The value the variable read at `name` was bound to, when it has exactly one binding:
        `x = value`, or `with value as x`; None otherwise."""
        binding = self._single_binding(name)
        if binding is None:
            return None
        holder = self.parent(binding[1].node)
        if isinstance(holder, cst.AssignTarget) and isinstance(self.parent(holder), cst.Assign):
            return self.parent(holder).value
        if isinstance(holder, cst.AsName) and isinstance(self.parent(holder), cst.WithItem):
            return self.parent(holder).item
        return None

    def unchanged_between(self, assign: cst.Assign, use: cst.CSTNode) -> bool:
        """Whether no variable read by `assign`'s value is bound again before `use` (in the same
        function): then its value expression can move from the assignment to the use."""
        first, last = self.span(assign)[0], self.span(use)[0]
        scope_node = self.enclosing(use, cst.FunctionDef) or self.enclosing(use, cst.Module)
        names = {n.value for n in m.findall(assign.value, m.Name())}
        for binding in m.findall(scope_node, m.AssignTarget() | m.AugAssign() | m.For() | m.WithItem()):
            bound_node = binding.asname if isinstance(binding, cst.WithItem) else binding.target
            bound = {n.value for n in m.findall(bound_node, m.Name())} if bound_node else set()
            if bound & names and first < self.span(binding)[0] <= last:
                return False
        return True

    def parameter_index(self, name: cst.BaseExpression, at: cst.CSTNode) -> int | None:
        """The position of `name` among the parameters of the function around `at`, when `name`
        is such a parameter and is never rebound there; else None."""
        function = self.enclosing(at, cst.FunctionDef)
        if not isinstance(name, cst.Name) or function is None:
            return None
        params = [p.name.value for p in function.params.params]
        scope = self.get_metadata(ScopeProvider, name, None)
        if name.value not in params or scope is None or len(scope.assignments[name.value]) != 1:
            return None
        return params.index(name.value)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode:
        return self.get_metadata(ParentNodeProvider, node)

    def enclosing(self, node: cst.CSTNode, kind: type[NodeT]) -> NodeT | None:
        """The nearest ancestor of `node` of type `kind`, or None."""
        current = node
        while not isinstance(current, cst.Module):
            current = self.parent(current)
            if isinstance(current, kind):
                return current
        return None


class CallRewrite(TargetedCommand):
    """A strategy that rewrites one call to one of `CALLS` (qualified names, or `*.method`)."""

    CALLS: ClassVar[tuple[str, ...]]

    def visit_Module(self, node: cst.Module) -> None:
        self.call = self.locate(node, accept=lambda call: self.calls(call, *self.CALLS),
                                what=" or ".join(f"`{name}`" for name in self.CALLS[:3]) + " call")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self.rewrite(original_node, updated_node) if original_node is self.call else updated_node

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        raise NotImplementedError
