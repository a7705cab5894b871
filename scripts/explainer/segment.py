"""Segment: cleaned lines -> title, subheadings, paragraphs and sentences.

Sentences come from syntok, a rule-based splitter that knows abbreviations
("Mr.", "U.S.", "Jan. 5") and numbers ("3.5%", "$1,000.50"); it is several
times faster than pysbd at the same accuracy on news text (see README).
"""

from __future__ import annotations

from syntok import segmenter

from . import fastsplit
from .errors import ExplainerError
from .ingest import MAX_ARTICLE_CHARS, too_long
from .model import Article, Block, CleanDocument, Heading, Paragraph, Sentence, TextBlock

MAX_HEADING_WORDS = 14
MAX_HEADING_CHARS = 120
MAX_TITLE_CHARS = 300
# Paragraphs and subheadings of one article: a news article has tens, the
# longest long reads a few thousand. Each adds about 125 bytes of markup to
# its source page and to its article page: 160,000 one-word paragraphs (under
# MAX_ARTICLE_CHARS) made pages over the 20 MB a site page may have.
MAX_BLOCKS = 10_000
_FINAL_PUNCTUATION = tuple(".!?,;:…\"'。！？，；：」』")
STANDFIRST_WORDS = 8


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
    if size > MAX_ARTICLE_CHARS:  # (ingest checked the text as written; this is the text as cleaned)
        raise too_long(size, source.path)
    raw_blocks = list(doc.blocks)
    if not raw_blocks:
        why = "after removing boilerplate" if doc.removed else "(the file is empty or blank)"
        raise ExplainerError(f"no article text left {why}", path=source.path)
    title = source.meta.title
    first = raw_blocks[0]
    if len(first.text) <= MAX_TITLE_CHARS and len(raw_blocks) > 1 and first.role != "item":
        line = first.text
        if title is None and (first.role == "heading" or not line.endswith((".", ","))):
            title, raw_blocks = line, raw_blocks[1:]
        elif title is not None and _same(line, title):
            raw_blocks = raw_blocks[1:]
    if title is None:
        title = source.slug.replace("-", " ").capitalize()
    if len(raw_blocks) > MAX_BLOCKS:
        raise ExplainerError(
            f"article has {len(raw_blocks):,} paragraphs and subheadings, over the limit of {MAX_BLOCKS:,}:"
            " is this one article? Split it into several files",
            path=source.path,
        )

    blocks: list[Block] = []
    heading: str | None = None
    number = count = 0
    for i, raw in enumerate(raw_blocks):
        neighbours = (raw_blocks[i - 1] if i else None, raw_blocks[i + 1] if i + 1 < len(raw_blocks) else None)
        if _is_heading(raw, *neighbours, source.format, number == 0):
            heading = raw.text
            blocks.append(Heading(text=heading))
            continue
        number += 1
        text = raw.text
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


def _is_heading(
    block: TextBlock, previous: TextBlock | None, following: TextBlock | None, fmt: str, first: bool
) -> bool:
    """A subheading: a short line without final punctuation that introduces
    body text (a paragraph or a list after it, not another such line); a run
    of such lines is a list or a table. At the top of the article, a line of
    many words is the standfirst, not a heading."""
    standfirst = first and len(block.text.split()) >= STANDFIRST_WORDS
    if block.role == "heading":
        return not standfirst  # a saved page's subtitle is often an <h2>
    if fmt == "markdown" or block.role != "paragraph" or following is None or following.role == "heading":
        return False
    if len(block.lines) != 1 or not _heading_like(block.text) or standfirst:
        return False
    if previous is not None and previous.role == "paragraph" and _heading_like(previous.text):
        return False
    return following.role == "item" or not _heading_like(following.text)


def _heading_like(line: str) -> bool:
    return (
        len(line) <= MAX_HEADING_CHARS
        and len(line.split()) <= MAX_HEADING_WORDS
        and not line.endswith(_FINAL_PUNCTUATION)
        and any(c.isalpha() for c in line)
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
