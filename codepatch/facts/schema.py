"""The shape of the facts the per-file stage writes and the global stage reads (and the cache keeps,
as JSON: hence the short keys).

A value (`v`, `ret`, a store) is a list of atoms with their traces, see `values.to_json`: an atom is
a parameter `["p", index]`, a qualified name `["q", "flask.request.args"]` or the result of a call
of the same function `["c", index into calls]`.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

FACTS_VERSION = "60"  # bump when the facts of the same code change: invalidates every cache entry

Value = list  # see values.to_json


class ArgumentFacts(TypedDict, total=False):
    v: Value  # what flows into the argument
    qn: str  # what it refers to, when known (`yaml.Loader`, `hashlib.md5()`)
    c: object  # its constant value, when known
    el0: Value  # what flows into the first element of a list built here (the program of `[prog, args]`)
    cfg: list[str]  # settings made on the object before the call (`parser.setFeature(...)`)
    whole: int  # the argument is this parameter of the caller, unchanged (not built into a larger value)
    str: bool  # the argument is text built here (interpolated, formatted, concatenated with a string)
    part: int  # the argument is an item taken out of this parameter of the caller (`query_params["q"]`)
    keys: dict[str, dict]  # a dict's entries under constant string keys: {"v": what flows into each}
    added: dict[str, dict]  # entries stored under constant keys into an object of unknown contents
    map: bool  # the argument is a dict: a literal, a comprehension, `dict(...)`, a name bound to one


class CallFacts(TypedDict, total=False):
    callee: str | None  # the qualified name called, when it resolves
    meth: str | None  # the method name of `obj.meth(...)`
    line: int
    col: int
    eline: int
    ecol: int
    args: list[ArgumentFacts]
    kw: dict[str, ArgumentFacts]
    recv: Value  # what flows into the receiver of a method call
    recv_cfg: list[str]  # settings made on the receiver
    recv_str: bool  # the receiver is text (or a path) built here, as an argument's `str`
    recv_whole: int  # the receiver is this parameter of the caller, as an argument's `whole`
    alts: list[str]  # the callee on each path, when the receiver was bound to objects of different classes
    star: Value  # what flows into `*args` / `**kwargs`
    splat: bool  # the call passes `*args` or `**kwargs`
    # the keyword its result is passed as (`length=randint(8, 16)`), or `range` for an argument of range()
    passed_as: str
    guards: bool  # its negated result decides an `if` whose branch leaves (`if not os.path.isfile(p): abort(404)`)
    ctx: str  # the words around it (patterns.context_of), kept where a taint sink's condition reads them
    branch: str  # the words of the conditions it runs under (patterns.branch_of), likewise
    pred: str  # of a predicate's check (`predicates.PASSES`): the function called in the condition
    pos: int | str  # and the position or keyword of the argument it checked
    ctype: str  # the Content-Type the function set on its response before this call (function.py)


class FunctionFacts(TypedDict, total=False):
    qn: str
    line: int
    params: list[str]
    decorators: list[str]
    calls: list[CallFacts]
    ret: Value  # what flows into the return value
    ret_text: Value  # what flows into returned text (not JSON data)
    ret_markup: Value  # of that, what is built into text here or one field of a record (`row["bio"]`)
    ret_el0: NotRequired[Value]  # what chooses the program of a returned argument list, where not all of `ret`
    stores: dict[str, Value]  # module cell or object field → what is stored into it
    rqn: str  # what the function returns, when every return refers to the same thing
    types: dict[str, str]  # cell → the class of the instance stored there
    typed: list[str]  # parameters received converted (`<int:id>`, `id: int`)
    rconst: bool  # every return gives a constant
    ptypes: dict[str, str]  # parameter → the type it is annotated with (besides the `typed` ones)
    provided: dict[str, str]  # parameter → the call its default value is (`db = Depends(get_db)`)
    passes: list[list]  # [callee, position or keyword, qualified name]: a named object passed to a call
    dcls: dict[str, str]  # decorator keyword -> the class it names (`@app.get(..., response_class=HTMLResponse)`)
    spread: dict[str, int]  # "*" / "**" → the index of the `*args` / `**kwargs` parameter
    pred: dict[str, list[str]]  # parameter index → the check kinds it holds wherever a true value is returned


class HitFacts(TypedDict):
    """A pattern rule's match: the rule and the span it covers."""

    rule: str
    line: int
    col: int
    eline: int
    ecol: int
    low: NotRequired[bool]  # reported at low confidence: none of the pattern's `low_unless` held


class ProblemFacts(TypedDict):
    kind: str
    message: str
    partial: bool


class DismissedFacts(TypedDict):
    """A call or node a pattern names that its conditions exclude, and why (`scan --show-dismissed`)."""

    rule: str
    line: int
    why: str


class RegisteredFacts(TypedDict, total=False):
    """A function a framework's registration call makes a request handler (`path("x/", views.x)`)."""

    qn: str  # the handler, as the registering module names it
    framework: str
    typed: list[str]  # URL variables the framework converts to numbers (`<int:pk>`)
    methods: list[str]  # the handler is a class or instance: the methods that handle (`on_get`)
    include: bool  # qn is a URL configuration module mounted under the pattern (`include("shop.urls")`)


class ModuleFacts(TypedDict):
    path: str
    module: str
    functions: list[FunctionFacts]
    hits: list[HitFacts]
    dismissed: list[DismissedFacts]
    problem: ProblemFacts | None
    classes: dict[str, list[str]]  # class → its bases, qualified names as this module resolves them
    constants: list[str]  # module globals and class attributes only ever bound to one constant
    texts: dict[str, str]  # class attributes only ever bound to one text (`template_name = "page.html"`)
    tables: dict[str, list[str]]  # module globals bound to a dispatch table: the functions its values are
    registered: list[RegisteredFacts]
    referenced: list[str]  # functions passed as values (callbacks): called by someone else's code
    imports: list[str]  # what its imports bind (`app.db`, `tests.helpers.make_user`)
    methods: list[str]  # method names it calls on objects (`x.run(...)`: any class's `run` may be called)
