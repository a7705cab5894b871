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
from functools import reduce
from itertools import chain, repeat, zip_longest
from operator import add, attrgetter, itemgetter, mul
from typing import NamedTuple

from explainer import phrases, timeline
from explainer.claims import (  # the number readers are the module's own: the oracle checks what is built on them
    RAREST,
    Claim,
    Conflict,
    Figure,
    Ref,
    Thresholds,
    _currency_follows,
    _MULTIPLIERS,
    _SHORT,
    _SHORT_MULTIPLIERS,
    _decimal,
    _digits,
    stem_weights,
)
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
        "times",
        "units",
        "vector",
        "weights",
        "words",
    )

    def __init__(self, ref: Ref, article: int, published: date | None, known: frozenset[str]):
        self.ref = ref
        self.article = article
        self.published = published
        self.rank = _published(ref, published)
        text = ref.text
        tokens = _tokens(text)  # one pass: words as written
        dated = not _DATE_TOKENS.isdisjoint(tokens)
        self.figures = figures = _figures(text, published, dated)[0] if dated or _DIGIT.search(text) else ()
        if len(figures) == 1 and " " not in figures[0].unit:  # most sentences with a figure have one
            unit, value = figures[0].unit, figures[0].value
            self.units = {unit: frozenset((value,))}
            self.numbers = _NONE if unit == "date" else self.units[unit]
        else:
            units: dict[str, set[str]] = {}
            for fig in figures:
                for word in _unit_words(fig.unit):  # compared by each word of what is counted
                    units.setdefault(word, set()).add(fig.value)
            self.units = {unit: frozenset(values) for unit, values in units.items()}  # unit -> values given
            self.numbers = frozenset(f.value for f in figures if f.unit != "date") if figures else _NONE
        words = tokens if _CODES.isdisjoint(tokens) else _uncoded(tokens)
        try:
            stems = dict.fromkeys(map(_WORD_STEMS.__getitem__, words))  # in order, once each
        except KeyError:
            _learn(words)
            stems = dict.fromkeys(map(_WORD_STEMS.__getitem__, words))
        self.stems = tuple(filter(None, stems))  # stems are never empty: None is what goes
        self.keys = frozenset(self.stems)
        said = None if _SAYING.isdisjoint(tokens) else _ATTRIBUTED.search(text)
        named = tokens if said is None else tokens[: len(tokens) - len(_tokens(text, said.start()))]
        if words is not tokens:
            named = _uncoded(named)
        names = set(filter(None, map(_NAME_STEMS.get, named[1:])))
        first = _NAME_STEMS.get(tokens[0]) if tokens else None
        if first is not None and (first in known or _opens_name(text, named, first)):  # a first word that is a name
            names.add(first)
        self.names = frozenset(names)
        self.times = self.keys & _TIME_STEMS
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
        coded = _CODED.match(token) is not None  # "RMB3" of "RMB3.2 million": a figure
        content = word not in stop and len(word) > 1 and not word[0].isdigit() and stem not in _STOP_FORMS
        _WORD_STEMS[token] = stem if content and not coded else None
        named = token[0].isupper() and word not in stop and word not in _MONTH_WORDS and not coded
        _NAME_STEMS[token] = stem if named else None


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


def _sentences(groups: Iterable[Group]) -> list[_Item]:
    """Every sentence once, in a fixed order (slug, position) whatever the input order."""
    found: dict[tuple[str, int], tuple[Ref, date | None, frozenset[str]]] = {}
    known: dict[int, frozenset[str]] = {}
    for group in groups:
        article = group.article
        for run in group.runs:
            for placement in run.placements:
                s = placement.sentence
                if (article.slug, s.index) in found:
                    continue
                names = known.get(id(article))
                if names is None:
                    names = known[id(article)] = _named(_tokens(t.text) for t in article.sentences)
                found[(article.slug, s.index)] = (
                    Ref(article.slug, s.paragraph, s.index, s.text),
                    article.meta.published,
                    names,
                )
    slugs = {slug: n for n, slug in enumerate(sorted({slug for slug, _ in found}))}
    return [_Item(ref, slugs[key[0]], published, names) for key, (ref, published, names) in sorted(found.items())]


def _tokens(text: str, start: int = 0) -> list[str]:
    return _TOKEN.findall(text.replace("\u2019", "'"), start)


def _named(sentences: Iterable[Sequence[str]]) -> frozenset[str]:
    """The name stems an article writes capitalised after a sentence's first word."""
    found: set[str] = set()
    for tokens in sentences:
        rest = tokens[1:]
        if not set(rest) <= _NAME_STEMS.keys():
            _learn(rest)
        found.update(filter(None, map(_NAME_STEMS.__getitem__, rest)))
    return frozenset(found)


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
    previous: tuple[int, int] | None = None  # where the number before was written
    before = None  # and what it was
    for number in map(_digits, _NUMBER.finditer(text)):
        begin, end, cur, value, pct, scale = number
        if spans and any(a < end and begin < b for a, b in spans):
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
        norm = math.sqrt(reduce(add, [w * w for w in weights], 0.0)) or 1.0
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
    score = reduce(add, map(mul, a.weights, map(b.vector.get, a.stems, _ZEROS)), 0.0)  # _dot, inline
    if score < thresholds.lowest:
        return None
    agree, differ, apart = _compare(a, b)
    if _other_facts(a, b, agree):
        return None
    anchored = not a.numbers.isdisjoint(b.numbers) or _precisely(a, b)
    if not agree and len(a.names & b.names) >= _NAMES_AGREE:  # only whether any agree is read
        agree = 1
    if differ and not agree and apart:
        return None  # every figure different or unmatched: two moments of a series, not one claim
    if differ:
        if not (a.names <= b.names or b.names <= a.names):
            return None  # another place or person: another claim, not a disagreement
        needed = thresholds.anchored if anchored else thresholds.conflict
    elif agree:
        needed = thresholds.anchored
    else:
        needed = thresholds.plain
    return score if score >= needed else None


def _dot(a: _Item, b: _Item) -> float:
    """The cosine of two unit vectors, summed left to right in a's order (the
    same sum every run and on every Python: the builtin ``sum`` compensates from
    3.12 on) at C speed: a stem b lacks adds 0.0, which leaves a sum unchanged."""
    score: float = reduce(add, map(mul, a.weights, map(b.vector.get, a.stems, _ZEROS)), 0.0)
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
    # each gives a figure none of whose unit's words the other gives
    apart = any(set(_unit_words(f.unit)).isdisjoint(theirs) for f in a.figures) and any(
        set(_unit_words(f.unit)).isdisjoint(mine) for f in b.figures
    )
    return agree, differ, apart


def _other_facts(a: _Item, b: _Item, agree: int) -> bool:
    """Whether the figures say the pair are two facts: dates in no common
    year; counts, none shared, of nothing in common; another count at another
    time (another date, or each naming a time the other does not) with no
    figure agreeing: a series."""
    mine, theirs = a.units, b.units
    da, db = mine.get("date"), theirs.get("date")
    dates_differ = False
    if da is not None and db is not None:
        if {v[:4] for v in da}.isdisjoint({v[:4] for v in db}):
            return True
        dates_differ = da.isdisjoint(db) and not _within(da, db)
    common = [u for u in mine if u != "date" and u in theirs]
    if a.numbers and b.numbers and a.numbers.isdisjoint(b.numbers) and not common:
        return True
    moved = any(mine[u].isdisjoint(theirs[u]) for u in common)
    if moved and not agree:
        return dates_differ or (bool(a.times - b.times) and bool(b.times - a.times))
    return False


def _precisely(a: _Item, b: _Item) -> bool:
    """Whether a date of one is within one of the other's, both to the month or the day."""
    da, db = a.units.get("date"), b.units.get("date")
    if da is None or db is None:
        return False
    return any(_compatible(x, y) and min(len(x), len(y)) >= 7 for x in da for y in db)


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

    Units that share a value or a word in the claim are one figure ("1,100
    people", "1,100 suspects", "1,300 people"; "43 broadband customers", "34
    broadband users"): one source's word for what is counted is not a reason
    to miss another's figure. A conflict is named by its unit's head word
    ("number" for numbers no word follows: a name is never empty)."""
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
            figures = tuple(Figure(text, tuple(refs)) for _, (_, text, refs) in ordered)
            conflicts.append(Conflict(_unit_words(unit)[0] or "number", figures))
    return tuple(conflicts), frozenset(f.unit for m in members for f in m.figures if slot[f.unit] in stated)


def _slots(members: Sequence[_Item]) -> dict[str, str]:
    """Each unit's figure in the claim: units that share a number or a word
    are one (named by the first in sorted order); dates are their own."""
    slot: dict[str, str] = {}

    def find(unit: str) -> str:
        while slot.setdefault(unit, unit) != unit:
            unit = slot[unit]
        return unit

    by_value: dict[str, str] = {}
    by_word: dict[str, str] = {}
    for member in members:
        for fig in member.figures:
            find(fig.unit)
            if fig.unit == "date":
                continue
            for other in (
                by_value.setdefault(fig.value, fig.unit),
                *(by_word.setdefault(w, fig.unit) for w in _unit_words(fig.unit)),
            ):
                a, b = sorted((find(other), find(fig.unit)))
                slot[b] = a
    return {unit: find(unit) for unit in slot}
