"""Save and load a system's links (one safetensors file plus a small JSON config) and its
role LoRA adapters (peft's own safetensors layout, one folder per role). Never pickle."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from codepatch.latent.links import InnerLink, OuterLink
from codepatch.latent.roles import LATENT_STEPS

CONFIG_FILE = "links.json"
WEIGHTS_FILE = "links.safetensors"
ADAPTERS_DIR = "adapters"
FORMAT_VERSION = 1


@dataclass
class LinksConfig:
    roles: list[str]
    dims: list[int]  # hidden size per agent
    edges: list[str]  # OuterLink names, "i_to_j"
    base_model: str = ""
    adapters: bool = False  # whether adapters/<role>/ folders exist
    rounds: int = 1  # what the links were trained for
    latent_steps: int = LATENT_STEPS
    anchor: float = 0.0  # each agent's weight of its expected next-token embedding in latent inputs (Agent.latent_input)
    format: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        checked_anchor(self.anchor)


def checked_anchor(anchor: float) -> float:
    """`anchor` if it is a weight (0 to 1); else a ValueError that says so."""
    if not 0 <= anchor <= 1:
        raise ValueError(f"anchor must be between 0 and 1, not {anchor}")
    return anchor


class LinksMismatch(ValueError):
    """The checkpoint was trained for models with other hidden sizes or other roles."""


def save_links(directory: Path, config: LinksConfig, inner: list[InnerLink], outer: dict[str, OuterLink],
               dtype: torch.dtype = torch.float32) -> None:
    """Write the links (stored as `dtype`; they always load back as float32) and their config."""
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {f"inner.{i}.{name}": t for i, link in enumerate(inner) for name, t in link.state_dict().items()}
    tensors |= {f"outer.{edge}.{name}": t for edge, link in outer.items() for name, t in link.state_dict().items()}
    save_file({k: v.detach().to(dtype).contiguous().cpu() for k, v in tensors.items()}, str(directory / WEIGHTS_FILE))
    (directory / CONFIG_FILE).write_text(json.dumps(asdict(config), indent=2) + "\n")


def read_config(directory: Path) -> LinksConfig:
    return LinksConfig(**json.loads((directory / CONFIG_FILE).read_text()))


def check_compatible(config: LinksConfig, roles: list[str], dims: list[int], where: Path) -> None:
    if config.roles != roles or config.dims != dims:
        raise LinksMismatch(
            f"links in {where} were trained for roles {config.roles} with hidden sizes {config.dims}, "
            f"but the models loaded have roles {roles} with hidden sizes {dims}; "
            "train links for this model (python -m training.inner / training.outer) or pass --links untrained"
        )


def load_links(directory: Path, roles: list[str], dims: list[int]) -> tuple[LinksConfig, list[InnerLink], dict[str, OuterLink]]:
    """Rebuild the links saved in `directory`; raises LinksMismatch if they do not fit the models."""
    config = read_config(directory)
    check_compatible(config, roles, dims, directory)
    tensors = load_file(str(directory / WEIGHTS_FILE))
    inner = [InnerLink(dim) for dim in config.dims]
    for i, link in enumerate(inner):
        link.load_state_dict(_with_prefix(tensors, f"inner.{i}."))
    outer = {}
    for edge in config.edges:
        source, target = (int(part) for part in edge.split("_to_"))
        outer[edge] = OuterLink(config.dims[source], config.dims[target])
        outer[edge].load_state_dict(_with_prefix(tensors, f"outer.{edge}."))
    return config, inner, outer


def adapter_dir(directory: Path, role: str) -> Path:
    return directory / ADAPTERS_DIR / role


def _with_prefix(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    return {key[len(prefix):]: value for key, value in tensors.items() if key.startswith(prefix)}
