"""More source-decided families (sources.py): where the sink's value comes from decides the case.

Constant (not real, `constant`): an enum member, a class constant, each of a module constant's
items, a request value overwritten by a constant before the sink, a request value used only for
logging while a constant reaches the sink, a literal bound by an annotation, unpacking or a walrus,
and a shown helper that returns a constant. User-supplied (real, `no-check`): `**options` or
`**kwargs`, a serverless event, a route's path parameter, the WSGI environ, a walrus on request
data, a request body model, a constant default that the request overrides, a parameter whose
default is a constant, each of a request's list values, and a shown helper that returns request
data.

Deliberately absent (held-out idioms): a choice between literals, constants joined or looked up
by a literal key, file contents, argparse and stdin.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from training.judgements.base import Family, Judgement, finish, local_names
from training.judgements.sources import KINDS, NAMES

# kind -> (an enum class, its members); (a class, its constant attributes)
ENUMS = {
    "open-redirect": ("Page", ("HOME", "LOGIN", "ACCOUNT")), "path-traversal": ("Report", ("TERMS", "DAILY", "AUDIT")),
    "command-injection": ("Task", ("BACKUP", "VACUUM", "ROTATE_LOGS")), "sql-injection": ("Column", ("CREATED", "NAME")),
    "ssrf": ("Endpoint", ("HEALTH", "METRICS", "STATUS")), "xss": ("Banner", ("WELCOME", "MAINTENANCE")),
    "code-injection": ("Formula", ("TAX", "DISCOUNT", "TOTAL")),
}
CLASSES = ("Job", "Exporter", "Maintenance", "Checker", "Report", "Notifier")
Made = tuple[list[str], list[str], list[str], str, list[str]]  # decorators, params, statements, value, helpers


@dataclass(frozen=True)
class Ctx:
    rng: random.Random
    kind: str
    names: dict[str, str]

    @property
    def a(self) -> str:
        return self.names["a"]

    @property
    def b(self) -> str:
        return self.names["b"]

    def constant(self) -> str:
        """A literal or a module constant of this kind."""
        return self.rng.choice(KINDS[self.kind][2] + KINDS[self.kind][3])

    def key(self) -> str:
        """A request key this kind's handlers use."""
        return self.rng.choice(KINDS[self.kind][0].keys)


def _enum_member(c: Ctx) -> Made:
    enum, members = ENUMS[c.kind]
    member = f"{enum}.{c.rng.choice(members)}"
    return c.rng.choice((
        ([], [], [f"{c.a} = {member}.value"], c.a, []),
        ([], ["verbose=False"], [], f"{member}.value", []),
        ([], [], [f"{c.a} = str({member})"], c.a, []),  # a StrEnum member's str() is its value
    ))


def _class_constant(c: Ctx) -> Made:
    const = c.rng.choice(KINDS[c.kind][3])
    return c.rng.choice((
        (["@classmethod"], ["cls"], [f"{c.a} = cls.{const}"], c.a, []),
        ([], ["self"], [f"{c.a} = type(self).{const}"], c.a, []),
        ([], ["self", "force=False"], [], f"self.{const}", []),
        (["@staticmethod"], [], [f"{c.a} = {c.rng.choice(CLASSES)}.{const}"], c.a, []),
    ))


def _constant_loop(c: Ctx) -> Made:
    const = c.rng.choice(KINDS[c.kind][3]) + "S"
    return c.rng.choice(([], ["self"], ["dry_run=False"])), [], [f"for {c.a} in {const}:"], c.a, ["loop"]


def _request_overwritten(c: Ctx) -> Made:
    fetch = c.rng.choice((f'request.args.get("{c.key()}", "")', f'request.form.get("{c.key()}")'))
    return c.rng.choice((
        ([], [], [f"{c.a} = {fetch}", f'logger.info("requested %s", {c.a})', f"{c.a} = {c.constant()}"], c.a, []),
        ([], [], [f"{c.a} = {fetch}", f"if {c.a}:", f'    logger.warning("ignoring %r", {c.a})',
                  f"{c.a} = {c.constant()}"], c.a, []),
        ([], [c.a], [f"del {c.a}", f"{c.b} = {c.constant()}"], c.b, []),
    ))


def _unrelated_input(c: Ctx) -> Made:
    fetch = c.rng.choice((f'request.args.get("{c.key()}")', 'request.headers.get("X-User")', "request.remote_addr"))
    return c.rng.choice((
        ([], [], [f"{c.b} = {fetch}", f'audit.record("run", {c.b})', f"{c.a} = {c.constant()}"], c.a, []),
        ([], [c.b], [f'metrics.incr("runs", tags={{"user": {c.b}}})', f"{c.a} = {c.constant()}"], c.a, []),
        ([], [], [f'{c.b} = int(request.args.get("page", 1))', f'logger.debug("page %d", {c.b})'],
         c.rng.choice(KINDS[c.kind][3]), []),
    ))


def _literal_bound(c: Ctx) -> Made:
    literal = c.rng.choice(KINDS[c.kind][2])
    return c.rng.choice((
        ([], [], [f"{c.a}: Final[str] = {literal}"], c.a, []),
        ([], [], [f"{c.a}, {c.b} = {literal}, {c.rng.choice(('0', 'True', 'None'))}"], c.a, []),
        ([], [], [f"if ({c.a} := {literal}):"], c.a, ["nest"]),
    ))


def _helper_constant(c: Ctx) -> Made:
    fn = c.rng.choice(("default_target", "configured_value", "get_default", "target_for_job"))
    body = c.rng.choice((
        f"    return {c.constant()}",
        f"@functools.cache\ndef {fn}():\n    return {c.constant()}",
        f"    {c.b} = {c.constant()}\n    return {c.b}",
    ))
    params = c.rng.choice(("", "job=None"))
    text = body if body.startswith("@") else f"def {fn}({params}):\n{body}"
    return [], c.rng.choice(([], ["job"])), [f"{c.a} = {fn}()"], c.a, [text]


def _options(c: Ctx) -> Made:
    key = c.key()
    return c.rng.choice((
        ([], ["self", "*args", "**options"], [f'{c.a} = options["{key}"]'], c.a, []),
        ([], ["**kwargs"], [f'{c.a} = kwargs.get("{key}", "")'], c.a, []),
        ([], ["self", "*args", "**options"], [f'{c.a} = options.get("{key}") or ""'], c.a, []),
    ))


def _lambda_event(c: Ctx) -> Made:
    key = c.key()
    return c.rng.choice((
        ([], ["event", "context"], [f'{c.a} = event["queryStringParameters"]["{key}"]'], c.a, []),
        ([], ["event", "context"], [f'{c.a} = (event.get("pathParameters") or {{}}).get("{key}")'], c.a, []),
        ([], ["event", "context"], [f'{c.b} = event["detail"]', f'{c.a} = {c.b}["{key}"]'], c.a, []),
    ))


def _route_parameter(c: Ctx) -> Made:
    key = c.rng.choice(("slug", "name", "target", "item_path"))  # shown in the route, so never a decoy name
    return c.rng.choice((
        ([f'@app.route("/run/<path:{key}>")'], [key], [], key, []),
        ([f'@router.get("/items/{{{key}:path}}")'], [f"{key}: str"], [], key, []),
        ([f'@bp.post("/do/<{key}>")', "@login_required"], [key], [f"{c.b} = {key}.strip()"], c.b, []),
    ))


def _wsgi_environ(c: Ctx) -> Made:
    return c.rng.choice((
        ([], ["environ", "start_response"], [f'{c.a} = environ.get("PATH_INFO", "")[1:]'], c.a, []),
        ([], ["environ", "start_response"], [f'{c.b} = parse_qs(environ["QUERY_STRING"])',
                                             f'{c.a} = {c.b}["{c.key()}"][0]'], c.a, []),
        ([], ["self", "environ"], [f'{c.a} = environ["HTTP_X_TARGET"]'], c.a, []),
    ))


def _walrus_request(c: Ctx) -> Made:
    key = c.key()
    stop = c.rng.choice(("abort(400)", "return None", 'raise ValueError("missing")'))
    return c.rng.choice((
        ([], [], [f'if not ({c.a} := request.args.get("{key}")):', f"    {stop}"], c.a, []),
        ([], [], [f'if ({c.a} := request.form.get("{key}")) is None:', f"    {stop}"], c.a, []),
        ([], [], [f'while ({c.a} := request.stream.readline().decode().strip()):'], c.a, ["nest"]),
    ))


def _body_model(c: Ctx) -> Made:
    model = c.rng.choice(("JobIn", "schemas.Request", "Payload", "TargetForm"))
    attr = c.rng.choice(("target", "url", "command", "path", "value"))
    return c.rng.choice((
        ([], [f"{c.b}: {model}"], [f"{c.a} = {c.b}.{attr}"], c.a, []),
        ([], [f"{c.b}: {model}"], [], f"{c.b}.{attr}", []),
        ([], [f"{c.b}: dict = Body(...)"], [f'{c.a} = {c.b}["{attr}"]'], c.a, []),
    ))


def _default_overridden(c: Ctx) -> Made:
    key, const = c.key(), c.constant()
    return c.rng.choice((
        ([], [], [f"{c.a} = {const}", f'if request.args.get("{key}"):', f'    {c.a} = request.args["{key}"]'], c.a, []),
        ([], [], [f'{c.a} = request.args.get("{key}") or {const}'], c.a, []),
        ([], [], [f'{c.a} = request.values.get("{key}", {const})'], c.a, []),
    ))


def _defaulted_parameter(c: Ctx) -> Made:
    const = c.constant()
    return c.rng.choice((
        ([], [f"{c.a}={const}"], [], c.a, []),
        ([], ["*", f"{c.a}: str = {const}"], [], c.a, []),
        ([], [f"{c.a}=None"], [f"{c.a} = {c.a} or {const}"], c.a, []),
    ))


def _request_list(c: Ctx) -> Made:
    key = c.key()
    return c.rng.choice((
        ([], [], [f'for {c.a} in request.args.getlist("{key}"):'], c.a, ["loop"]),
        ([], [], [f'for {c.a} in request.get_json().get("{key}s", []):'], c.a, ["loop"]),
        ([], [], [f'{c.b} = request.form.getlist("{key}")', f"for {c.a} in {c.b}[:5]:"], c.a, ["loop"]),
    ))


def _helper_request(c: Ctx) -> Made:
    fn = c.rng.choice(("default_target", "configured_value", "get_default", "target_for_job"))
    key = c.key()
    body = c.rng.choice((
        f'    return request.args.get("{key}", "")',
        f'    {c.b} = request.get_json(silent=True) or {{}}\n    return {c.b}.get("{key}", "")',
        f'    if "{key}" in request.form:\n        return request.form["{key}"]\n    return request.args.get("{key}")',
    ))
    return [], c.rng.choice(([], ["job"])), [f"{c.a} = {fn}()"], c.a, [f"def {fn}():\n{body}"]


# (style, constant?, its maker); each is drawn for two kinds, as in sources.py
STYLES: tuple[tuple[str, bool, Callable[[Ctx], Made]], ...] = (
    ("enum-member", True, _enum_member),
    ("class-constant", True, _class_constant),
    ("constant-loop", True, _constant_loop),
    ("request-overwritten", True, _request_overwritten),
    ("unrelated-input", True, _unrelated_input),
    ("literal-bound", True, _literal_bound),
    ("helper-constant", True, _helper_constant),
    ("options-value", False, _options),
    ("lambda-event", False, _lambda_event),
    ("route-parameter", False, _route_parameter),
    ("wsgi-environ", False, _wsgi_environ),
    ("walrus-request", False, _walrus_request),
    ("body-model", False, _body_model),
    ("default-overridden", False, _default_overridden),
    ("defaulted-parameter", False, _defaulted_parameter),
    ("request-list", False, _request_list),
    ("helper-request", False, _helper_request),
)


def prim_source_family(style: str, constant: bool, make: Callable[[Ctx], Made], kind: str) -> Family:
    name = f"source-{style}-{kind}"
    sink, shape = KINDS[kind][0], KINDS[kind][1]

    def draw(rng: random.Random) -> Judgement:
        names = sink.names(rng) | local_names(rng)
        decorators, params, statements, value, extra = make(Ctx(rng, kind, names))
        helpers = [h for h in extra if h not in ("loop", "nest")]
        lines = sink.lines(rng, value, shape, names)
        if {"loop", "nest"} & set(extra):  # the sink sits inside the last statement's block
            lines = ["    " + line for line in lines]
        function = rng.choice(NAMES + sink.handlers)
        text = "\n".join([*decorators, f"def {function}({', '.join(params)}):"]
                         + ["    " + line for line in statements + lines])
        real, reason = (False, "constant") if constant else (True, "no-check")
        return finish(rng, name, kind, real, reason, "unproven", text, helpers)

    return Family(name, kind, not constant, None, draw)


def _families() -> tuple[Family, ...]:
    kinds = list(KINDS)
    return tuple(prim_source_family(style, constant, make, kinds[(3 * i + 2 * j + 1) % len(kinds)])
                 for i, (style, constant, make) in enumerate(STYLES) for j in range(2))


FAMILIES = _families()
