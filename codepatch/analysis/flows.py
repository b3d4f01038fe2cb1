"""The taint solver's values and how they join.

A flow maps a key (a source, or a parameter) to a taint: the trace it took and the rules it was
sanitized for. Every merge is a join: the least sanitized, then the shortest trace, then the
first trace in sort order. So merges commute, and the solver's fixpoint does not depend on the
order it visits functions in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from codepatch.analysis.conditions import normalize
from codepatch.ruleset.model import Rule, SourceSpec

Hop = tuple[str, int]          # (path, line)
Key = tuple[str, object]       # ("s", source name), ("p", parameter index), or ("u", "") not proven constant
MAX_HOPS = 24


@dataclass(frozen=True)
class Taint:
    trace: tuple[Hop, ...]
    sanitized: frozenset[str] = frozenset()  # rule ids this data was sanitized for


Flow = dict[Key, Taint]


@dataclass(frozen=True)
class RawFinding:
    rule: Rule
    source: SourceSpec
    path: str
    site: tuple[int, int, int, int]   # line, col, end line, end col
    trace: tuple[Hop, ...]


@dataclass
class Summary:
    ret: Flow = field(default_factory=dict)
    param_sinks: dict[tuple[int, str, str, tuple], tuple[Hop, ...]] = field(default_factory=dict)
    param_cells: set[tuple[int, str]] = field(default_factory=set)
    # The param_sinks keys some path reaches built into text (`f"pg_dump {name}"`, a path joined of
    # it): not passed whole, and not only inside an object (`select(t).where(t.c.x == name)`).
    built: set[tuple[int, str, str, tuple]] = field(default_factory=set)
    # The keys some path reaches with the parameter unchanged (`eval(text)`).
    whole: set[tuple[int, str, str, tuple]] = field(default_factory=set)
    # What chooses the program of a returned argument list (`[sys.executable, *argv]`), where it is
    # not all of `ret`; None: all of it.
    ret_program: Flow | None = None

    def copy(self) -> Summary:
        return Summary(dict(self.ret), dict(self.param_sinks), set(self.param_cells), set(self.built), set(self.whole),
                       None if self.ret_program is None else dict(self.ret_program))

    def __bool__(self) -> bool:
        return bool(self.ret or self.param_sinks or self.param_cells)


@dataclass
class Record:
    """What running a function read and produced: the edges an incremental re-solve follows."""
    callees: set[str] = field(default_factory=set)    # repository functions it called (keys)
    reads: set[str] = field(default_factory=set)      # cells it read
    probes: set[str] = field(default_factory=set)     # names looked up to resolve its calls
    stored: dict[str, Flow] = field(default_factory=dict)  # what it stored into cells
    found: dict[tuple, RawFinding] = field(default_factory=dict)  # findings its runs reported
    dismissed: dict[tuple, set[str]] = field(default_factory=dict)  # sink sites its last run left quiet, and why


@dataclass
class FunctionUnit:
    qn: str
    path: str
    params: list[str]
    rqn: str | None                  # the class of instance it returns, when known
    route: bool                      # decorated as a request handler
    data: dict | None                # its facts; None until loaded (a unit restored from a cache)
    types: dict[str, str] = field(default_factory=dict)
    origin: tuple[str, int] = ("", -1)   # (facts cache key of its module, index in its functions)
    summary: Summary = field(default_factory=Summary)
    record: Record = field(default_factory=Record)
    passes: list[list] = field(default_factory=list)  # named objects it passes to calls (parameter_types.py)
    spread: dict[str, int] = field(default_factory=dict)  # "*" / "**" → the index of `*args` / `**kwargs`
    # What callers read of its facts: the checks each parameter holds where it returns true (a
    # predicate's `pred`), and whether it returns text it builds or a record's field (`ret_markup`).
    pred: dict[str, list[str]] = field(default_factory=dict)
    markup: bool = False
    key: str = field(init=False)     # the name callers reach it by

    def __post_init__(self) -> None:
        self.key = normalize(self.qn)

    def parameter_at(self, at: int | str, bound: bool) -> int | None:
        """The index of the named parameter an argument at position or keyword `at` is bound to
        (None when it names none: `*args` and `**kwargs` take those, see summaries.py)."""
        index = at + (1 if bound else 0) if isinstance(at, int) else self.params.index(at) if at in self.params else None
        return index if index is not None and index < len(self.params) else None

    def facts(self, load: Callable[[FunctionUnit], dict] | None) -> dict:
        """Its facts, read through `load` the first time for a unit restored without them."""
        if self.data is None and load is not None:
            self.data = load(self)
        return self.data or {}


def trace_order(trace: tuple[Hop, ...]) -> tuple:
    return len(trace), trace


@lru_cache(maxsize=1 << 16)  # the same names are read in every run of a function
def cell_prefixes(qn: str) -> tuple[str, ...]:
    """`a.b.c.d` → (`a.b.c.d`, `a.b.c`, `a.b`): the cells a read of `qn` may see."""
    parts = qn.split(".")
    return tuple(".".join(parts[:n]) for n in range(len(parts), 1, -1))


def finding_order(finding: RawFinding) -> tuple:
    """Which finding of one site to keep: the surest source, then the shortest trace."""
    return -finding.source.confidence.rank, len(finding.trace), finding.trace, finding.source.name


def better(old: tuple[Hop, ...], new: tuple[Hop, ...]) -> bool:
    """Whether `new` replaces `old`: shorter, or as long and first in sort order."""
    return trace_order(new) < trace_order(old)


def join_traces(a: tuple[Hop, ...], b: tuple[Hop, ...]) -> tuple[Hop, ...]:
    if a and b and a[-1] == b[0]:
        b = b[1:]
    joined = a + b
    return joined if len(joined) <= MAX_HOPS else joined[:4] + joined[-(MAX_HOPS - 4):]


def merge_into(target: Flow, key: Key, taint: Taint) -> bool:
    """Join `taint` into `target[key]`; whether that changed it."""
    old = target.get(key)
    if old is None:
        target[key] = taint
        return True
    shorter = better(old.trace, taint.trace)
    if not shorter and old.sanitized <= taint.sanitized:
        return False
    # Keep the least-sanitized path: taint reaches a sink if any path is unsanitized for it.
    target[key] = Taint(taint.trace if shorter else old.trace, old.sanitized & taint.sanitized)
    return True


def merge_trace(target: dict, key: object, trace: tuple[Hop, ...]) -> None:
    old = target.get(key)
    if old is None or better(old, trace):
        target[key] = trace


def union(*flows: Flow) -> Flow:
    out: Flow = {}
    for flow in flows:
        for key, taint in flow.items():
            merge_into(out, key, taint)
    return out
