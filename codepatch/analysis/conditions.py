"""The `when:` / `unless:` language of rules, evaluated on one call's static facts.

An argument is chosen by `arg` (position), `kwarg` (name) or both (either form); a predicate
then tests what the per-file stage knew of it: a constant, a qualified name it refers to
(through variables assigned in the same scope), or its absence. `splat` tests whether the call
passes `*args`/`**kwargs`, which may hold any argument. `context` tests the words of the
statement and the enclosing function's qualified name (see `patterns.context_of`); `branch` the
words of the conditions the place runs under (see `patterns.branch_of`); `response_type` the
Content-Type the function set on its response before the call (`facts.function`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

MISSING = object()


@lru_cache(maxsize=1 << 17)  # called for every name the solver reads, over and over
def normalize(qn: str | None) -> str | None:
    """`requests.Session().get` and `requests.Session.get` name the same thing for rules."""
    return qn.replace("()", "").replace("[]", "") if qn else qn


@lru_cache(maxsize=None)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def select_argument(call: dict, condition: dict) -> dict | object:
    if condition.get("receiver"):
        return {"cfg": call.get("recv_cfg", [])} if "recv" in call else MISSING
    if "kwarg" in condition and condition["kwarg"] in call["kw"]:
        return call["kw"][condition["kwarg"]]
    if "arg" in condition and condition["arg"] < len(call["args"]):
        return call["args"][condition["arg"]]
    return MISSING


def holds(condition: dict, call: dict, context: str, branch: str = "") -> bool:
    """Whether one condition holds for the call; every predicate given must hold."""
    if "context" in condition and not _regex(condition["context"]).search(context):
        return False
    if "branch" in condition and not _regex(condition["branch"]).search(branch):
        return False
    if "splat" in condition and bool(call.get("splat")) != condition["splat"]:
        return False
    if "guards" in condition and bool(call.get("guards")) != condition["guards"]:
        return False
    if "passed_as" in condition and not _regex(condition["passed_as"]).search(call.get("passed_as", "")):
        return False
    if "response_type" in condition and not ("ctype" in call and _regex(condition["response_type"]).search(call["ctype"])):
        return False
    if "arg" not in condition and "kwarg" not in condition and not condition.get("receiver"):
        return True
    argument = select_argument(call, condition)
    if condition.get("missing"):
        return argument is MISSING
    if argument is MISSING:
        return False
    has_const = "c" in argument
    const = argument.get("c")
    if "text" in condition and bool(argument.get("str")) != condition["text"]:
        return False
    if "mapping" in condition and bool(argument.get("map")) != condition["mapping"]:
        return False
    if "is_const" in condition and has_const != condition["is_const"]:
        return False
    if "truthy" in condition and not (has_const and bool(const) == condition["truthy"]):
        return False
    if "equals" in condition and not (has_const and const == condition["equals"]):
        return False
    if "const_in" in condition and not (has_const and _in(const, condition["const_in"])):
        return False
    if "qn_in" in condition and normalize(argument.get("qn")) not in condition["qn_in"]:
        return False
    if "qn_matches" in condition and not _regex(condition["qn_matches"]).search(normalize(argument.get("qn")) or ""):
        return False
    if "configured" in condition and not any(_regex(condition["configured"]).search(c) for c in argument.get("cfg", ())):
        return False
    if "matches" in condition and not (isinstance(const, str) and _regex(condition["matches"]).search(const)):
        return False
    return True


def _in(const: object, choices: list) -> bool:
    if isinstance(const, str):
        return const.lower() in {c.lower() for c in choices if isinstance(c, str)}
    return const in choices


APPLIES = ""  # what `verdict` says when every condition is met


def verdict(when: tuple[dict, ...], unless: tuple[dict, ...], holding: Callable[[dict], bool]) -> str | None:
    """Whether a rule applies at a place (`holding(condition)` evaluates one condition there): None
    when a `when:` fails (the rule names no such place), APPLIES when it applies, else why an
    `unless:` excepts the place, in words (for `scan --show-dismissed`)."""
    if not all(holding(c) for c in when):
        return None
    for condition in unless:
        if holding(condition):
            return f"the rule makes an exception when {describe(condition)}"
    return APPLIES


def describe(condition: dict) -> str:
    """A condition of the `when:`/`unless:` language in words: `mimetype (argument 3) matches '…'`."""
    where = " or ".join(filter(None, (
        f"keyword {condition['kwarg']}" if "kwarg" in condition else "",
        f"argument {condition['arg'] + 1}" if "arg" in condition else "",
        "the receiver" if condition.get("receiver") else "",
        f"capture @{condition['capture']}" if "capture" in condition else "")))
    tests = [f"{key} {_short(value)}" if not isinstance(value, bool) else (key if value else f"not {key}")
             for key, value in condition.items() if key not in ("arg", "kwarg", "receiver", "capture")]
    return f"{where or 'the call'}: {', '.join(tests) or 'present'}"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
