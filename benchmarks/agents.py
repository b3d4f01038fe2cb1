"""The agents' verdicts on cases the roles were never trained on.

    python benchmarks/agents.py --checkouts /work/checkouts --quick     # 16 cases per family set and seed
    python benchmarks/agents.py --checkouts /work/checkouts --results F # the full run; appends to F, resumes

Sets: `families` (training.judgements' `family-test`: whole template families training never
sees, a new sample per seed) and `real` (benchmarks/agents/real_helpers.yaml: helpers from public
projects labelled by us, read from local checkouts; the same cases every run). Configurations:
`engines` (no agents: every finding stays, as `codepatch scan` reports it), latent and text mode
and latent mode with the transferred latents zeroed at r = 1, 2, 3, and the Scanner alone (its
adapter, no notes). For each: verdict accuracy (an unreadable verdict is wrong, and leaves its
finding as it was), false positives removed (not-real cases judged not real), true positives lost
(real cases judged not real: must be 0), decoded tokens and seconds per case. A `not real` less
sure than `--sure` (the probability of its label token) counts as the finding kept, as in a scan.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from benchmarks.agents.real_helpers import HERE, case_of, load  # noqa: E402
from benchmarks.reasoning import zeroed_latents  # noqa: E402
from codepatch.agents.case import question  # noqa: E402
from codepatch.agents.judge import (  # noqa: E402
    DEFAULT_LATENT_STEPS,
    DEFAULT_SURE,
    TEXT_TOKENS,
    VERDICT_TOKENS,
    decoded_verdict,
)
from codepatch.agents.roles import SCAN_ROLES  # noqa: E402
from codepatch.latent.agent import Agent  # noqa: E402
from codepatch.latent.build import SHIPPED_JUDGE_LINKS, load_system  # noqa: E402
from codepatch.latent.system import RecursiveSystem  # noqa: E402
from training.judgements import generate  # noqa: E402

SETS = ("families", "real")


@dataclass(frozen=True)
class Config:
    name: str  # engines, latent, text, latent-zeroed, single-scanner
    rounds: int = 0

    @property
    def key(self) -> str:
        return f"{self.name} r={self.rounds}" if self.rounds else self.name


@dataclass
class Record:
    config: str
    set: str
    seed: int
    cases: int
    correct: int
    not_real: int  # the false positives there are to remove
    removed: int  # not-real cases judged not real
    real: int
    lost: int  # real cases judged not real
    decoded_tokens: int
    seconds: float


def configurations() -> list[Config]:
    configs = [Config("engines"), Config("single-scanner")]
    for rounds in (1, 2, 3):
        configs += [Config("latent", rounds), Config("text", rounds), Config("latent-zeroed", rounds)]
    return configs


def cases(set_name: str, seed: int, count: int, checkouts: Path) -> list[tuple[str, bool]]:
    """(question, is it real) for one set and seed."""
    if set_name == "families":
        return [(j.question, j.real) for j in generate("family-test", count, seed=1000 + seed)]
    labelled = [(case_of(checkouts, helper), helper.real) for helper in load(HERE / "real_helpers.yaml")]
    return [(question(case), real) for case, real in labelled if case is not None]


def verdicts(system: RecursiveSystem, config: Config, asked: list[str], latent_steps: int,
             sure: float) -> tuple[list[bool | None], int]:
    """Per case: the finding judged real (or kept: an unsure `not real`), judged not real, or no
    verdict; and the tokens decoded."""
    if config.name == "single-scanner":
        scanner = system.agents[0]
        agent = Agent(scanner.role, scanner.model, scanner.tokenizer, scanner.inner_link, scanner.adapter)
        probabilities: list[list[float]] = []
        tokens = agent.decode(agent.prompt_batch(asked, [None] * len(asked)), VERDICT_TOKENS, probabilities)
        texts, decoded = [agent.text_of(row) for row in tokens], sum(len(row) for row in tokens)
    else:
        mode = "text" if config.name == "text" else "latent"
        with zeroed_latents(system) if config.name == "latent-zeroed" else nullcontext():
            result = system.run(asked, mode=mode, rounds=config.rounds, latent_steps=latent_steps,
                                max_new_tokens=TEXT_TOKENS, answer_tokens=VERDICT_TOKENS)
        texts, tokens, probabilities = result.answers, result.answer_tokens, result.answer_probabilities
        decoded = sum(result.decoded_tokens(i) for i in range(len(asked)))
    tokenizer = system.agents[-1].tokenizer
    found = [decoded_verdict(tokenizer, *row, sure) for row in zip(texts, tokens, probabilities)]
    return [None if v is None else v.real or bool(v.kept) for v in found], decoded


def evaluate(system: RecursiveSystem | None, config: Config, pairs: list[tuple[str, bool]], set_name: str, seed: int,
             batch: int, latent_steps: int, sure: float) -> Record:
    judged: list[bool | None] = []  # per case: judged real, not real, or unreadable
    decoded = 0
    started = time.perf_counter()
    for start in range(0, len(pairs), batch):
        chunk = [q for q, _ in pairs[start:start + batch]]
        if config.name == "engines":
            judged += [True] * len(chunk)  # no agents: every finding is reported
            continue
        chunk_judged, tokens = verdicts(system, config, chunk, latent_steps, sure)
        decoded += tokens
        judged += chunk_judged
    truth = [real for _, real in pairs]
    return Record(
        config.key, set_name, seed, len(pairs),
        correct=sum(j is not None and j == t for j, t in zip(judged, truth)),
        not_real=truth.count(False), removed=sum(j is False and not t for j, t in zip(judged, truth)),
        real=truth.count(True), lost=sum(j is False and t for j, t in zip(judged, truth)),
        decoded_tokens=decoded, seconds=time.perf_counter() - started)


def read_records(path: Path) -> list[Record]:
    if not path.exists():
        return []
    return [Record(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def table(records: list[Record], configs: list[Config]) -> str:
    def rows(key: str, set_name: str | None = None) -> list[Record]:
        return [r for r in records if r.config == key and (set_name is None or r.set == set_name)]

    def mean_spread(values: list[float]) -> str:
        if not values:
            return ""
        spread = f" ± {statistics.stdev(values):.1f}" if len(values) > 1 else ""
        return f"{statistics.mean(values):.1f}{spread}"

    def cell(key: str, set_name: str) -> str:
        chosen = rows(key, set_name)
        if not chosen:
            return " | | "
        accuracy = mean_spread([100 * r.correct / r.cases for r in chosen])
        removed = f"{sum(r.removed for r in chosen)}/{sum(r.not_real for r in chosen)}"
        lost = f"{sum(r.lost for r in chosen)}/{sum(r.real for r in chosen)}"
        return f"{accuracy} | {removed} | {lost}"

    header = " | ".join(f"{s} accuracy % | {s} FP removed | {s} TP lost" for s in SETS)
    lines = [f"| configuration | {header} | decoded tokens / case | s / case |",
             "|---|" + "---|---|---|" * len(SETS) + "---|---|"]
    for config in configs:
        chosen = rows(config.key)
        if not chosen:
            continue
        count = max(1, sum(r.cases for r in chosen))
        tokens, seconds = sum(r.decoded_tokens for r in chosen) / count, sum(r.seconds for r in chosen) / count
        lines.append(f"| {config.key} | {' | '.join(cell(config.key, s) for s in SETS)} | {tokens:.1f} | {seconds:.2f} |")
    lines.append("\nfamilies: mean ± sd over seeds (case samples); real: one run of the labelled helpers. "
                 "Removed and lost are summed over seeds.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkouts", type=Path, required=True, help="folder of the labelled projects' checkouts")
    parser.add_argument("--quick", action="store_true", help="16 cases per family seed")
    parser.add_argument("--cases", type=int, default=60, help="family cases per seed (full run)")
    parser.add_argument("--seeds", type=int, default=3, help="family samples per configuration")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated sets to run")
    parser.add_argument("--batch", type=int, default=4, help="cases decoded together")
    parser.add_argument("--latent-steps", type=int, default=DEFAULT_LATENT_STEPS, help="m (default: the CLI's)")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the converted SmolLM2)")
    parser.add_argument("--links", type=Path, default=SHIPPED_JUDGE_LINKS, help="links/adapters checkpoint")
    parser.add_argument("--results", type=Path, default=Path("benchmarks/results/agents.jsonl"),
                        help="JSON lines results file (appended, resumed)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    parser.add_argument("--sure", type=float, default=DEFAULT_SURE,
                        help="a `not real` less sure than this lowers nothing (default: the CLI's)")
    parser.add_argument("--only", default="", help="comma-separated configuration names (default: all)")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases = 16
        if args.results == parser.get_default("results"):
            args.results = Path("benchmarks/results/agents-quick.jsonl")
    torch.set_num_threads(args.threads)
    from codepatch.models.smollm2 import default_model_dir

    configs = configurations()
    selected = [c for c in configs if not args.only or c.name in args.only.split(",")]
    system = None
    if any(c.name != "engines" for c in selected):
        system = load_system(args.model or default_model_dir(), args.links, SCAN_ROLES)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    done = {(r.config, r.set, r.seed) for r in read_records(args.results)}
    for config in selected:
        for set_name in args.sets.split(","):
            for seed in range(args.seeds if set_name == "families" else 1):
                if (config.key, set_name, seed) in done:
                    continue
                pairs = cases(set_name, seed, args.cases, args.checkouts)
                record = evaluate(system, config, pairs, set_name, seed, args.batch, args.latent_steps, args.sure)
                with args.results.open("a") as handle:
                    handle.write(json.dumps(asdict(record)) + "\n")
                print(f"{config.key} {set_name} seed {seed}: {record.correct}/{record.cases} correct, removed "
                      f"{record.removed}/{record.not_real}, lost {record.lost}/{record.real}, "
                      f"{record.decoded_tokens} tokens, {record.seconds:.1f}s", flush=True)
    print(table(read_records(args.results), configs))


if __name__ == "__main__":
    main()
