"""Objectives and checkpoints: gradients reach only the links, the outer loss can overfit,
InnerLink regression learns, links round-trip through safetensors + JSON."""

import json

import pytest
import torch

from codepatch.latent.checkpoint import (
    LinksConfig,
    LinksMismatch,
    load_links,
    save_links,
)
from codepatch.latent.objectives import inner_link_loss, outer_link_loss
from tests.latent_support import QUESTIONS, tiny_examples, tiny_system

torch.set_num_threads(1)


def link_parameters(system, inner: bool):
    outer = list(system.outer_links.parameters())
    return outer + list(system.inner_links.parameters()) if inner else outer


def test_outer_loss_gradients_reach_the_links_and_no_frozen_weight():
    system = tiny_system()
    system.inner_links.requires_grad_(False)
    loss = outer_link_loss(system, tiny_examples(2), rounds=2, latent_steps=4)
    loss.backward()
    for name, link in system.outer_links.items():
        assert all(p.grad is not None for p in link.parameters()), name
        # proj2 starts at zero (the link starts as its least-squares residual map), so proj1's
        # first gradient is zero; proj2's and the residual's are not
        assert link.proj2.weight.grad.abs().sum() > 0, name
        assert link.residual_proj.weight.grad.abs().sum() > 0, name
    for agent in system.agents:
        assert all(p.grad is None for p in agent.model.parameters())
        assert all(p.grad is None for p in agent.inner_link.parameters())


def test_overfitting_eight_examples_lowers_the_outer_loss():
    system = tiny_system(init_std=0.2)
    system.inner_links.requires_grad_(False)
    examples = tiny_examples(8)
    optimizer = torch.optim.AdamW(system.outer_links.parameters(), lr=1e-2)
    losses = []
    for _ in range(25):
        loss = outer_link_loss(system, examples, rounds=1, latent_steps=4)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0], losses


def test_inner_link_regression_learns():
    system = tiny_system()
    agent = system.agents[1]
    examples = tiny_examples(8)
    questions = [e.question for e in examples]
    targets = [e.targets[1] for e in examples]
    optimizer = torch.optim.AdamW(agent.inner_link.parameters(), lr=3e-3)
    losses = []
    for _ in range(30):
        loss = inner_link_loss(agent, questions, [None] * 8, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0], losses
    assert all(p.grad is None for p in agent.model.parameters())


def test_links_round_trip_through_safetensors_and_json(tmp_path):
    system = tiny_system()
    with torch.no_grad():
        for parameter in system.parameters():
            parameter.add_(0.01 * torch.randn_like(parameter))
    roles = [a.role.name for a in system.agents]
    dims = [a.dim for a in system.agents]
    config = LinksConfig(roles=roles, dims=dims, edges=list(system.outer_links), latent_steps=4, anchor=0.25)
    save_links(tmp_path, config, [a.inner_link for a in system.agents], dict(system.outer_links))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["links.json", "links.safetensors"]
    assert json.loads((tmp_path / "links.json").read_text())["dims"] == [32, 48, 40]

    loaded, inner, outer = load_links(tmp_path, roles, dims)
    assert loaded == config
    for original, restored in zip(system.agents, inner):
        for (name, a), b in zip(original.inner_link.state_dict().items(), restored.state_dict().values()):
            assert torch.equal(a, b), name
    states = torch.randn(2, 3, 32)
    assert torch.equal(outer["0_to_1"](states), system.outer_links["0_to_1"](states))

    before = system.run(QUESTIONS, mode="latent", rounds=2, latent_steps=3, answer_tokens=4).answers
    for agent, link in zip(system.agents, inner):
        agent.inner_link = link
    system.outer_links.update(outer)
    assert system.run(QUESTIONS, mode="latent", rounds=2, latent_steps=3, answer_tokens=4).answers == before


def test_an_anchor_outside_0_to_1_is_a_clear_error():
    with pytest.raises(ValueError, match="anchor must be between 0 and 1"):
        LinksConfig(roles=["planner"], dims=[32], edges=[], anchor=1.5)


def test_links_for_other_hidden_sizes_are_a_clear_error(tmp_path):
    system = tiny_system()
    roles = [a.role.name for a in system.agents]
    config = LinksConfig(roles=roles, dims=[32, 48, 40], edges=list(system.outer_links))
    save_links(tmp_path, config, [a.inner_link for a in system.agents], dict(system.outer_links))
    with pytest.raises(LinksMismatch, match=r"hidden sizes \[32, 48, 40\].*\[576, 576, 576\]"):
        load_links(tmp_path, roles, [576, 576, 576])
