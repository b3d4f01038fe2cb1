"""Calls: what flows into each argument is recorded (the taint solver links callees later), and
calls whose result or effect is known here are followed (`len` of a constant, `getattr` on a
module, a method that changes a local list, dict or configuration object)."""

from __future__ import annotations

import tree_sitter

from codepatch.facts import shapes as S
from codepatch.facts import values as V
from codepatch.facts.expressions import PATH_TYPES, Expressions, item_of
from codepatch.facts.function import arg_json, line_of, span_of
from codepatch.facts.guards import URL_PARSERS, normalizes, terminates
from codepatch.facts.scope import enclosing_statement, sole_argument, text
from codepatch.facts.shapes import Expr
from codepatch.facts.text_checks import (
    PATH_CHECKED,
    QUOTE_CHECKED,
    WORD_CHARACTERS,
    keeps_harmless_characters,
)

# Methods that put their arguments into the container they are called on.
FILLERS = frozenset({"append", "extend", "insert", "update", "add", "setdefault", "appendleft", "extendleft"})
# Methods that put their arguments into their receiver (`args.append(user)` taints `args`).
MUTATORS = FILLERS | {"write", "writelines", "push", "put", "__setitem__"}
# Calls whose first argument is a base a path is built on (`os.path.join(folder, name)`).
PATH_BUILDERS = frozenset({"os.path.join", "posixpath.join", "ntpath.join", "pathlib.Path", "pathlib.PurePath",
                           "pathlib.PosixPath"})
# A response's header mapping (`Response(headers={"Location": url})`, the `headers` of an AWS
# Lambda proxy response): each constant-keyed entry is recorded as a call of `RESPONSE_HEADER`
# (key, value), which rules read as they read `response.headers["Location"] = url`.
RESPONSE_HEADER = "codepatch.response.headers.__setitem__"
HEADER_SLOTS = frozenset({"headers", "multiValueHeaders"})
REDIRECT_HEADERS = frozenset({"location", "refresh"})  # the pairs of a header list recorded
# A response returned as a dict (`{"statusCode": 200, "headers": {...}, "body": html}`, what API
# Gateway, Lambda function URLs and ALB targets send back): a call of `PROXY_RESPONSE` with
# keywords `body` and `content_type` (the constant `Content-Type` of its header entries).
PROXY_RESPONSE = "codepatch.proxy_response"
ITEM_GETTERS = frozenset({"get", "getlist", "getone", "getall", "pop", "getfirst", "getvalue"})
# Methods that hand back the same fields in another container (a pydantic model's `.dict()`).
MAX_PASSES = 64  # named objects recorded as passed, per function
SIZED = frozenset({"range"})  # builtins whose arguments are counts: `range(randint(1, 6))`
CONTENT_COPIES = frozenset({"dict", "model_dump", "to_dict", "as_dict", "_asdict", "copy"})
PATH_METHODS = frozenset({"resolve", "absolute", "joinpath", "with_name", "with_suffix", "with_stem",
                          "expanduser", "relative_to"})


class Calls(Expressions):
    """`e_call` and what a method call does to the local it is called on."""

    def _note_passed_as(self, expr: Expr, name: str) -> None:
        """A call's result passed as keyword `name` (`length=randint(8, 16)`), or to `range`: its
        record keeps the name (`passed_as`), which rule conditions read."""
        calls = [key[1] for key in expr.value if key[0] == "c"]
        if len(calls) == 1 and calls[0] == len(self.fn.calls) - 1:
            self.fn.calls[calls[0]]["passed_as"] = name

    def eval_condition(self, condition: tree_sitter.Node, block: tree_sitter.Node | None) -> Expr:
        """An `if`/`elif` test. Where its branch leaves (`if not os.path.isfile(path): abort(404)`),
        the calls whose negated result decides it are marked `guards`, which rule conditions read: a
        file probe that guards a path checks it before its use, which is where it is reported."""
        first = len(self.fn.calls)
        tested = self.eval(condition)
        if terminates(block, self.resolve_node, self.x.terminating):
            guarding = set(_negated_calls(condition))
            for call in self.fn.calls[first:]:
                if (call["line"], call["col"], call["eline"], call["ecol"]) in guarding:
                    call["guards"] = True
        return tested

    def entry_built(self, mapping: tree_sitter.Node, pair: tree_sitter.Node, key: Expr, value: Expr) -> None:
        """One entry of a dict literal (`e_dictionary` calls it): a response header is recorded."""
        if _header_slot(mapping) and key.is_const and isinstance(key.const, str):
            self._record_header(_statement_span(mapping, pair), key, value)

    def pair_built(self, pair: tree_sitter.Node, name: Expr, value: Expr) -> None:
        """A `(name, value)` pair in a list (`_sequence` calls it): a redirect header of a WSGI
        header list (`start_response("302 Found", [("Location", url)])`, `headers=[...]`) is
        recorded as a response header, as a header mapping's entry is. Only redirect headers: a
        list of other pairs (`choices = [("admin", "Admin")]`) is rarely a response's headers."""
        if isinstance(name.const, str) and name.const.lower() in REDIRECT_HEADERS:
            self._record_header(_statement_span(pair, pair), name, value)

    def _record_header(self, span: tuple[int, int, int, int], name: Expr, value: Expr) -> None:
        """A response header written as data: a call of `RESPONSE_HEADER`, which rules read as they
        read `response.headers[name] = value`."""
        self.fn.record_call(RESPONSE_HEADER, "__setitem__", span, [arg_json(name), arg_json(value)], {})

    def dictionary_built(self, mapping: tree_sitter.Node, built: Expr) -> None:
        """A whole dict literal (`e_dictionary` calls it): a proxy response is recorded."""
        keys = built.keys or {}
        if "statusCode" not in keys or "body" not in keys:
            return
        headers = keys.get("headers")
        types = [e.const for k, e in ((headers.keys or {}) if headers else {}).items()
                 if isinstance(k, str) and k.lower() == "content-type" and e.is_const]
        content_type = Expr({}, const=types[0] if types else None, is_const=bool(types), node_type="string")
        self.fn.record_call(PROXY_RESPONSE, None, _statement_span(mapping, mapping), [],
                            {"body": arg_json(keys["body"]), "content_type": arg_json(content_type)})

    def _note_passed(self, callee: str, positional: list[Expr], named: dict[str, Expr]) -> None:
        """A named object passed to a call (`save_upload(request.files["doc"])`): what the callee's
        parameter holds, when the callee is a project function (analysis/parameter_types.py)."""
        for at, expr in [*enumerate(positional), *named.items()]:
            qn = expr.qn
            if qn and "()" not in qn and ("." in qn or qn.startswith("$")) and len(self.fn.passes) < MAX_PASSES:
                self.fn.passes.append([callee, at, qn])

    def e_call(self, node: tree_sitter.Node) -> Expr:
        function = node.child_by_field_name("function")
        receiver: Expr | None = None
        method = None
        if function is not None and function.type == "attribute":
            receiver = self.eval(function.child_by_field_name("object"))
            method = text(function.child_by_field_name("attribute"))
            callee = f"{receiver.qn}.{method}" if receiver.qn else None
        else:
            target = self.eval(function)
            callee = _wrapped_function(function, self.resolve_node) or target.qn
        args: list[dict] = []
        kwargs: dict[str, dict] = {}
        star: V.Value = {}
        arguments = node.child_by_field_name("arguments")
        all_args: list[Expr] = []
        positional: list[Expr] = []
        named: dict[str, Expr] = {}
        # `"".join(f(p) for p in paths)`: a bare generator is the call's one argument, not its parts.
        passed = [] if arguments is None else [arguments] if arguments.type == "generator_expression" \
            else arguments.named_children
        if passed:
            for a in passed:
                if a.type == "keyword_argument":
                    expr = self.eval(a.child_by_field_name("value"))
                    self._note_passed_as(expr, text(a.child_by_field_name("name")))
                    named[text(a.child_by_field_name("name"))] = expr
                    kwargs[text(a.child_by_field_name("name"))] = arg_json(expr)
                elif a.type in ("list_splat", "dictionary_splat"):
                    expr = self.eval(a.named_children[0] if a.named_children else None)
                    star = V.union(star, expr.value)
                elif a.type != "comment":
                    expr = self.eval(a)
                    if callee in SIZED:
                        self._note_passed_as(expr, callee)
                    positional.append(expr)
                    args.append(arg_json(expr))
                else:
                    continue
                all_args.append(expr)
                if a.type == "identifier" and (expr.items is not None or expr.keys is not None) \
                        and method not in S.PURE_METHODS and callee not in S.PURE_FUNCTIONS:
                    self._forget_shape(text(a))  # the callee may change the container's contents
        if callee is not None:
            self._note_passed(callee, positional, named)
        more: dict[str, object] = {}
        if receiver is not None:
            more["recv"] = V.to_json(receiver.value)
            if receiver.cfg:
                more["recv_cfg"] = list(receiver.cfg)
            if receiver.text and not receiver.is_const:
                more["recv_str"] = True
            if receiver.whole is not None:
                more["recv_whole"] = receiver.whole
            if receiver.qn is None and receiver.alternatives:
                more["alts"] = [f"{qn}.{method}" for qn in receiver.alternatives]
        elif callee is None and target.alternatives:  # a function out of a dispatch table
            more["alts"] = list(target.alternatives)
        if star:
            more["star"] = V.to_json(star)
        if arguments is not None and any(a.type in ("list_splat", "dictionary_splat") for a in arguments.named_children):
            more["splat"] = True  # `f(**options)` may pass any keyword, even when `options` is a constant
        index = self.fn.record_call(callee, method, span_of(node), args, kwargs, **more)
        result = Expr({("c", index): (line_of(node),)}, f"{callee}()" if callee else None, node_type="call",
                      cfg=S.constructor_cfg(named), mapping=callee == "dict")
        if result.qn in S.CONFIG_TYPES:
            result.keys = {}  # a new, empty configuration
        if callee in PATH_BUILDERS and positional:
            result.whole = positional[0].whole  # a parameter as the base folder is the path it names, not built
            result.text = any(not part.is_const for part in positional[1:])  # a path built of parts, as text is
        elif callee in ("list", "tuple") and len(positional) == 1 and not named:
            result.whole = positional[0].whole  # a copy of an argument list is that list
        if named and receiver is not None and receiver.qn and receiver.qn.endswith("()") and "splat" not in more:
            # `self.get_context_data(message=text)`: an object's method given entries by keyword returns
            # an object of contents not known here that may hold them (Django's context mixins do)
            result.added = {key: e.stored_at(line_of(node)) for key, e in named.items()}
        if receiver is not None and receiver.callables and method in ("get", "pop"):
            result = result.shaped(qn=None, alternatives=receiver.callables)  # `COMMANDS.get(name)`
        if callee == "getattr" and len(positional) >= 2 and positional[0].qn and isinstance(positional[1].const, str):
            result.qn = f"{positional[0].qn}.{positional[1].const}"  # `getattr(yaml, "CLoader", yaml.Loader)`
        module_function = receiver is None or all(kind == "q" for kind, *_ in receiver.value)
        if module_function and callee and not callee.rpartition(".")[2][:1].isupper():
            # `literal_eval(form["x"])`, `b64decode(data["blob"])`: a function (not a class, whose object
            # holds the value as a bound part) that decodes the part is still the caller's data
            varying = [a for a in all_args if not a.is_const]
            if len(varying) == 1 and varying[0].part is not None:
                result.part = varying[0].part
        if method in CONTENT_COPIES and receiver is not None and not positional:
            result.whole = item_of(receiver)  # `item.dict().pop("url")` is a part of `item`
        if receiver is not None and function.child_by_field_name("object").type == "identifier":
            known = self._method_on_local(text(function.child_by_field_name("object")), method, positional, named,
                                          all_args, line_of(node))
            if known is not None:
                return known
        elif receiver is not None and method in FILLERS and receiver.qn and "()." in receiver.qn:
            # `self.filters.update(filters)`: the object's field holds what is put in it, for every method
            self.store_cell(receiver.qn, V.union(*(a.value for a in all_args)), line_of(node))
        if receiver is not None and receiver.qn and receiver.qn.endswith(PATH_TYPES) and method in PATH_METHODS:
            result.qn = receiver.qn  # `path.resolve()` is a path again
        result.normalized = normalizes(callee, method)
        if method == "format" and receiver is not None and isinstance(receiver.const, str):
            result.value = self._host_fixed(receiver.const, V.union(*(a.value for a in all_args)), line_of(node))
        if method in ITEM_GETTERS and receiver is not None:
            result.part = item_of(receiver)  # `query_params.get("q")`, `request.form.getlist("q")`
        if method in ("format", "join", "format_map") and receiver is not None and \
                (isinstance(receiver.const, str) or receiver.text):
            result.text = True  # `"... {}".format(x)`, `" AND ".join(parts)`
        if method == "lstrip" and receiver is not None and positional and positional[0].const == "/" \
                and _rooted_normpath(function.child_by_field_name("object"), receiver):
            # `normpath("/" + name).lstrip("/")`: `..` cannot climb above the root it was put under,
            # and the root is stripped again: a relative path that stays below any folder it is joined to.
            return Expr(self._checked(receiver, PATH_CHECKED, line_of(node)), node_type="call")
        if method == "replace" and receiver is not None and len(positional) >= 2 \
                and all(isinstance(a.const, str) for a in positional[:2]) \
                and positional[0].const in ("'", '"') and positional[0].const not in positional[1].const:
            # `value.replace("'", "&apos;")`: the value can no longer close a quoted literal
            return Expr(self._checked(receiver, QUOTE_CHECKED, line_of(node)), node_type="call")
        if callee == "re.sub" and len(positional) >= 3 and "flags" not in named and len(positional) < 5 \
                and keeps_harmless_characters(positional[0].const, positional[1].const):
            return Expr(self._checked(positional[2], WORD_CHARACTERS, line_of(node)), node_type="call")
        if callee == "len" and len(positional) == 1 and isinstance(positional[0].const, (str, tuple)):
            return S.constant(len(positional[0].const), "integer")
        if callee in URL_PARSERS and arguments is not None and arguments.named_children \
                and _named_place(arguments.named_children[0]):
            result.origin = text(arguments.named_children[0])
        return result

    def _method_on_local(self, name: str, method: str, positional: list[Expr], named: dict[str, Expr],
                         all_args: list[Expr], line: int) -> Expr | None:
        """Update a local variable a method was called on; the call's result when it is known exactly."""
        old = self.lookup(name)
        consts = [a.const if a.is_const else V.UNKNOWN for a in positional]
        if old.items is not None and method in S.LIST_METHODS:
            self.env[name], element = S.list_method(old, method, positional, consts, line)
            return element
        if old.keys is not None and (method in S.DICT_METHODS
                                     or (old.qn in S.CONFIG_TYPES and method in S.CONFIG_METHODS)):
            self.env[name], found = S.keyed_method(old, method, positional, consts, line)
            return found
        if method.lower().startswith("set") and positional and all(a.is_const or a.qn for a in positional) \
                and len(old.cfg) < S.MAX_CFG:  # `parser.setFeature(feature_external_ges, True)` configures it
            call = f"{method}({', '.join(repr(a.const) if a.is_const else str(a.qn) for a in positional)})"
            old = self.env[name] = old.shaped(cfg=old.cfg + (call,))
        if method in MUTATORS:
            if name not in self.env:
                self._store_global(name, V.union(*(a.value for a in all_args)), line)
            self.env[name] = S.joined(old, all_args, line)
        return None


def _header_slot(mapping: tree_sitter.Node) -> bool:
    """A dict given as `headers=` or stored under a `"headers"` key."""
    slot = mapping.parent
    if slot is None or slot.type not in ("keyword_argument", "pair"):
        return False
    name = slot.child_by_field_name("name" if slot.type == "keyword_argument" else "key")
    return name is not None and text(name).strip("'\"") in HEADER_SLOTS and slot.child_by_field_name("value") == mapping


def _statement_span(node: tree_sitter.Node, end: tree_sitter.Node) -> tuple[int, int, int, int]:
    """From the start of the statement `node` is in to the end of `end`: where a reader of a
    multi-line `return {...}` looks for what it does."""
    statement = enclosing_statement(node)
    return statement.start_point[0] + 1, statement.start_point[1], end.end_point[0] + 1, end.end_point[1]


def _negated_calls(node: tree_sitter.Node, negated: bool = False):
    """The spans of the calls whose negated truth value decides a test (`not f(x) or not g(y)`)."""
    if node.type == "call" and negated:
        yield span_of(node)
    elif node.type in ("not_operator", "boolean_operator", "parenthesized_expression"):
        for child in node.named_children:
            yield from _negated_calls(child, negated != (node.type == "not_operator"))


def _named_place(node: tree_sitter.Node) -> bool:
    """A variable, or an item of one (`state["next"][0]`) with constant keys: a place a check can name."""
    while node.type == "subscript":
        keys = node.children_by_field_name("subscript")
        if not all(k.type in ("string", "integer") for k in keys):
            return False
        node = node.child_by_field_name("value")
    return node.type == "identifier"


def _rooted_normpath(node: tree_sitter.Node, result: Expr) -> bool:
    """`posixpath.normpath("/" + name)` (or `f"/{name}"`): a path normalised below the root."""
    if node.type != "call" or (result.qn or "").replace("()", "") not in ("posixpath.normpath", "os.path.normpath"):
        return False
    argument = sole_argument(node)
    if argument is None:
        return False
    if argument.type == "binary_operator" and text(argument.child_by_field_name("operator")) == "+":
        argument = argument.child_by_field_name("left")
    return argument.type == "string" and text(argument).lstrip("rbuRBUfF")[1:2] == "/"


def _wrapped_function(function: tree_sitter.Node | None, resolve) -> str | None:
    """`sync_to_async(fetch)(url)`, `retry(send)(msg)`: a wrapper made of one named function and
    called at once runs that function with the arguments, as a decorator's wrapper does (None for
    any other callee, and for `type(obj)(...)`, which makes a new object)."""
    if function is None or function.type != "call":
        return None
    arguments = function.child_by_field_name("arguments")
    positional = [a for a in (arguments.named_children if arguments is not None else ())
                  if a.type not in ("keyword_argument", "comment")]
    if len(positional) != 1 or positional[0].type not in ("identifier", "attribute") \
            or resolve(function.child_by_field_name("function")) in ("type", "super"):
        return None
    return resolve(positional[0])
