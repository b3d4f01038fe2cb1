"""Facts for every file of the project: from the cache where the content is unchanged, else
computed, in parallel worker processes when there is enough to do."""

from __future__ import annotations

import hashlib
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from codepatch.facts.extract import AnalysisTimeout
from codepatch.files.parse import (
    DEFAULT_FILE_SECONDS,
    DEFAULT_MAX_FILE_BYTES,
    read_source,
)
from codepatch.progress import NO_PROGRESS, Progress, stage
from codepatch.ruleset.model import RuleSet
from codepatch.scan.cache import FactsCache, digest_text, encode_facts
from codepatch.scan.per_file import problem_facts, summarize
from codepatch.types import SourceFile

PARALLEL_MIN_BYTES = 400_000  # below this, starting worker processes costs more than it saves
RECURSION_LIMIT = 12_000       # deeply nested expressions (long `a + b + ...` chains) recurse deeply
UNCACHED_PROBLEMS = ("internal-error", "too-slow")  # our failures, or this run's time budget: try again next time


@dataclass(frozen=True)
class FileLimits:
    """How the per-file stage may run: worker processes (0: one per core), bytes and seconds per file."""

    jobs: int = 0
    max_bytes: int = DEFAULT_MAX_FILE_BYTES
    seconds: float = DEFAULT_FILE_SECONDS


@dataclass(frozen=True)
class CollectedFacts:
    modules: list[dict]            # one facts dict per file, in discovery order
    texts: dict[str, bytes]        # file contents by display path, for code excerpts
    analysed: int                  # files analysed now (the rest came from the cache)
    digest: str | None             # of every module's facts, in order; None without a cache
    keys: list[str | None]         # each module's facts cache key (None: the file could not be read)
    digests: list[str]             # each module's facts digest


def collect(files: tuple[SourceFile, ...], ruleset: RuleSet, cache: FactsCache, limits: FileLimits = FileLimits(),
            known: dict[str, dict] | None = None, progress: Progress = NO_PROGRESS,
            if_imported: frozenset[str] = frozenset()) -> CollectedFacts:
    """Facts of every file. `known` (facts key → light module with its facts' digest, from the last
    solved entry) stands in for unchanged files, whose facts are then not loaded here: the solver
    loads the functions it needs (see analysis/incremental.py). The files named in `if_imported`
    (display paths: test code no report shows) are analysed only when a module analysed imports
    them; they come after the others."""
    modules: list[dict] = []
    digests: list[str] = []
    keys: list[str | None] = []
    texts: dict[str, bytes] = {}
    analysed = 0
    batch = [f for f in files if f.display not in if_imported]
    waiting = [f for f in files if f.display in if_imported]
    while batch:
        first = len(modules)
        analysed += _collect_batch(batch, ruleset, cache, limits, known, progress, modules, digests, keys, texts)
        imported = imported_modules(modules[first:])
        batch = [f for f in waiting if f.module in imported]
        waiting = [f for f in waiting if f.module not in imported]
    digest = None
    if cache.enabled:
        combined = hashlib.sha256()
        for part in digests:
            combined.update(part.encode() + b"\0")
        digest = combined.hexdigest()
    return CollectedFacts(modules, texts, analysed, digest, keys, digests)


def imported_modules(modules: list[dict]) -> set[str]:
    """Every module the given ones import: `tests.helpers.make_user` imports `tests.helpers` and
    `tests`, each dotted prefix of a name."""
    return {name[:cut] for m in modules for name in m.get("imports", ())
            for cut in [*(i for i, c in enumerate(name) if c == "."), len(name)]}


def _collect_batch(files: list[SourceFile], ruleset: RuleSet, cache: FactsCache, limits: FileLimits,
                   known: dict[str, dict] | None, progress: Progress, modules: list[dict], digests: list[str],
                   keys: list[str | None], texts: dict[str, bytes]) -> int:
    """The facts of `files` appended to `modules`, `digests` and `keys` (their texts to `texts`);
    how many were analysed now."""
    todo: list[tuple[int, SourceFile, bytes, str]] = []
    for source in files:
        read = read_source(source, limits.max_bytes)
        if read.data is None:
            facts = problem_facts(source, read.problem.kind, read.problem.message)
            modules.append(facts)
            digests.append(digest_text(encode_facts(facts)) if cache.enabled else "")
            keys.append(None)
            continue
        texts[source.display] = read.data
        key = cache.key(source.module, source.display, read.data)
        keys.append(key)
        if known and key in known:
            modules.append({**known[key], "functions": []})
            digests.append(known[key]["digest"])
            continue
        cached = cache.get(key)
        modules.append(cached[0] if cached else None)
        digests.append(cached[1] if cached else "")
        if cached is None:
            todo.append((len(modules) - 1, source, read.data, key))
    with stage(progress, "parsing files", len(todo)):
        computed = _summarize_all(todo, ruleset, cache, limits, progress)
    for (index, _, _, _), (facts, digest, warning) in zip(todo, computed):
        modules[index], digests[index] = facts, digest
        if warning and not cache.warning:
            cache.warning = warning
    return len(todo)


def _summarize_all(todo: list[tuple[int, SourceFile, bytes, str]], ruleset: RuleSet, cache: FactsCache,
                   limits: FileLimits, progress: Progress) -> list[tuple[dict, str, str | None]]:
    """`summarize_and_store` for each file to do, in worker processes when there is enough to do.

    The results follow the order of `todo`, which may be sorted in place (largest files first)."""
    pending_bytes = sum(len(item[2]) for item in todo)
    workers = limits.jobs or os.cpu_count() or 1
    computed = []
    if workers > 1 and pending_bytes >= PARALLEL_MIN_BYTES and len(todo) > 1:
        # Largest files first, in small chunks: no worker is left with a big file at the end.
        todo.sort(key=lambda item: -len(item[2]))
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(ruleset, cache, limits.seconds)) as pool:
            for facts in pool.map(_summarize_in_worker, [(s, d, k) for _, s, d, k in todo], chunksize=2):
                computed.append(facts)
                progress.advance()
    else:
        for _, source, data, key in todo:
            computed.append(summarize_and_store(source, data, key, ruleset, cache, limits.seconds))
            progress.advance()
    return computed


def summarize_and_store(source: SourceFile, data: bytes, key: str, ruleset: RuleSet, cache: FactsCache,
                        file_seconds: float = DEFAULT_FILE_SECONDS) -> tuple[dict, str, str | None]:
    """Facts of one file, stored in the cache unless they record a failure of ours.

    Runs in the worker processes, so serialising and writing the cache entries is parallel too.
    Returns the facts, the digest of their serialisation and the cache's warning, if any.
    """
    facts = safe_summarize(source, data, ruleset, file_seconds)
    if not cache.enabled:
        return facts, "", None
    text = encode_facts(facts)
    if not (facts["problem"] and facts["problem"]["kind"] in UNCACHED_PROBLEMS):
        cache.put(key, text)
    return facts, digest_text(text), cache.warning


def safe_summarize(source: SourceFile, data: bytes, ruleset: RuleSet,
                   file_seconds: float = DEFAULT_FILE_SECONDS) -> dict:
    """`summarize`, with a failure of ours turned into an outcome that names it (and fails the scan)."""
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        return summarize(source, data, ruleset, time.monotonic() + file_seconds)
    except AnalysisTimeout:
        return problem_facts(source, "too-slow", f"analysis stopped after {file_seconds:g} s (--file-timeout)")
    except RecursionError:
        return problem_facts(source, "too-complex", "expressions nested too deeply to analyse")
    except Exception as exc:  # reported as an internal-error outcome, never hidden: the scan exits 2
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return problem_facts(source, "internal-error",
                        f"internal error: {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})")


_WORKER_RULESET: RuleSet | None = None
_WORKER_CACHE: FactsCache | None = None
_WORKER_FILE_SECONDS = DEFAULT_FILE_SECONDS


def _init_worker(ruleset: RuleSet, cache: FactsCache, file_seconds: float) -> None:
    global _WORKER_RULESET, _WORKER_CACHE, _WORKER_FILE_SECONDS
    _WORKER_RULESET, _WORKER_CACHE, _WORKER_FILE_SECONDS = ruleset, cache, file_seconds


def _summarize_in_worker(item: tuple[SourceFile, bytes, str]) -> tuple[dict, str, str | None]:
    return summarize_and_store(item[0], item[1], item[2], _WORKER_RULESET, _WORKER_CACHE, _WORKER_FILE_SECONDS)
