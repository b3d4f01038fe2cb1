"""The security roles: the Scanner reads the case, the Critic judges the Scanner's reading
against the code, the Patcher writes the verdict (codepatch.agents.verdict). Each writes the same
short verdict as its target, so each round can correct the one before."""

from __future__ import annotations

from codepatch.latent.roles import Role

SCANNER = Role(
    name="scanner",
    instruction="You are the Scanner. Read the code on the path from the input to the sink and say whether "
                "untrusted input can reach the sink unchecked (Verdict: real | reason, or Verdict: not real | reason).",
    slot_label="Notes from the previous round",
)
CRITIC = Role(
    name="critic",
    instruction="You are the Critic. Check the Scanner's verdict against the code: a helper that only looks like "
                "a check does not sanitise. Write the verdict again, corrected where it is wrong.",
    slot_label="Scanner's verdict",
)
PATCHER = Role(
    name="patcher",
    instruction="You are the Patcher. Use the checked verdict and reply with the final verdict only.",
    slot_label="Checked verdict",
)
SCAN_ROLES: tuple[Role, ...] = (SCANNER, CRITIC, PATCHER)
