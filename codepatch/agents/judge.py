"""Run the agents on the picked findings and fold their verdicts into the scan's result.

The engines keep the last word (`verdict_applied`): a verdict of `real` raises a finding's
confidence one tier, `not real` lowers it one tier, except for a flow from a modelled source with
no project helper on its path, which is never lowered (such findings are not even picked; the
veto holds whatever picks them). With `drop`, what the agents judge not real (and the engines do
not keep) leaves the report, counted in a note.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from codepatch.agents.case import NotPython, question
from codepatch.agents.select import Pick, picks
from codepatch.agents.verdict import REASONS, read_verdict
from codepatch.types import Finding, Level, ScanResult, Verdict

DEFAULT_ROUNDS = 2
DEFAULT_LATENT_STEPS = 12  # the longest verdict is 11 tokens with its stop
VERDICT_TOKENS = 16
MODELLED_SOURCE = "a modelled source with no project helper on its path"
RAISED = {Level.LOW: Level.MEDIUM, Level.MEDIUM: Level.HIGH, Level.HIGH: Level.HIGH}
LOWERED = {Level.HIGH: Level.MEDIUM, Level.MEDIUM: Level.LOW, Level.LOW: Level.LOW}


@dataclass(frozen=True)
class AgentSettings:
    mode: str = "latent"  # or "text": the baseline that exchanges decoded messages
    rounds: int = DEFAULT_ROUNDS
    latent_steps: int = DEFAULT_LATENT_STEPS
    model: Path | None = None  # default: the converted SmolLM2-135M-Instruct
    links: str | None = None  # a checkpoint folder, "untrained", or None for the shipped one
    budget: float = 300.0  # seconds of agent time per scan; findings past it stay unjudged
    drop: bool = False
    threads: int = 0  # 0: one per idle core


def judge_findings(result: ScanResult, anchor: Path, settings: AgentSettings) -> ScanResult:
    """`result` with the agents' verdicts on the findings they judge. Nothing to judge: no model
    is loaded (and no torch imported)."""
    chosen = [(pick, text) for pick in picks(result.findings, anchor) if (text := _question(pick)) is not None]
    if not chosen:
        return result
    system = load_judges(settings)
    started = time.perf_counter()
    verdicts: dict[int, Verdict] = {}
    for pick, text in chosen:
        if time.perf_counter() - started > settings.budget:
            break
        run = system.run([text], mode=settings.mode, rounds=settings.rounds, latent_steps=settings.latent_steps,
                         answer_tokens=VERDICT_TOKENS)
        verdict = read_verdict(run.answers[0])
        if verdict is not None:
            verdicts[pick.index] = _with_evidence(verdict, pick)
    seconds = time.perf_counter() - started
    findings, dropped = [], 0
    by_index = {pick.index: pick for pick, _ in chosen}
    for index, finding in enumerate(result.findings):
        if index not in verdicts:
            findings.append(finding)
            continue
        judged = verdict_applied(finding, verdicts[index], by_index[index].modelled_source)
        if settings.drop and not judged.verdict.real and not judged.verdict.kept:
            dropped += 1
            continue
        findings.append(judged)
    notes = [f"agents ({settings.mode}, {settings.rounds} round(s)) judged {len(verdicts)} of {len(chosen)} "
             f"finding(s) in {seconds:.1f} s"]
    if len(verdicts) < len(chosen):
        notes.append(f"{len(chosen) - len(verdicts)} finding(s) left unjudged (past --agents-budget "
                     f"{settings.budget:g} s, or no readable verdict)")
    if dropped:
        notes.append(f"--agents-drop hid {dropped} finding(s) the agents judged not real")
    return replace(result, findings=tuple(findings), notes=result.notes + tuple(notes))


def verdict_applied(finding: Finding, verdict: Verdict, modelled_source: bool) -> Finding:
    """The engines' veto: the finding with the verdict and the confidence it leads to."""
    if verdict.real:
        return replace(finding, verdict=verdict, confidence=RAISED[finding.confidence])
    if modelled_source:
        return replace(finding, verdict=replace(verdict, kept=MODELLED_SOURCE))
    return replace(finding, verdict=verdict, confidence=LOWERED[finding.confidence])


def _question(pick: Pick) -> str | None:
    try:
        return question(pick.case)
    except NotPython:
        return None


def _with_evidence(verdict: Verdict, pick: Pick) -> Verdict:
    """The evidence line: the helper judged (by its name in the scanned code) and what the reason means."""
    subject = f"{', '.join(pick.helpers)}: " if pick.helpers else ""
    return replace(verdict, evidence=subject + REASONS[verdict.reason])


def load_judges(settings: AgentSettings):
    """The Scanner -> Critic -> Patcher system on one base model (imports torch)."""
    import torch
    from transformers.utils import logging as transformers_logging

    from codepatch.agents.roles import SCAN_ROLES
    from codepatch.errors import UserError
    from codepatch.latent.build import SHIPPED_JUDGE_LINKS, load_system
    from codepatch.latent.checkpoint import LinksMismatch
    from codepatch.latent.locate import idle_core_threads, resolve_links, resolve_model

    torch.set_num_threads(settings.threads if settings.threads > 0 else idle_core_threads(torch.get_num_threads()))
    transformers_logging.disable_progress_bar()
    try:
        return load_system(resolve_model(settings.model), resolve_links(settings.links, SHIPPED_JUDGE_LINKS, required=True),
                           SCAN_ROLES)
    except LinksMismatch as exc:
        raise UserError(str(exc)) from exc
