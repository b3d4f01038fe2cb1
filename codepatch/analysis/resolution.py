"""How the taint solver resolves names: a call's canonical callee (through returned classes and the
classes of objects held in fields), the repository function it reaches, and the sources and sinks
a name stands for, a subclass's names included (see project.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from codepatch.analysis.conditions import normalize
from codepatch.analysis.flows import Flow, FunctionUnit
from codepatch.analysis.project import ProjectFacts
from codepatch.files.discover import is_test_path
from codepatch.ruleset.model import Rule, SinkSpec, SourceSpec
from codepatch.ruleset.names import NameTable


class Resolution:
    """Name lookups over the repository's functions (`functions`, by key) and the rule set's tables;
    each callee and source is worked out once per solve."""

    functions: dict[str, FunctionUnit]
    aliases: dict[str, list[str]]  # importable package prefix → discovered ones (`app` → `src.app`)
    cell_types: dict[str, str]  # cell → the class of the instance it holds
    project: ProjectFacts
    sources: NameTable[SourceSpec]
    source_prefixes: dict[str, SourceSpec]
    sinks: NameTable[tuple[Rule, SinkSpec]]
    sanitizers: NameTable[str]  # name → the rule it sanitises for
    _resolved: dict[tuple[str | None, str | None], tuple[str | None, FunctionUnit | None, bool, frozenset[str]]]
    _sources_found: dict[tuple[str | None, str | None], SourceSpec | None]
    _sinks_found: dict[tuple[str | None, str | None], list[tuple[Rule, SinkSpec]]]
    _sanitizers_found: dict[tuple[str | None, str | None], list[str]]
    _methods_by_name: dict[str, list[FunctionUnit]] | None = None

    def resolve(self, callee: str | None, within: str = "") -> tuple[str | None, FunctionUnit | None, bool,
                                                                      frozenset[str]]:
        """A call's canonical callee, the repository function it reaches, whether that function's
        first parameter is bound (self), and the names looked up on the way; `within` is the
        calling function's key (which folder's neighbour an import names)."""
        head = normalize(callee).split(".", 1)[0] if callee else ""
        candidates = self.aliases.get(head)
        prefix = alias_for(candidates, within) if candidates else None
        # Names resolve the same way all through a solve: each is worked out once.
        key = (callee, prefix)
        if key not in self._resolved:
            probes: set[str] = set()
            canonical = self._canonical_name(callee, probes, prefix)
            target, bound = self._lookup_function(canonical, probes, prefix)
            self._resolved[key] = (canonical, target, bound, frozenset(probes))
        return self._resolved[key]

    def _lookup_function(self, callee: str | None, probes: set[str],
                         prefix: str | None = None) -> tuple[FunctionUnit | None, bool]:
        if not callee:
            return None, False
        qn = normalize(callee)
        head = qn.split(".", 1)[0]
        candidates = self.aliases.get(head)
        if candidates:
            # The importer's choice among several folders (`prefix`), else the only folder offering it.
            chosen = prefix if prefix is not None and prefix.rpartition(".")[2] == head else alias_for(candidates, "")
            if chosen is not None:
                qn = chosen + qn[len(head):]
        probes.add(qn)
        bound = "()." in callee and callee.rsplit("().", 1)[-1].count(".") == 0
        unit = self.functions.get(qn)
        if unit is not None:
            return unit, bound
        probes.add(qn + ".__init__")
        init = self.functions.get(qn + ".__init__")
        if init is not None:
            return init, True
        # `self.target_filename(...)` in a subclass: the method a project base class defines.
        for name, is_init in ((qn, bound), (qn + ".__init__", True)):
            for inherited in itertools.islice(self.project.inherited(name), 1, None):
                probes.add(inherited)
                unit = self.functions.get(inherited)
                if unit is not None:
                    return unit, is_init
        return None, False

    def methods_named(self, name: str) -> list[FunctionUnit]:
        """The product code's methods called `name` (not special ones) that a call on an object of
        unknown class may reach: the overrides of one project method, a class's and its
        subclasses'. When unrelated classes define the name, it says nothing of which one runs."""
        if self._methods_by_name is None:
            by_name: dict[str, list[FunctionUnit]] = {}
            for unit in self.functions.values():
                method = unit.key.rpartition(".")[2]
                if self.project.is_method(unit.key, unit.params) and not method.startswith("__") \
                        and not is_test_path(unit.path):
                    by_name.setdefault(method, []).append(unit)
            self._methods_by_name = {name: units for name, units in by_name.items()
                                     if len({self._defining_root(unit) for unit in units}) == 1}
        return self._methods_by_name.get(name, [])

    def _defining_root(self, unit: FunctionUnit) -> str:
        """The farthest project class up `unit`'s class hierarchy that defines its method."""
        owner, _, name = unit.key.rpartition(".")
        root = owner
        for ancestor in self.project.ancestors(owner):
            if f"{ancestor}.{name}" in self.functions:
                root = ancestor
        return root

    def _canonical_name(self, callee: str | None, probes: set[str], prefix: str | None = None) -> str | None:
        """The callee named by the classes of the objects it goes through.

        `helpers.get_connection().search` is `ldap3.Connection().search` when `get_connection`
        returns an `ldap3.Connection`; `app.Repo().conn.search` likewise when `conn` holds one.
        """
        for _ in range(4):
            if not callee:
                return callee
            head, call, rest = callee.partition("()")
            unit = self._lookup_function(head, probes, prefix)[0] if call else None
            returned = unit.rqn if unit is not None and unit.qn.rsplit(".", 1)[-1] != "__init__" else None
            if returned and not returned.startswith("$") and normalize(returned) != normalize(head):
                callee = returned + rest
                continue
            parts = callee.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                held = self.cell_types.get(normalize(".".join(parts[:cut])))
                if held:
                    callee = held + "." + ".".join(parts[cut:])
                    break
            else:
                return callee
        return callee

    def _source_for(self, qn: str | None, method: str | None) -> SourceSpec | None:
        key = (qn, method)
        if key not in self._sources_found:
            self._sources_found[key] = self._find_source(qn, method)
        return self._sources_found[key]

    def _find_source(self, qn: str | None, method: str | None) -> SourceSpec | None:
        for name in self.project.inherited(qn) if qn else (qn,):
            found = self.sources.match(name, method, prefixes=True)
            if found:
                return found[0]
            if name and name in self.source_prefixes:  # the request object itself, passed around
                return self.source_prefixes[name]
        return None

    def read_parts(self, flow: Flow) -> Flow:
        """What a flow carries of the request's parts, not the request object itself."""
        return {key: t for key, t in flow.items() if key[0] != "s" or key[1] not in self.source_prefixes}

    def sinks_for(self, callee: str | None, method: str | None) -> list[tuple[Rule, SinkSpec]]:
        """The sinks a call reaches: by its callee's name, or the name of a class it derives from."""
        key = (callee, method)
        if key not in self._sinks_found:
            self._sinks_found[key] = self._first_inherited(self.sinks, callee, method)
        return self._sinks_found[key]

    def project_function(self, unit: FunctionUnit, name: str | None) -> tuple[FunctionUnit | None, bool]:
        """The project function `name` reaches from `unit`, and whether its first parameter is bound.
        The names looked up are `unit`'s probes: an edit that changes what callers read of the
        function (incremental._signature) solves `unit` again."""
        _, target, bound, probes = self.resolve(name, unit.key)
        unit.record.probes |= probes
        return target, bound

    def sanitizers_for(self, callee: str | None, method: str | None) -> list[str]:
        """The rules a call's result is sanitised for: by its callee's name, or the name of a class
        it derives from (`self.render_string(...)` in a `tornado.web.RequestHandler` subclass)."""
        key = (callee, method)
        if key not in self._sanitizers_found:
            self._sanitizers_found[key] = self._first_inherited(self.sanitizers, callee, method)
        return self._sanitizers_found[key]

    def _first_inherited(self, table: NameTable, callee: str | None, method: str | None) -> list:
        """What `table` holds for the callee's name or, failing that, for the nearest ancestor's."""
        names = self.project.inherited(callee) if callee else (callee,)
        return next((found for name in names for found in [table.match(name, method)] if found), [])


def module_aliases(qualified_names: Iterable[str]) -> dict[str, list[str]]:
    """How code run from inside a folder imports its neighbours: `src/app/db.py` is imported as
    `app.db`, `app/apis/users.py` (no `app/__init__.py`) as `apis.users`, `scripts/helper.py` from
    `scripts/run.py` as `helper`. A folder that is no package can be on `sys.path`; each name below
    it maps to the discovered prefixes that offer it (several when several folders do: the
    importer's own folder decides), unless a top-level module has the name."""
    modules = {qn.removesuffix(".<module>") for qn in qualified_names if qn.endswith(".<module>")}
    top = {module.split(".", 1)[0] for module in modules}
    offered: dict[str, set[str]] = {}
    for module in modules:
        parts = module.split(".")
        for depth in range(1, len(parts)):
            if ".".join(parts[:depth]) not in modules:
                offered.setdefault(parts[depth], set()).add(".".join(parts[:depth + 1]))
    return {head: sorted(prefixes) for head, prefixes in offered.items() if head not in top}


def alias_for(candidates: list[str], within: str) -> str | None:
    """The prefix a name imported in module `within` stands for: the only one, or the one whose
    folder holds the importer (the deepest such)."""
    if len(candidates) == 1:
        return candidates[0]
    holding = [c for c in candidates if within.startswith(c.rpartition(".")[0] + ".")]
    return max(holding, key=len) if holding else None
