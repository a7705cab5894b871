"""Classify: give every sentence of an article exactly one topic.

A sentence scores, per topic, the sum of the weights of the topic's signals it
contains. Under a subheading, the subheading's own topic gets a bonus. A
sentence with no signal stays with its neighbours in the same paragraph (so
runs of related sentences stay together); a paragraph with no signal at all
follows its subheading, or goes to the fallback topic. Ties go to the topic of
the previous sentence, then to the topic listed first: deterministic.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .model import Article, ClassifiedArticle, Paragraph, Placement, SiteConfig

Scores = tuple[float, ...]


class SignalMatcher:
    """All signals of all topics compiled into one regex, matched once."""

    def __init__(self, config: SiteConfig):
        self.slugs = tuple(t.slug for t in config.topics)
        self._weights: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, topic in enumerate(config.topics):
            for signal in topic.signals:
                self._weights[signal.phrase].append((index, signal.weight))
        phrases = sorted(self._weights, key=lambda p: (-len(p), p))
        body = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        # Whole words only; an optional plural "s"/"es" so "law" also finds "laws".
        # Phrases are case-folded, and so is the text before matching: about
        # three times faster than re.IGNORECASE over a long alternation.
        self._regex = re.compile(rf"(?<!\w)({body})(?:e?s)?(?!\w)")

    def scores(self, text: str) -> Scores:
        totals = [0.0] * len(self.slugs)
        for match in self._regex.finditer(text.casefold()):
            for index, weight in self._weights[" ".join(match.group(1).split())]:
                totals[index] += weight
        return tuple(totals)


def classify(article: Article, config: SiteConfig, matcher: SignalMatcher) -> ClassifiedArticle:
    """Place every sentence of ``article`` on one topic."""
    heading_topics: dict[str, int | None] = {}
    placements: list[Placement] = []
    for paragraph in article.paragraphs:
        heading = paragraph.heading
        if heading is not None and heading not in heading_topics:
            heading_topics[heading] = _best(matcher.scores(heading), None)
        lean = heading_topics.get(heading) if heading is not None else None
        placements.extend(_paragraph(paragraph, lean, config, matcher))
    return ClassifiedArticle(article=article, placements=tuple(placements))


def _paragraph(paragraph: Paragraph, lean: int | None, config: SiteConfig, m: SignalMatcher) -> list[Placement]:
    own = [m.scores(s.text) for s in paragraph.sentences]
    chosen: list[int | None] = []
    previous: int | None = None
    for scores in own:
        if not any(scores):
            chosen.append(None)
            continue
        if lean is not None:
            scores = tuple(s + (config.subheading_weight if i == lean else 0.0) for i, s in enumerate(scores))
        previous = _best(scores, previous)
        chosen.append(previous)

    # Sentences without a signal join the run they sit in: the previous
    # sentence's topic, else the next one's; a silent paragraph follows its
    # subheading, else the fallback topic.
    # Two linear passes (not a search per sentence: a paragraph can hold
    # thousands of sentences).
    fallback = m.slugs.index(config.fallback)
    before = _carry(chosen)
    after = _carry(chosen[::-1])[::-1]
    resolved: list[tuple[int, bool]] = []
    for i, topic in enumerate(chosen):
        if topic is None:
            topic = before[i] if before[i] is not None else after[i]
        if topic is None:
            resolved.append((lean, False) if lean is not None else (fallback, True))
        else:
            resolved.append((topic, False))
    return [
        Placement(sentence=s, topic=m.slugs[t], score=own[i][t], fallback=fb)
        for i, (s, (t, fb)) in enumerate(zip(paragraph.sentences, resolved, strict=True))
    ]


def _carry(chosen: list[int | None]) -> list[int | None]:
    """Each position's nearest earlier non-empty topic (None if there is none)."""
    last: int | None = None
    carried = []
    for topic in chosen:
        carried.append(last)
        if topic is not None:
            last = topic
    return carried


def _best(scores: Scores, previous: int | None) -> int | None:
    """Index of the highest score; ties prefer ``previous``, then list order."""
    top = max(scores, default=0.0)
    if top <= 0:
        return None
    if previous is not None and scores[previous] == top:
        return previous
    return scores.index(top)
