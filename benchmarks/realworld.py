"""codepatch beside Bandit and Semgrep on real code nobody here wrote (run by hand, not in CI).

    .venv/bin/python benchmarks/realworld.py --checkouts DIR [--only a,b] [--tools codepatch,bandit,semgrep,codepatch-agents]
                                             [--cves] [--details] [--semgrep-config RULES]

The projects are pointers in benchmarks/realworld/projects.yaml (a git repository and commit, or a
PyPI sdist), our own verdicts in benchmarks/realworld/labels/<name>.yaml, CVE pairs (vulnerable
commit, fix commit) in benchmarks/realworld/cves.yaml. Their code is never stored here.

Checkouts: sdists are downloaded by pip into DIR/pypi. A git project needs a clone of its repository
at DIR/git/<owner>+<name> (`git clone --mirror https://github.com/<owner>/<name> DIR/git/<owner>+<name>`);
its commit is exported from there into DIR/trees.

Per project: lines of Python scanned, codepatch's findings per tier, and where there are labels,
recall (labelled real flaws of a weakness some rule of ours is about, found: same file, line within
LINE_SLACK, same weakness family) and
false alarms (default-confidence findings on a line labelled safe, or labelled nowhere: those are
listed with --details to be given a verdict). Bandit counts its medium/high issues that map to our
rules (`_peers.bandit_families`); Semgrep its results with a CWE. With --cves, each CVE's vulnerable
commit must be flagged at the sink and the fixed commit quiet there. The tool `codepatch-agents` is
`codepatch scan --agents` (the default model; $CODEPATCH_AGENTS_OPTIONS adds options such as
`--agents-links DIR`): what the agents judge not real drops to low, out of the default view.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from _peers import (
    RULES,
    bandit_families,
    rule_maps,
    semgrep_command,
    semgrep_config,
    semgrep_cwes,
    tool,
)

HERE = Path(__file__).resolve().parent / "realworld"
TOOLS = ("codepatch", "bandit", "semgrep")
AGENTS = "codepatch-agents"  # also a --tools choice: codepatch scan --agents (loads the default model)
AGENTS_OPTIONS = tuple(os.environ.get("CODEPATCH_AGENTS_OPTIONS", "").split())  # e.g. "--agents-links DIR"
LINE_SLACK = 2  # a multi-line call: bandit reports the line of the string, we the line of the call
# Weaknesses that are one flaw to a reader, whichever CWE a tool files it under.
FAMILIES = [{22, 23, 36, 73}, {77, 78, 88}, {89, 564}, {94, 95, 96, 1336}, {502}, {918}, {601},
            {79, 80, 116}, {611, 776, 827}, {643}, {90}, {327, 328, 916, 759}, {330, 338},
            {798, 259, 321}, {489, 215}, {614, 1004, 315}, {295}, {377}, {501}, {306, 862, 287}]


def family(cwe: int | None) -> frozenset[int]:
    for members in FAMILIES:
        if cwe in members:
            return frozenset(members)
    return frozenset({cwe}) if cwe is not None else frozenset()


@dataclass(frozen=True)
class Hit:
    """One finding of one tool: where, which weakness, at which confidence."""

    path: str  # relative to the project's root
    line: int
    cwe: int | None
    tier: str  # codepatch: high/medium/low; peers: "default"

    def matches(self, label: dict) -> bool:
        return self.path == label["path"] and abs(self.line - label["line"]) <= LINE_SLACK \
            and self.cwe in family(label["cwe"])


@dataclass
class Score:
    real: int = 0
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    look_alikes: list[Hit] = field(default_factory=list)  # on a line labelled safe
    unlabelled: list[Hit] = field(default_factory=list)  # on a line with no verdict yet

    @property
    def recall(self) -> str:
        return f"{len(self.found) / self.real:.2f}" if self.real else "-"


def in_scope() -> frozenset[int]:
    """The weaknesses some rule of ours is about (a label outside them is not counted for recall)."""
    cwes = {int(yaml.safe_load(p.read_text(encoding="utf-8"))["cwe"]) for p in RULES.rglob("*.yaml")
            if p.parent.name != "frameworks" and p.name not in ("sources.yaml",)}
    return frozenset(c for cwe in cwes for c in family(cwe))


def score(hits: list[Hit], labels: list[dict]) -> Score:
    scope = in_scope()
    real = [label for label in labels if label["verdict"] == "real" and label["cwe"] in scope]
    safe = [label for label in labels if label["verdict"] == "safe"]
    result = Score(real=len(real))
    for label in real:
        (result.found if any(h.matches(label) for h in hits) else result.missed).append(label)
    for hit in hits:
        if any(hit.matches(label) for label in real):
            continue
        if any(hit.matches(label) for label in safe):
            result.look_alikes.append(hit)
        elif not any(hit.path == label["path"] and abs(hit.line - label["line"]) <= LINE_SLACK for label in labels):
            result.unlabelled.append(hit)
    return result


# ----- getting the code ---------------------------------------------------------------------------

def tree_of(source: dict, checkouts: Path, commit: str | None = None) -> Path:
    """The project's files on disk (downloaded or exported once, then reused)."""
    if "pypi" in source:
        return _sdist(source["pypi"], checkouts / "pypi")
    owner, name = source["git"].split("/")
    return _export(checkouts / "git" / f"{owner}+{name}", commit or source["commit"],
                   checkouts / "trees" / f"{owner}+{name}-{(commit or source['commit'])[:12]}")


class MissingTree(Exception):
    """A clone lacks the commit a pointer names (a shallow or stale snapshot)."""


def _sdist(requirement: str, folder: Path) -> Path:
    name, version = requirement.split("==")
    wanted = f"{name}-{version}".lower().replace("_", "-")

    def unpacked() -> Path | None:  # sdist folders are named as their project spells it
        return next((p for p in folder.iterdir() if p.is_dir() and p.name.lower().replace("_", "-") == wanted), None) \
            if folder.is_dir() else None

    if unpacked():
        return unpacked()
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--quiet",
                    "-d", str(folder), requirement], check=True)
    archive = next(p for p in folder.iterdir() if p.is_file() and p.name.lower().replace("_", "-").startswith(wanted)
                   and p.name.endswith((".tar.gz", ".zip")))
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as handle:
            handle.extractall(folder)
    else:
        with tarfile.open(archive) as handle:
            handle.extractall(folder, filter="data")
    if not unpacked():
        sys.exit(f"{requirement}: unpacked, but no {name}-{version} folder in {folder}")
    return unpacked()


def _export(git_dir: Path, commit: str, target: Path) -> Path:
    """The commit's files, exported one by one (a snapshot may lack its largest blobs)."""
    if target.is_dir():
        return target
    for layout in (git_dir / "repo" / ".git", git_dir / "repo"):  # the layouts `fetch` leaves
        if layout.is_dir():
            git_dir = layout
            break
    if not git_dir.is_dir():
        sys.exit(f"no clone at {git_dir}: git clone --mirror https://github.com/{git_dir.name.replace('+', '/')} {git_dir}")
    git = ["git", f"--git-dir={git_dir}"]
    listed = subprocess.run([*git, "ls-tree", "-r", "-z", "--name-only", commit], capture_output=True, check=False)
    if listed.returncode != 0:
        raise MissingTree(f"{git_dir}: no commit {commit}")
    names = listed.stdout.split(b"\0")
    partial = target.with_name(target.name + ".partial")
    for raw in filter(None, names):
        name = raw.decode("utf-8", "surrogateescape")
        blob = subprocess.run([*git, "show", f"{commit}:{name}"], capture_output=True, check=False)
        if blob.returncode == 0:
            path = partial / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob.stdout)
    partial.rename(target)
    return target


def python_lines(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*.py"):
        try:
            total += sum(1 for line in path.read_bytes().splitlines() if line.strip())
        except OSError:
            continue
    return total


# ----- running the tools ----------------------------------------------------------------------------

def run_codepatch(root: Path, target: Path) -> list[Hit]:
    return hits_of(codepatch_report(root, target))


def hits_of(report: dict) -> list[Hit]:
    return [Hit(f["path"], f["line"], f["cwe"], f["confidence"]) for f in report["findings"]]


def codepatch_report(root: Path, target: Path, *options: str) -> dict:
    """codepatch's JSON report on `target` (every tier), with extra command-line `options`."""
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "out.json"
        done = subprocess.run([tool("codepatch") or "codepatch", "scan", str(target.relative_to(root)), "--root", ".",
                               "--format", "json", "--no-cache", "--confidence", "low", "--fail-on", "none",
                               "--quiet", "--rules", str(RULES), "--output", str(output), *options], cwd=root,
                              capture_output=True,
                              text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"codepatch failed on {target}: {done.stderr.strip()[-2000:]}")
        return json.loads(output.read_text(encoding="utf-8"))


def bandit_issues(root: Path, target: Path) -> list[dict]:
    """Bandit's medium/high issues that map to a rule of ours, with `path` (relative to `root`)
    and `rule` (the first rule of ours it maps to) added."""
    by_test, by_cwe = rule_maps()
    done = subprocess.run([tool("bandit") or "bandit", "-r", "-f", "json", "-q", str(target)],
                          capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"bandit failed on {target}: {done.stderr.strip()[-2000:]}")
    issues = []
    for issue in json.loads(done.stdout)["results"]:
        if issue["issue_severity"] == "LOW" or issue["issue_confidence"] == "LOW":
            continue
        families = bandit_families(issue, by_test, by_cwe)
        if families:
            issue["path"] = Path(issue["filename"]).resolve().relative_to(root.resolve()).as_posix()
            issue["rule"] = families[0]
            issues.append(issue)
    return issues


def run_bandit(root: Path, target: Path) -> list[Hit]:
    return [Hit(issue["path"], issue["line_number"],
                _rule_cwe(issue["rule"]) or (issue.get("issue_cwe") or {}).get("id"), "default")
            for issue in bandit_issues(root, target)]


def _rule_cwe(rule_id: str) -> int | None:
    path = next(RULES.rglob(f"{rule_id}.yaml"), None)
    return int(yaml.safe_load(path.read_text(encoding="utf-8"))["cwe"]) if path else None


def run_semgrep(root: Path, target: Path, config: Path) -> list[Hit]:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "semgrep.json"
        subprocess.run(semgrep_command(config, target, output), capture_output=True, check=False)
        if not output.exists():
            sys.exit(f"semgrep wrote no results for {target}")
        results = json.loads(output.read_text(encoding="utf-8"))["results"]
    hits = []
    for result in results:
        path = Path(result["path"]).resolve().relative_to(root.resolve()).as_posix()
        for cwe in semgrep_cwes(result) or {None}:
            hits.append(Hit(path, result["start"]["line"], cwe, "default"))
    return hits


def run_tool(name: str, root: Path, target: Path, config: Path | None) -> list[Hit] | None:
    if name == "codepatch":
        return run_codepatch(root, target)
    if name == AGENTS:  # what the agents judge not real drops to low, out of the default view
        return hits_of(codepatch_report(root, target, "--agents", *AGENTS_OPTIONS))
    if name == "bandit":
        return run_bandit(root, target) if tool("bandit") else None
    return run_semgrep(root, target, config) if config and tool("semgrep") else None


def reported(hits: list[Hit]) -> list[Hit]:
    """What a tool shows by default: for codepatch high and medium."""
    return [h for h in hits if h.tier in ("high", "medium", "default")]


# ----- the tables ------------------------------------------------------------------------------------

def projects_table(options, checkouts: Path, config: Path | None) -> None:
    projects = yaml.safe_load((HERE / "projects.yaml").read_text(encoding="utf-8"))["projects"]
    chosen = [p for p in projects if not options.only or p["name"] in options.only]
    header = f"{'project':<11} {'kind':<10} {'kLOC':>6} | {'cp high/med/low':>15}"
    for name in options.tools:
        header += f" | {name + ' recall':>16} {'safe':>4} {'unl.':>4}"
    print(header)
    details = []
    for project in chosen:
        root = tree_of(project["source"], checkouts)
        target = root / project.get("scan", ".")
        labels_file = HERE / "labels" / f"{project['name']}.yaml"
        labels = yaml.safe_load(labels_file.read_text(encoding="utf-8"))["labels"] if labels_file.exists() else []
        row = f"{project['name']:<11} {project['kind']:<10} {python_lines(target) / 1000:>6.1f} |"
        for name in options.tools:
            hits = run_tool(name, root, target, config)
            if hits is None:
                row += f" | {'skipped':>16} {'':>4} {'':>4}"
                continue
            if name in ("codepatch", AGENTS):
                tiers = [sum(h.tier == t for h in hits) for t in ("high", "medium", "low")]
                row += f" {'/'.join(map(str, tiers)):>15}"
            result = score(reported(hits), labels)
            recall = f"{len(result.found)}/{result.real} {result.recall}" if result.real else "-"
            row += f" | {recall:>16} {len(result.look_alikes):>4} {len(result.unlabelled):>4}"
            details.append((project["name"], name, result))
        print(row, flush=True)
    if options.details:
        for project, name, result in details:
            for label in result.missed:
                print(f"  {project} {name} missed: {label['path']}:{label['line']} CWE-{label['cwe']} {label.get('note', '')}")
            for hit in result.look_alikes:
                print(f"  {project} {name} safe look-alike flagged: {hit.path}:{hit.line} CWE-{hit.cwe}")
            for hit in result.unlabelled:
                print(f"  {project} {name} no verdict yet: {hit.path}:{hit.line} CWE-{hit.cwe} ({hit.tier})")


def cves_table(options, checkouts: Path, config: Path | None) -> None:
    cves = yaml.safe_load((HERE / "cves.yaml").read_text(encoding="utf-8"))["cves"]
    chosen = [c for c in cves if not options.only or c["id"] in options.only]
    print(f"\n{'CVE':<16} {'CWE':>4} | " + " | ".join(f"{name:^15}" for name in options.tools))
    flagged = {name: 0 for name in options.tools}
    still = {name: 0 for name in options.tools}
    for cve in chosen:
        row = f"{cve['id']:<16} {cve['cwe']:>4} |"
        for name in options.tools:
            cells = []
            for commit, sink in ((cve["vulnerable"], cve["sink"]), (cve["fixed"], cve.get("fixed_sink"))):
                if sink is None:
                    cells.append("-")
                    continue
                try:
                    root = tree_of({"git": cve["repo"]}, checkouts, commit)
                except MissingTree as missing:
                    print(f"  {cve['id']}: {missing}", file=sys.stderr)
                    cells.append("n/a")
                    continue
                hits = run_tool(name, root, root / cve.get("scan", "."), config)
                if hits is None:
                    cells.append("skip")
                    continue
                label = {"path": sink["path"], "line": sink["line"], "cwe": cve["cwe"]}
                cells.append("flag" if any(h.matches(label) for h in reported(hits)) else "quiet")
            row += f" {cells[0]:>6} / {cells[1]:<6} |"
            flagged[name] += cells[0] == "flag"
            still[name] += cells[1] == "flag"
        print(row, flush=True)
    print(f"{'flagged before the fix':<23} |" + " | ".join(f"{flagged[n]:>6}/{len(chosen):<8}" for n in options.tools))
    print(f"{'still flagged after it':<23} |" + " | ".join(f"{still[n]:>15}" for n in options.tools))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--checkouts", type=Path, required=True, help="where sdists, clones and exported trees live")
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=set(), help="project names or CVE ids")
    parser.add_argument("--tools", type=lambda s: tuple(s.split(",")), default=TOOLS)
    parser.add_argument("--cves", action="store_true", help="score the CVE pairs instead of the projects")
    parser.add_argument("--details", action="store_true", help="list misses, flagged look-alikes and findings with no verdict")
    parser.add_argument("--semgrep-config", help="local semgrep rules; default $CODEPATCH_SEMGREP_RULES")
    options = parser.parse_args()
    config = semgrep_config(options.semgrep_config)
    (cves_table if options.cves else projects_table)(options, options.checkouts.resolve(), config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
