"""One file, start to finish of the per-file stage: read → parse → extract facts → pattern hits.

The result is a JSON-able dict (cached by content hash), so worker processes can return it and
the cache can store it without pickle.
"""

from __future__ import annotations

from codepatch.analysis.bound_literals import match_bound_literals
from codepatch.analysis.handlers import match_handlers
from codepatch.analysis.patterns import (
    compile_patterns,
    match_calls,
    match_queries,
    note_sink_words,
)
from codepatch.analysis.registrations import (
    called_methods,
    referenced_functions,
    registered_handlers,
)
from codepatch.facts.extract import ModuleExtractor
from codepatch.facts.schema import ModuleFacts
from codepatch.files.parse import check_text, new_parser, syntax_problem
from codepatch.ruleset.model import RuleSet
from codepatch.types import SourceFile


def summarize(source: SourceFile, data: bytes, ruleset: RuleSet, deadline: float | None = None) -> ModuleFacts:
    """Facts and pattern hits for one file's bytes; a problem entry instead when it cannot be parsed.
    Past `deadline` (time.monotonic()) the extractor raises AnalysisTimeout."""
    problem = check_text(source.display, data)
    if problem is not None:
        return problem_facts(source, problem.kind, problem.message)
    tree = new_parser().parse(data)
    root = tree.root_node
    is_package = source.path.name == "__init__.py"
    extractor = ModuleExtractor(source.module, is_package, root, deadline, ruleset.terminating_calls)
    functions = [f.to_json() for f in extractor.run()]
    patterns = compile_patterns(ruleset)
    dismissed: list = []  # pattern matches their conditions exclude (`scan --show-dismissed`)
    note_sink_words(patterns, functions, root, source.module)
    hits = match_calls(patterns, functions, root, source.module, dismissed)
    hits += match_queries(patterns, root, source.module, dismissed)
    hits += match_bound_literals(patterns, root, source.module, dismissed)
    hits += match_handlers(patterns.handlers, root, extractor.scope, ruleset)
    partial = syntax_problem(source.display, tree)
    return {
        "path": source.display, "module": source.module, "functions": functions, "hits": hits,
        "dismissed": dismissed,
        "problem": {"kind": partial.kind, "message": partial.message, "partial": True} if partial else None,
        "classes": extractor.classes, "constants": extractor.constants, "texts": extractor.texts,
        "tables": extractor.tables, "registered": registered_handlers(functions, ruleset), "referenced": referenced_functions(functions),
        "imports": sorted({*extractor.scope.names.values(), *extractor.scope.star_imports}),
        "methods": called_methods(functions),
    }


def problem_facts(source: SourceFile, kind: str, message: str) -> ModuleFacts:
    """The facts of a file that could not be analysed: no functions, one problem."""
    return {"path": source.display, "module": source.module, "functions": [], "hits": [], "dismissed": [],
            "problem": {"kind": kind, "message": message, "partial": False},
            "classes": {}, "constants": [], "texts": {}, "tables": {}, "registered": [], "referenced": [], "imports": [], "methods": []}
