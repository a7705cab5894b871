"""Reading aids for topic pages: reading time, last-updated date, "In brief"
and "Related pages" (pure functions over the model; render.py passes them to the template).

Related pages: the other topics whose signal phrases (config/topics.yml) this
page's quoted text uses, so a page about crypto mining that quotes "digital
yuan" points to the Digital yuan page. Self-contained: no glossary needed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .model import Article, Group, Run, Topic
from .phrases import PhraseIndex, form_key

WORDS_PER_MINUTE = 200  # a common figure for reading prose on screen
BRIEF_FROM_RUNS = 4  # a page with more than three quoted paragraphs gets "In brief"
BRIEF_SIZE = 3
RELATED_MAX = 3


@dataclass(frozen=True)
class Related:
    """Another topic page and the phrases of it that this page quotes."""

    topic: Topic
    shared: tuple[str, ...]


def reading_minutes(texts: Iterable[str]) -> int:
    """Minutes to read ``texts`` at :data:`WORDS_PER_MINUTE`, at least one."""
    words = sum(len(text.split()) for text in texts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class Update:
    """What a topic page gained last: the newest dated article that feeds it."""

    day: date
    article: Article
    quotes: int  # sentences of that article quoted on the page


def latest_update(groups: Sequence[Group]) -> Update | None:
    """The page's newest dated source and how many of its sentences it quotes
    (the earliest listed wins a tie, as the groups are newest first)."""
    dated = [g for g in groups if g.article.meta.published]
    if not dated:
        return None
    newest = max(dated, key=lambda g: g.article.meta.published or date.min)
    quotes = sum(len(run.placements) for run in newest.runs)
    return Update(newest.article.meta.published or date.min, newest.article, quotes)


def in_brief(groups: Sequence[Group]) -> list[tuple[Run, Run]]:
    """The page's most representative sentences, as (sentence, its run), in page order.

    Only for pages with at least :data:`BRIEF_FROM_RUNS` quoted paragraphs: the
    :data:`BRIEF_SIZE` runs with the highest signal score (earlier wins ties),
    each by its best sentence."""
    ordered = [run for group in groups for run in group.runs]
    if len(ordered) < BRIEF_FROM_RUNS:
        return []
    ranked = sorted(range(len(ordered)), key=lambda i: (-ordered[i].score, i))[:BRIEF_SIZE]
    return [(best_sentence(ordered[i]), ordered[i]) for i in sorted(ranked)]


def related(topic: Topic, found: Iterable[str], topics: Sequence[Topic]) -> list[Related]:
    """Other topics whose signals this page's quoted sentences contain
    (``found``: the signal keys the classifier found in them, see
    :func:`signal_keys`): the highest summed weight first, then in configured
    order; at most :data:`RELATED_MAX`. One matcher (:mod:`explainer.phrases`)
    finds them for both. Only this page's own sentences count, so adding an
    article changes the pages it is quoted on and no others."""
    _, owners = _signal_index(tuple(topics))
    keys = set(found)
    scored = []
    for position, other in enumerate(topics):
        if other.slug == topic.slug:
            continue
        shared = [s for s in other.signals if owners[(position, s.phrase)] in keys]
        if shared:
            weight = sum(s.weight for s in shared)
            names = tuple(sorted({s.phrase for s in shared}, key=str.casefold))
            scored.append((-weight, position, Related(other, names)))
    return [item for _, _, item in sorted(scored, key=lambda s: (s[0], s[1]))[:RELATED_MAX]]


def signal_keys(text: str, topics: Sequence[Topic]) -> list[str]:
    """The keys of the topics' signals in ``text``, as the classifier finds them."""
    index, _ = _signal_index(tuple(topics))
    return index.find(text)


@functools.cache
def _signal_index(topics: tuple[Topic, ...]) -> tuple[PhraseIndex, dict[tuple[int, str], str]]:
    """One matcher for every topic's signals (built once per configuration),
    and each (topic, signal)'s key in it."""
    owners = {(i, s.phrase): form_key(s.phrase) for i, t in enumerate(topics) for s in t.signals}
    return PhraseIndex({phrase: key for (_, phrase), key in owners.items()}), owners


def best_sentence(run: Run) -> Run:
    """The run's best sentence alone: "in brief" lines quote one sentence."""
    best = max(run.placements, key=lambda p: p.score)  # max() keeps the first of equals
    return Run(run.slug, run.paragraph, (best,))
