"""Facts for every file of the project: from the cache where the content is unchanged, else
computed, in parallel worker processes when there is enough to do."""

from __future__ import annotations

import os
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from codepatch.cache import FactsCache
from codepatch.facts.summarize import problem_facts, summarize
from codepatch.parse import DEFAULT_MAX_FILE_BYTES, read_source
from codepatch.ruleset import RuleSet, load_ruleset
from codepatch.types import SourceFile

PARALLEL_MIN_BYTES = 400_000  # below this, starting worker processes costs more than it saves
RECURSION_LIMIT = 12_000       # deeply nested expressions (long `a + b + ...` chains) recurse deeply


@dataclass(frozen=True)
class CollectedFacts:
    modules: list[dict]            # one facts dict per file, in discovery order
    texts: dict[str, bytes]        # file contents by display path, for code excerpts
    analysed: int                  # files analysed now (the rest came from the cache)


def collect(files: tuple[SourceFile, ...], ruleset: RuleSet, cache: FactsCache, rules_dir: Path | None,
            jobs: int = 0, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> CollectedFacts:
    modules: list[dict | None] = []
    texts: dict[str, bytes] = {}
    todo: list[tuple[int, SourceFile, bytes, str]] = []
    for source in files:
        read = read_source(source, max_bytes)
        if read.data is None:
            modules.append(problem_facts(source, read.problem.kind, read.problem.message))
            continue
        texts[source.display] = read.data
        key = cache.key(source.module, source.display, read.data)
        cached = cache.get(key)
        modules.append(cached)
        if cached is None:
            todo.append((len(modules) - 1, source, read.data, key))
    pending_bytes = sum(len(item[2]) for item in todo)
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and pending_bytes >= PARALLEL_MIN_BYTES and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(rules_dir,)) as pool:
            chunk = max(1, len(todo) // (workers * 8))
            results = pool.map(_summarize_in_worker, [(s, d) for _, s, d, _ in todo], chunksize=chunk)
            computed = list(results)
    else:
        computed = [safe_summarize(s, d, ruleset) for _, s, d, _ in todo]
    for (index, _, _, key), facts in zip(todo, computed):
        modules[index] = facts
        if not (facts["problem"] and facts["problem"]["kind"] == "internal-error"):
            cache.put(key, facts)
    return CollectedFacts([m for m in modules if m is not None], texts, len(todo))


def safe_summarize(source: SourceFile, data: bytes, ruleset: RuleSet) -> dict:
    """`summarize`, with a failure of ours turned into an outcome that names it (and fails the scan)."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        return summarize(source, data, ruleset)
    except RecursionError:
        return problem_facts(source, "too-complex", "skipped: expressions nested too deeply to analyse")
    except Exception as exc:  # reported as an internal-error outcome, never hidden: the scan exits 2
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return problem_facts(source, "internal-error",
                        f"internal error: {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})")


_WORKER_RULESET: RuleSet | None = None


def _init_worker(rules_dir: Path | None) -> None:
    global _WORKER_RULESET
    _WORKER_RULESET = load_ruleset(rules_dir)


def _summarize_in_worker(item: tuple[SourceFile, bytes]) -> dict:
    return safe_summarize(item[0], item[1], _WORKER_RULESET)
