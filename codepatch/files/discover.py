"""Discovery: from the paths a user names to the Python files of the whole project.

The whole project is always analysed, so flows across modules survive when only some files
are named; the names only filter the report (see `Discovery.report_filter`).
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pathspec

from codepatch.types import FileProblem, SourceFile

DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "__pycache__",
    "build", "dist", ".tox", ".nox", ".eggs", "*.egg-info", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", "site-packages", ".hypothesis",
)
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")
PYTHON_SUFFIXES = (".py", ".pyw")
# Test code is not product code: not reported by default, and its functions are no entry points.
TEST_PATH = re.compile(r"(^|/)(tests?/|testing/|test_[^/]*\.py$|[^/]*_tests?\.py$|conftest\.py$)")
# A script without a suffix is Python when its first line runs a Python interpreter (as pre-commit's
# `types: [python]` decides): `#!/usr/bin/python3`, `#!/usr/bin/env -S python3.12 -u`, pypy.
PYTHON_SHEBANG = re.compile(rb"^#![ \t]*\S*?(?:/env(?:[ \t]+-\S+)*[ \t]+)?(?:\S*/)?(?:python|pypy)[0-9.]*(?=\s|$)")
SHEBANG_BYTES = 256


@dataclass(frozen=True)
class Discovery:
    root: Path
    files: tuple[SourceFile, ...]
    problems: tuple[FileProblem, ...]
    report_filter: tuple[Path, ...]  # the paths the user named, links resolved; a finding is reported if under one


def find_project_root(path: Path) -> Path:
    """The nearest ancestor that looks like a project (VCS or packaging marker), else the path's folder."""
    start = path if path.is_dir() else path.parent
    for candidate in (start, *start.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    return start


def find_git_toplevel(path: Path) -> Path | None:
    for candidate in (path, *path.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def display_path(path: Path, anchor: Path) -> str:
    """Paths in every report: relative to the git top level (or the current folder), with '/'."""
    try:
        return path.relative_to(anchor).as_posix()
    except ValueError:
        return path.as_posix()


def report_anchor(root: Path) -> Path:
    return find_git_toplevel(root) or Path.cwd().resolve()


def package_prefix(root: Path) -> tuple[str, ...]:
    """When the root is itself inside packages (`__init__.py`), their names prefix every module. A
    folder whose name is no Python identifier (`my-app`) cannot be imported: it is on `sys.path`."""
    names: list[str] = []
    folder = root
    while (folder / "__init__.py").exists() and folder.parent != folder and folder.name.isidentifier():
        names.insert(0, folder.name)
        folder = folder.parent
    return tuple(names)


def module_name(path: Path, root: Path, prefix: tuple[str, ...] = ()) -> str:
    parts = list(prefix) + list(path.relative_to(root).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or path.stem


def _ignore_spec(directory: Path, extra_excludes: tuple[str, ...]) -> pathspec.PathSpec | None:
    lines: list[str] = list(extra_excludes)
    gitignore = directory / ".gitignore"
    try:
        lines += gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        pass
    return pathspec.PathSpec.from_lines("gitignore", lines) if lines else None


def discover(paths: list[Path], excludes: tuple[str, ...] = (), root: Path | None = None,
             anchor: Path | None = None, changed: frozenset[str] = frozenset()) -> Discovery:
    """Walk the project holding `paths` (or `root`), honouring .gitignore files, default and extra
    excludes, except for the `changed` files (display paths), which are Python files of the project
    whatever those say.

    Nothing outside the project is read: a symbolic link that leads out of it is a problem, not a
    file. Python files are `.py` and `.pyw` files and scripts whose first line runs Python; a named
    file that is neither is a problem too."""
    named = [p.absolute() for p in paths]
    for p in named:
        if not p.exists() and not p.is_symlink():
            raise FileNotFoundError(f"no such file or directory: {p}")
    root = root.absolute() if root else find_project_root(resolved(named[0]))
    anchor = anchor or report_anchor(root)
    walk = _Walk(root, anchor, package_prefix(root), pathspec.PathSpec.from_lines("gitignore", DEFAULT_EXCLUDES + excludes))
    walk.run()
    walk.add_changed(changed, pathspec.PathSpec.from_lines("gitignore", excludes))
    for path in named:
        if path.is_file() and not path.is_symlink() and not is_python(path) and _inside(resolved(path), walk.real_root):
            walk.problems.append(FileProblem(display_path(path, anchor), "not-python",
                                             "not a Python file (no .py or .pyw suffix, no python shebang)"))
    walk.files.sort(key=lambda f: f.display)
    return Discovery(root, tuple(walk.files), tuple(walk.problems), tuple(resolved(p) for p in named))


def is_test_path(display: str) -> bool:
    """A test module by its path: under `tests/`, `test_*.py`, `*_test.py`, `conftest.py`."""
    return bool(TEST_PATH.search(display))


def resolved(path: Path) -> Path:
    """`path` with symbolic links resolved as far as they go (a loop or a dangling link stops there)."""
    return Path(os.path.realpath(path))


def is_python(path: Path) -> bool:
    """A `.py`/`.pyw` file, or a file without a suffix or executable, whose first line runs a Python
    interpreter (as pre-commit's `identify` tags an executable `deploy.v2` by its shebang)."""
    if path.suffix in PYTHON_SUFFIXES:
        return True
    if path.suffix and not os.access(path, os.X_OK):
        return False
    try:
        with open(path, "rb") as handle:
            return bool(PYTHON_SHEBANG.match(handle.read(SHEBANG_BYTES)))
    except OSError:
        return False


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class _Walk:
    """One walk of the project tree: its Python files and the problems met on the way."""

    def __init__(self, root: Path, anchor: Path, prefix: tuple[str, ...], default_spec: pathspec.PathSpec) -> None:
        self.root, self.anchor, self.prefix, self.default_spec = root, anchor, prefix, default_spec
        self.real_root = resolved(root)
        self.files: list[SourceFile] = []
        self.problems: list[FileProblem] = []

    def problem(self, path: Path, kind: str, message: str) -> None:
        self.problems.append(FileProblem(display_path(path, self.anchor), kind, message))

    def run(self) -> None:
        # Each level's spec applies to paths relative to the folder holding that .gitignore.
        stack: list[tuple[Path, list[tuple[Path, pathspec.PathSpec]]]] = [(self.root, [])]
        seen_dirs: set[tuple[int, int]] = set()
        while stack:
            directory, specs = stack.pop()
            try:
                st = directory.stat()
            except OSError as exc:
                self.problems.append(_problem_for(directory, self.anchor, exc))
                continue
            if (st.st_dev, st.st_ino) in seen_dirs:
                self.problem(directory, "symlink-loop", "symlink loop: folder already visited")
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            local = _ignore_spec(directory, ())
            level_specs = specs + ([(directory, local)] if local else [])
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as exc:
                self.problems.append(_problem_for(directory, self.anchor, exc))
                continue
            for entry in entries:
                child = self._entry(entry, level_specs)
                if child is not None:
                    stack.append((child, level_specs))

    def add_changed(self, changed: frozenset[str], configured: pathspec.PathSpec) -> None:
        """The changed Python files the walk skipped for .gitignore or the default excludes (those the
        configuration excludes stay out; links are never followed)."""
        found = {source.display for source in self.files}
        for display in sorted(changed - found):
            path = self.anchor / display
            if (not path.is_symlink() and path.is_file() and path.is_relative_to(self.root)
                    and not configured.match_file(path.relative_to(self.root).as_posix())
                    and _inside(resolved(path), self.real_root) and is_python(path)):
                self.files.append(SourceFile(path, display, module_name(path, self.root, self.prefix)))

    def _entry(self, entry: os.DirEntry, level_specs: list[tuple[Path, pathspec.PathSpec]]) -> Path | None:
        """Records a file of the entry; returns it when it is a folder to walk into."""
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows symlinks
            is_file = entry.is_file()
        except OSError as exc:
            is_dir = is_file = False
            if exc.errno != errno.ELOOP:
                self.problems.append(_problem_for(path, self.anchor, exc))
                return None
        if _ignored(path, entry.name, is_dir, self.default_spec, level_specs):
            return None
        if entry.is_symlink():
            return self._link(path, entry.name, is_dir, is_file)
        if is_dir:
            return path
        if is_file and is_python(path):
            self.files.append(SourceFile(path, display_path(path, self.anchor), module_name(path, self.root, self.prefix)))
        elif not is_file and Path(entry.name).suffix in PYTHON_SUFFIXES:  # a FIFO or socket: never opened
            self.problem(path, "unreadable", "not a regular file")
        return None

    def _link(self, path: Path, name: str, is_dir: bool, is_file: bool) -> Path | None:
        """A symbolic link is never followed: one that leads out of the project is a problem, and what
        one inside it leads to is analysed where it lies (a named link is reported through it)."""
        python_name = Path(name).suffix in PYTHON_SUFFIXES
        if not is_dir and not is_file:
            if _is_loop(path):
                self.problem(path, "symlink-loop", "symlink loop")
            elif python_name:
                self.problem(path, "unreadable", f"cannot read: broken symlink to {os.readlink(path)}")
            return None
        target = resolved(path)
        if not _inside(target, self.real_root):
            if is_dir or python_name:  # (a target outside is not even opened to look for a shebang)
                what = "folder" if is_dir else "file"
                self.problem(path, "outside-project", f"symbolic link to a {what} outside the project: not read")
        elif is_dir and _inside(resolved(path.parent), target):
            self.problem(path, "symlink-loop", "symlink loop: links to a folder that holds it")
        return None


def _ignored(path: Path, name: str, is_dir: bool, default_spec: pathspec.PathSpec,
             level_specs: list[tuple[Path, pathspec.PathSpec]]) -> bool:
    suffix = "/" if is_dir else ""
    if default_spec.match_file(name + suffix):
        return True
    for base, spec in level_specs:
        if spec.match_file(path.relative_to(base).as_posix() + suffix):
            return True
    return False


def _is_loop(path: Path) -> bool:
    try:
        path.stat()
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _problem_for(path: Path, anchor: Path, exc: OSError) -> FileProblem:
    if exc.errno == errno.ELOOP:
        return FileProblem(display_path(path, anchor), "symlink-loop", "symlink loop")
    return FileProblem(display_path(path, anchor), "unreadable", f"cannot read: {exc.strerror or exc}")
