"""Sanitiser families: a request handler (Flask, Django, FastAPI, or a plain function) that takes
one value, passes it through a project helper or not, and hands it to a kind's sink.

A helper either returns the value to use ("value") or says whether the value may be used
("bool"); a bool helper guards the sink with an `if not ...`, unless its family ignores the
answer, the `check-ignored` flaw.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from training.judgements import decoys
from training.judgements.base import (
    HELPER_NAMES,
    MODULES,
    Family,
    Judgement,
    code,
    fill,
    finish,
    local_names,
)


@dataclass(frozen=True)
class Helper:
    text: str  # a template: $fn its name, $x its parameter, $a $b $c locals, plus its kind's names
    returns: str = "value"  # "value": the value to use; "bool": whether the value may be used
    shape: str = ""  # what the sink gets (a file name, a whole command); "" for the kind's default


def helper(text: str, returns: str = "value", shape: str = "") -> Helper:
    return Helper(code(text), returns, shape)


Lines = Callable[[random.Random, str, str, dict[str, str]], list[str]]  # (rng, value, shape, names) -> statements


@dataclass(frozen=True)
class Sink:
    """Where a kind's value ends up: what the value is called, the handlers' names, the names its
    helper templates use, and the statements of the sink (one of them marked)."""

    kind: str
    keys: tuple[str, ...]  # request keys and parameter names
    handlers: tuple[str, ...]  # handler function names
    names: Callable[[random.Random], dict[str, str]]
    lines: Lines
    shape: str = ""  # the shape of an unchanged value


def sanitiser(name: str, sink: Sink, real: bool, reason: str, held_out: str | None,
              helpers: tuple[Helper, ...] = (), ignored: bool = False) -> Family:
    """A family whose cases pass the value through one of `helpers` (or none, when empty)."""

    def draw(rng: random.Random) -> Judgement:
        chosen = rng.choice(helpers) if helpers else None
        function, written, source = handler(rng, sink, chosen, ignored)
        return finish(rng, name, sink.kind, real, reason, source, function, written)

    return Family(name, sink.kind, real, held_out, draw)


AUDIT = code('''
    def audit(event, value):
        logger.info("%s: %s", event, value)
        return None
''')
AUDIT_P, NOISE_P, INLINE_P, TRY_P, HELPER_NOISE_P = 0.2, 0.3, 0.35, 0.2, 0.25


def handler(rng: random.Random, sink: Sink, chosen: Helper | None, ignored: bool) -> tuple[str, list[str], str]:
    """The handler's code, the helpers it calls as written, and how its value arrives."""
    key, param = rng.choice(sink.keys), rng.choice(sink.keys)
    names = sink.names(rng) | local_names(rng, taken=(param,)) | {"x": param}
    raw, out, ok = rng.sample([n for n in (key, *decoys.NAMES, "v", "val", "arg0") if n not in names.values()], 3)
    head, body, stop, source = _entry(rng, rng.choice(sink.handlers), key, raw)
    if rng.random() < NOISE_P:
        body.append(decoys.noise(rng))
    written: list[str] = []
    if rng.random() < AUDIT_P:
        written.append(AUDIT)
        body.append(f'audit("{sink.kind}", {raw})')
    value, shape = raw, sink.shape
    if chosen is not None:
        fn = rng.choice(HELPER_NAMES)
        written.insert(0, _helper_code(rng, chosen, names | {"fn": fn}))
        call = f"{rng.choice(MODULES)}{fn}({raw})"
        shape = chosen.shape or sink.shape
        if chosen.returns == "bool":
            body += _ignored(rng, call, ok) if ignored else [f"if not {call}:", f"    {stop}"]
        elif rng.random() < TRY_P:
            body += ["try:", f"    {out} = {call}", "except ValueError:", f"    {stop}"]
            value = out
        elif rng.random() < INLINE_P:
            value = call
        else:
            body.append(f"{out} = {call}")
            value = out
    body += sink.lines(rng, value, shape, names)
    return "\n".join(head + ["    " + line for line in body]), written, source


def _helper_code(rng: random.Random, chosen: Helper, names: dict[str, str]) -> str:
    lines = fill(chosen.text, names).splitlines()
    if rng.random() < HELPER_NOISE_P:  # an irrelevant first statement
        lines.insert(1, "    " + decoys.noise(rng))
    return "\n".join(lines)


def _ignored(rng: random.Random, call: str, ok: str) -> list[str]:
    """A check whose answer the handler drops."""
    return rng.choice((
        [call],
        [f"{ok} = {call}", f'logger.debug("checked: %s", {ok})'],
        [f"if not {call}:", '    logger.warning("rejected value, continuing")'],
        [f"if {call}:", '    metrics.incr("value.ok")'],
    ))


def _entry(rng: random.Random, name: str, key: str, raw: str) -> tuple[list[str], list[str], str, str]:
    """(decorator and def lines, statements that fetch the value, a statement that stops, source)."""
    route = "/" + rng.choice((name, key)).replace("_", "-")
    framework = rng.choice(("flask", "django", "fastapi", "plain"))
    if framework == "flask":
        decorator = rng.choice((f'@app.route("{route}")', f'@bp.get("{route}")', f'@app.post("{route}")'))
        fetch = rng.choice((f'request.args.get("{key}", "")', f'request.form["{key}"]', f'request.values.get("{key}")'))
        stop = rng.choice(("abort(400)", "abort(403)", 'raise BadRequest("invalid value")'))
        return [decorator, f"def {name}():"], [f"{raw} = {fetch}"], stop, "request"
    if framework == "django":
        decorators = rng.choice(([], ["@login_required"], ["@require_GET"]))
        fetch = rng.choice((f'request.GET.get("{key}", "")', f'request.POST["{key}"]', f'request.GET["{key}"]'))
        stop = rng.choice(("return HttpResponseBadRequest()", "raise PermissionDenied", 'raise SuspiciousOperation("bad value")'))
        return [*decorators, f"def {name}(request):"], [f"{raw} = {fetch}"], stop, "request"
    if framework == "fastapi":
        prefix = rng.choice(("", "async "))
        default = rng.choice(('""', "None", "Query(...)"))
        return ([f'@router.get("{route}")', f"{prefix}def {name}({raw}: str = {default}):"], [],
                "raise HTTPException(status_code=400)", "request")
    extra = rng.choice(("", ", user=None", ", *, dry_run=False", ", timeout=10"))
    stop = rng.choice(('raise ValueError("bad input")', "return None", 'raise PermissionError("refused")'))
    return [f"def {name}({raw}{extra}):"], [], stop, "entry-point"
