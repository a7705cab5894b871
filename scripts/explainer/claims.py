"""Claims: one statement made by several sources, and the figures they disagree on.

A topic page that quotes every article repeats a fact once per outlet and
leaves disagreeing figures pages apart. :func:`find_claims` reads a topic's
groups and returns the statements that two or more articles make, each with
one sentence per article, the clearest wording, and, where the sources give
different figures for it, every figure side by side with who gives it. It
only points at sentences (:class:`Ref`): nothing is rewritten or dropped, so
a page can show the claim once and keep every other wording a click away.

How two sentences are found to state the same claim:

* **Figures** are read first: numbers with what they count ("1,100
  people", "3.3 million yuan" = "3,300,000 yuan" = "RMB3.3 million" =
  "¥3.3 million", "3.6m yuan" = "3.6 million yuan", "US$5m" = "$5 million",
  "20%" = "20 per cent"; "HK$5m", "S$5m" are currencies of their own; a
  range is one figure, "RMB 3-4 million" = "RMB3 million to RMB4 million",
  its currency and multiplier written once for both ends) and
  dates (read as the Timeline reads them, so "24 September 2021" =
  "September 24, 2021", and "May 2021" agrees with "21 May 2021"; one
  without a year only against a published date). What a number counts
  is the run of words after it, its head first: the run's first plural in
  lower case, else its last word ("26 bitcoin mining farms": farms; "4,000
  Harlow Motors workers": workers); two figures count the same thing when
  their runs share a word ("43 broadband customers", "34 broadband users").
* **Words**: the words, stop words and numbers out, reduced to their stems
  (:func:`explainer.phrases.stems`), each weighed by how rare it is in English
  at large (:func:`stem_weights`, from wordfreq's word list: a pair's score
  does not move with the rest of the corpus), compared by cosine. The
  numbers are left out, so the words decide whether two sentences say the
  same thing and the figures whether they agree about it. Names (capitalised
  words after the first, and the first when the article writes it
  capitalised mid-sentence too: "Suzhou gave ..." beside "in Suzhou", or
  when the word after it is a name too and the first is rare in English:
  "Carrowmore Water banned ...", never "Following Beijing's order") must
  overlap when both sentences have some; the names of a closing attribution
  (", the Valley Post reported.", ", according to ...") are the sources', not
  the claim's, and are left out.
* **Candidates** come from an inverted index, not from every pair: each
  sentence is filed under its rarest stems and its figures, the lists are kept
  in one global order (each sentence's stems, rarest first), and a sentence is
  compared only with its next ``window`` neighbours in each list. The work is
  linear in the number of sentences, and near-identical sentences sit side by
  side in every list they share.
* **A pair is linked** when it comes from two articles, the names it
  capitalises overlap (when both have some), and the cosine reaches
  ``anchored`` (a figure in common; also with another in conflict when the
  one in common is a number or a date to the month or day: the same claim
  with a disputed figure), ``conflict`` (the same unit with different
  values and nothing agreeing, which needs closer words and the same names)
  or ``plain`` (no figure to go by). Never linked, whatever the words: dates
  in no common year (another event: sources disagree on a day, seldom on a
  year); counts, none the same, of nothing in common ("26 farms", "30 data
  centres": one claim would hide that they differ); another value of a count
  at another time (another date, or "on Saturday" beside "on Sunday", "first
  week" beside "first month") with no figure agreeing: two moments of a
  series, not a disagreement; every figure different or unmatched.
* **Claims** are the groups of linked sentences, joined strongest link first
  (single link); a link that would give one article two sentences in a claim
  is skipped, so every source counts once.

The wording shown is the sentence that does not open with a pronoun, states
the most of the claim's figures, ends like a sentence, is shortest in words,
then was published first, then comes first by slug and position. Every order
is spelled out (no set or hash order leaks), so the same groups in any order
give the same claims.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from itertools import chain, groupby, islice, repeat
from operator import attrgetter, itemgetter, mul
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import msgspec

from . import grouping, phrases, timeline
from .cache import collector_paused
from .classify import STOP_WORDS
from .errors import ExplainerError
from .model import Article, Group, Paragraph, Position, Sentence

# ---------------------------------------------------------------------------
# What the module returns


# The claims' values are msgspec Structs, not dataclasses: an add-one run at
# 1,000 articles makes some 120,000 of them (a Ref per source, a Figure per
# value), and a frozen Struct is made ten times faster than a frozen
# dataclass (0.15 against 1.4 microseconds). Frozen and compared by value
# alike; gc=False: they hold strings, numbers and tuples of each other, never a cycle.


class Ref(msgspec.Struct, frozen=True, gc=False):
    """One sentence of one article: where its ¶ link points, and its text."""

    slug: str
    paragraph: int  # the Source page's anchor p<paragraph>
    index: int  # the sentence's position in the article, 0-based
    text: str


class Figure(msgspec.Struct, frozen=True, gc=False):
    """One value of a disputed figure, and the sentences that give it."""

    text: str  # as its first source writes it: "1,100 people", "May 2021"
    sources: tuple[Ref, ...]


class Conflict(msgspec.Struct, frozen=True, gc=False):
    """Sources of one claim that give different values for one figure."""

    unit: str  # the stem of the head word counted ("peopl", "farm"), "%", a currency ("dollar"), "date", or "number"
    figures: tuple[Figure, ...]  # two or more: most sources first


class Claim(msgspec.Struct, frozen=True, gc=False):
    """A statement made by two or more articles (one sentence each).

    Only addresses and text: the page builder decides how to show it (the
    wording once, "reported by N sources" with a ¶ link to each, the
    variants collapsed, the conflicts beside it)."""

    wording: Ref  # the clearest of the sources' sentences
    sources: tuple[Ref, ...]  # one per article, earliest published first; the wording among them
    conflicts: tuple[Conflict, ...] = ()

    @property
    def variants(self) -> tuple[Ref, ...]:
        """The other sources' wordings, for the block a reader opens on demand."""
        return tuple(s for s in self.sources if s != self.wording)


@dataclass(frozen=True)
class Thresholds:
    """How close two sentences' words must be (cosine of their weighed stems, 0 to 1)."""

    anchored: float = 0.3  # they give a figure in common and none in conflict
    conflict: float = 0.45  # they give different values for the same unit
    plain: float = 0.6  # no figure to go by
    shared: int = 3  # and at least this many stems in common ("Good morning." is not a claim)
    rare: int = 3  # each sentence is filed under this many of its rarest stems
    window: int = 4  # and compared with this many neighbours in each list

    @cached_property  # read for every candidate pair
    def lowest(self) -> float:
        return min(self.anchored, self.conflict, self.plain)


# ---------------------------------------------------------------------------
# The API


def find_claims(
    groups: Iterable[Group],
    thresholds: Thresholds = Thresholds(),
    readings: Mapping[str, Reading] | None = None,
    memory: Memory | None = None,
) -> tuple[Claim, ...]:
    """The claims stated by two or more of the groups' articles, most sources first.

    ``readings`` (article slug -> :func:`read`, e.g. from the per-article
    cache) spares reading each sentence again; a reading that does not fit
    its article is passed over and the sentences are read afresh. With
    ``memory``, the grouping is replayed from the last run's (the same
    claims: see :mod:`explainer.grouping`) and this run's is kept in it.

    The cycle collector is paused meanwhile: what is made here holds no
    cycles, and with a large corpus in memory its passes over every object
    cost a third of the time."""
    with collector_paused():
        clustered = _clustered(groups, thresholds, readings, memory)
        if clustered is None:
            return ()
        table, clusters, _ = clustered
        found = _assemble(table, clusters)
        _recorded(memory, clusters, [bool(c.conflicts) for _, _, c in found])
        return tuple(claim for _, _, claim in sorted(found, key=itemgetter(0, 1)))


def find_shown(
    groups: Iterable[Group],
    most: int,
    thresholds: Thresholds = Thresholds(),
    readings: Mapping[str, Reading] | None = None,
    memory: Memory | None = None,
) -> tuple[tuple[Claim, ...], Counts]:
    """What a page shows of :func:`find_claims`'s claims, the ``most`` it
    leads with (``explainer.topicpages.leading``: reported by the most
    sources, then with a conflict, then in the order found; given in the
    order found), and the :class:`Counts` of them all. The same claims, but
    made only for the groups that can be among those (the others are only
    counted; with ``memory``, a group replayed as the last run's has its
    conflict as the last run found it): a topic finds thousands, its page
    leads with a few."""
    with collector_paused():
        clustered = _clustered(groups, thresholds, readings, memory)
        if clustered is None:
            return (), Counts(0, 0, 0)
        table, clusters, known = clustered
        shown, counts, conflicted = _assemble_shown(table, clusters, most, known)
        _recorded(memory, clusters, conflicted)
        return shown, counts


def _clustered(
    groups: Iterable[Group], thresholds: Thresholds, readings: Mapping[str, Reading] | None, memory: Memory | None
) -> tuple[_Table, list[list[int]], dict[int, bool]] | None:
    """The table of the groups' sentences, its groups of linked rows and the
    conflicts known of some (:func:`_cluster`); None: fewer than two sentences."""
    table = _sentences(groups, readings or {})
    if table.count < 2:
        return None
    _weigh(table)
    edges = _links(table, thresholds, memory)
    return (table, *_cluster(table, edges, thresholds, memory))


def claims_merged(claims: Iterable[Claim]) -> int:
    """Sentences folded into another's wording: what a page no longer repeats."""
    return sum(len(c.sources) - 1 for c in claims)


class Counts(msgspec.Struct, frozen=True, gc=False):
    """What a topic's claims add up to, for the run's report: how many, the
    sentences merged into them (:func:`claims_merged`), how many have a conflict."""

    claims: int
    merged: int
    conflicts: int

    @classmethod
    def of(cls, claims: Sequence[Claim]) -> Counts:
        return cls(len(claims), claims_merged(claims), sum(1 for c in claims if c.conflicts))


def report(counts: Mapping[str, Counts]) -> dict[str, int]:
    """Counts for the run's report: claims, sentences merged into them, conflicts
    (``counts``: each topic's :class:`Counts`)."""
    found = [counts[slug] for slug in sorted(counts)]
    return {
        "claims": sum(c.claims for c in found),
        "merged": sum(c.merged for c in found),
        "conflicts": sum(c.conflicts for c in found),
    }


# ---------------------------------------------------------------------------
# Reading one sentence

_MULTIPLIERS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
# Multipliers as headlines and business pages shorten them ("$3.3bn", "£5m"):
# "bn" and the like always, "m" and "k" only after a currency sign ("5m" may be
# five metres).
_SHORT_MULTIPLIERS = {"bn": "billion", "mn": "million", "tn": "trillion", "m": "million", "k": "thousand"}
_ALWAYS_MULTIPLIERS = frozenset(["bn", "mn", "tn"])
_SHORT = re.compile(r"[mk]\b")  # a multiplier that only a currency makes one
_DIGIT = re.compile(r"[0-9]")
# Every date this module reads holds a year or a month name as a word of its
# own ("relative" and weekday phrases are skipped): a sentence whose words
# include none of these is passed over at C speed (a set test).
_DATE_TOKENS = frozenset(
    [str(year) for year in range(1600, 2100)]
    + [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    + ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
)
# A currency before the number: a sign, or the code news copy writes for it
# ("RMB3.2 million", "US$560,000", "USD 5bn"); what each counts in.
_CURRENCY = {
    "$": "dollar",
    "£": "pound",
    "€": "euro",
    "¥": "yuan",
    "US$": "dollar",
    "RMB": "yuan",
    "CNY": "yuan",
    "USD": "dollar",
    "GBP": "pound",
    "EUR": "euro",
}
# Currencies written as words after the number: "m" and "k" before one are
# multipliers too ("3.6m yuan", "£5m" alike), as after a currency sign.
_CURRENCY_WORDS = frozenset(["yuan", "renminbi", "dollar", "dollars", "pound", "pounds", "euro", "euros", "yen"])
# A currency code holding the number it precedes ("RMB3", a token): a figure, not a word or a name.
_CODED = re.compile(r"(?:RMB|CNY|USD|GBP|EUR)[0-9]")
# A code written apart from its number ("RMB 3.2 million"): not a word or a name
# there, though the same letters are elsewhere ("the e-CNY wallet").
_CODES = frozenset(["RMB", "CNY", "USD", "GBP", "EUR"])
_PRONOUNS = frozenset(["it", "its", "he", "she", "his", "her", "they", "them", "their", "this", "these", "those"])
_NUMBER = re.compile(
    r"(?<![\w.,$])(?:(?P<cur>[$£€¥]|[A-Z]{1,2}\$)|(?P<code>RMB|CNY|USD|GBP|EUR)\s?)?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?(?![0-9])"
    r"(?:\s*(?P<pct>%|per\s?cent\b))?"
    r"(?:\s+(?P<mult>thousand|million|billion|trillion)\b|(?P<abbr>bn|mn|tn|m|k)\b)?"
)
_FOLLOWING = re.compile(r"[\s-]+([A-Za-z][A-Za-z'’-]*)")
_NONE: frozenset[str] = frozenset()
_TOKEN = re.compile(r"\w+(?:'\w+)*")  # explainer.phrases' word
_SKIPPED_DATES = frozenset({"weekday", "relative"})  # "on Friday", "last week": not a figure two sources share
_ABSOLUTE_DATES = frozenset({"day", "month", "year"})  # dated without the published date
_STOP_FORMS = frozenset(phrases.stems(sorted(STOP_WORDS)))
# A closing clause that says who reports the sentence (", officials said.",
# ", according to a notice seen by the Valley Post."): the names in it are the
# sources', not the claim's, and two outlets citing different sources for one
# fact state the same claim. Its stems still count; its names do not.
_ATTRIBUTED = re.compile(
    r",[\"'’”]*\s+(?:according\s+to\b[^,;]*|[^,;]{0,80}?\b(?:said|says|reported|estimated|announced|stated)\b(?:\s+\w+){0,3})"
    r"\s*[.!?]?[\"'’”)]*\s*$"
)
_SAYING = frozenset(["said", "says", "reported", "estimated", "announced", "stated", "according"])  # words it needs


class _Fig(NamedTuple):  # a tuple: made for nearly every sentence, cheaply
    unit: str  # stems of what is counted, head first ("farm bitcoin mine"), a currency, "%", or "date"
    value: str  # "1100", "3.3E+6"; dates "2021", "2021-05", "2021-05-24"
    text: str  # as written


@dataclass(frozen=True)
class Reading:
    """What :func:`find_claims` reads of each of one article's sentences, by
    position in the article. It depends only on the sentence and the
    article's published date, so it is kept with the article in the
    per-article cache: a run that adds one article reads one article's
    sentences, not every topic's."""

    stems: tuple[str, ...]  # each sentence's stems, space-separated, in order of first use
    names: tuple[str, ...]  # the stems of its names (see _read), space-separated
    figures: tuple[tuple[str, ...], ...]  # unit, value and text of each of its figures, in turn
    words: tuple[int, ...]  # how many words it has
    pronoun: tuple[bool, ...]  # it opens with a pronoun
    complete: tuple[bool, ...]  # it opens with a capital and ends like a sentence


def read(article: Article) -> Reading:
    """Every sentence of the article as :func:`find_claims` compares it."""
    published = article.meta.published
    texts = [s.text for s in article.sentences]
    tokens = list(map(_tokens, texts))
    known = _named(tokens)
    rows = [_read(t, published, known, w) for t, w in zip(texts, tokens, strict=True)]
    if not rows:
        return Reading((), (), (), (), (), ())
    stems, names, figures, words, pronoun, complete = zip(*rows, strict=True)
    return Reading(stems, names, figures, words, pronoun, complete)


_Row = tuple[str, str, tuple[str, ...], int, bool, bool]  # one sentence's part of a Reading


def _tokens(text: str, start: int = 0) -> list[str]:
    """The sentence's words as written (explainer.phrases' words), from ``start`` on."""
    return _TOKEN.findall(text.replace("\u2019", "'"), start)


def _named(sentences: Iterable[Sequence[str]]) -> frozenset[str]:
    """The name stems an article writes capitalised after a sentence's first
    word: where the article itself shows a word is a name. A sentence's first
    word is capitalised whatever it is, so it counts as a name only when it is
    one of these ("Suzhou gave away ..." where the article also writes "in
    Suzhou"; never "Police said ..." unless the article writes "Police" as a
    name mid-sentence too)."""
    found: set[str | None] = set()
    for tokens in sentences:
        rest = tokens[1:]
        try:
            found.update(map(_NAME_STEMS.__getitem__, rest))
        except KeyError:
            _learn(rest)
            found.update(map(_NAME_STEMS.__getitem__, rest))
    found.discard(None)
    return frozenset(s for s in found if s is not None)


def _read(text: str, published: date | None, known: frozenset[str] = _NONE, tokens: list[str] | None = None) -> _Row:
    """One sentence: stems, names, figures (flat), words, pronoun, complete.
    ``known``: the article's names (:func:`_named`), which its first word may be."""
    if tokens is None:
        tokens = _tokens(text)  # one pass: words as written
    dated = not _DATE_TOKENS.isdisjoint(tokens)
    figures = _figures(text, published, dated)[0] if dated or _DIGIT.search(text) else ()
    words = tokens if _CODES.isdisjoint(tokens) else _uncoded(tokens)
    try:
        stems = dict.fromkeys(map(_WORD_STEMS.__getitem__, words))  # in order, once each
    except KeyError:
        _learn(words)
        stems = dict.fromkeys(map(_WORD_STEMS.__getitem__, words))
    said = None if _SAYING.isdisjoint(tokens) else _ATTRIBUTED.search(text)
    named = tokens if said is None else tokens[: len(tokens) - len(_tokens(text, said.start()))]
    if words is not tokens:
        named = _uncoded(named)
    names = dict.fromkeys(filter(None, map(_NAME_STEMS.get, named[1:])))
    if tokens:
        first = _NAME_STEMS.get(tokens[0])
        if first is not None and (first in known or _opens_name(text, named, first)):
            names = {first: None, **names}
    return (
        " ".join(filter(None, stems)),  # stems are never empty: None is what goes
        " ".join(names),
        tuple(chain.from_iterable(figures)),
        len(tokens),
        bool(tokens) and tokens[0].casefold() in _PRONOUNS,
        text[:1].isupper() and text.rstrip("\"'’” )")[-1:] in {".", "!", "?"},
    )


# A sentence that opens with two capitalised words, nothing between them but a
# space: "Carrowmore Water banned ...", "Harwick Citylink is raising ...".
_TWO_CAPITALS = re.compile(r"[\"'‘“(]*[A-Z][\w'’-]* [A-Z]")
_RARE_NAME = 4.5  # a stem weight (8 - Zipf): a word used about 3 times in a million words or fewer


def _uncoded(tokens: Sequence[str]) -> list[str]:
    """The words without a currency code written apart from the number after it."""
    return [t for t, after in zip(tokens, [*tokens[1:], ""], strict=True) if not (t in _CODES and after[:1].isdigit())]


def _opens_name(text: str, named: Sequence[str], first: str) -> bool:
    """Whether the sentence's first word is the first of a name of several
    words: the word after it, capitalised too, is a name, and the first is
    rare in English at large ("Carrowmore Water banned ...": a name as much as
    the second, though the article may never write it alone mid-sentence;
    never "Following Beijing's order", "Yesterday Sichuan ...", "Former
    Governor Wang ...": common words that open a sentence capitalised)."""
    return (
        len(named) > 1
        and _NAME_STEMS.get(named[1]) is not None
        and _TWO_CAPITALS.match(text) is not None
        and stem_weights().get(first, RAREST) > _RARE_NAME
    )


def _fits(reading: Reading | None, article: Article) -> bool:
    """Whether a reading (from the cache: untrusted) can be that article's."""
    if reading is None:
        return False
    paragraphs = filter(Paragraph.__instancecheck__, article.blocks)
    n = sum(map(len, map(_SENTENCES, paragraphs)))  # len(article.sentences), unbuilt
    columns = (reading.stems, reading.names, reading.figures, reading.words, reading.pronoun, reading.complete)
    # Each sentence's figures flat, three strings a figure (the lengths, told apart at C speed, are few).
    return all(len(c) == n for c in columns) and all(k % 3 == 0 for k in set(map(len, reading.figures)))


_SENTENCES = attrgetter("sentences")
_INDEX = attrgetter("index")


# What each word as written gives a sentence: its stem for the comparison
# (None for stop words, numbers and single letters) and, capitalised, its stem
# as a name (None for stop words and month or weekday names). Read once per
# distinct word, as explainer.phrases keeps its stems; bounded the same way.
_WORD_STEMS: dict[str, str | None] = {}
_NAME_STEMS: dict[str, str | None] = {}
_MAX_WORDS = 200_000


def _learn(tokens: Sequence[str]) -> None:
    """File the words not met yet in :data:`_WORD_STEMS` and :data:`_NAME_STEMS`."""
    if len(_WORD_STEMS) > _MAX_WORDS:
        _WORD_STEMS.clear()
        _NAME_STEMS.clear()
    new = sorted(set(tokens).difference(_WORD_STEMS))
    folded = [t.casefold() for t in new]  # as explainer.phrases.words has them
    stop = STOP_WORDS
    for token, word, stem in zip(new, folded, phrases.stems(folded), strict=True):
        coded = _CODED.match(token) is not None  # "RMB3" of "RMB3.2 million": a figure
        content = word not in stop and len(word) > 1 and not word[0].isdigit() and stem not in _STOP_FORMS
        _WORD_STEMS[token] = stem if content and not coded else None
        named = token[0].isupper() and word not in stop and word not in _MONTH_WORDS and not coded
        _NAME_STEMS[token] = stem if named else None


class _Table:
    """A topic's sentences as compared, one column per feature, one row per
    sentence in a fixed order (slug, position) whatever the input order.
    Per-sentence Python objects are made only for the few that need them."""

    def __init__(self) -> None:
        self.count = 0
        self.slugs: list[str] = []
        self.sentences: list[Sentence] = []
        self.published: list[date | None] = []
        self.article: list[int] = []  # the article's number among the topic's (sorted slugs)
        # The columns of a Reading, one entry per row:
        self.stems: list[str] = []
        self.names: list[str] = []
        self.flat: list[tuple[str, ...]] = []  # figures, flat
        self.words: list[int] = []
        self.pronoun: list[bool] = []
        self.complete: list[bool] = []
        # Filled by _weigh:
        self.ids: Any = None  # every sentence's stems, one after another (numbers: their place in sorted order)
        self.start: Any = None  # where each sentence's stems start in ids ...
        self.length: Any = None  # ... and how many it has
        self.weights: Any = None  # the weight of each entry of ids (unit length per sentence)
        self.vocabulary = 1  # how many distinct stems (at least 1: a width)
        self.sorted_keys: Any = None  # sentence * vocabulary + stem, ascending ...
        self.sorted_weights: Any = None  # ... and the weight of each
        self.sig_ids: Any = None  # each sentence's shared stems, rarest first, one after another ...
        self.sig_count: Any = None  # ... and how many each has
        self.timely: Any = None  # for each stem, whether it names a time (:data:`_TIME_STEMS`)
        self.figure_columns: _FigureColumns | None = None  # made by _figure_columns, when first read

    def figures(self, i: int) -> tuple[_Fig, ...]:
        flat = self.flat[i]
        if not flat:
            return ()
        return tuple(_Fig(*flat[k : k + 3]) for k in range(0, len(flat), 3))

    def ref(self, i: int) -> Ref:
        s = self.sentences[i]
        return Ref(self.slugs[i], s.paragraph, s.index, s.text)

    def add(self, slug: str, sentence: Sentence, published: date | None, article: int, row: _Row) -> None:
        """One row, read one sentence at a time."""
        self.slugs.append(slug)
        self.sentences.append(sentence)
        self.published.append(published)
        self.article.append(article)
        self.stems.append(row[0])
        self.names.append(row[1])
        self.flat.append(row[2])
        self.words.append(row[3])
        self.pronoun.append(row[4])
        self.complete.append(row[5])


def _sentences(groups: Iterable[Group], readings: Mapping[str, Reading]) -> _Table:
    """Every sentence once, in a fixed order (slug, position) whatever the input order."""
    found: dict[str, dict[int, tuple[Sentence, Article]]] = {}
    for group in groups:
        article = group.article
        at = found.get(article.slug)
        if at is None:
            at = found[article.slug] = {}
        for run in group.runs:
            for placement in run.placements:
                s = placement.sentence
                if s.index not in at:
                    at[s.index] = (s, article)
    table = _Table()
    for number, slug in enumerate(sorted(slug for slug, at in found.items() if at)):  # a group may be empty
        at = found[slug]
        indices = sorted(at)
        first = at[indices[0]][1]
        reading: Reading | None = readings.get(slug)
        if not _fits(reading, first):
            reading = None
        chosen = [at[i] for i in indices]
        if (
            reading is not None
            and indices[0] >= 0
            and indices[-1] < len(reading.stems)
            and all(a is first for _, a in chosen)
        ):
            # The whole article's rows from its reading, at C speed.
            n = len(indices)
            take = itemgetter(*indices) if n > 1 else itemgetter(slice(indices[0], indices[0] + 1))
            table.slugs.extend(repeat(slug, n))
            table.sentences.extend(s for s, _ in chosen)
            table.published.extend(repeat(first.meta.published, n))
            table.article.extend(repeat(number, n))
            table.stems.extend(take(reading.stems))
            table.names.extend(take(reading.names))
            table.flat.extend(take(reading.figures))
            table.words.extend(take(reading.words))
            table.pronoun.extend(take(reading.pronoun))
            table.complete.extend(take(reading.complete))
            continue
        known: dict[int, frozenset[str]] = {}  # each article's names (:func:`_named`), read when needed
        for index, (sentence, article) in zip(indices, chosen, strict=True):
            published = article.meta.published
            if reading is not None and 0 <= index < len(reading.stems):
                row = (
                    reading.stems[index],
                    reading.names[index],
                    reading.figures[index],
                    reading.words[index],
                    reading.pronoun[index],
                    reading.complete[index],
                )
            else:
                names = known.get(id(article))
                if names is None:
                    names = known[id(article)] = _named(_tokens(s.text) for s in article.sentences)
                row = _read(sentence.text, published, names)
            table.add(slug, sentence, published, number, row)
    table.count = len(table.slugs)
    return table


def _figures(text: str, published: date | None, dated: bool = True) -> tuple[tuple[_Fig, ...], list[tuple[int, int]]]:
    """The sentence's dates (when ``dated``: it has a year or a month name)
    and numbers, and where they are written."""
    found: list[_Fig] = []
    spans: list[tuple[int, int]] = []
    for match in timeline._candidates(text) if dated else ():
        kind = str(match.lastgroup)
        if kind in _SKIPPED_DATES or (kind == "bare_month" and not match.group("prep")):
            continue
        if published is None and kind not in _ABSOLUTE_DATES:
            continue  # "in April", no year and no published date: the Timeline leaves it out too
        when = timeline._resolve(kind, match.group(kind), published)
        if when is None:
            continue
        start = when.start
        value = {"year": f"{start.year}", "month": f"{start:%Y-%m}"}.get(when.precision, f"{start:%Y-%m-%d}")
        found.append(_Fig("date", value, match.group(kind)))
        spans.append(match.span())
    # A number written over a date or over the figure before it (whose run of words
    # may reach a code, "RMB3") is not one. Dates are found left to right, apart, so
    # the one to look at is the first that ends after the number begins; of the
    # figures before, only the last can reach it (one that did not reach the last
    # ended before it began). One look each, not a pass over every earlier figure.
    date_spans = spans[:]
    date_ends = [b for _, b in date_spans]
    previous: tuple[int, int] | None = None  # where the number before was written
    before: _Number | None = None  # and what it was
    for number in map(_digits, _NUMBER.finditer(text)):
        begin, end, cur, value, pct, scale = number
        at = bisect_right(date_ends, begin)
        if (at < len(date_spans) and date_spans[at][0] < end) or (
            previous is not None and previous[0] < end and begin < previous[1]
        ):
            continue
        ranged = previous is not None and _joins_range(text, previous[1], begin, previous[0])
        if pct:
            unit = "%"
        elif cur:
            unit = _CURRENCY.get(cur) or cur.casefold()  # "HK$", "S$": a currency of its own
        elif ranged and before is not None and before[2] and not before[4]:
            # "RMB 3-4 million": the currency is written once, before the range, unless
            # the second number counts something of its own ("$3 to 4 times as much")
            short = _SHORT.match(text, end)  # "$3-4m": after the currency's range, "m" is a multiplier too
            unit, after = _unit(text, end)
            if short or not unit:
                unit = found[-1].unit
                if short and not scale:
                    scale = _MULTIPLIERS[_SHORT_MULTIPLIERS[short.group()]]
                    value, end = _decimal(Decimal(value).scaleb(scale)), short.end()
            else:
                end = after
        else:
            unit, end = _unit(text, end)
        if ranged and previous is not None and before is not None and found[-1].unit in ("", unit):
            # "1,100-1,300 people", "between 20 and 30%": one figure, a range, not two; "3-4
            # million" is 3 million to 4 million (a multiplier written once, after the range)
            low = found[-1].value
            if scale and not before[5]:
                low = _decimal(Decimal(low).scaleb(scale))
            begin, value = previous[0], f"{low}-{value}"
            found.pop()
            spans.pop()
        found.append(_Fig(unit, value, text[begin:end].strip()))
        spans.append((begin, end))
        previous = (begin, end)
        before = number
    return tuple(found), spans


# Where it begins and ends, its currency, value, whether a percentage, and the power of ten of its multiplier.
_Number = tuple[int, int, str | None, str, bool, int]


def _digits(match: re.Match[str]) -> _Number:
    """A number written in digits (:data:`_NUMBER`)."""
    cur, code, whole, frac, pct, mult, short = match.groups()
    cur = cur or code
    end = match.end()
    if short and not (cur or short in _ALWAYS_MULTIPLIERS or _currency_follows(match.string, end)):
        end = match.start("abbr")  # not a multiplier: not part of the figure
    elif short:
        mult = _SHORT_MULTIPLIERS[short]
    scale = _MULTIPLIERS.get(mult, 0)
    if frac or mult:
        number = Decimal(whole.replace(",", "") + "." + (frac or "0")).scaleb(scale)
        value = _decimal(number)
    else:
        value = whole.replace(",", "").lstrip("0") or "0"
    return match.start(), end, cur, value, bool(pct), scale


def _decimal(number: Decimal) -> str:
    """A value as figures are compared: "3300000", "4.5"."""
    return f"{number.normalize():f}" if number == number.to_integral_value() else str(number.normalize())


def _currency_follows(text: str, end: int) -> bool:
    """Whether a currency written as a word follows ("3.6m yuan")."""
    following = _FOLLOWING.match(text, end)
    return following is not None and following.group(1).casefold() in _CURRENCY_WORDS


_RANGE = re.compile(r"\s*[-–—]\s*|\s+to\s+")
_BETWEEN = re.compile(r"\s+and\s+")


def _joins_range(text: str, end: int, start: int, first: int) -> bool:
    """Whether what lies between two numbers makes them one range: a dash or
    "to" ("1,100-1,300", "3 to 5"), or "and" after "between"."""
    between = text[end:start]
    if _RANGE.fullmatch(between):
        return True
    return bool(_BETWEEN.fullmatch(between)) and text[:first].rstrip().casefold().endswith("between")


_RUN = 4  # words read after a number for what it counts


def _unit(text: str, end: int) -> tuple[str, int]:
    """What a number counts, as stems, the head first: the run of words after
    it, up to a stop word or anything but a word ("26 bitcoin mining farms to
    ..." -> "farm bitcoin mine", "4,000 Harlow Motors workers" -> "worker",
    "34 broadband users" -> "user broadband"); "" when no word follows ("4
    million in October").

    English puts what is counted last in a noun phrase, after what describes
    it, and writes it plural: the head is the run's first word written plural
    in lower case, else its last word, and the run ends there. Capitalised
    words name a maker, place or firm, not what is counted: they are left out
    unless nothing else is there. A word ending in "-ed" after the first ends
    the run (a verb: "1,100 people suspected of ..."), and words that describe
    rather than name (:data:`_COUNTED_OVER`) are passed over. Two sources
    count the same thing when their runs share a word (:func:`_unit_words`):
    "43 broadband customers" and "34 broadband users"."""
    run: list[tuple[str, int, bool, bool]] = []  # stem, where it ends, a plural in lower case, capitalised
    read = end
    for _ in range(_RUN):
        following = _FOLLOWING.match(text, read)
        if following is None:
            break
        written = following.group(1)
        known = _UNIT_WORDS.get(written)
        if known is None:
            known = _unit_word(written)
        stop, verb, stem, plural, capital = known
        if stop or (run and verb):
            break
        read = following.end()
        if stem is not None:
            run.append((stem, read, plural, capital))
    if not run:
        return "", end
    head = next((n for n, r in enumerate(run) if r[2]), len(run) - 1)
    stem, end = run[head][0], run[head][1]
    described = [r[0] for r in run[:head] if not r[3]]
    return " ".join(dict.fromkeys([stem, *described])), end


_UnitWord = tuple[bool, bool, str | None, bool, bool]
_UNIT_WORDS: dict[str, _UnitWord] = {}  # few distinct words follow numbers: bounded in practice


def _unit_word(written: str) -> _UnitWord:
    """What :func:`_unit` needs of a word as written, kept: a stop word, ends
    in "-ed", its stem (None: passed over), a plural in lower case, capitalised."""
    word = written.casefold()
    stem: str | None = None
    if len(word) > 1:
        stem = phrases.stems([word])[0]
        if stem in _COUNTED_OVER:
            stem = None
    capital = written[0].isupper()
    if len(_UNIT_WORDS) > _MAX_WORDS:
        _UNIT_WORDS.clear()
    known = _UNIT_WORDS[written] = (
        word in STOP_WORDS,
        word.endswith("ed"),
        stem,
        not capital and _plural(word),
        capital,
    )
    return known


def _unit_words(unit: str) -> list[str]:
    """The words of a figure's unit (:func:`_unit`) it is compared by: a date's
    is "date", a number without a word's is ""."""
    return unit.split() or [""]


# Plurals English does not write with -s (what news most often counts); a
# word ending in -ss, -us or -is is taken as singular ("glass", "bus", "crisis").
_IRREGULAR_PLURALS = frozenset(["people", "children", "men", "women", "police", "staff", "personnel", "cattle"])


def _plural(word: str) -> bool:
    """Whether a lower-case word reads as a plural noun."""
    return word in _IRREGULAR_PLURALS or (word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")))


# Words that describe what is counted rather than name it: "1,100 crypto
# miners" counts miners. (Stems; the list is of English, not of any topic.)
_COUNTED_OVER = frozenset(phrases.stems(["more", "new", "small", "large", "big", "other", "local", "total"]))

# Words that say when a figure holds, beyond the dates read as figures: the
# days of the week and the spans of a calendar or a day. Two sentences giving
# different values of one count, each at a time the other does not name, are
# two moments of a series ("rose 1.2 metres on Saturday", "rose 1.9 metres on
# Sunday"), not sources that disagree. (Stems; the list is of English.)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_SPANS = ["day", "week", "weekend", "fortnight", "month", "quarter", "season", "decade", "hour"]
_TIMES_OF_DAY = ["morning", "afternoon", "evening", "night", "today", "yesterday", "tomorrow"]
_TIME_STEMS = frozenset(phrases.stems([*_WEEKDAYS, *_SPANS, *_TIMES_OF_DAY]))


_MONTH_WORDS = frozenset(timeline._MONTHS | timeline._WEEKDAY_WORDS)


# ---------------------------------------------------------------------------
# How much a word two sentences share says: its rarity in English at large
#
# Not its rarity in the topic: in a topic of a few articles, the words of the
# claim they all report are the topic's commonest, and weighing them down
# hid the claims (the story sets of tests/eval/claims: pair recall 43% with
# TF-IDF over the topic, 83% with these weights). A weight that does not move
# with the corpus also lets a pair of sentences be judged on its own.

_WORDLIST = "small_en.msgpack.gz"  # wordfreq's English words down to about once per million
_COMMONEST = 8.0  # Zipf value (log10 of uses per billion words) of the commonest words, "the"
_LISTED_DOWN_TO = 3.0  # the list's rarest words are used about once per million (Zipf 3)
RAREST = _COMMONEST - _LISTED_DOWN_TO  # the weight of a word the list does not have
_LEAST = 0.5  # the weight of a word about as common as "the"
_FEWEST_STEMS = 10_000  # the small English list gives about 18,000


@cache
def stem_weights() -> dict[str, float]:
    """Each stem's weight: how many powers of ten rarer than the commonest
    English words its commonest form is (``8 - Zipf``), from wordfreq's
    English list (read from the package's data file, not through its
    tokenizers: one small file, at C speed). A stem the list lacks weighs
    :data:`RAREST`."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ExplainerError("the wordfreq package is not installed (run make, which installs requirements.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / _WORDLIST
    try:
        data = msgspec.msgpack.decode(gzip.decompress(path.read_bytes()))
    except (OSError, ValueError, EOFError, zlib.error, msgspec.DecodeError) as exc:
        raise ExplainerError(f"{path}: cannot read wordfreq's word list ({exc})") from None
    if not isinstance(data, list) or not data or data[0] != {"format": "cB", "version": 1}:
        raise ExplainerError(f"{path}: not a wordfreq word list of the version this code reads")
    buckets = [[w for w in bucket if isinstance(w, str)] if isinstance(bucket, list) else [] for bucket in data[1:]]
    stems = iter(phrases.stems_once(list(chain.from_iterable(buckets))))
    weights: dict[str, float] = {}
    for centibels, bucket in enumerate(buckets):  # at index i: words used 10 ** (-i / 100) of the time, commonest first
        weight = max(_LEAST, _COMMONEST - (9.0 - centibels / 100))  # 9 + log10(frequency) is the Zipf value
        for stem in islice(stems, len(bucket)):
            weights.setdefault(stem, weight)  # a stem weighs what its commonest form does
    if len(weights) < _FEWEST_STEMS:  # a damaged list would make every word weigh alike, silently
        raise ExplainerError(f"{path}: wordfreq's word list holds too few words ({len(weights)} stems)")
    return weights


# ---------------------------------------------------------------------------
# Weights and links
#
# The columns are numpy arrays: every candidate pair is scored at once. Each
# sum is taken as the plain Python one was, term by term in the earlier
# sentence's order of stems (0.0 for a stem the other lacks, which leaves a
# sum unchanged), so every score has the same bits in every run and on every
# platform, and ties break the same way.


def _weigh(table: _Table) -> None:
    """Each sentence's vector (binary terms weighed by :func:`stem_weights`,
    unit length) and its stems from rarest to commonest in the topic."""
    np = _numpy()
    # Each distinct wording's stems are split and numbered once: a topic's
    # articles repeat many sentences word for word.
    distinct = list(dict.fromkeys(table.stems))
    per = list(map(str.split, distinct))
    count = table.count
    for attempt in range(2):
        vocabulary = sorted(set(chain.from_iterable(per)))  # a stem's number: its place in sorted order
        number = {stem: n for n, stem in enumerate(vocabulary)}  # (so tuples of numbers compare as the stems do)
        numbered = dict(zip(distinct, [tuple(map(number.__getitem__, stems)) for stems in per], strict=True))
        rows = list(map(numbered.__getitem__, table.stems))
        length = np.fromiter(map(len, rows), dtype=np.int64, count=count)
        ids = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(length.sum()))
        start = np.zeros(count, dtype=np.int64)
        np.cumsum(length[:-1], out=start[1:])
        row = np.repeat(np.arange(count, dtype=np.int64), length)
        entry_key = row * max(len(vocabulary), 1) + ids
        sort = np.argsort(entry_key, kind="stable")
        table.sorted_keys = entry_key[sort]
        if attempt or not np.any(table.sorted_keys[1:] == table.sorted_keys[:-1]):
            break
        per = [list(dict.fromkeys(s)) for s in per]  # a stem twice in a sentence: only from a planted cache entry
    df = np.bincount(ids, minlength=len(vocabulary))
    weight, unlisted = stem_weights(), RAREST
    raw = np.array([weight.get(stem, unlisted) for stem in vocabulary], dtype=np.float64)[ids]
    squares = _running_sums(np, raw * raw, start, length)
    norm = np.sqrt(squares)
    norm[norm == 0.0] = 1.0
    table.ids, table.start, table.length, table.vocabulary = ids, start, length, max(len(vocabulary), 1)
    table.timely = np.array([stem in _TIME_STEMS for stem in vocabulary], dtype=bool)
    table.weights = raw / norm[row]
    table.sorted_weights = table.weights[sort]
    # Rarest first, ties by stem; only stems two sentences share.
    shared = df[ids] > 1
    rank = df[ids] * len(vocabulary) + ids
    kept = np.flatnonzero(shared)
    kept = kept[np.argsort(row[kept] * (len(vocabulary) * (table.count + 2)) + rank[kept])]  # distinct: one sort
    table.sig_ids = ids[kept]
    table.sig_count = np.bincount(row[kept], minlength=count)


def _running_sums(np: Any, values: Any, start: Any, length: Any) -> Any:
    """Per row, the sum of its values left to right (as :func:`explainer.sums.added`
    adds them): one vectorised addition per column."""
    sums = np.zeros(len(length), dtype=np.float64)
    longest = int(length.max()) if len(length) else 0
    for k in range(longest):
        rows = np.flatnonzero(length > k)
        sums[rows] += values[start[rows] + k]
    return sums


_WIDEST = 64  # signatures longer than this (a planted cache entry) are sorted in Python


def _by_signature(np: Any, table: _Table) -> Any:
    """The sentences by their signatures (shared stems, rarest first) as
    tuples compare, ties by position: each signature a row of a table padded
    with -1 (a prefix comes first), sorted column by column."""
    n, count = table.count, table.sig_count
    widest = int(count.max()) if n else 0
    start = np.zeros(n, dtype=np.int64)
    np.cumsum(count[:-1], out=start[1:])
    if widest > _WIDEST:
        listed = table.sig_ids.tolist()
        sigs = [tuple(listed[a : a + c]) for a, c in zip(start.tolist(), count.tolist(), strict=True)]
        return np.array(sorted(range(n), key=sigs.__getitem__), dtype=np.int64)
    padded = np.full((widest, n), -1, dtype=np.int64)
    row = np.repeat(np.arange(n, dtype=np.int64), count)
    padded[np.arange(len(row), dtype=np.int64) - start[row], row] = table.sig_ids
    return np.lexsort((np.arange(n, dtype=np.int64), *padded[::-1]))


class _FigureColumns(NamedTuple):
    """Every figure of a topic's sentences, one after another by row, as
    numbers: the unit and value strings each numbered in order of first use
    (as dict.fromkeys numbers them over every figure in turn)."""

    given: Any  # how many figures each row gives
    unit: Any  # each figure's unit string's number ...
    value: Any  # ... and its value string's
    units: list[str]  # the unit strings, by number
    values: list[str]  # the value strings, by number


def _figure_columns(np: Any, table: _Table) -> _FigureColumns:
    """:class:`_FigureColumns` of the table (made once: :func:`_links` and
    :func:`_figure_rules` both read them). Each distinct row of figures is
    read once in Python (a topic's articles repeat many sentences word for
    word) and spread over the rows that give it in numpy."""
    if table.figure_columns is not None:
        return table.figure_columns
    forms = {flat: k for k, flat in enumerate(dict.fromkeys(table.flat))}  # each distinct row of figures
    units = {u: k for k, u in enumerate(dict.fromkeys(chain.from_iterable(flat[0::3] for flat in forms)))}
    values = {v: k for k, v in enumerate(dict.fromkeys(chain.from_iterable(flat[1::3] for flat in forms)))}
    n, d = table.count, len(forms)
    form = np.fromiter(map(forms.__getitem__, table.flat), dtype=np.int64, count=n)
    form_given = np.fromiter(map(len, forms), dtype=np.int64, count=d) // 3
    form_unit = np.fromiter(chain.from_iterable(map(units.__getitem__, f[0::3]) for f in forms), dtype=np.int64)
    form_value = np.fromiter(chain.from_iterable(map(values.__getitem__, f[1::3]) for f in forms), dtype=np.int64)
    form_start = np.zeros(d, dtype=np.int64)
    np.cumsum(form_given[:-1], out=form_start[1:])
    given = form_given[form] if n else np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(n, dtype=np.int64), given)
    offset = np.zeros(n, dtype=np.int64)
    np.cumsum(given[:-1], out=offset[1:])
    entry = form_start[form][owner] + (np.arange(len(owner), dtype=np.int64) - offset[owner])
    found = _FigureColumns(given, form_unit[entry], form_value[entry], list(units), list(values))
    table.figure_columns = found
    return found


def _links(table: _Table, thresholds: Thresholds, memory: Memory | None = None) -> tuple[Any, Any, Any]:
    """(cosine, i, j) of every candidate pair that states the same claim, as
    three arrays, strongest first (then by position). With ``memory``, the
    pairs its sealed verdicts judged (:func:`_judged`) are taken as judged,
    only the others scored and judged, and this run's verdicts recorded."""
    np = _numpy()
    n = table.count
    order = _by_signature(np, table)
    # Each sentence is filed under its rarest stems and its figures; each list
    # holds places in that order, and a sentence meets its next `window`
    # neighbours in each list.
    placed = np.array(order, dtype=np.int64)
    place = np.empty(n, dtype=np.int64)
    place[placed] = np.arange(n, dtype=np.int64)
    row = np.repeat(np.arange(n, dtype=np.int64), table.sig_count)
    start = np.zeros(n, dtype=np.int64)
    np.cumsum(table.sig_count[:-1], out=start[1:])
    first = np.flatnonzero(np.arange(len(row), dtype=np.int64) - start[row] < thresholds.rare)
    # A month's dates together; a number whatever it counts; each sentence's
    # values once. (Which number a value gets does not matter: the lists are
    # only compared within themselves, and every (list, place) is distinct.)
    figures = _figure_columns(np, table)
    numbered = {v: k for k, v in enumerate(figures.values)}  # a date is filed by its month: that string's number
    truncated = np.fromiter(
        (numbered.setdefault(v[:7], len(numbered)) for v in figures.values), dtype=np.int64, count=len(figures.values)
    )
    date = figures.units.index("date") if "date" in figures.units else -1
    values = (
        np.where(figures.unit == date, truncated[figures.value], figures.value) if len(truncated) else figures.value
    )
    width = max(len(numbered), 1)
    owner = np.repeat(np.arange(n, dtype=np.int64), figures.given)
    filing = _distinct(np, owner * width + values)
    key = np.concatenate((table.sig_ids[first], table.vocabulary + filing % width))
    at = np.concatenate((place[row[first]], place[filing // width]))
    sort = np.argsort(key * max(n, 1) + at)  # (list, place) pairs are distinct: one sort, as lexsort orders them
    key, at = key[sort], at[sort]
    found = []
    for gap in range(1, thresholds.window + 1):
        same = np.flatnonzero(key[gap:] == key[:-gap])
        x, y = placed[at[same]], placed[at[same + gap]]
        found.append(np.maximum(x, y) * n + np.minimum(x, y))
    codes = _distinct(np, np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    lo, hi = codes % n, codes // n  # by the later sentence: what _scores looks up stays close in memory
    article = np.array(table.article, dtype=np.int64)
    apart = article[lo] != article[hi]  # one article's sentences are never linked
    lo, hi = lo[apart], hi[apart]
    known = _judged(np, table, thresholds, memory)
    if known is None:
        kept, score = _judge(np, table, lo, hi, thresholds)
    else:
        codes, flags, scores = known
        at = np.minimum(np.searchsorted(codes, hi * n + lo), max(len(codes) - 1, 0))
        hit = codes[at] == hi * n + lo if len(codes) else np.zeros(len(lo), dtype=bool)
        judge = np.flatnonzero(~hit)
        found, found_score = _judge(np, table, lo[judge], hi[judge], thresholds)
        chosen = np.flatnonzero(hit)[flags[at[hit]]]
        kept = np.sort(np.concatenate((chosen, judge[found])))
        score = np.zeros(len(lo), dtype=np.float64)
        score[chosen] = scores[at[chosen]]
        score[judge[found]] = found_score
        score = score[kept]
    if memory is not None:
        memory.judgement = (hi * n + lo, kept, score)
    lo, hi = lo[kept], hi[kept]
    strongest = np.lexsort((hi, lo, -score))
    return score[strongest], lo[strongest], hi[strongest]


def _judge(np: Any, table: _Table, lo: Any, hi: Any, thresholds: Thresholds) -> tuple[Any, Any]:
    """Which of the pairs state one claim (where they are among the pairs,
    ascending) and their scores: close enough (:func:`_scores`), then the
    rules (:func:`_rules`). Each pair's verdict follows from its two sentences."""
    score, shared = _scores(np, table, lo, hi)
    near = np.flatnonzero((shared >= thresholds.shared) & (score >= thresholds.lowest))
    keep = _rules(np, table, lo[near], hi[near], score[near], thresholds)
    return near[keep], score[near][keep]


def _judged(np: Any, table: _Table, thresholds: Thresholds, memory: Memory | None) -> tuple[Any, Any, Any] | None:
    """The last run's sealed verdicts (:class:`explainer.grouping.Verdicts`)
    on pairs of this table's rows (:func:`explainer.grouping.judged`), if
    ``memory`` has them and they were judged by these thresholds."""
    last = memory.verdicts if memory is not None else None
    if last is None or last.rule != repr(thresholds):
        return None
    assert memory is not None
    positions = np.fromiter(map(_INDEX, table.sentences), dtype=np.int64, count=table.count)
    rows = grouping.remap(last, table.slugs, positions, memory.keys)
    return grouping.judged(last, rows, table.count) if rows is not None else None


_CHUNK = 200_000  # pairs scored at once: bounds the memory the arrays take
# Sentences times stems up to which each pair's stems are looked up in a
# table of every (sentence, stem) weight (8 bytes a cell: 34 MB at most)
# rather than searched for in the sorted entries: the same weights, found
# without a binary search. (A benchmark topic: 16,000 sentences, 130 stems.)
_DENSE = 1 << 22


def _scores(np: Any, table: _Table, lo: Any, hi: Any) -> tuple[Any, Any]:
    """Each pair's cosine, summed in the earlier sentence's order of stems,
    and how many stems the two share."""
    width = table.vocabulary
    longest = int(table.length.max()) if table.count else 0
    if table.count * (width + 1) <= _DENSE and longest <= _PADDED and len(lo) >= table.count:
        return _dense_scores(np, table, lo, hi, longest)  # (for fewer pairs than rows, the table costs more)
    sorted_keys, sorted_weights = table.sorted_keys, table.sorted_weights
    scores, shared = [], []
    for begin in range(0, len(lo), _CHUNK):
        a, b = lo[begin : begin + _CHUNK], hi[begin : begin + _CHUNK]
        count = table.length[a]
        offset = np.zeros(len(a), dtype=np.int64)
        np.cumsum(count[:-1], out=offset[1:])
        pair = np.repeat(np.arange(len(a), dtype=np.int64), count)
        entry = table.start[a][pair] + (np.arange(len(pair), dtype=np.int64) - offset[pair])
        query = b[pair] * width + table.ids[entry]
        where = np.minimum(np.searchsorted(sorted_keys, query), max(len(sorted_keys) - 1, 0))
        hit = sorted_keys[where] == query if len(sorted_keys) else np.zeros(len(query), dtype=bool)
        other = np.where(hit, sorted_weights[where] if len(sorted_keys) else 0.0, 0.0)
        scores.append(_running_sums(np, table.weights[entry] * other, offset, count))
        shared.append(np.bincount(pair, weights=hit, minlength=len(a)))
    if not scores:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(scores), np.concatenate(shared)


_PADDED = 64  # stems in the longest sentence up to which _dense_scores is used (more: a planted cache entry)


def _dense_scores(np: Any, table: _Table, lo: Any, hi: Any, longest: int) -> tuple[Any, Any]:
    """:func:`_scores` for a topic whose (sentence, stem) weights fit in one
    table: each pair's k-th term is the earlier sentence's k-th stem's weight
    times the later one's weight for that stem (0.0 if it lacks it), taken
    for all pairs at once, k = 0, 1, ... The pairs are taken longest earlier
    sentence first (a stable sort: by the later sentence within a length), so
    the k-th terms are those of a first run of pairs: a pair whose earlier
    sentence has no k-th stem adds nothing, which leaves its sum as the
    plain one has it, term by term in the earlier sentence's order. Every
    weight is positive, so a term's other weight is not 0.0 exactly where the
    later sentence has the stem: the stems in common are counted from it."""
    n, width = table.count, table.vocabulary
    row = np.repeat(np.arange(n, dtype=np.int64), table.length)
    cell = row * width + table.ids
    weight = np.zeros(n * width, dtype=np.float64)
    weight[cell] = table.weights
    column = np.arange(len(row), dtype=np.int64) - table.start[row]
    ids = np.zeros((longest, n), dtype=np.int64)  # each sentence's k-th stem, one row per k
    ids[column, row] = table.ids
    own = np.zeros((longest, n), dtype=np.float64)
    own[column, row] = table.weights
    span = table.length[lo]
    order = np.argsort(-span, kind="stable")
    first, base = lo[order], hi[order] * width
    # How many pairs have a k-th term, k = 0, 1, ...: a first run of them.
    runs = np.searchsorted(-span[order], -np.arange(longest, dtype=np.int64), side="left").tolist()
    scores = np.zeros(len(lo), dtype=np.float64)
    shared = np.zeros(len(lo), dtype=np.int64)
    for k, count in enumerate(runs):
        if not count:
            break
        at = first[:count]
        other = weight[base[:count] + ids[k][at]]
        scores[:count] += own[k][at] * other
        shared[:count] += other > 0.0
    found, common = np.empty_like(scores), np.empty(len(lo), dtype=np.float64)
    found[order] = scores
    common[order] = shared
    return found, common


def _rules(np: Any, table: _Table, lo: Any, hi: Any, score: Any, thresholds: Thresholds) -> Any:
    """Which of the close pairs state one claim: the names they capitalise
    overlap (when both have some), and the cosine reaches the threshold their
    figures call for (:func:`_figure_rules`). A mask over the pairs."""
    distinct = list(dict.fromkeys(table.names))  # each distinct row of names read once: few are
    per = list(map(str.split, distinct))
    number = {name: n for n, name in enumerate(dict.fromkeys(chain.from_iterable(per)))}
    numbered = dict(zip(distinct, [tuple(map(number.__getitem__, names)) for names in per], strict=True))
    rows = list(map(numbered.__getitem__, table.names))
    length = np.fromiter(map(len, rows), dtype=np.int64, count=table.count)
    ids = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=int(length.sum()))
    row = np.repeat(np.arange(table.count, dtype=np.int64), length)
    names = _Sets(np, table.count, row, ids, len(number))  # distinct (a cache entry is untrusted)
    ca, cb = names.count[lo], names.count[hi]
    pair, name = names.spread(np, lo)
    common = np.bincount(pair, weights=names.has(np, hi[pair], name), minlength=len(lo)).astype(np.int64)
    keep = ~((ca > 0) & (cb > 0) & (common == 0))  # both name someone, and not the same

    agree, differ, apart, moved, shifted, other, anchor = _figure_rules(np, table, lo, hi, keep)
    keep &= ~other  # figures that cannot be one claim's: other years, or counts of different things
    # Another count at another time (another date, or "on Sunday" beside "on
    # Saturday"), and no figure agreeing: two moments of a series.
    series = moved & ~agree & shifted
    timed = np.flatnonzero(keep & moved & ~agree & ~shifted)
    series[timed] = _times_apart(np, table, lo[timed], hi[timed])
    keep &= ~series
    agree |= common >= _NAMES_AGREE  # only whether any agree is read
    keep &= ~(differ & ~agree & apart)  # every figure different or unmatched: two moments of a series, not one claim
    keep &= ~(differ & ~((common == ca) | (common == cb)))  # another place or person: another claim, not a disagreement
    needed = np.where(differ & ~anchor, thresholds.conflict, np.where(agree, thresholds.anchored, thresholds.plain))
    keep &= score >= needed
    return keep


def _distinct(np: Any, values: Any) -> Any:
    """The distinct integers, ascending (np.unique, by sorting: faster here)."""
    values = np.sort(values)
    if len(values) > 1:
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values


class _Sets:
    """A set of items (numbers below ``width``) for each sentence, as sorted
    keys sentence * width + item: looked up for many pairs at once."""

    def __init__(self, np: Any, count: int, rows: Any, items: Any, width: int):
        self.width = width = max(width, 1)
        self.keys = keys = _distinct(np, rows * width + items)
        self.items = keys % width
        self.count = np.bincount(keys // width, minlength=count)
        self.start = np.zeros(count, dtype=np.int64)
        np.cumsum(self.count[:-1], out=self.start[1:])
        self.cells = count * width
        self.table: Any = None  # every (row, item) as one flag, made when first looked up in (if small enough)

    def spread(self, np: Any, owners: Any) -> tuple[Any, Any]:
        """Every item of each owner's set: (the owner's place in ``owners``, the item)."""
        count = self.count[owners]
        offset = np.zeros(len(owners), dtype=np.int64)
        np.cumsum(count[:-1], out=offset[1:])
        place = np.repeat(np.arange(len(owners), dtype=np.int64), count)
        entry = self.start[owners][place] + (np.arange(len(place), dtype=np.int64) - offset[place])
        return place, self.items[entry]

    def has(self, np: Any, rows: Any, items: Any) -> Any:
        """Whether each row's set holds the item beside it."""
        query = rows * self.width + items
        if not len(self.keys):
            return np.zeros(len(query), dtype=bool)
        if self.cells <= _DENSE and len(query) and int(query.min()) >= 0 and int(query.max()) < self.cells:
            if self.table is None:  # one flag per cell: a lookup, not a binary search
                self.table = np.zeros(self.cells, dtype=bool)
                self.table[self.keys] = True
            return self.table[query]
        where = np.minimum(np.searchsorted(self.keys, query), len(self.keys) - 1)
        return self.keys[where] == query


def _figure_rules(np: Any, table: _Table, lo: Any, hi: Any, wanted: Any) -> tuple[Any, Any, Any, Any, Any, Any, Any]:
    """For every wanted pair at once: whether they agree on a figure (a unit
    both give the same value for, a date within the other's, or a number both
    give whatever word follows it: "1,100 people", "1,100 suspects"), whether
    they differ on one (a unit both give, with no value in common), whether
    each gives a unit the other does not, whether they differ on a count (a
    unit both give that is not a date), whether both give dates and none
    agree, whether their figures say they are two facts, not one claim (below),
    and whether a figure anchors them as one claim even where another
    differs: a number both give, or a date both give to the month or the
    day (a year in common is no anchor: many events share one):

    * both give dates, and no year in common: sources disagree on the day or
      the month of one event, seldom on its year; a date in another year is
      another event or another moment ("again in 2022", "three years later");
    * both give counts, none the same number, and no unit in common: figures
      of two different things ("26 farms", "28 machines"), which would be
      shown as one claim with no conflict flagged: the worst a page can do,
      as it misstates both sources."""
    n = table.count
    figures = _figure_columns(np, table)
    given = figures.given
    units: dict[str, int] = {}
    # One entry per word of each figure's unit (:func:`_unit_words`): its row,
    # the word, the value, and the figure's number (0, 1, ... over all rows).
    # (Unit and value strings numbered in order of first use.)
    values = {v: k for k, v in enumerate(figures.values)}
    count = len(figures.unit)
    string, value = figures.unit, figures.value
    split = [[units.setdefault(w, len(units)) for w in _unit_words(u)] for u in figures.units]
    spread = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
    begin = np.zeros(len(split), dtype=np.int64)
    np.cumsum(spread[:-1], out=begin[1:])
    each = spread[string] if count else np.zeros(0, dtype=np.int64)
    fig = np.repeat(np.arange(count, dtype=np.int64), each)
    offset = np.zeros(count, dtype=np.int64)
    np.cumsum(each[:-1], out=offset[1:])
    entry = begin[string][fig] + (np.arange(len(fig), dtype=np.int64) - offset[fig]) if count else fig
    unit = np.array(list(chain.from_iterable(split)), dtype=np.int64)[entry] if count else fig
    row = np.repeat(np.arange(n, dtype=np.int64), given)[fig]
    value = value[fig]
    date = units.get("date", -1)
    dated = np.flatnonzero(unit == date)
    # Each date and every date it lies within ("2021-05-24": "2021-05", "2021").
    within_rows: list[int] = []
    within: list[int] = []
    dated_values = list(map(figures.values.__getitem__, value[dated].tolist()))
    for r, v in zip(row[dated].tolist(), dated_values, strict=True):
        for k, c in enumerate(v):
            if c == "-":
                within_rows.append(r)
                within.append(values.setdefault(v[:k], len(values)))
    width = len(values)
    pair_code = unit * width + value
    distinct, pair_id = np.unique(pair_code, return_inverse=True)
    pair_unit = distinct // width
    by_unit = _Sets(np, n, row, unit, len(units))
    by_pair = _Sets(np, n, row, pair_id.reshape(-1), len(distinct))
    plain = unit != date
    numbers = _Sets(np, n, row[plain], value[plain], width)
    dates = _Sets(np, n, row[dated], value[dated], width)
    spans = _Sets(
        np,
        n,
        np.concatenate((row[dated], np.array(within_rows, dtype=np.int64))),
        np.concatenate((value[dated], np.array(within, dtype=np.int64))),
        width,
    )

    chosen = np.flatnonzero(wanted & (given[lo] > 0) & (given[hi] > 0))
    a, b, m = lo[chosen], hi[chosen], len(chosen)
    place, item = by_unit.spread(np, a)
    common = np.bincount(place, weights=by_unit.has(np, b[place], item), minlength=m)
    place, item = by_pair.spread(np, a)
    hit = by_pair.has(np, b[place], item) & (pair_unit[item] != date)  # a unit both give the same value for
    agreeing = _distinct(np, place[hit] * max(len(units), 1) + pair_unit[item[hit]]) // max(len(units), 1)
    agreed = np.bincount(agreeing, minlength=m)
    numbers_agreed = agreed.copy()
    same_date = np.zeros(m, dtype=bool)  # a date of one within (or equal to) one of the other's
    place, item = dates.spread(np, a)
    same_date[place[spans.has(np, b[place], item)]] = True
    place, item = dates.spread(np, b)
    same_date[place[spans.has(np, a[place], item)]] = True
    agreed += same_date
    place, item = numbers.spread(np, a)
    number_agrees = np.bincount(place, weights=numbers.has(np, b[place], item), minlength=m) > 0

    # Years: each date's first four characters ("2021-05-24": "2021").
    year = np.array([values.setdefault(v[:4], len(values)) for v in dated_values], dtype=np.int64)
    years = _Sets(np, n, row[dated], year, len(values))
    place, item = years.spread(np, a)
    year_shared = np.bincount(place, weights=years.has(np, b[place], item), minlength=m) > 0
    both_dated = np.zeros(m, dtype=bool)
    if date >= 0:
        both_dated = by_unit.has(np, a, np.full(m, date, dtype=np.int64)) & by_unit.has(np, b, np.full(m, date))
    counts_common = common - both_dated
    precise = np.fromiter((len(v) >= 7 for v in values), dtype=bool, count=len(values))  # "2021-05", "2021-05-24"
    anchor = np.zeros(m, dtype=bool)
    for x, y in ((a, b), (b, a)):
        place, item = dates.spread(np, x)
        anchor[place[spans.has(np, y[place], item) & precise[item]]] = True
    counted = (numbers.count[a] > 0) & (numbers.count[b] > 0)

    agree = np.zeros(len(lo), dtype=bool)
    differ = np.zeros(len(lo), dtype=bool)
    apart = np.zeros(len(lo), dtype=bool)
    moved = np.zeros(len(lo), dtype=bool)
    shifted = np.zeros(len(lo), dtype=bool)
    other = np.zeros(len(lo), dtype=bool)
    anchored = np.zeros(len(lo), dtype=bool)
    anchored[chosen] = anchor | number_agrees
    agree[chosen] = (agreed > 0) | number_agrees
    differ[chosen] = common > agreed
    # Read only where it is used (_rules: differing, and nothing agreeing).
    needed = np.flatnonzero(differ[chosen] & ~agree[chosen])
    x, y = a[needed], b[needed]
    apart[chosen[needed]] = _unmatched(np, by_unit, row, unit, fig, x, y) & _unmatched(
        np, by_unit, row, unit, fig, y, x
    )
    moved[chosen] = counts_common > numbers_agreed
    shifted[chosen] = both_dated & ~same_date
    other[chosen] = (both_dated & ~year_shared) | (counted & ~number_agrees & (counts_common == 0))
    return agree, differ, apart, moved, shifted, other, anchored


def _unmatched(np: Any, by_unit: _Sets, row: Any, unit: Any, fig: Any, a: Any, b: Any) -> Any:
    """For each pair, whether a gives a figure none of whose unit's words b
    gives (entries: ``row``, ``unit`` word and ``fig`` number, by row)."""
    n = len(by_unit.count)
    count = np.bincount(row, minlength=n)
    start = np.zeros(n, dtype=np.int64)
    np.cumsum(count[:-1], out=start[1:])
    spread = count[a]
    offset = np.zeros(len(a), dtype=np.int64)
    np.cumsum(spread[:-1], out=offset[1:])
    place = np.repeat(np.arange(len(a), dtype=np.int64), spread)
    entry = start[a][place] + (np.arange(len(place), dtype=np.int64) - offset[place])
    hit = by_unit.has(np, b[place], unit[entry])
    total = int(fig[-1]) + 1 if len(fig) else 1
    figures = np.bincount(_distinct(np, place * total + fig[entry]) // total, minlength=len(a))
    matched = np.bincount(_distinct(np, place[hit] * total + fig[entry[hit]]) // total, minlength=len(a))
    return figures > matched


def _times_apart(np: Any, table: _Table, lo: Any, hi: Any) -> Any:
    """For each pair, whether each sentence names a time the other does not
    ("on Saturday" and "on Sunday", "in its first week" and "in its first
    month"): words of :data:`_TIME_STEMS`, which are not read as dates."""
    entries = np.flatnonzero(table.timely[table.ids]) if len(table.ids) else np.zeros(0, dtype=np.int64)
    rows = np.repeat(np.arange(table.count, dtype=np.int64), table.length)[entries]
    times = _Sets(np, table.count, rows, table.ids[entries], table.vocabulary)
    own = []
    for x, y in ((lo, hi), (hi, lo)):
        place, item = times.spread(np, x)
        shared = np.bincount(place, weights=times.has(np, y[place], item), minlength=len(x))
        own.append(times.count[x] > shared)
    return own[0] & own[1]


_NAMES_AGREE = 2  # names two sentences share that anchor them as firmly as a figure ("Colin Wu")


def _compatible(x: str, y: str) -> bool:
    """Equal, or one date is within the other ("2021-05" and "2021-05-24")."""
    return x == y or y.startswith(x + "-") or x.startswith(y + "-")


class _Vectors:
    """Sentences' stems and weights as Python values, made on demand: for
    the few pairs :func:`_cluster` scores one at a time."""

    def __init__(self, table: _Table):
        self.table = table
        self.ids: list[int] = table.ids.tolist()
        self.weights: list[float] = table.weights.tolist()
        self.start: list[int] = table.start.tolist()
        self.length: list[int] = table.length.tolist()
        self.vectors: dict[int, dict[int, float]] = {}  # the later sentence's stems: their weights
        self.rows: dict[int, tuple[list[int], list[float]]] = {}  # the earlier one's stems and weights, in order
        self.names: dict[int, frozenset[str]] = {}

    def cosine(self, i: int, j: int, thresholds: Thresholds) -> float | None:
        """The cosine of two sentences of different articles (i before j), if
        it reaches the lowest threshold with enough stems in common and no
        clash of names."""
        table = self.table
        if table.article[i] == table.article[j]:
            return None
        vector = self.vectors.get(j)
        if vector is None:
            b0 = self.start[j]
            b1 = b0 + self.length[j]
            vector = self.vectors[j] = dict(zip(self.ids[b0:b1], self.weights[b0:b1], strict=True))
        row = self.rows.get(i)
        if row is None:
            a0 = self.start[i]
            a1 = a0 + self.length[i]
            row = self.rows[i] = (self.ids[a0:a1], self.weights[a0:a1])
        stems, weights = row
        # In a's order, 0.0 for what b lacks: a term is 0.0 exactly where b
        # lacks the stem (every weight is positive), so the stems in common
        # are the terms that are not 0.0.
        terms = list(map(mul, weights, map(vector.get, stems, repeat(0.0))))
        if len(terms) - terms.count(0.0) < thresholds.shared:
            return None
        # Left to right from 0.0: the sum _scores takes (explainer.sums.added,
        # spelled out: the fastest way).
        score = 0.0
        for term in terms:
            score += term
        if score < thresholds.lowest:
            return None
        mine, theirs = self._names(i), self._names(j)
        if mine and theirs and mine.isdisjoint(theirs):
            return None
        return score

    def _names(self, i: int) -> frozenset[str]:
        found = self.names.get(i)
        if found is None:
            found = self.names[i] = frozenset(self.table.names[i].split())
        return found


def _cluster(
    table: _Table, edges: tuple[Any, Any, Any], thresholds: Thresholds, memory: Memory | None = None
) -> tuple[list[list[int]], dict[int, bool]]:
    """Single-link groups, strongest link first; never two sentences of one
    article. Two groups join only if their seeds (the first sentence of each)
    are close too (:meth:`_Vectors.cosine`), so a chain of near neighbours
    cannot drift far from what the group first said (see
    :mod:`explainer.grouping`). With ``memory``, replayed from the last run's
    grouping where it fits, and this run's recorded (without its conflicts:
    :func:`_recorded` adds them once they are known).

    Also, for each group replayed as the last run's (by its least row),
    whether its claim has a conflict, as the last run found: the same rows
    of the same articles in the same order, so the same answer."""
    score, first, second = edges
    cosine = _Vectors(table).cosine

    def close(i: int, j: int) -> bool:
        return cosine(i, j, thresholds) is not None

    if memory is None:
        return grouping.group(table.article, close, first.tolist(), second.tolist())[0], {}
    found = None
    rule = repr(thresholds)
    np = _numpy()
    positions = np.fromiter(map(_INDEX, table.sentences), dtype=np.int64, count=table.count)
    last = memory.last
    unchanged: dict[int, int] = {}
    if last is not None:
        rows = grouping.remap(last, table.slugs, positions, memory.keys) if last.rule == rule else None
        if rows is not None:
            found = grouping.regroup(table.article, close, first, second, score, rows, last, unchanged)
        memory.refused = found is None
    known: dict[int, bool] = {}
    flagged = grouping.conflicted(last) if found is not None and last is not None else None
    if flagged is not None:
        known = {row: old in flagged for row, old in unchanged.items()}
    groups, joined = found or grouping.group(table.article, close, first.tolist(), second.tolist())
    articles = _articles(table, memory.keys)
    memory.made = grouping.record(rule, articles, positions, edges, joined)
    if memory.judgement is not None:
        memory.verdicts_made = grouping.verdicts(rule, articles, positions, *memory.judgement)
    return groups, known


def _recorded(memory: Memory | None, clusters: list[list[int]], conflicted: Sequence[bool]) -> None:
    """This run's record with the groups whose claims have a conflict (each by its least row)."""
    if memory is not None and memory.made is not None:
        rows = [cluster[0] for cluster, conflict in zip(clusters, conflicted, strict=True) if conflict]
        grouping.mark_conflicted(memory.made, rows)


def _articles(table: _Table, keys: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """Each article's slug, key and number of rows, in row order (a :class:`grouping.Record`'s articles)."""
    return [(slug, keys.get(slug, ""), len(list(rows))) for slug, rows in groupby(table.slugs)]


@dataclass
class Memory:
    """A topic's grouping between runs, for :func:`find_claims`: the last
    run's record (if any) and this run's, once made. ``keys`` names each
    article's text (slug: its key), so that a row is the same sentence as
    the last run's only when its article is unchanged."""

    keys: Mapping[str, str]
    last: grouping.Record | None = None
    made: grouping.Record | None = None
    refused: bool = False  # the last run's record did not fit: grouped from scratch
    verdicts: grouping.Verdicts | None = None  # the last run's, sealed (see :func:`_links`)
    verdicts_made: grouping.Verdicts | None = None  # this run's
    judgement: tuple[Any, Any, Any] | None = None  # this run's verdicts: pair codes, where the kept are, their scores


def _numpy() -> Any:
    """numpy, imported when claims are first looked for (a run with nothing
    to do does not pay for it)."""
    import numpy

    return numpy


# ---------------------------------------------------------------------------
# Claims


_UNDATED = date.max.toordinal()


def _ranks(table: _Table) -> list[int]:
    """Each row's place by date: earliest published first, undated last, then
    slug and position (the order of the rows), as one number per row. A date's
    ordinal is taken once per article, not once per sentence."""
    ordinals = {published: published.toordinal() if published else _UNDATED for published in set(table.published)}
    count = table.count
    return [ordinals[published] * count + i for i, published in enumerate(table.published)]


# A sentence of a claim that gives figures, as the conflicts are chosen: its
# source (a Ref; a row where only whether there is a conflict is asked), its
# row, and the unit, value and text (as _Fig) of each figure its text holds.
# A plain tuple: one is made for nearly every source of every claim.
_S = TypeVar("_S")
_Member = tuple[_S, int, tuple[tuple[str, ...], ...]]


def _assemble(table: _Table, clusters: list[list[int]]) -> list[tuple[int, int, Claim]]:
    """Each cluster as a claim (:func:`_claim`), in the clusters' order, with what claims are sorted by."""
    ranks = _ranks(table)
    return [_claim(table, ranks, cluster) for cluster in clusters]


def _assemble_shown(
    table: _Table, clusters: list[list[int]], most: int, known: Mapping[int, bool]
) -> tuple[tuple[Claim, ...], Counts, list[bool]]:
    """:func:`find_shown`'s claims and counts, and whether each cluster has
    a conflict. That is asked of every cluster not in ``known`` (by its least
    row: the counts and the ranking need it), as :func:`_claim` finds it;
    claims are made only for the clusters whose sources and conflict rank
    them among the first ``most``, and ranked as
    ``explainer.topicpages.leading`` ranks :func:`find_claims`'s: by sources,
    then conflict, then the order found (which is the wording's rank among
    claims of as many sources)."""
    ranks = _ranks(table)
    sizes = list(map(len, clusters))
    conflicted = [
        flag if (flag := known.get(cluster[0])) is not None else _conflicted_cluster(table, ranks, cluster)
        for cluster in clusters
    ]
    counts = Counts(len(clusters), sum(sizes) - len(clusters), sum(conflicted))
    standing = [(-size, not conflict) for size, conflict in zip(sizes, conflicted, strict=True)]
    bound = sorted(standing)[most - 1] if 0 < most < len(standing) else None
    made = [
        _claim(table, ranks, cluster)
        for cluster, stands in zip(clusters, standing, strict=True)
        if most > 0 and (bound is None or stands <= bound)
    ]
    made.sort(key=lambda m: (m[0], not m[2].conflicts, m[1]))
    shown = sorted(made[:most], key=itemgetter(0, 1))  # in the order found
    return tuple(claim for _, _, claim in shown), counts, conflicted


def _claim(table: _Table, ranks: Sequence[int], cluster: list[int]) -> tuple[int, int, Claim]:
    """A cluster as a claim: its sources by date, its conflicts, the clearest
    wording (:func:`_wording`); with what claims are sorted by (fewest
    sources, the wording's rank). Python objects are made only for what a
    claim holds (a :class:`Ref` per source) and for the members that give
    figures."""
    slugs, sentences = table.slugs, table.sentences
    order = sorted(cluster, key=ranks.__getitem__)
    refs = [Ref(slugs[i], s.paragraph, s.index, s.text) for i in order for s in (sentences[i],)]  # (Table.ref, inline)
    figured = _figured(table, order, refs)
    # A figure two members give is what a conflict, and the units the wording
    # is judged by, are made of: with fewer than two members giving any, none.
    conflicts, units = _conflicts(figured) if len(figured) > 1 else ((), frozenset())
    at = _wording(table, order, ranks, figured, units)
    return -len(order), ranks[order[at]], Claim(refs[at], tuple(refs), conflicts)


def _conflicted_cluster(table: _Table, ranks: Sequence[int], cluster: list[int]) -> bool:
    """Whether :func:`_claim` finds a conflict in the cluster: asked of the
    same members in the same order (by date), each by its row."""
    flat = table.flat
    given = sorted([i for i in cluster if flat[i]], key=ranks.__getitem__)
    return len(given) > 1 and _conflicted(_figured(table, given, given))  # (every row of given gives figures)


def _figured(table: _Table, order: Sequence[int], sources: Sequence[_S]) -> list[_Member[_S]]:
    """The members of ``order`` (rows, each with its source) that give
    figures, each with the figures its text holds.

    A figure is shown as its sentence writes it; one whose text the sentence
    does not hold can only come from a forged cache entry: it is left out."""
    flat, sentences = table.flat, table.sentences
    figured: list[_Member[_S]] = []
    for i, source in zip(order, sources, strict=True):
        given = flat[i]
        if not given:
            continue
        text = sentences[i].text
        if len(given) == 3:  # one figure (the most common): the flat tuple is it
            figured.append((source, i, (given,) if given[2] in text else ()))
        else:
            figures = zip(given[0::3], given[1::3], given[2::3], strict=True)
            figured.append((source, i, tuple(f for f in figures if f[2] in text)))
    return figured


def _wording(
    table: _Table, order: list[int], ranks: Sequence[int], figured: list[_Member[Ref]], units: frozenset[str]
) -> int:
    """Where the clearest sentence is in ``order``: the least of its clarity
    (the ranks differ, so there is exactly one). The order of clarity: no
    opening pronoun, the most of the claim's figures (units it states), ends
    like a sentence, fewest words, published first."""
    carried: dict[int, int] = {}  # by row
    if units:
        for _, i, figures in figured:
            if len(figures) == 1:  # (most)
                if figures[0][0] in units:
                    carried[i] = 1
            elif figures:
                carried[i] = len(units.intersection([f[0] for f in figures]))
    pronoun, complete, words = table.pronoun, table.complete, table.words
    keys = [(pronoun[i], -carried.get(i, 0), not complete[i], words[i], ranks[i]) for i in order]
    return keys.index(min(keys))


def _conflicts(members: Sequence[_Member[Ref]]) -> tuple[tuple[Conflict, ...], frozenset[str]]:
    """Every figure two or more members give, with its values grouped; those
    with more than one value are conflicts. Also the units the claim states.

    Units that share a value or a word in the claim are one figure ("1,100
    people", "1,100 suspects", "1,300 people"; "43 broadband customers", "34
    broadband users"): one source's word for what is counted is not a reason
    to miss another's figure. A conflict is named by its unit's head word
    ("number" for numbers no word follows: a name is never empty)."""
    slot, units, stated = _stated(members)
    conflicts = []
    for unit in sorted(stated):
        values, shared = _values(unit, units[unit])
        if len(values) > 1:
            if shared:  # most sources first, then first given (a stable sort)
                values.sort(key=lambda v: -len(v[2]))
            shown = tuple(Figure(text, tuple(refs)) for _, text, refs in values)
            conflicts.append(Conflict(_unit_words(unit)[0] or "number", shown))
    if not stated:
        return (), frozenset()
    # The units the members give (each of them is a key of slot) that are a stated figure's.
    return tuple(conflicts), frozenset(unit for unit, root in slot.items() if root in stated)


def _conflicted(members: Sequence[_Member[_S]]) -> bool:
    """Whether :func:`_conflicts` finds a conflict among the members (their sources unused)."""
    _, units, stated = _stated(members)
    return any(len(_values(unit, units[unit])[0]) > 1 for unit in stated)


def _stated(
    members: Sequence[_Member[_S]],
) -> tuple[dict[str, str], dict[str, list[tuple[_S, str, str]]], frozenset[str]]:
    """Each unit's figure (:func:`_slots`), the (source, value, text) of each
    figure given in each, and those two or more members give."""
    slot = _slots(members)
    units: dict[str, list[tuple[_S, str, str]]] = {}  # slot: (source, value, text) of each figure given
    for ref, _, figures in members:
        if len(figures) == 1:  # (most): a slot of its own
            unit, value, text = figures[0]
            key = slot[unit]
            listed = units.get(key)
            if listed is None:
                units[key] = [(ref, value, text)]
            else:
                listed.append((ref, value, text))
            continue
        counts: dict[str, int] = {}
        for fig in figures:
            counts[slot[fig[0]]] = counts.get(slot[fig[0]], 0) + 1
        for unit, value, text in figures:
            if counts[slot[unit]] == 1:  # two dates in one sentence: which is the claim's is not known
                units.setdefault(slot[unit], []).append((ref, value, text))
    return slot, units, frozenset(unit for unit, given in units.items() if len(given) > 1)


def _values(unit: str, given: Sequence[tuple[_S, str, str]]) -> tuple[list[tuple[str, str, list[_S]]], bool]:
    """A stated figure's values in the order given, each with its text and
    sources (a day within a month agrees with it, the most precise date
    kept), and whether two sources give one value."""
    values: list[tuple[str, str, list[_S]]] = []  # value, text, sources
    exact: dict[str, int] = {}  # a number's place in values: equal numbers at dictionary speed
    shared = False  # whether two sources give one value (else every value has one source, in order)
    for source, value, text in given:
        at = exact.get(value)
        if at is None and unit == "date":  # a day within a month agrees with it
            at = next((n for n, (known, _, _) in enumerate(values) if _compatible(known, value)), None)
        if at is None:
            exact[value] = len(values)
            values.append((value, text, [source]))
        else:
            known, first, refs = values[at]
            refs.append(source)
            if len(value) > len(known):  # the most precise date (max by length: the first of the longest)
                values[at] = (value, first, refs)
            shared = True
    return values, shared


def _slots(members: Sequence[_Member[_S]]) -> dict[str, str]:
    """Each unit's figure in the claim: units that share a number or a word
    (:func:`_unit_words`) are one (named by the first in sorted order: each
    root the least of its set); dates are their own. When no two units share
    a number or a word, each is its own."""
    by_value: dict[str, str] = {}
    by_word: dict[str, str] = {}
    shared: list[tuple[str, str]] = []  # (the first unit given a value or a word, another unit given it)
    seen: dict[str, str] = {}
    for _, _, figures in members:
        for unit, value, _ in figures:
            if unit == "date":
                seen[unit] = unit
                continue
            if unit not in seen:
                seen[unit] = unit
                for word in _unit_words(unit):
                    other = by_word.setdefault(word, unit)
                    if other != unit:
                        shared.append((other, unit))
            other = by_value.setdefault(value, unit)
            if other != unit:
                shared.append((other, unit))
    if not shared:
        return seen
    slot: dict[str, str] = {}

    def find(unit: str) -> str:
        while slot.setdefault(unit, unit) != unit:
            unit = slot[unit]
        return unit

    for unit in seen:
        find(unit)
    for other, unit in shared:
        a, b = sorted((find(other), find(unit)))
        slot[b] = a
    return {unit: find(unit) for unit in slot}


# ---------------------------------------------------------------------------
# Claims kept between runs (see explainer.render.corpus): as JSON data, and
# checked on the way back against the groups they were found in. A sentence
# is kept as its address alone (article slug, position): its paragraph and
# text are taken from the groups' sentence on the way back, so a kept text
# that is not the article's cannot exist, and the state file does not hold
# every sentence of every topic a second time.

_StoredRef = tuple[str, int]  # slug, index
_StoredClaim = tuple[
    _StoredRef, tuple[_StoredRef, ...], tuple[tuple[str, tuple[tuple[str, tuple[_StoredRef, ...]], ...]], ...]
]

KEPT = tuple[_StoredClaim, ...]  # the shape :func:`to_data` gives, as msgspec checks it
# What a topic keeps between runs (explainer.render): the claims its page
# shows (explainer.topicpages.leading), as :func:`to_data` gives them, and the
# :class:`Counts` of all its claims, as (claims, merged, conflicts).
SHOWN = tuple[KEPT, tuple[Position, Position, Position]]


def to_data(claims: Iterable[Claim]) -> list[Any]:
    """Claims as JSON data (:func:`from_data` reads them back)."""

    def ref(r: Ref) -> list[Any]:
        return [r.slug, r.index]

    return [
        [
            ref(c.wording),
            [ref(s) for s in c.sources],
            [[k.unit, [[f.text, [ref(s) for s in f.sources]] for f in k.figures]] for k in c.conflicts],
        ]
        for c in claims
    ]


def from_data(
    data: Any, groups: Iterable[Group], readings: Mapping[str, Reading] | None = None
) -> tuple[Claim, ...] | None:
    """The claims ``data`` holds if they could be the groups' claims, else None.

    The data is untrusted (a state file): every sentence it points at must be
    one of the groups' sentences (its paragraph and text are that sentence's);
    a claim has two or more sources, one per article, its wording among them;
    a figure's text is one its sources give (as :func:`read` reads them: from
    ``readings`` where one fits its article, else read again), each source is
    the claim's, and the figures of a conflict are written differently; no
    sentence is in two claims.

    Membership is tested on the stored addresses, in sets: each names one
    sentence, so two are equal when their Refs are (a list of Refs compared
    one by one was quadratic in a claim's sources)."""
    try:
        stored = msgspec.convert(data, KEPT, strict=True)
    except (msgspec.ValidationError, TypeError, ValueError, RecursionError):
        return None
    return from_kept(stored, groups, readings)


def from_kept(
    stored: Sequence[_StoredClaim], groups: Iterable[Group], readings: Mapping[str, Reading] | None = None
) -> tuple[Claim, ...] | None:
    """:func:`from_data` of data already decoded as :data:`KEPT` (types
    checked in C as the state file was read: see explainer.pagecache).

    Per sentence, only a dictionary look-up and its :class:`Ref` are done in
    Python: the groups' sentences are filed by article at C speed, and a
    figure's text is looked for in its source's figures only once its
    sentence is seen to hold it."""
    known: dict[str, dict[int, Sentence]] = {}  # slug: position: sentence (the last placed, as before)
    articles: dict[str, Article] = {}
    for group in groups:
        slug = group.article.slug
        articles.setdefault(slug, group.article)
        at = known.get(slug)
        if at is None:
            at = known[slug] = {}
        placed = [placement.sentence for run in group.runs for placement in run.placements]
        at.update(zip(map(_INDEX, placed), placed, strict=True))
    refs: dict[_StoredRef, Ref] = {}
    given_figures: dict[_StoredRef, tuple[str, ...]] = {}  # a sentence's figures, flat, as read
    fitting: dict[str, tuple[tuple[str, ...], ...] | None] = {}  # each article's figures, where its reading fits

    def figures_of(item: _StoredRef) -> tuple[str, ...]:
        """The figures the sentence gives, flat, as read (never the kept data's word)."""
        flat = given_figures.get(item)
        if flat is None:
            slug, index = item
            if slug not in fitting:  # checked once per article
                reading = (readings or {}).get(slug)
                fitting[slug] = reading.figures if reading is not None and _fits(reading, articles[slug]) else None
            column = fitting[slug]
            if column is not None and 0 <= index < len(column):
                flat = column[index]
            else:
                flat = _read(known[slug][index].text, articles[slug].meta.published)[2]
            given_figures[item] = flat
        return flat

    nowhere: dict[int, Sentence] = {}
    used: set[_StoredRef] = set()
    claims = []
    for wording, sources, conflicts in stored:
        members: list[Ref] = []
        for source in sources:
            member = refs.get(source)
            if member is None:
                slug, index = source
                sentence = known.get(slug, nowhere).get(index)
                if sentence is None:
                    return None
                member = refs[source] = Ref(slug, sentence.paragraph, index, sentence.text)
            members.append(member)
        given = set(sources)
        if len(members) < 2 or wording not in given:
            return None
        shown = refs[wording]
        if len({slug for slug, _ in sources}) != len(members):  # one sentence per article
            return None
        if not used.isdisjoint(given):  # a sentence in two claims
            return None
        used |= given
        found = []
        for unit, figures in conflicts:
            if not unit or len(figures) < 2:
                return None
            made = []
            if len({text for text, _ in figures}) != len(figures):  # "M vs M": not a disagreement
                return None
            for text, cited in figures:
                if not cited or not given.issuperset(cited):  # each a source of the claim (so a real sentence)
                    return None
                # Written in one of its sources, as one of the figures that source gives.
                if len(cited) == 1:  # (most)
                    ref = refs[cited[0]]
                    if not text or text not in ref.text or text not in figures_of(cited[0])[2::3]:
                        return None
                    made.append(Figure(text, (ref,)))
                    continue
                shown_in = [refs[s] for s in cited]
                if not text or not any(
                    text in ref.text and text in figures_of(s)[2::3] for s, ref in zip(cited, shown_in, strict=True)
                ):
                    return None
                made.append(Figure(text, tuple(shown_in)))
            found.append(Conflict(unit, tuple(made)))
        claims.append(Claim(shown, tuple(members), tuple(found)))
    return tuple(claims)
