"""Discovery: which files make up the project, their module names, and the project root."""

from __future__ import annotations

from pathlib import Path

from codepatch.files.discover import discover, find_project_root


def names(found) -> list[str]:
    return [f.display for f in found.files]


def make(root: Path, *files: str) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def test_gitignore_default_and_extra_excludes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    make(tmp_path, "app/main.py", "app/generated/big.py", "app/sub/keep.py", "app/sub/skip_me.py",
         ".venv/lib/site.py", "venv/x.py", "node_modules/pkg/x.py", "build/lib/x.py", "scripts/tool.py",
         "notes.txt")
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "app" / "sub" / ".gitignore").write_text("skip_*.py\n")
    found = discover([tmp_path], excludes=("scripts/",), root=tmp_path)
    assert names(found) == ["app/main.py", "app/sub/keep.py"]


def test_module_names_follow_packages(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/db.py", "pkg/sub/__init__.py", "pkg/sub/q.py")
    found = discover([tmp_path / "pkg"], root=tmp_path / "pkg")
    assert sorted(f.module for f in found.files) == ["pkg", "pkg.db", "pkg.sub", "pkg.sub.q"]


def test_a_root_folder_named_as_no_identifier_is_on_sys_path(tmp_path: Path) -> None:
    # `my-app/__init__.py` cannot be imported as a package: its modules import each other by their
    # own names (`from utils.main import x`), the folder being on sys.path.
    make(tmp_path, "my-app/__init__.py", "my-app/app.py", "my-app/utils/__init__.py", "my-app/utils/main.py")
    found = discover([tmp_path / "my-app"], root=tmp_path / "my-app")
    assert sorted(f.module for f in found.files) == ["__init__", "app", "utils", "utils.main"]


def test_project_root_is_the_nearest_marker(tmp_path: Path) -> None:
    make(tmp_path, "repo/src/app/x.py")
    (tmp_path / "repo" / "pyproject.toml").write_text("")
    assert find_project_root(tmp_path / "repo" / "src" / "app" / "x.py") == tmp_path / "repo"
    assert find_project_root(tmp_path / "repo" / "src") == tmp_path / "repo"


def test_named_paths_are_kept_for_the_report_filter(tmp_path: Path) -> None:
    make(tmp_path, "a.py", "b.py")
    found = discover([tmp_path / "a.py"], root=tmp_path)
    assert len(found.files) == 2  # the whole project is analysed
    assert found.report_filter == ((tmp_path / "a.py").absolute(),)
