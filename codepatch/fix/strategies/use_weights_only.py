"""`torch.load(f)` → `torch.load(f, weights_only=True)`: tensors and plain containers, no pickled code."""

from __future__ import annotations

import libcst as cst

from codepatch.fix import edits
from codepatch.fix.examples import Fix
from codepatch.fix.target import CallRewrite


class UseWeightsOnly(CallRewrite):
    NAME = "use_weights_only"
    DESCRIPTION = "Load checkpoints with torch.load(..., weights_only=True)"
    CALLS = ("torch.load",)

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return edits.with_keyword(updated, "weights_only", cst.Name("True"))


EXAMPLES = (
    # torch.load gets weights_only=True
    Fix("""\
        import torch
        state = torch.load(path, map_location="cpu")
        other = torch.load(path, weights_only=False)
        """, """\
        import torch
        state = torch.load(path, map_location="cpu", weights_only=True)
        other = torch.load(path, weights_only=False)
        """, at="torch.load("),
    Fix("import torch\nm = torch.load(p, weights_only=False)\n",
        "import torch\nm = torch.load(p, weights_only=True)\n", at="torch.load("),
    # the trailing comma of a multi-line call stays
    Fix("""\
        import torch
        state = torch.load(
            path,
            map_location="cpu",
        )
        """, """\
        import torch
        state = torch.load(
            path,
            map_location="cpu", weights_only=True,
        )
        """, at="torch.load("),
)


STRATEGY = UseWeightsOnly
