"""Matching qualified names against rule entries.

An entry `a.b` matches the name `a.b` and, when prefixes are allowed, anything under it
(`a.b.c`); `*.m` matches a method `m` on any receiver.
"""

from __future__ import annotations

from typing import Generic, Iterable, TypeVar

T = TypeVar("T")


class NameTable(Generic[T]):
    """Entries by qualified name, each carrying a payload (a rule, a source spec, ...)."""

    def __init__(self, entries: Iterable[tuple[str, T]] = ()) -> None:
        self.exact: dict[str, list[T]] = {}
        self.methods: dict[str, list[T]] = {}
        for name, payload in entries:
            self.add(name, payload)

    def add(self, name: str, payload: T) -> None:
        if name.startswith("*."):
            self.methods.setdefault(name[2:], []).append(payload)
        else:
            self.exact.setdefault(name, []).append(payload)

    def match(self, qn: str | None, method: str | None = None, prefixes: bool = False) -> list[T]:
        """Payloads whose entry names `qn` (or a prefix of it), or whose `*.method` is `method`."""
        found: list[T] = []
        if qn:
            hit = self.exact.get(qn)
            if hit:
                found.extend(hit)
            elif prefixes:
                cut = qn.rfind(".")
                while cut > 0:
                    hit = self.exact.get(qn[:cut])
                    if hit:
                        found.extend(hit)
                        break
                    cut = qn.rfind(".", 0, cut)
        if method:
            found.extend(self.methods.get(method, ()))
        return found

    def __bool__(self) -> bool:
        return bool(self.exact or self.methods)
