"""`codepatch reason "question"`: the Planner -> Critic -> Solver loop on one question, in latent
or text mode, printing the program the Solver decoded, its exact value (or why it could not be
computed), and what it cost (decoded tokens, latent steps, seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from codepatch.latent.locate import (
    UNTRAINED,
    idle_core_threads,
    resolve_links,
    resolve_model,
)
from codepatch.latent.roles import LATENT_STEPS as DEFAULT_LATENT_STEPS

DEFAULT_ROUNDS = 1  # more rounds changed no answer but one (benchmarks/reasoning.py --quick) and cost ~1 s each
DEFAULT_TEXT_TOKENS = 32  # text mode: tokens an intermediate agent may write (every role's message is under 20)
def report(result, question_index: int = 0) -> dict:
    from codepatch.latent.answers import read

    text = result.answers[question_index]
    reading = read(text)
    return {
        "answer": reading.answer,
        "program": reading.program,
        "refused": reading.refused,
        "text": text,
        "mode": result.mode,
        "rounds": result.rounds,
        "latent_steps": result.latent_steps,
        "decoded_tokens": result.decoded_tokens(question_index),
        "seconds": round(result.seconds, 3),
        "steps": [
            {"round": s.round, "agent": s.agent, "role": s.role, "decoded_tokens": s.decoded_tokens[question_index],
             "latent_steps": s.latent_steps, "seconds": round(s.seconds, 3)}
            for s in result.steps
        ],
    }


@click.command(name="reason")
@click.argument("question")
@click.option("--mode", type=click.Choice(["latent", "text"]), default="latent", show_default=True,
              help="latent: agents hand over hidden states; text: every agent writes text (the baseline).")
@click.option("--rounds", type=click.IntRange(1, 10), default=DEFAULT_ROUNDS, show_default=True, help="Recursion rounds.")
@click.option("--latent-steps", type=click.IntRange(0, 512), default=DEFAULT_LATENT_STEPS, show_default=True,
              help="Latent steps m per agent turn (latent mode).")
@click.option("--anchor", type=click.FloatRange(0, 1), default=None,
              help="Weight of each agent's expected next-token embedding in its latent inputs, 0 for InnerLink alone "
                   "(default: the checkpoint's).")
@click.option("--max-new-tokens", type=click.IntRange(1, 1024), default=DEFAULT_TEXT_TOKENS, show_default=True,
              help="Tokens each intermediate agent may write (text mode).")
@click.option("--model", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="A local Hugging Face model directory (default: the converted SmolLM2-135M-Instruct).")
@click.option("--links", default=None, help=f"Links/adapters checkpoint directory, or '{UNTRAINED}' (default: the shipped one).")
@click.option("--threads", type=int, default=0, help="CPU threads for torch (0: one per idle core, at most torch's default).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def command(question: str, mode: str, rounds: int, latent_steps: int, anchor: float | None, max_new_tokens: int,
            model: Path | None, links: str | None, threads: int, as_json: bool) -> None:
    """Answer a math/QA QUESTION with the Planner -> Critic -> Solver agents."""
    import torch
    from transformers.utils import logging as transformers_logging

    from codepatch.latent.build import SHIPPED_LINKS, load_system
    from codepatch.latent.checkpoint import LinksMismatch

    torch.set_num_threads(threads if threads > 0 else idle_core_threads(torch.get_num_threads()))
    transformers_logging.disable_progress_bar()
    model_dir = resolve_model(model)
    try:
        system = load_system(model_dir, resolve_links(links, SHIPPED_LINKS))
    except LinksMismatch as exc:
        raise click.ClickException(str(exc)) from exc
    if anchor is not None:
        for agent in system.agents:
            agent.anchor = anchor
    result = system.run([question], mode=mode, rounds=rounds, latent_steps=latent_steps, max_new_tokens=max_new_tokens)
    summary = report(result) | {"anchor": system.agents[0].anchor}
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    if summary["refused"]:
        click.echo(f"answer: none: the program {summary['refused']}")
    else:
        click.echo(f"answer: {summary['answer']}")
    if summary["program"] is not None:
        click.echo(f"program: {summary['program']}")
    click.echo(f"mode {mode}, {rounds} round(s), {summary['latent_steps']} latent steps per turn: "
               f"{summary['decoded_tokens']} decoded tokens, {summary['seconds']:.2f} s")
    for step in summary["steps"]:
        click.echo(f"  round {step['round']} {step['role']:<8} decoded {step['decoded_tokens']:>3} "
                   f"latent {step['latent_steps']:>3}  {step['seconds']:.2f} s")
