"""Reading aids for topic pages: reading time, last-updated date, "In brief"
and "Related pages" (pure functions over the model; render.py passes them to the template).

Related pages: the other topics whose signal phrases (config/topics.yml) this
page's quoted text uses, so a page about crypto mining that quotes "digital
yuan" points to the Digital yuan page. Self-contained: no glossary needed.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from .bodytext import GuideRules
from .model import Article, Corpus, Group, Placement, Run, Topic
from .phrases import NOT_SIGNAL, PhraseIndex, form_key
from .sums import added
from .timeline import Event

WORDS_PER_MINUTE = 200  # a common figure for reading prose on screen
BRIEF_FROM_RUNS = 4  # a page with more than three quoted paragraphs gets "In brief"
BRIEF_SIZE = 3
RELATED_MAX = 3
STORY_SIZE = 8  # events in "The story so far" on the home page
_PRECISION = {"day": 3, "week": 2, "month": 2, "year": 1}  # a precise date is a key event more often


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


def in_brief(groups: Sequence[Group], rules: GuideRules | None = None) -> list[tuple[Run, Run]]:
    """The page's most representative sentences, as (sentence, its run), in page order.

    Only for pages with at least :data:`BRIEF_FROM_RUNS` quoted paragraphs: the
    :data:`BRIEF_SIZE` runs with the highest signal score (earlier wins ties),
    each by its best sentence; sentences that stand alone (``rules``) first,
    and one article at a time while others are left."""
    ordered = [run for group in groups for run in group.runs]
    if len(ordered) < BRIEF_FROM_RUNS:
        return []
    best = [best_sentence(run, rules) for run in ordered]
    alone = [rules is None or rules.stands_alone(b.text) for b in best]
    ranked = sorted(range(len(ordered)), key=lambda i: (not alone[i], -ordered[i].score, i))
    chosen = _spread(ranked, lambda i: ordered[i].slug, BRIEF_SIZE)
    return [(best[i], ordered[i]) for i in sorted(chosen)]


def home_brief(site: Corpus) -> list[tuple[Topic, Run]]:
    """One sentence per topic for the home page, from the whole corpus: the one
    that speaks to the topic most clearly among those that stand alone, from
    an article no earlier topic quoted while there is one.

    The candidates are tried from the clearest down and asked whether they
    stand alone only until one answers (the first that does from a fresh
    article is the pick): a topic quotes thousands of sentences, the answer
    is among the first few. (Parallel lists, not a tuple per candidate: at a
    thousand articles the tuples alone cost more than the choice.)"""
    used: set[str] = set()
    brief = []
    for topic in site.topics:
        runs: list[Run] = []  # each placement's run, beside it
        placements: list[Placement] = []
        for group in site.groups[topic.slug]:
            for run in group.runs:
                placements += run.placements
                runs += [run] * len(run.placements)
        scores = [placement.score for placement in placements]
        order = sorted(range(len(placements)), key=scores.__getitem__, reverse=True)  # stable: earlier first on ties
        pick = _home_pick(order, placements, runs, used, site.rules)
        placement, run = placements[pick], runs[pick]
        used.add(run.slug)
        brief.append((topic, Run(run.slug, run.paragraph, (placement,))))
    return brief


def _home_pick(
    order: Sequence[int],
    placements: Sequence[Placement],
    runs: Sequence[Run],
    used: set[str],
    rules: GuideRules | None,
) -> int:
    """The first of ``order`` that stands alone and is from an article not in
    ``used``; else the first from such an article; else the first that stands
    alone; else the first: what ranking every candidate by (does not stand
    alone, order) and preferring a fresh article gives, with ``rules`` asked
    of as few sentences as that takes."""
    first_alone = first_fresh = None
    for i in order:
        fresh = runs[i].slug not in used
        if not fresh and first_alone is not None:
            continue  # it can change nothing: one that stands alone is known
        alone = rules is None or rules.stands_alone(placements[i].sentence.text)
        if alone and fresh:
            return i
        if fresh and first_fresh is None:
            first_fresh = i
        if alone and first_alone is None:
            first_alone = i
    if first_fresh is not None:
        return first_fresh
    return first_alone if first_alone is not None else order[0]


def story(site: Corpus) -> list[Event]:
    """ "The story so far": up to :data:`STORY_SIZE` key dated events, oldest first.

    An event is a Timeline entry whose sentence is quoted on a topic page and
    stands alone. The key ones: precise dates first, then the sentences that
    speak to their topic most strongly; one per month (a year, for a date
    given as a year alone) and one per article while others are left, so that
    the story runs across the period and across the sources."""
    placed: dict[str, dict[int, Placement]] = {}  # by article, then sentence: no tuple per quoted sentence
    for groups in site.groups.values():
        for group in groups:
            article = placed.setdefault(group.article.slug, {})
            for run in group.runs:
                for p in run.placements:
                    article[p.sentence.index] = p
    # Whether a sentence stands alone is asked only of the best of each
    # period not taken yet, in rank order: the answer for the others cannot
    # change the story, and there are thousands of them.
    candidates = [e for e in site.events if e.sentence.index in placed.get(e.article.slug, {})]
    scores = [placed[e.article.slug][e.sentence.index].score for e in candidates]
    precision = [_PRECISION[e.when.precision] for e in candidates]
    # Precise dates first, then the higher score, then the earlier: two stable sorts, no key tuples.
    ranked = sorted(range(len(candidates)), key=scores.__getitem__, reverse=True)
    ranked.sort(key=precision.__getitem__, reverse=True)
    periods: set[tuple[int, int]] = set()
    kept = []
    for i in ranked:
        when = candidates[i].when
        period = (when.start.year, when.start.month if when.precision != "year" else 0)
        if period not in periods and (site.rules is None or site.rules.stands_alone(candidates[i].sentence.text)):
            periods.add(period)
            kept.append(i)
    chosen = _spread(kept, lambda i: candidates[i].article.slug, STORY_SIZE)
    return [candidates[i] for i in sorted(chosen, key=lambda i: (candidates[i].when.start, i))]  # oldest first


def _spread(ranked: Sequence[int], article: Callable[[int], str], size: int) -> list[int]:
    """The first ``size`` of ``ranked``, taking one per article before any article twice."""
    chosen: list[int] = []
    used: set[str] = set()
    for i in ranked:
        if len(chosen) < size and article(i) not in used:
            chosen.append(i)
            used.add(article(i))
    for i in ranked:
        if len(chosen) < size and i not in chosen:
            chosen.append(i)
    return chosen


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
            weight = added(s.weight for s in shared)  # the same order on every Python
            names = tuple(sorted({s.phrase for s in shared}, key=str.casefold))
            scored.append((-weight, position, Related(other, names)))
    return [item for _, _, item in sorted(scored, key=lambda s: (s[0], s[1]))[:RELATED_MAX]]


def signal_keys(text: str, topics: Sequence[Topic], not_signals: Sequence[str] = ()) -> list[str]:
    """The keys of the topics' signals in ``text``, as the classifier finds them
    (``not_signals``: the configuration's phrases whose words are no signal)."""
    index, _ = _signal_index(tuple(topics), tuple(not_signals))
    return [key for key in index.find(text) if key != NOT_SIGNAL]


@functools.cache
def _signal_index(
    topics: tuple[Topic, ...], not_signals: tuple[str, ...] = ()
) -> tuple[PhraseIndex, dict[tuple[int, str], str]]:
    """One matcher for every topic's signals (built once per configuration),
    and each (topic, signal)'s key in it."""
    owners = {(i, s.phrase): form_key(s.phrase) for i, t in enumerate(topics) for s in t.signals}
    keys = set(owners.values())
    blocked = {phrase: NOT_SIGNAL for phrase in not_signals if form_key(phrase) not in keys}
    return PhraseIndex({**blocked, **{phrase: key for (_, phrase), key in owners.items()}}), owners


def best_sentence(run: Run, rules: GuideRules | None = None) -> Run:
    """The run's best sentence alone: "in brief" lines quote one sentence. The
    highest signal score wins; with ``rules``, a sentence that stands alone
    before one that does not."""
    placements = run.placements
    alone = [rules is None or rules.stands_alone(p.sentence.text) for p in placements]
    best = min(range(len(placements)), key=lambda i: (not alone[i], -placements[i].score, i))
    return Run(run.slug, run.paragraph, (placements[best],))
