"""Wall time and peak memory of codepatch vs bandit, ruff and semgrep on a large code base (run by hand).

    .venv/bin/python benchmarks/speed.py [--semgrep-config DIR] [--tools ...] [--json OUT] [--keep DIR]

Downloads the SQLAlchemy 2.0.44 source distribution from PyPI (about 596k lines of Python with its
tests) into a temporary folder and measures, one after the other:

  codepatch cold     empty cache folder
  codepatch warm     the same cache, nothing changed
  codepatch touched  the same cache after appending a comment line to one module
  bandit             bandit -r
  ruff               ruff check --select S --no-cache --isolated
  semgrep            local rules only (--semgrep-config or $CODEPATCH_SEMGREP_RULES), else skipped

Each row gives wall and CPU time (the process and its workers), the largest single process
(max RSS) and the whole process tree's peak (sampled PSS), and ratios to bandit. Then the start-up
checks: `codepatch --help` and a scan of a small repository, each under 0.5 s, and neither imports
torch. Targets (issue 2): cold <= 0.5 x bandit's wall time, warm re-scan <= 3 s, peak <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from _peers import (  # noqa: E402
    RULES,
    Measured,
    run_measured,
    semgrep_command,
    semgrep_config,
    semgrep_rule_count,
    tool,
    version,
)

PACKAGE, PACKAGE_VERSION = "sqlalchemy", "2.0.44"
TOUCHED_MODULE = "lib/sqlalchemy/sql/elements.py"  # a large, central module: many others import it
TOOLS = ("codepatch", "bandit", "ruff", "semgrep")
STARTUP_LIMIT_S = 0.5
STARTUP_REPEATS = 5
SMALL_REPO = {
    "app/__init__.py": "",
    "app/views.py": "from flask import Flask, request\nfrom app.shell import run\n\napp = Flask(__name__)\n\n\n"
                    "@app.route('/ls')\ndef listing():\n    return run('ls ' + request.args['dir'])\n",
    "app/shell.py": "import subprocess\n\n\ndef run(command):\n    return subprocess.run(command, shell=True)\n",
}


def fetch_sdist(folder: Path) -> Path:
    """Download and unpack the sdist; returns the unpacked source tree.

    `--no-binary sqlalchemy` (not `:all:`): pip still prepares the sdist's metadata, and with
    `:all:` it would first compile its build requirements (Cython) from source.
    """
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", PACKAGE,
                    f"{PACKAGE}=={PACKAGE_VERSION}", "-d", str(folder), "--quiet"], check=True)
    archive = next(folder.glob(f"{PACKAGE}-{PACKAGE_VERSION}.tar.gz"), None) or next(folder.glob("*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder / f"{PACKAGE}-{PACKAGE_VERSION}"


def python_size(tree: Path) -> tuple[int, int]:
    """(files, lines) of Python under `tree`."""
    files = lines = 0
    for path in tree.rglob("*.py"):
        files += 1
        with open(path, "rb") as handle:
            lines += sum(1 for _ in handle)
    return files, lines


def measure_tools(tree: Path, scratch: Path, tools: list[str], config: Path | None) -> dict[str, Measured | str]:
    """Each row of the table, in order; a string instead of a measurement says why it was skipped."""
    codepatch = tool("codepatch") or "codepatch"
    cache = scratch / "codepatch-cache"
    # A snapshot of the rules: an edit to the working tree's rules during the benchmark would change
    # the rule-set version, and with it every cache key, turning the warm runs cold.
    rules = scratch / "rules"
    shutil.copytree(RULES, rules, dirs_exist_ok=True)
    scan = [codepatch, "scan", str(tree), "--root", str(tree), "--format", "json", "--fail-on", "none", "--quiet",
            "--cache-dir", str(cache), "--rules", str(rules), "--output", str(scratch / "codepatch.json")]
    rows: dict[str, Measured | str] = {}
    if "codepatch" in tools:
        rows["codepatch cold"] = _checked(run_measured(scan), (0,))
        rows["codepatch warm"] = _checked(run_measured(scan), (0,))
        with open(tree / TOUCHED_MODULE, "a", encoding="utf-8") as handle:
            handle.write("# touched by benchmarks/speed.py\n")
        rows["codepatch touched"] = _checked(run_measured(scan), (0,))
    if "ruff" in tools:
        rows["ruff --select S"] = _checked(run_measured([tool("ruff") or "ruff", "check", "--isolated", "--no-cache",
                                                         "--select", "S", "--exit-zero", "--output-format", "json",
                                                         "--output-file", str(scratch / "ruff.json"), str(tree)]), (0,))
    if "bandit" in tools:
        rows["bandit"] = _checked(run_measured([tool("bandit") or "bandit", "-r", "-f", "json", "-q",
                                                "-o", str(scratch / "bandit.json"), str(tree)]), (0, 1))
    if "semgrep" in tools:
        rows["semgrep"] = (_checked(run_measured(semgrep_command(config, tree, scratch / "semgrep.json")), (0, 1))
                           if config else "no local rules (--semgrep-config or $CODEPATCH_SEMGREP_RULES)")
    return rows


def _checked(run: Measured, ok: tuple[int, ...]) -> Measured | str:
    """The run, or why it failed; either is also printed at once (a long benchmark keeps its rows)."""
    name = Path(run.command[0]).name
    if run.returncode in ok:
        print(f"  {name}: {run.wall_s:.1f} s wall, {run.cpu_s:.1f} s CPU, {run.max_rss_mb:.0f} MB max RSS, "
              f"{run.peak_tree_mb:.0f} MB peak tree", file=sys.stderr, flush=True)
        return run
    print(f"  {name}: exit {run.returncode}", file=sys.stderr, flush=True)
    return f"exit {run.returncode}: {run.stderr.strip()[-300:]}"


def speed_table(rows: dict[str, Measured | str]) -> str:
    bandit = rows.get("bandit")
    head = (f"{'tool':<20}{'wall s':>9}{'CPU s':>9}{'max RSS MB':>12}{'peak tree MB':>14}"
            f"{'wall/bandit':>13}{'CPU/bandit':>12}")
    lines = [head, "-" * len(head)]
    for name, run in rows.items():
        if isinstance(run, str):
            lines.append(f"{name:<20}  skipped: {run}")
            continue
        wall_ratio = f"{run.wall_s / bandit.wall_s:.2f}x" if isinstance(bandit, Measured) else "-"
        cpu_ratio = f"{run.cpu_s / bandit.cpu_s:.2f}x" if isinstance(bandit, Measured) else "-"
        lines.append(f"{name:<20}{run.wall_s:>9.1f}{run.cpu_s:>9.1f}{run.max_rss_mb:>12.0f}{run.peak_tree_mb:>14.0f}"
                     f"{wall_ratio:>13}{cpu_ratio:>12}")
    return "\n".join(lines)


# ----- start-up --------------------------------------------------------------------------------

def startup_checks(scratch: Path) -> dict[str, dict]:
    """Median wall time of `codepatch --help` and of a small scan, and whether either imported torch."""
    repo = scratch / "small-repo"
    for name, text in SMALL_REPO.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    (repo / "pyproject.toml").write_text("[project]\nname = 'small'\n", encoding="utf-8")
    codepatch = tool("codepatch") or "codepatch"
    commands = {
        "codepatch --help": ([codepatch, "--help"], (0,)),
        # The default: rules and facts cached (the first of the runs fills the cache).
        "codepatch scan (small repo)": ([codepatch, "scan", str(repo), "--cache-dir", str(scratch / "small-cache"),
                                         "--quiet", "--fail-on", "none"], (0,)),
        # --no-cache also parses and validates the rule files (YAML, JSON Schema) on every run.
        "codepatch scan --no-cache (small)": ([codepatch, "scan", str(repo), "--no-cache", "--quiet",
                                               "--fail-on", "none"], (0,)),
    }
    checks = {}
    for label, (command, ok) in commands.items():
        times, failure = [], None
        for _ in range(STARTUP_REPEATS):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
            if done.returncode not in ok:
                failure = f"exit {done.returncode}: {done.stderr.decode(errors='replace').strip()[-300:]}"
        checks[label] = {"median_s": statistics.median(times), "min_s": min(times),
                         "imports_torch": _imports_torch(command), "failure": failure}
    return checks


def _imports_torch(command: list[str]) -> bool:
    """Run the console script's code under `python -X importtime` and look for torch among the imports."""
    script = (f"import sys; sys.argv = {['codepatch', *command[1:]]!r}; "
              "from codepatch.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
              "import sys\nprint('TORCH_LOADED' if 'torch' in sys.modules else 'TORCH_ABSENT')")
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", script], capture_output=True, text=True,
                          check=False)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    return "torch" in imported or "TORCH_LOADED" in done.stdout


def startup_table(checks: dict[str, dict]) -> str:
    lines = [f"{'start-up':<30}{'median s':>10}{'min s':>8}  {'< 0.5 s':<9}torch imported"]
    for label, c in checks.items():
        ok = "yes" if c["median_s"] < STARTUP_LIMIT_S else "NO"
        lines.append(f"{label:<30}{c['median_s']:>10.3f}{c['min_s']:>8.3f}  {ok:<9}{'YES' if c['imports_torch'] else 'no'}")
        if c["failure"]:
            lines.append(f"  FAILED: {c['failure']}")
    return "\n".join(lines)


def targets(rows: dict[str, Measured | str]) -> list[str]:
    cold, warm, touched, bandit = (rows.get(k) for k in ("codepatch cold", "codepatch warm", "codepatch touched", "bandit"))
    verdicts = []
    if isinstance(cold, Measured) and isinstance(bandit, Measured):
        ratio = cold.wall_s / bandit.wall_s
        verdicts.append(f"cold <= 0.5 x bandit wall: {ratio:.2f}x -> {'met' if ratio <= 0.5 else 'MISSED'}")
    for label, run in (("warm", warm), ("touched", touched)):
        if isinstance(run, Measured):
            verdicts.append(f"{label} re-scan <= 3 s: {run.wall_s:.1f} s -> {'met' if run.wall_s <= 3 else 'MISSED'}")
    peaks = [r.peak_tree_mb for k, r in rows.items() if k.startswith("codepatch") and isinstance(r, Measured)]
    if peaks:
        verdicts.append(f"peak memory <= 1 GB: {max(peaks):.0f} MB -> {'met' if max(peaks) <= 1024 else 'MISSED'}")
    return verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, from: " + ", ".join(TOOLS))
    parser.add_argument("--semgrep-config", help="local semgrep rules (file or folder); default $CODEPATCH_SEMGREP_RULES")
    parser.add_argument("--source", type=Path, help="an already unpacked sqlalchemy-2.0.44 tree to copy instead of "
                                                    "downloading (it is copied: the benchmark touches one file)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--json", type=Path, dest="json_out", help="also write the measurements to this file")
    args = parser.parse_args()
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if unknown := [t for t in tools if t not in TOOLS]:
        parser.error(f"unknown tool(s): {', '.join(unknown)}")
    config = semgrep_config(args.semgrep_config)
    load_before = os.getloadavg()[0]  # other work on the machine slows every tool's wall time

    with tempfile.TemporaryDirectory(prefix="speed-bench-") as temporary:
        scratch = args.keep.resolve() if args.keep else Path(temporary)
        scratch.mkdir(parents=True, exist_ok=True)
        if args.source:
            tree = scratch / args.source.name
            subprocess.run(["cp", "-a", str(args.source), str(tree)], check=True)
        else:
            tree = fetch_sdist(scratch / "sdist")
        files, lines = python_size(tree)
        print(f"{PACKAGE} {PACKAGE_VERSION}: {files} Python files, {lines} lines", file=sys.stderr)
        checks = startup_checks(scratch) if "codepatch" in tools else {}
        rows = measure_tools(tree, scratch, tools, config)

    print(f"Speed on {PACKAGE} {PACKAGE_VERSION} sdist ({files} Python files, {lines:,} lines), "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
          f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    for name in tools:
        detail = version(name)
        if name == "semgrep" and config:
            detail += f", config {config} ({semgrep_rule_count(config)} rules)"
        print(f"  {name}: {detail}")
    print()
    print(speed_table(rows))
    if checks:
        print()
        print(startup_table(checks))
    print()
    for verdict in targets(rows):
        print(verdict)
    if args.json_out:
        payload = {"package": f"{PACKAGE}=={PACKAGE_VERSION}", "files": files, "lines": lines,
                   "cpus": os.cpu_count(), "load_before": load_before, "load_after": os.getloadavg()[0], "versions": {t: version(t) for t in tools},
                   "semgrep_config": str(config) if config else None,
                   "rows": {k: (v if isinstance(v, str) else {f: x for f, x in asdict(v).items()
                                                              if f not in ("stdout", "stderr")})
                            for k, v in rows.items()},
                   "startup": checks, "targets": targets(rows)}
        args.json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
