"""Teach a checking role to read what the system really sends it:
`python -m training.reader --out DIR --role critic` (then `--role solver`), after training.inner
wrote DIR/links.*.

training.lora trains every role on the right program written as text, some of it with a made-up
slip. At run time the Critic reads the Planner's message and the Solver the Critic's: in latent
mode a rollout sent over the links, a soft program that still carries the sender's doubt where it
had any; in text mode the program the sender decoded, with the mistakes it really makes. Each
step here runs the trained system up to the role's turn on a batch of problems, both ways, and
continues the role's adapter on the right program after each of the two messages. The problems
should be fresh draws of the training families (`python -m training.data --seed S`), on which the
earlier roles make the mistakes they make on questions they have not seen. Links, the base
model and the other roles' adapters stay frozen. The adapter is rewritten in DIR/adapters/<role>/
(staged beside it, then swapped in) with a marker file; a role whose marker is there is skipped.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from codepatch.latent.build import load_system
from codepatch.latent.checkpoint import adapter_dir, read_config
from codepatch.latent.lora import save_role_adapter
from codepatch.latent.objectives import Example, answer_loss
from codepatch.latent.roles import LATENT_STEPS
from codepatch.latent.system import MODES, RecursiveSystem
from training.common import (
    batches,
    clear_progress,
    load_examples,
    load_progress,
    parser_for,
    save_progress,
    set_learning_rate,
    swap_in,
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

MARKER = "reader.json"  # in the adapter folder: this adapter has read the system's own messages


@dataclass
class ReaderConfig:
    out: Path = field(default=Path("runs/links"), metadata={"help": "checkpoint directory with links and adapters (training.inner)"})
    data: Path = field(default=Path("runs/reader-data"), metadata={
        "help": "directory written by `python -m training.data` with a seed the roles were not trained on"})
    role: str = field(default="critic", metadata={"help": "the role whose adapter learns to read (critic, solver)"})
    model: Path | None = field(
        default=None, metadata={"help": "base model directory (default: the converted SmolLM2-135M-Instruct)"})
    steps: int = field(default=200, metadata={"help": "optimizer steps"})
    batch: int = field(default=8, metadata={"help": "problems per step (over all processes: each takes its share)"})
    lr: float = field(default=3e-4, metadata={
        "help": "peak AdamW learning rate (warm-up, then cosine decay to a tenth; below training.lora's: "
                "the adapter is trained already)"})
    latent_steps: int = field(default=LATENT_STEPS, metadata={"help": "most latent steps per earlier turn, as at run time"})
    threads: int = field(default=1, metadata={"help": "CPU threads (0: torch default)"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    save_every: int = field(default=20, metadata={"help": "steps between resumable checkpoints"})
    smoke: bool = field(default=False, metadata={"help": "tiny random model and a few steps (seconds), for tests"})


def sent_messages(system: RecursiveSystem, role_index: int, examples: list[Example], mode: str,
                  latent_steps: int) -> list:
    """What the role at `role_index` reads in round 1 when every role before it runs as trained."""
    questions = [example.question for example in examples]
    slots: list = [None] * len(examples)
    for index in range(role_index):
        slots, _, _ = system.turn(index, questions, slots, mode, final=False, latent_steps=latent_steps,
                                  max_new_tokens=2 * latent_steps)
    return slots


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(ReaderConfig, __doc__)
    config = ReaderConfig(**vars(parser.parse_args(argv)))
    if config.smoke:
        config.steps, config.batch, config.save_every, config.latent_steps = 3, 2, 2, 4
    links = read_config(config.out)
    if not links.adapters or config.role not in links.roles[1:]:
        parser.error(f"{config.out} has no adapter of a role that reads another's message named {config.role!r} "
                     f"(roles: {', '.join(links.roles[1:])}; train adapters with training.lora)")
    folder = adapter_dir(config.out, config.role)
    if (folder / MARKER).exists():
        print(f"reader: {folder} has read the system's messages already, skipping (remove {MARKER} there to train again)")
        return
    accelerator, model_dir = set_up_run(config)
    check_batch(accelerator, config.batch)
    system = load_system(model_dir, config.out, workload_of(config.data).roles)
    role_index = links.roles.index(config.role)
    reader = system.agents[role_index]
    params = reader.model.role_adapters.trainable(config.role)
    optimizer = torch.optim.AdamW(params.values(), lr=config.lr)
    name = f"reader-{config.role}"
    start = load_progress(config.out, name, params, optimizer)
    stream = batches(load_examples(config.data, "train", smoke=config.smoke), config.batch, config.seed)
    for _ in range(start):
        next(stream)
    started = time.perf_counter()
    for step in range(start, config.steps):
        mine = shard(accelerator, next(stream))
        questions, targets = [e.question for e in mine], [e.targets[role_index] for e in mine]
        losses = {mode: answer_loss(reader, questions, sent_messages(system, role_index, mine, mode, config.latent_steps), targets)
                  for mode in MODES}
        set_learning_rate(optimizer, step, config.steps, config.lr)
        optimizer.zero_grad()
        sum(losses.values()).backward()
        tokens = answer_tokens(reader, targets)
        shown = {mode: average_gradients(accelerator, params.values() if mode == MODES[0] else [], loss.detach(), tokens)
                 for mode, loss in losses.items()}
        optimizer.step()
        if accelerator.is_main_process and ((step + 1) % config.save_every == 0 or step + 1 == config.steps):
            save_progress(config.out, name, step + 1, params, optimizer)
        say(accelerator, f"reader {config.role} step {step + 1}/{config.steps} loss "
                         + " ".join(f"{mode} {loss:.4f}" for mode, loss in shown.items())
                         + f" ({time.perf_counter() - started:.0f}s)")
    if accelerator.is_main_process:
        staging = folder.with_name(folder.name + ".reader")
        if staging.exists():
            shutil.rmtree(staging)
        save_role_adapter(params, folder, staging)
        (staging / MARKER).write_text(json.dumps(asdict(config), default=str, indent=2) + "\n")
        swap_in(staging, folder)
        clear_progress(config.out, name)
    say(accelerator, f"saved the {config.role} adapter to {folder}")
    finish_run(accelerator)


if __name__ == "__main__":
    main()
