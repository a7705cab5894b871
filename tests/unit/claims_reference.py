"""The claims module as it was before its pairs were scored with numpy: one
Python object per sentence, one call per candidate pair. Kept as the
reference the fast path must agree with (tests/unit/test_claims.py)."""

# ruff: noqa

from __future__ import annotations

import gc
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain, repeat, zip_longest
from operator import attrgetter, itemgetter, mul
from typing import NamedTuple

from explainer import phrases, timeline
from explainer.claims import RAREST, Claim, Conflict, Figure, Ref, Thresholds, stem_weights
from explainer.classify import STOP_WORDS
from explainer.model import Group


# ---------------------------------------------------------------------------
# The API


def find_claims(groups: Iterable[Group], thresholds: Thresholds = Thresholds()) -> tuple[Claim, ...]:
    """The claims stated by two or more of the groups' articles, most sources first.

    The cycle collector is paused meanwhile: what is made here holds no
    cycles, and with a large corpus in memory its passes over every object
    cost a third of the time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        items = _sentences(groups)
        if len(items) < 2:
            return ()
        _weigh(items)
        edges = _links(items, thresholds)
        return _assemble(items, _cluster(items, edges, thresholds))
    finally:
        if paused:
            gc.enable()


def claims_merged(claims: Iterable[Claim]) -> int:
    """Sentences folded into another's wording: what a page no longer repeats."""
    return sum(len(c.sources) - 1 for c in claims)


def report(claims: Mapping[str, Sequence[Claim]]) -> dict[str, int]:
    """Counts for the run's report: claims, sentences merged into them, conflicts
    (``claims``: each topic's, as :func:`find_claims` found them)."""
    found = [c for slug in sorted(claims) for c in claims[slug]]
    return {
        "claims": len(found),
        "merged": claims_merged(found),
        "conflicts": sum(1 for c in found if c.conflicts),
    }


# ---------------------------------------------------------------------------
# Reading one sentence

_MULTIPLIERS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
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
_CURRENCY = {"$": "dollar", "£": "pound", "€": "euro", "¥": "yuan"}
_PRONOUNS = frozenset(["it", "its", "he", "she", "his", "her", "they", "them", "their", "this", "these", "those"])
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<cur>[$£€¥])?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?(?![0-9])"
    r"(?:\s*(?P<pct>%|per\s?cent\b))?"
    r"(?:\s+(?P<mult>thousand|million|billion|trillion)\b)?"
)
_FOLLOWING = re.compile(r"[\s-]+([A-Za-z][A-Za-z'’-]*)")
_NONE: frozenset[str] = frozenset()
_TOKEN = re.compile(r"\w+(?:'\w+)*")  # explainer.phrases' word
_SKIPPED_DATES = frozenset({"weekday", "relative"})  # "on Friday", "last week": not a figure two sources share
_STOP_FORMS = frozenset(phrases.stems(sorted(STOP_WORDS)))


class _Fig(NamedTuple):  # a tuple: made for nearly every sentence, cheaply
    unit: str  # stem of the counted word, a currency, "%", or "date"
    value: str  # "1100", "3.3E+6"; dates "2021", "2021-05", "2021-05-24"
    text: str  # as written


class _Item:
    """A sentence as compared: its address, figures, stems and weights."""

    __slots__ = (
        "article",
        "complete",
        "figures",
        "keys",
        "names",
        "numbers",
        "pronoun",
        "published",
        "rank",
        "ref",
        "sig",
        "stems",
        "units",
        "vector",
        "weights",
        "words",
    )

    def __init__(self, ref: Ref, article: int, published: date | None):
        self.ref = ref
        self.article = article
        self.published = published
        self.rank = _published(ref, published)
        text = ref.text
        tokens = _TOKEN.findall(text.replace("\u2019", "'"))  # one pass: words as written
        dated = not _DATE_TOKENS.isdisjoint(tokens)
        self.figures = figures = _figures(text, published, dated)[0] if dated or _DIGIT.search(text) else ()
        if len(figures) == 1:  # most sentences with a figure have one
            unit, value = figures[0].unit, figures[0].value
            self.units = {unit: frozenset((value,))}
            self.numbers = _NONE if unit == "date" else self.units[unit]
        else:
            units: dict[str, set[str]] = {}
            for fig in figures:
                units.setdefault(fig.unit, set()).add(fig.value)
            self.units = {unit: frozenset(values) for unit, values in units.items()}  # unit -> values given
            self.numbers = frozenset(f.value for f in figures if f.unit != "date") if figures else _NONE
        try:
            stems = dict.fromkeys(map(_WORD_STEMS.__getitem__, tokens))  # in order, once each
        except KeyError:
            _learn(tokens)
            stems = dict.fromkeys(map(_WORD_STEMS.__getitem__, tokens))
        self.stems = tuple(filter(None, stems))  # stems are never empty: None is what goes
        self.keys = frozenset(self.stems)
        self.names = frozenset(filter(None, map(_NAME_STEMS.__getitem__, tokens[1:])))
        self.words = len(tokens)
        self.pronoun = bool(tokens) and tokens[0].casefold() in _PRONOUNS
        self.complete = text[:1].isupper() and text.rstrip("\"'’” )")[-1:] in {".", "!", "?"}
        self.vector: dict[str, float] = {}  # stem -> weight
        self.weights: tuple[float, ...] = ()  # in the order of stems
        self.sig: tuple[str, ...] = ()


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
        content = word not in stop and len(word) > 1 and not word[0].isdigit() and stem not in _STOP_FORMS
        _WORD_STEMS[token] = stem if content else None
        named = token[0].isupper() and word not in stop and word not in _MONTH_WORDS
        _NAME_STEMS[token] = stem if named else None


def _sentences(groups: Iterable[Group]) -> list[_Item]:
    """Every sentence once, in a fixed order (slug, position) whatever the input order."""
    found: dict[tuple[str, int], tuple[Ref, date | None]] = {}
    for group in groups:
        article = group.article
        for run in group.runs:
            for placement in run.placements:
                s = placement.sentence
                found.setdefault(
                    (article.slug, s.index), (Ref(article.slug, s.paragraph, s.index, s.text), article.meta.published)
                )
    slugs = {slug: n for n, slug in enumerate(sorted({slug for slug, _ in found}))}
    return [_Item(ref, slugs[key[0]], published) for key, (ref, published) in sorted(found.items())]


def _figures(text: str, published: date | None, dated: bool = True) -> tuple[tuple[_Fig, ...], list[tuple[int, int]]]:
    """The sentence's dates (when ``dated``: it has a year or a month name)
    and numbers, and where they are written."""
    found: list[_Fig] = []
    spans: list[tuple[int, int]] = []
    for match in timeline._candidates(text) if dated else ():
        kind = str(match.lastgroup)
        if kind in _SKIPPED_DATES or (kind == "bare_month" and not match.group("prep")):
            continue
        when = timeline._resolve(kind, match.group(kind), published)
        if when is None:
            continue
        start = when.start
        value = {"year": f"{start.year}", "month": f"{start:%Y-%m}"}.get(when.precision, f"{start:%Y-%m-%d}")
        found.append(_Fig("date", value, match.group(kind)))
        spans.append(match.span())
    for match in _NUMBER.finditer(text):
        if spans and any(a < match.end() and match.start() < b for a, b in spans):
            continue
        cur, whole, frac, pct, mult = match.groups()
        if frac or mult:
            number = Decimal(whole.replace(",", "") + "." + (frac or "0")).scaleb(_MULTIPLIERS.get(mult, 0))
            value = f"{number.normalize():f}" if number == number.to_integral_value() else str(number.normalize())
        else:
            value = whole.replace(",", "").lstrip("0") or "0"
        end = match.end()
        if pct:
            unit = "%"
        elif cur:
            unit = _CURRENCY[cur]
        else:
            unit, end = _unit(text, end)
        found.append(_Fig(unit, value, text[match.start() : end].strip()))
        spans.append((match.start(), end))
    return tuple(found), spans


_UNIT_STEMS: dict[str, str] = {}  # few distinct words follow numbers: bounded in practice


def _unit(text: str, end: int) -> tuple[str, int]:
    """The word a number counts: the first word after it that is not a stop
    word, within two words ("1,100 people", "1,100 crypto miners" ->
    "miner"); "" when there is none."""
    for _ in range(2):
        following = _FOLLOWING.match(text, end)
        if following is None:
            break
        word = following.group(1).casefold()
        end = following.end()
        if word in STOP_WORDS:
            break
        if len(word) > 1:
            stem = _UNIT_STEMS.get(word) or _UNIT_STEMS.setdefault(word, phrases.stems([word])[0])
            if stem not in _COUNTED_OVER:
                return stem, end
    return "", end


# Words that describe what is counted rather than name it: "1,100 crypto
# miners" counts miners. (Stems; the list is of English, not of any topic.)
_COUNTED_OVER = frozenset(phrases.stems(["more", "new", "small", "large", "big", "other", "local", "total"]))


_MONTH_WORDS = frozenset(timeline._MONTHS | timeline._WEEKDAY_WORDS)


# ---------------------------------------------------------------------------
# Weights and links


def _weigh(items: Sequence[_Item]) -> None:
    """Vectors (binary terms weighed by English rarity, as explainer.claims
    weighs them; unit length) and each sentence's stems from rarest to
    commonest in the topic."""
    df = Counter(chain.from_iterable(item.stems for item in items))
    weight = stem_weights()
    idf = {stem: weight.get(stem, RAREST) for stem in df}
    # Rarest first, ties by stem: one sort of the vocabulary, not one per sentence.
    rank = {stem: n for n, stem in enumerate(sorted((s for s, n in df.items() if n > 1), key=lambda s: (df[s], s)))}
    for item in items:
        stems = item.stems
        weights = list(map(idf.__getitem__, stems))
        norm = math.sqrt(sum([w * w for w in weights])) or 1.0
        item.weights = tuple([w / norm for w in weights])
        item.vector = dict(zip(stems, item.weights, strict=True))
        item.sig = tuple(sorted([s for s in stems if s in rank], key=rank.__getitem__))


def _links(items: Sequence[_Item], thresholds: Thresholds) -> list[tuple[float, int, int]]:
    """(cosine, i, j) of every candidate pair that states the same claim."""
    sigs = [item.sig for item in items]
    order = sorted(range(len(items)), key=sigs.__getitem__)  # stable: ties by position
    # Each list holds places in that order, so it ascends: its pairs of
    # neighbours come out (earlier, later), and a pair two lists share is
    # dropped at C speed. Pairs are scored list by list, near neighbours
    # together; in which order does not matter, as the edges are sorted later.
    postings: dict[str, list[int]] = {}
    rare = thresholds.rare
    for place, i in enumerate(order):
        item = items[i]
        for key in item.sig[:rare]:
            postings.setdefault(key, []).append(place)
        for key in dict.fromkeys(f"\0{f.value[:7] if f.unit == 'date' else f.value}" for f in item.figures):
            postings.setdefault(key, []).append(place)  # a month's dates together; a number whatever it counts
    gaps = range(1, thresholds.window + 1)
    rounds = (zip_longest(*(zip(listed, listed[gap:], strict=False) for gap in gaps)) for listed in postings.values())
    pairs = dict.fromkeys(filter(None, chain.from_iterable(chain.from_iterable(rounds))))  # by sentence, by list
    placed = [items[i] for i in order]
    linked = _linked
    edges = []
    for x, y in pairs:
        a, b = placed[x], placed[y]
        if a.article == b.article:
            continue  # one article's sentences are never linked
        i, j = order[x], order[y]
        if j < i:
            a, b, i, j = b, a, j, i
        score = linked(a, b, thresholds)  # a first: the earlier sentence's order of stems
        if score is not None:
            edges.append((score, i, j))
    return edges


def _linked(a: _Item, b: _Item, thresholds: Thresholds) -> float | None:
    """The pair's cosine if it states one claim, else None. (The cosine of
    :func:`_cosine`, inline: this runs for every candidate pair.)"""
    if a.article == b.article or (a.names and b.names and a.names.isdisjoint(b.names)):
        return None
    if len(a.keys & b.keys) < thresholds.shared:
        return None
    score = sum(map(mul, a.weights, map(b.vector.get, a.stems, _ZEROS)))  # _dot, inline
    if score < thresholds.lowest:
        return None
    agree, differ, apart = _compare(a, b)
    if not agree and len(a.names & b.names) >= _NAMES_AGREE:  # only whether any agree is read
        agree = 1
    if differ and not agree and apart:
        return None  # every figure different or unmatched: two moments of a series, not one claim
    if differ:
        if not (a.names <= b.names or b.names <= a.names):
            return None  # another place or person: another claim, not a disagreement
        needed = thresholds.conflict
    elif agree:
        needed = thresholds.anchored
    else:
        needed = thresholds.plain
    return score if score >= needed else None


def _dot(a: _Item, b: _Item) -> float:
    """The cosine of two unit vectors, summed in a's order (the same sum every
    run) at C speed: a stem b lacks adds 0.0, which leaves a sum unchanged."""
    score: float = sum(map(mul, a.weights, map(b.vector.get, a.stems, _ZEROS)))
    return score


_ZEROS = repeat(0.0)
_NAMES_AGREE = 2  # names two sentences share that anchor them as firmly as a figure ("Colin Wu")


def _cosine(a: _Item, b: _Item, thresholds: Thresholds) -> float | None:
    """The cosine of two sentences of different articles, if it reaches the
    lowest threshold with enough stems in common and no clash of names."""
    if a.article == b.article or len(a.keys & b.keys) < thresholds.shared:
        return None
    score = _dot(a, b)
    if score < thresholds.lowest or (a.names and b.names and a.names.isdisjoint(b.names)):
        return None
    return score


def _compare(a: _Item, b: _Item) -> tuple[int, int, bool]:
    """(units both give the same value for, units they give different values
    for, whether each gives a unit the other does not); a number both give
    counts as agreement whatever word follows it ("1,100 people", "1,100
    suspects")."""
    mine, theirs = a.units, b.units
    if not mine or not theirs:
        return 0, 0, False
    if len(mine) == 1 and len(theirs) == 1:  # most sentences: one figure each
        ((unit, values),) = mine.items()
        other = theirs.get(unit)
        if other is not None and (not values.isdisjoint(other) or (unit == "date" and _within(values, other))):
            return 1, 0, False
        agree = 0 if a.numbers.isdisjoint(b.numbers) else 1
        return (agree, 0, True) if other is None else (agree, 1, False)
    agree = differ = 0
    for unit, values in mine.items():
        other = theirs.get(unit)
        if other is None:
            continue
        if not values.isdisjoint(other) or (unit == "date" and _within(values, other)):
            agree += 1
        else:
            differ += 1
    if not agree and not a.numbers.isdisjoint(b.numbers):
        agree = 1
    apart = not (mine.keys() <= theirs.keys() or theirs.keys() <= mine.keys())
    return agree, differ, apart


def _within(dates: frozenset[str], others: frozenset[str]) -> bool:
    """Whether a date of one set is within one of the other's."""
    return any(_compatible(x, y) for x in dates for y in others)


def _compatible(x: str, y: str) -> bool:
    """Equal, or one date is within the other ("2021-05" and "2021-05-24")."""
    return x == y or y.startswith(x + "-") or x.startswith(y + "-")


def _cluster(items: Sequence[_Item], edges: list[tuple[float, int, int]], thresholds: Thresholds) -> list[list[int]]:
    """Single-link groups, strongest link first; never two sentences of one
    article. Two groups join only if their seeds (the first sentence of each)
    are close too (:func:`_cosine`), so a chain of near neighbours cannot
    drift far from what the group first said."""
    parent = list(range(len(items)))
    seed = list(range(len(items)))
    articles: dict[int, set[int]] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted([(-score, i, j) for score, i, j in edges]):  # strongest first, then by position
        ri = i if parent[i] == i else root(i)
        rj = j if parent[j] == j else root(j)
        if ri == rj:
            continue
        mine = articles.get(ri) or {items[ri].article}
        theirs = articles.get(rj) or {items[rj].article}
        if not mine.isdisjoint(theirs):
            continue
        si, sj = (seed[ri], seed[rj]) if seed[ri] < seed[rj] else (seed[rj], seed[ri])
        if (si, sj) != (i, j) and _cosine(items[si], items[sj], thresholds) is None:  # edges have i < j
            continue
        low, high = (ri, rj) if ri < rj else (rj, ri)
        seed[low] = si
        parent[high] = low
        small, large = (theirs, mine) if len(theirs) < len(mine) else (mine, theirs)
        large |= small  # the smaller set into the larger: linear overall
        articles[low] = large
        articles.pop(high, None)
    members: dict[int, list[int]] = {}
    for i in range(len(items)):
        members.setdefault(root(i), []).append(i)
    return [group for _, group in sorted(members.items()) if len(group) > 1]


# ---------------------------------------------------------------------------
# Claims


def _published(ref: Ref, published: date | None) -> tuple[int, str, int]:
    """Earliest published first, undated last, then slug and position."""
    day = published.toordinal() if published else date.max.toordinal()
    return (day, ref.slug, ref.index)


_BY_DATE = attrgetter("rank")  # the sort key of _published, kept on each sentence


def _assemble(items: Sequence[_Item], clusters: list[list[int]]) -> tuple[Claim, ...]:
    claims = []
    for cluster in clusters:
        members = sorted([items[i] for i in cluster], key=_BY_DATE)
        conflicts, units = _conflicts(members)
        wording = min(members, key=lambda m: _clarity(m, units))
        claims.append((-len(members), wording.rank, Claim(wording.ref, tuple(m.ref for m in members), conflicts)))
    claims.sort(key=itemgetter(0, 1))  # most sources first; no two wordings share a rank
    return tuple(claim for _, _, claim in claims)


def _clarity(item: _Item, units: frozenset[str]) -> tuple[bool, int, bool, int, tuple[int, str, int]]:
    carried = len(units & {f.unit for f in item.figures}) if units else 0
    return (item.pronoun, -carried, not item.complete, item.words, item.rank)


def _conflicts(members: Sequence[_Item]) -> tuple[tuple[Conflict, ...], frozenset[str]]:
    """Every figure two or more members give, with its values grouped; those
    with more than one value are conflicts. Also the units the claim states.

    Units that share a value in the claim are one figure ("1,100 people",
    "1,100 suspects", "1,300 people"): one source's word for what is counted
    is not a reason to miss another's figure."""
    slot = _slots(members)
    units: dict[str, list[tuple[_Item, _Fig]]] = {}
    for member in members:
        counts: dict[str, int] = {}
        for fig in member.figures:
            counts[slot[fig.unit]] = counts.get(slot[fig.unit], 0) + 1
        for fig in member.figures:
            if counts[slot[fig.unit]] == 1:  # two dates in one sentence: which is the claim's is not known
                units.setdefault(slot[fig.unit], []).append((member, fig))
    conflicts = []
    stated = frozenset(unit for unit, given in units.items() if len(given) > 1)
    for unit in sorted(stated):
        values: list[tuple[str, str, list[Ref]]] = []  # value, text, sources
        exact: dict[str, int] = {}  # a number's place in values: equal numbers at dictionary speed
        for member, fig in units[unit]:
            at = exact.get(fig.value)
            if at is None and unit == "date":  # a day within a month agrees with it
                at = next((n for n, (value, _, _) in enumerate(values) if _compatible(value, fig.value)), None)
            if at is None:
                exact[fig.value] = len(values)
                values.append((fig.value, fig.text, [member.ref]))
            else:
                value, text, refs = values[at]
                refs.append(member.ref)
                values[at] = (max(value, fig.value, key=len), text, refs)
        if len(values) > 1:
            ordered = sorted(enumerate(values), key=lambda v: (-len(v[1][2]), v[0]))
            conflicts.append(Conflict(unit, tuple(Figure(text, tuple(refs)) for _, (_, text, refs) in ordered)))
    return tuple(conflicts), frozenset(f.unit for m in members for f in m.figures if slot[f.unit] in stated)


def _slots(members: Sequence[_Item]) -> dict[str, str]:
    """Each unit's figure in the claim: units that share a number are one
    (named by the first in sorted order); dates are their own."""
    slot: dict[str, str] = {}

    def find(unit: str) -> str:
        while slot.setdefault(unit, unit) != unit:
            unit = slot[unit]
        return unit

    by_value: dict[str, str] = {}
    for member in members:
        for fig in member.figures:
            find(fig.unit)
            if fig.unit == "date":
                continue
            other = by_value.setdefault(fig.value, fig.unit)
            a, b = sorted((find(other), find(fig.unit)))
            slot[b] = a
    return {unit: find(unit) for unit in slot}
