"""Topic pages that stay readable at any size.

A topic quoted by a handful of articles is one page, as it always was. Past
:data:`PAGE_BUDGET` (an estimate of the quoted Markdown, which the HTML
follows closely), the topic page keeps its lead, "In brief" and the newest
articles ("Latest developments", at most :data:`LATEST_ARTICLES` of them and
:data:`LATEST_BUDGET` of text), and the rest moves to sub-pages by year,
``<topic>/<year>.md``, a year that is itself too long split into parts
(``<year>-2.md``...). Every quoted sentence is on exactly one of these pages,
so nothing is lost and nothing is indexed twice. Pure: sizes are estimated
from the model, nothing is rendered to decide.

The page leads with its key points: the claims several sources state
(:mod:`explainer.claims`), each quoted once with every source cited and
the other wordings a click away; those sentences leave their articles'
sections, so the page does not repeat them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .claims import Claim, Ref
from .model import Group, Placement, Run, Topic

PAGE_BUDGET = 80_000  # characters of quoted Markdown on one page (its HTML is 2.5 to 3.5 times that)
LATEST_BUDGET = 40_000
LATEST_ARTICLES = 5
_PER_RUN = 190  # characters a quoted run adds besides its text: ¶ link, anchor, attributes
_PER_GROUP = 420  # and an article's heading and source line, besides its title


@dataclass(frozen=True)
class TopicPart:
    """A sub-page of a topic: the articles of one year (or of part of it)."""

    path: str  # under docs/: "crackdown-measures/2021.md"
    label: str  # "2021", "2021, part 2", "Undated"
    groups: tuple[Group, ...]

    @property
    def articles(self) -> int:
        return len({group.article.slug for group in self.groups})

    @property
    def paragraphs(self) -> int:
        return sum(len(group.runs) for group in self.groups)


@dataclass(frozen=True)
class TopicLayout:
    """Where each article's quotes on a topic go: the topic page or one of its parts."""

    topic: Topic
    lead: tuple[Group, ...]  # on the topic page itself, newest first
    parts: tuple[TopicPart, ...] = ()  # newest year first

    @property
    def path(self) -> str:
        return f"{self.topic.slug}.md"

    def page_of(self, run: Run) -> str:
        """The page (under docs/) that quotes ``run``."""
        return self._pages.get((run.slug, run.placements[0].sentence.index), self.path)

    def link(self, run: Run) -> str:
        """The address of ``run``'s page from the topic page: empty when it is the topic page."""
        page = self.page_of(run)
        return "" if page == self.path else page

    @functools.cached_property
    def _pages(self) -> dict[tuple[str, int], str]:
        return {
            (run.slug, run.placements[0].sentence.index): part.path
            for part in self.parts
            for group in part.groups
            for run in group.runs
        }


def layout(topic: Topic, groups: Sequence[Group]) -> TopicLayout:
    """Split a topic's groups (newest first) into the topic page and its parts."""
    sizes = [group_size(group) for group in groups]  # each measured once
    if sum(sizes) <= PAGE_BUDGET:
        return TopicLayout(topic, tuple(groups))
    lead: list[Group] = []
    used = 0
    for group, size in zip(groups, sizes, strict=True):
        if lead and (len(lead) == LATEST_ARTICLES or used + size > LATEST_BUDGET):
            break
        lead.append(group)
        used += size
    years: dict[str, list[tuple[Group, int]]] = {}
    for group, size in zip(groups[len(lead) :], sizes[len(lead) :], strict=True):
        published = group.article.meta.published
        years.setdefault(str(published.year) if published else "Undated", []).append((group, size))
    parts = []
    for year, grouped in years.items():
        for number, chunk in enumerate(_chunks(grouped, PAGE_BUDGET), start=1):
            name = year.lower() if number == 1 else f"{year.lower()}-{number}"
            label = year if number == 1 else f"{year}, part {number}"
            parts.append(TopicPart(f"{topic.slug}/{name}.md", label, chunk))
    return TopicLayout(topic, tuple(lead), tuple(parts))


def group_size(group: Group) -> int:
    """An estimate of the Markdown an article's section takes on a topic page."""
    return _PER_GROUP + 2 * len(group.article.title) + _text_length(group.runs) + _PER_RUN * len(group.runs)


def _text_length(runs: Sequence[Run]) -> int:
    """The summed length of the runs' texts, without joining them (a run's
    text is joined only for a page that is made: the layout is worked out on
    every run, for every quoted sentence)."""
    spaces = sum(1 for run in runs if run.placements)  # a run's text has a space between sentences
    return sum([len(p.sentence.text) + 1 for run in runs for p in run.placements]) - spaces


def _chunks(groups: Iterable[tuple[Group, int]], budget: int) -> list[tuple[Group, ...]]:
    """Consecutive groups (each with its :func:`group_size`) in pages of at
    most ``budget``; an article longer than a page on its own is cut between
    its quoted runs."""
    chunks: list[tuple[Group, ...]] = []
    current: list[Group] = []
    used = 0
    for group, size in groups:
        for piece, piece_size in _pieces(group, size, budget):
            if current and used + piece_size > budget:
                chunks.append(tuple(current))
                current, used = [], 0
            current.append(piece)
            used += piece_size
    if current:
        chunks.append(tuple(current))
    return chunks


def _pieces(group: Group, size: int, budget: int) -> list[tuple[Group, int]]:
    if size <= budget:
        return [(group, size)]
    pieces: list[Group] = []
    runs: list[Run] = []
    used = empty = group_size(Group(group.article, ()))
    for run in group.runs:
        size = _text_length((run,)) + _PER_RUN
        if runs and used + size > budget:
            pieces.append(Group(group.article, tuple(runs)))
            runs, used = [], empty
        runs.append(run)
        used += size
    pieces.append(Group(group.article, tuple(runs)))
    return [(piece, group_size(piece)) for piece in pieces]


# ---------------------------------------------------------------------------
# Key points: what several sources state, once

KEY_POINTS = 6  # claims a topic page leads with
SOURCES_SHOWN = 8  # sources cited (and wordings shown) per key point; the others stay in their articles


@dataclass(frozen=True)
class KeyPoint:
    """A claim as the topic page shows it: the wording, the sources it cites
    (at most :data:`SOURCES_SHOWN`), how many report it, and where they differ."""

    claim: Claim
    shown: tuple[Ref, ...]  # the sources cited here, the wording first

    @property
    def reported_by(self) -> int:
        return len(self.claim.sources)

    @property
    def variants(self) -> tuple[Ref, ...]:
        return self.shown[1:]

    @property
    def anchor(self) -> str:
        return f"kp-{self.claim.wording.slug}-{self.claim.wording.index}"


def key_points(claims: Sequence[Claim]) -> tuple[KeyPoint, ...]:
    """The :data:`KEY_POINTS` claims reported by the most sources (then those
    with a conflict, which a reader must see), in the order found."""
    points = []
    for i in _ranked(claims)[:KEY_POINTS]:
        claim = claims[i]
        others = [ref for ref in claim.sources if ref != claim.wording]
        points.append(KeyPoint(claim, (claim.wording, *others[: SOURCES_SHOWN - 1])))
    return tuple(points)


def leading(claims: Sequence[Claim]) -> tuple[Claim, ...]:
    """The claims :func:`key_points` shows, in the order given: all a topic
    page needs of a topic's claims (``key_points(leading(c)) == key_points(c)``,
    as the ranking of a subset in the same order is the same), so all that
    is kept of them between runs."""
    return tuple(claims[i] for i in sorted(_ranked(claims)[:KEY_POINTS]))


def _ranked(claims: Sequence[Claim]) -> list[int]:
    return sorted(range(len(claims)), key=lambda i: (-len(claims[i].sources), not claims[i].conflicts, i))


def without(groups: Sequence[Group], refs: Iterable[Ref]) -> tuple[Group, ...]:
    """The groups with the sentences of ``refs`` taken out (a key point shows
    them): a run is cut where one was, an article left with none is left out.

    Only the groups of the articles ``refs`` name are looked into (a key point
    cites a few dozen sentences of thousands): the others, and their runs,
    are kept as they are, the same objects, so what is known of them (their
    text, their page key) is not worked out again."""
    gone: dict[str, set[int]] = {}
    for ref in refs:
        gone.setdefault(ref.slug, set()).add(ref.index)
    if not gone:
        return tuple(groups)
    kept = []
    for group in groups:
        if group.runs and all(run.slug not in gone and run.placements for run in group.runs):
            kept.append(group)
            continue
        runs: list[Run] = []
        for run in group.runs:
            taken = gone.get(run.slug, set())
            if run.placements and not any(p.sentence.index in taken for p in run.placements):
                runs.append(run)
                continue
            piece: list[Placement] = []
            for placement in (*run.placements, None):
                if placement is not None and placement.sentence.index not in taken:
                    piece.append(placement)
                    continue
                if piece:
                    runs.append(Run(run.slug, run.paragraph, tuple(piece)))
                    piece = []
        if not runs:
            continue
        if len(runs) == len(group.runs) and all(map(operator.is_, runs, group.runs)):
            kept.append(group)
        else:
            kept.append(Group(group.article, tuple(runs)))
    return tuple(kept)
