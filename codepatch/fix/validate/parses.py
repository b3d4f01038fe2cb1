"""Step 1: every patched module still parses, with LibCST and with tree-sitter."""

from __future__ import annotations

import libcst

from codepatch.files.parse import new_parser
from codepatch.types import CheckResult, Patch

STEP = "parses"


def check(patch: Patch) -> CheckResult:
    parser = new_parser()
    for path, original, patched in patch.files:
        try:
            libcst.parse_module(patched)
        except libcst.ParserSyntaxError as exc:
            return CheckResult(STEP, False, f"{path}: LibCST cannot parse the patch: {exc.message} (line {exc.raw_line})")
        original_broken = parser.parse(original.encode()).root_node.has_error
        if not original_broken and parser.parse(patched.encode()).root_node.has_error:
            return CheckResult(STEP, False, f"{path}: tree-sitter finds a syntax error in the patch")
    return CheckResult(STEP, True)
