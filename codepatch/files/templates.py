"""The project's HTML templates (Django, Jinja2): which context variables each one writes without
escaping, so that rendering request data into them is reported (`{{ query|safe }}`,
`{% autoescape off %}{{ body }}{% endautoescape %}`).

A template is named as the frameworks look it up: its path under the nearest `templates` folder
(`app/templates/app/post.html` is "app/post.html"). Only text is read; anything that cannot be
read (binary, too large, a link) is skipped, since templates are no Python to report on.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from codepatch.files.discover import DEFAULT_EXCLUDES

TEMPLATE_FOLDER = "templates"
TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".djhtml", ".xml", ".svg")
MAX_TEMPLATE_BYTES = 512 * 1024
MAX_TEMPLATES = 5000
SKIPPED_FOLDERS = frozenset(name for name in DEFAULT_EXCLUDES if "*" not in name)

OUTPUT = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
AUTOESCAPE_OFF = re.compile(r"\{%-?\s*autoescape\s+(?:off|false)\s*-?%\}(.*?)\{%-?\s*endautoescape\s*-?%\}", re.S)
ROOT_NAME = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:[.\[]|$)")
# `{% for post in posts %}`: what `post` outputs comes from the context entry `posts`.
LOOP = re.compile(r"\{%-?\s*for\s+([\w\s,()]+?)\s+in\s+([A-Za-z_]\w*)")
# `{% extends "base.html" %}`, `{% include "nav.html" %}`: rendered with the same context.
REFERENCE = re.compile(r"\{%-?\s*(?:extends|include)\s+[\"']([^\"']+)[\"']")
ESCAPING_FILTERS = frozenset({"escape", "e", "force_escape", "escapejs", "urlencode", "length", "tojson"})


@dataclass(frozen=True)
class Templates:
    """Template name → the context variables it writes unescaped; `digest` changes with any of them."""

    unescaped: dict[str, frozenset[str]] = field(default_factory=dict)
    digest: str = ""


def read_templates(root: Path) -> Templates:
    own: dict[str, set[str]] = {}
    references: dict[str, set[str]] = {}
    for path, name in sorted(_template_files(root))[:MAX_TEMPLATES]:
        try:
            if path.is_symlink() or path.stat().st_size > MAX_TEMPLATE_BYTES:
                continue
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        own.setdefault(name, set()).update(unescaped_variables(text))
        references.setdefault(name, set()).update(REFERENCE.findall(text))
    unescaped = {name: frozenset(found) for name in own for found in [_with_referenced(name, own, references)] if found}
    digest = hashlib.sha256()
    for name, variables in sorted(unescaped.items()):
        digest.update(f"{name}\0{sorted(variables)}\0".encode())
    return Templates(unescaped, digest.hexdigest() if unescaped else "")


def _with_referenced(name: str, own: dict[str, set[str]], references: dict[str, set[str]]) -> set[str]:
    """What `name` writes unescaped, with what the templates it extends or includes write (the
    same context reaches them), however deep."""
    found: set[str] = set()
    seen, pending = set(), [name]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            found |= own.get(current, set())
            pending.extend(references.get(current, ()))
    return found


def unescaped_variables(text: str) -> set[str]:
    """The context entries whose values a template outputs without escaping."""
    found = set()
    for expression in OUTPUT.findall(text):
        value, *filters = _split_filters(expression)
        names = {f.split(":")[0].split("(")[0].strip() for f in filters}
        if "safe" in names and not names & ESCAPING_FILTERS:
            found |= _root(value)
    for block in AUTOESCAPE_OFF.findall(text):
        for expression in OUTPUT.findall(block):
            value, *filters = _split_filters(expression)
            if not {f.split(":")[0].split("(")[0].strip() for f in filters} & ESCAPING_FILTERS:
                found |= _root(value)
    loops = {name: iterable for names, iterable in LOOP.findall(text)
             for name in re.findall(r"[A-Za-z_]\w*", names)}
    entries = set()
    for name in found:
        for _ in range(4):  # nested loops: `{% for c in post.comments %}` inside `{% for post in posts %}`
            if name not in loops or loops[name] == name:
                break
            name = loops[name]
        entries.add(name)
    return entries


def _split_filters(expression: str) -> list[str]:
    """`post.text|truncatechars:"a|b"|safe` → the value and its filters (a `|` in quotes is no filter)."""
    parts, current, quote = [], "", ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def _root(value: str) -> set[str]:
    match = ROOT_NAME.match(value)
    return {match.group(1)} if match else set()


def _template_files(root: Path):
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith(".")]
        parts = Path(folder).relative_to(root).parts
        if TEMPLATE_FOLDER not in parts:
            continue
        base = len(parts) - parts[::-1].index(TEMPLATE_FOLDER)  # under the nearest `templates`
        for file in files:
            if file.endswith(TEMPLATE_SUFFIXES):
                yield Path(folder) / file, "/".join((*parts[base:], file))
