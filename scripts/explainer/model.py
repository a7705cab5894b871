"""Typed values passed between the pipeline stages.

All are frozen: a stage returns new values instead of changing its input, which
keeps the stages pure and their output deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# ---------------------------------------------------------------------------
# Configuration


@dataclass(frozen=True)
class Signal:
    """A word or phrase that points to a topic, with how strongly it does."""

    phrase: str
    weight: float = 1.0


@dataclass(frozen=True)
class Topic:
    """One page of the explainer, as configured in the topics file."""

    slug: str
    title: str
    description: str
    signals: tuple[Signal, ...]
    tags: tuple[str, ...] = ()
    # Sentences in our own words about the topic: with the description and the
    # signals, what a paragraph is compared with (word-form similarity).
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteConfig:
    """Everything the topics file says about the site as a whole."""

    title: str
    summary: str
    topics: tuple[Topic, ...]
    fallback: str
    subheading_weight: float = 2.0
    # Below this share of sentences that speak to the topics, an article does
    # not fit the topics and gets its own page, sectioned by its subheadings.
    min_matched_share: float = 0.2
    # Evidence is counted in signal weights. Similarity (0 to 1) to a topic's
    # text counts this much; the context (neighbouring paragraphs, the
    # article's main topic) at most this much; a sentence leaves its
    # paragraph for another topic with at least this much evidence; a
    # sentence with at least this much for a topic speaks to the topics.
    similarity_weight: float = 6.0
    context_weight: float = 3.0
    split_weight: float = 3.0
    min_evidence: float = 1.0
    # The site's subject: groups of phrases; an article fits only if it uses a
    # phrase of every group (found as signals are). Empty: no such condition.
    subject: tuple[tuple[str, ...], ...] = ()

    def topic(self, slug: str) -> Topic:
        return next(t for t in self.topics if t.slug == slug)


@dataclass(frozen=True)
class BoilerplateRules:
    """Lines of web furniture to drop: exact lines and full-line regexes."""

    lines: tuple[str, ...]
    patterns: tuple[str, ...]


# ---------------------------------------------------------------------------
# Ingest


@dataclass(frozen=True)
class SourceMeta:
    """What front matter (or the page itself) tells about an article."""

    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: date | None = None
    language: str = "en"
    licence: str | None = None


@dataclass(frozen=True)
class SourceDocument:
    """An article file, decoded, with its front matter parsed off."""

    path: str
    slug: str
    format: str  # "text" or "markdown"
    meta: SourceMeta
    body: str
    first_body_line: int = 1  # line of the file where ``body`` starts


# ---------------------------------------------------------------------------
# Clean


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped as boilerplate; it goes to the report, not the site."""

    line: int
    text: str


@dataclass(frozen=True)
class CleanDocument:
    """The article body with boilerplate gone and whitespace normalised."""

    source: SourceDocument
    lines: tuple[tuple[int, str], ...]  # (line number in the file, text)
    removed: tuple[RemovedLine, ...]


# ---------------------------------------------------------------------------
# Segment


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # number of its paragraph, 1-based
    index: int = 0  # position in the article, 0-based


@dataclass(frozen=True)
class Paragraph:
    number: int  # 1-based, the anchor ``p<number>`` on the Source page
    sentences: tuple[Sentence, ...]
    heading: str | None = None  # the subheading this paragraph sits under

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Heading:
    text: str


Block = Paragraph | Heading


@dataclass(frozen=True)
class Article:
    """A segmented article: its title, and headings and paragraphs in order."""

    slug: str
    title: str
    meta: SourceMeta
    path: str
    blocks: tuple[Block, ...]
    removed: tuple[RemovedLine, ...] = ()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)


# ---------------------------------------------------------------------------
# Classify


@dataclass(frozen=True)
class Placement:
    """Where one sentence goes, and why."""

    sentence: Sentence
    topic: str
    score: float  # its own signal score for that topic (0 when inherited)
    fallback: bool = False  # no evidence in the whole article: sent to the fallback topic
    speaks: bool = False  # its own evidence speaks to a topic (see SiteConfig.min_evidence)
    signals: tuple[str, ...] = ()  # keys of the signals found in it (classify.Classifier.weights), in order


@dataclass(frozen=True)
class ClassifiedArticle:
    article: Article
    placements: tuple[Placement, ...]
    names_subject: bool = True  # it names the site's subject (SiteConfig.subject), or none is configured

    def for_topic(self, slug: str) -> tuple[Placement, ...]:
        return tuple(p for p in self.placements if p.topic == slug)


# ---------------------------------------------------------------------------
# Render and write


@dataclass(frozen=True)
class Page:
    """A generated file: its path relative to the docs folder, and its text."""

    path: str
    content: str


@dataclass(frozen=True)
class Site:
    """All generated pages, and the report about how they were made."""

    pages: tuple[Page, ...]
    report: dict[str, object] = field(default_factory=dict)
    includes: tuple[Page, ...] = ()  # files for includes/ (the snippets folder), e.g. abbreviations.md
    fresh: tuple[str, ...] = ()  # sources read and classified in this run (not taken from the cache)
    # The classified articles the pages were made from (duplicates left out):
    # for tools that measure the pipeline (scripts/evaluate.py), never written.
    articles: tuple[ClassifiedArticle, ...] = ()
