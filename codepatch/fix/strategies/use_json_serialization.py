"""`pickle` round trips inside one module → `json`, which builds data, never objects.

    cookie = base64.b64encode(pickle.dumps(prefs))      →  ... json.dumps(prefs).encode() ...
    prefs = pickle.loads(base64.b64decode(cookie))       →  prefs = json.loads(base64.b64decode(cookie))

Sound only when this module writes the data it reads: every `pickle.dumps` in it becomes
`json.dumps(...).encode()` (bytes, as before) and the flagged `pickle.loads` becomes
`json.loads` (which accepts bytes). Whether the values are JSON data (dicts, lists, strings,
numbers) is then checked by the tests the validation runs. Refused, with the reason, when the
data comes from elsewhere (another service's or an old version's pickles cannot be read as
JSON: change the producer first, or sign the payload with HMAC), and for `pickle.load` from
files (a binary file written by `pickle.dump` cannot take `json.dump`'s text).
"""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
from libcst.codemod import SkipFile
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from codepatch.fix import edits
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

DUMPS = ("pickle.dumps", "cPickle.dumps", "_pickle.dumps")


class UseJsonSerialization(CallRewrite):
    NAME = "use_json_serialization"
    DESCRIPTION = "Serialize with json instead of pickle where this module writes the data it reads"
    CALLS = ("pickle.loads", "cPickle.loads", "_pickle.loads", "pickle.load", "cPickle.load", "_pickle.load",
             "dill.loads", "jsonpickle.decode", "marshal.loads", "pandas.read_pickle", "shelve.open")

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        if not self.calls(self.call, "pickle.loads", "cPickle.loads", "_pickle.loads"):
            raise SkipFile("only pickle.loads of bytes written by this module is switched to json; files, shelves, "
                           "dill/marshal/jsonpickle data need their producer changed (or an HMAC signature)")
        self.dumps = [c for c in m.findall(node, m.Call(), metadata_resolver=self) if self.calls(c, *DUMPS)]
        if not self.dumps:
            raise SkipFile("the pickled data is produced outside this module, so switching the format here "
                           "would break the producer: sign the payload with HMAC (hmac.compare_digest) or "
                           "change the producer to JSON first")
        if len(self.call.args) != 1 or any(len(c.args) != 1 for c in self.dumps):
            raise SkipFile("pickle protocol or unpickler options are given; they have no json equivalent")

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node is self.call or any(original_node is c for c in self.dumps):
            AddImportsVisitor.add_needed_import(self.context, "json")
            RemoveImportsVisitor.remove_unused_import(self.context, "pickle")
        if original_node is self.call:
            return updated_node.with_changes(func=edits.expr("json.loads"))
        if any(original_node is c for c in self.dumps):
            return edits.expr("json.dumps({value}).encode()", value=updated_node.args[0].value)
        return updated_node


EXAMPLES = (
    # a pickle round trip within one module becomes JSON
    Fix("""\
        import base64
        import pickle


        def save(prefs):
            return base64.b64encode(pickle.dumps(prefs))


        def load(cookie):
            return pickle.loads(base64.b64decode(cookie))
        """, """\
        import base64
        import json


        def save(prefs):
            return base64.b64encode(json.dumps(prefs).encode())


        def load(cookie):
            return json.loads(base64.b64decode(cookie))
        """, at="pickle.loads("),
    # pickles produced elsewhere, and pickle files
    Refuse("import pickle\nobj = pickle.loads(request.data)\n", at="pickle.loads(",
           reason="produced outside this module"),
    Refuse("import pickle\nobj = pickle.load(upload)\n", at="pickle.load(",
           reason="producer changed"),
)


STRATEGY = UseJsonSerialization
