"""Train each role's InnerLink, models and adapters frozen: `python -m training.inner --out DIR`.

The link learns to map the agent's last-layer state h_t onto the input embedding of the token
that follows (teacher-forced role targets), so that latent rollouts stay on the embedding
manifold. Hidden states are collected once, then the link trains on them for several epochs.
Writes OUT/links.json + OUT/links.safetensors, the OuterLinks fitted as a near-lossless start
(see fit_outer_links).
Under `torchrun`/`accelerate launch` the processes share out the collecting forward passes and
each then trains the (small) links on all the pairs alike, so the result is one process's.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from accelerate import Accelerator
from torch import nn

from codepatch.latent.agent import Agent
from codepatch.latent.build import assemble, load_frozen_model, shared_base_agents
from codepatch.latent.checkpoint import LinksConfig, save_links
from codepatch.latent.objectives import inner_link_pairs, inner_regression_loss
from codepatch.latent.system import chain_edges, edge_name
from training.common import anchor_weight, load_examples, parser_for
from training.distributed import finish_run, gather_pairs, say, set_up_run, shard
from training.lora import role_inputs
from training.workloads import workload_of


@dataclass
class InnerConfig:
    out: Path = field(default=Path("runs/links"), metadata={"help": "checkpoint directory (with adapters/ from training.lora)"})
    data: Path = field(default=Path("runs/data"), metadata={"help": "directory written by `python -m training.data`"})
    model: Path | None = field(
        default=None, metadata={"help": "base model directory (default: the converted SmolLM2-135M-Instruct)"})
    examples: int = field(
        default=96, metadata={"help": "training problems whose target tokens give the (state h_t, next-token embedding) pairs"})
    batch: int = field(default=8, metadata={"help": "problems per forward pass while collecting pairs"})
    epochs: int = field(default=300, metadata={"help": "full-batch passes of link training over the collected pairs"})
    lr: float = field(default=1e-3, metadata={"help": "AdamW learning rate"})
    anchor: float = field(default=0.0, metadata={
        "type": anchor_weight,
        "help": "weight (0-1) of each agent's expected next-token embedding in its latent inputs (Agent.latent_input); "
                "the OuterLinks are fitted on inputs anchored so, and it is saved with the links"})
    threads: int = field(default=1, metadata={"help": "CPU threads (0: torch default)"})
    seed: int = field(default=0, metadata={"help": "random seed"})
    smoke: bool = field(default=False, metadata={"help": "tiny random model and a few epochs (seconds), for tests"})


def collect_pairs(agent: Agent, role_index: int, examples, batch: int, seed: int,
                  accelerator: Accelerator, slip) -> tuple[torch.Tensor, torch.Tensor]:
    rng = random.Random(seed)
    chunks = []  # every process draws every chunk's slots, and runs the forward pass of its share
    for start in range(0, len(examples), batch):
        chunk = examples[start : start + batch]
        chunks.append(([e.question for e in chunk], *role_inputs(chunk, role_index, rng, slip)))
    numbered = [(number, *inner_link_pairs(agent, *chunk)) for number, chunk in shard(accelerator, list(enumerate(chunks)))]
    return gather_pairs(accelerator, numbered)  # (N, d), (N, d)


def train_link(link: nn.Module, name: str, states: torch.Tensor, goals: torch.Tensor, config: InnerConfig,
               accelerator: Accelerator) -> float:
    """Fit `link(states)` to `goals` (full batch), a tenth of the pairs held out; returns the held-out loss."""
    held_out = max(1, len(states) // 10)
    optimizer = torch.optim.AdamW(link.parameters(), lr=config.lr)
    for epoch in range(config.epochs):
        loss = inner_regression_loss(link, states[held_out:], goals[held_out:])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if (epoch + 1) % max(1, config.epochs // 5) == 0:
            with torch.no_grad():
                validation = inner_regression_loss(link, states[:held_out], goals[:held_out]).item()
            say(accelerator, f"{name} epoch {epoch + 1}/{config.epochs} "
                             f"train {loss.item():.4f} held-out {validation:.4f}")
    return validation


def fit_outer_links(system, pairs: list[tuple[torch.Tensor, torch.Tensor]], config: InnerConfig, accelerator: Accelerator) -> None:
    """Start each OuterLink i->j as a near-lossless hand-off: fitted (ridge regression, then the same
    regression loss as the InnerLinks) from agent i's latent inputs to the embeddings of the
    tokens they stand for. With one shared base those embeddings are the receiver's own input
    embeddings, i.e. what it reads in text mode, so a latent message starts out reading like the
    text it replaces; outer training then optimises the answer. Agents on different models keep
    the vocabulary-level least-squares start."""
    shared = len({id(agent.model.get_input_embeddings()) for agent in system.agents}) == 1
    if not shared:
        return
    for source, target in chain_edges(len(system.agents)):
        states, goals = pairs[source]
        with torch.no_grad():
            sent = system.agents[source].latent_input(states).float()
        link = system.outer_links[edge_name(source, target)]
        link.init_residual_least_squares(sent, goals)
        train_link(link, f"outer {edge_name(source, target)}", sent, goals, config, accelerator)


def main(argv: list[str] | None = None) -> None:
    config = InnerConfig(**vars(parser_for(InnerConfig, __doc__).parse_args(argv)))
    if config.smoke:
        config.examples, config.epochs = 8, 10
    accelerator, model_dir = set_up_run(config)
    with_adapters = (config.out / "adapters").is_dir()
    model, tokenizer = load_frozen_model(model_dir)
    chosen = workload_of(config.data)
    agents = shared_base_agents(model, tokenizer, chosen.roles, config.out if with_adapters else None)
    examples = load_examples(config.data, "train", limit=config.examples, smoke=config.smoke)
    started = time.perf_counter()
    pairs = []
    for role_index, agent in enumerate(agents):
        states, goals = collect_pairs(agent, role_index, examples, config.batch, config.seed, accelerator, chosen.slip)
        say(accelerator, f"inner {agent.role.name}: {len(states)} pairs ({time.perf_counter() - started:.0f}s)")
        train_link(agent.inner_link, f"inner {agent.role.name}", states, goals, config, accelerator)
        pairs.append((states, goals))
        agent.anchor = config.anchor
    system = assemble(agents)
    fit_outer_links(system, pairs, config, accelerator)
    links = LinksConfig(roles=[a.role.name for a in agents], dims=[a.dim for a in agents],
                        edges=list(system.outer_links), base_model=model_dir.name, adapters=with_adapters,
                        anchor=config.anchor)
    if accelerator.is_main_process:
        save_links(config.out, links, [a.inner_link for a in agents], dict(system.outer_links))
    accelerator.wait_for_everyone()  # no process moves on before the checkpoint is whole
    say(accelerator, f"saved links to {config.out}")
    finish_run(accelerator)


if __name__ == "__main__":
    main()
