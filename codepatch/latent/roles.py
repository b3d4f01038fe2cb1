"""Roles and their prompts. A role's user message may hold one slot, where the previous agent's
message goes: latent vectors in latent mode, decoded text in text mode."""

from __future__ import annotations

from dataclasses import dataclass

SLOT = "[[SLOT]]"
LATENT_STEPS = 48  # most latent steps per turn: a cap, since a message ends at its stop; every math role's target fits in 42


@dataclass(frozen=True)
class Role:
    name: str
    instruction: str  # the system message
    slot_label: str  # introduces the incoming message in the user turn


PLANNER = Role(
    name="planner",
    instruction="You are the Planner. Read the question and write a short plan of the steps. Do not answer it.",
    slot_label="Notes from the previous round",
)
CRITIC = Role(
    name="critic",
    instruction="You are the Critic. Check the plan and rewrite it with every calculation worked out.",
    slot_label="Plan",
)
SOLVER = Role(
    name="solver",
    instruction="You are the Solver. Use the checked plan and reply with the final answer only.",
    slot_label="Checked plan",
)
MATH_ROLES: tuple[Role, ...] = (PLANNER, CRITIC, SOLVER)


def user_message(role: Role, question: str, with_slot: bool) -> str:
    message = f"Question: {question}"
    return f"{message}\n{role.slot_label}: {SLOT}" if with_slot else message


def render_prompt(tokenizer, role: Role, question: str, with_slot: bool) -> tuple[str, str]:
    """The chat-templated prompt split at the slot: (prefix, suffix); suffix is '' without a slot."""
    messages = [
        {"role": "system", "content": role.instruction},
        {"role": "user", "content": user_message(role, question, with_slot)},
    ]
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    if not with_slot:
        return text, ""
    prefix, suffix = text.split(SLOT)
    return prefix, suffix
