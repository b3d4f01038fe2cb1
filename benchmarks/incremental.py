"""Re-scan times after real edits in a large repository (run by hand, not in CI).

Copies an unpacked source tree (default: the SQLAlchemy 2.0.44 sdist that `speed.py` unpacks) to a
scratch folder and times `codepatch scan` with one cache, in order: cold, warm (nothing changed),
after a comment edit, after an edit that changes one module's facts (a new function calling into
another module), after an edit of a widely imported module (a new sink-reaching function in
`sqlalchemy/util/langhelpers.py`), and after an edit that makes a new flow across those two modules.
With `--check`, each cached scan's findings are compared with a fresh `--no-cache` scan.

    .venv/bin/python benchmarks/incremental.py --source /tmp/sqla/sqlalchemy-2.0.44 [--check] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _peers import RULES, Measured, run_measured, tool

CALLER = "lib/sqlalchemy/engine/url.py"
WIDELY_IMPORTED = "lib/sqlalchemy/util/langhelpers.py"
EDITS = [  # (row, file, text appended)
    ("comment edit", "lib/sqlalchemy/sql/elements.py", "# touched by benchmarks/incremental.py\n"),
    ("facts edit", CALLER, ("\n\ndef _bench_probe(value):\n    from sqlalchemy.util import langhelpers\n"
                            "    return langhelpers.clsname_as_plain_name(value)\n")),
    ("widely imported edit", WIDELY_IMPORTED, ("\n\ndef _bench_run(command):\n    import os\n"
                                               "    return os.system(command)\n")),
    ("cross-module flow", CALLER, ("\n\ndef _bench_flow():\n    import sys\n    from sqlalchemy.util import langhelpers\n"
                                   "    return langhelpers._bench_run(sys.argv[1])\n")),
]


def scan_command(tree: Path, cache: Path | None, output: Path) -> list[str]:
    cached = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    return [tool("codepatch") or "codepatch", "scan", str(tree), "--root", str(tree), "--format", "json",
            "--fail-on", "none", "--quiet", "--rules", str(RULES), *cached, "--output", str(output)]


def findings(output: Path) -> list[dict]:
    return json.loads(output.read_text())["findings"]


def run(tree: Path, scratch: Path, check: bool) -> dict[str, Measured]:
    cache, output, fresh = scratch / "cache", scratch / "cached.json", scratch / "fresh.json"
    rows: dict[str, Measured] = {}
    steps = [("cold", None, ""), ("warm", None, "")] + EDITS
    for row, path, text in steps:
        if path:
            with open(tree / path, "a", encoding="utf-8") as handle:
                handle.write(text)
        rows[row] = run_measured(scan_command(tree, cache, output))
        if rows[row].returncode != 0:
            raise SystemExit(f"{row}: exit {rows[row].returncode}\n{rows[row].stderr}")
        if check:
            run_measured(scan_command(tree, None, fresh))
            same = findings(output) == findings(fresh)
            print(f"{row}: {len(findings(output))} findings, {'same as' if same else 'DIFFERENT FROM'} a fresh scan")
            if not same:
                raise SystemExit(1)
    return rows


def table(rows: dict[str, Measured]) -> str:
    lines = [f"{'codepatch scan':<22} {'wall s':>7} {'CPU s':>7} {'max RSS MB':>11}", "-" * 50]
    lines += [f"{name:<22} {m.wall_s:7.2f} {m.cpu_s:7.2f} {m.max_rss_mb:11.0f}" for name, m in rows.items()]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="an unpacked source tree (copied, not edited)")
    parser.add_argument("--check", action="store_true", help="compare each cached scan with a fresh --no-cache scan")
    parser.add_argument("--json", type=Path, help="write the measurements here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codepatch-incremental-") as scratch:
        tree = Path(scratch) / "tree"
        shutil.copytree(args.source, tree)
        rows = run(tree, Path(scratch), args.check)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps({k: {**asdict(m), "stdout": "", "stderr": ""} for k, m in rows.items()},
                                        indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
