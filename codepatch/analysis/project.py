"""What the solver knows of the whole project beyond its functions, gathered from every module's
facts (kept in solved entries too): the bases of its classes, the handlers frameworks' registration
calls name, its constant module globals, the functions passed around as values.

Classes make a framework's knowledge reach subclasses: `self.path` in a subclass of
`http.server.BaseHTTPRequestHandler` reads `BaseHTTPRequestHandler.path`, and `self.get_argument()`
in a Tornado handler calls `RequestHandler.get_argument`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from codepatch.analysis.conditions import normalize
from codepatch.files.discover import is_test_path

MAX_ANCESTORS = 64


@dataclass(frozen=True)
class Registered:
    framework: str
    typed: frozenset[str]  # URL variables the framework converts (`<int:pk>`): numbers, never text
    methods: tuple[str, ...] = ()  # a registered class or instance: the methods that handle requests


@dataclass
class ProjectFacts:
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # class → its direct bases
    registered: dict[str, Registered] = field(default_factory=dict)  # handler → how it was registered
    constants: frozenset[str] = frozenset()  # module globals and class attributes always bound to a constant
    referenced: frozenset[str] = frozenset()  # functions product code passes as values
    methods: frozenset[str] = frozenset()  # method names product code calls on objects of unknown class
    texts: dict[str, str] = field(default_factory=dict)  # class attribute → the one text it is bound to
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)  # module global → its table's functions
    _ancestors: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, modules: Iterable[dict]) -> ProjectFacts:
        bases: dict[str, tuple[str, ...]] = {}
        registered: dict[str, Registered] = {}
        constants: set[str] = set()
        referenced: set[str] = set()
        methods: set[str] = set()
        texts: dict[str, str] = {}
        tables: dict[str, tuple[str, ...]] = {}
        modules = list(modules)
        # A URL configuration module mounted under patterns (`include`): the URL variables all of them convert.
        mounted: dict[str, frozenset[str]] = {}
        for module in modules:
            for entry in module.get("registered", ()):
                if entry.get("include"):
                    typed = frozenset(entry["typed"])
                    mounted[entry["qn"]] = mounted[entry["qn"]] & typed if entry["qn"] in mounted else typed
        for module in modules:
            for qn, names in module.get("classes", {}).items():
                bases[normalize(qn)] = tuple(normalize(b) for b in names)
            for entry in module.get("registered", ()):
                if not entry.get("include"):
                    typed = frozenset(entry["typed"]) | mounted.get(module.get("module", ""), frozenset())
                    registered.setdefault(normalize(entry["qn"]), Registered(entry["framework"], typed,
                                                                             tuple(entry.get("methods", ()))))
            constants.update(module.get("constants", ()))
            texts.update((normalize(cell), text) for cell, text in module.get("texts", {}).items())
            tables.update((cell, tuple(names)) for cell, names in module.get("tables", {}).items())
            if is_test_path(module["path"]):
                continue  # what tests call or pass around is still the project's API (entries.py)
            referenced.update(normalize(name) for name in module.get("referenced", ()))
            methods.update(module.get("methods", ()))
        return cls(bases, registered, frozenset(constants), frozenset(referenced), frozenset(methods), texts, tables)

    def is_method(self, key: str, params: list[str]) -> bool:
        """Whether the function `key` is a method: `self` or `cls` first, or defined in a project class."""
        return params[:1] in (["self"], ["cls"]) or key.rpartition(".")[0] in self.bases

    def ancestors(self, qn: str) -> tuple[str, ...]:
        """Every class `qn` derives from, nearest first (as far as the project's classes tell)."""
        if qn not in self._ancestors:
            found: dict[str, None] = {}
            queue = list(self.bases.get(qn, ()))
            while queue and len(found) < MAX_ANCESTORS:
                base = queue.pop(0)
                if base not in found and base != qn:
                    found[base] = None
                    queue.extend(self.bases.get(base, ()))
            self._ancestors[qn] = tuple(found)
        return self._ancestors[qn]

    def inherited(self, qn: str) -> Iterator[str]:
        """`qn`, then the same name read through each ancestor of the class it starts with:
        `app.Handler.path` → `http.server.BaseHTTPRequestHandler.path`."""
        yield qn
        parts = qn.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            owner = ".".join(parts[:cut])
            if owner in self.bases:
                rest = ".".join(parts[cut:])
                for ancestor in self.ancestors(owner):
                    yield f"{ancestor}.{rest}"
                return

    def text_of(self, qn: str) -> str | None:
        """The text a class attribute read through an instance holds (`View().template_name`), found
        on its class or the nearest base that binds it."""
        for name in self.inherited(normalize(qn).replace("()", "")):
            if name in self.texts:
                return self.texts[name]
        return None

    def table_called(self, callee: str | None) -> tuple[str, ...]:
        """The functions a call of an item of a dispatch table may call: `COMMANDS[name](...)` and
        `COMMANDS.get(name)(...)` have the callees `mod.COMMANDS[]` and `mod.COMMANDS.get()`."""
        for suffix in ("[]", ".get()", ".pop()"):
            if callee and callee.endswith(suffix) and callee[:-len(suffix)] in self.tables:
                return self.tables[callee[:-len(suffix)]]
        return ()

    def as_json(self) -> dict:
        """What the solver state keeps to tell whether the project's tables changed."""
        return {"bases": {k: list(v) for k, v in sorted(self.bases.items())},
                "registered": {k: [v.framework, sorted(v.typed), list(v.methods)] for k, v in sorted(self.registered.items())},
                "constants": sorted(self.constants), "referenced": sorted(self.referenced),
                "methods": sorted(self.methods), "texts": dict(sorted(self.texts.items())),
                "tables": {k: list(v) for k, v in sorted(self.tables.items())}}
