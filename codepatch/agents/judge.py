"""Run the agents on the picked findings and fold their verdicts into the scan's result.

The engines keep the last word (`verdict_applied`): a verdict of `real` raises a medium finding
to high (a low one, an audit's, stays low); `not real` lowers it to low (below the default
`--confidence medium`, so it leaves the default report, counted in a note), except for a flow
from a modelled source with no project helper on its path, which is never lowered (such findings
are not even picked; the veto holds whatever picks them), and except when the last agent was not
sure of its label. With `drop`, what the agents judge not real (and the engines do not keep)
leaves the report at any `--confidence`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path

from codepatch.agents.case import NotPython, question
from codepatch.agents.select import Pick, picks
from codepatch.agents.verdict import REASONS, read_verdict
from codepatch.types import Finding, Level, ScanResult, Verdict

DEFAULT_ROUNDS = 1  # 2 rounds judged no better on family-validation (71.9 vs 72.9 %) and cost 60 % more
DEFAULT_LATENT_STEPS = 12  # the longest verdict is 11 tokens with its stop
VERDICT_TOKENS = 16
TEXT_TOKENS = 16  # text mode: what an intermediate agent may write (a verdict is under 12 tokens)
DEFAULT_SURE = 0.83  # of the label token's probability, chosen on family-validation: 2 of 45 real flaws lost
LABEL_CHOSEN = re.compile(r"Verdict:\s*[a-zA-Z]")
MODELLED_SOURCE = "a modelled source with no project helper on its path"
# A real verdict raises medium to high, never low to medium: an audit finding the agents think real
# stays out of the default report (on Flask, Tornado and flaskbb that raise brought 4 unlabelled
# findings into view and no labelled flaw).
RAISED = {Level.LOW: Level.LOW, Level.MEDIUM: Level.HIGH, Level.HIGH: Level.HIGH}


@dataclass(frozen=True)
class AgentSettings:
    mode: str = "latent"  # or "text": the baseline that exchanges decoded messages
    rounds: int = DEFAULT_ROUNDS
    latent_steps: int = DEFAULT_LATENT_STEPS
    model: Path | None = None  # default: the converted SmolLM2-135M-Instruct
    links: str | None = None  # a checkpoint folder, "untrained", or None for the shipped one
    budget: float = 300.0  # seconds of agent time per scan; findings past it stay unjudged
    drop: bool = False
    sure: float = DEFAULT_SURE  # a `not real` less sure than this lowers nothing
    min_confidence: Level = Level.MEDIUM  # the report's: a finding lowered below it leaves the report
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
                         max_new_tokens=TEXT_TOKENS, answer_tokens=VERDICT_TOKENS)
        verdict = decoded_verdict(system.agents[-1].tokenizer, run.answers[0], run.answer_tokens[0],
                                  run.answer_probabilities[0], settings.sure)
        if verdict is not None:
            verdicts[pick.index] = _with_evidence(verdict, pick)
    seconds = time.perf_counter() - started
    findings, dropped, below = [], 0, 0
    by_index = {pick.index: pick for pick, _ in chosen}
    for index, finding in enumerate(result.findings):
        if index not in verdicts:
            findings.append(finding)
            continue
        judged = verdict_applied(finding, verdicts[index], by_index[index].modelled_source)
        if settings.drop and not judged.verdict.real and not judged.verdict.kept:
            dropped += 1
        elif judged.confidence.rank < settings.min_confidence.rank:
            below += 1
        else:
            findings.append(judged)
    notes = [f"agents ({settings.mode}, {settings.rounds} round(s)) judged {len(verdicts)} of {len(chosen)} "
             f"finding(s) in {seconds:.1f} s"]
    if len(verdicts) < len(chosen):
        notes.append(f"{len(chosen) - len(verdicts)} finding(s) left unjudged (past --agents-budget "
                     f"{settings.budget:g} s, or no readable verdict)")
    if below:
        notes.append(f"{below} finding(s) the agents judged not real fell below --confidence "
                     f"{settings.min_confidence.value} (shown with --confidence low)")
    if dropped:
        notes.append(f"--agents-drop hid {dropped} finding(s) the agents judged not real")
    return replace(result, findings=tuple(findings), notes=result.notes + tuple(notes))


def decoded_verdict(tokenizer, text: str, tokens: list[int], probabilities: list[float], sure: float) -> Verdict | None:
    """The verdict the last agent decoded (None: unreadable); a `not real` decoded with its label's
    probability under `sure` comes back kept, so it lowers nothing."""
    verdict = read_verdict(text)
    if verdict is None or verdict.real:
        return verdict
    sureness = label_probability(tokenizer, tokens, probabilities)
    if sureness < sure:
        return replace(verdict, kept=f"the agents are not sure enough ({sureness:.2f} < {sure:g})")
    return verdict


def label_probability(tokenizer, tokens: list[int], probabilities: list[float]) -> float:
    """How sure the last agent was of its label: the probability of the token that chose between
    `real` and `not real` (the first after `Verdict:`); 0 when there is none."""
    for index in range(len(tokens)):
        if LABEL_CHOSEN.search(tokenizer.decode(tokens[:index + 1])):
            return probabilities[index]
    return 0.0


def verdict_applied(finding: Finding, verdict: Verdict, modelled_source: bool) -> Finding:
    """The engines' veto: the finding with the verdict and the confidence it leads to."""
    if verdict.real:
        return replace(finding, verdict=verdict, confidence=RAISED[finding.confidence])
    if verdict.kept:  # the agents' own doubt
        return replace(finding, verdict=verdict)
    if modelled_source:
        return replace(finding, verdict=replace(verdict, kept=MODELLED_SOURCE))
    return replace(finding, verdict=verdict, confidence=Level.LOW)


def _question(pick: Pick) -> str | None:
    try:
        return question(pick.case)
    except NotPython:
        return None


def _with_evidence(verdict: Verdict, pick: Pick) -> Verdict:
    """The evidence line: the helper judged (by its name in the scanned code) and what the reason means."""
    subject = f"{', '.join(pick.helpers)}: " if pick.helpers else ""
    return replace(verdict, evidence=subject + REASONS.get(verdict.reason, verdict.reason))


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
