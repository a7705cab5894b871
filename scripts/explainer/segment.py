"""Segment: cleaned lines -> title, subheadings, paragraphs and sentences.

Sentences come from syntok, a rule-based splitter that knows abbreviations
("Mr.", "U.S.", "Jan. 5") and numbers ("3.5%", "$1,000.50"); it is several
times faster than pysbd at the same accuracy on news text (see README).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from syntok import segmenter

from . import fastsplit
from .errors import ExplainerError
from .model import Article, Block, CleanDocument, Heading, Paragraph, Sentence

MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 120
MAX_TITLE_CHARS = 300
# Longer than any news article (the longest long reads are ~40,000 words): a
# bigger file is a mistake, and would give a page too big to load or index.
MAX_ARTICLE_CHARS = 1_000_000
_FINAL_PUNCTUATION = tuple(".!?,;:…\"'")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")
_MD_QUOTE = re.compile(r"^>\s?")


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph, each an exact slice of ``text``.

    Plain paragraphs take :mod:`fastsplit`'s regex path; syntok reads the rest."""
    fast = fastsplit.split(text)
    if fast is not None:
        return fast
    sentences = []
    for paragraph in segmenter.analyze(text):
        for tokens in paragraph:
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            piece = text[start:end].strip()
            if piece:
                sentences.append(piece)
    return sentences or [text.strip()]


def segment(doc: CleanDocument) -> Article:
    """Find the title, subheadings and paragraphs, then split sentences."""
    source = doc.source
    size = sum(len(line) for _, line in doc.lines)
    if size > MAX_ARTICLE_CHARS:
        raise ExplainerError(
            f"article text is {size:,} characters, over the limit of {MAX_ARTICLE_CHARS:,}"
            " (about 150,000 words): is this one article? Split it into several files",
            path=source.path,
        )
    raw_blocks = list(_blocks(doc))
    if not raw_blocks:
        why = "after removing boilerplate" if doc.removed else "(the file is empty or blank)"
        raise ExplainerError(f"no article text left {why}", path=source.path)
    title = source.meta.title
    first = raw_blocks[0]
    if len(first.lines) == 1 and len(first.lines[0]) <= MAX_TITLE_CHARS and len(raw_blocks) > 1:
        line = first.lines[0]
        if title is None and (first.heading_level or not line.endswith((".", ","))):
            title, raw_blocks = line, raw_blocks[1:]
        elif title is not None and _same(line, title):
            raw_blocks = raw_blocks[1:]
    if title is None:
        title = source.slug.replace("-", " ").capitalize()

    blocks: list[Block] = []
    heading: str | None = None
    number = count = 0
    for i, raw in enumerate(raw_blocks):
        if _is_heading(raw, raw_blocks[i + 1] if i + 1 < len(raw_blocks) else None, source.format):
            heading = raw.lines[0]
            blocks.append(Heading(text=heading))
            continue
        number += 1
        text = " ".join(raw.lines)
        sentences = tuple(
            Sentence(text=s, paragraph=number, index=count + i) for i, s in enumerate(split_sentences(text))
        )
        count += len(sentences)
        blocks.append(Paragraph(number=number, sentences=sentences, heading=heading))
    if number == 0:
        raise ExplainerError("no paragraphs of text, only a title or headings", path=source.path)
    return Article(
        slug=source.slug,
        title=title,
        meta=source.meta,
        path=source.path,
        blocks=tuple(blocks),
        removed=doc.removed,
    )


# Helper functions


class _RawBlock:
    """Consecutive non-blank lines; Markdown markers already stripped."""

    def __init__(self, lines: list[str], heading_level: int = 0):
        self.lines = lines
        self.heading_level = heading_level


def _blocks(doc: CleanDocument) -> Iterator[_RawBlock]:
    markdown = doc.source.format == "markdown"
    current: list[str] = []
    for _, line in doc.lines:
        if markdown:
            heading = _MD_HEADING.match(line)
            if heading and heading.group(2):
                if current:
                    yield _RawBlock(current)
                    current = []
                yield _RawBlock([heading.group(2)], heading_level=len(heading.group(1)))
                continue
            if _MD_LIST_ITEM.match(line):  # each list item is a paragraph of its own
                if current:
                    yield _RawBlock(current)
                current = [_MD_LIST_ITEM.sub("", line)]
                continue
            line = _MD_QUOTE.sub("", line)
        if line:
            current.append(line)
        elif current:
            yield _RawBlock(current)
            current = []
    if current:
        yield _RawBlock(current)


def _is_heading(block: _RawBlock, following: _RawBlock | None, fmt: str) -> bool:
    """A subheading: a short single line without final punctuation before text."""
    if block.heading_level:
        return True
    if fmt == "markdown" or following is None or len(block.lines) != 1:
        return False
    line = block.lines[0]
    return (
        len(line) <= MAX_HEADING_CHARS
        and len(line.split()) <= MAX_HEADING_WORDS
        and not line.endswith(_FINAL_PUNCTUATION)
        and any(c.isalpha() for c in line)
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
