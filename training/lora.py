"""Train one LoRA adapter per role on its role target: `python -m training.lora --out DIR`.

The roles are the data's workload's (training.workloads). For math every role writes the
question's program (`Program: 30-12+8`) or, when it is not arithmetic, its answer (`Answer: yes`):
Planner: question (and, half the time, the previous round's program as notes) -> program. Critic:
question + program -> checked program. Solver: question + checked program -> final program. For
judge, Scanner, Critic and Patcher do the same with a verdict (`Verdict: real | no-check`).
What the second and third roles read has a slip a quarter of the time.
Adapters are saved in peft's safetensors layout under OUT/adapters/<role>/.
Under `torchrun`/`accelerate launch` each process takes a shard of every batch (training.distributed).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from accelerate import Accelerator

from codepatch.latent.agent import Agent
from codepatch.latent.build import fresh_inner_link, load_frozen_model
from codepatch.latent.checkpoint import adapter_dir
from codepatch.latent.objectives import Example, answer_loss
from training.common import (
    batches,
    clear_progress,
    load_examples,
    load_progress,
    parser_for,
    save_progress,
    set_learning_rate,
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
from training.workloads import Workload, workload_of


@dataclass
class LoraConfig:
    out: Path = field(default=Path("runs/links"), metadata={"help": "checkpoint directory; adapters go to OUT/adapters/<role>/"})
    data: Path = field(default=Path("runs/data"), metadata={"help": "directory written by `python -m training.data`"})
    model: Path | None = field(
        default=None, metadata={"help": "base model directory (default: the converted SmolLM2-135M-Instruct)"})
    steps: int = field(default=120, metadata={"help": "optimizer steps per role"})
    batch: int = field(default=8, metadata={"help": "problems per step (over all processes: each takes its share)"})
    lr: float = field(default=1e-3, metadata={"help": "peak AdamW learning rate (warm-up, then cosine decay to a tenth)"})
    rank: int = field(default=8, metadata={"help": "LoRA rank"})
    top_layers: int = field(default=12, metadata={"help": "adapt only the last N decoder layers (cheaper backward on CPU)"})
    targets: str = field(default="q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj",
                         metadata={"help": "comma-separated names of the linear layers to adapt (attention and MLP)"})
    threads: int = field(default=2, metadata={"help": "CPU threads (0: torch default)"})
    seed: int = field(default=0, metadata={"help": "random seed (sampling and initialisation)"})
    save_every: int = field(default=20, metadata={"help": "steps between resumable checkpoints"})
    roles: str = field(default="", metadata={
        "help": "comma-separated roles to train, e.g. planner,critic (default: all); roles already trained in OUT "
                "are skipped, so separate runs for different roles can share one OUT"})
    init_from: str = field(default="", metadata={
        "help": "start each role from this role's adapter already trained in OUT (e.g. planner), not from zero"})
    smoke: bool = field(default=False, metadata={"help": "tiny random model and a few steps (seconds), for tests"})


NOTES = (0.5, 0.3)  # the Planner reads no notes, the right program, or one with a slip (the rest)
SLIP_P = 0.25  # how often the Critic and the Solver read a message with a slip


def role_inputs(batch: list[Example], role_index: int, rng: random.Random,
                slip=workload_of(None).slip) -> tuple[list, list[str]]:
    """The slot text each role sees during training, and its target. The Planner reads, half the
    time, the previous round's program as notes; the Critic and the Solver read the message of the
    role before them. Some of those messages have a slip (training.slips), so that the roles learn
    to check what they read against the question, not to copy it. `slip`: the workload's."""
    slots: list[str | None] = []
    for example in batch:
        read = example.targets[role_index - 1]  # for the Planner: the Solver's, from the round before
        draw = rng.random()
        if role_index == 0 and draw < NOTES[0]:
            slots.append(None)
        elif draw < (NOTES[0] + NOTES[1] if role_index == 0 else 1 - SLIP_P):
            slots.append(read)
        else:
            slots.append(slip(read, example.question, rng))
    return slots, [example.targets[role_index] for example in batch]


def train_role(config: LoraConfig, model_dir: Path, chosen: Workload, role_index: int, examples: list[Example],
               accelerator: Accelerator) -> None:
    from peft import LoraConfig as PeftLoraConfig
    from peft import get_peft_model

    role = chosen.roles[role_index]
    model, tokenizer = load_frozen_model(model_dir)
    layers = model.config.num_hidden_layers
    model = get_peft_model(model, PeftLoraConfig(
        r=config.rank, lora_alpha=2 * config.rank, lora_dropout=0.0,
        target_modules=config.targets.split(","),
        layers_to_transform=list(range(max(0, layers - config.top_layers), layers)),
    ))  # trained as peft's "default" adapter, so save_pretrained writes it at the top of its folder
    if config.init_from:
        # every role translates the question into the same program: the others start from one that does
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        set_peft_model_state_dict(model, load_file(str(adapter_dir(config.out, config.init_from) / "adapter_model.safetensors")))
    agent = Agent(role, model, tokenizer, fresh_inner_link(model), adapter="default")
    params = {name: p for name, p in model.named_parameters() if p.requires_grad}
    optimizer = torch.optim.AdamW(params.values(), lr=config.lr)
    start = load_progress(config.out, f"lora-{role.name}", params, optimizer)
    rng = random.Random(config.seed + role_index)
    stream = batches(examples, config.batch, config.seed + role_index)
    for _ in range(start):
        next(stream)
    started = time.perf_counter()
    for step in range(start, config.steps):
        batch = next(stream)
        slots, targets = role_inputs(batch, role_index, rng, chosen.slip)  # drawn for the whole batch on every process
        questions, slots, targets = (shard(accelerator, part) for part in ([e.question for e in batch], slots, targets))
        loss = answer_loss(agent, questions, slots, targets)
        set_learning_rate(optimizer, step, config.steps, config.lr)
        optimizer.zero_grad()
        loss.backward()
        loss = average_gradients(accelerator, params.values(), loss, answer_tokens(agent, targets))
        optimizer.step()
        if accelerator.is_main_process and ((step + 1) % config.save_every == 0 or step + 1 == config.steps):
            save_progress(config.out, f"lora-{role.name}", step + 1, params, optimizer)
        say(accelerator, f"lora {role.name} step {step + 1}/{config.steps} loss {loss:.4f} "
                         f"({time.perf_counter() - started:.0f}s)")
    if accelerator.is_main_process:
        model.save_pretrained(adapter_dir(config.out, role.name))
        clear_progress(config.out, f"lora-{role.name}")
    accelerator.wait_for_everyone()  # the next role's "already trained?" check sees the same files everywhere


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(LoraConfig, __doc__)
    config = LoraConfig(**vars(parser.parse_args(argv)))
    if config.smoke:
        config.steps, config.batch, config.save_every = 3, 2, 2
    accelerator, model_dir = set_up_run(config)
    check_batch(accelerator, config.batch)
    examples = load_examples(config.data, "train", smoke=config.smoke)
    chosen = workload_of(config.data)
    wanted = set(config.roles.split(",")) if config.roles else {role.name for role in chosen.roles}
    unknown = wanted - {role.name for role in chosen.roles}
    if unknown:
        parser.error(f"unknown role(s) {', '.join(sorted(unknown))}; roles are {', '.join(r.name for r in chosen.roles)}")
    for role_index, role in enumerate(chosen.roles):
        if role.name not in wanted:
            continue
        if (adapter_dir(config.out, role.name) / "adapter_config.json").exists():
            say(accelerator, f"lora {role.name}: already trained, skipping")
            continue
        train_role(config, model_dir, chosen, role_index, examples, accelerator)
    finish_run(accelerator)


if __name__ == "__main__":
    main()
