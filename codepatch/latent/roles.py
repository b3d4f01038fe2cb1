"""Roles and their prompts. A role's user message may hold one slot, where the previous agent's
message goes: latent vectors in latent mode, decoded text in text mode."""

from __future__ import annotations

from dataclasses import dataclass

SLOT = "[[SLOT]]"
# Most latent steps per turn: a cap, since a message ends at its stop. Every role writes the same
# short program (`Program: (26-2)/4`); the longest training target is 17 tokens with its stop.
LATENT_STEPS = 24


@dataclass(frozen=True)
class Role:
    name: str
    instruction: str  # the system message
    slot_label: str  # introduces the incoming message in the user turn


# The roles translate; the evaluator computes (codepatch.latent.program). Each writes a program over
# the question's numbers, or a short answer when the question is not arithmetic.
PLANNER = Role(
    name="planner",
    instruction="You are the Planner. Turn the question into an arithmetic program over its numbers "
                "(Program: ...), or answer it if it is not arithmetic (Answer: ...).",
    slot_label="Notes from the previous round",
)
CRITIC = Role(
    name="critic",
    instruction="You are the Critic. Check the program against the question and write it again, corrected where it is wrong.",
    slot_label="Program",
)
SOLVER = Role(
    name="solver",
    instruction="You are the Solver. Use the checked program and reply with the final program or answer only.",
    slot_label="Checked program",
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
