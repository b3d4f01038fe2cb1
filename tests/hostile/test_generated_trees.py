"""A property over generated trees (fixed seed): whatever else a tree holds (random bytes, names
that are not UTF-8 or hold newlines and escapes, links and loops, other encodings, shebang
scripts, syntax errors), the flaw in `ok.py` is reported, every Python file is either analysed
(its own flaw is reported) or named as a problem, and the exit status is 1, or 2 with --strict
when a problem exists. Never a traceback, never 0."""

from __future__ import annotations

import json
import os
import random
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hostile.conftest import FLAW_RULE, FLAWED, codepatch, no_control_characters

TREES = 500
SEED = 20261206
FORMATS = ("text", "json", "sarif", "github")
NAME_PIECES = [b"a", b"mod", b"\xff", b"\xe9t\xe9", b" ", b"\n", b"::error file=x.py::", b"\x1b[31m", b"\xe2\x80\xae",
               b"%", b"-", b"[", b"caf\xc3\xa9"]


@dataclass
class Tree:
    """What the generator put in a tree: each Python file analysed (flaw expected) or a problem."""

    root: Path
    flawed: set[bytes] = field(default_factory=set)  # relative names whose flaw must be reported
    problems: set[bytes] = field(default_factory=set)  # relative names that must be named as problems

    def write(self, name: bytes, data: bytes) -> None:
        path = os.path.join(os.fsencode(self.root), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)


def random_name(rng: random.Random, suffix: bytes) -> bytes:
    name = b"".join(rng.choice(NAME_PIECES) for _ in range(rng.randint(1, 3))).replace(b"/", b"_")
    return (name or b"x") + suffix


def build(root: Path, rng: random.Random) -> Tree:
    tree = Tree(root)
    tree.write(b"ok.py", FLAWED.encode())
    tree.flawed.add(b"ok.py")
    used = {b"ok.py"}
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(["weird-name", "binary", "latin1-declared", "latin1-undeclared", "bom", "shebang", "pyw",
                           "syntax", "nested", "loop", "dangling", "outside", "inside-link", "subfolder", "text"])
        folder = rng.choice([b"", b"pkg/", b"deep/er/"])
        name = folder + random_name(rng, b".py")
        if name in used or name.startswith(b"pkg/\n") or b"\x00" in name:
            continue
        used.add(name)
        path = os.path.join(os.fsencode(root), name)
        if kind in ("weird-name", "subfolder", "pyw", "shebang", "bom", "latin1-declared", "syntax"):
            body = FLAWED.encode()
            if kind == "pyw":
                name = name[:-3] + b".pyw"
            elif kind == "shebang":
                name, body = name[:-3] + b"-run", b"#!/usr/bin/env python3\n" + body
            elif kind == "bom":
                body = b"\xef\xbb\xbf" + body
            elif kind == "latin1-declared":
                body = b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + body
            elif kind == "syntax":
                body += b"def broken(:\n    pass\n"
            if name in used and kind in ("pyw", "shebang"):
                continue
            used.add(name)
            tree.write(name, body)
            if kind == "shebang":
                os.chmod(os.path.join(os.fsencode(root), name), 0o755)
            tree.flawed.add(name)
        elif kind == "binary":
            tree.write(name, b"\x00" + rng.randbytes(rng.randint(1, 200)))
            tree.problems.add(name)
        elif kind == "latin1-undeclared":
            tree.write(name, b"x = '\xe9'\n")
            tree.problems.add(name)
        elif kind == "nested":
            tree.write(name, b"x = " + b"(" * 3000 + b"1" + b")" * 3000 + b"\n")  # analysed, or a problem
        elif kind == "text":
            tree.write(name[:-3] + b".txt", rng.randbytes(50))
        elif kind == "loop":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(os.path.basename(path), path)
            tree.problems.add(name)
        elif kind == "dangling":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(b"no-such-file.py", path)
            tree.problems.add(name)
        elif kind == "outside":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(b"/etc/hostname", path)
            tree.problems.add(name)
        elif kind == "inside-link":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(os.path.relpath(os.path.join(os.fsencode(root), b"ok.py"), os.path.dirname(path)), path)
    return tree


def reported(stdout: bytes, output_format: str) -> tuple[set[str], set[str], bool]:
    """(paths with a command-injection finding, paths named as problems, whether any problem is
    more than partial), as the report shows them."""
    if output_format == "json":
        report = json.loads(stdout)
        return ({f["path"] for f in report["findings"] if f["rule_id"] == FLAW_RULE},
                {p["display"] for p in report["problems"]}, any(not p["partial"] for p in report["problems"]))
    if output_format == "sarif":
        run = json.loads(stdout)["runs"][0]
        notes = [n for n in run["invocations"][0]["toolExecutionNotifications"] if n.get("locations")]
        return ({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
                 if r["ruleId"] == FLAW_RULE},
                {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes},
                any(PARTIAL not in n["message"]["text"] for n in notes))
    text = stdout.decode()
    if output_format == "github":
        problems = re.findall(r"^::warning file=([^,]*),title=codepatch::(not|partly) analysed", text, re.M)
        return (set(re.findall(r"^::error file=([^,]*),line=\d+.*title=command-injection::", text, re.M)),
                {name for name, _ in problems}, any(how == "not" for _, how in problems))
    problems = re.findall(r"^(.*?): (skipped|partial): ", text, re.M)
    return (set(re.findall(r"^(.*?):\d+:\d+: high command-injection ", text, re.M)),
            {name for name, _ in problems}, any(how == "skipped" for _, how in problems))


PARTIAL = "; analysed where the tree allows"


def shown_as(name: bytes, output_format: str) -> str:
    """How a report writes a relative name: escaped for a terminal or runner, percent-encoded in SARIF."""
    from codepatch.report.escape import log_line, shown, uri
    from codepatch.report.github import escape_property

    text = os.fsdecode(name)
    return {"sarif": uri, "github": lambda t: escape_property(shown(t)), "text": log_line}.get(
        output_format, lambda t: t)(text)


def check(index: int, base: Path) -> None:
    rng = random.Random(SEED + index)
    root = base / f"tree{index}"
    root.mkdir()
    tree = build(root, rng)
    output_format, strict = rng.choice(FORMATS), rng.random() < 0.5
    cache = ["--no-cache"] if rng.random() < 0.5 else ["--cache-dir", str(base / "cache")]
    args = ["scan", ".", "--format", output_format, *cache] + (["--strict"] if strict else [])
    done = codepatch(*args, cwd=root, timeout=240)
    where = f"tree {index} ({output_format}, strict={strict}): {sorted(os.listdir(os.fsencode(root)))}"
    assert b"Traceback" not in done.stderr, where + done.stderr.decode("utf-8", "replace")
    assert no_control_characters(done.stderr), where
    assert done.returncode in (1, 2), where + done.stderr.decode("utf-8", "replace")
    found, problems, hard_problem = reported(done.stdout, output_format)
    assert shown_as(b"ok.py", output_format) in found, where
    for name in tree.flawed:
        assert shown_as(name, output_format) in found | problems, (where, name)
    for name in tree.problems:
        assert shown_as(name, output_format) in problems, (where, name, problems)
    assert hard_problem or not tree.problems, where
    assert done.returncode == (2 if strict and hard_problem else 1), (where, done.returncode, problems)


@pytest.mark.parametrize("batch", range(10))
def test_generated_trees_are_always_reported_and_never_pass(tmp_path: Path, batch: int) -> None:
    per_batch = TREES // 10
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda i: check(i, tmp_path), range(batch * per_batch, (batch + 1) * per_batch)))
