"""Where the value at the sink comes from, when the engine could not tell (`source="unproven"`):
fixed by the program (a module constant, a settings attribute, a literal, a choice between
literals, constants joined) is not real (`constant`); a parameter, the console, a request, a
file's contents or the command line is real (`no-check`).

Each style of source is one family per kind it is drawn for; the sink is the kind's own (the
same statements the sanitiser families end in). Constant styles sometimes take parameters they
do not pass on and value styles sometimes take none, so a signature is no evidence.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from training.judgements import code, commands, paths, redirects, sql, web
from training.judgements.base import Family, Judgement, finish, local_names
from training.judgements.handlers import Sink

# kind -> (its sink, the shape of a whole value, literals, module constants, constants joined)
KINDS: dict[str, tuple[Sink, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "open-redirect": (redirects.SINK, "", ('"/dashboard"', '"https://example.com/welcome"', '"/"'),
                      ("HOME_URL", "LOGIN_URL", "DEFAULT_NEXT"), ('BASE_URL + "/home"', 'f"{SITE_ROOT}/account"')),
    "path-traversal": (paths.SINK, "path", ('"/var/log/app.log"', '"static/terms.pdf"', '"data/report.csv"'),
                       ("REPORT_PATH", "LOG_FILE", "TEMPLATE_DIR"),
                       ('os.path.join(BASE_DIR, "static", "terms.pdf")', 'str(Path(__file__).parent / "data.json")')),
    "command-injection": (commands.SINK, "cmd", ('"uptime"', '"df -h"', '"git pull --ff-only"'),
                          ("BACKUP_CMD", "CLEANUP_COMMAND", "HEALTH_CHECK"),
                          ('" ".join(["tar", "czf", BACKUP_FILE, DATA_DIR])', 'f"pg_dump {DB_NAME}"')),
    "sql-injection": (sql.SINK, "ident", ('"created"', '"users"', '"title"'), ("DEFAULT_SORT", "TABLE", "AUDIT_TABLE"),
                      ('", ".join(DEFAULT_COLUMNS)', 'PREFIX + "_events"')),
    "ssrf": (web.SSRF, "", ('"https://api.example.com/health"', '"http://localhost:9200/_cluster/health"'),
             ("STATUS_URL", "WEBHOOK_URL", "METRICS_ENDPOINT"), ('f"{API_ROOT}/status"', 'API_BASE + "/v2/ping"')),
    "xss": (web.XSS, "", ('"Dashboard"', '"Welcome back"', '"Page not found"'), ("SITE_NAME", "FOOTER_HTML", "BANNER"),
            ('f"{SITE_NAME} | Home"', 'COMPANY + " Ltd."')),
    "code-injection": (code.SINK, "expr", ('"1 + 2"', '"sum(values)"', '"max(a, b)"'), ("DEFAULT_FORMULA", "RULE", "INIT_CODE"),
                       ('" + ".join(["base", "bonus"])', 'FORMULAS["tax"]')),
}
SETTINGS = ("settings.{}", "config.{}", 'app.config["{}"]', 'current_app.config["{}"]')
Style = Callable[[random.Random, str, dict[str, str]], tuple[list[str], list[str], str]]  # -> params, statements, value


def _spare(rng: random.Random) -> list[str]:
    """Parameters a constant style takes and never passes on."""
    return rng.choice(([], [], ["request"], ["verbose=False"], ["user", "force=False"]))


def _module_constant(rng, kind, names):
    value = rng.choice(KINDS[kind][3])
    if rng.random() < 0.5:
        return _spare(rng), [f"{names['a']} = {value}"], names["a"]
    return _spare(rng), [], value


def _settings(rng, kind, names):
    value = rng.choice(SETTINGS).format(rng.choice(KINDS[kind][3]))
    if '"' in value or rng.random() < 0.5:  # a sink may put the value inside an f-string
        return _spare(rng), [f"{names['a']} = {value}"], names["a"]
    return _spare(rng), [], value


def _literal(rng, kind, names):
    return _spare(rng), [f"{names['a']} = {rng.choice(KINDS[kind][2])}"], names["a"]


def _literal_choice(rng, kind, names):
    first, second = rng.sample(KINDS[kind][2], 2)
    if rng.random() < 0.5:
        return [names["b"]], [f"{names['a']} = {first} if {names['b']} else {second}"], names["a"]
    return ([names["b"]], [f'if {names["b"]} == "full":', f"    {names['a']} = {first}", "else:",
                           f"    {names['a']} = {second}"], names["a"])


def _joined(rng, kind, names):
    return _spare(rng), [f"{names['a']} = {rng.choice(KINDS[kind][4])}"], names["a"]


def _parameter(rng, kind, names):
    if rng.random() < 0.5:
        return [names["b"]], [f"{names['a']} = {names['b']}.strip()"], names["a"]
    return [names["b"], *rng.choice(([], ["timeout=10"]))], [], names["b"]


def _console(rng, kind, names):
    return [], [f"{names['a']} = {rng.choice(('input()', 'input(PROMPT).strip()', 'sys.argv[1]', 'sys.argv[-1]'))}"], names["a"]


def _request(rng, kind, names):
    fetch = rng.choice(('request.args["q"]', 'request.get_json()["target"]', 'request.headers.get("X-Target")',
                        'request.cookies.get("pref")'))
    return [], [f"{names['a']} = {fetch}"], names["a"]


def _file_contents(rng, kind, names):
    a, b = names["a"], names["b"]
    return rng.choice((
        ([], [f"{a} = open(JOB_FILE).read().strip()"], a),
        ([], [f"with open(QUEUE_PATH) as {b}:", f'    {a} = json.load({b})["item"]'], a),
        ([b], [f"{a} = {b}.read().decode().strip()"], a),
    ))


def _command_line(rng, kind, names):
    a, b = names["a"], names["b"]
    return rng.choice((
        ([], [f"{b} = parser.parse_args()", f"{a} = {b}.target"], a),
        ([], [f"{a} = sys.stdin.readline().strip()"], a),
    ))


# (style, constant?, held out, how many kinds it is drawn for)
STYLES: tuple[tuple[str, bool, str | None, Style], ...] = (
    ("module-constant", True, None, _module_constant),
    ("settings-attribute", True, None, _settings),
    ("literal-local", True, None, _literal),
    ("literal-choice", True, "validation", _literal_choice),
    ("joined-constants", True, "test", _joined),
    ("parameter-value", False, None, _parameter),
    ("console-value", False, None, _console),
    ("request-value", False, None, _request),
    ("file-contents", False, "validation", _file_contents),
    ("command-line", False, "test", _command_line),
)
NAMES = ("main", "run_job", "nightly", "cli", "handler", "task", "job")


def source_family(style: str, constant: bool, held_out: str | None, make: Style, kind: str) -> Family:
    name = f"source-{style}-{kind}"
    sink, shape = KINDS[kind][0], KINDS[kind][1]

    def draw(rng: random.Random) -> Judgement:
        names = sink.names(rng) | local_names(rng)
        params, statements, value = make(rng, kind, names)
        function = rng.choice(NAMES + sink.handlers)
        body = statements + sink.lines(rng, value, shape, names)
        text = "\n".join([f"def {function}({', '.join(params)}):"] + ["    " + line for line in body])
        real, reason = (False, "constant") if constant else (True, "no-check")
        return finish(rng, name, kind, real, reason, "unproven", text)

    return Family(name, kind, not constant, held_out, draw)


def _families() -> tuple[Family, ...]:
    kinds = list(KINDS)
    return tuple(source_family(style, constant, held_out, make, kinds[(2 * i + j) % len(kinds)])
                 for i, (style, constant, held_out, make) in enumerate(STYLES) for j in range(2))


FAMILIES = _families()
