"""The wheel carries the rules: built, installed non-editable into a fresh venv, and used for a scan."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _source_tree(target: Path) -> Path:
    """The checkout's own files without its `build/` or `*.egg-info` leftovers, which setuptools
    would otherwise reuse (a module moved since the last build would ship twice)."""
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                                                 "__pycache__", ".pytest_cache", ".codepatch-cache"))
    return target


def _run(command: list[str], **options) -> subprocess.CompletedProcess:
    # The installed wheel alone: a PYTHONPATH naming a checkout would be imported instead of it.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, **options)
    assert done.returncode == 0, f"{command[:3]} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


def test_wheel_installs_and_scans_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", str(dist), str(_source_tree(tmp_path / "src"))], timeout=300)
    wheel = next(dist.glob("codepatch-*.whl"))
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "-c", str(REPO / "constraints.txt"), str(wheel)], timeout=600)
    where = _run([str(python), "-c", "import codepatch, codepatch.rules as r; print(codepatch.__file__, r.__path__[0])"],
                 cwd=tmp_path).stdout
    assert str(fresh) in where and str(REPO) not in where
    fixture = REPO / "fixtures" / "rules" / "injection" / "command-injection.py"
    scanned = subprocess.run([str(fresh / "bin" / "codepatch"), "scan", str(fixture), "--root", str(fixture.parent),
                              "--no-cache", "--format", "json"], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                             env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")})
    assert scanned.returncode == 1, scanned.stderr
    report = json.loads(scanned.stdout)
    assert report["summary"]["rules"] >= 1
    assert {f["rule_id"] for f in report["findings"]} >= {"command-injection"}


def test_every_package_is_listed_for_the_wheel() -> None:
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "codepatch").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
