"""Data-parallel training when a stage is started by `torchrun --nproc_per_node N -m training.<stage>`
or `accelerate launch -m training.<stage>`; in one process every function here changes nothing.

`--batch` stays the global batch: every process draws the same batch from the same seeded stream
and keeps its own shard, so N processes take the same steps as one process with that batch.
Gradients are averaged by hand with `accelerator.reduce` rather than through DDP: the trainable
links are called from inside the loss (`system.send`), not through one module's forward, and the
trainable weights are small (LoRA, links), so one all-reduce per step is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, TypeVar

import torch
import torch.distributed.nn.functional  # noqa: F401  before any process group exists: see finish_run
from accelerate import Accelerator
from accelerate.utils import gather_object, get_int_from_env, synchronize_rng_states

from codepatch.latent.agent import Agent
from codepatch.latent.objectives import target_ids
from training.common import resolve_model_dir, setup_torch

Item = TypeVar("Item")


class RunConfig(Protocol):
    threads: int
    seed: int
    model: Path | None
    smoke: bool
    out: Path


def set_up_run(config: RunConfig) -> tuple[Accelerator, Path]:
    """This process's accelerator (cuda:LOCAL_RANK with NCCL, or CPU with gloo) and the base model.
    Every process is seeded alike; the main one writes the smoke model before the others read it."""
    launched = get_int_from_env(["WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MV2_COMM_WORLD_SIZE"], 1) > 1
    # several processes without CUDA need cpu=True to get gloo; one process needs no flag (and a
    # flag that differs from an earlier call in the same process is refused by accelerate)
    accelerator = Accelerator(cpu=launched and not torch.cuda.is_available())  # before setup_torch: it may set threads
    setup_torch(config.threads, config.seed)
    with accelerator.main_process_first():
        model_dir = resolve_model_dir(config.model, config.smoke, config.out)
    if accelerator.num_processes > 1:  # building the smoke model drew from the main process's generator
        synchronize_rng_states(["torch"])
    return accelerator, model_dir


def finish_run(accelerator: Accelerator) -> None:
    """End a run that finished: every process waits until all are past their last collective, then
    destroys the process group while the interpreter is still whole. Left to interpreter shutdown,
    a gloo worker thread can still hold a finished collective's tensors; dropping them takes the
    GIL, Python ends the thread inside a C++ destructor, and the process aborts ("terminate called
    without an active exception", SIGABRT). Destroying the group joins those threads first, but only
    if nothing else still holds the group: torch.distributed.nn.functional binds `group.WORLD` into
    its functions' default arguments when it is imported (transformers imports it on the first
    model), so this module imports it before `set_up_run` creates the group.
    In one process it changes nothing. Not for failures: torchrun ends the other processes then."""
    accelerator.wait_for_everyone()
    accelerator.end_training()  # destroy_process_group(), if there is one


def say(accelerator: Accelerator, text: str) -> None:
    """Progress, printed by the main process alone."""
    if accelerator.is_main_process:
        print(text, flush=True)


def shard(accelerator: Accelerator, items: list[Item]) -> list[Item]:
    """This process's share of a batch that every process drew alike: every N-th item."""
    return items[accelerator.process_index :: accelerator.num_processes]


def check_batch(accelerator: Accelerator, batch: int) -> None:
    if batch < accelerator.num_processes:
        raise SystemExit(f"--batch {batch} leaves some of the {accelerator.num_processes} processes without problems")


def answer_tokens(agent: Agent, answers: Iterable[str]) -> int:
    """How many target tokens `answer_loss` averages over for these answers."""
    return sum(len(target_ids(agent, text)) for text in answers)


def average_gradients(accelerator: Accelerator, params: Iterable[torch.Tensor], loss: torch.Tensor, tokens: int) -> float:
    """Turn each process's gradients of its shard's mean loss (over `tokens` target tokens) into the
    gradients of the whole batch's mean loss, the same on every process; returns that loss.
    Weighting by tokens, not by processes, keeps N shards equal to one batch when their lengths differ."""
    if accelerator.num_processes == 1:
        return loss.item()
    # every process ran the same rounds and m (same seed), so the same parameters have gradients
    grads = [p.grad for p in params if p.grad is not None]
    flat = torch.cat([g.flatten().float() for g in grads] + [loss.detach().float().reshape(1)]) * tokens
    total = accelerator.reduce(torch.cat([flat, flat.new_tensor([tokens])]), "sum")
    total = total[:-1] / total[-1]
    offset = 0
    for grad in grads:
        grad.copy_(total[offset : offset + grad.numel()].view_as(grad))
        offset += grad.numel()
    return total[-1].item()


def gather_pairs(accelerator: Accelerator, numbered: list[tuple[int, torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Every process's numbered (states, goals) chunks, joined in number order on every process."""
    if accelerator.num_processes > 1:
        gathered = gather_object([(number, s.cpu(), g.cpu()) for number, s, g in numbered])
        numbered = [(number, s.to(accelerator.device), g.to(accelerator.device)) for number, s, g in gathered]
    numbered = sorted(numbered, key=lambda chunk: chunk[0])
    return torch.cat([s for _, s, _ in numbered]), torch.cat([g for _, _, g in numbered])
