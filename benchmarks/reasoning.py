"""Latent vs text recursion on questions the roles were and were not trained on.

    python benchmarks/reasoning.py --quick            # 8 questions per set and seed
    python benchmarks/reasoning.py --results FILE     # the full run; appends to FILE and resumes

Sets: `template` (new draws from the training phrasings: measures the templates), `phrasings`
(families of phrasing never trained on), `kinds` (kinds of problem never trained on), `plain` and
`held-back` and `blind` (training/plain.py: hand-written, never trained on; `plain`'s failures
were seen once, `held-back`'s after the r5 checkpoint, `blind`'s never). For every configuration, set and
seed it records accuracy, decoded tokens and wall time per question. A seed draws another sample
of a generated set (decoding is greedy); a hand-written set is the same questions every time, so
it runs once. Configurations: latent and text mode and latent mode with the transferred latents
zeroed, at r = 1, 2, 3; the base model alone and the Planner alone (its adapter, no notes: the
single agent the others are trained beside); latent mode with the InnerLink alone (anchor 0);
and `--sweep`, latent mode over latent-step caps m.
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

from codepatch.commands.reason import DEFAULT_LATENT_STEPS, DEFAULT_TEXT_TOKENS  # noqa: E402
from codepatch.latent.agent import Agent  # noqa: E402
from codepatch.latent.answers import is_correct  # noqa: E402
from codepatch.latent.build import SHIPPED_LINKS, load_system  # noqa: E402
from codepatch.latent.system import RecursiveSystem  # noqa: E402
from training.plain import PLAIN, PLAIN_BLIND, PLAIN_HELD_BACK  # noqa: E402
from training.tasks import generate  # noqa: E402

HAND_WRITTEN = {"plain": PLAIN, "held-back": PLAIN_HELD_BACK, "blind": PLAIN_BLIND}  # the sets that are the same questions every run
# set -> the generated split it draws from (None: a hand-written set)
SETS = {"template": "template-test", "phrasings": "phrasing-test", "kinds": "kind-test"} | dict.fromkeys(HAND_WRITTEN)
SINGLE = {"single-base": None, "single-planner": 0}  # which agent's adapter answers alone (None: none)
ANSWER_TOKENS = 24  # every final answer, in every configuration


@dataclass(frozen=True)
class Config:
    name: str  # latent, text, latent-zeroed, latent-inner-only, single-base, single-planner
    rounds: int = 0
    latent_steps: int = 0

    @property
    def key(self) -> str:
        return f"{self.name} r={self.rounds} m={self.latent_steps}"


@dataclass
class Record:
    config: str
    set: str
    seed: int
    questions: int
    correct: int
    decoded_tokens: int
    seconds: float


def configurations(default_m: int, sweep: list[int], sweep_rounds: int) -> list[Config]:
    configs = [Config(name) for name in SINGLE]
    for rounds in (1, 2, 3):
        configs += [Config("latent", rounds, default_m), Config("text", rounds), Config("latent-zeroed", rounds, default_m)]
    configs.append(Config("latent-inner-only", 3, default_m))
    configs += [Config("latent", sweep_rounds, m) for m in sweep if Config("latent", sweep_rounds, m) not in configs]
    return configs


def questions(set_name: str, seed: int, count: int) -> list[tuple[str, str]]:
    """(question, expected answer) pairs of one set and seed."""
    split = SETS[set_name]
    if split is None:
        return list(HAND_WRITTEN[set_name])
    return [(p.question, p.answer) for p in generate(split, count, seed=1000 + seed)]


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


@contextmanager
def _nothing(system: RecursiveSystem):
    yield


ABLATIONS = {"latent-zeroed": zeroed_latents, "latent-inner-only": inner_link_alone}


def single_agent(system: RecursiveSystem, name: str) -> Agent:
    """The agent that answers alone: the Planner's role and adapter, or the base model (no adapter)."""
    index = SINGLE[name]
    agent = system.agents[0 if index is None else index]
    return Agent(agent.role, agent.model, agent.tokenizer, agent.inner_link, None if index is None else agent.adapter)


def answer_batch(system: RecursiveSystem, config: Config, asked: list[str], text_tokens: int) -> tuple[list[str], int]:
    """Final texts and total decoded tokens for one batch of questions."""
    if config.name in SINGLE:
        agent = single_agent(system, config.name)
        tokens = agent.decode(agent.prompt_batch(asked, [None] * len(asked)), ANSWER_TOKENS)
        return [agent.text_of(row) for row in tokens], sum(len(row) for row in tokens)
    mode = "text" if config.name == "text" else "latent"
    with ABLATIONS.get(config.name, _nothing)(system):
        result = system.run(asked, mode=mode, rounds=config.rounds, latent_steps=config.latent_steps,
                            max_new_tokens=text_tokens, answer_tokens=ANSWER_TOKENS)
    return result.answers, sum(result.decoded_tokens(i) for i in range(len(asked)))


def evaluate(system: RecursiveSystem, config: Config, set_name: str, seed: int, count: int, batch: int,
             text_tokens: int) -> Record:
    pairs = questions(set_name, seed, count)
    correct = decoded = 0
    started = time.perf_counter()
    for start in range(0, len(pairs), batch):
        chunk = pairs[start : start + batch]
        texts, tokens = answer_batch(system, config, [q for q, _ in chunk], text_tokens)
        correct += sum(is_correct(text, expected) for text, (_, expected) in zip(texts, chunk))
        decoded += tokens
    return Record(config.key, set_name, seed, len(pairs), correct, decoded, time.perf_counter() - started)


def read_records(path: Path) -> list[Record]:
    if not path.exists():
        return []
    return [Record(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def table(records: list[Record], configs: list[Config], text_tokens: int) -> str:
    def rows(key: str, set_name: str | None = None) -> list[Record]:
        return [r for r in records if r.config == key and (set_name is None or r.set == set_name)]

    def per_question(key: str, field: str) -> float:
        chosen = rows(key)
        return sum(getattr(r, field) for r in chosen) / max(1, sum(r.questions for r in chosen))

    def accuracy(key: str, set_name: str) -> str:
        chosen = rows(key, set_name)
        if not chosen:
            return ""
        values = [100 * r.correct / r.questions for r in chosen]
        spread = f" ± {statistics.stdev(values):.1f}" if len(values) > 1 else ""
        return f"{statistics.mean(values):.1f}{spread}"

    lines = ["| configuration | " + " | ".join(f"{name} %" for name in SETS) + " | decoded tokens / q | s / q | tokens vs text |",
             "|---|" + "---|" * len(SETS) + "---|---|---|"]
    for config in configs:
        if not rows(config.key):
            continue
        tokens, seconds = per_question(config.key, "decoded_tokens"), per_question(config.key, "seconds")
        text_key = Config("text", config.rounds).key
        versus = ""
        if config.name.startswith("latent") and rows(text_key):
            versus = f"-{100 * (1 - tokens / per_question(text_key, 'decoded_tokens')):.1f} %"
        cells = " | ".join(accuracy(config.key, name) for name in SETS)
        lines.append(f"| {config.key} | {cells} | {tokens:.1f} | {seconds:.2f} | {versus} |")
    sizes = ", ".join(str(len(questions)) for questions in HAND_WRITTEN.values())
    lines.append(f"\nmean ± sd over seeds (question samples); {', '.join(HAND_WRITTEN)}: one run, {sizes} "
                 f"questions. Text mode: at most "
                 f"{text_tokens} new tokens per intermediate turn; every final answer at most {ANSWER_TOKENS}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="8 questions per generated set and seed")
    parser.add_argument("--questions", type=int, default=40, help="questions per generated set and seed (full run)")
    parser.add_argument("--seeds", type=int, default=3, help="question samples per configuration and generated set")
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated sets to run, of {', '.join(SETS)}")
    parser.add_argument("--batch", type=int, default=8, help="questions decoded together")
    parser.add_argument("--latent-steps", type=int, default=DEFAULT_LATENT_STEPS, help="m for the r = 1, 2, 3 rows (default: the CLI's)")
    parser.add_argument("--sweep", default="", help="comma-separated m values for a latent-mode sweep (default: none)")
    parser.add_argument("--sweep-rounds", type=int, default=1, help="rounds used in the m sweep")
    parser.add_argument("--text-tokens", type=int, default=DEFAULT_TEXT_TOKENS, help="text mode: max new tokens per intermediate turn")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the converted SmolLM2)")
    parser.add_argument("--links", type=Path, default=SHIPPED_LINKS, help="links/adapters checkpoint directory")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/results/reasoning.jsonl"), help="JSON lines results file (appended, resumed)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    parser.add_argument("--only", default="", help="comma-separated configuration names to run (e.g. text,single-base); default: all")
    args = parser.parse_args(argv)
    if args.quick:
        args.questions = 8
        if args.results == parser.get_default("results"):
            args.results = Path("benchmarks/results/reasoning-quick.jsonl")
    torch.set_num_threads(args.threads)
    from codepatch.models.smollm2 import default_model_dir

    system = load_system(args.model or default_model_dir(), args.links)
    configs = configurations(args.latent_steps, [int(m) for m in args.sweep.split(",") if m], args.sweep_rounds)
    selected = [c for c in configs if not args.only or c.name in args.only.split(",")]
    args.results.parent.mkdir(parents=True, exist_ok=True)
    done = {(r.config, r.set, r.seed) for r in read_records(args.results)}
    for config in selected:
        for set_name in args.sets.split(","):
            for seed in range(1 if SETS[set_name] is None else args.seeds):
                if (config.key, set_name, seed) in done:
                    continue
                record = evaluate(system, config, set_name, seed, args.questions, args.batch, args.text_tokens)
                with args.results.open("a") as handle:
                    handle.write(json.dumps(asdict(record)) + "\n")
                print(f"{config.key} {set_name} seed {seed}: {record.correct}/{record.questions} correct, "
                      f"{record.decoded_tokens} tokens, {record.seconds:.1f}s", flush=True)
    print(table(read_records(args.results), configs, args.text_tokens))


if __name__ == "__main__":
    main()
