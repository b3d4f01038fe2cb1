"""Pieces every training step shares: data loading, threads, batching, the smoke model,
and resumable state (weights and optimizer moments as safetensors, progress as JSON)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import shutil
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from codepatch.latent.checkpoint import checked_anchor
from codepatch.latent.objectives import Example
from training.workloads import workload_of

STATE_FILE = "state.json"


def anchor_weight(text: str) -> float:
    """argparse type for --anchor: a weight from 0 to 1, checked as the links config checks it."""
    try:
        return checked_anchor(float(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parser_for(config_class: type, description: str | None) -> argparse.ArgumentParser:
    """A parser with one `--name-with-dashes` option per field of the dataclass `config_class`, so
    each option is explained once, in its field: the type comes from the annotation (the one
    non-None type of `X | None`), bools are `store_true` flags, a field without a default is
    required, and the field's metadata gives `help` plus any argparse keyword the annotation cannot
    say (a checking `type` such as `anchor_weight`, `choices`)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    hints = typing.get_type_hints(config_class)  # the annotations are strings under `from __future__ import annotations`
    for spec in dataclasses.fields(config_class):
        hint = hints[spec.name]
        options: dict[str, Any] = {"action": "store_true"} if hint is bool else {"type": _argument_type(hint)}
        if spec.default is dataclasses.MISSING:
            options["required"] = True
        else:
            options["default"] = spec.default
        options.update(spec.metadata)
        parser.add_argument("--" + spec.name.replace("_", "-"), **options)
    return parser


def _argument_type(hint: Any) -> Any:
    """`Path` for `Path | None` (None can only be the default, never typed); other hints as they are."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (present,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return present
    return hint


def setup_torch(threads: int, seed: int) -> None:
    """Seed everything and cap CPU threads (models go to CUDA by themselves when there is one)."""
    if threads > 0:
        torch.set_num_threads(threads)
    random.seed(seed)
    torch.manual_seed(seed)


def load_examples(data_dir: Path | None, split: str, limit: int = 0, smoke: bool = False) -> list[Example]:
    """Examples from `data_dir/<split>.jsonl`; with `smoke`, a few of its workload's generated in memory."""
    if smoke or data_dir is None:
        generated = workload_of(data_dir).generate(split, 16, 0)
        rows = [{"question": p.question, "targets": p.targets, "answer": p.answer} for p in generated]
    else:
        from training.data import read_split

        rows = read_split(data_dir, split)
    examples = [Example(question=r["question"], targets=r["targets"], answer=r["answer"]) for r in rows]
    return examples[:limit] if limit else examples


def batches(examples: list[Example], size: int, seed: int) -> Iterator[list[Example]]:
    """Endless shuffled batches, reshuffled every epoch."""
    rng = random.Random(seed)
    order = list(range(len(examples)))
    while True:
        rng.shuffle(order)
        for start in range(0, len(order) - size + 1, size):
            yield [examples[i] for i in order[start : start + size]]


def set_learning_rate(optimizer: torch.optim.Optimizer, step: int, total: int, peak: float, warmup: int = 10) -> None:
    """Linear warm-up over `warmup` steps, then cosine decay to a tenth of `peak` at `total`.
    A function of the step alone, so a resumed run continues the same schedule."""
    if step < warmup:
        rate = peak * (step + 1) / warmup
    else:
        progress = (step - warmup) / max(1, total - warmup)
        rate = peak * (0.1 + 0.45 * (1 + math.cos(math.pi * min(1.0, progress))))
    for group in optimizer.param_groups:
        group["lr"] = rate


def smoke_model_dir(out: Path) -> Path:
    """A tiny random Llama with a local tokenizer saved under `out`, standing in for the base."""
    from codepatch.latent.tiny import tiny_model, tiny_tokenizer

    directory = out / "smoke-model"
    if not (directory / "config.json").exists():
        tokenizer = tiny_tokenizer()
        tiny_model(tokenizer, hidden_size=32, init_std=0.2).save_pretrained(directory)
        tokenizer.save_pretrained(directory)
    return directory


def resolve_model_dir(model: Path | None, smoke: bool, out: Path) -> Path:
    if smoke:
        return smoke_model_dir(out)
    if model is not None:
        return model
    from codepatch.models.smollm2 import default_model_dir, is_converted

    directory = default_model_dir()
    if not is_converted(directory):
        raise SystemExit("the default model is not set up: run `codepatch models setup` or pass --model DIR")
    return directory


def save_progress(directory: Path, name: str, step: int, params: dict[str, torch.Tensor], optimizer: torch.optim.Optimizer) -> None:
    """Trainable weights and AdamW moments of a run in progress, and its step."""
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {f"param.{k}": v.detach().contiguous().cpu() for k, v in params.items()}
    for index, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            tensors[f"optim.{index}.{key}"] = torch.as_tensor(value).contiguous().cpu()
    save_file(tensors, str(directory / f"{name}.progress.safetensors"))
    (directory / f"{name}.{STATE_FILE}").write_text(json.dumps({"step": step}) + "\n")


def load_progress(directory: Path, name: str, params: dict[str, torch.Tensor], optimizer: torch.optim.Optimizer) -> int:
    """Restore a run saved by `save_progress`; returns the step to continue from (0 if none)."""
    state_path = directory / f"{name}.{STATE_FILE}"
    if not state_path.exists():
        return 0
    tensors = load_file(str(directory / f"{name}.progress.safetensors"))
    with torch.no_grad():
        for key, value in params.items():
            value.copy_(tensors[f"param.{key}"])
    saved = optimizer.state_dict()
    for index in range(sum(len(group["params"]) for group in saved["param_groups"])):
        moments = {k.split(".", 2)[2]: v for k, v in tensors.items() if k.startswith(f"optim.{index}.")}
        if moments:
            saved["state"][index] = moments
    optimizer.load_state_dict(saved)
    return json.loads(state_path.read_text())["step"]


def clear_progress(directory: Path, name: str) -> None:
    for suffix in (f"{name}.progress.safetensors", f"{name}.{STATE_FILE}"):
        (directory / suffix).unlink(missing_ok=True)


def swap_in(staging: Path, destination: Path) -> None:
    """Put the folder `staging` in place of `destination` by renames only, so that an interrupted
    run leaves one whole folder there (the old or the new one), never a half-written one."""
    previous = destination.with_name(destination.name + ".previous")
    if previous.exists():
        shutil.rmtree(previous)
    if destination.exists():
        destination.rename(previous)
    staging.rename(destination)
    if previous.exists():
        shutil.rmtree(previous)
