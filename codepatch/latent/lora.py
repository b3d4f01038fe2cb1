"""Role LoRA adapters on one shared base model, applied without peft at run time.

The adapters are trained and saved by peft (training/lora.py): `adapters/<role>/adapter_config.json`
and `adapter_model.safetensors`. A vanilla LoRA adapter adds `B(A(x)) * scale` to a few linear
layers. `RoleLinear` keeps every role's A and B beside the shared base layer and applies the
selected role's with the same operations, in the same order, as peft's LoRA layer, so the outputs
are the same; but loading skips peft's import and wrapping, switching roles sets one attribute
per adapted layer (peft walks every module), and a forward pass skips peft's per-layer bookkeeping.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

KEY_PREFIX = "base_model.model."
A_SUFFIX, B_SUFFIX = ".lora_A.weight", ".lora_B.weight"
UNSUPPORTED = ("use_dora", "modules_to_save", "rank_pattern", "alpha_pattern", "layer_replication")


class UnsupportedAdapter(ValueError):
    """An adapter that is not plain LoRA on linear layers (DoRA, saved modules, per-layer ranks...)."""


class RoleLinear(nn.Module):
    """A frozen linear layer plus one low-rank update per role; `role` selects one (None: none)."""

    def __init__(self, base: nn.Linear) -> None:
        super().__init__()
        self.base = base
        self.updates: dict[str, tuple[torch.Tensor, torch.Tensor, float]] = {}  # role -> (A, B, scale)
        self.role: str | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        result = self.base(x)
        update = self.updates.get(self.role)
        if update is None:
            return result
        a, b, scale = update
        return result + F.linear(F.linear(x, a), b) * scale


class RoleAdapters:
    """The adapted layers of one model by module path; `use(role)` selects that role's adapter everywhere."""

    def __init__(self, layers: dict[str, RoleLinear]) -> None:
        self.layers = layers

    def use(self, role: str | None) -> None:
        for layer in self.layers.values():
            layer.role = role

    def trainable(self, role: str) -> dict[str, torch.Tensor]:
        """`role`'s A and B matrices under peft's key names, swapped for copies that take gradients
        (the base model and every other role stay frozen): for continuing one role's training on
        what the other roles, as loaded, send it (training.reader)."""
        weights = {}
        for path, layer in self.layers.items():
            a, b, scale = layer.updates[role]
            a, b = a.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
            layer.updates[role] = (a, b, scale)
            weights[KEY_PREFIX + path + A_SUFFIX], weights[KEY_PREFIX + path + B_SUFFIX] = a, b
        return weights


def save_role_adapter(weights: dict[str, torch.Tensor], config_from: Path, folder: Path) -> None:
    """Write `weights` (from `RoleAdapters.trainable`) as a peft adapter folder, with the adapter
    config of `config_from` (the folder they were loaded from)."""
    folder.mkdir(parents=True, exist_ok=True)
    save_file({key: value.detach().float().contiguous().cpu() for key, value in weights.items()},
              str(folder / "adapter_model.safetensors"))
    (folder / "adapter_config.json").write_text((config_from / "adapter_config.json").read_text())


def adapter_scale(config: dict, folder: Path) -> float:
    """peft's scaling, alpha / r (alpha / sqrt(r) with rsLoRA), after refusing what is not plain LoRA."""
    unsupported = [key for key in UNSUPPORTED if config.get(key)]
    if config.get("peft_type", "LORA") != "LORA" or config.get("bias", "none") != "none" or unsupported:
        raise UnsupportedAdapter(f"{folder}: only plain LoRA adapters are supported (found {unsupported or config.get('peft_type')})")
    rank = config["r"]
    return config["lora_alpha"] / (math.sqrt(rank) if config.get("use_rslora") else rank)


def attach_role_adapters(model: nn.Module, folders: dict[str, Path]) -> RoleAdapters:
    """Load each role's adapter from its folder into `model` (replacing the adapted nn.Linear
    layers by RoleLinear in place); the model answers with no adapter until `use(role)`."""
    layers: dict[str, RoleLinear] = {}
    weight = model.get_input_embeddings().weight
    for role, folder in folders.items():
        scale = adapter_scale(json.loads((folder / "adapter_config.json").read_text()), folder)
        tensors = load_file(str(folder / "adapter_model.safetensors"))
        for key in tensors:
            if not key.endswith((A_SUFFIX, B_SUFFIX)):
                raise UnsupportedAdapter(f"{folder}: unexpected adapter tensor {key}")
            if key.endswith(A_SUFFIX):
                path = key[len(KEY_PREFIX):-len(A_SUFFIX)]
                layer = layers.get(path) or _role_linear(model, path)
                layers[path] = layer
                a, b = tensors[key], tensors[key[:-len(A_SUFFIX)] + B_SUFFIX]
                layer.updates[role] = (a.to(weight.device, weight.dtype), b.to(weight.device, weight.dtype), scale)
    adapters = RoleAdapters(layers)
    model.role_adapters = adapters
    return adapters


def _role_linear(model: nn.Module, path: str) -> RoleLinear:
    parent_path, _, name = path.rpartition(".")
    parent = model.get_submodule(parent_path)
    base = getattr(parent, name)
    if not isinstance(base, nn.Linear):
        raise UnsupportedAdapter(f"adapter targets {path}, which is not a linear layer")
    layer = RoleLinear(base)
    setattr(parent, name, layer)
    return layer
