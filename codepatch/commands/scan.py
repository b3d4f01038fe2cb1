"""`codepatch scan PATH...`: find vulnerabilities and print them as text, JSON, SARIF or GitHub commands.

Each named path is analysed within its own project (the nearest folder with .git, pyproject.toml,
setup.py or setup.cfg, or --root), with that project's configuration; the report is one, merged,
and the exit status is the worst of the projects' (see codepatch/exit_status.py).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import click

from codepatch.agents.judge import DEFAULT_LATENT_STEPS, DEFAULT_ROUNDS
from codepatch.errors import UserError
from codepatch.exit_status import ExitStatus
from codepatch.scan.projects import common_anchor, group_by_project, merged
from codepatch.types import FixState, FixStatus, Level, ScanResult, ValidatedPatch

LEVEL_CHOICE = click.Choice([level.value for level in Level])
EPILOG = ("Exit status: 0 nothing at or above --fail-on; 1 findings at or above --fail-on; 2 usage, "
          "configuration or internal error, an interruption, or (with --strict) a file that could not be analysed.")


class Seconds(click.ParamType):
    """A finite number of seconds in [low, high] (click's FloatRange lets nan and inf through)."""

    name = "seconds"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(self, value, param, ctx) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or not self.low <= seconds <= self.high:
            self.fail(f"{value!r} is not a number of seconds from {self.low:g} to {self.high:g}", param, ctx)
        return seconds


@click.command("scan", epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--fail-on", type=click.Choice(["low", "medium", "high", "none"]), default="low", show_default=True,
              help="Exit 1 when a finding of this severity or higher remains ('none': never).")
@click.option("--severity", "min_severity", type=LEVEL_CHOICE, default="low", show_default=True,
              help="Report only findings of this severity or higher.")
@click.option("--confidence", "min_confidence", type=LEVEL_CHOICE, default="medium", show_default=True,
              help="Report only findings of this confidence or higher: high (a modelled source), medium (a "
                   "parameter of an entry point or of a handler known by its shape), low (a value not proven "
                   "constant, or the environment: an audit).")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The project to analyse as a whole (default: each path's nearest folder with .git or pyproject.toml).")
@click.option("--exclude", multiple=True, help="Extra .gitignore-style pattern to skip (repeatable).")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rule ids or categories, comma-separated or repeated (config: select).")
@click.option("--ignore", multiple=True, metavar="RULES",
              help="Not these rule ids or categories, comma-separated or repeated (config: ignore).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Facts cache folder (default: $XDG_CACHE_HOME/codepatch).")
@click.option("--no-cache", is_flag=True, help="Analyse every file again and write no cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes for parsing (0: one per core).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              help="Skip files larger than this many bytes.")
@click.option("--file-timeout", type=Seconds(1, 86_400), default=60, show_default=True,
              help="Seconds one file's analysis may take; a slower file is reported as not analysed.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Read the configuration from this TOML file instead of the project's pyproject.toml.")
@click.option("--config-ref", metavar="REF",
              help="Read the configuration as it is in this git commit (e.g. a pull request's base), not the work tree.")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Use the rules in this folder instead of the built-in ones.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print validated fixes as a unified diff; change nothing. Runs the project's tests.")
@click.option("--fix", "apply_fixes", is_flag=True,
              help="Apply validated fixes (all files together, atomically). Runs the project's tests.")
@click.option("--validate", "validate_only", is_flag=True,
              help="Validate candidate fixes and report the outcome per finding; change nothing.")
@click.option("--no-tests", is_flag=True, help="Validate fixes without running the project's tests (faster).")
@click.option("--test-timeout", type=Seconds(1, 86_400), default=600, show_default=True,
              help="Seconds the project's test suite may run during validation.")
@click.option("--include-tests", is_flag=True,
              help="Also report findings in test code (tests/, test_*.py, *_test.py, conftest.py), which is left out "
                   "unless named on the command line or imported by product code.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file could not be analysed.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the report.")
@click.option("--show-suppressed", is_flag=True,
              help="Also list the findings hidden by suppression comments (SARIF: as suppressed results).")
@click.option("--show-dismissed", is_flag=True,
              help="Also list each place a rule names (a sink call, a pattern's match) where nothing is reported, "
                   "and why: a proven constant, a sanitizer, a parameterised call, no untrusted input. Solves the "
                   "whole project again (no cached solver state).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Hide the findings recorded in this baseline file (see --write-baseline).")
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Record the current findings in this baseline file (atomically) and exit 0.")
@click.option("--changed-since", metavar="REF",
              help="Report only findings whose sink or trace touches a line changed since the merge base "
                   "of this git ref and HEAD (work-tree and untracked files included).")
@click.option("--fail-on-new-suppressions", is_flag=True,
              help="With --changed-since: a suppression comment on a changed line hides nothing; its finding "
                   "is reported (so a pull request cannot silence its own gate).")
@click.option("--agents/--no-agents", default=False,
              help="Let the Scanner, Critic and Patcher agents judge the findings the engines cannot decide (an "
                   "entry-point or unproven source, a project helper on the path); loads a language model "
                   "(config: agents).")
@click.option("--agents-mode", type=click.Choice(["latent", "text"]), default="latent", show_default=True,
              help="latent: the agents hand over hidden states; text: every agent writes text (the baseline).")
@click.option("--rounds", type=click.IntRange(1, 10), default=DEFAULT_ROUNDS, show_default=True,
              help="With --agents: recursion rounds.")
@click.option("--latent-steps", type=click.IntRange(1, 512), default=DEFAULT_LATENT_STEPS, show_default=True,
              help="With --agents: latent steps per agent turn.")
@click.option("--model", "agents_model", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="With --agents: a local Hugging Face model directory (default: the converted SmolLM2-135M-Instruct).")
@click.option("--agents-links", metavar="DIR", help="With --agents: the links and adapters checkpoint, or 'untrained' "
                                                    "(default: the shipped one).")
@click.option("--agents-budget", type=Seconds(0, 86_400), default=300, show_default=True,
              help="Seconds of agent time per project; findings past it are reported unjudged.")
@click.option("--agents-drop", is_flag=True, help="Hide the findings the agents judge not real (counted in a note).")
def command(**params) -> None:
    """Scan Python files or folders for untrusted input reaching dangerous sinks."""
    request = Request.of(params)
    from codepatch.ruleset.load import load_ruleset
    from codepatch.ruleset.model import RuleError
    from codepatch.scan.cache import default_cache_dir

    cache = None if request.no_cache else (request.cache_dir or default_cache_dir())
    try:
        ruleset = load_ruleset(request.rules_dir, cache)
    except RuleError as exc:
        raise UserError(f"invalid rule: {exc}") from exc
    projects = group_by_project(request.paths, request.root)
    anchor = common_anchor([project for project, _ in projects])
    runs = [_run_project(project, named, request, ruleset, cache, anchor) for project, named in projects]
    result = merged([run.result for run in runs])
    if request.write_baseline:
        _write_baseline(request, result)
        raise SystemExit(max(run.status(replace(run.result, findings=()), request.strict) for run in runs))
    if request.show_diff:
        print_diff(result.patches)
    if request.apply_fixes:
        runs = [replace(run, result=_applied(run.result, run.project, anchor, request.quiet)) for run in runs]
        result = merged([run.result for run in runs])
    elif not request.fix_mode:
        result = replace(result, findings=tuple(
            replace(f, fix_status=FixStatus(FixState.CANDIDATE, f.fixes)) if f.fixes else f for f in result.findings))
    _print_notes(result, request.quiet)
    _deliver(_render(result, request, ruleset, anchor), result, request)
    raise SystemExit(max(run.status(run.result, request.strict) for run in runs))


@dataclass(frozen=True)
class Request:
    """The scan command's options, checked for the mistakes a user can make in combining them."""

    paths: tuple[Path, ...]
    output_format: str
    output: Path | None
    fail_on: str
    min_severity: str
    min_confidence: str
    root: Path | None
    exclude: tuple[str, ...]
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    cache_dir: Path | None
    no_cache: bool
    jobs: int
    max_file_size: int
    file_timeout: float
    config_file: Path | None
    config_ref: str | None
    rules_dir: Path | None
    show_diff: bool
    apply_fixes: bool
    validate_only: bool
    no_tests: bool
    test_timeout: float
    include_tests: bool
    strict: bool
    quiet: bool
    show_suppressed: bool
    show_dismissed: bool
    baseline: Path | None
    write_baseline: Path | None
    changed_since: str | None
    fail_on_new_suppressions: bool
    agents: bool
    agents_mode: str
    rounds: int
    latent_steps: int
    agents_model: Path | None
    agents_links: str | None
    agents_budget: float
    agents_drop: bool

    @classmethod
    def of(cls, params: dict) -> Request:
        request = cls(**{**params, "paths": tuple(params["paths"]) or (Path("."),)})
        if request.write_baseline and (request.baseline or request.changed_since is not None):
            raise click.UsageError("--write-baseline records every current finding: drop --baseline and --changed-since")
        for name, ref in (("--changed-since", request.changed_since), ("--config-ref", request.config_ref)):
            if ref is not None and (not ref.strip() or ref.startswith("-")):
                raise click.UsageError(f"{name} needs a git ref (a branch, tag or commit), got {ref!r}")
        if request.fail_on_new_suppressions and request.changed_since is None:
            raise click.UsageError("--fail-on-new-suppressions needs --changed-since (which lines are new)")
        for path in request.paths:
            _check_named(path)
        return request

    @property
    def fix_mode(self) -> bool:
        return self.show_diff or self.apply_fixes or self.validate_only


def _check_named(path: Path) -> None:
    """A named path must exist and lead somewhere: a loop or a dangling link is a usage error."""
    from codepatch.files.discover import resolved

    if not path.exists():
        if path.is_symlink():
            target = resolved(path)
            why = "a symlink loop" if target.is_symlink() or target == path.absolute() else f"a broken symlink to {target}"
            raise click.UsageError(f"{path}: {why}")
        raise click.UsageError(f"no such file or directory: {path}")


@dataclass(frozen=True)
class ProjectRun:
    project: Path
    result: ScanResult
    fail_on: str

    def status(self, result: ScanResult, strict: bool) -> ExitStatus:
        if any(p.kind == "internal-error" for p in result.problems):
            return ExitStatus.ERROR  # fail closed: an incomplete analysis must not pass as clean
        if strict and any(not p.partial for p in result.problems):
            return ExitStatus.ERROR
        if self.fail_on != "none" and any(f.severity.rank >= Level(self.fail_on).rank for f in result.findings):
            return ExitStatus.FINDINGS
        return ExitStatus.CLEAN


def _run_project(project: Path, named: tuple[Path, ...], request: Request, ruleset, cache: Path | None,
                 anchor: Path) -> ProjectRun:
    """One project's scan with its own configuration, and its fixes validated when asked."""
    from codepatch.config import (
        configure_ruleset,
        load_config,
        per_path_rule_ids,
        with_command_line,
    )
    from codepatch.fix.write import WriteError, recover
    from codepatch.progress import progress_for
    from codepatch.scan.pipeline import ScanOptions, scan

    try:
        recovered = recover(project.resolve())
    except WriteError as exc:
        raise UserError(str(exc)) from exc
    config = with_command_line(load_config(project, request.config_file, request.config_ref),
                               click.get_current_context())
    per_path_ignores = per_path_rule_ids(config, ruleset)
    project_rules = configure_ruleset(config, ruleset)
    options = ScanOptions(named, root=project if request.root else None, rules_dir=request.rules_dir,
                          cache_dir=cache, jobs=request.jobs, max_file_bytes=request.max_file_size,
                          excludes=config.exclude, min_severity=config.severity, min_confidence=config.confidence,
                          per_path_ignores=per_path_ignores, baseline=request.baseline,
                          changed_since=request.changed_since, progress=progress_for(request.quiet), anchor=anchor,
                          file_seconds=request.file_timeout, include_tests=request.include_tests,
                          honour_new_suppressions=not request.fail_on_new_suppressions,
                          show_dismissed=request.show_dismissed)
    result = scan(options, project_rules)
    if config.agents:
        from codepatch.agents.judge import AgentSettings, judge_findings

        result = judge_findings(result, anchor, AgentSettings(
            mode=request.agents_mode, rounds=request.rounds, latent_steps=request.latent_steps,
            model=request.agents_model, links=request.agents_links, budget=request.agents_budget,
            drop=request.agents_drop, min_confidence=config.confidence))
    if recovered:
        result = replace(result, notes=result.notes + (
            f"finished a fix that a killed run left half-applied in {project}: {recovered} file(s)",))
    if request.fix_mode:
        from codepatch.fix.plan import validate_fixes
        from codepatch.fix.validate.pipeline import ValidationSettings

        settings = ValidationSettings(run_tests=not request.no_tests, test_timeout=config.test_timeout, cache_dir=cache,
                                      rules_dir=request.rules_dir, test_command=config.test_command,
                                      pass_env=config.pass_env)
        result = validate_fixes(result, project_rules, project, anchor, settings, options.progress)
    return ProjectRun(project, result, config.fail_on)


def print_diff(accepted: tuple[ValidatedPatch, ...]) -> None:
    """The validated patches as one unified diff on standard output, highlighted on a terminal."""
    from codepatch.report.patch_edits import unified_diff
    from codepatch.terminal import colour_on

    patch_diff = "".join(unified_diff(path, original, patched)
                         for validated in accepted for path, original, patched in validated.patch.files)
    colour = colour_on(sys.stdout)
    if patch_diff and colour:
        from codepatch.report import rich_report  # rich only for a terminal

        patch_diff = rich_report.diff(patch_diff)
    click.echo(patch_diff, nl=False, color=colour)


def _applied(result: ScanResult, project: Path, anchor: Path, quiet: bool) -> ScanResult:
    """`--fix`: the project's validated patches written (one transaction); the findings that remain."""
    from codepatch.fix.write import WriteError, apply_patches

    try:
        remaining = apply_patches(result, project.resolve(), anchor)
    except WriteError as exc:
        raise UserError(str(exc)) from exc
    if result.patches and not quiet:
        files = sum(len(v.patch.files) for v in result.patches)
        click.echo(f"applied {len(result.patches)} validated fix(es) to {files} file(s); "
                   f"{len(result.findings) - len(remaining.findings)} finding(s) fixed", err=True)
    return remaining


def _write_baseline(request: Request, result: ScanResult) -> None:
    from codepatch.triage.baseline import render as render_baseline

    write_report(request.write_baseline, render_baseline(result.findings))
    if not request.quiet:
        click.echo(f"wrote {len(result.findings)} finding(s) to baseline {request.write_baseline}", err=True)


def _print_notes(result: ScanResult, quiet: bool) -> None:
    from codepatch.report.escape import log_line

    if not quiet:
        for note in result.notes:
            click.echo(log_line(f"note: {note}"), err=True)


def _render(result: ScanResult, request: Request, ruleset, anchor: Path) -> str:
    from codepatch.report import github, json_report, sarif, text_report
    from codepatch.terminal import colour_on

    if request.output_format == "json":
        return json_report.render(result, request.show_suppressed)
    if request.output_format == "sarif":
        return sarif.render(result, ruleset.rules, anchor, request.show_suppressed)
    if request.output_format == "github":
        return github.render(result)
    if request.output is None and colour_on(sys.stderr if request.show_diff else sys.stdout):
        from codepatch.report import rich_report  # rich only for a terminal

        return rich_report.render(result, request.show_suppressed)
    return text_report.render(result, request.show_suppressed)


def _deliver(report: str, result: ScanResult, request: Request) -> None:
    from codepatch.report import text_report

    if request.output is None:
        click.echo(report, nl=False, err=request.show_diff)  # with --diff, standard output carries the diff
        return
    write_report(request.output, report)
    if not request.quiet:
        click.echo(text_report.summary_line(result), err=True)


def write_report(path: Path, text: str) -> None:
    """Write the whole report or nothing (codepatch/atomic.py); an unwritable target is a user error."""
    from codepatch.files import atomic

    try:
        atomic.write(path, text)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
