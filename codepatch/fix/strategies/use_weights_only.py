"""`torch.load(f)` → `torch.load(f, weights_only=True)`: tensors and plain containers, no pickled code."""

from __future__ import annotations

import libcst as cst

from codepatch.fix import edits
from codepatch.fix.target import CallRewrite


class UseWeightsOnly(CallRewrite):
    NAME = "use_weights_only"
    DESCRIPTION = "Load checkpoints with torch.load(..., weights_only=True)"
    CALLS = ("torch.load",)

    def rewrite(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        return edits.with_keyword(updated, "weights_only", cst.Name("True"))


STRATEGY = UseWeightsOnly
