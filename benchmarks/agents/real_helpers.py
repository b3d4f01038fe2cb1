"""Real helper functions from public projects, labelled by us: the agents' evaluation set.

    .venv/bin/python -m benchmarks.agents.real_helpers CHECKOUTS [--yaml real_helpers.yaml]

`real_helpers.yaml` holds only pointers (project folder, commit, path, function) and our labels,
never the projects' code: the code is read from local checkouts under CHECKOUTS, e.g.
`CHECKOUTS/git/getredash+redash` (a work tree, or a git directory without one, read with
`git show`) or `CHECKOUTS/pypi/Django-5.1.4` (an unpacked source release). Each entry becomes a
`Case`: with a `sink` snippet (ours) the project function is its helper; without one (a weak hash
or random use) the project function itself is the case code and holds the sink.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from codepatch.agents.case import SOURCES, Case, NotPython, question
from codepatch.agents.verdict import REAL_REASONS, SAFE_REASONS

HERE = Path(__file__).resolve().parent
RULES = (
    "open-redirect", "path-traversal", "command-injection", "sql-injection", "ssrf", "xss",
    "code-injection", "weak-hash", "weak-random",
)
_FIELDS = {"id", "project", "commit", "path", "function", "rule", "sink", "sink_line", "source",
           "real", "reason", "why"}
_REQUIRED = _FIELDS - {"commit", "sink"}


@dataclass(frozen=True)
class LabelledHelper:
    id: str
    project: str  # a folder under the checkouts: git/<owner+repo> or pypi/<name-version>
    path: str  # the file inside the project
    function: str  # a top-level function, or Class.method
    rule: str  # one of RULES
    source: str  # a key of codepatch.agents.case.SOURCES
    real: bool
    reason: str  # a key of REAL_REASONS when real, else of SAFE_REASONS
    why: str
    sink: str | None  # our sink function calling the helper; None: the project function holds it
    sink_line: int  # 1-based, within `sink`, or within the project function when sink is None
    commit: str | None = None  # of a git checkout


def load(yaml_path: Path) -> list[LabelledHelper]:
    """The entries of `yaml_path`, checked; raises ValueError naming the first bad entry."""
    entries = yaml.safe_load(Path(yaml_path).read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise ValueError(f"{yaml_path}: expected a list of entries")
    helpers: list[LabelledHelper] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{yaml_path}: entry {index + 1} ({entry.get('id', '?') if isinstance(entry, dict) else '?'})"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: not a mapping")
        missing, unknown = _REQUIRED - entry.keys(), entry.keys() - _FIELDS
        if missing or unknown:
            raise ValueError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        helper = LabelledHelper(
            id=str(entry["id"]), project=str(entry["project"]), path=str(entry["path"]),
            function=str(entry["function"]), rule=entry["rule"], source=entry["source"],
            real=entry["real"], reason=entry["reason"], why=str(entry["why"]).strip(),
            sink=entry.get("sink"), sink_line=entry["sink_line"],
            commit=str(entry["commit"]) if entry.get("commit") else None,
        )
        _check(helper, where)
        if helper.id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(helper.id)
        helpers.append(helper)
    return helpers


def _check(helper: LabelledHelper, where: str) -> None:
    if helper.rule not in RULES:
        raise ValueError(f"{where}: unknown rule {helper.rule!r}")
    if helper.source not in SOURCES:
        raise ValueError(f"{where}: unknown source {helper.source!r}")
    if not isinstance(helper.real, bool):
        raise ValueError(f"{where}: real must be true or false")
    if helper.reason not in (REAL_REASONS if helper.real else SAFE_REASONS):
        raise ValueError(f"{where}: {helper.reason!r} is no reason for a {'real' if helper.real else 'not real'} flow")
    if helper.sink is not None and not isinstance(helper.sink, str):
        raise ValueError(f"{where}: sink must be text or null")
    if not isinstance(helper.sink_line, int) or isinstance(helper.sink_line, bool) or helper.sink_line < 1:
        raise ValueError(f"{where}: sink_line must be a positive integer")
    if helper.sink is not None and helper.sink_line > len(helper.sink.splitlines()):
        raise ValueError(f"{where}: sink_line {helper.sink_line} is past the sink's end")
    if helper.function.count(".") > 1 or not all(part.isidentifier() for part in helper.function.split(".")):
        raise ValueError(f"{where}: function must be a name or Class.method")
    if helper.commit is not None and (len(helper.commit) != 40 or any(c not in "0123456789abcdef" for c in helper.commit)):
        raise ValueError(f"{where}: commit must be 40 hex digits")


def _git_dir(folder: Path) -> Path | None:
    """A git directory without a work tree at `folder` or just under it (e.g. `folder/repo`)."""
    for candidate in (folder, *sorted(p for p in folder.iterdir() if p.is_dir())):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def _file_text(checkouts: Path, helper: LabelledHelper) -> str | None:
    folder = Path(checkouts) / helper.project
    direct = folder / helper.path
    if direct.is_file():
        return direct.read_text(encoding="utf-8", errors="replace")
    if not folder.is_dir():
        return None
    git_dir = _git_dir(folder)
    if git_dir is None:
        return None
    shown = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{helper.commit or 'HEAD'}:{helper.path}"],
        capture_output=True, text=True, encoding="utf-8", errors="replace",
    )
    return shown.stdout if shown.returncode == 0 else None


def _find(body: list[ast.stmt], name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return node
    return None


def function_source(checkouts: Path, helper: LabelledHelper) -> str | None:
    """The named function as written, decorators included and dedented; None when missing."""
    text = _file_text(checkouts, helper)
    if text is None:
        return None
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    scope: list[ast.stmt] = tree.body
    *classes, name = helper.function.split(".")
    for class_name in classes:
        found = _find(scope, class_name)
        if not isinstance(found, ast.ClassDef):
            return None
        scope = found.body
    function = _find(scope, name)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    first = min([function.lineno, *(d.lineno for d in function.decorator_list)])
    lines = text.splitlines()[first - 1:function.end_lineno]
    return textwrap.dedent("\n".join(lines)) + "\n"


def case_of(checkouts: Path, helper: LabelledHelper) -> Case | None:
    """The entry as a Case, or None when its project function cannot be read."""
    code = function_source(checkouts, helper)
    if code is None:
        return None
    if helper.sink is not None:
        return Case(rule_id=helper.rule, source=helper.source, code=helper.sink,
                    sink_line=helper.sink_line, helpers=(code,))
    return Case(rule_id=helper.rule, source=helper.source, code=code, sink_line=helper.sink_line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", type=Path, help="folder holding git/<owner+repo> and pypi/<name-version>")
    parser.add_argument("--yaml", type=Path, default=HERE / "real_helpers.yaml")
    parser.add_argument("--show", action="store_true", help="print each case's question text")
    args = parser.parse_args(argv)
    helpers = load(args.yaml)
    failed = 0
    counts: dict[tuple[str, bool], int] = {}
    for helper in helpers:
        counts[helper.rule, helper.real] = counts.get((helper.rule, helper.real), 0) + 1
        case = case_of(args.checkouts, helper)
        status = "ok"
        if case is None:
            status = "MISSING"
        else:
            try:
                text = question(case)
                if "# sink" not in text:
                    status = "NO SINK MARK"
            except (NotPython, ValueError) as error:
                status = f"NOT RENDERED ({error})"
        failed += status != "ok"
        print(f"{helper.id:40} {'real' if helper.real else 'not real':9} {helper.rule:18} {status}")
        if args.show and case is not None and status == "ok":
            print(textwrap.indent(question(case), "    "))
    print()
    for rule in RULES:
        real, safe = counts.get((rule, True), 0), counts.get((rule, False), 0)
        if real or safe:
            print(f"{rule:18} real {real:2}  not real {safe:2}")
    total_real = sum(n for (_, real), n in counts.items() if real)
    print(f"{len(helpers)} entries: {total_real} real, {len(helpers) - total_real} not real; "
          f"{len(helpers) - failed} load and render, {failed} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
