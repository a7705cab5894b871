"""Sections: decide whether an article fits the topics, and if not, how to show it.

An article whose sentences mostly say nothing about the topics (by the
evidence placement uses: signals and similarity, see :mod:`explainer.classify`)
would only pad the topic pages, so it is shown on a page of its own instead, split by its own
subheadings ("Overview" for the part before the first one). With neither topic
signals nor subheadings, that page is a single overview. Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import ClassifiedArticle, Paragraph
from .validate import slugify

OVERVIEW = "Overview"


@dataclass(frozen=True)
class Section:
    """A run of paragraphs under one of the article's own subheadings."""

    title: str
    anchor: str
    paragraphs: tuple[Paragraph, ...]


def matched_share(classified: ClassifiedArticle) -> float:
    """Share of sentences that speak to the topics (their own evidence, as
    placement weighs it, reaches ``min_evidence`` for a topic)."""
    placements = classified.placements
    if not placements:
        return 0.0
    return speaking(classified) / len(placements)


def speaking(classified: ClassifiedArticle) -> int:
    """How many of the article's sentences speak to the topics."""
    return classified.speaking


def fits(classified: ClassifiedArticle, threshold: float) -> bool:
    """True when the article names the site's subject and enough of it speaks
    to the configured topics."""
    return classified.names_subject and matched_share(classified) >= threshold


def sections(classified: ClassifiedArticle) -> tuple[Section, ...]:
    """The article's paragraphs grouped by subheading, in source order.

    Paragraphs before the first subheading form "Overview". A subheading with
    no paragraph under it (two in a row) gives no section: never an empty one.
    """
    groups: list[tuple[str | None, list[Paragraph]]] = []
    for paragraph in classified.article.paragraphs:
        if not groups or paragraph.heading != groups[-1][0]:
            groups.append((paragraph.heading, []))
        groups[-1][1].append(paragraph)
    anchors: dict[str, int] = {}
    result = []
    for heading, paragraphs in groups:
        title = heading or OVERVIEW
        anchor = _anchor(title)
        anchors[anchor] = anchors.get(anchor, 0) + 1
        if anchors[anchor] > 1:
            anchor = f"{anchor}-{anchors[anchor]}"
        result.append(Section(title=title, anchor=anchor, paragraphs=tuple(paragraphs)))
    return tuple(result)


def _anchor(title: str) -> str:
    """An ASCII id for a section heading; "section" when the title has none."""
    slug = slugify(title)[:60].strip("-")
    return f"s-{slug}" if slug else "section"
