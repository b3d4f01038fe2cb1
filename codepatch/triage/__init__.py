"""After the analysis, before any report: fingerprints, inline suppressions, the baseline, then
`--changed-since`, in that order, so that every caller of `scan.pipeline.scan` gets the same findings.

Bad input (an unreadable baseline, a bad git ref) is found by `prepare`, before the analysis runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from codepatch.files.discover import report_anchor
from codepatch.ruleset.model import Rule
from codepatch.triage.baseline import Baseline, apply_baseline, load
from codepatch.triage.changes import Changes, changed_since
from codepatch.triage.fingerprint import with_fingerprints
from codepatch.triage.suppress import Marker, apply_suppressions
from codepatch.types import Finding


@dataclass(frozen=True)
class Triaged:
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Triage:
    baseline: Baseline | None = None
    changes: Changes | None = None
    honour_new_suppressions: bool = True  # False: a suppression the change adds hides nothing (the Action's gate)

    @classmethod
    def prepare(cls, baseline: Path | None, ref: str | None, root: Path, anchor: Path | None = None,
                honour_new_suppressions: bool = True) -> Triage:
        return cls(load(baseline) if baseline else None,
                   changed_since(ref, root, anchor or report_anchor(root)) if ref is not None else None,
                   honour_new_suppressions)

    def apply(self, findings: tuple[Finding, ...], texts: dict[str, bytes], rules: dict[str, Rule],
              shown: set[str], reported: Callable[[Finding], bool] = lambda f: True) -> Triaged:
        """`findings` of every tier; suppressions are matched against all of them (so a marker whose
        finding is below the thresholds is not called unused), then only the `reported` go on."""
        split = apply_suppressions(with_fingerprints(findings, texts), texts, rules, shown)
        notes = [f"{m.path}:{m.line}: unused suppression '{m.text}': no finding here" for m in split.unused
                 if self._changed(m)]
        notes += [f"{m.path}:{m.line}: {why}" for m, why in split.faulty if self._changed(m)]
        kept = tuple(f for f in split.kept if reported(f))
        hidden = tuple((f, m) for f, m in split.hidden if reported(f))
        if self.changes and not self.honour_new_suppressions:
            kept += tuple(replace(f, suppression=f"{m.line}: # {m.text} (added in this change: not honoured)")
                          for f, m in hidden if self._changed(m))
            kept = tuple(sorted(kept, key=lambda f: f.sort_key))
            hidden = tuple((f, m) for f, m in hidden if not self._changed(m))
        if self.baseline:
            outcome = apply_baseline(kept, self.baseline)
            kept = outcome.kept
            notes.append(f"baseline {self.baseline.path}: {outcome.hidden} finding(s) hidden, "
                         f"{outcome.stale} entr{'y' if outcome.stale == 1 else 'ies'} no longer found")
        if self.changes:
            notes += dict.fromkeys(f"{m.path}:{m.line}: suppression added in this change hides {f.rule_id}"
                                   for f, m in hidden if self._changed(m))
            hidden = tuple((f, m) for f, m in hidden if self.changes.touches_finding(f) or self._changed(m))
            notes.append(f"--changed-since {self.changes.ref}: {sum(map(self.changes.touches_finding, kept))} of "
                         f"{len(kept)} finding(s) touch lines changed since {self.changes.merge_base[:12]}")
            kept = tuple(f for f in kept if self.changes.touches_finding(f) or f.suppression)
        suppressed = tuple(replace(f, suppression=f"{m.line}: # {m.text}") for f, m in hidden)
        return Triaged(kept, suppressed, tuple(notes))

    def changed_files(self) -> frozenset[str]:
        """Display paths of the files the change touches (none without --changed-since)."""
        return frozenset(self.changes.lines) | self.changes.whole if self.changes else frozenset()

    def _changed(self, marker: Marker) -> bool:
        """Whether a suppression is part of the change (always, without --changed-since)."""
        return self.changes is None or self.changes.touches(marker.path, marker.line, marker.line)
