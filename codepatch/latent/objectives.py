"""Training objectives on teacher-forced role targets.

For one agent, a row is `[prompt; target tokens]`. The hidden state at the position before
target token t predicts it (cross-entropy through the LM head, or InnerLink regression onto its
embedding), and the states that predict the target tokens stand in for the latent rollout H.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from codepatch.latent.agent import Agent, SlotContent
from codepatch.latent.sequences import left_pad
from codepatch.latent.system import RecursiveSystem


@dataclass
class Example:
    question: str
    targets: list[str]  # one role target per agent; the last one is the answer text
    answer: str  # the exact expected answer


@dataclass
class TeacherForced:
    hidden: torch.Tensor  # (B, T, d)
    starts: list[int]  # per row, index of the first target token
    target_ids: list[torch.Tensor]  # per row, (k_i,) target tokens ending with the stop token

    def predicting(self, row: int) -> torch.Tensor:
        """States that predict row `row`'s target tokens, (k_i, d)."""
        start, k = self.starts[row], len(self.target_ids[row])
        return self.hidden[row, start - 1 : start - 1 + k]



def target_ids(agent: Agent, text: str) -> torch.Tensor:
    ids = agent.tokenizer(text, add_special_tokens=False).input_ids
    stop = agent.tokenizer.convert_tokens_to_ids("<|im_end|>")
    return torch.tensor(ids + [stop], device=agent.device)


def teacher_force(agent: Agent, questions: list[str], slots: list[SlotContent], targets: list[str]) -> TeacherForced:
    prompts = agent.prompt_rows(questions, slots)
    ids = [target_ids(agent, text) for text in targets]
    embed = agent.model.get_input_embeddings()
    rows = [torch.cat([prompt, embed(tokens)], dim=0) for prompt, tokens in zip(prompts, ids)]
    batch = left_pad(rows)
    hidden, _ = agent.forward(batch, use_cache=False)
    longest = batch.embeds.shape[1]
    starts = [longest - len(tokens) for tokens in ids]
    return TeacherForced(hidden=hidden, starts=starts, target_ids=ids)


@torch.no_grad()
def inner_link_pairs(agent: Agent, questions: list[str], slots: list[SlotContent], targets: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """(h_t, embed(y_{t+1})) over every target token: states (N, d) and goal embeddings (N, d)."""
    forced = teacher_force(agent, questions, slots, targets)
    embed = agent.model.get_input_embeddings()
    goals = torch.cat([embed(tokens) for tokens in forced.target_ids]).float()
    states = torch.cat([forced.predicting(row) for row in range(len(targets))])
    return states, goals


def inner_regression_loss(link, states: torch.Tensor, goals: torch.Tensor) -> torch.Tensor:
    """`1 - cos(InnerLink(h_t), embed(y_{t+1})) + 0.1 * MSE`, averaged over the pairs."""
    predicted = link(states).float()
    cosine = F.cosine_similarity(predicted, goals, dim=-1).mean()
    return 1 - cosine + 0.1 * F.mse_loss(predicted, goals)


def inner_link_loss(agent: Agent, questions: list[str], slots: list[SlotContent], targets: list[str]) -> torch.Tensor:
    return inner_regression_loss(agent.inner_link, *inner_link_pairs(agent, questions, slots, targets))


def answer_loss(agent: Agent, questions: list[str], slots: list[SlotContent], answers: list[str]) -> torch.Tensor:
    """Cross-entropy of the agent's answer tokens given its prompt (with slots)."""
    forced = teacher_force(agent, questions, slots, answers)
    head = agent.model.get_output_embeddings()
    logits = torch.cat([head(forced.predicting(row)) for row in range(len(answers))]).float()  # (N, V)
    return F.cross_entropy(logits, torch.cat(forced.target_ids))


def outer_link_loss(system: RecursiveSystem, examples: list[Example], rounds: int, latent_steps: int) -> torch.Tensor:
    """Cross-entropy on the last agent's answer after `rounds` rounds, every hop sending
    OuterLink(InnerLink(H)) with H the teacher-forced states that predict the target's tokens (its
    stop token included), truncated to `latent_steps`: what a rollout ending at its stop gives."""
    questions = [example.question for example in examples]
    slots: list[SlotContent] = [None] * len(examples)
    agents = system.agents
    for round_index in range(rounds):
        for index, agent in enumerate(agents):
            targets = [example.targets[index] for example in examples]
            if round_index == rounds - 1 and index == len(agents) - 1:
                return answer_loss(agent, questions, slots, targets)
            forced = teacher_force(agent, questions, slots, targets)
            receiver = (index + 1) % len(agents)
            slots = [system.send(index, receiver, forced.predicting(row)[None, :latent_steps])[0]
                     for row in range(len(examples))]
    raise ValueError("rounds must be at least 1")
