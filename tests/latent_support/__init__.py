"""Tiny heterogeneous systems for the latent tests: random models, a local tokenizer, no hub."""

from __future__ import annotations

import torch

from codepatch.latent.agent import Agent
from codepatch.latent.build import assemble, fresh_inner_link
from codepatch.latent.objectives import Example
from codepatch.latent.roles import MATH_ROLES
from codepatch.latent.system import RecursiveSystem
from codepatch.latent.tiny import tiny_model, tiny_tokenizer

HETEROGENEOUS = (("llama", 32), ("qwen2", 48), ("llama", 40))

QUESTIONS = ["What is 2 + 3?", "Tom has 3 apples, buys 5 more and gives away 2. How many apples does he have?"]


def tiny_system(layout=HETEROGENEOUS, seed: int = 0, init_std: float = 0.02) -> RecursiveSystem:
    torch.manual_seed(seed)
    tokenizer = tiny_tokenizer()
    agents = []
    for index, (role, (family, dim)) in enumerate(zip(MATH_ROLES, layout)):
        model = tiny_model(tokenizer, hidden_size=dim, family=family, seed=seed + index, init_std=init_std)
        for parameter in model.parameters():
            parameter.requires_grad_(False)
        agents.append(Agent(role, model, tokenizer, fresh_inner_link(model)))
    return assemble(agents)


def tiny_examples(count: int = 8) -> list[Example]:
    examples = []
    for i in range(count):
        a, b = i + 2, 2 * i + 1
        examples.append(Example(
            question=f"Tom has {a} apples and buys {b} more. How many apples does he have?",
            targets=[f"Program: {a}+{b}"] * 3,
            answer=str(a + b),
        ))
    return examples
