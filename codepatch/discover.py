"""Discovery: from the paths a user names to the Python files of the whole project.

The whole project is always analysed, so flows across modules survive when only some files
are named; the names only filter the report (see `Discovery.report_filter`).
"""

from __future__ import annotations

import errno
import os
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


@dataclass(frozen=True)
class Discovery:
    root: Path
    files: tuple[SourceFile, ...]
    problems: tuple[FileProblem, ...]
    report_filter: tuple[Path, ...]  # resolved paths the user named; a finding is reported if under one


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
    """When the root is itself inside packages (`__init__.py`), their names prefix every module."""
    names: list[str] = []
    folder = root
    while (folder / "__init__.py").exists() and folder.parent != folder:
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


def discover(paths: list[Path], excludes: tuple[str, ...] = (), root: Path | None = None) -> Discovery:
    """Walk the project holding `paths` (or `root`), honouring .gitignore files, default and extra excludes."""
    named = [p.absolute() for p in paths]
    for p in named:
        if not p.exists() and not p.is_symlink():
            raise FileNotFoundError(f"no such file or directory: {p}")
    root = root.absolute() if root else find_project_root(named[0].resolve())
    anchor = report_anchor(root)
    prefix = package_prefix(root)
    files: list[SourceFile] = []
    problems: list[FileProblem] = []
    default_spec = pathspec.PathSpec.from_lines("gitignore", DEFAULT_EXCLUDES + excludes)
    # Each level's spec applies to paths relative to the folder holding that .gitignore.
    stack: list[tuple[Path, list[tuple[Path, pathspec.PathSpec]]]] = [(root, [])]
    seen_dirs: set[tuple[int, int]] = set()
    while stack:
        directory, specs = stack.pop()
        try:
            st = directory.stat()
        except OSError as exc:
            problems.append(_problem_for(directory, anchor, exc))
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:
            problems.append(FileProblem(display_path(directory, anchor), "symlink-loop",
                                        f"symlink loop: {os.readlink(directory) if directory.is_symlink() else directory} already visited"))
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        local = _ignore_spec(directory, ())
        level_specs = specs + ([(directory, local)] if local else [])
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            problems.append(_problem_for(directory, anchor, exc))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_file = entry.is_file()
            except OSError as exc:
                is_dir = is_file = False
                if exc.errno != errno.ELOOP:
                    problems.append(_problem_for(path, anchor, exc))
                    continue
            if _ignored(path, entry.name, is_dir, default_spec, level_specs):
                continue
            if entry.is_symlink() and not is_dir and not is_file:
                if _is_loop(path):
                    problems.append(FileProblem(display_path(path, anchor), "symlink-loop", "symlink loop"))
                elif entry.name.endswith(".py"):
                    problems.append(FileProblem(display_path(path, anchor), "unreadable",
                                                f"cannot read: broken symlink to {os.readlink(path)}"))
                continue
            if is_dir:
                stack.append((path, level_specs))
            elif is_file and entry.name.endswith(".py"):
                files.append(SourceFile(path, display_path(path, anchor), module_name(path, root, prefix)))
    files.sort(key=lambda f: f.display)
    return Discovery(root, tuple(files), tuple(problems), tuple(named))


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
