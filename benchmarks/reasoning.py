"""Latent vs text recursion on the held-out math/QA test split, like the RecursiveMAS tables.

    python benchmarks/reasoning.py --quick            # under 30 minutes on CPU
    python benchmarks/reasoning.py --results FILE     # the full run; appends to FILE and resumes

For every configuration and seed it records accuracy, decoded tokens and wall time per question.
A seed draws a different sample of test questions (decoding is greedy), so the spread is the
spread over question samples. Configurations: latent and text mode at r = 1, 2, 3; the single
Solver without and with its LoRA adapter; latent mode with the transferred latents zeroed; and
a sweep over the latent steps m.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from codepatch.commands.reason import DEFAULT_LATENT_STEPS  # noqa: E402
from codepatch.latent.agent import Agent  # noqa: E402
from codepatch.latent.answers import is_correct  # noqa: E402
from codepatch.latent.build import SHIPPED_LINKS, load_system  # noqa: E402
from codepatch.latent.system import RecursiveSystem  # noqa: E402
from training.tasks import generate  # noqa: E402


@dataclass(frozen=True)
class Config:
    name: str  # latent, text, single-base, single-lora, latent-zeroed, latent-inner-only
    rounds: int = 0
    latent_steps: int = 0

    @property
    def key(self) -> str:
        return f"{self.name} r={self.rounds} m={self.latent_steps}"


@dataclass
class Record:
    config: str
    seed: int
    questions: int
    correct: int
    decoded_tokens: int
    seconds: float


def configurations(default_m: int, sweep: list[int], sweep_rounds: int) -> list[Config]:
    configs = [Config("single-base"), Config("single-lora")]
    for rounds in (1, 2, 3):
        configs += [Config("latent", rounds, default_m), Config("text", rounds)]
    configs += [Config("latent-zeroed", 3, default_m), Config("latent-inner-only", 3, default_m)]
    configs += [Config("latent", sweep_rounds, m) for m in sweep if Config("latent", sweep_rounds, m) not in configs]
    return configs


@contextmanager
def inner_link_alone(system: RecursiveSystem):
    """Latent inputs from the InnerLink alone, unanchored (Agent.latent_input), as in RecursiveMAS."""
    anchors = [agent.anchor for agent in system.agents]
    for agent in system.agents:
        agent.anchor = 0.0
    try:
        yield
    finally:
        for agent, anchor in zip(system.agents, anchors):
            agent.anchor = anchor


@contextmanager
def zeroed_latents(system: RecursiveSystem):
    """Every hop delivers zero vectors of the right shape: does the transferred state matter?"""
    send = system.send
    system.send = lambda source, target, states, inputs=None: torch.zeros_like(send(source, target, states, inputs))
    try:
        yield
    finally:
        del system.send


def single_agent(system: RecursiveSystem, with_lora: bool) -> Agent:
    solver = system.agents[-1]
    return Agent(solver.role, solver.model, solver.tokenizer, solver.inner_link, solver.adapter if with_lora else None)


def answer_batch(system: RecursiveSystem, config: Config, questions: list[str], text_tokens: int) -> tuple[list[str], int]:
    """Final texts and total decoded tokens for one batch of questions."""
    if config.name.startswith("single"):
        agent = single_agent(system, with_lora=config.name == "single-lora")
        tokens = agent.decode(agent.prompt_batch(questions, [None] * len(questions)), 24)
        return [agent.text_of(row) for row in tokens], sum(len(row) for row in tokens)
    mode = "text" if config.name == "text" else "latent"
    ablations = {"latent-zeroed": zeroed_latents, "latent-inner-only": inner_link_alone}
    with ablations.get(config.name, _nothing)(system):
        result = system.run(questions, mode=mode, rounds=config.rounds, latent_steps=config.latent_steps,
                            max_new_tokens=text_tokens)
    return result.answers, sum(result.decoded_tokens(i) for i in range(len(questions)))


@contextmanager
def _nothing(system: RecursiveSystem):
    yield


def evaluate(system: RecursiveSystem, config: Config, seed: int, count: int, batch: int, text_tokens: int) -> Record:
    problems = generate("test", count, seed=1000 + seed)
    correct = decoded = 0
    started = time.perf_counter()
    for start in range(0, count, batch):
        chunk = problems[start : start + batch]
        texts, tokens = answer_batch(system, config, [p.question for p in chunk], text_tokens)
        correct += sum(is_correct(text, p.answer) for text, p in zip(texts, chunk))
        decoded += tokens
    return Record(config.key, seed, count, correct, decoded, time.perf_counter() - started)


def read_records(path: Path) -> list[Record]:
    if not path.exists():
        return []
    return [Record(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def table(records: list[Record], configs: list[Config], text_tokens: int) -> str:
    by_key = {c.key: [r for r in records if r.config == c.key] for c in configs}

    def per_question(key: str, field: str) -> float:
        rows = by_key[key]
        return sum(getattr(r, field) for r in rows) / max(1, sum(r.questions for r in rows))

    lines = ["| configuration | accuracy % (mean ± sd over seeds) | decoded tokens / q | seconds / q | tokens vs text | speed-up vs text |",
             "|---|---|---|---|---|---|"]
    for config in configs:
        rows = by_key[config.key]
        if not rows:
            continue
        accuracies = [100 * r.correct / r.questions for r in rows]
        spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
        tokens, seconds = per_question(config.key, "decoded_tokens"), per_question(config.key, "seconds")
        text_key = Config("text", config.rounds).key
        versus = speed = ""
        if config.name.startswith("latent") and by_key.get(text_key):
            versus = f"-{100 * (1 - tokens / per_question(text_key, 'decoded_tokens')):.1f} %"
            speed = f"{per_question(text_key, 'seconds') / seconds:.2f}x"
        lines.append(f"| {config.key} | {statistics.mean(accuracies):.1f} ± {spread:.1f} ({len(rows)} seeds) | "
                     f"{tokens:.1f} | {seconds:.2f} | {versus} | {speed} |")
    lines.append(f"\ntext mode: at most {text_tokens} new tokens per intermediate turn; every final answer: at most 24.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="8 questions per seed and an m sweep at r=1 (under 30 min on CPU)")
    parser.add_argument("--questions", type=int, default=40, help="test questions per seed (full run)")
    parser.add_argument("--seeds", type=int, default=3, help="question samples per configuration")
    parser.add_argument("--batch", type=int, default=8, help="questions decoded together")
    parser.add_argument("--latent-steps", type=int, default=DEFAULT_LATENT_STEPS, help="m for the r = 1, 2, 3 rows (default: the CLI's)")
    parser.add_argument("--sweep", default="0,16,32,48,80", help="comma-separated m values for the sweep")
    parser.add_argument("--sweep-rounds", type=int, default=3, help="rounds used in the m sweep")
    parser.add_argument("--text-tokens", type=int, default=48, help="text mode: max new tokens per intermediate turn")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the converted SmolLM2)")
    parser.add_argument("--links", type=Path, default=SHIPPED_LINKS, help="links/adapters checkpoint directory")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/results/reasoning.jsonl"), help="JSON lines results file (appended, resumed)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    parser.add_argument("--only", default="", help="comma-separated configuration names to run (e.g. text,single-base); default: all")
    args = parser.parse_args(argv)
    if args.quick:
        args.questions, args.sweep_rounds = 8, 1
        if args.results == parser.get_default("results"):
            args.results = Path("benchmarks/results/reasoning-quick.jsonl")
    torch.set_num_threads(args.threads)
    from codepatch.models.smollm2 import default_model_dir

    system = load_system(args.model or default_model_dir(), args.links)
    configs = configurations(args.latent_steps, [int(m) for m in args.sweep.split(",")], args.sweep_rounds)
    selected = [c for c in configs if not args.only or c.name in args.only.split(",")]
    args.results.parent.mkdir(parents=True, exist_ok=True)
    done = {(r.config, r.seed) for r in read_records(args.results)}
    for config in selected:
        for seed in range(args.seeds):
            if (config.key, seed) in done:
                continue
            record = evaluate(system, config, seed, args.questions, args.batch, args.text_tokens)
            with args.results.open("a") as handle:
                handle.write(json.dumps(asdict(record)) + "\n")
            print(f"{config.key} seed {seed}: {record.correct}/{record.questions} correct, "
                  f"{record.decoded_tokens} tokens, {record.seconds:.1f}s", flush=True)
    print(table(read_records(args.results), configs, args.text_tokens))


if __name__ == "__main__":
    main()
