"""Teach the last agent (the Solver) to read latent hand-offs: `python -m training.reader --out DIR`
after training.inner (and training.outer) wrote DIR/links.*.

training.lora trains the Solver's adapter on text slots: the Critic's checked plan as words. In
latent mode the same slot holds the Critic's states sent over the trained links, which it reads
less well (after a Critic's latent `81+9=90` it answers 80). Each step here continues that adapter
on one batch read both ways: the checked plan as text (training.lora's objective) and as
teacher-forced Critic states over the links (training.outer's hand-off), so one adapter serves
text and latent mode alike. Links, the base model and the other roles' adapters stay frozen.
The adapter is then rewritten in DIR/adapters/<last role>/ (staged beside it and swapped in),
with a marker file; a DIR whose marker is there is left alone.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from codepatch.latent.build import load_system
from codepatch.latent.checkpoint import adapter_dir, read_config
from codepatch.latent.lora import save_role_adapter
from codepatch.latent.objectives import answer_loss, forced_hand_off
from training.common import batches, clear_progress, load_examples, load_progress, save_progress, set_learning_rate
from training.distributed import answer_tokens, average_gradients, check_batch, say, set_up_run, shard

MARKER = "latent_reader.json"  # in the adapter folder: this adapter has been trained on latent slots too


@dataclass
class ReaderConfig:
    out: Path = Path("runs/links")  # checkpoint directory with links and adapters (training.inner/outer)
    data: Path = Path("runs/data")  # directory written by training.data
    model: Path | None = None  # base model directory (default: the converted SmolLM2)
    steps: int = 60  # optimizer steps
    batch: int = 8  # problems per step, over all processes
    lr: float = 2e-4  # peak AdamW learning rate (lower than training.lora's: the adapter is trained already)
    rounds: int = 1  # hand-offs come from round counts sampled from 1..ROUNDS
    latent_steps: int = 32  # teacher-forced Critic states kept per hand-off (the run's m)
    threads: int = 2  # CPU threads (0: torch default)
    seed: int = 0  # random seed
    save_every: int = 10  # steps between resumable checkpoints
    smoke: bool = False  # tiny random model, a few steps: for tests


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = ReaderConfig()
    parser.add_argument("--out", type=Path, default=defaults.out, help="checkpoint directory with links and adapters")
    parser.add_argument("--data", type=Path, default=defaults.data, help="directory written by `python -m training.data`")
    parser.add_argument("--model", type=Path, default=None, help="base model directory (default: the converted SmolLM2-135M-Instruct)")
    parser.add_argument("--steps", type=int, default=defaults.steps, help="optimizer steps")
    parser.add_argument("--batch", type=int, default=defaults.batch, help="problems per step (over all processes: each takes its share)")
    parser.add_argument("--lr", type=float, default=defaults.lr, help="peak AdamW learning rate (warm-up, then cosine decay to a tenth)")
    parser.add_argument("--rounds", type=int, default=defaults.rounds, help="sample each step's round count from 1..ROUNDS")
    parser.add_argument("--latent-steps", type=int, default=defaults.latent_steps, help="teacher-forced states kept per hand-off (m)")
    parser.add_argument("--threads", type=int, default=defaults.threads, help="CPU threads (0: torch default)")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed")
    parser.add_argument("--save-every", type=int, default=defaults.save_every, help="steps between resumable checkpoints")
    parser.add_argument("--smoke", action="store_true", help="tiny random model and a few steps (seconds), for tests")
    config = ReaderConfig(**vars(parser.parse_args(argv)))
    if config.smoke:
        config.steps, config.batch, config.save_every, config.latent_steps = 3, 2, 2, 4
    if not read_config(config.out).adapters:
        parser.error(f"{config.out} has no role adapters to continue (train them with training.lora)")
    role = read_config(config.out).roles[-1]
    folder = adapter_dir(config.out, role)
    if (folder / MARKER).exists():
        print(f"reader: {folder} already reads latent slots, skipping (remove {MARKER} there to train again)")
        return
    accelerator, model_dir = set_up_run(config)
    check_batch(accelerator, config.batch)
    system = load_system(model_dir, config.out)
    reader = system.agents[-1]
    params = reader.model.role_adapters.trainable(role)
    optimizer = torch.optim.AdamW(params.values(), lr=config.lr)
    start = load_progress(config.out, "reader", params, optimizer)
    stream = batches(load_examples(config.data, "train", smoke=config.smoke), config.batch, config.seed)
    rng = random.Random(config.seed)
    for _ in range(start):
        next(stream), rng.randint(1, config.rounds)
    started = time.perf_counter()
    for step in range(start, config.steps):
        rounds = rng.randint(1, config.rounds)
        mine = shard(accelerator, next(stream))
        questions, answers = [e.question for e in mine], [e.targets[-1] for e in mine]
        with torch.no_grad():  # only the reader's own turn learns
            latent = forced_hand_off(system, mine, rounds, config.latent_steps)
        text_loss = answer_loss(reader, questions, [e.targets[-2] for e in mine], answers)
        latent_loss = answer_loss(reader, questions, latent, answers)
        set_learning_rate(optimizer, step, config.steps, config.lr)
        optimizer.zero_grad()
        (text_loss + latent_loss).backward()
        tokens = answer_tokens(reader, answers)
        text_loss = average_gradients(accelerator, params.values(), text_loss.detach(), tokens)
        latent_loss = average_gradients(accelerator, [], latent_loss.detach(), tokens)
        optimizer.step()
        if accelerator.is_main_process and ((step + 1) % config.save_every == 0 or step + 1 == config.steps):
            save_progress(config.out, "reader", step + 1, params, optimizer)
        say(accelerator, f"reader {role} step {step + 1}/{config.steps} rounds {rounds} loss text {text_loss:.4f} "
                         f"latent {latent_loss:.4f} ({time.perf_counter() - started:.0f}s)")
    if accelerator.is_main_process:
        staging = folder.with_name(folder.name + ".reader")
        if staging.exists():
            shutil.rmtree(staging)
        save_role_adapter(params, folder, staging)
        (staging / MARKER).write_text(json.dumps(asdict(config), default=str, indent=2) + "\n")
        shutil.rmtree(folder)
        staging.rename(folder)
        clear_progress(config.out, "reader")
    accelerator.wait_for_everyone()
    say(accelerator, f"saved the {role} adapter to {folder}")


if __name__ == "__main__":
    main()
