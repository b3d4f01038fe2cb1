"""The recursive loop over agents and rounds, in latent or text mode, with its accounting.

Round r runs agent 1 -> 2 -> ... -> n. Between rounds the last agent's message goes back to
agent 1 over the feedback edge. Only the last agent of the final round decodes the answer in
latent mode; in text mode every agent decodes every round and its text fills the next slot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
from torch import nn

from codepatch.latent.agent import Agent, PrefixCache, SlotContent
from codepatch.latent.links import OuterLink
from codepatch.latent.roles import LATENT_STEPS

MODES = ("latent", "text")


def edge_name(source: int, target: int) -> str:
    return f"{source}_to_{target}"


def chain_edges(agent_count: int) -> list[tuple[int, int]]:
    """1->2, ..., (n-1)->n and the feedback edge n->1 (0-based indices)."""
    return [(i, i + 1) for i in range(agent_count - 1)] + [(agent_count - 1, 0)]


@dataclass
class Step:
    """One agent's turn in one round, for every question of the batch."""

    round: int
    agent: int
    role: str
    decoded_tokens: list[int]  # per question
    latent_steps: int  # latent states the turn computed (at most the run's latent_steps)
    seconds: float


@dataclass
class RunResult:
    mode: str
    rounds: int
    latent_steps: int
    answers: list[str]  # per question, the last agent's final text
    answer_tokens: list[list[int]] = field(default_factory=list)  # per question, the tokens of that text
    answer_probabilities: list[list[float]] = field(default_factory=list)  # per question, each one's probability
    steps: list[Step] = field(default_factory=list)
    seconds: float = 0.0

    def decoded_tokens(self, question: int) -> int:
        return sum(step.decoded_tokens[question] for step in self.steps)


class RecursiveSystem(nn.Module):
    """Agents in a chain plus one OuterLink per directed edge; the trainable parts are the links."""

    def __init__(self, agents: list[Agent], outer_links: dict[str, OuterLink]) -> None:
        super().__init__()
        self.agents = agents
        self.inner_links = nn.ModuleList(agent.inner_link for agent in agents)
        self.outer_links = nn.ModuleDict(outer_links)

    def send(self, source: int, target: int, states: torch.Tensor, inputs: torch.Tensor | None = None) -> torch.Tensor:
        """OuterLink(InnerLink(H)): agent `source`'s states (B, m, d_s) into agent `target`'s embeddings.
        InnerLink(H) is the source's `latent_input`, anchored as its own rollout's inputs are;
        `inputs`: those latent inputs when the rollout has them already (Thoughts.inputs)."""
        inner = self.agents[source].latent_input(states) if inputs is None else inputs
        return self.outer_links[edge_name(source, target)](inner, out_dtype=self.agents[target].embed_dtype)

    @torch.no_grad()
    def run(self, questions: list[str], mode: str = "latent", rounds: int = 1,
            latent_steps: int = LATENT_STEPS, max_new_tokens: int = 64, answer_tokens: int = 24,
            reuse_prefixes: bool = True, end_at_stop: bool = True) -> RunResult:
        """Answer a batch of questions; `max_new_tokens` bounds each intermediate text turn,
        `answer_tokens` the last agent's final answer. With `reuse_prefixes`, each role's prompt
        before its slot is run through the model once per run, not once per round. With
        `end_at_stop`, a latent message ends where its agent would stop (see Agent.rollout), as a
        text message does; `latent_steps` is then the most steps a turn may take."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        result = RunResult(mode=mode, rounds=rounds, latent_steps=latent_steps if mode == "latent" else 0, answers=[])
        started = time.perf_counter()
        slots: list[SlotContent] = [None] * len(questions)
        prefixes: PrefixCache | None = {} if reuse_prefixes else None
        for round_index in range(rounds):
            for agent_index, agent in enumerate(self.agents):
                final = round_index == rounds - 1 and agent_index == len(self.agents) - 1
                step_started = time.perf_counter()
                slots, tokens, thought_steps = self.turn(
                    agent_index, questions, slots, mode, final, latent_steps,
                    answer_tokens if final else max_new_tokens, prefixes, end_at_stop,
                    result.answer_probabilities if final else None)
                if final:
                    result.answer_tokens = tokens
                result.steps.append(Step(
                    round=round_index + 1, agent=agent_index, role=agent.role.name,
                    decoded_tokens=[len(row) for row in tokens],
                    latent_steps=thought_steps,
                    seconds=time.perf_counter() - step_started,
                ))
        result.answers = list(slots)
        result.seconds = time.perf_counter() - started
        return result

    @torch.no_grad()
    def turn(self, agent_index: int, questions: list[str], slots: list[SlotContent], mode: str, final: bool,
             latent_steps: int, max_new_tokens: int, prefixes: PrefixCache | None = None,
             end_at_stop: bool = True, probabilities: list[list[float]] | None = None,
             ) -> tuple[list[SlotContent], list[list[int]], int]:
        """Agent `agent_index` reads `slots` and writes its message for the next agent: in latent mode
        (unless `final`) its rollout sent over the OuterLink, else the text it decodes. Returns the
        messages, the tokens decoded per question and the latent states computed. `probabilities`:
        filled as Agent.decode fills it, when the turn decodes."""
        agent = self.agents[agent_index]
        prompt = agent.prompt(questions, slots, prefixes)
        if mode == "latent" and not final:
            thoughts = agent.rollout(prompt, latent_steps, end_at_stop)
            target = (agent_index + 1) % len(self.agents)
            sent = thoughts.messages(self.send(agent_index, target, thoughts.states, thoughts.inputs))
            return sent, [[] for _ in questions], thoughts.states.shape[1]
        tokens = agent.decode(prompt, max_new_tokens, probabilities)
        return [agent.text_of(row) for row in tokens], tokens, 0
