"""The Timeline: dated events from every source, each quoting its sentence.

Finding dates is in two steps. A regular expression picks out candidate
phrases ("in 2019", "May 2021", "24 September 2021", "Sept. 24", "last month",
"in May this year"...): it is fast, and it keeps out words that only look like
dates. Each candidate is then read by dateparser, which does the calendar work
(month names and abbreviations, "last month", "three weeks ago") and says how
precise the date is. A phrase without a year is relative: it is resolved
against the article's published date, or, when the article has none, left out
with a warning in the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, partial
from typing import Any

import re2

from .bodytext import GuideRules, body_of
from .model import Article, Page, Sentence
from .pagecache import Deferred, Parts
from .pagekit import front_matter, long_date, render_template, source_ref

PRECISIONS = ("year", "month", "week", "day")  # coarse first: the order of equal dates
ONE_PAGE = 300  # events; more get a page per year
PAGE_EVENTS = 200  # events on one year's page; a busier year is split in parts
_PLAIN = GuideRules()  # no furniture patterns: every paragraph that ends like a sentence is read

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
# [0-9], not \d: dates are written in ASCII digits, and the class is faster.
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[6-9][0-9][0-9]|20[0-9][0-9])(?![0-9%])"  # 1600 to 2099: ingest.PUBLISHED_YEARS
_NUMBER = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|[0-9]{1,2})"
# Case ignored: a sentence may open with one ("In May, ...", "On Friday, ...").
_PREP = r"(?i:in|since|until|by|from|during|through|before|after|on|of|early|late|mid-?)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_CANDIDATE = re.compile(
    rf"(?<![\w$£€.,/-])(?:(?P<prep>{_PREP})(?:\s+|(?<=-)))?(?:"
    rf"(?P<day>{_DAY}\s+{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR})"
    rf"|(?P<month>{_MONTH},?\s+{_YEAR})"
    rf"|(?P<month_rel>{_MONTH}\s+(?:of\s+)?(?i:this|last|next)\s+year|(?i:this|last|next)\s+{_MONTH})"
    rf"|(?P<day_rel>{_DAY}\s+{_MONTH}|{_MONTH}\s+{_DAY}\b(?![,.]?\s*[0-9]))"
    rf"|(?P<relative>(?i:(?:(?:earlier|later|early|late)\s+)?(?:this|last|next|past|previous)\s+(?:week|month|year)"
    rf"|yesterday|{_NUMBER}\s+(?:day|week|month|year)s?\s+ago))"
    rf"|(?P<weekday>(?:(?i:last)\s+)?{_WEEKDAY}(?!,?\s+(?:{_DAY}\s+{_MONTH}|{_MONTH}\s+{_DAY})))"
    rf"|(?P<bare_month>{_MONTH})"
    rf"|(?P<year>{_YEAR})"
    r")(?![\w-])"
)


@dataclass(frozen=True)
class When:
    """A date with its precision: ``start`` is the first day of the period."""

    start: date
    precision: str  # one of PRECISIONS

    @property
    def label(self) -> str:
        if self.precision == "year":
            return str(self.start.year)
        if self.precision == "month":
            return f"{self.start:%B} {self.start.year}"
        if self.precision == "week":
            return f"Week of {long_date(self.start)}"
        return long_date(self.start)


@dataclass(frozen=True)
class Event:
    when: When
    phrase: str  # the words of the sentence that give the date
    relative: bool  # resolved against the article's published date
    article: Article
    sentence: Sentence


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    warnings: tuple[dict[str, object], ...]  # for the report: relative dates left out


def collect(articles: Sequence[Article], rules: GuideRules = _PLAIN, parts: Parts | None = None) -> Timeline:
    """Every dated event in the body sentences of every article (see
    :mod:`explainer.bodytext`), sorted by date (ties: coarse precision first,
    then article title and slug, then position). With ``parts``, each
    article's events are kept between runs (:func:`article_events`)."""
    events: list[tuple[tuple[object, ...], Event]] = []
    warnings: list[dict[str, object]] = []
    for article in articles:
        found, warned = article_events(article, rules, parts)
        events += found
        warnings += warned
    ordered = sorted(events, key=lambda item: item[0])
    return Timeline(tuple(event for _, event in ordered), tuple(warnings))


Dated = tuple[list[tuple[tuple[object, ...], Event]], list[dict[str, object]]]


def article_events(article: Article, rules: GuideRules = _PLAIN, parts: Parts | None = None) -> Dated:
    """One article's events, each with its sort key, and its warnings. With
    ``parts``: read back when kept (every value checked), else found and kept."""
    if parts is not None:
        kept = _kept_events(article, parts.get("timeline", article.slug))
        if kept is not None:
            return kept
    found = _find_events(article, rules, parts)
    if parts is not None:
        events = [
            [e.when.start.isoformat(), e.when.precision, e.phrase, e.relative, e.sentence.index, order[-1]]
            for order, e in found[0]
        ]
        parts.put(
            "timeline",
            article.slug,
            {"events": events, "warnings": [w["phrase"] for w in found[1]], "at": [w["paragraph"] for w in found[1]]},
        )
    return found


def _find_events(article: Article, rules: GuideRules, parts: Parts | None) -> Dated:
    events: dict[tuple[str, int, When], tuple[tuple[object, ...], Event]] = {}
    warnings: list[dict[str, object]] = []
    base = article.meta.published
    for sentence in body_of(article, rules, parts):
        month_end = -1  # where the last month phrase ended: "in May and June"
        for match in _undatelined(sentence.text):
            kind = str(match.lastgroup)  # the kind's group closes last (after "prep")
            if kind == "bare_month" and not match.group("prep") and not _listed(sentence.text, month_end, match):
                continue  # "May" alone is too often the verb or a name
            if kind in {"bare_month", "month", "month_rel"}:
                month_end = match.end()
            if kind == "weekday" and not _dated_weekday(match, sentence.text):
                continue  # "Friday" alone may be "Black Friday"; "on Friday" is a day
            phrase = match.group().strip()
            relative = kind not in {"day", "month", "year"}
            if relative and base is None:
                warnings.append(_warning(article, sentence, phrase))
                continue
            ahead = _future(sentence.text[: match.start()], rules.future_words)
            when = _resolve(kind, match.group(kind), base, ahead=ahead)
            if when is None:
                continue
            key = (article.slug, sentence.index, when)
            order = (when.start, PRECISIONS.index(when.precision), article.title.casefold(), article.slug)
            if key not in events:
                events[key] = (
                    (*order, sentence.index, match.start()),
                    Event(when, phrase, relative, article, sentence),
                )
    return list(events.values()), warnings


def _kept_events(article: Article, data: object) -> Dated | None:
    """The events kept for ``article`` (see :func:`article_events`), or None
    if ``data`` is not exactly such a record."""
    if not isinstance(data, dict) or set(data) != {"events", "warnings", "at"}:
        return None
    events, phrases, at = data["events"], data["warnings"], data["at"]
    if not (type(events) is list and type(phrases) is list and type(at) is list and len(phrases) == len(at)):
        return None
    sentences = {s.index: s for p in article.paragraphs for s in p.sentences}
    found: list[tuple[tuple[object, ...], Event]] = []
    try:
        for start, precision, phrase, relative, index, position in events:
            if not (type(phrase) is str and type(relative) is bool and type(index) is int and type(position) is int):
                return None
            if precision not in PRECISIONS or index not in sentences or type(start) is not str:
                return None
            if not phrase or phrase not in sentences[index].text:  # the phrase shown is the sentence's own
                return None
            when = When(date.fromisoformat(start), precision)
            order = (when.start, PRECISIONS.index(precision), article.title.casefold(), article.slug, index, position)
            found.append((order, Event(when, phrase, relative, article, sentences[index])))
    except (ValueError, TypeError):
        return None
    paragraphs = {s.paragraph for s in sentences.values()}
    if not all(type(p) is str for p in phrases) or not all(type(n) is int and n in paragraphs for n in at):
        return None
    warnings = [_warning(article, Sentence("", n, 0), phrase) for phrase, n in zip(phrases, at, strict=True)]
    return found, warnings


def timeline_pages(timeline: Timeline, edit: str = "config/topics.yml") -> tuple[Page | Deferred, ...]:
    """The Timeline: one page, events grouped by year; or, past
    :data:`ONE_PAGE` events, a section with a page per year, in parts of
    :data:`PAGE_EVENTS` (one page of thousands of entries is slow to build and
    useless to read). No page when no event has a date. A year's page (or
    part) is deferred (:mod:`explainer.pagecache`): rendered only when its
    events changed."""
    if not timeline.events:
        return ()
    years = _by_year(timeline.events)
    if len(timeline.events) <= ONE_PAGE:
        return (
            Deferred(
                "timeline.md",
                (edit, event_inputs(timeline.events)),
                partial(_page, "timeline.md", "Timeline", years, "", edit),
            ),
        )
    pages: list[Page | Deferred] = []
    rows: dict[int, tuple[int, list[tuple[str, str]]]] = {}  # year -> its events, (label, page) of each part
    for year, label, path, chunk in _parts(years):
        make = partial(_page, path, f"Timeline: {label}", {year: chunk}, "../", edit)
        pages.append(Deferred(path, (edit, label, event_inputs(chunk)), make))
        count, parts = rows.setdefault(year, (0, []))
        rows[year] = (count + len(chunk), [*parts, (label, path.removeprefix("timeline/"))])
    front = front_matter(
        "Timeline", "Dated events from the sources, a page per year, oldest first.", edit=edit
    )  # it quotes nothing itself: the year pages credit their sources
    index = render_template("timeline_index.md.j2", front_matter=front, rows=[(y, *row) for y, row in rows.items()])
    pages.append(Page("timeline/index.md", index, "Timeline"))
    return tuple(pages)


def timeline_path(events: int) -> str:
    """Where the Timeline of ``events`` events starts (under docs/); "" when there is none."""
    if not events:
        return ""
    return "timeline.md" if events <= ONE_PAGE else "timeline/index.md"


def year_pages(events: Sequence[Event]) -> list[tuple[str, str]]:
    """The Timeline's year pages as (label, path), for the navigation; none
    when it is one page."""
    if len(events) <= ONE_PAGE:
        return []
    return [(label, path) for _, label, path, _ in _parts(_by_year(events))]


def _by_year(events: Sequence[Event]) -> dict[int, list[Event]]:
    years: dict[int, list[Event]] = {}
    for event in events:
        years.setdefault(event.when.start.year, []).append(event)
    return years


def _parts(years: dict[int, list[Event]]) -> Iterator[tuple[int, str, str, list[Event]]]:
    """Each year's events in pages of :data:`PAGE_EVENTS`: (year, label, path, events)."""
    for year, events in years.items():
        for number, start in enumerate(range(0, len(events), PAGE_EVENTS), start=1):
            name, label = (f"{year}", f"{year}") if number == 1 else (f"{year}-{number}", f"{year}, part {number}")
            yield year, label, f"timeline/{name}.md", events[start : start + PAGE_EVENTS]


def report(timeline: Timeline) -> dict[str, object]:
    """The timeline's part of the ``--report`` JSON."""
    return {"events": len(timeline.events), "warnings": list(timeline.warnings)}


# Helper functions

# Between two months of one phrase: "in May and June", "from May to July".
_LIST_GAP = re.compile(r"\s*(?:,|,?\s*(?:and|or|to|through|until)|[-–])\s*")


def _listed(text: str, month_end: int, match: re.Match[str]) -> bool:
    """A month right after another month phrase ("in May and June"), and not
    the start of a name ("in May, and June Wu said")."""
    if month_end < 0 or _LIST_GAP.fullmatch(text, month_end, match.start()) is None:
        return False
    following = text[match.end() :].split()
    return not (following and following[0][:1].isupper())


# An inline dateline opening a wire story: "XINING, June 10 (Harbour Press) - ".
_DATELINE = re.compile(r"[A-Z][A-Z.'’ -]{1,40},\s+[^()–—]{3,30}?\s*(?:\([^)]{1,40}\)\s*)?[-–—]\s")


def _undatelined(text: str) -> list[re.Match[str]]:
    """The date phrases of a sentence, less its dateline's date when the
    sentence dates its event too ("XINING, June 10 (Agency) - ... a notice
    dated Wednesday": the story was filed on the 10th, the event is the 9th),
    unless it says the news is "today". A dateline alone dates the sentence."""
    found = list(_candidates(text))
    if not found:
        return found
    dateline = _DATELINE.match(text)
    if dateline is None or _TODAY.search(text, dateline.end()):
        return found  # "SINGAPORE, Oct. 14, 2021 - X today published ...": the dateline dates the news
    rest = [m for m in found if m.start() >= dateline.end()]
    return rest or found


_TODAY = re.compile(r"\b(?i:today)\b")


# Where a date phrase can start: a number, a month or a time word; or a
# preposition or number word right before one ("in 2019", "two days ago").
# Trying the big pattern only there finds what ``_CANDIDATE.finditer`` finds
# (checked on 65,000 sentences), a quarter faster: the pattern is slow to fail
# at every "in", "of" and "a".
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[A-Za-z0-9]+")
_MONTHS = _words(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec"
)
_TIME_WORDS = _words("this last next past previous earlier later early late yesterday")
_WEEKDAY_WORDS = _words("monday tuesday wednesday thursday friday saturday sunday")
_UNITS = _words("day days week weeks month months year years")
_LEADS = _words(
    "in since until by from during through before after on of mid a an one two three four five six seven eight nine ten"
)


# Every kind of candidate holds a year, a month or a weekday (names are
# capitalised), or one of these words: a sentence with none of them (most
# sentences) is passed over without looking at its words. RE2 (a DFA) answers
# this four times faster than ``re``, which tries each alternative at every
# position; the pattern is ours, not data, and folds case the same way.
_MAYBE = re2.compile(
    r"(?:1[6-9]|20)[0-9][0-9]|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|(?i:week|month|year|yesterday|ago)"
)


def _candidates(text: str) -> Iterator[re.Match[str]]:
    if not _MAYBE.search(text):
        return
    words = [(w.start(), w.group().casefold()) for w in _WORD.finditer(text)]
    end = 0
    for i, (start, token) in enumerate(words):
        if start < end:
            continue
        if not (token[0].isdigit() or token in _MONTHS or token in _TIME_WORDS or token in _WEEKDAY_WORDS):
            following = words[i + 1][1] if i + 1 < len(words) else ""
            if token not in _LEADS or not (
                following[:1].isdigit()
                or following in _MONTHS
                or following in _TIME_WORDS
                or following in _UNITS
                or following in _WEEKDAY_WORDS
            ):
                continue
        match = _CANDIDATE.match(text, start)
        if match:
            yield match
            end = match.end()


def _page(path: str, title: str, years: dict[int, list[Event]], prefix: str, edit: str) -> Page:
    events = [e for group in years.values() for e in group]
    front = front_matter(
        title,
        "Dated events from the sources, oldest first, each with the sentence it comes from.",
        edit=edit,
        sources=_sources(events),
    )
    page = render_template("timeline.md.j2", front_matter=front, title=title, years=years, prefix=prefix)
    return Page(path, page, title)


def event_inputs(events: Sequence[Event]) -> list[object]:
    """What a Timeline page shows of its events (its key's input): their
    articles, each once (counted by its cache key), and everything else it
    prints of each event with its article's slug, as one string (a page key
    walks thousands of events: one string each would cost more than the
    digest)."""
    articles = list({id(e.article): e.article for e in events}.values())
    shown = [
        (
            e.article.slug,
            e.sentence.index,
            e.sentence.paragraph,
            e.when.start.isoformat(),
            e.when.precision,
            e.phrase,
            e.relative,
        )
        for e in events
    ]
    return [articles, repr(shown)]


def _sources(events: Sequence[Event]) -> list[dict[str, str]]:
    articles = {e.article.slug: e.article for e in events}
    return [source_ref(a) for _, a in sorted(articles.items())]


def _warning(article: Article, sentence: Sentence, phrase: str) -> dict[str, object]:
    return {
        "source": article.path,
        "paragraph": sentence.paragraph,
        "phrase": phrase,
        "message": f"relative date {phrase!r} left out of the timeline: the article has no published date",
    }


def _dated_weekday(match: re.Match[str], text: str) -> bool:
    """ "on Friday", "last Friday", "said Friday" name a day; a weekday next
    to a capitalised word ("Black Friday", "the Sunday Times") does not."""
    prep = (match.group("prep") or "").casefold()
    if prep == "on" or match.group("weekday").casefold().startswith("last"):
        return True
    before = text[: match.start()].split()
    after = text[match.end() :].split()
    if before and before[-1].casefold() in _HABITUAL:
        return False  # "every Friday": a habit, not a day
    return not (before and before[-1][:1].isupper()) and not (after and after[0][:1].isupper())


_HABITUAL = frozenset({"every", "each"})


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


FUTURE_REACH = 6  # words before a date phrase where a future word counts


def _future(before: str, words: frozenset[str]) -> bool:
    """A future word ("will", "due to") in the last few words of the clause before a date phrase."""
    clause = re.split(r"[,;:()\u2014\u2013]|\s-\s", before)[-1].casefold().split()[-FUTURE_REACH:]
    return any(" ".join(clause[i : i + n]) in words for n in (1, 2) for i in range(len(clause)))


def _resolve(kind: str, text: str, base: date | None, *, ahead: bool = False) -> When | None:
    """The date a candidate phrase stands for (:func:`_reading`), or None.

    A date worked out past the calendar's ends (from a published date in year
    1 or 9999, which ingest refuses) is no date: left unresolved, not an error."""
    try:
        return _reading(kind, text, base, ahead=ahead)
    except (OverflowError, ValueError):
        return None


def _reading(kind: str, text: str, base: date | None, *, ahead: bool = False) -> When | None:
    """The date a candidate phrase stands for, read by dateparser.

    A month without a year is the latest one not after the published date:
    "in November" in an article of 19 January 2022 is November 2021; a day
    without a year ("on 4 February") is the nearest one, before or after;
    with ``ahead`` (a future word before it: "will start in April") either
    is the first one not before. A weekday ("on Friday") is the latest such
    day on or before the published date (``ahead``: on or after); "last
    Friday" the latest one before it."""
    text = " ".join(text.split())
    if kind == "year":
        return When(date(int(text), 1, 1), "year")
    if kind == "weekday":
        if base is None:
            return None
        last, name = text.casefold().startswith("last"), text.split()[-1].casefold()
        if ahead and not last:
            return When(base + timedelta(days=(_WEEKDAYS.index(name) - base.weekday()) % 7), "day")
        back = (base.weekday() - _WEEKDAYS.index(name)) % 7 or (7 if last else 0)
        return When(base - timedelta(days=back), "day")
    if kind in {"bare_month", "day_rel"} and base is not None:
        found = _parse(text, date(2000, 1, 1))  # any base: only its month and day are read
        if found is None:
            return None
        start, whole_month = found.start, found.precision == "month"
        if ahead:  # the first such month (or day) not before the published date
            year = base.year + ((start.month, 31 if whole_month else start.day) < (base.month, base.day))
        else:  # the latest not after it
            year = base.year - ((start.month, start.day) > (base.month, base.day))
        if whole_month:
            return When(date(year, start.month, 1), "month")
        day = _same_day(start, year)
        if not ahead:  # a day: the nearest one ("the Games open on 4 February", in January)
            later = _same_day(start, year + 1)
            day = later if (later - base) < (base - day) else day
        return When(day, found.precision)
    if kind == "relative":
        text = re.sub(r"(?i)^(?:earlier|later|early|late)\s+", "", text)
        text = re.sub(r"(?i)^(?:past|previous)\b", "last", text)  # dateparser knows only "last"
    if kind == "month_rel" and base is not None:
        # dateparser reads "May 2021" but not "May this year" or "last May":
        # give it the year. "May last year" is a year back; "last May" is the
        # latest May before the published date, "next May" the first after it.
        word = re.search(r"(?i)\b(this|last|next)\b", text)
        month = _parse(re.sub(r"(?i)\s*\b(?:of|this|last|next|year)\b\s*", " ", text).strip(), base)
        if word is None or month is None:
            return None
        which, number = word.group(1).casefold(), month.start.month
        if text.casefold().endswith("year"):
            year = base.year + {"this": 0, "last": -1, "next": 1}[which]
        else:
            year = base.year - (which == "last" and number >= base.month) + (which == "next" and number <= base.month)
        text = f"{month.start:%B} {year}"
    return _parse(text, base or date(2000, 1, 1))


def _same_day(day: date, year: int) -> date:
    """``day`` in ``year``; 29 February in a common year is 28 February."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


@cache
def _parse(text: str, base: date) -> When | None:
    found = _parser(base).get_date_data(text)
    value, period = found.date_obj, found.period
    if value is None or period not in PRECISIONS:
        return None
    day = value.date()
    start = {
        "year": date(day.year, 1, 1),
        "month": date(day.year, day.month, 1),
        "week": day - timedelta(days=day.weekday()),
        "day": day,
    }[period]
    return When(start, period)


@cache
def _parser(base: date) -> Any:
    """A parser whose "today" is ``base``. dateparser loads its language data
    on first use (about half a second): imported here, so a run only pays for
    it when the regex has found a candidate phrase."""
    from dateparser.date import DateDataParser

    settings = {"PREFER_DAY_OF_MONTH": "first", "RELATIVE_BASE": datetime(base.year, base.month, base.day)}
    return DateDataParser(languages=["en"], settings=settings)
