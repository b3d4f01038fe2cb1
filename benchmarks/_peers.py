"""Shared by the hand-run benchmarks: find the tools, run one as a measured subprocess, read semgrep's config.

A run records wall time, CPU time (user + system of the process and all its descendants, from
`wait4`), the largest resident set of any one process of the tree (`ru_maxrss`), and the peak of
the whole tree's proportional set size, sampled from /proc (the memory a parallel scan really
holds at once: worker processes together, shared pages counted once).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codepatch.ruleset.load import rule_files  # noqa: E402

BIN = Path(sys.executable).parent  # the venv the benchmark runs in holds codepatch and its peers
SAMPLE_SECONDS = 0.2
SEMGREP_RULES_ENV = "CODEPATCH_SEMGREP_RULES"


@dataclass(frozen=True)
class Measured:
    command: tuple[str, ...]
    returncode: int
    wall_s: float
    cpu_s: float
    max_rss_mb: float      # the largest single process of the tree
    peak_tree_mb: float    # all processes of the tree together, sampled (PSS where readable, else RSS)
    stdout: str
    stderr: str


# This checkout's rules, passed to every measured scan: `codepatch.rules` is wherever the editable
# install points (the main checkout), also when another worktree's code runs through PYTHONPATH.
RULES = Path(__file__).resolve().parent.parent / "rules"


def tool(name: str) -> str | None:
    """The tool's executable in this venv, else on PATH; None when neither has it."""
    local = BIN / name
    return str(local) if local.exists() else shutil.which(name)


def version(name: str, *args: str) -> str:
    path = tool(name)
    if path is None:
        return "not installed"
    done = subprocess.run([path, *(args or ("--version",))], capture_output=True, text=True, check=False)
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0].strip() if text else "unknown"


def run_measured(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Measured:
    """Run `command` to completion, measuring it (see the module docstring)."""
    started = time.perf_counter()
    with open(os.devnull, "rb") as stdin:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    # Pipes are drained in threads so a chatty tool never blocks on a full pipe while we sample.
    chunks: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=n, s=s: chunks.__setitem__(n, s.read()), daemon=True)
               for n, s in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    peak_tree = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak_tree = max(peak_tree, _tree_memory(process.pid))
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return Measured(tuple(command), process.returncode, wall, usage.ru_utime + usage.ru_stime,
                    usage.ru_maxrss / 1024, peak_tree / 2**20, chunks.get("out", ""), chunks.get("err", ""))


def _tree_memory(root: int) -> int:
    """Bytes held by `root` and its descendants now: PSS when /proc allows, else RSS."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        total += _process_memory(pid)
    return total


def _process_memory(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


# ----- bandit ----------------------------------------------------------------------------------
# Bandit issues are mapped to our rule ids:
# 1. Advisory tests are dropped: they flag a construct for review rather than a flaw (imports B4xx,
#    `assert` B101, try/except/pass B110/B112, missing timeout B113, subprocess without a shell
#    B603/B606 "check for execution of untrusted input", partial executable path B607).
# 2. A test id named in a rule's `bandit:` field maps to that rule.
# 3. Otherwise the built-in table BANDIT_FAMILIES (bandit tests our rules cover without naming them).
# 4. Otherwise the issue's CWE, through our rules' `cwe:` fields.

ADVISORY_TESTS = {"B101", "B110", "B112", "B113", "B603", "B606", "B607"}
# A bandit test may match several of our rules (yaml.load of request data is unsafe-deserialization
# as well): on a `# ruleid:` line of any of them it counts for that one, elsewhere for the first.
BANDIT_FAMILIES: dict[str, str | tuple[str, ...]] = {
    "B102": "code-injection", "B307": "code-injection",
    "B105": "hardcoded-credentials", "B106": "hardcoded-credentials", "B107": "hardcoded-credentials",
    "B202": "path-traversal",
    "B301": "unsafe-deserialization", "B302": "unsafe-deserialization", "B614": "unsafe-deserialization",
    "B303": "weak-hash", "B324": "weak-hash",
    "B308": "xss", "B702": "xss", "B703": "xss", "B704": "xss",
    "B310": "ssrf",
    "B311": "weak-random",
    "B506": ("unsafe-yaml-load", "unsafe-deserialization"),
    "B601": "command-injection", "B602": "command-injection", "B604": "command-injection",
    "B605": "command-injection", "B609": "command-injection",
    "B608": "sql-injection", "B610": "sql-injection", "B611": "sql-injection",
}


def rule_maps() -> tuple[dict[str, str], dict[int, str]]:
    """(bandit test id → rule id, CWE → rule id) from the rules' own fields."""
    import yaml

    by_test, by_cwe = {}, {}
    for path in rule_files():
        rule = yaml.safe_load(path.read_text(encoding="utf-8"))
        if rule.get("bandit"):
            by_test[rule["bandit"]] = rule["id"]
        by_cwe.setdefault(int(rule["cwe"]), rule["id"])
    return by_test, by_cwe


def bandit_families(issue: dict, by_test: dict[str, str], by_cwe: dict[int, str]) -> tuple[str, ...]:
    """Our rule ids an issue stands for, most specific first; () when it is not counted."""
    test_id = issue["test_id"]
    if test_id in ADVISORY_TESTS or test_id.startswith("B4"):
        return ()
    cwe = (issue.get("issue_cwe") or {}).get("id")
    built_in = BANDIT_FAMILIES.get(test_id, ())
    families = (by_test.get(test_id), *((built_in,) if isinstance(built_in, str) else built_in), by_cwe.get(cwe))
    return tuple(dict.fromkeys(f for f in families if f))


# ----- semgrep ---------------------------------------------------------------------------------

def semgrep_config(explicit: str | None) -> Path | None:
    """The local semgrep rules: the flag, else $CODEPATCH_SEMGREP_RULES; None when neither is set.

    The semgrep wheel ships no rules and the registry (`--config auto`, `p/python`) needs the
    network, so the benchmarks take a folder of rule files, e.g. `python/` of a checkout of the
    public semgrep/semgrep-rules repository (see benchmarks/README.md).
    """
    chosen = explicit or os.environ.get(SEMGREP_RULES_ENV)
    return Path(chosen).resolve() if chosen else None


def semgrep_rule_count(config: Path) -> int:
    """How many rules the config holds (rule files only: test targets beside them are not rules)."""
    import yaml

    files = [config] if config.is_file() else sorted(config.rglob("*.yaml")) + sorted(config.rglob("*.yml"))
    count = 0
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("rules"), list):
            count += len(data["rules"])
    return count


def semgrep_command(config: Path, target: Path, output: Path) -> list[str]:
    return [tool("semgrep") or "semgrep", "--metrics=off", "--disable-version-check", "--quiet",
            "--config", str(config), "--json", "--output", str(output), str(target)]


CWE_PATTERN = re.compile(r"CWE-(\d+)")


def semgrep_cwes(result: dict) -> set[int]:
    """The CWE numbers in a semgrep result's metadata (a string or a list of 'CWE-78: ...')."""
    cwe = result.get("extra", {}).get("metadata", {}).get("cwe", [])
    texts = [cwe] if isinstance(cwe, str) else list(cwe)
    return {int(number) for text in texts for number in CWE_PATTERN.findall(str(text))}
