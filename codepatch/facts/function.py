"""What the per-file stage records of one function: its calls, returns and stores, as JSON-able data.

`record_call` is the one place a call record is made (a call in the source, an attribute or item
assignment seen as `__setattr__`/`__setitem__`, and the synthetic call a guard's check stands for);
its keys are those of `schema.CallFacts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

from codepatch.facts import shapes as S
from codepatch.facts import values as V
from codepatch.facts.schema import ArgumentFacts, CallFacts, FunctionFacts
from codepatch.facts.shapes import Expr

# Calls that set a response header, and attributes that hold a response's Content-Type.
CONTENT_TYPE_SETTERS = frozenset({"send_header", "set_header", "add_header", "__setitem__"})
CONTENT_TYPE_ATTRIBUTES = frozenset({"content_type", "mimetype", "media_type"})


@dataclass
class Function:
    qn: str
    line: int
    params: list[str]
    decorators: list[str] = field(default_factory=list)
    calls: list[CallFacts] = field(default_factory=list)
    ret: V.Value = field(default_factory=dict)
    stores: dict[str, V.Value] = field(default_factory=dict)
    ret_qns: set[str | None] = field(default_factory=set)  # what each return refers to
    ret_text: V.Value = field(default_factory=dict)  # what flows into returned text (not JSON data)
    # Of that, what is built into text here or is one field of a record (`row["bio"]`), not a value
    # returned whole from elsewhere (`repo.find_items()`: records, which frameworks send as JSON).
    ret_markup: V.Value = field(default_factory=dict)
    ret_program: V.Value = field(default_factory=dict)  # what chooses the program of a returned argument list
    types: dict[str, str] = field(default_factory=dict)  # cell → the class of the instance stored there
    typed: list[str] = field(default_factory=list)  # parameters a route receives converted (`<int:id>`, `id: int`)
    returns_constants: bool | None = None  # every return gives a constant (None: no return seen yet)
    annotations: dict[str, str] = field(default_factory=dict)  # parameter → the type it is annotated with
    provided: dict[str, str] = field(default_factory=dict)  # parameter → the call its default is (`Depends`)
    passes: list[list] = field(default_factory=list)  # [callee, position or keyword, qualified name passed]
    decorator_classes: dict[str, str] = field(default_factory=dict)  # keyword -> class named (`response_class=`)
    # Parameter index → the check kinds it holds wherever the function returns a true value (predicates.py).
    predicate: dict[int, frozenset[str]] | None = None
    spread: dict[str, int] = field(default_factory=dict)  # "*" / "**" → the index of `*args` / `**kwargs`
    # The Content-Type the function has set on its response so far (`send_header("Content-Type",
    # "application/json")`): each later call records it (`ctype`), which rule conditions read.
    content_type: str | None = None
    returns_no_text: bool = False  # annotated to return a type that holds no text (`-> int | None`)

    def to_json(self) -> FunctionFacts:
        out: FunctionFacts = {
            "qn": self.qn, "line": self.line, "params": self.params, "decorators": self.decorators,
            "calls": self.calls, "ret": V.to_json(self.ret), "ret_text": V.to_json(self.ret_text),
            "ret_markup": V.to_json(self.ret_markup),
            "stores": {cell: V.to_json(v) for cell, v in self.stores.items()},
        }
        if self.ret_program != self.ret:
            out["ret_el0"] = V.to_json(self.ret_program)
        if len(self.ret_qns) == 1 and None not in self.ret_qns:
            out["rqn"] = next(iter(self.ret_qns))  # `get_connection()` returns an `ldap3.Connection()`
        if self.types:
            out["types"] = self.types
        if self.typed:
            out["typed"] = self.typed
        if self.returns_constants:
            out["rconst"] = True
        if self.annotations:
            out["ptypes"] = self.annotations
        if self.provided:
            out["provided"] = self.provided
        if self.passes:
            out["passes"] = self.passes
        if self.decorator_classes:
            out["dcls"] = self.decorator_classes
        if self.spread:
            out["spread"] = self.spread
        if self.predicate:
            out["pred"] = {str(i): sorted(kinds) for i, kinds in sorted(self.predicate.items())}
        return out

    def record_call(self, callee: str | None, method: str | None, span: tuple[int, int, int, int],
                    args: list[ArgumentFacts], kwargs: dict[str, ArgumentFacts], **more: object) -> int:
        """Adds a call record; its index, which values refer to as the atom `("c", index)`.
        `span` is (line, column, end line, end column); `more` holds the optional keys."""
        line, col, end_line, end_col = span
        if self.content_type is not None:
            more["ctype"] = self.content_type
        self._note_content_type(method, args)
        self.calls.append({"callee": callee, "meth": method, "line": line, "col": col, "eline": end_line,
                           "ecol": end_col, "args": args, "kw": kwargs, **more})  # type: ignore[typeddict-item]
        return len(self.calls) - 1

    def _note_content_type(self, method: str | None, args: list[ArgumentFacts]) -> None:
        """`send_header("Content-Type", t)`, `set_header(...)`, `headers["Content-Type"] = t`,
        `resp.content_type = t` (a library's constant such as `falcon.MEDIA_HTML` by its name)."""
        if len(args) < 2 or not isinstance(args[0].get("c"), str):
            return
        header = args[0]["c"].lower()
        if (method in CONTENT_TYPE_SETTERS and header == "content-type") or \
                (method == "__setattr__" and header in CONTENT_TYPE_ATTRIBUTES):
            value = args[1].get("c", args[1].get("qn"))
            self.content_type = value if isinstance(value, str) else None  # None: not known here


def line_of(node: tree_sitter.Node) -> int:
    return node.start_point[0] + 1


def span_of(node: tree_sitter.Node) -> tuple[int, int, int, int]:
    return node.start_point[0] + 1, node.start_point[1], node.end_point[0] + 1, node.end_point[1]


def arg_json(expr: Expr) -> ArgumentFacts:
    out: ArgumentFacts = {"v": V.to_json(expr.value)}
    if expr.qn:
        out["qn"] = expr.qn
    if expr.is_const:
        out["c"] = expr.const
    program = S.program(expr)
    if program is not None:
        out["el0"] = V.to_json(program)
    if expr.cfg:
        out["cfg"] = list(expr.cfg)
    if expr.whole is not None:
        out["whole"] = expr.whole
    if expr.text and not expr.is_const:
        out["str"] = True
    if expr.part is not None:
        out["part"] = expr.part
    if expr.mapping:
        out["map"] = True
    if expr.keys:  # a template's context: what flows into each entry
        keys = {k: {"v": V.to_json(e.value)} for k, e in expr.keys.items() if isinstance(k, str) and e.value}
        if keys:
            out["keys"] = keys
    if expr.added:  # every entry, a constant one too: it is not what the unknown rest holds
        out["added"] = {k: {"v": V.to_json(e.value)} for k, e in expr.added.items()}
    return out
