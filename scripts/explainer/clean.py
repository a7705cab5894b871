"""Clean: drop web boilerplate and normalise whitespace, quotes and Unicode.

Every removed line is kept (with its line number) for the report, so nothing
disappears silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .model import BoilerplateRules, CleanDocument, RemovedLine, SourceDocument
from .saferegex import AnyFullMatch

# Invisible characters that only hide or reorder text: zero-width spaces, word
# joiners, soft hyphens and bidirectional overrides ("Trojan Source" tricks).
# ZWJ (U+200D) stays: emoji sequences need it.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None
)
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
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class BoilerplateMatcher:
    """Compiled boilerplate rules: exact lines (a set) and patterns (RE2,
    linear time: the patterns are data a pull request can change)."""

    def __init__(self, rules: BoilerplateRules):
        self._exact = frozenset(" ".join(line.casefold().split()) for line in rules.lines)
        self._patterns = AnyFullMatch([f"(?i:{p})" for p in rules.patterns])

    def matches(self, line: str) -> bool:
        folded = line.casefold()
        return folded in self._exact or self._patterns(folded)


def normalise_line(line: str) -> str:
    """NFC, straight quotes, no invisible or control characters, single spaces."""
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE).translate(_QUOTES)
    line = _CONTROL.sub(" ", line)
    return _SPACES.sub(" ", line).strip()


def clean(source: SourceDocument, matcher: BoilerplateMatcher) -> CleanDocument:
    """Normalise every line and drop those that match a boilerplate rule."""
    kept: list[tuple[int, str]] = []
    removed: list[RemovedLine] = []
    for number, raw in _numbered(source.body.split("\n"), source.first_body_line):
        line = normalise_line(raw)
        if line and matcher.matches(line):
            removed.append(RemovedLine(line=number, text=line))
            line = ""
        if line or (kept and kept[-1][1]):  # keep one blank line between blocks
            kept.append((number, line))
    while kept and not kept[-1][1]:
        kept.pop()
    return CleanDocument(source=source, lines=tuple(kept), removed=tuple(removed))


def _numbered(lines: Iterable[str], start: int) -> Iterable[tuple[int, str]]:
    return enumerate(lines, start=start)
