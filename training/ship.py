"""Copy a trained checkpoint into the package so `codepatch reason` finds it:
`python -m training.ship --src runs/links`. Links are stored as float16 (half the size; they
load back as float32); adapters keep peft's safetensors and config, nothing else is copied."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from codepatch.agents.roles import SCAN_ROLES
from codepatch.latent.build import SHIPPED_JUDGE_LINKS, SHIPPED_LINKS
from codepatch.latent.checkpoint import (
    ADAPTERS_DIR,
    adapter_dir,
    load_links,
    read_config,
    save_links,
)
from training.common import anchor_weight, parser_for, swap_in

ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors")


@dataclass
class ShipConfig:
    src: Path = field(metadata={"help": "checkpoint directory written by training.inner/outer"})
    dest: Path | None = field(default=None, metadata={
        "help": "where the package looks for its checkpoint (default: codepatch reason's, or for the scanning "
                "roles codepatch scan --agents')"})
    anchor: float | None = field(default=None, metadata={
        "type": anchor_weight,
        "help": "weight of the expected next-token embedding in latent inputs, chosen on the validation split "
                "(default: the checkpoint's)"})


def ship(source: Path, destination: Path, anchor: float | None = None) -> list[Path]:
    """Write the checkpoint beside `destination`, then swap it in: shipping a checkpoint onto
    itself (to change its anchor) or failing half-way never loses the one already there."""
    config = read_config(source)
    if anchor is not None:
        config = replace(config, anchor=anchor)  # checks its range
    _, inner, outer = load_links(source, config.roles, config.dims)
    staging = destination.with_name(destination.name + ".shipping")
    if staging.exists():
        shutil.rmtree(staging)
    save_links(staging, config, inner, outer, dtype=torch.float16)
    if config.adapters:
        for role in config.roles:
            adapter_dir(staging, role).mkdir(parents=True)
            shutil.copy2(adapter_dir(source, role) / "adapter_model.safetensors", adapter_dir(staging, role))
            adapter_config = json.loads((adapter_dir(source, role) / "adapter_config.json").read_text())
            adapter_config["base_model_name_or_path"] = config.base_model  # not the trainer's local path
            (adapter_dir(staging, role) / "adapter_config.json").write_text(json.dumps(adapter_config, indent=2) + "\n")
    swap_in(staging, destination)
    return sorted(p for p in destination.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> None:
    config = ShipConfig(**vars(parser_for(ShipConfig, __doc__).parse_args(argv)))
    judge = read_config(config.src).roles == [role.name for role in SCAN_ROLES]
    destination = config.dest or (SHIPPED_JUDGE_LINKS if judge else SHIPPED_LINKS)
    for path in ship(config.src, destination, config.anchor):
        print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"adapters: {ADAPTERS_DIR}/<role>/{{{', '.join(ADAPTER_FILES)}}}")


if __name__ == "__main__":
    main()
