"""`codepatch scan PATH...`: find vulnerabilities and print them as text, JSON or SARIF.

Exit codes: 0 nothing at or above --fail-on; 1 findings remain; 2 usage, configuration or
internal error (and, with --strict, a file that could not be analysed).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import click

from codepatch.errors import UserError
from codepatch.types import Level

LEVEL_CHOICE = click.Choice([level.value for level in Level])
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@click.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--fail-on", type=click.Choice(["low", "medium", "high", "none"]), default="low", show_default=True,
              help="Exit 1 when a finding of this severity or higher remains ('none': never).")
@click.option("--severity", "min_severity", type=LEVEL_CHOICE, default="low", show_default=True,
              help="Report only findings of this severity or higher.")
@click.option("--confidence", "min_confidence", type=LEVEL_CHOICE, default="low", show_default=True,
              help="Report only findings of this confidence or higher.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The project to analyse as a whole (default: the nearest folder with .git or pyproject.toml).")
@click.option("--exclude", multiple=True, help="Extra .gitignore-style pattern to skip (repeatable).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Facts cache folder (default: $XDG_CACHE_HOME/codepatch).")
@click.option("--no-cache", is_flag=True, help="Analyse every file again and write no cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes for parsing (0: one per core).")
@click.option("--max-file-size", type=click.IntRange(min=1), default=2_000_000, show_default=True,
              help="Skip files larger than this many bytes.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Read the configuration from this TOML file instead of the project's pyproject.toml.")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Use the rules in this folder instead of the built-in ones.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print validated fixes as a unified diff; change nothing. Runs the project's tests.")
@click.option("--fix", "apply_fixes", is_flag=True,
              help="Apply validated fixes (all files together, atomically). Runs the project's tests.")
@click.option("--validate", "validate_only", is_flag=True,
              help="Validate candidate fixes and report the outcome per finding; change nothing.")
@click.option("--no-tests", is_flag=True, help="Validate fixes without running the project's tests (faster).")
@click.option("--test-timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Seconds the project's test suite may run during validation.")
@click.option("--strict", is_flag=True, help="Exit 2 when any file could not be analysed.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the report.")
@click.option("--show-suppressed", is_flag=True,
              help="Also list the findings hidden by suppression comments (SARIF: as suppressed results).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Hide the findings recorded in this baseline file (see --write-baseline).")
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False),
              help="Record the current findings in this baseline file (atomically) and exit 0.")
@click.option("--changed-since", metavar="REF",
              help="Report only findings whose sink or trace touches a line changed since the merge base "
                   "of this git ref and HEAD (work-tree and untracked files included).")
def command(paths: tuple[Path, ...], output_format: str, output: Path | None, fail_on: str, min_severity: str,
            min_confidence: str, root: Path | None, exclude: tuple[str, ...], cache_dir: Path | None,
            no_cache: bool, jobs: int, max_file_size: int, config_file: Path | None, rules_dir: Path | None,
            show_diff: bool, apply_fixes: bool, validate_only: bool, no_tests: bool, test_timeout: float, strict: bool,
            quiet: bool, show_suppressed: bool, baseline: Path | None, write_baseline: Path | None,
            changed_since: str | None) -> None:
    """Scan Python files or folders for untrusted input reaching dangerous sinks."""
    from codepatch.api import ScanOptions, scan
    from codepatch.cache import default_cache_dir
    from codepatch.config import configure_ruleset, load_config, per_path_rule_ids, with_command_line
    from codepatch.discover import find_project_root, report_anchor
    from codepatch.progress import progress_for
    from codepatch.report import github, json_report, sarif, text_report
    from codepatch.ruleset import RuleError, load_ruleset

    paths = paths or (Path("."),)
    if write_baseline and (baseline or changed_since):
        raise click.UsageError("--write-baseline records every current finding: drop --baseline and --changed-since")
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise click.UsageError(f"no such file or directory: {path}")
    cache = None if no_cache else (cache_dir or default_cache_dir())
    try:
        ruleset = load_ruleset(rules_dir, cache)
    except RuleError as exc:
        raise UserError(f"invalid rule: {exc}") from exc
    project = root or find_project_root(paths[0].resolve())
    config = with_command_line(load_config(project, config_file), click.get_current_context())
    per_path_ignores = per_path_rule_ids(config, ruleset)
    ruleset = configure_ruleset(config, ruleset)
    options = ScanOptions(tuple(paths), root=root, rules_dir=rules_dir, cache_dir=cache, jobs=jobs,
                          max_file_bytes=max_file_size, excludes=config.exclude, min_severity=config.severity,
                          min_confidence=config.confidence, per_path_ignores=per_path_ignores,
                          baseline=baseline, changed_since=changed_since, progress=progress_for(quiet))
    result = scan(options, ruleset)
    if not quiet:
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
    if write_baseline:
        from codepatch.triage.baseline import render as render_baseline

        write_atomically(write_baseline, render_baseline(result.findings))
        if not quiet:
            click.echo(f"wrote {len(result.findings)} finding(s) to baseline {write_baseline}", err=True)
        raise SystemExit(exit_code(replace(result, findings=()), config.fail_on, strict))
    anchor = report_anchor(project)
    if show_diff or apply_fixes or validate_only:
        from codepatch.fix_mode import run_fix_mode
        from codepatch.validate.pipeline import ValidationSettings

        settings = ValidationSettings(run_tests=not no_tests, test_timeout=config.test_timeout, cache_dir=cache,
                                      rules_dir=rules_dir, test_command=config.test_command)
        result = run_fix_mode(result, ruleset, project, anchor, settings, show_diff, apply_fixes, quiet,
                              options.progress)
    else:
        result = replace(result, findings=tuple(
            replace(f, fix_status=f"candidate fix: {', '.join(f.fixes)} (validate with --diff)") if f.fixes else f
            for f in result.findings))
    if output_format == "json":
        report = json_report.render(result, show_suppressed)
    elif output_format == "sarif":
        report = sarif.render(result, ruleset.rules, anchor, show_suppressed)
    elif output_format == "github":
        report = github.render(result)
    else:
        colour = output is None and text_report.colour_on(sys.stderr if show_diff else sys.stdout)
        report = text_report.render(result, colour, show_suppressed)
    if show_diff and output is None:
        click.echo(report, nl=False, err=True)  # standard output carries the diff
    elif output is None:
        click.echo(report, nl=False)
    else:
        write_atomically(output, report)
        if not quiet:
            click.echo(text_report.summary_line(result), err=True)
    raise SystemExit(exit_code(result, config.fail_on, strict))


def exit_code(result, fail_on: str, strict: bool) -> int:
    if any(p.kind == "internal-error" for p in result.problems):
        return EXIT_ERROR  # fail closed: an incomplete analysis must not pass as clean
    if strict and any(not p.partial for p in result.problems):
        return EXIT_ERROR
    if fail_on != "none" and any(f.severity.rank >= Level(fail_on).rank for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def write_atomically(path: Path, text: str) -> None:
    """Write the whole report or nothing: a temporary file in the same folder, then a rename."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc
