"""Cache files carry the SHA-256 of their content on a first line of their own: a file that was
edited, truncated or corrupted no longer matches and is read as missing, so the scan analyses
again instead of trusting it. (A checksum is no signature: the cache folder is as trusted as the
user's own files, but a stray edit must never make findings vanish.)"""

from __future__ import annotations

import hashlib


def seal(text: str) -> str:
    return f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}\n{text}"


def unseal(sealed: str) -> str | None:
    """The content of a sealed text, or None when the checksum does not match."""
    digest, newline, text = sealed.partition("\n")
    if not newline or hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
        return None
    return text
