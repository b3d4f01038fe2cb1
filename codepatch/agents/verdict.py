"""What the last agent decodes, `Verdict: not real | allow-list`, and how it is read back.

A verdict names whether the finding is a real flaw and one reason from a closed list, so that a
model's text can be checked, counted and shown; anything else reads as no verdict.
"""

from __future__ import annotations

import re

from codepatch.types import Verdict

# Why a finding is not a flaw: the helper on its path really sanitises for this sink, or the
# value cannot be an attacker's, or the weak primitive protects nothing.
SAFE_REASONS = {
    "allow-list": "only values from a fixed list get through",
    "host-check": "the URL's host is checked before it is used",
    "path-check": "the resolved path is checked to stay inside its folder",
    "type-cast": "the value is converted to a number or another non-text type",
    "escaped": "the value is escaped or quoted for this sink",
    "pattern-check": "the whole value must match a strict pattern",
    "constant": "the value is fixed by the program, not supplied by a user",
    "not-security": "the primitive protects nothing (a cache key, a checksum, a display choice)",
}
# Why it is: nothing checks the value, or what checks it only looks like a sanitiser.
REAL_REASONS = {
    "no-check": "nothing on the path checks the value",
    "look-alike": "the helper changes the value (strip, lower, one replace) but lets an attack through",
    "check-ignored": "the helper checks the value but its result does not stop it",
    "partial-check": "the check accepts values it should not (a prefix, an unanchored search)",
    "security-use": "the primitive protects a secret, a session or a password",
}
REASONS = SAFE_REASONS | REAL_REASONS
REAL, NOT_REAL = "real", "not real"
_VERDICT = re.compile(r"Verdict:\s*(not real|real)\b(?:[^|\n]*\|\s*([a-z-]+))?", re.IGNORECASE)
NO_REASON = "no reason given"


def verdict_target(real: bool, reason: str) -> str:
    """The text a role writes for a case: what the roles train on and what `read_verdict` reads."""
    if reason not in (REAL_REASONS if real else SAFE_REASONS):
        raise ValueError(f"{reason!r} is no reason for a {'real' if real else 'not real'} finding")
    return f"Verdict: {REAL if real else NOT_REAL} | {reason}"


def read_verdict(text: str) -> Verdict | None:
    """The last verdict in `text`, or None when there is none. A `real` whose reason is garbled or
    missing still counts (it lowers nothing, and its reason reads NO_REASON); a `not real` must
    name a sanitiser's reason, since it may lower a finding."""
    found = list(_VERDICT.finditer(text))
    if not found:
        return None
    label, reason = found[-1].group(1).lower(), (found[-1].group(2) or "").lower()
    real = label == REAL
    if reason not in (REAL_REASONS if real else SAFE_REASONS):
        return Verdict(real=True, reason=NO_REASON) if real else None
    return Verdict(real=real, reason=reason)
