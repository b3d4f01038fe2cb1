"""Assemble a RecursiveSystem: load a local model, attach role adapters, and either load
trained links from a checkpoint or create fresh ones (OuterLinks start near a least-squares map)."""

from __future__ import annotations

from pathlib import Path

import torch

from codepatch.latent.agent import Agent
from codepatch.latent.checkpoint import (
    adapter_dir,
    check_compatible,
    load_links,
    read_config,
)
from codepatch.latent.links import InnerLink, OuterLink
from codepatch.latent.roles import MATH_ROLES, Role
from codepatch.latent.system import RecursiveSystem, chain_edges, edge_name

SHIPPED_LINKS = Path(__file__).parent / "checkpoints" / "smollm2-135m"  # codepatch reason's roles
SHIPPED_JUDGE_LINKS = Path(__file__).parent / "checkpoints" / "smollm2-135m-judge"  # codepatch scan --agents'


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def load_frozen_model(model_dir: Path, device: torch.device | None = None):
    """A local Hugging Face causal LM and its tokenizer, in eval mode with every weight frozen
    (float32 on CPU, bfloat16 on a GPU)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = device or default_device()
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=dtype).to(device)
    return freeze(model), tokenizer


def freeze(model):
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model


def embed_std(model) -> float:
    return model.get_input_embeddings().weight.float().std().item()


def fresh_inner_link(model) -> InnerLink:
    return InnerLink(model.config.hidden_size, embed_std(model)).to(model.get_input_embeddings().weight.device)


def fresh_outer_links(agents: list[Agent]) -> dict[str, OuterLink]:
    """One OuterLink per chain edge, its residual path fitted by ridge regression between the
    two agents' input embeddings of the tokens both vocabularies share."""
    links = {}
    for source, target in chain_edges(len(agents)):
        a, b = agents[source], agents[target]
        link = OuterLink(a.dim, b.dim, embed_std(b.model))
        x, y = paired_embeddings(a, b)
        link.init_residual_least_squares(x.cpu(), y.cpu())
        links[edge_name(source, target)] = link
    return links


def paired_embeddings(a: Agent, b: Agent) -> tuple[torch.Tensor, torch.Tensor]:
    vocab_a, vocab_b = a.tokenizer.get_vocab(), b.tokenizer.get_vocab()
    shared = sorted(set(vocab_a) & set(vocab_b))
    ids_a = torch.tensor([vocab_a[token] for token in shared], device=a.device)
    ids_b = torch.tensor([vocab_b[token] for token in shared], device=b.device)
    x = a.model.get_input_embeddings().weight[ids_a].detach().float()  # (N, d_a)
    y = b.model.get_input_embeddings().weight[ids_b].detach().float()  # (N, d_b)
    return x, y


def with_role_adapters(model, roles: tuple[Role, ...], adapters_from: Path):
    """`model` with one LoRA adapter per role (peft's saved layout, named after the role),
    applied by codepatch.latent.lora; an agent selects its role's before each forward pass."""
    from codepatch.latent.lora import attach_role_adapters

    attach_role_adapters(model, {role.name: adapter_dir(adapters_from, role.name) for role in roles})
    return model


def shared_base_agents(model, tokenizer, roles: tuple[Role, ...] = MATH_ROLES, adapters_from: Path | None = None) -> list[Agent]:
    """Roles on one base model; with `adapters_from`, each role gets its own LoRA adapter."""
    if adapters_from is not None:
        model = with_role_adapters(model, roles, adapters_from)
    adapter_names = [role.name if adapters_from is not None else None for role in roles]
    return [Agent(role, model, tokenizer, fresh_inner_link(model), adapter) for role, adapter in zip(roles, adapter_names)]


def assemble(agents: list[Agent], links_dir: Path | None = None) -> RecursiveSystem:
    """A system over `agents`, with the links from `links_dir` or fresh ones."""
    if links_dir is None:
        system = RecursiveSystem(agents, fresh_outer_links(agents))
    else:
        roles, dims = [a.role.name for a in agents], [a.dim for a in agents]
        config, inner, outer = load_links(links_dir, roles, dims)
        for agent, link in zip(agents, inner):
            agent.inner_link, agent.anchor = link, config.anchor
        system = RecursiveSystem(agents, outer)
    return system.to(agents[0].device)  # links stay float32 and cast their outputs


def load_system(model_dir: Path, links_dir: Path | None, roles: tuple[Role, ...] = MATH_ROLES) -> RecursiveSystem:
    """The default setup: one base model shared by all roles, adapters and links from `links_dir`."""
    model, tokenizer = load_frozen_model(model_dir)
    with_adapters = False
    if links_dir is not None:
        config = read_config(links_dir)
        check_compatible(config, [r.name for r in roles], [model.config.hidden_size] * len(roles), links_dir)
        with_adapters = config.adapters
    agents = shared_base_agents(model, tokenizer, roles, links_dir if with_adapters else None)
    return assemble(agents, links_dir)
