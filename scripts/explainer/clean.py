"""Clean: normalise whitespace, quotes and Unicode, and drop web furniture.

The text is laid out in blocks (:mod:`layout`) and each block judged by the
furniture classifier (:mod:`furniture`). Every removed line is kept, with its
line number and the kind of furniture it was taken for, for the report: nothing
disappears silently.
"""

from __future__ import annotations

import re
import unicodedata

from . import layout
from .chars import CONTROL, INVISIBLE
from .errors import ExplainerError
from .furniture import Furniture, Verdict, normal
from .model import BoilerplateRules, CleanDocument, RemovedLine, SourceDocument, TextBlock

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
    }
)
_SPACES = re.compile(r"[^\S\n]+")
_COLUMN_GAP = re.compile(r"(?: {2,}|\t)\s*")
_MARKERS = re.compile(r"^(?:#{1,6}\s+|>\s?|[-*+•◦▪]\s+|\d{1,3}[.)]\s+)")  # Markdown and list markers


class BoilerplateMatcher:
    """Compiled boilerplate rules: exact lines, patterns (RE2, linear time: the
    patterns are data a pull request can change) and the block classifier."""

    def __init__(self, rules: BoilerplateRules):
        self.furniture = Furniture(rules)

    def matches(self, line: str) -> bool:
        """Would a strong rule remove this line, wherever it is?"""
        return self.furniture.strong(line) is not None


def normalise_line(line: str) -> str:
    """NFC, straight quotes, no invisible or control characters, single spaces.

    (Most lines are ASCII: already NFC, with no quote or invisible character
    to replace; without a newline, single spaces are ``" ".join(line.split())``.)"""
    if not line.isascii():
        line = unicodedata.normalize("NFC", line).translate(INVISIBLE).translate(_QUOTES)
    if not line.isprintable():
        line = CONTROL.sub(" ", line)  # (C1 too: "\x9b" opens a terminal escape)
    return _SPACES.sub(" ", line).strip() if "\n" in line else " ".join(line.split())


def clean(source: SourceDocument, matcher: BoilerplateMatcher) -> CleanDocument:
    """Normalise every line, lay the text out in blocks and drop the blocks
    the furniture classifier (and the article's own overrides) remove."""
    raw_lines = source.body.split("\n")
    numbered = [(n, normalise_line(raw)) for n, raw in enumerate(raw_lines, start=source.first_body_line)]
    menus = {n for n, raw in enumerate(raw_lines, start=source.first_body_line) if _in_columns(raw)}
    forced = _overrides(source, numbered)
    known: dict[str, Verdict | None] = {}
    alone: set[int] = set()  # lines a rule removes (or an override names): never joined to others
    for number, line in numbered:
        if line:
            if line not in known:
                known[line] = matcher.furniture.strong(line)
            if known[line] or number in forced:
                alone.add(number)
    blocks = layout.blocks(numbered, source.format == "markdown", alone)
    verdicts = matcher.furniture.classify(blocks, source.meta, forced, known, menus)
    kept: list[TextBlock] = []
    removed: list[RemovedLine] = []
    for block, verdict in zip(blocks, verdicts, strict=True):
        if verdict is None:
            kept.append(block)
        else:
            kind, rule = verdict
            removed.extend(RemovedLine(line=n, text=text, kind=kind, rule=rule) for n, text in block.lines)
    lines: list[tuple[int, str]] = []
    for block in kept:
        if lines:
            lines.append((lines[-1][0] + 1, ""))  # one blank line between blocks
        lines.extend(block.lines)
    return CleanDocument(source=source, lines=tuple(lines), removed=tuple(removed), blocks=tuple(kept))


def _in_columns(raw: str) -> bool:
    """A line of three or more short cells apart by runs of spaces or tabs
    ("NEWS   SPORT   MONEY"): a menu or tab bar as a browser copies it."""
    cells = _COLUMN_GAP.split(raw.strip())
    return (
        len(cells) >= 3
        and all(len(cell.split()) <= 4 and not any(c.isdigit() for c in cell) for cell in cells)  # not a table
        and not any(cell.endswith((".", "!", "?")) for cell in cells[:-1])
    )


def _overrides(source: SourceDocument, numbered: list[tuple[int, str]]) -> dict[int, bool]:
    """Line number -> keep (True) or drop (False), from the article's
    ``boilerplate: {keep: [...], drop: [...]}``. An entry ending in "..."
    matches the lines that start with it; one matching no line is an error."""
    forced: dict[int, bool] = {}
    if not source.meta.boilerplate:
        return forced
    variants = [(n, {normal(line), normal(_MARKERS.sub("", line))}) for n, line in numbered if line]
    for entry in source.meta.boilerplate:
        target = normal(normalise_line(entry.text))
        prefix = target.endswith(("...", "…"))
        target = target.rstrip(".…").rstrip() if prefix else target
        hits = [n for n, texts in variants if any(t.startswith(target) if prefix else t == target for t in texts)]
        if not hits:
            which = "keep" if entry.keep else "drop"
            raise ExplainerError(
                f"boilerplate {which}: {entry.text[:60]!r} is not a line of {source.path}"
                " (write the line as it is in the article, or end it with '...')",
                path=entry.path,
                line=entry.line,
            )
        forced.update(dict.fromkeys(hits, entry.keep))
    return forced
