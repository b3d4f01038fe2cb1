"""One pull request review from a JSON report's validated patches: a suggestion per line edit.

A suggestion replaces lines start..end of the head file, so it is placed only when the pull
request's diff shows every one of those lines, in one hunk, with the text the patch was made
from. A patch is suggested whole or not at all: half of a fix (a call without its new import)
would break the code. What cannot be placed is listed in the review body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codepatch.github.pull_diff import PullDiff

MARKER = "**codepatch**"


@dataclass(frozen=True)
class Suggestion:
    path: str
    start: int
    end: int
    body: str

    def as_comment(self) -> dict:
        comment: dict = {"path": self.path, "line": self.end, "side": "RIGHT", "body": self.body}
        if self.start < self.end:
            comment.update(start_line=self.start, start_side="RIGHT")
        return comment


@dataclass(frozen=True)
class Review:
    body: str
    suggestions: tuple[Suggestion, ...]

    def payload(self, commit_id: str) -> dict:
        return {"commit_id": commit_id, "event": "COMMENT", "body": self.body,
                "comments": [s.as_comment() for s in self.suggestions]}


def build_review(report: dict, diff: PullDiff) -> Review | None:
    """None when the report has no validated patch: nothing worth a review."""
    patches = report.get("patches", [])
    if not patches:
        return None
    suggestions: list[Suggestion] = []
    skipped: list[str] = []
    for patch in patches:
        placed, reason = _place(patch, diff)
        if reason:
            skipped.append(f"- {_fixes(patch)}: {reason}")
        suggestions.extend(placed)
    body = (f"{MARKER} validated {len(patches)} fix(es) for findings in this pull request; "
            f"{len(patches) - len(skipped)} suggested below.")
    if skipped:
        body += ("\n\nNot suggested (a suggestion can only replace lines shown in this diff); "
                 "apply them with `codepatch scan --fix`:\n" + "\n".join(skipped))
    return Review(body, tuple(suggestions))


def _place(patch: dict, diff: PullDiff) -> tuple[list[Suggestion], str]:
    edits = [(file["path"], edit) for file in patch["files"] for edit in file["edits"]]
    for path, edit in edits:
        shown = diff.head_text(path, edit["start"], edit["end"])
        where = f"`{path}` line {edit['start']}" + (f"-{edit['end']}" if edit["end"] > edit["start"] else "")
        if shown is None:
            return [], f"{where} not shown in this diff"
        if list(shown) != [line.rstrip("\r") for line in edit["original"].splitlines()]:
            return [], f"{where} differs from the pull request's head (was another commit scanned?)"
    header = _header(patch)
    suggestions = []
    for number, (path, edit) in enumerate(edits, 1):
        part = f" (part {number} of {len(edits)}: apply all parts together)" if len(edits) > 1 else ""
        body = f"{header}{part}\n\n{suggestion_block(edit['replacement'])}"
        suggestions.append(Suggestion(path, edit["start"], edit["end"], body))
    return suggestions, ""


def _header(patch: dict) -> str:
    checks = ", ".join(c["step"] + (" (skipped)" if c["skipped"] else "") for c in patch["checks"])
    return (f"{MARKER} validated fix for {_fixes(patch)} with `{', '.join(patch['strategies'])}`: passed {checks}; "
            + ("tested" if patch["tested"] else "untested"))


def _fixes(patch: dict) -> str:
    return ", ".join(f"`{f['rule_id']}` at `{f['path']}:{f['line']}`" for f in patch["findings"])


def suggestion_block(replacement: str) -> str:
    """A ```suggestion fence longer than any backtick run inside (an empty one deletes the lines)."""
    text = replacement.replace("\r\n", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}suggestion\n{text}{fence}"
