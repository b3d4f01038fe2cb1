"""`pickle` data from outside → unpickled only after its HMAC-SHA256 signature is verified.

    blob = pickle.dumps(state)                   →  blob = _dumps_signed(state)
    pickle.dump(state, f)                        →  f.write(_dumps_signed(state))
    state = pickle.loads(request.data)           →  state = _loads_signed(request.data)
    state = pickle.load(upload)                  →  state = _loads_signed(upload.read())

For objects that must round-trip (where `use_json_serialization` does not apply). The helpers,
added to the module once, put a 32-byte HMAC-SHA256 tag of the pickle before it, keyed by the
environment variable PICKLE_SIGNING_KEY (`KeyError: 'PICKLE_SIGNING_KEY'` when unset: there is
no safe default key); `_loads_signed` compares tags with `hmac.compare_digest` and raises
`ValueError` on a mismatch before anything is unpickled. Every `pickle.dumps`/`pickle.dump` of
this module and of the project's other modules (tests aside) is rewritten to sign, so data the
project writes still loads. When no producer is found, only the reading side changes and the
patch says that whoever writes the data must sign it with the same key (the validation's test
run rejects the patch if the project's own tests break). Refused: an `Unpickler`, dill, marshal,
shelve, jsonpickle and pandas data (their formats are not a plain pickle to sign).
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits, elsewhere
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.project import project_of
from codepatch.fix.target import CallRewrite

MODULES = ("pickle", "cPickle", "_pickle")
DUMPS = tuple(f"{module}.{name}" for module in MODULES for name in ("dumps", "dump"))
IMPORTS = ("hashlib", "hmac", "os", "pickle")
# A producer in another module, recognised by its spelling (that module's imports are not resolved).
OTHER_DUMPS = m.Call(func=m.Attribute(value=m.OneOf(*map(m.Name, MODULES)), attr=m.Name("dumps") | m.Name("dump")))
NO_PRODUCER = ("no pickle.dumps was found in this project: whoever produces this data must now sign it "
               "with the same PICKLE_SIGNING_KEY (HMAC-SHA256 tag + pickle, see _loads_signed)")
LOADER = "_loads_signed"
LOADER_SOURCE = '''
def _loads_signed(data, **options):
    """Unpickle `data` (an HMAC-SHA256 tag, then the pickle) only if the tag matches PICKLE_SIGNING_KEY."""
    # Whoever produces `data` must sign it with the same key: hmac.new(key, pickle, sha256).digest() + pickle.
    key = os.environ["PICKLE_SIGNING_KEY"].encode()
    tag, payload = data[:32], data[32:]
    if not hmac.compare_digest(tag, hmac.new(key, payload, hashlib.sha256).digest()):
        raise ValueError("pickled data with a missing or wrong signature")
    return pickle.loads(payload, **options)  # nosec B301: signed with our key, checked above
'''
DUMPER = "_dumps_signed"
DUMPER_SOURCE = '''
def _dumps_signed(obj, *args, **options):
    """The pickle of `obj` after its HMAC-SHA256 tag keyed by PICKLE_SIGNING_KEY (read by _loads_signed)."""
    payload = pickle.dumps(obj, *args, **options)
    return hmac.new(os.environ["PICKLE_SIGNING_KEY"].encode(), payload, hashlib.sha256).digest() + payload
'''


class VerifyPickleSignature(CallRewrite):
    NAME = "verify_pickle_signature"
    DESCRIPTION = "Unpickle only data signed with HMAC-SHA256 (and sign what the project pickles)"
    CALLS = tuple(f"{module}.{name}" for module in MODULES for name in ("loads", "load"))

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        if not self.call.args or self.call.args[0].keyword or any(a.star for a in self.call.args):
            raise SkipFile("the pickled data is not the first positional argument")
        self.dumps = [c for c in m.findall(node, m.Call(), metadata_resolver=self) if self.calls(c, *DUMPS)]
        self.signed_elsewhere = self._sign_other_modules(node)
        if not self.dumps and not self.signed_elsewhere:
            self.warn(NO_PRODUCER)

    def _sign_other_modules(self, here: cst.Module) -> int:
        """Rewrite the producers in the project's other modules (recorded for the patch); how many."""
        if self.context.filename is None:
            return 0
        project, own, count = project_of(self.context), Path(self.context.filename).resolve(), 0
        for path in project.modules():
            text = project.text(path)
            if path == own or text is None or "pickle" not in text:
                continue
            tree = elsewhere.parse(text)
            producers = m.findall(tree, OTHER_DUMPS)
            if producers:
                changed = elsewhere.rewrite(tree, {id(c): _signed(c) for c in producers}, IMPORTS)
                elsewhere.record(self.context, path, edits.with_helper(changed, DUMPER, DUMPER_SOURCE).code)
                count += len(producers)
        return count

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node is self.call:
            first, *rest = updated_node.args
            return self._imported(updated_node.with_changes(
                func=cst.Name(LOADER), args=[first.with_changes(value=self._data(first.value)), *rest]))
        if any(original_node is c for c in self.dumps):
            return self._imported(_signed(updated_node))
        return updated_node

    def _data(self, source: cst.BaseExpression) -> cst.BaseExpression:
        """The bytes to verify: the argument of `loads`, or what the file passed to `load` holds."""
        return source if self.calls(self.call, *(f"{n}.loads" for n in MODULES)) else edits.expr(
            "{file}.read()", file=source)

    def _imported(self, node: cst.BaseExpression) -> cst.BaseExpression:
        for module in IMPORTS:
            AddImportsVisitor.add_needed_import(self.context, module)
        return node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if self.dumps:
            updated_node = edits.with_helper(updated_node, DUMPER, DUMPER_SOURCE)
        return edits.with_helper(updated_node, LOADER, LOADER_SOURCE)


def _signed(call: cst.Call) -> cst.BaseExpression:
    """`pickle.dumps(obj, ...)` → `_dumps_signed(obj, ...)`; `pickle.dump(obj, f, ...)` →
    `f.write(_dumps_signed(obj, ...))`."""
    signed = call.with_changes(func=cst.Name(DUMPER))
    function = call.func.attr if isinstance(call.func, cst.Attribute) else call.func
    if function.value == "dumps":
        return signed
    file = edits.argument(call, 1, "file")
    if file is None:
        raise SkipFile("a pickle.dump without its file argument")
    return edits.expr("{file}.write({signed})", file=file.value,
                      signed=edits.without_arguments(signed, file))


EXAMPLES = (
    # pickle.loads checks a signature, and the module's dumps sign
    Fix("""\
        import base64
        import pickle


        def save(state, f):
            pickle.dump(state, f)
            return base64.b64encode(pickle.dumps(state, protocol=4))


        def load(cookie):
            return pickle.loads(base64.b64decode(cookie))
        """, "import base64\nimport pickle\nimport hashlib\nimport hmac\nimport os\n\n" + LOADER_SOURCE + "\n"
        + DUMPER_SOURCE + "\n\n" + dedent("""\
        def save(state, f):
            f.write(_dumps_signed(state))
            return base64.b64encode(_dumps_signed(state, protocol=4))


        def load(cookie):
            return _loads_signed(base64.b64decode(cookie))
        """), at="pickle.loads("),
    # Unpickler, and data passed by keyword
    Refuse("import pickle\nobj = pickle.Unpickler(f).load()\n",
           at="pickle.Unpickler(", reason="no `pickle.loads`"),
    Refuse("import pickle\nobj = pickle.loads(data=request.data)\n",
           at="pickle.loads(", reason="not the first positional argument"),
)


STRATEGY = VerifyPickleSignature
