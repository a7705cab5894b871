"""Layout: the cleaned lines of a source -> its blocks (paragraphs, list items, headings).

Text copied from web pages often puts one paragraph per line with no blank
line between them, so a line break ends a paragraph, as a blank line does.
Two exceptions join lines into one paragraph: text hard-wrapped at a fixed
width (as in e-mails and some plain-text files: most lines about as long as
the longest and not ending a sentence), and a line that stops mid-sentence
before one that starts in lower case. In both formats, lines starting with
``-``, ``*`` or ``•`` and numbered lines are list items, each a block;
Markdown ``#`` headings are headings.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence

from .model import TextBlock

Line = tuple[int, str]

MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^(?:[-*+•◦▪]|\d{1,3}[.)])\s+")
_MD_QUOTE = re.compile(r"^>\s?")
_BULLET = re.compile(r"^[-*•◦▪]\s+")  # .txt: the marker goes, the item stays
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+\S")  # .txt: the number is part of the text ("2. Then...")
_SENTENCE_END = re.compile(r"[.!?…:;。！？；：][\"')\]»”’」』]*$")

# Hard-wrapped text: of the lines followed by another line of their block, this
# share at least is longer than WRAP_FULL of the longest, and this share does
# not end a sentence.
WRAP_MIN_LINES = 3
WRAP_FULL = 0.7
WRAP_SHARE_FULL = 0.7
WRAP_SHARE_OPEN = 0.6
WRAP_MAX_WIDTH = 160


def blocks(lines: Sequence[Line], markdown: bool, alone: Collection[int] = ()) -> list[TextBlock]:
    """The blocks of ``lines`` (blank lines separate chunks); a line whose
    number is in ``alone`` is a block of its own, never joined to another."""
    chunks = list(_chunks(lines))
    width = _wrap_width(chunks, alone)
    out: list[TextBlock] = []
    for chunk in chunks:
        out.extend(_chunk_blocks(chunk, markdown, alone, width))
    return out


def is_item_marker(text: str, markdown: bool) -> bool:
    return bool((_MD_ITEM if markdown else _BULLET).match(text) or (not markdown and _NUMBERED.match(text)))


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


# Helper functions


def _chunks(lines: Sequence[Line]) -> Iterator[list[Line]]:
    current: list[Line] = []
    for number, text in lines:
        if text:
            current.append((number, text))
        elif current:
            yield current
            current = []
    if current:
        yield current


def _wrap_width(chunks: Sequence[list[Line]], alone: Collection[int]) -> int:
    """The width the text is hard-wrapped at, or 0 when it is not."""
    inner = [text for chunk in chunks for number, text in chunk[:-1] if number not in alone]
    if len(inner) < WRAP_MIN_LINES:
        return 0
    width = max(len(text) for text in inner)
    if width > WRAP_MAX_WIDTH:
        return 0
    full = sum(len(text) >= WRAP_FULL * width for text in inner)
    open_ = sum(not ends_sentence(text) for text in inner)
    if full < WRAP_SHARE_FULL * len(inner) or open_ < WRAP_SHARE_OPEN * len(inner):
        return 0
    return width


def _chunk_blocks(chunk: list[Line], markdown: bool, alone: Collection[int], width: int) -> Iterator[TextBlock]:
    current: list[Line] = []
    role = "paragraph"

    def flush() -> Iterator[TextBlock]:
        if current:
            yield TextBlock(lines=tuple(current), role=role)

    for number, text in chunk:
        if markdown:
            heading = MD_HEADING.match(text)
            if heading and heading.group(2):
                yield from flush()
                current, role = [], "paragraph"
                yield TextBlock(lines=((number, heading.group(2)),), role="heading", level=len(heading.group(1)))
                continue
            text = _MD_QUOTE.sub("", text)
            if not text:
                continue
        item = is_item_marker(text, markdown)
        if item:
            text = (_MD_ITEM if markdown else _BULLET).sub("", text) or text
        if number in alone:
            yield from flush()
            yield TextBlock(lines=((number, text),), role="item" if item else "paragraph")
            current, role = [], "paragraph"
            continue
        if current and not item and _continues(current[-1][1], text, width):
            current.append((number, text))
            continue
        yield from flush()
        current, role = [(number, text)], "item" if item else "paragraph"
    yield from flush()


def _continues(previous: str, text: str, width: int) -> bool:
    """Does ``text`` carry on the paragraph of the line before it?"""
    if width:  # hard-wrapped: the line was full, so its next word did not fit
        return len(previous) + 1 + len(text.split(" ", 1)[0]) > width
    first = text.lstrip("\"'(«“‘")[:1]
    return not ends_sentence(previous) and first.isalpha() and first.islower()
