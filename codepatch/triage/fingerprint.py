"""Fingerprints: one finding's identity across edits, for baselines and SARIF `partialFingerprints`.

The key is the rule, the sink file's path, the sink's code and each trace hop's code, the code
normalised to its tokens without comments or layout; no line numbers and no hop paths. So moving
code, adding a function above or reformatting keeps the fingerprint; editing the sink or a traced
line, or renaming the sink's file, makes a new one. Identical keys in one file are told apart by
their order (`<hash>:1`, `<hash>:2`): a second copy of an accepted finding is a new finding.
"""

from __future__ import annotations

import hashlib
import io
import tokenize
from dataclasses import replace

from codepatch.types import Finding

LAYOUT = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                    tokenize.ENDMARKER})


def normalise(code: str) -> str:
    """The code's tokens joined by one space, comments dropped; a fragment's tokens up to where it breaks."""
    words: list[str] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code.strip()).readline):
            if token.type not in LAYOUT:
                words.append(token.string)
    except (tokenize.TokenError, SyntaxError):
        pass  # an unclosed bracket or string at the end of a one-line excerpt
    return " ".join(words) or " ".join(code.split())


def sink_code(finding: Finding, file_lines: list[bytes]) -> str:
    """The sink's full source span (columns are 1-based byte offsets), or its excerpt when unknown."""
    lines = file_lines[finding.line - 1:finding.end_line]
    if not lines:
        return finding.code
    if len(lines) == 1:
        return lines[0][finding.column - 1:finding.end_column - 1].decode("utf-8", "replace")
    lines[0] = lines[0][finding.column - 1:]
    lines[-1] = lines[-1][:finding.end_column - 1]
    return b"\n".join(lines).decode("utf-8", "replace")


def key_of(finding: Finding, file_lines: list[bytes]) -> str:
    hops = "\0".join(normalise(hop.code) for hop in finding.trace)
    return f"{finding.rule_id}\0{finding.path}\0{normalise(sink_code(finding, file_lines))}\0{hops}"


def with_fingerprints(findings: tuple[Finding, ...], texts: dict[str, bytes]) -> tuple[Finding, ...]:
    """The findings (in report order) with `fingerprint` set: `<hash>:<occurrence of that hash>`."""
    seen: dict[str, int] = {}
    split: dict[str, list[bytes]] = {}
    out = []
    for finding in findings:
        if finding.path not in split:
            split[finding.path] = texts.get(finding.path, b"").split(b"\n")
        digest = hashlib.sha256(key_of(finding, split[finding.path]).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        out.append(replace(finding, fingerprint=f"{digest}:{seen[digest]}"))
    return tuple(out)
