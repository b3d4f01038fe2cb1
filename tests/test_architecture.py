"""The package reads in data order: files → rules → facts → analysis → triage → scan → fix → report
→ commands. Every import counts (inside functions and under TYPE_CHECKING too): no module and no
package imports one above it, nothing imports in a circle, and no module grows past 400 lines.

Run as a script to print the floors and each package's imports:
`python tests/test_architecture.py`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "codepatch"
# Bottom to top: a unit may import its own floor's units and those below (a top-level module or a
# sub-package is a unit).
FLOORS = (
    ("codepatch", "types", "errors", "exit_status", "terminal", "progress"),
    ("files",),
    ("ruleset",),
    ("config", "facts"),
    ("analysis",),
    ("triage",),
    ("scan",),
    ("fix",),
    ("report",),
    ("github", "latent", "models"),
    ("agents",),
    ("commands",),
    ("cli", "__main__"),
)
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("codepatch", *path.relative_to(PACKAGE).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The codepatch modules `name` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {target for target in found if target in known and target != name}


def unit(module: str) -> str:
    """`codepatch.scan.solve` → `scan`; `codepatch.types` → `types`; `codepatch` → `codepatch`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def floor_of(name: str) -> int:
    return next(i for i, floor in enumerate(FLOORS) if unit(name) in floor)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> Iterator[list[str]]:
    """Strongly connected components of more than one node (Tarjan), as sorted lists."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> Iterator[list[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                yield from visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                yield sorted(component)

    for node in sorted(edges):
        if node not in index:
            yield from visit(node)


def test_every_unit_has_a_floor() -> None:
    assert [name for name in modules() if not any(unit(name) in floor for floor in FLOORS)] == []


def test_no_module_imports_from_a_floor_above_it() -> None:
    upward = sorted(f"{name} → {target}" for name, targets in graph().items() for target in targets
                    if floor_of(target) > floor_of(name))
    assert upward == []


def test_no_module_or_package_imports_in_a_circle() -> None:
    edges = graph()
    assert list(cycles(edges)) == []
    packages: dict[str, set[str]] = {}
    for name, targets in edges.items():
        packages.setdefault(unit(name), set()).update(unit(t) for t in targets if unit(t) != unit(name))
    assert list(cycles(packages)) == []


def test_no_module_is_longer_than_400_lines() -> None:
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_pipeline_has_no_top_level_modules_of_the_old_layout() -> None:
    assert [name for name in ("api", "patcher", "fixing", "fix_mode", "writer", "cache", "discover", "parse")
            if (PACKAGE / f"{name}.py").exists()] == []


if __name__ == "__main__":
    edges = graph()
    for number, floor in enumerate(FLOORS):
        below = sorted({unit(t) for name, targets in edges.items() if unit(name) in floor for t in targets
                        if unit(t) not in floor})
        print(f"{number:2} {', '.join(floor):35} imports {', '.join(below) or '-'}")
    sys.exit(0)
