"""Fixes that reach into other modules of the project: a query or command built in one module
and run in another is fixed where it is built.

A strategy finds the other module (`resolve_function`), checks nothing else depends on what it
changes (`calls_to`), and records the rewritten text with `record`; `codepatch.fix.run`
hands the recorded files back, and the patch then spans them all (written together, atomically).
Other modules come from the project index (project.py), never from the disk directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import libcst as cst
import libcst.matchers as m
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, ImportItem

from codepatch.fix.project import ProjectIndex, project_of

SCRATCH_KEY = "codepatch.elsewhere"  # CodemodContext.scratch: absolute path → (original, patched)


@dataclass(frozen=True)
class Definition:
    """A top-level function of some module of the project, with that module's tree."""

    path: Path
    tree: cst.Module
    function: cst.FunctionDef


@lru_cache(maxsize=64)
def parse(text: str) -> cst.Module:
    """One tree per module text: trees are immutable, and a strategy finding two places in one
    other module must get the same tree both times to rewrite both."""
    return cst.parse_module(text)


def calls_to(project: ProjectIndex, filename: str, name: str, here: cst.Module) -> list[tuple[Path, cst.Module, cst.Call]]:
    """The calls to a function named `name` (`name(...)` or `x.name(...)`) in the project's
    modules, with the module's path and tree; `here` is the tree of `filename` itself. Matched by
    name: an extra match only makes a strategy refuse or check more."""
    own = Path(filename).resolve()
    pattern = re.compile(rf"\b{re.escape(name)}\s*\(")
    found = []
    for path in {own, *project.modules()}:
        text = project.text(path) if path != own else None
        if path != own and (text is None or not pattern.search(text)):
            continue
        tree = here if path == own else parse(text)
        found += [(path, tree, call) for call in m.findall(tree, m.Call(func=m.Name(name) | m.Attribute(attr=m.Name(name))))]
    return sorted(found, key=lambda site: str(site[0]))


def resolve_function(project: ProjectIndex, filename: str, tree: cst.Module, name: str) -> Definition | None:
    """The top-level function `name` refers to in the module `tree` (the file `filename`): defined
    there, or imported with `from module import name [as alias]` from a module of the project."""
    for statement in tree.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return Definition(Path(filename).resolve(), tree, statement)
    for statement in tree.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            for alias in small.names:
                local = alias.asname.name.value if alias.asname else alias.name.value
                if local != name or not isinstance(alias.name, cst.Name):
                    continue
                source = "." * len(small.relative) + (_dotted(small.module) if small.module else "")
                path = project.module_file(Path(filename), source)
                text = project.text(path) if path is not None else None
                if text is None:
                    return None
                other = parse(text)
                return next((Definition(path, other, s) for s in other.body
                             if isinstance(s, cst.FunctionDef) and s.name.value == alias.name.value), None)
    return None


def _dotted(node: cst.BaseExpression) -> str:
    return cst.Module([]).code_for_node(node)


def rewrite(tree: cst.Module, replacements: dict[int, cst.CSTNode], imports: tuple[str, ...] = ()) -> cst.Module:
    """`tree` with each node whose id is a key replaced by its value, and `imports` added."""

    class Replace(cst.CSTTransformer):
        def on_leave(self, original_node, updated_node):
            return replacements.get(id(original_node), updated_node)

    changed = tree.visit(Replace())
    if imports:
        changed = AddImportsVisitor(CodemodContext(), [ImportItem(m) for m in imports]).transform_module(changed)
    return changed


def record(context: CodemodContext, path: Path, patched: str) -> None:
    """Queue `path`'s new text (the project's module, as the index read it) as part of the strategy's fix."""
    original = project_of(context).text(path)
    if original is not None:
        context.scratch.setdefault(SCRATCH_KEY, {})[str(path)] = (original, patched)


def recorded(context: CodemodContext) -> dict[str, tuple[str, str]]:
    return dict(context.scratch.get(SCRATCH_KEY, {}))
