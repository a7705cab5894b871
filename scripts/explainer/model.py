"""Typed values passed between the pipeline stages.

All are frozen: a stage returns new values instead of changing its input, which
keeps the stages pure and their output deterministic. Most are dataclasses;
those made by the tens of thousands in every run (sentences, paragraphs,
placements, runs, groups) are msgspec Structs, which are made ten times
faster and read from the per-article cache as they are written.
"""

from __future__ import annotations

import functools
import operator
import sys
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import msgspec

if TYPE_CHECKING:  # types only: these modules build on this one
    from .bodytext import GuideRules
    from .claims import Claim, Counts
    from .timeline import Event

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
    # The corpus model's evidence (its posterior, 0 to 1, per topic) counts
    # this much for a paragraph whose own evidence is not decisive.
    model_weight: float = 1.0
    # The site's subject: groups of phrases; an article fits only if it uses a
    # phrase of every group (found as signals are). Empty: no such condition.
    subject: tuple[tuple[str, ...], ...] = ()
    # ... each group in the title or the lead (first two paragraphs), or this many
    # times in all: a passing mention further down ("China's pilot is larger")
    # does not make the subject.
    subject_mentions: int = 1
    # Phrases that contain a signal's words but not its sense ("at once" is
    # not "once", "foreign exchange" not a coin exchange): where one is
    # found, its words are no signal.
    not_signals: tuple[str, ...] = ()
    # The topics file as "edit this page" links name it (topic pages, home...).
    edit_path: str = "config/topics.yml"

    def topic(self, slug: str) -> Topic:
        return next(t for t in self.topics if t.slug == slug)


@dataclass(frozen=True)
class FurnitureKind:
    """One kind of web furniture (bylines, captions, related links...) and the
    rules that recognise a block of it; regexes are matched case-insensitively
    against the whole block."""

    name: str
    label: tuple[str, str]  # singular and plural, for the summary line: ("caption", "captions")
    lines: tuple[str, ...] = ()  # exact blocks (case and spaces ignored)
    patterns: tuple[str, ...] = ()  # strong: removed wherever they are
    weak: tuple[str, ...] = ()  # removed only next to furniture of a kind in `near`
    cues: tuple[str, ...] = ()  # as `weak`, for short blocks only (not body-length text)
    near: tuple[str, ...] = ()  # kinds (or "end": the end of the article) that confirm `weak`; default: its own
    opens: tuple[str, ...] = ()  # a heading after which the blocks are furniture...
    until: str = "body"  # ...until body text resumes ("body") or to the end ("end")
    words: tuple[str, ...] = ()  # a block made only of these words (and at least one) is this kind


@dataclass(frozen=True)
class BlockThresholds:
    """jusText's length and stop-word classes, and the limits of typed rules."""

    length_low: int = 70  # characters: shorter blocks are "short", judged by their neighbours
    length_high: int = 200
    stopwords_low: float = 0.30  # share of stop words: body text is above it
    stopwords_high: float = 0.32
    section_words: int = 8  # a sentence this long ends a related-links section
    standfirst_words: int = 8  # a line this long right under the headline is the standfirst: kept
    max_words: int = 80  # typed rules only judge blocks up to this many words


@dataclass(frozen=True)
class BoilerplateRules:
    """Web furniture to drop: exact lines and full-line regexes (``lines``,
    ``patterns``, kind "other"), typed kinds, and the block classifier's
    settings."""

    lines: tuple[str, ...]
    patterns: tuple[str, ...]
    kinds: tuple[FurnitureKind, ...] = ()
    stoplists: tuple[tuple[str, str], ...] = ()  # language code -> jusText stop list name
    thresholds: BlockThresholds = field(default_factory=BlockThresholds)
    glue: tuple[str, ...] = ()  # words a `words` block may also contain ("this", "on"...)
    listing_kinds: tuple[str, ...] = ()  # a short line just above one of these, in the body, lists another story


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
    boilerplate: tuple[Override, ...] = ()  # lines a contributor keeps or drops by hand


@dataclass(frozen=True)
class Override:
    """A line of the article that front matter forces to be kept or dropped."""

    text: str
    keep: bool
    path: str  # the file and line that say so, for errors
    line: int


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
    kind: str = "other"  # a furniture kind of config/boilerplate.yml: "byline", "caption"...
    rule: str = "line"  # what decided: "line", "pattern", "words", "context", "section", "trailing"...


@dataclass(frozen=True)
class TextBlock:
    """A paragraph, list item or heading of the source: its lines, in order."""

    lines: tuple[tuple[int, str], ...]  # (line number in the file, text)
    role: str = "paragraph"  # "paragraph", "item" (of a list) or "heading" (Markdown "#")
    level: int = 0  # heading level

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.lines)


@dataclass(frozen=True)
class CleanDocument:
    """The article body with boilerplate gone and whitespace normalised."""

    source: SourceDocument
    lines: tuple[tuple[int, str], ...]  # (line number in the file, text); "" between blocks
    removed: tuple[RemovedLine, ...]
    blocks: tuple[TextBlock, ...] = ()  # the kept blocks, in order


# ---------------------------------------------------------------------------
# Segment


# A place in an article (a paragraph's number, a sentence's position), bounded
# as msgspec reads it from the cache: no forged entry gives one numpy cannot hold.
Position = Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]


# The values an article is made of, and where each sentence goes, are frozen
# msgspec Structs rather than dataclasses: a thousand articles hold some 65,000
# sentences, each read from the per-article cache and placed in every run, and
# a Struct is made ten times faster than a frozen dataclass. Read from the
# cache as they are written (``["Sentence", "text", 1, 0]``: array-like and
# tagged by class name, no field too many or too few: no defaults), with
# every type checked in C.
class Sentence(msgspec.Struct, frozen=True, array_like=True, tag=True, forbid_unknown_fields=True, gc=False):
    text: str
    paragraph: Position  # number of its paragraph, 1-based
    index: Position  # position in the article, 0-based


class Paragraph(msgspec.Struct, frozen=True, array_like=True, tag=True, forbid_unknown_fields=True, gc=False):
    number: Position  # 1-based, the anchor ``p<number>`` on the Source page
    sentences: tuple[Sentence, ...]
    heading: str | None  # the subheading this paragraph sits under

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


class Heading(msgspec.Struct, frozen=True, array_like=True, tag=True, forbid_unknown_fields=True, gc=False):
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


class Placement(msgspec.Struct, frozen=True, gc=False):  # (a Struct: one per sentence, made in every run)
    """Where one sentence goes, and why."""

    sentence: Sentence
    topic: str
    score: float  # its own signal score for that topic (0 when inherited)
    fallback: bool = False  # no evidence in the whole article: sent to the fallback topic
    speaks: bool = False  # its own evidence speaks to a topic (see SiteConfig.min_evidence)
    signals: tuple[str, ...] = ()  # keys of the signals found in it (classify.Classifier.weights), in order


# A float that is a number (not infinite, not NaN): what msgspec checks as it
# reads a cached ParagraphEvidence (explainer.cache reads every float so).
Finite = Annotated[float, msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)]  # (NaN fails both)


class ParagraphEvidence(msgspec.Struct, frozen=True, array_like=True, tag=True, forbid_unknown_fields=True, gc=False):
    """What one paragraph says about each topic on its own, before its context
    is weighed: the per-article part of classification (cached per article:
    a Struct, read as it is written, as Sentence)."""

    signals: tuple[Finite, ...]  # summed weights of the signals found, per topic
    similarity: tuple[Finite, ...]  # cosine between its other words and each topic's text
    lean: Position | None  # the topic (index) its subheading leans to
    forms: tuple[str, ...]  # its content word forms, distinct, in order of first use ...
    counts: tuple[Position, ...]  # ... and how often each is used
    matched: tuple[tuple[str, ...], ...]  # each sentence's signal keys, in order
    speaks: tuple[bool, ...]  # each sentence's own evidence reaches ``min_evidence`` for a topic


@dataclass(frozen=True)
class ArticleEvidence:
    """An article and its paragraphs' evidence (see :mod:`explainer.classify`)."""

    article: Article
    paragraphs: tuple[ParagraphEvidence, ...]
    names_subject: bool = True  # it names the site's subject (SiteConfig.subject), or none is configured


@dataclass(frozen=True)
class ClassifiedArticle:
    article: Article
    placements: tuple[Placement, ...]
    names_subject: bool = True  # it names the site's subject (SiteConfig.subject), or none is configured

    def for_topic(self, slug: str) -> tuple[Placement, ...]:
        return tuple(p for p in self.placements if p.topic == slug)

    @functools.cached_property  # asked of every article several times a run (whether it fits, the report)
    def speaking(self) -> int:
        """How many of its sentences speak to the topics (:attr:`Placement.speaks`)."""
        return sum(map(_SPEAKS, self.placements))


_SPEAKS = operator.attrgetter("speaks")


# ---------------------------------------------------------------------------
# Render: what the page builders read


class Run(msgspec.Struct, frozen=True, dict=True):  # (a Struct: tens of thousands a run; dict: its text kept)
    """Consecutive sentences of one paragraph that share a topic."""

    slug: str
    paragraph: int
    placements: tuple[Placement, ...]

    @functools.cached_property
    def text(self) -> str:  # asked for several times per page (excerpt, reading time, related pages)
        return " ".join([p.sentence.text for p in self.placements])

    @property
    def score(self) -> float:
        return max(p.score for p in self.placements)


class Group(msgspec.Struct, frozen=True, gc=False):
    """What one article says about one topic."""

    article: Article
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Corpus:
    """What every page builder sees: the articles, ordered, and where each goes."""

    config: SiteConfig
    classified: tuple[ClassifiedArticle, ...]  # newest first (article_order)
    topics: tuple[Topic, ...]  # configured topics that have sentences
    groups: dict[str, tuple[Group, ...]]  # topic slug -> what each article says
    own_pages: tuple[ClassifiedArticle, ...]  # articles that do not fit the topics
    events: tuple[Event, ...] = ()  # the Timeline's dated events (fitting articles), oldest first
    rules: GuideRules | None = None  # how to tell body text and a sentence that stands alone
    # topic slug -> what several sources state, as its page shows it (explainer.topicpages.leading) ...
    claims: dict[str, tuple[Claim, ...]] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=dict)  # ... and what all its claims add up to
    # Worked out once per corpus, not part of its value (never compared or shown):
    # id(group) -> (the group, the classified article and the topic slug it was made from),
    # for page keys (explainer.render._keyed); topic slug -> its plan (explainer.render.topic_plan).
    origins: dict[int, tuple[Group, ClassifiedArticle, str]] = field(default_factory=dict, compare=False, repr=False)
    plans: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(c.article for c in self.classified)


# ---------------------------------------------------------------------------
# Render and write


@dataclass(frozen=True)
class Page:
    """A generated file: its path relative to the docs folder, and its text.

    A page also carries the facts later stages need, so that they read data
    and never parse the Markdown back: its title (as the navigation shows it)
    and the source paragraphs it quotes, as (article slug, paragraph number)."""

    path: str
    content: str
    title: str = ""
    cites: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True)
class Site:
    """All generated pages, and the report about how they were made."""

    pages: tuple[Page, ...]
    report: dict[str, object] = field(default_factory=dict)
    includes: tuple[Page, ...] = ()  # files for includes/ (the snippets folder), e.g. abbreviations.md
    fresh: tuple[str, ...] = ()  # sources read and classified in this run (not taken from the cache)
    # The classified articles the pages were made from (duplicates left out):
    # for tools that measure the pipeline (scripts/dev/evaluate.py), never written.
    articles: tuple[ClassifiedArticle, ...] = ()
