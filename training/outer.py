"""Train the OuterLinks through r rounds, models, adapters and InnerLinks frozen:
`python -m training.outer --out DIR` (after training.inner wrote DIR/links.*).

Each step samples a round count in 1..R, sends teacher-forced states (truncated to m) along
1->2->3 (and 3->1 between rounds) and takes cross-entropy on the Solver's answer in the final
round. Gradients reach the links through the frozen models' `inputs_embeds`.
Under `torchrun`/`accelerate launch` each process takes a shard of every batch (training.distributed).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from codepatch.latent.build import load_system
from codepatch.latent.checkpoint import read_config, save_links
from codepatch.latent.objectives import outer_link_loss
from codepatch.latent.roles import LATENT_STEPS
from training.common import (
    batches,
    clear_progress,
    load_examples,
    load_progress,
    parser_for,
    save_progress,
)
from training.distributed import (
    answer_tokens,
    average_gradients,
    check_batch,
    finish_run,
    say,
    set_up_run,
    shard,
)
from training.workloads import workload_of


@dataclass
class OuterConfig:
    out: Path = field(default=Path("runs/links"), metadata={"help": "checkpoint directory written by training.inner"})
    data: Path = field(default=Path("runs/data"), metadata={"help": "directory written by `python -m training.data`"})
    model: Path | None = field(
        default=None, metadata={"help": "base model directory (default: the converted SmolLM2-135M-Instruct)"})
    steps: int = field(default=60, metadata={"help": "optimizer steps"})
    batch: int = field(default=4, metadata={"help": "problems per step (over all processes: each takes its share)"})
    rounds: int = field(default=2, metadata={"help": "sample each step's round count from 1..ROUNDS"})
    latent_steps: int = field(default=LATENT_STEPS, metadata={"help": "largest m (teacher-forced states kept per hop)"})
    min_latent_steps: int = field(default=8, metadata={
        "help": "smallest m: each step samples m from MIN_LATENT_STEPS..LATENT_STEPS, so the links work for any m"})
    lr: float = field(default=1e-3, metadata={"help": "AdamW learning rate"})
    threads: int = field(default=1, metadata={"help": "CPU threads (0: torch default)"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    save_every: int = field(default=10, metadata={"help": "steps between resumable checkpoints"})
    gradient_checkpointing: bool = field(
        default=False, metadata={"help": "recompute activations in backward (GPU, big models)"})
    smoke: bool = field(default=False, metadata={"help": "tiny random model and a few steps (seconds), for tests"})


def main(argv: list[str] | None = None) -> None:
    config = OuterConfig(**vars(parser_for(OuterConfig, __doc__).parse_args(argv)))
    if config.smoke:
        config.steps, config.batch, config.save_every = min(config.steps, 3), 2, 2
        config.latent_steps, config.min_latent_steps = 4, 2
    accelerator, model_dir = set_up_run(config)
    check_batch(accelerator, config.batch)
    system = load_system(model_dir, config.out, workload_of(config.data).roles)
    if config.gradient_checkpointing:  # only active in train mode; these models have no dropout
        for model in {id(a.model): a.model for a in system.agents}.values():
            model.gradient_checkpointing_enable()
            model.train()
    system.inner_links.requires_grad_(False)
    params = dict(system.outer_links.named_parameters())
    optimizer = torch.optim.AdamW(params.values(), lr=config.lr)
    start = load_progress(config.out, "outer", params, optimizer)
    examples = load_examples(config.data, "train", smoke=config.smoke)
    stream = batches(examples, config.batch, config.seed)
    rng = random.Random(config.seed)
    for _ in range(start):
        next(stream), rng.randint(1, config.rounds), rng.randint(config.min_latent_steps, config.latent_steps)
    started = time.perf_counter()
    for step in range(start, config.steps):
        rounds = rng.randint(1, config.rounds)
        latent_steps = rng.randint(config.min_latent_steps, config.latent_steps)
        mine = shard(accelerator, next(stream))
        loss = outer_link_loss(system, mine, rounds=rounds, latent_steps=latent_steps)
        optimizer.zero_grad()
        loss.backward()
        tokens = answer_tokens(system.agents[-1], [example.targets[-1] for example in mine])
        loss = average_gradients(accelerator, params.values(), loss, tokens)
        optimizer.step()
        if accelerator.is_main_process and ((step + 1) % config.save_every == 0 or step + 1 == config.steps):
            save_progress(config.out, "outer", step + 1, params, optimizer)
        say(accelerator, f"outer step {step + 1}/{config.steps} rounds {rounds} m {latent_steps} loss {loss:.4f} "
                         f"({time.perf_counter() - started:.0f}s)")
    if accelerator.is_main_process:
        links = replace(read_config(config.out), rounds=config.rounds, latent_steps=config.latent_steps)
        save_links(config.out, links, [a.inner_link for a in system.agents], dict(system.outer_links))
        clear_progress(config.out, "outer")
    accelerator.wait_for_everyone()  # no process moves on before the checkpoint is whole
    say(accelerator, f"saved links to {config.out}")
    finish_run(accelerator)


if __name__ == "__main__":
    main()
