"""A baseline: the fingerprints of accepted findings, so a scan reports only new ones.

The file is JSON, sorted by path, rule and fingerprint so that rewriting it gives small diffs; rule,
path and line are there for people reading it (matching uses the fingerprint alone).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from codepatch.errors import UserError
from codepatch.types import Finding

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Baseline:
    path: Path
    fingerprints: frozenset[str]


@dataclass(frozen=True)
class BaselineOutcome:
    kept: tuple[Finding, ...]
    hidden: int
    stale: int  # baseline entries that match no finding any more (fixed, or the code changed)


def render(findings: tuple[Finding, ...]) -> str:
    entries = sorted(({"fingerprint": f.fingerprint, "rule_id": f.rule_id, "path": f.path, "line": f.line}
                      for f in findings), key=lambda e: (e["path"], e["rule_id"], e["fingerprint"]))
    return json.dumps({"codepatch_baseline": FORMAT_VERSION, "findings": entries}, indent=2) + "\n"


def load(path: Path) -> Baseline:
    """The baseline at `path`; a missing or malformed file is a UserError (one line, exit 2)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise UserError(f"baseline {path} is not valid JSON: {exc}") from exc
    ours = isinstance(data, dict) and data.get("codepatch_baseline") == FORMAT_VERSION
    entries = data.get("findings") if ours else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise UserError(f"baseline {path} is not a codepatch baseline (write one with --write-baseline)")
    return Baseline(path, frozenset(e["fingerprint"] for e in entries))


def apply_baseline(findings: tuple[Finding, ...], baseline: Baseline) -> BaselineOutcome:
    kept = tuple(f for f in findings if f.fingerprint not in baseline.fingerprints)
    matched = {f.fingerprint for f in findings} & baseline.fingerprints
    return BaselineOutcome(kept, len(findings) - len(kept), len(baseline.fingerprints - matched))
