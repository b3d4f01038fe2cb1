"""`yaml.load(stream, Loader=...)` → `yaml.safe_load(stream)`; `load_all` likewise.

Any loader argument goes, a loader held in a variable included: the safe loader builds only
plain data (dicts, lists, strings, numbers), never objects named by the document.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from codepatch.fix import edits
from codepatch.fix.examples import Fix, Refuse
from codepatch.fix.target import CallRewrite

SAFE = {"load": "safe_load", "load_all": "safe_load_all", "unsafe_load": "safe_load",
        "unsafe_load_all": "safe_load_all", "full_load": "safe_load", "full_load_all": "safe_load_all"}


class UseSafeYamlLoader(CallRewrite):
    NAME = "use_safe_yaml_loader"
    DESCRIPTION = "Load YAML with yaml.safe_load / safe_load_all, which builds plain data only"
    CALLS = tuple(f"yaml.{name}" for name in SAFE)

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        unsafe = next(name for name in self.qualified_names(original.func) if name.startswith("yaml.")).split(".")[1]
        loader = edits.argument(updated, 1, "Loader")
        call = edits.without_arguments(updated, loader) if loader else updated
        if isinstance(call.func, cst.Attribute):
            return call.with_changes(func=call.func.with_changes(attr=cst.Name(SAFE[unsafe])))
        AddImportsVisitor.add_needed_import(self.context, "yaml", SAFE[unsafe])
        return call.with_changes(func=cst.Name(SAFE[unsafe]))


EXAMPLES = (
    # yaml.load becomes yaml.safe_load; comments stay
    Fix("""\
        import yaml  # config


        def read(stream):
            # the stream is user input
            return yaml.load(stream, Loader=yaml.Loader)  # noqa
        """, """\
        import yaml  # config


        def read(stream):
            # the stream is user input
            return yaml.safe_load(stream)  # noqa
        """, at="yaml.load("),
    # a loader held in a variable, and load_all
    Fix("""\
        import yaml
        LOADER = yaml.UnsafeLoader
        docs = list(yaml.load_all(text, LOADER))
        """, """\
        import yaml
        LOADER = yaml.UnsafeLoader
        docs = list(yaml.safe_load_all(text))
        """, at="yaml.load_all("),
    # load imported by name: safe_load is imported beside it
    Fix("""\
        from yaml import load, Loader
        data = load(body, Loader=Loader)
        """, """\
        from yaml import safe_load, load, Loader
        data = safe_load(body)
        """, at="load(body"),
    # no yaml.load at the target
    Refuse("import json\ndata = json.loads(body)\n", at="json.loads(",
           reason="no `yaml.load`"),
)


STRATEGY = UseSafeYamlLoader
