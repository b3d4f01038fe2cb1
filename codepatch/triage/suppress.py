"""Inline suppressions: `# codepatch: ignore[...]`, and the comments of Bandit, Ruff and Semgrep.

A marker in any real comment (a tree-sitter `comment` node, never text in a string) on any line of
the sink's statement covers the findings of that statement; for a sink in the header of a compound
statement (`if`, `with`, `def` ...) the header's lines count. Foreign markers map to our rules:
`# nosec B602` and `# noqa: S602` through the rule's `bandit`, `ruff` and `aliases` numbers (S602 is
B602); `# nosemgrep: a.b.rule-id` through the last dotted part of the id against the rule id and its
Semgrep aliases. A bare `# nosec`, `# nosemgrep` or `# codepatch: ignore` covers every rule; a bare
`# noqa` is Ruff's catch-all for style and covers no security finding.

Our own marker has one grammar, because a loose one hides every rule: it must start a comment
segment (the text after a `#`) and read `codepatch: ignore` or `codepatch: ignore[ID, ...]`, with
nothing after it but whitespace or another `#` segment (a reason). A segment that starts like ours
but does not parse suppresses nothing and is reported, as is an id that names no rule. Foreign
markers are matched as loosely as their own tools match them.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import tree_sitter

from codepatch.files.parse import PY_LANGUAGE, new_parser
from codepatch.ruleset.model import Rule
from codepatch.triage.statements import statement_lines
from codepatch.types import Finding

# Cheap tests on a file's bytes before parsing it for comments (plain substring searches are
# ten times faster than a regex): markers are recognised in lower or upper case.
OWN_WORDS = (b"codepatch", b"CODEPATCH")
ANY_WORDS = (*OWN_WORDS, b"nosec", b"NOSEC", b"noqa", b"NOQA", b"nosemgrep", b"NOSEMGREP")
RULE_ID = r"[a-z0-9][a-z0-9-]*"
OWN_MARKER = re.compile(rf"codepatch:\s*ignore(?:\[\s*({RULE_ID}(?:\s*,\s*{RULE_ID})*)\s*\])?\s*",
                        re.IGNORECASE | re.ASCII)
OWN_ATTEMPT = re.compile(r"codepatch\s*:|codepatch\s+ignore", re.IGNORECASE | re.ASCII)  # at a segment's start
FOREIGN_MARKERS = {
    "nosec": re.compile(r"\bnosec\b((?:[\s:,]+[BS]\d{3}\b)*)", re.IGNORECASE),
    "noqa": re.compile(r"\bnoqa\b(?::\s*([A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*))?", re.IGNORECASE),
    "nosemgrep": re.compile(r"\bnosemgrep\b(?::\s*([\w.\-]+(?:\s*,\s*[\w.\-]+)*))?", re.IGNORECASE),
}
TOOL_CODE = re.compile(r"^[BS](\d{3})$", re.IGNORECASE)
_COMMENTS = tree_sitter.Query(PY_LANGUAGE, "(comment) @comment")


@dataclass(frozen=True)
class Marker:
    """One suppression in one comment; `codes` empty means every rule (except for a bare noqa)."""

    path: str
    line: int
    tool: str  # "codepatch", "nosec", "noqa" or "nosemgrep"
    codes: tuple[str, ...]
    text: str  # the marker as written, for reports
    malformed: bool = False  # starts like our own marker but does not parse: it covers nothing

    def covers(self, rule: Rule) -> bool:
        if self.malformed:
            return False
        if self.tool == "codepatch":
            return not self.codes or rule.id in self.codes
        if self.tool == "nosemgrep":
            return not self.codes or bool({c.rsplit(".", 1)[-1] for c in self.codes} & semgrep_names(rule))
        numbers = {m.group(1) for m in map(TOOL_CODE.match, self.codes) if m}
        if self.tool == "noqa":  # Ruff: only its S (flake8-bandit) codes are security codes
            return bool(numbers & tool_numbers(rule))
        return not self.codes or bool(numbers & tool_numbers(rule))


@dataclass(frozen=True)
class Suppressed:
    kept: tuple[Finding, ...]
    hidden: tuple[tuple[Finding, Marker], ...]  # each suppressed finding and the first marker that covers it
    unused: tuple[Marker, ...]  # `# codepatch: ignore` markers that cover no finding
    faulty: tuple[tuple[Marker, str], ...]  # our own markers that suppress nothing, or not all they name, and why


def tool_numbers(rule: Rule) -> set[str]:
    """The Bandit/Ruff numbers of a rule: B602 and S602 are the same check."""
    codes = [rule.bandit, rule.ruff, *rule.aliases]
    return {m.group(1) for m in (TOOL_CODE.match(c) for c in codes if c) if m}


def semgrep_names(rule: Rule) -> set[str]:
    return {rule.id} | {a.rsplit(".", 1)[-1] for a in rule.aliases if not TOOL_CODE.match(a)}


def markers_in(path: str, data: bytes) -> tuple[list[Marker], tree_sitter.Tree]:
    tree = new_parser().parse(data)
    markers: list[Marker] = []
    for node in tree_sitter.QueryCursor(_COMMENTS).captures(tree.root_node).get("comment", []):
        markers.extend(_markers_of(path, node.start_point[0] + 1, node.text))
    return markers, tree


def possible_markers(path: str, data: bytes) -> list[Marker]:
    """Every marker a comment of `data` could hold, found without parsing: a comment runs from a `#`
    to the end of its line, so the text after each `#` of a line with a marker word stands for it.
    More than the real markers (a `#` in a string counts too), never fewer."""
    found: dict[Marker, None] = {}
    for number, line in enumerate(data.split(b"\n"), 1):
        if b"#" in line and _holds(line, ANY_WORDS):
            start = line.find(b"#")
            while start >= 0:
                found.update(dict.fromkeys(_markers_of(path, number, line[start:].rstrip(b"\r"))))
                start = line.find(b"#", start + 1)
    return list(found)


def _markers_of(path: str, line: int, comment: bytes) -> list[Marker]:
    text = comment.decode("utf-8", "replace")
    segments = (segment.strip(string.whitespace) for segment in text.split("#")[1:])
    markers = [m for segment in segments if (m := _own_marker(path, line, segment))]
    for tool, pattern in FOREIGN_MARKERS.items():
        for match in pattern.finditer(text):
            codes = tuple(c for c in re.split(r"[\s,:]+", match.group(1) or "") if c)
            markers.append(Marker(path, line, tool, codes, match.group(0).strip()))
    return markers


def _own_marker(path: str, line: int, segment: str) -> Marker | None:
    """Our marker when the comment segment starts like one; a malformed one when it does not parse."""
    if not OWN_ATTEMPT.match(segment):
        return None
    parsed = OWN_MARKER.fullmatch(segment)
    if parsed is None:
        return Marker(path, line, "codepatch", (), segment, malformed=True)
    codes = tuple(code.strip().lower() for code in (parsed.group(1) or "").split(",") if code.strip())
    return Marker(path, line, "codepatch", codes, segment)


def _faults(marker: Marker, rules: dict[str, Rule]) -> list[str]:
    """Why one of our own markers suppresses nothing, or less than it names; empty for a sound one."""
    if marker.malformed:
        # repr: the text comes from the scanned file, and a note must not carry its escape sequences
        return [f"malformed suppression {marker.text[:80]!r}: suppresses nothing "
                "(write '# codepatch: ignore[RULE-ID]')"]
    if marker.tool != "codepatch":
        return []
    return [f"suppression names unknown rule '{code}'" for code in marker.codes if code not in rules]


def apply_suppressions(findings: tuple[Finding, ...], texts: dict[str, bytes], rules: dict[str, Rule],
                       warn_unused_in: set[str]) -> Suppressed:
    """Split findings into kept and suppressed. Only files with findings or with our own markers
    (in `warn_unused_in`) are parsed, and only when their bytes hold a marker at all."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    paths = set(by_path) | {p for p in warn_unused_in if _holds(texts.get(p, b""), OWN_WORDS)}
    kept: list[Finding] = []
    hidden: list[tuple[Finding, Marker]] = []
    unused: list[Marker] = []
    faulty: list[tuple[Marker, str]] = []
    for path in sorted(paths):
        data = texts.get(path, b"")
        if not _holds(data, ANY_WORDS) or not _may_matter(possible_markers(path, data), by_path.get(path, ()),
                                                          rules, path in warn_unused_in):
            kept.extend(by_path.get(path, ()))
            continue
        markers, tree = markers_in(path, data)
        used: set[Marker] = set()
        for finding in by_path.get(path, ()):
            first, last = statement_lines(tree, finding)
            marker = next((m for m in markers if first <= m.line <= last and m.covers(rules[finding.rule_id])), None)
            if marker is None:
                kept.append(finding)
            else:
                hidden.append((finding, marker))
                used.add(marker)
        faulty.extend(sorted(((m, why) for m in markers for why in _faults(m, rules)), key=lambda pair: pair[0].line))
        if path in warn_unused_in:
            unused.extend(m for m in markers if _names_a_rule(m, rules) and m not in used)
    return Suppressed(tuple(sorted(kept, key=lambda f: f.sort_key)),
                      tuple(sorted(hidden, key=lambda pair: pair[0].sort_key)), tuple(unused), tuple(faulty))


def _may_matter(markers: list[Marker], findings: list[Finding], rules: dict[str, Rule], warn_unused: bool) -> bool:
    """Whether parsing could change anything: a marker covers a finding's rule, one of our own is
    faulty, or one could be reported unused."""
    return any(m.covers(rules[f.rule_id]) for m in markers for f in findings) or \
        any(_faults(m, rules) for m in markers) or (warn_unused and any(m.tool == "codepatch" for m in markers))


def _names_a_rule(marker: Marker, rules: dict[str, Rule]) -> bool:
    """Whether an unused note may be about this marker: one of our own that parses and names a rule
    (or every rule); a faulty one gets its own note instead."""
    return marker.tool == "codepatch" and not marker.malformed and \
        (not marker.codes or any(code in rules for code in marker.codes))


def _holds(data: bytes, words: tuple[bytes, ...]) -> bool:
    return any(word in data for word in words)
