"""Unit tests of the taint engine: small projects written to a temporary folder and scanned.

Each case is a set of files and the rule checked; a line ending in `# finding` must be reported
by that rule and no other line may be: table-driven, so a case reads as the code it checks.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codepatch.scan.pipeline import ScanOptions, scan
from codepatch.types import Level
from tests.conftest import RULES


def run(tmp_path: Path, files: dict[str, str]) -> set[tuple[str, int, str]]:
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    result = scan(ScanOptions((tmp_path,), root=tmp_path, rules_dir=RULES, cache_dir=None, jobs=1))
    assert not [p for p in result.problems if p.kind == "internal-error"], result.problems
    return {(Path(f.path).relative_to(tmp_path).as_posix(), f.line, f.rule_id) for f in result.findings}


def found(tmp_path: Path, files: dict[str, str], rule: str) -> set[tuple[str, int]]:
    return {(name, line) for name, line, rule_id in run(tmp_path, files) if rule_id == rule}


def marked(files: dict[str, str]) -> set[tuple[str, int]]:
    """The lines a case expects a finding on: those ending in `# finding`."""
    return {(name, number) for name, source in files.items()
            for number, line in enumerate(textwrap.dedent(source).lstrip("\n").splitlines(), start=1)
            if line.endswith("# finding")}


FLASK = "from flask import Flask, request\napp = Flask(__name__)"

CASES = {
    "a parsed URL's host compared with the request's host validates what it was parsed from, an item too": ({
        "app.py": FLASK + """
from urllib.parse import urlparse
from flask import redirect
@app.route("/state")
def state_next():
    state = {"next": request.args.getlist("next"), "back": request.args.getlist("back")}
    next_url = "/"
    parsed = urlparse(state["next"][0])
    if parsed.netloc != request.host:
        return redirect(state["back"][0])  # finding
    else:
        next_url = state["next"][0]
    return redirect(next_url)
@app.route("/plain")
def plain_next():
    target = request.args["next"]
    if urlparse(target).hostname == request.host:
        print("same host")
    return redirect(target)  # finding
"""}, "open-redirect"),
    "a project function in a condition checks what its body checks on every path that answers yes": ({
        "app.py": FLASK + """
from flask import redirect
from checks import on_site, allowed_host, trimmed_ok, lenient
@app.route("/a")
def a():
    target = request.args["next"]
    if not on_site(target):
        target = "/"
    return redirect(target)
@app.route("/b")
def b():
    target = request.args["next"]
    if allowed_host(target):
        return redirect(target)
    if trimmed_ok(target):
        return redirect(target)  # finding
    if lenient(target, request.args.get("debug")):
        return redirect(target)  # finding
    on_site(target)
    return redirect(target)  # finding
@app.route("/c")
def c():
    target = request.args["next"]
    if "\\\\" in target or not target.startswith("/") or target.startswith("//"):
        return redirect("/")
    return redirect(target)  # finding
""", "checks.py": """
from urllib.parse import urlsplit
HOSTS = {"example.org"}
def on_site(url):
    if "\\\\" not in url:
        parts = urlsplit(url)
        return not parts.netloc and not parts.scheme
    return False
def allowed_host(url):
    parts = urlsplit(url)
    return parts.netloc.lower() in HOSTS
def trimmed_ok(url):
    url = url.strip()
    return url in HOSTS
def lenient(url, debug):
    if debug:
        return True
    return urlsplit(url).hostname in HOSTS
"""}, "open-redirect"),
    "keywords a function does not name are its **kwargs, positional arguments past *args its items": ({
        "app.py": FLASK + """
import sqlite3
from store import find, run_all, tagged
@app.route("/find")
def find_route():
    find(sqlite3.connect("a.db"), host=request.args["host"])
    run_all(sqlite3.connect("a.db"), "SELECT 1", request.args["extra"])
    tagged("SELECT 1", "x", request.args["tag"], sep=",")
    return "ok"
""", "store.py": """
def find(conn, **filters: object):
    clause = " AND ".join(f"{column} = '{value}'" for column, value in filters.items())
    return conn.execute("SELECT * FROM deploys WHERE " + clause)  # finding
def run_all(conn, *statements: str):
    for statement in statements:
        conn.execute(statement)  # finding
def tagged(sql, *tags, sep):
    import sqlite3
    sqlite3.connect("a.db").execute(sql + sep)  # the tags are no separator
"""}, "sql-injection"),
    "what a method puts into its object's container field is read from that field by the others": ({
        "app.py": FLASK + """
import sqlite3
class Query:
    def __init__(self):
        self.filters = {}
        self.columns = []
    def where(self, **filters):
        self.filters.update(filters)
        return self
    def select(self, column):
        self.columns.append(column)
    def run(self, conn):
        clause = " AND ".join(f"{k} = '{v}'" for k, v in self.filters.items())
        return conn.execute("SELECT id FROM jobs WHERE " + clause)  # finding
    def listed(self, conn):
        return conn.execute("SELECT " + ", ".join(self.columns) + " FROM jobs")
@app.route("/jobs")
def jobs():
    query = Query().where(owner=request.args["owner"])
    query.select("id")
    return str(query.run(sqlite3.connect("a.db")).fetchall())
"""}, "sql-injection"),
    "a lambda's body is read where it is written, its parameter shadowing nothing after it": ({"app.py": FLASK + """
from markupsafe import Markup
@app.route("/l")
def listing():
    name = request.args["n"]
    render = lambda name: Markup(name)
    return render("x"), Markup("<b>" + name + "</b>")  # finding
@app.route("/m")
def marked():
    name = request.args["n"]
    show = lambda: Markup("<b>" + name + "</b>")  # finding
    return show()
"""}, "xss"),
    "cross-function": ({"app.py": FLASK + """
import os
def build(host):
    return "ping " + host
@app.route("/p")
def ping():
    os.system(build(request.args["h"]))  # finding
"""}, "command-injection"),
    "cross-module sink inside helper": ({
        "db.py": """
def run_query(cursor, name):
    cursor.execute("SELECT * FROM t WHERE n = '%s'" % name)  # finding
""",
        "app.py": FLASK + """
import sqlite3
from db import run_query
@app.route("/u")
def user():
    run_query(sqlite3.connect("x").cursor(), request.args["n"])
"""}, "sql-injection"),
    "cross-module query built in one module, executed in another": ({
        "queries.py": """
def by_name(name):
    return f"SELECT * FROM users WHERE name = '{name}'"
""",
        "views.py": FLASK + """
import sqlite3
from queries import by_name
@app.route("/u")
def user():
    cursor = sqlite3.connect("x").cursor()
    cursor.execute(by_name(request.args["n"]))  # finding
    cursor.execute("SELECT * FROM users WHERE name = ?", (request.args["n"],))
"""}, "sql-injection"),
    "import aliases": ({"app.py": FLASK + """
import subprocess as sp
from os import system as run
@app.route("/p")
def ping():
    host = request.args["h"]
    sp.call("ping " + host, shell=True)  # finding
    run("ping " + host)  # finding
"""}, "command-injection"),
    "object fields and methods": ({"app.py": FLASK + """
import os
class Job:
    def __init__(self, command):
        self.command = command
    def start(self):
        os.system(self.command)  # finding
@app.route("/j")
def job():
    Job(request.args["c"]).start()
"""}, "command-injection"),
    "the right operand of `and`/`or` runs where the left one's check held": ({"app.py": FLASK + """
import os
ROOT = "/srv/files"
@app.route("/f")
def probe():
    path = os.path.realpath(os.path.join(ROOT, request.args["name"]))
    if os.path.commonpath([ROOT, path]) != ROOT or os.stat(path).st_size == 0:
        return "no"
    return "yes"
@app.route("/g")
def probe_first():
    path = os.path.realpath(os.path.join(ROOT, request.args["name"]))
    if os.stat(path).st_size == 0 or os.path.commonpath([ROOT, path]) != ROOT:  # finding
        return "no"
    return "yes"
"""}, "path-traversal"),
    "a loop whose first statement leaves unless its item passes a check checks every item": ({"app.py": FLASK + """
import re
import sqlite3
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
@app.route("/t")
def table():
    columns = request.args.getlist("c")
    for col in columns:
        if not IDENTIFIER.fullmatch(col):
            raise ValueError(col)
    sqlite3.connect("d").execute(f"SELECT {', '.join(columns)} FROM t")
    names = request.args.getlist("n")
    for name in names:
        if not IDENTIFIER.fullmatch(name):
            continue
    sqlite3.connect("d").execute(f"SELECT {', '.join(names)} FROM t")  # finding
"""}, "sql-injection"),
    "a redirect target checked to start with a same-host folder stays on the host": ({"app.py": FLASK + """
from flask import redirect
ALLOWED = ("/events/", "/account/")
@app.route("/n")
def after_login():
    target = request.args.get("next", "")
    if not target.startswith(ALLOWED):
        target = "/"
    return redirect(target)
@app.route("/m")
def after_logout():
    target = request.args.get("next", "")
    if target.startswith("/events/"):
        return redirect(target)
    if target.startswith("/"):
        return redirect(target)  # finding
    return redirect("/")
"""}, "open-redirect"),
    "a project function that calls the function it is given runs it with the arguments after it": ({
        "retry.py": """
def with_retries(fn, *args):
    for _ in range(3):
        try:
            return fn(*args)
        except OSError:
            pass
    return fn(*args)
def logged(fn, value):
    print(value)
    return fn
""",
        "app.py": FLASK + """
import os
from retry import logged, with_retries
def ping(host):
    os.system("ping " + host)  # finding
def echo(text):
    os.system("echo " + text)
@app.route("/p")
def probe():
    with_retries(ping, request.args["host"])
    logged(echo, request.args["text"])
    with_retries(echo, "constant")
"""}, "command-injection"),
    "a function taken out of a dispatch table, in this module or another": ({
        "commands.py": """
import os
def calc(text):
    return eval(text)  # finding
def greet(text):
    return "hi " + text
def ping(text):
    return "pong"
COMMANDS = {"calc": calc, "greet": greet}
ACTIONS = {("GET", "/ping"): ping}
""",
        "bot.py": FLASK + """
from commands import COMMANDS, ACTIONS
import commands
@app.route("/m")
def message():
    text = request.args["text"]
    name, _, rest = text.partition(" ")
    handler = COMMANDS.get(name)
    handler(rest)
    commands.COMMANDS[name](rest)
    ACTIONS[(name, rest)](rest)
"""}, "code-injection"),
    "request object wrapped in a helper class": ({
        "wrapper.py": """
class RequestWrapper:
    def __init__(self, request):
        self.request = request
    def query(self, name):
        return self.request.args.get(name)
    def constant(self, name):
        return "fixed"
""",
        "app.py": FLASK + """
import os
from wrapper import RequestWrapper
@app.route("/w")
def wrapped():
    wrapper = RequestWrapper(request)
    os.system("echo " + wrapper.query("x"))  # finding
    os.system("echo " + wrapper.constant("x"))
"""}, "command-injection"),
    "module globals": ({"app.py": FLASK + """
import os
LAST = ""
@app.route("/set")
def remember():
    global LAST
    LAST = request.args["v"]
    return "ok"
def replay():
    os.system("echo " + LAST)  # finding
"""}, "command-injection"),
    "shlex.quote cleans for the shell only": ({"app.py": FLASK + """
import os, shlex, sqlite3
@app.route("/q")
def both():
    name = shlex.quote(request.args["n"])
    os.system("grep " + name + " log.txt")
    sqlite3.connect("x").execute("SELECT * FROM t WHERE n = " + name)  # finding
"""}, "sql-injection"),
    "guards: allow-list, isalnum, early return": ({"app.py": FLASK + """
import os
ALLOWED = {"a", "b"}
@app.route("/g")
def guarded():
    mode = request.args["m"]
    if mode not in ALLOWED:
        return "no", 400
    os.system("run " + mode)
    name = request.args["n"]
    if not name.isalnum():
        raise ValueError(name)
    os.system("run " + name)
    other = request.args["o"]
    os.system("run " + other)  # finding
"""}, "command-injection"),
    "loops, comprehensions, with, f-strings, %, format, +": ({"app.py": FLASK + """
import os
@app.route("/l")
def loops():
    parts = []
    for word in request.args.getlist("w"):
        parts.append(word)
    os.system("echo %s" % " ".join(parts))  # finding
    os.system("echo {}".format([p.upper() for p in parts][0]))  # finding
    with open("/tmp/x") as handle:
        os.system(f"echo {handle.read()}")
    total = "echo "
    total += request.args["t"]
    os.system(total)  # finding
"""}, "command-injection"),
    "constant conditions pick one branch": ({"app.py": FLASK + """
import os
@app.route("/c")
def constant():
    param = request.args["p"]
    num = 106
    safe = "fixed" if 7 * 18 + num > 200 else param
    os.system("echo " + safe)
    unsafe = "fixed" if 7 * 18 + num < 200 else param
    os.system("echo " + unsafe)  # finding
    choice = "ABC"[1]
    match choice:
        case "A":
            picked = param
        case "B":
            picked = "constant"
        case _:
            picked = param
    os.system("echo " + picked)
    match "ABC"[0]:
        case "A":
            chosen = param
        case _:
            chosen = "constant"
    os.system("echo " + chosen)  # finding
"""}, "command-injection"),
    "containers keep their elements apart": ({"app.py": FLASK + """
import configparser, os
@app.route("/k")
def containers():
    param = request.args["p"]
    values = ["safe", param, "moresafe"]
    values.pop(0)
    os.system("echo " + values[1])
    os.system("echo " + values[0])  # finding
    table = {"a": "constant", "b": param}
    os.system("echo " + table["a"])
    os.system("echo " + table["b"])  # finding
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "a", "constant")
    conf.set("s", "b", param)
    os.system("echo " + conf.get("s", "a"))
    os.system("echo " + conf.get("s", "b"))  # finding
"""}, "command-injection"),
    "a shell with -c in an argument list": ({"app.py": FLASK + """
import subprocess
@app.route("/s")
def shell_list():
    args = []
    args.append("sh")
    args.append("-c")
    args.append("echo " + request.args["x"])
    subprocess.run(args)  # finding
    subprocess.run(["echo", request.args["x"]])
"""}, "command-injection"),
    "returns through several helpers": ({"app.py": FLASK + """
import os
def strip(value):
    return value.strip()
def wrap(value):
    return "[" + strip(value) + "]"
def constant(value):
    return "fixed"
@app.route("/r")
def returns():
    os.system("echo " + wrap(request.args["x"]))  # finding
    os.system("echo " + constant(request.args["x"]))
"""}, "command-injection"),
    "a break carries the value out of its loop": ({"app.py": FLASK + """
import os
@app.route("/b")
def first_header():
    found = ""
    for name in request.headers.keys():
        if name.startswith("x-"):
            continue
        if request.headers.get(name):
            found = name
            break
    os.system("echo " + found)  # finding
"""}, "command-injection"),
    "route parameters converted to numbers are not text": ({"app.py": FLASK + """
import os
@app.route("/n/<int:item_id>/<name>")
def numbered(item_id, name):
    os.system("echo " + str(item_id))
    os.system("echo " + name)  # finding
"""}, "command-injection"),
    "a helper returning a connection types the calls on it": ({
        "directory.py": """
import ldap3
def connect():
    conn = ldap3.Connection("ldap://x")
    return conn
""",
        "app.py": FLASK + """
import re
from directory import connect
@app.route("/l")
def lookup():
    uid = request.args["uid"]
    connect().search("dc=x", "(uid=" + uid + ")")  # finding
    re.search("dc=x", "(uid=" + uid + ")")
"""}, "ldap-injection"),
    "guards of one kind clean for that kind only": ({"app.py": FLASK + """
import sqlite3
@app.route("/d")
def dots():
    name = request.args["n"]
    if ".." in name:
        return "no", 400
    open("/data/" + name)
    sqlite3.connect("x").execute("SELECT * FROM t WHERE n = '" + name + "'")  # finding
"""}, "sql-injection"),
    "parsed URL host allow-list validates the URL": ({"app.py": FLASK + """
import urllib.parse
from flask import redirect
@app.route("/go")
def go():
    target = request.args["to"]
    url = urllib.parse.urlparse(target)
    if url.netloc not in ["example.org"] or url.scheme != "https":
        return "no", 400
    return redirect(target)
@app.route("/go2")
def go2():
    return redirect(request.args["to"])  # finding
"""}, "open-redirect"),
    "the path of a route without URL variables is a constant": ({"app.py": FLASK + """
import os
@app.route("/static/page")
def static_page():
    os.system("echo " + request.path.split("/")[1])
@app.route("/files/<path:name>")
def dynamic_page(name):
    os.system("echo " + request.path.split("/")[1])  # finding
"""}, "command-injection"),
    "an except clause that returns ends its flow": ({"app.py": FLASK + """
import urllib.parse
from flask import redirect
@app.route("/go")
def go():
    target = request.args["to"]
    try:
        url = urllib.parse.urlparse(target)
        if url.netloc not in ["example.org"]:
            return "no", 400
    except ValueError:
        return "bad", 400
    return redirect(target)
"""}, "open-redirect"),
    "quotes replaced away keep a value inside its literal": ({"app.py": FLASK + """
from lxml import etree
@app.route("/x")
def employees():
    emplid = request.args["id"]
    tree = etree.parse("e.xml")
    tree.xpath("//e[@id='" + emplid.replace("'", "&apos;") + "']")
    tree.xpath("//e[@id='" + emplid + "']")  # finding
"""}, "xpath-injection"),
    "a parser configured to resolve external entities": ({"app.py": FLASK + """
import xml.dom.minidom
import xml.sax
@app.route("/x", methods=["POST"])
def upload():
    plain = xml.sax.make_parser()
    xml.dom.minidom.parseString(request.data, plain)
    resolving = xml.sax.make_parser()
    resolving.setFeature(xml.sax.handler.feature_external_ges, True)
    xml.dom.minidom.parseString(request.data, resolving)  # finding
"""}, "xxe"),
    "the project's own validators and commonpath confinement": ({
        "files.py": """
import os
ROOT = "/srv/files"
def inside(name):
    candidate = os.path.realpath(os.path.join(ROOT, name))
    if os.path.commonpath([ROOT, candidate]) != ROOT:
        raise PermissionError(name)
    return candidate
""",
        "app.py": FLASK + """
from flask import redirect
from files import inside
def is_safe_redirect(url):
    return url.startswith("/") and not url.startswith("//")
@app.route("/f")
def read():
    open(inside(request.args["n"]))
    target = request.args["next"]
    if is_safe_redirect(target):
        return redirect(target)
    return redirect(request.args["fallback"])  # finding
"""}, "open-redirect"),
    "a lookup key does not flow into the value found": ({"app.py": FLASK + """
import importlib
EXPORTERS = {"csv": "exporters.csv", "xlsx": "exporters.xlsx"}
@app.route("/e")
def export():
    fmt = request.args["fmt"]
    importlib.import_module(EXPORTERS.get(fmt, "exporters.csv"))
    importlib.import_module(EXPORTERS.get("csv", fmt))  # finding
    importlib.import_module(Exporter.objects.get(name=fmt).module)
    importlib.import_module(Exporter.objects.get(**{"name": fmt}).module)
    return importlib.import_module(fmt)  # finding
"""}, "import-injection"),
    "file contents are not the path they were read from": ({"app.py": FLASK + """
@app.route("/f")
def show():
    with open("/srv/files/" + request.args["n"]) as handle:
        data = handle.read()
    return data
@app.route("/g")
def echo():
    return request.args["n"]  # finding
"""}, "xss"),
    "a URL on a fixed host": ({"app.py": FLASK + """
import requests
@app.route("/u")
def fetch():
    page = request.args["page"]
    requests.get(f"https://api.example.org/pages/{page}")
    requests.get("https://api.example.org/pages/" + page)
    requests.get("https://" + page + ".example.org/")  # finding
    requests.get(f"{page}/status")  # finding
"""}, "ssrf"),
    "a checked field of a request body": ({"app.py": FLASK + """
import requests
from urllib.parse import urlparse
ALLOWED = {"hooks.example.org"}
@app.route("/hook", methods=["POST"])
def hook():
    body = request.get_json()
    if urlparse(body.url).hostname not in ALLOWED:
        return "no", 400
    requests.post(body.url)
    requests.post(body.other)  # finding
"""}, "ssrf"),
    "a method a project base class defines, called on self": ({"app.py": FLASK + """
import os
class Confined:
    def target(self, name):
        filename = os.path.abspath(os.path.join("/srv/files", name))
        if not filename.startswith("/srv/files/"):
            raise ValueError(name)
        return filename
    def raw(self, name):
        return os.path.join("/srv/files", name)
class Files(Confined):
    def read(self, name):
        with open(self.target(name)) as checked:
            pass
        with open(self.raw(name)) as unchecked:  # finding
            pass
@app.route("/f")
def files():
    return Files().read(request.args["name"])
"""}, "path-traversal"),
    "a checking call made as a statement validates what it is given": ({"db.py": """
import re
def validate_savepoint_name(name):
    if not re.fullmatch(r"[a-z_]+", name):
        raise ValueError(name)
class Transaction:
    def __init__(self, connection):
        self.connection = connection
    def savepoint(self, name):
        validate_savepoint_name(name)
        self.connection.execute(f"SAVEPOINT {name}")
    def release(self, name):
        self.connection.execute(f"RELEASE SAVEPOINT {name}")  # finding
""", "tests/test_db.py": """
from db import Transaction
def test_release(connection):
    Transaction(connection).release("one")
    Transaction(connection).savepoint("two")
"""}, "sql-injection"),
    "a function run in a worker thread is followed with its arguments": ({"app.py": FLASK + """
import asyncio
import os
import anyio
def confined(name):
    path = os.path.realpath(os.path.join("/srv/files", name))
    if os.path.commonpath([path, "/srv/files"]) != "/srv/files":
        raise ValueError(name)
    return path
def read(name):
    return open(name).read()  # finding
@app.route("/f")
async def files():
    name = request.args["name"]
    checked = await anyio.to_thread.run_sync(confined, name)
    open(checked)
    return await asyncio.get_running_loop().run_in_executor(None, read, name)
"""}, "path-traversal"),
    "a task sent to a queue's worker is followed with what the producer sends": ({"tasks.py": """
import subprocess
import dramatiq
from celery import shared_task
from rq import Queue
from redis import Redis
queue = Queue(connection=Redis())
@shared_task
def transcode(path, scale):
    subprocess.run(f"ffmpeg -i {path} -vf scale={scale} out.mp4", shell=True)  # finding
@shared_task
def thumbnail(path, size="128x128"):
    subprocess.run(f"convert {path} -resize {size} thumb.png", shell=True)  # finding
@shared_task
def probe(path):
    subprocess.run(f"ffprobe {path}", shell=True)
def archive(name):
    subprocess.run("tar czf backup.tgz " + name, shell=True)
@dramatiq.actor
def notify(channel):
    subprocess.run("notify-send " + channel, shell=True)  # finding
""", "api.py": FLASK + """
from tasks import archive, notify, probe, queue, thumbnail, transcode
@app.post("/jobs")
def create_job():
    transcode.delay("/srv/in.mp4", request.json["scale"])
    thumbnail.apply_async(("/srv/in.png",), {"size": request.form["size"]}, countdown=5)
    probe.apply_async(args=["/srv/in.mp4"])
    queue.enqueue(archive, "nightly")  # RQ is not followed: `archive` stays an entry point
    notify.send(request.args["channel"])
    return "queued"
"""}, "command-injection"),
    "a quoted string literal checked part by part is no code": ({"app.py": FLASK + """
@app.route("/e")
def evaluate():
    text = request.args["text"]
    if text.startswith("'") and text.endswith("'") and "'" not in text[1:-1]:
        eval(text)
    if not text.startswith("'") or "'" in text[1:-1]:
        return "no"
    eval(text)  # finding
    return "ok"
"""}, "code-injection"),
    "a slice of a parameter is the parameter, not an item taken out of it": ({"lib.py": """
import gzip
import os
from lxml import etree
def convert(path):
    if os.path.splitext(path)[1] == ".svgz":
        with gzip.open(path) as packed, open(path[:-1], "wb") as unpacked:
            unpacked.write(packed.read())
        path = path[:-1]
    return load(path)
def load(path):
    return etree.parse(path, parser=etree.XMLParser(recover=True))  # finding
"""}, "xxe"),
    "a folder prefix checked with a separator added": ({"app.py": """
import os
import tornado.web
class Files(tornado.web.RequestHandler):
    def get(self, path):
        root = os.path.abspath("/srv/static") + os.path.sep
        absolute_path = os.path.abspath(os.path.join(root, path))
        if not (absolute_path + os.path.sep).startswith(root):
            raise tornado.web.HTTPError(403)
        open(absolute_path)
        raw = os.path.join(root, path)
        if not (raw + "/").startswith(root):
            raise tornado.web.HTTPError(403)
        open(raw)  # finding
app = tornado.web.Application([(r"/(.*)", Files)])
"""}, "path-traversal"),
    "a checked or empty value, the check given by keyword": ({"views.py": """
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
def set_language(request):
    next_url = request.POST.get("next")
    if (next_url or request.accepts("text/html")) and not url_has_allowed_host_and_scheme(
            url=next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    HttpResponseRedirect(next_url)
    other = request.POST.get("other")
    if other and not url_has_allowed_host_and_scheme(other, allowed_hosts={request.get_host()}):
        pass
    return HttpResponseRedirect(other)  # finding
urlpatterns = [path("i18n/setlang/", set_language)]
"""}, "open-redirect"),
    "a resolved pathlib path checked against its folder": ({"app.py": FLASK + """
import pathlib
FILES = pathlib.Path("/srv/files")
@app.route("/f")
def read():
    name = request.cookies.get("name")
    resolved = (FILES / name).resolve()
    if not str(resolved).startswith(str(FILES)):
        return "no"
    joined = FILES / name
    if not str(joined).startswith(str(FILES)):
        return "no"
    text = resolved.read_text()
    return text + joined.read_text()  # finding
"""}, "path-traversal"),
    "a private validator guards the value it returns": ({"app.py": FLASK + """
from flask import redirect
from urllib.parse import urlsplit, urlunsplit
def _is_safe_next_url(url):
    return not urlsplit(url).netloc
def next_path(unsafe):
    if _is_safe_next_url(unsafe):
        return unsafe
    path = urlunsplit(["", "", urlsplit(unsafe).path, "", ""])
    if path and _is_safe_next_url(path):
        return path
    return "./"
def unchecked(unsafe):
    return unsafe
@app.route("/login")
def login():
    redirect(next_path(request.args["next"]))
    return redirect(unchecked(request.args["next"]))  # finding
"""}, "open-redirect"),
    "a session store opened by the session cookie holds the server's data, not the key": ({"middleware.py": """
from importlib import import_module
from django.conf import settings
from django.urls import path
engine = import_module(settings.SESSION_ENGINE)
def view(request):
    session = engine.SessionStore(request.COOKIES.get("sessionid"))
    import_module(session["backend"])
    return import_module(request.COOKIES["backend"])  # finding
urlpatterns = [path("v", view)]
"""}, "import-injection"),
    "a Django view returns a response object, not a body": ({"views.py": """
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
def hello(request):
    name = request.GET["name"]
    HttpResponse("<p>" + name)  # finding
    return HttpResponseRedirect("/greet/" + name)
urlpatterns = [path("hello", hello)]
"""}, "xss"),
    "request data reaches the overrides of a method called on an object of unknown class": ({
        "pages.py": """
import sqlite3
class Page:
    def run(self, term):
        return term
class Search(Page):
    def run(self, term):
        sqlite3.connect("a.db").execute("SELECT * FROM t WHERE x = '" + term + "'")  # finding
class Count(Page):
    def run(self, term, limit):
        sqlite3.connect("a.db").execute("SELECT * FROM t LIMIT " + limit)
class Lookup:
    def get(self, key):
        sqlite3.connect("a.db").execute("SELECT * FROM t WHERE k = '" + key + "'")
class Cache:
    def get(self, key):
        return None
""",
        "app.py": FLASK + """
import pages
PAGES = {"search": pages.Search(), "count": pages.Count()}
STORES = {"db": pages.Lookup(), "memory": pages.Cache()}
@app.route("/p/<name>")
def page(name):
    PAGES[name].run(request.args["q"])
    STORES[name].get(request.args["k"])
    return "ok"
def library_call(table, key):
    return PAGES[table].run(key)
"""}, "sql-injection"),
    # `python app/main.py` puts `app/` (no package) on sys.path: `apis.admin` is `app/apis/admin.py`.
    "a folder's neighbours imported by their own names": ({
        "app/apis/admin.py": """
import subprocess
def disk_usage(options):
    return subprocess.run("df -h " + options, shell=True)  # finding
""",
        "app/main.py": FLASK + """
from apis.admin import disk_usage
@app.route("/disk")
def disk():
    return str(disk_usage(request.args.get("o", "")))
"""}, "command-injection"),
    # Two apps side by side, each importing its own `models`: each call reaches its own folder's.
    "two apps in one repository, each with its own models": ({
        "shop/models/pages.py": """
import sqlite3
class Pages:
    def get_page(self, page_id):
        return sqlite3.connect("x").execute("SELECT * FROM pages WHERE id=" + page_id)  # finding
""",
        "shop/main.py": FLASK + """
from models.pages import Pages
@app.route("/p/<page_id>")
def page(page_id):
    return str(Pages().get_page(page_id))
""",
        "blog/models/pages.py": """
import sqlite3
class Pages:
    def get_page(self, page_id):
        return sqlite3.connect("x").execute("SELECT * FROM pages WHERE id=?", (page_id,))
    def by_title(self, title):
        return sqlite3.connect("x").execute("SELECT * FROM pages WHERE title='" + title + "'")
""",
        "blog/main.py": FLASK + """
from models.pages import Pages
@app.route("/p/<page_id>")
def page(page_id):
    return str(Pages().get_page(page_id))
def titles():
    return Pages().by_title("home")
"""}, "sql-injection"),
    # An API's parameter holds the caller's data: an item of it, decoded, is still that data. No
    # API unpickles by design: the bytes it is handed, whole, decoded or decompressed, run code.
    "an entry point decoding an item of its parameter": ({"store.py": """
import ast
import base64
import pickle
import zlib
def restore(payload):
    return pickle.loads(ast.literal_eval(payload["state"]))  # finding
def restore_encoded(payload):
    blob = payload.get("blob")
    return pickle.loads(base64.b64decode(blob))  # finding
def restore_blob(blob):
    return pickle.loads(base64.b64decode(blob))  # finding
def unpack(data):
    if data.startswith(b"Z1"):
        data = zlib.decompress(data[2:])
    return pickle.loads(data)  # finding
def load_snapshot(data):
    return unpack(data)
"""}, "unsafe-deserialization"),
    # An Unpickler's hooks are handed parts of the stream it loads: that load is the sink.
    "a method of a subclass of a sink's class": ({"serializer.py": """
import base64
import pickle
class Restorer(pickle.Unpickler):
    def persistent_load(self, pid):
        return pickle.loads(base64.b64decode(pid))
class Cache:
    def restore(self, blob):
        return pickle.loads(base64.b64decode(blob))  # finding
"""}, "unsafe-deserialization"),
    "the program's own path is no input": ({"restart.py": """
import subprocess
import sys
def restart():
    return subprocess.run([sys.argv[0], "--child"])
def run_named():
    return subprocess.run([sys.argv[1], "--child"])  # finding
"""}, "command-injection"),
    # A package's API stays an entry point when only the scripts shipped beside it call it; a
    # function its own package calls with constants does not.
    "a package's API called only by a script beside it": ({
        "svgkit/__init__.py": "",
        "svgkit/convert.py": """
from lxml import etree
def load(path):
    return etree.parse(path)  # finding
def load_bundled(path):
    return etree.parse(path)
def default_theme():
    return load_bundled("themes/default.svg")
""",
        "scripts/svg2pdf.py": """
import sys
from svgkit.convert import load
print(load(sys.argv[1]))
"""}, "xxe"),
    "a record fetched by its identifier holds stored fields, not the key": ({"app.py": FLASK + """
from flask import redirect
from store import Link, build_target, get_object_or_404
@app.route("/go/<link_id>")
def go(link_id):
    link = get_object_or_404(Link, pk=link_id)
    return redirect(link.target_url)
@app.route("/jump")
def jump():
    return redirect(build_target(id=request.args["to"]))  # finding
"""}, "open-redirect"),
    # The store's class is unknown where it is used (an argument), but one project class has a
    # method of that distinctive name: the request data passed through the helper reaches it.
    "a distinctive method of an object of unknown class": ({
        "store.py": """
import sqlite3
class Store:
    def execute_read(self, sql):
        return sqlite3.connect("x").execute(sql).fetchall()  # finding
""",
        "app.py": FLASK + """
from store import Store
app.store = Store()
def search(req, application):
    term = req.args.get("q", "")
    return application.store.execute_read("SELECT * FROM t WHERE name = '" + term + "'")
@app.route("/s")
def find():
    return str(search(request, app))
"""}, "sql-injection"),
    "a value's class is code, not the text it holds": ({"app.py": FLASK + """
import os
from records import load
@app.route("/c")
def describe():
    record = load(request.args["x"])
    os.system("echo " + record.__class__.__name__)
    os.system("echo " + type(record).__name__)
    os.system("echo " + record.name)  # finding
    return "ok"
"""}, "command-injection"),
    # An object bound differently on two paths: its method cleans only if every one of them does.
    "an object bound to different classes on different paths": ({"views.py": """
import jinja2
from django.http import HttpResponse
from django.template import Engine, TemplateDoesNotExist, loader
def greeting(request):
    name = request.GET["name"]
    try:
        template = loader.get_template("greeting.html")
    except TemplateDoesNotExist:
        template = Engine().from_string("<p>Hello {{ name }}</p>")
    return HttpResponse(template.render({"name": name}))
def legacy_greeting(request):
    name = request.GET["name"]
    if request.GET.get("old"):
        template = jinja2.Template("<p>Hello {{ name }}</p>")
    else:
        template = Engine().from_string("<p>Hello {{ name }}</p>")
    return HttpResponse(template.render(name=name))  # finding
"""}, "xss"),
    # A helper returns the argument list: its element 0 (or the command of `sh -c`) chooses what runs.
    "an argument list built by a helper": ({
        "commands.py": """
def ping_args(host):
    return ["ping", "-c", "1", host]
def shell_args(host):
    return ["sh", "-c", "ping " + host]
def tool_args(tool):
    return [tool, "--version"]
""",
        "app.py": FLASK + """
import subprocess
from commands import ping_args, shell_args, tool_args
@app.route("/p")
def ping():
    subprocess.run(ping_args(request.args["h"]))
    subprocess.run(shell_args(request.args["h"]))  # finding
    subprocess.run(tool_args(request.args["t"]))  # finding
    return "ok"
"""}, "command-injection"),
    # `urllib.request.urlopen` reads the network; `urllib.request` is a module, not a request object.
    "a module that holds a source is no source itself": ({"tool.py": """
import os
import urllib.request
def listing(folder_url):
    os.system("ls " + urllib.request.url2pathname("/srv/shared"))
    os.system("echo " + urllib.request.urlopen(folder_url).read().decode())  # finding
"""}, "command-injection"),
    # A home-made request (a dict) given to an entry point: its items are the caller's input, though
    # its name is the one web frameworks give theirs.
    "an entry point's plain request dict": ({"previews.py": """
import urllib.request
from django.shortcuts import redirect
def preview_for(request: dict) -> bytes:
    return urllib.request.urlopen(request["target"]).read()  # finding
def back(request):
    return redirect("%s/" % request.path)
"""}, "ssrf"),
    "a field of an API's model, taken out of its dict": ({"images.py": """
import requests
def import_image(item):
    fields = item.dict()
    url = fields.pop("image_url", None)
    return requests.get(url).content  # finding
def fetch(url):
    return requests.get(url).content
"""}, "ssrf"),
    "a conditional expression's branches run where its condition was true or false": ({"app.py": FLASK + """
from urllib.parse import urlsplit
from flask import redirect
HOSTS = {"docs.example.org"}
def is_allowed(url, hosts):
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname in hosts
def safe_next(url, default="/"):
    return url if url and is_allowed(url, HOSTS) else default
def any_next(url, default="/"):
    return url if url else default
@app.route("/a")
def a():
    redirect(safe_next(request.args["next"]))
    redirect(request.args["to"] if not is_allowed(request.args["to"], HOSTS) else "/")  # finding
    return redirect(any_next(request.args["next"]))  # finding
"""}, "open-redirect"),
    "characters rejected by any() over a literal": ({"app.py": FLASK + """
from urllib.parse import urlsplit
from flask import redirect
def local_path(target, default="/"):
    if not target or any(ch in target for ch in ("\\\\", "\\t", " ")):
        return default
    parts = urlsplit(target)
    if parts.netloc:
        return default
    return target
def hostless(target, default="/"):
    if any(ch in target for ch in "\\t\\r\\n"):
        return default
    parts = urlsplit(target)
    if parts.netloc:
        return default
    return target
def all_clear(target, default="/"):
    if all(ch not in target for ch in "\\\\\\t") and not urlsplit(target).netloc:
        return target
    return default
def inline_host(target, default="/"):
    if urlsplit(target).netloc or "\\\\" in target:
        return default
    return target
def inline_only(target, default="/"):
    if urlsplit(target).netloc:
        return default
    return target
@app.route("/a")
def a():
    redirect(local_path(request.args["next"]))
    redirect(all_clear(request.args["next"]))
    redirect(inline_host(request.args["next"]))
    redirect(inline_only(request.args["next"]))  # finding
    return redirect(hostless(request.args["next"]))  # finding
"""}, "open-redirect"),
    "a function annotated to return a number returns no text to its callers": ({"app.py": FLASK + """
import sqlite3
def visits_of(page: str) -> int | None:
    row = sqlite3.connect("app.db").execute("SELECT visits FROM pages WHERE name = ?", (page,)).fetchone()
    return row[0] if row else None
def title_of(page: str) -> str:
    row = sqlite3.connect("app.db").execute("SELECT title FROM pages WHERE name = ?", (page,)).fetchone()
    return row[0]
@app.route("/p/<page>")
def show(page):
    return f"<h1>{title_of(page)}</h1><p>{visits_of(page)} visits</p>"  # finding
@app.route("/v/<page>")
def visits(page):
    return f"<p>{visits_of(page)} visits</p>"
"""}, "xss"),
    "a request built from input is reported where it is sent": ({"app.py": FLASK + """
import urllib.request
@app.route("/feed")
def feed():
    req = urllib.request.Request(request.args["url"], headers={"User-Agent": "kiosk"})
    with urllib.request.urlopen(req, timeout=5) as resp:  # finding
        body = resp.read()
    built = urllib.request.Request(request.args["other"])  # finding
    return body + built.full_url.encode()
"""}, "ssrf"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_taint_case(tmp_path: Path, name: str) -> None:
    files, rule = CASES[name]
    assert found(tmp_path, files, rule) == marked(files)


def test_a_library_opening_the_path_it_is_given_is_no_traversal(tmp_path: Path) -> None:
    files = CASES["a slice of a parameter is the parameter, not an item taken out of it"][0]
    assert found(tmp_path, files, "path-traversal") == set()


def test_path_guard_cleans_path_sinks(tmp_path: Path) -> None:
    files = CASES["guards of one kind clean for that kind only"][0]
    assert found(tmp_path, files, "path-traversal") == set()


def test_route_returning_json_is_not_xss(tmp_path: Path) -> None:
    files = {"app.py": FLASK + """
from fastapi import FastAPI
api = FastAPI()
@app.route("/html")
def html_page():
    return "<p>" + request.args["q"] + "</p>"  # finding
@app.route("/json")
def json_page():
    return {"q": request.args["q"]}
@api.get("/items")
def items(q: str):
    return q
"""}
    assert found(tmp_path, files, "xss") == marked(files)


def test_a_prefix_check_confines_only_what_its_prefix_says(tmp_path: Path) -> None:
    """`startswith("http")` checks a scheme, not a command; a folder prefix confines a normalised
    path; a `scheme://host/` prefix keeps a request on that host, and nothing more."""
    files = {"app.py": FLASK + """
import os
import requests
BASE = "/srv/repos"
@app.route("/clone")
def clone():
    address = request.args["address"]
    if not address.startswith("http"):
        return "no", 400
    os.system("git clone " + address)  # finding
    path = request.args["path"]
    if not os.path.abspath(path).startswith(BASE):
        return "no", 400
    open(path)
    raw = request.args["raw"]
    if not raw.startswith(BASE):  # "/srv/repos/../../etc/passwd" passes
        return "no", 400
    open(raw)  # finding
    url = request.args["url"]
    if url.startswith("https://api.example.org/"):
        requests.get(url)
        os.system("curl " + url)  # finding
    return "ok"
"""}
    findings = run(tmp_path, files)
    assert {(name, line) for name, line, rule in findings if rule in ("command-injection", "path-traversal", "ssrf")} \
        == marked(files)


def test_a_request_made_in_a_test_is_not_the_source_of_a_product_finding(tmp_path: Path) -> None:
    files = {"lib.py": """
import os
def show(value):
    os.system("echo " + value)
""", "tests/test_lib.py": """
from flask import request
from lib import show
def test_show():
    show(request.args["x"])
"""}
    run(tmp_path, files)
    result = scan(ScanOptions((tmp_path,), root=tmp_path, rules_dir=RULES, cache_dir=None, jobs=1))
    [finding] = [f for f in result.findings if f.rule_id == "command-injection"]
    assert finding.confidence.value == "medium" and "parameter 'value' of lib.show" in finding.message


def test_a_test_handing_product_data_to_product_code_is_no_product_finding(tmp_path: Path) -> None:
    files = {"app.py": FLASK + """
import os
class Page:
    def summary(self):
        return "%s %s" % (request.method, request.args["q"])
    def log(self, chunk):
        os.system("logger " + chunk)
@app.route("/p")
def page():
    Page().log("served")
    return "done"
""", "tests/test_app.py": """
from app import Page
def test_log():
    page = Page()
    page.log(page.summary())
"""}
    assert not [f for f in run(tmp_path, files) if f[2] == "command-injection"]


def test_a_neighbour_imported_by_its_own_name_is_followed_from_the_route(tmp_path: Path) -> None:
    # Not an entry point (medium) seen alone: the route that calls it makes the finding high.
    files, _ = CASES["a folder's neighbours imported by their own names"]
    run(tmp_path, files)
    result = scan(ScanOptions((tmp_path,), root=tmp_path, rules_dir=RULES, cache_dir=None, jobs=1))
    (finding,) = [f for f in result.findings if f.rule_id == "command-injection"]
    assert finding.confidence == Level.HIGH
    assert [Path(hop.path).name for hop in finding.trace][0] == "main.py"


def test_a_parameter_holds_what_its_callers_pass_across_modules(tmp_path: Path) -> None:
    files = {"app.py": FLASK + """
from storage import keep, keep_either
@app.route("/up", methods=["POST"])
def up():
    keep(request.files["doc"], request.form["name"])
    keep_either(request.files["doc"], request.form["name"])
    return "ok"
""", "storage.py": """
import os
from reports import Report
def keep(upload, name):
    upload.save(os.path.join("/srv/uploads", name))  # finding
def keep_either(thing, name):
    thing.save(os.path.join("/srv/uploads", name))
def export(name):
    keep_either(Report.current, name)
"""}
    # `keep_either` is passed an upload by one caller and a report by another: no type, so its
    # `thing.save` is no upload's save; `keep`'s parameter only ever holds an upload.
    assert found(tmp_path, files, "path-traversal") == marked(files)


def test_a_generator_passed_bare_is_one_argument_its_element_decides(tmp_path: Path) -> None:
    files = {"app.py": FLASK + """
import html
@app.route("/tags")
def tags():
    names = request.args.getlist("tag")
    safe = "".join("<li>" + html.escape(n) + "</li>" for n in names)
    raw = "".join("<li>" + n + "</li>" for n in names)
    return safe + raw  # finding
"""}
    assert found(tmp_path, files, "xss") == marked(files)
    files["app.py"] = files["app.py"].replace("safe + raw  # finding", "safe")
    assert found(tmp_path, files, "xss") == set()
