"""Reading `[tool.codepatch]`: the shape of every value is checked here, into a frozen `Config`.

Rule ids and categories are checked against the rule set later (see `apply.py`), since `--rules`
may name other rules. Every mistake is one `UserError` line naming the file and the key.
"""

from __future__ import annotations

import difflib
import math
import os
import shlex
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from codepatch.errors import UserError
from codepatch.ruleset.model import SinkSpec
from codepatch.types import Level

LEVELS = tuple(level.value for level in Level)
FAIL_ON = (*LEVELS, "none")
KEYS = ("select", "ignore", "severity", "confidence", "fail-on", "exclude", "per-path-ignores", "sources", "sinks",
        "sanitizers", "validate", "agents")
VALIDATE_KEYS = ("test-command", "test-timeout", "pass-env")
MAX_TEST_TIMEOUT = 86_400.0  # a day: a finite bound (nan and inf are refused)
SINK_KEYS = ("call", "args", "kwargs", "receiver", "element0")
EVERY_RULE = "ALL"  # in select, ignore, per-path-ignores and as a sanitizers key: every rule


@dataclass(frozen=True)
class Config:
    origin: str = "[tool.codepatch]"  # where it was read from, the prefix of every error message
    select: tuple[str, ...] = (EVERY_RULE,)  # rule ids or categories
    ignore: tuple[str, ...] = ()
    severity: Level = Level.LOW
    confidence: Level = Level.MEDIUM
    fail_on: str = "low"
    exclude: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (gitignore-style pattern, rules)
    sources: tuple[tuple[str, str], ...] = ()  # (source group, qualified name)
    sinks: tuple[tuple[str, SinkSpec], ...] = ()  # (taint rule id, sink)
    sanitizers: tuple[tuple[str, str], ...] = ()  # (rule id, category or ALL; qualified name)
    test_command: tuple[str, ...] = ()  # empty: pytest under coverage
    test_timeout: float = 600.0
    pass_env: tuple[str, ...] = ()  # environment variables the tests see besides the allow-list
    agents: bool = False  # judge uncertain findings with the Scanner, Critic and Patcher agents


def load_config(root: Path, config_file: Path | None = None, ref: str | None = None) -> Config:
    """The configuration of the project at `root`: `--config` when given, else its pyproject.toml.

    With `ref` (a git commit, `--config-ref`), the file is read as it is in that commit, not in the
    work tree: a pull request cannot change the configuration that gates it. A file missing there
    is the default configuration."""
    path = config_file or root / "pyproject.toml"
    if ref is not None:
        text = committed_text(path, ref)
        if text is None:
            return Config()
        data = _parse_toml(text, f"{_shown(path)} at {ref}")
    elif config_file is None and not path.is_file():
        return Config()
    else:
        data = _read_toml(path)
    table = data.get("tool", {}).get("codepatch") if isinstance(data.get("tool"), dict) else None
    if table is None:
        return Config() if config_file is None else parse_config(data, f"{_shown(path)}:")
    return parse_config(table, f"{_shown(path)}: [tool.codepatch]")


def parse_config(table: dict, origin: str) -> Config:
    def fail(message: str) -> UserError:
        return UserError(f"{origin} {message}")

    if not isinstance(table, dict):
        raise fail(f"must be a table, got {table!r}")
    _check_keys(table, KEYS, "", fail)
    values: dict = {"origin": origin}
    for key in ("select", "ignore", "exclude"):
        if key in table:
            values[key] = _strings(table[key], key, fail)
    for key in ("severity", "confidence"):
        if key in table:
            values[key] = Level(_choice(table[key], key, LEVELS, fail))
    if "fail-on" in table:
        values["fail_on"] = _choice(table["fail-on"], "fail-on", FAIL_ON, fail)
    values["per_path_ignores"] = tuple((pattern, _strings(rules, f"per-path-ignores.{pattern}", fail))
                                       for pattern, rules in _table(table, "per-path-ignores", fail).items())
    values["sources"] = tuple((group, name) for group, names in _table(table, "sources", fail).items()
                              for name in _strings(names, f"sources.{group}", fail))
    values["sinks"] = tuple((rule, _sink(spec, f"sinks.{rule}", fail))
                            for rule, specs in _table(table, "sinks", fail).items()
                            for spec in _list(specs, f"sinks.{rule}", fail))
    values["sanitizers"] = tuple((rule, name) for rule, names in _table(table, "sanitizers", fail).items()
                                 for name in _strings(names, f"sanitizers.{rule}", fail))
    if "agents" in table:
        if not isinstance(table["agents"], bool):
            raise fail(f"'agents' must be true or false, got {table['agents']!r}")
        values["agents"] = table["agents"]
    validate = _table(table, "validate", fail)
    _check_keys(validate, VALIDATE_KEYS, "validate.", fail)
    if "test-command" in validate:
        values["test_command"] = _command(validate["test-command"], fail)
    if "test-timeout" in validate:
        timeout = validate["test-timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not valid_timeout(timeout):
            raise fail(f"'validate.test-timeout' must be a number of seconds from 1 to {MAX_TEST_TIMEOUT:.0f}, "
                       f"got {timeout!r}")
        values["test_timeout"] = float(timeout)
    if "pass-env" in validate:
        values["pass_env"] = _strings(validate["pass-env"], "validate.pass-env", fail)
    return Config(**values)


def valid_timeout(seconds: float) -> bool:
    return math.isfinite(seconds) and 1 <= seconds <= MAX_TEST_TIMEOUT


def _read_toml(path: Path) -> dict:
    try:
        return _parse_toml(path.read_bytes(), _shown(path))
    except OSError as exc:
        raise UserError(f"cannot read {_shown(path)}: {exc.strerror or exc}") from exc


def _parse_toml(data: bytes, shown: str) -> dict:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{shown}: invalid TOML: {exc}") from exc


def committed_text(path: Path, ref: str) -> bytes | None:
    """The bytes of `path` in git commit `ref`; None when the file is not in that commit."""
    if not ref or ref.startswith("-"):
        raise UserError(f"--config-ref: {ref!r} is not a git ref")
    folder = path.absolute().parent
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=False)
        if top.returncode != 0:
            raise UserError(f"--config-ref needs a git repository, and {folder} is not in one")
        relative = os.path.relpath(os.path.realpath(path), os.path.realpath(top.stdout.strip()))
        if relative.startswith(".."):
            raise UserError(f"--config-ref: {_shown(path)} is outside the git repository")
        commit = subprocess.run(["git", "-C", top.stdout.strip(), "rev-parse", "--verify", "--quiet", "--end-of-options",
                                 f"{ref}^{{commit}}"], capture_output=True, check=False)
        if commit.returncode != 0:
            raise UserError(f"--config-ref: unknown git ref {ref!r}")
        shown = subprocess.run(["git", "-C", top.stdout.strip(), "cat-file", "blob",
                                f"{commit.stdout.decode().strip()}:{Path(relative).as_posix()}"],
                               capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise UserError("--config-ref needs git, and git is not on PATH") from exc
    return shown.stdout if shown.returncode == 0 else None


def _shown(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _check_keys(table: dict, known: tuple[str, ...], prefix: str, fail) -> None:
    for key in table:
        if key not in known:
            raise fail(f"unknown key '{prefix}{key}'{suggest(key, known, prefix)}")


def suggest(name: str, known, prefix: str = "") -> str:
    """` (did you mean 'fail-on'?)` for `fail_on`, or nothing when no known name is close."""
    close = [k for k in known if k == name.replace("_", "-").lower()] or difflib.get_close_matches(name, list(known), 1)
    return f" (did you mean '{prefix}{close[0]}'?)" if close else ""


def _choice(value, key: str, choices: tuple[str, ...], fail) -> str:
    if value not in choices:
        raise fail(f"'{key}' must be one of {', '.join(choices)}, got {value!r}")
    return value


def _strings(value, key: str, fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(f"'{key}' must be a list of strings, got {value!r}")
    return tuple(value)


def _list(value, key: str, fail) -> list:
    if not isinstance(value, list):
        raise fail(f"'{key}' must be a list, got {value!r}")
    return value


def _table(table: dict, key: str, fail) -> dict:
    value = table.get(key, {})
    if not isinstance(value, dict):
        raise fail(f"'{key}' must be a table, got {value!r}")
    return value


def _sink(spec, key: str, fail) -> SinkSpec:
    """A sink as in a rule file: `{ call = "myapp.db.raw_query", args = [0], kwargs = ["sql"] }`."""
    if not isinstance(spec, dict) or not isinstance(spec.get("call"), str):
        raise fail(f"'{key}' entries must be tables with a 'call', got {spec!r}")
    _check_keys(spec, SINK_KEYS, f"{key}.", fail)
    args = spec.get("args", [])
    kwargs = _strings(spec["kwargs"], f"{key}.kwargs", fail) if "kwargs" in spec else ()
    if not isinstance(args, list) or not all(type(a) is int and a >= 0 for a in args):
        raise fail(f"'{key}.args' must be a list of argument positions (0, 1, ...), got {args!r}")
    flags = {flag: spec.get(flag, False) for flag in ("receiver", "element0")}
    if not all(isinstance(v, bool) for v in flags.values()):
        raise fail(f"'{key}': 'receiver' and 'element0' must be true or false")
    if not (args or kwargs or flags["receiver"]):
        raise fail(f"'{key}': {spec['call']!r} needs 'args', 'kwargs' or 'receiver = true' (which input is dangerous)")
    return SinkSpec(call=spec["call"], args=tuple(args), kwargs=kwargs, **flags)


def _command(value, fail) -> tuple[str, ...]:
    try:
        command = shlex.split(value) if isinstance(value, str) else value
    except ValueError as exc:  # an unclosed quote
        raise fail(f"'validate.test-command': {exc}: {value!r}") from exc
    if not isinstance(command, list) or not command or not all(isinstance(v, str) and v for v in command):
        raise fail(f"'validate.test-command' must be a command line or a list of arguments, got {value!r}")
    return tuple(command)
