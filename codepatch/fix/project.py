"""The project as fix strategies see it: its Python modules as the scan's discovery found them, each
read once. A strategy that reaches into other modules (a query built in one module and run in
another, the producers of pickled data) asks this index, handed to it through the codemod
context, instead of walking or reading the disk itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from libcst.codemod import CodemodContext

from codepatch.files import source_text
from codepatch.files.discover import discover, is_test_path, resolved

CONTEXT_KEY = "codepatch.project"  # CodemodContext.scratch


@dataclass
class ProjectIndex:
    root: Path
    paths: tuple[Path, ...] = ()  # every Python module, links resolved, sorted
    _texts: dict[Path, str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, root: Path) -> ProjectIndex:
        """The modules discovery finds in the project at `root` (excludes and .gitignore honoured)."""
        return cls(resolved(root), tuple(sorted({resolved(f.path) for f in discover([root], root=root).files})))

    def text(self, path: Path) -> str | None:
        """A module's text (encoding and line endings kept); None when it is not one or cannot be read."""
        path = resolved(path)
        if path not in self.paths:
            return None
        if path not in self._texts:
            try:
                self._texts[path] = source_text.read(path).text
            except (OSError, source_text.TextError):
                self._texts[path] = None
        return self._texts[path]

    def modules(self) -> list[Path]:
        """The project's modules other than tests (whose calls a validation's test run checks)."""
        return [p for p in self.paths if not is_test_path(p.relative_to(self.root).as_posix())]

    def beside(self, path: Path) -> list[Path]:
        """The modules in the same folder as `path`."""
        folder = resolved(path).parent
        return [p for p in self.paths if p.parent == folder]

    def module_file(self, importer: Path, module: str) -> Path | None:
        """The file of `module` (dotted; `.x` relative to `importer`'s package), if it is one of ours."""
        if not module.strip("."):
            return None
        here = resolved(importer).parent
        if module.startswith("."):
            dots = len(module) - len(module.lstrip("."))
            bases = [here.parents[dots - 2] if dots > 1 else here]
        else:
            bases = [here, *(p for p in here.parents if p == self.root or self.root in p.parents)]
        relative = Path(*module.lstrip(".").split("."))
        for base in bases:
            for candidate in (base / relative.with_suffix(".py"), base / relative / "__init__.py"):
                if candidate in self.paths:
                    return candidate
        return None


NO_PROJECT = ProjectIndex(Path("/"))  # a strategy run on a snippet, outside any project


def project_of(context: CodemodContext) -> ProjectIndex:
    return context.scratch.get(CONTEXT_KEY, NO_PROJECT)
