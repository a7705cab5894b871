"""Evaluation: run the real pipeline on ``tests/eval/`` and score it against an editor's expectations.

    make eval                                           # the table, against tests/eval/floors.yml
    .venv/bin/python scripts/dev/evaluate.py --verbose      # and, per article, what was missed
    .venv/bin/python scripts/dev/evaluate.py --json out.json
    .venv/bin/python scripts/dev/evaluate.py --check        # only check the expected files against the articles
    .venv/bin/python scripts/dev/evaluate.py --only heldout-   # the figures of the articles named heldout-*
    .venv/bin/python scripts/dev/evaluate.py --skip heldout- --skip heldout2- --skip heldout3-   # the others

The story sets of ``tests/eval/claims/`` are split by name: those named
``heldout-*`` are reported apart, never against the floors (``--only heldout-``
scores them alone).

The articles of ``tests/eval/articles/`` are built as one project with the
project's own ``config/`` files, by :func:`explainer.pipeline.build`, as a real
run would. Each article's result (paragraphs, headings, sentence placements,
fit) comes from the built site; Timeline and Who's who entries come from the
guide builders' data and are attributed to their article. The expected data
(``tests/eval/expected/<name>.yml``, format in ``tests/eval/README.md``) is
written by hand. Figures: see :data:`FIGURES`.

Exit status 1 when a figure is below its floor (or a count above its maximum).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from explainer import claims, guides, timeline
from explainer.clean import normalise_line
from explainer.errors import ExplainerError
from explainer.ingest import FORMATS, decode, ingest
from explainer.model import Heading, Site, SiteConfig
from explainer.pipeline import Project, build, load_project
from explainer.render import corpus

ROOT = Path(__file__).resolve().parents[2]

EVAL = ROOT / "tests" / "eval"
# The held-out batches: each scored apart (``--only``), not held to the floors,
# which were set on the other articles (``make eval`` and the test skip them).
HELD_OUT = ("heldout-", "heldout2-", "heldout3-")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


KINDS = _words(
    "byline dateline timestamp agency caption credit share newsletter consent related interruption advert video"
    " bio follow tags comments headline_repeat cookie machine nav other"
)
_EXPECTED_KEYS = {"subject", "fits", "furniture", "headings", "body", "timeline", "names", "accept_names"}

# name: (label, kind). "share" figures are ratios (higher is better); "count"
# figures must go down (their target is 0).
FIGURES: dict[str, tuple[str, str]] = {
    "furniture_removed": ("furniture lines removed", "share"),
    "body_kept": ("body paragraphs kept", "share"),
    "headings_found": ("subheadings kept as subheadings", "share"),
    "furniture_headings": ("furniture lines made subheadings", "count"),
    "timeline_precision": ("timeline precision", "share"),
    "timeline_recall": ("timeline recall", "share"),
    "timeline_from_furniture": ("timeline entries from furniture", "count"),
    "wrong_month_year": ("wrong month-year resolutions", "count"),
    "names_precision": ("Who's who precision", "share"),
    "names_recall": ("Who's who recall", "share"),
    "placement": ("placement accuracy", "share"),
    "placement_baseline": ("placement, naive baseline", "share"),
    "placement_ignoring_fit": ("placement, fit or not", "share"),
    "fit_reference": ("on-topic articles that fit", "share"),
    "fit_other": ("off-topic articles kept apart", "share"),
    "titles_right": ("titles that are the headline", "share"),
    "offtopic_guide_entries": ("guide entries from off-topic articles", "count"),
}


class EvalError(Exception):
    """A broken expected file or evaluation set: one line, naming the file."""


# ---------------------------------------------------------------------------
# The expected data


@dataclass(frozen=True)
class Furniture:
    text: str
    kind: str | None = None


@dataclass(frozen=True)
class Body:
    start: str
    topic: str | None = None
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dated:
    date: str  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    start: str


@dataclass(frozen=True)
class Expected:
    name: str
    subject: str
    fits: bool
    furniture: tuple[Furniture, ...] = ()
    headings: tuple[str, ...] = ()
    body: tuple[Body, ...] = ()
    timeline: tuple[Dated, ...] = ()
    names: tuple[str, ...] = ()
    accept_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """One article of the set: its file and what an editor expects of it."""

    article: Path
    expected: Expected


_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def load_expected(path: Path) -> Expected:
    """Read and check one expected file; any mistake is one line naming the file."""

    def fail(message: str) -> EvalError:
        return EvalError(f"{path}: {message}")

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise fail(f"cannot read ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise fail("expected a mapping")
    unknown = set(data) - _EXPECTED_KEYS
    if unknown:
        raise fail(f"unknown key(s) {sorted(unknown)}")
    subject = data.get("subject")
    if subject not in ("reference", "other"):
        raise fail("subject must be 'reference' or 'other'")
    fits = data.get("fits")
    if not isinstance(fits, bool):
        raise fail("fits must be true or false")

    def strings(key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"{key} must be a list of strings")
        return tuple(value)

    furniture = []
    for item in data.get("furniture") or []:
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            furniture.append(Furniture(str(item)))
        elif isinstance(item, dict) and isinstance(item.get("text"), str | int) and set(item) <= {"text", "kind"}:
            kind = item.get("kind")
            if kind is not None and kind not in KINDS:
                raise fail(f"unknown furniture kind {kind!r}")
            furniture.append(Furniture(str(item["text"]), kind))
        else:
            raise fail(f"furniture item {item!r}: a string or {{text, kind}}")
    body = []
    for item in data.get("body") or []:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("start"), str)
            or set(item) - {"start", "topic", "also"}
        ):
            raise fail(f"body item {item!r}: a mapping with start, topic, also")
        also = item.get("also") or []
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            raise fail(f"body item {item['start']!r}: also must be a list of topics")
        topic = item.get("topic")
        if topic is not None and not isinstance(topic, str):
            raise fail(f"body item {item['start']!r}: topic must be a topic slug")
        body.append(Body(item["start"], topic, tuple(also)))
    dated = []
    for item in data.get("timeline") or []:
        when = str(item.get("date")) if isinstance(item, dict) else ""
        if not _DATE.match(when) or not isinstance(item.get("start"), str):
            raise fail(f"timeline item {item!r}: date YYYY-MM-DD, YYYY-MM or YYYY, and start")
        dated.append(Dated(when, item["start"]))
    return Expected(
        name=path.stem,
        subject=subject,
        fits=fits,
        furniture=tuple(furniture),
        headings=strings("headings"),
        body=tuple(body),
        timeline=tuple(dated),
        names=strings("names"),
        accept_names=strings("accept_names"),
    )


def load_cases(folder: Path = EVAL) -> list[Case]:
    """Every article of ``folder/articles`` with its expected file, in name order."""
    articles = sorted(
        p for p in (folder / "articles").iterdir() if p.suffix in FORMATS and p.stem.casefold() != "readme"
    )
    cases = []
    for article in articles:
        expected = folder / "expected" / f"{article.stem}.yml"
        if not expected.is_file():
            raise EvalError(f"{article}: no expected file {expected.relative_to(folder)}")
        cases.append(Case(article, load_expected(expected)))
    orphans = {p.stem for p in (folder / "expected").glob("*.yml")} - {c.article.stem for c in cases}
    if orphans:
        raise EvalError(f"{folder / 'expected'}: expected files without an article: {sorted(orphans)}")
    return cases


# ---------------------------------------------------------------------------
# Text matching


_MARKER = re.compile(r"^(?:#{1,6}\s+|>\s?|(?:[-*+•▪]|\d{1,3}[.)])\s+)")


def norm(text: str) -> str:
    """Text as the pipeline normalises it (NFC, straight quotes, single spaces),
    without a leading Markdown or list marker: the form every comparison uses."""
    text = normalise_line(" ".join(str(text).split()))
    while True:
        stripped = _MARKER.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped


def occurrences(needle: str, haystack: str) -> int:
    """How often ``needle`` occurs in ``haystack`` as whole words, case as written."""
    needle, haystack = norm(needle), norm(haystack)
    if not needle:
        return 0
    return len(re.findall(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack))


def starts(text: str, start: str) -> bool:
    return norm(text).startswith(norm(start))


_WORDS = re.compile(r"\w+")


def _grams(text: str, n: int = 4) -> list[tuple[str, ...]]:
    words = _WORDS.findall(text.casefold())
    return [tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 0))]


def assign(sentences: Sequence[str], paragraphs: Sequence[str]) -> list[int | None]:
    """For each generated sentence, the expected paragraph it comes from (its
    index), or None: the one sharing most of its 4-word runs, at least half of
    them, so a sentence glued to a caption or a byline is still found."""
    paragraph_grams = [set(_grams(p)) for p in paragraphs]
    folded = [" ".join(_WORDS.findall(p.casefold())) for p in paragraphs]
    result: list[int | None] = []
    for sentence in sentences:
        grams = _grams(sentence)
        if not grams:  # under four words: the words in a row
            words = " ".join(_WORDS.findall(sentence.casefold()))
            hits = [i for i, text in enumerate(folded) if words and re.search(rf"\b{re.escape(words)}\b", text)]
            result.append(hits[0] if len(hits) == 1 else None)
            continue
        counts = [sum(g in own for g in grams) for own in paragraph_grams]
        best = max(counts, default=0)
        result.append(counts.index(best) if best and best * 2 >= len(grams) else None)
    return result


# ---------------------------------------------------------------------------
# The source as a reader sees it (for checking the expected files and for the
# paragraphs' full text, which the naive baseline reads)


_HTML_BLOCK = _words(
    "address article aside blockquote body button dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4"
    " h5 h6 header hr label legend li main nav ol p pre section summary table td th tr ul"
)
_HTML_SKIP = _words("head script style noscript template svg iframe")


def source_lines(path: Path) -> list[str]:
    """The article's non-blank lines, normalised (see :func:`norm`): a text or
    Markdown file without its front matter; a web page's text, one line per
    block element, as a browser would copy it."""
    data = path.read_bytes()
    if FORMATS[path.suffix.casefold()] != "html":
        body = ingest(path.name, data).body
        return [norm(line) for line in body.split("\n") if norm(line)]
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(decode(data, str(path)))
    parts: list[str] = []

    def walk(element: Any) -> None:
        if not isinstance(element.tag, str) or element.tag in _HTML_SKIP:  # a comment, or not shown
            parts.append(element.tail or "")
            return
        block = element.tag in _HTML_BLOCK
        parts.append("\n" if block or element.tag == "br" else "")
        parts.append(element.text or "")
        for child in element:
            walk(child)
        parts.append("\n" if block else "")
        parts.append(element.tail or "")

    body = root.find("body")
    walk(body if body is not None else root)
    return [norm(line) for line in "".join(parts).split("\n") if norm(line)]


def paragraph_texts(case: Case, lines: Sequence[str] | None = None) -> list[str]:
    """Each expected body paragraph's full text in the source (its line)."""
    lines = source_lines(case.article) if lines is None else lines
    texts = []
    for item in case.expected.body:
        found = [line for line in lines if starts(line, item.start)]
        texts.append(found[0] if found else norm(item.start))
    return texts


def check_case(case: Case, config: SiteConfig) -> list[str]:
    """What is wrong with an expected file, judged against its article: every
    line of the source must be accounted for (furniture, subheading or the
    start of a body paragraph), and every expectation must be findable."""
    expected, where = case.expected, case.article.name
    problems: list[str] = []
    lines = source_lines(case.article)
    slugs = {t.slug for t in config.topics}
    if expected.fits != (expected.subject == "reference"):
        problems.append(f"{where}: subject {expected.subject} with fits {expected.fits}")
    furniture = Counter(norm(f.text) for f in expected.furniture)
    for text, count in furniture.items():
        if lines.count(text) != count:
            problems.append(f"{where}: furniture {text!r} is {count} line(s) here, {lines.count(text)} in the source")
    headings = {norm(h) for h in expected.headings}
    for heading in headings - set(lines):
        problems.append(f"{where}: heading {heading!r} is not a line of the source")
    body_lines: list[str] = []
    for item in expected.body:
        found = [i for i, line in enumerate(lines) if starts(line, item.start)]
        if len(found) != 1:
            problems.append(f"{where}: body start {item.start!r} begins {len(found)} lines (must be 1)")
        else:
            body_lines.append(lines[found[0]])
        if len(item.start.split()) < 4:
            problems.append(f"{where}: body start {item.start!r} is too short to be unambiguous")
        if expected.subject == "reference" and item.topic is None:
            problems.append(f"{where}: body start {item.start!r} has no topic")
        for topic in (item.topic, *item.also):
            if topic is not None and topic not in slugs:
                problems.append(f"{where}: body start {item.start!r}: unknown topic {topic!r}")
    starts_ = [norm(b.start) for b in expected.body]
    for line in lines:  # the headline too is furniture (headline_repeat): the page shows the title apart
        if not (line in furniture or line in headings or any(line.startswith(s) for s in starts_)):
            problems.append(f"{where}: source line not accounted for: {line[:70]!r}")
    blocks = [*body_lines, *headings]
    for text in furniture:
        for block in blocks:
            if block != text and occurrences(text, block):
                problems.append(f"{where}: furniture {text!r} also occurs in {block[:50]!r}")
    for entry in expected.timeline:
        if not any(norm(entry.start) in line for line in body_lines):
            problems.append(f"{where}: timeline start {entry.start!r} is in no body paragraph")
    for name in (*expected.names, *expected.accept_names):
        if not any(occurrences(name.casefold(), line.casefold()) for line in body_lines):
            problems.append(f"{where}: name {name!r} is in no body paragraph")
    return problems


# ---------------------------------------------------------------------------
# Running the pipeline


@dataclass(frozen=True)
class Event:
    """A Timeline entry, as the guide builder made it."""

    date: str  # "YYYY-MM-DD", "YYYY-MM", "YYYY", or "week of YYYY-MM-DD"
    sentence: str
    phrase: str


@dataclass(frozen=True)
class Output:
    """What the generator made of one article."""

    fits: bool
    paragraphs: tuple[str, ...]
    headings: tuple[str, ...]
    sentences: tuple[tuple[str, str], ...]  # (text, topic) in order
    events: tuple[Event, ...] = ()
    names: tuple[str, ...] = ()
    title: str = ""


def eval_project(cases: Sequence[Case], root: Path = ROOT) -> Project:
    """The evaluation articles as one project, read with the project's ``config/``."""
    if not cases:
        raise EvalError("no evaluation articles")
    folder = cases[0].article.parent
    project = load_project(root, folder, root / "config" / "topics.yml", root / "config" / "boilerplate.yml")
    wanted = {c.article.name for c in cases}
    return Project(
        sources=tuple(s for s in project.sources if Path(s.path).name in wanted),
        config=project.config,
        rules=project.rules,
        guides=project.guides,
    )


def _when(when: timeline.When) -> str:
    start = when.start
    return {
        "year": f"{start.year:04d}",
        "month": f"{start.year:04d}-{start.month:02d}",
        "day": start.isoformat(),
    }.get(when.precision, f"week of {start.isoformat()}")


def guide_events(site: Site, project: Project) -> dict[str, list[Event]]:
    """Timeline entries by article slug, from the guide builder's own data."""
    events: dict[str, list[Event]] = {}
    for event in guides.timeline_of(site.articles, project.config, project.guides).events:
        events.setdefault(event.article.slug, []).append(Event(_when(event.when), event.sentence.text, event.phrase))
    return events


def guide_names(site: Site, project: Project) -> dict[str, set[str]]:
    """Who's who entries by article slug: the names the page lists whose
    pages include the article's Source page (as ``names.whos_who_page`` finds them)."""
    mentions = guides.whos_who_of(site.articles, project.config, site.pages, project.guides)
    result: dict[str, set[str]] = {}
    for name, links in mentions.items():
        for link in links:
            if link.is_source:
                result.setdefault(link.path.removeprefix("sources/").removesuffix(".md"), set()).add(name)
    return result


def run(cases: Sequence[Case], root: Path = ROOT) -> tuple[dict[str, Output], Project, Site]:
    """Build the set as one project; each article's output, by article file name."""
    project = eval_project(cases, root)
    try:
        site = build(project)
    except ExplainerError as exc:
        raise EvalError(str(exc)) from None
    articles = site.report.get("articles", [])
    shown = {str(a["source"]): a["shown_on"] == "topics" for a in articles} if isinstance(articles, list) else {}
    events, names = guide_events(site, project), guide_names(site, project)
    outputs = {}
    for item in site.articles:
        article = item.article
        outputs[Path(article.path).name] = Output(
            fits=shown.get(article.path, False),
            paragraphs=tuple(p.text for p in article.paragraphs),
            headings=tuple(b.text for b in article.blocks if isinstance(b, Heading)),
            sentences=tuple((p.sentence.text, p.topic) for p in item.placements),
            events=tuple(events.get(article.slug, ())),
            names=tuple(sorted(names.get(article.slug, ()))),
            title=article.title,
        )
    return outputs, project, site


# ---------------------------------------------------------------------------
# Metrics: pure functions of expected data and output


def share(part: int, whole: int) -> float:
    """part / whole, and 1.0 when there is nothing to count."""
    return part / whole if whole else 1.0


class _Counts:
    """Counts that add up, field by field (one article's or set's into the total)."""

    def add(self, other: _Counts) -> None:
        for name, value in vars(other).items():
            if isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)


@dataclass
class Tally(_Counts):
    """Counts for one article (or added up over the set), and what was missed."""

    furniture: int = 0
    furniture_removed: int = 0
    body: int = 0
    body_kept: int = 0
    headings: int = 0
    headings_found: int = 0
    furniture_headings: int = 0
    timeline_listed: int = 0
    timeline_expected: int = 0
    timeline_correct: int = 0
    timeline_from_furniture: int = 0
    wrong_month_year: int = 0
    names_listed: int = 0
    names_expected: int = 0
    names_listed_correct: int = 0
    names_found: int = 0
    placed: int = 0
    placed_right: int = 0
    baseline_right: int = 0
    placed_right_any_fit: int = 0
    reference_articles: int = 0
    reference_fit: int = 0
    other_articles: int = 0
    other_apart: int = 0
    offtopic_guide_entries: int = 0
    articles: int = 0
    titles_right: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "furniture_removed": share(self.furniture_removed, self.furniture),
            "body_kept": share(self.body_kept, self.body),
            "headings_found": share(self.headings_found, self.headings),
            "furniture_headings": self.furniture_headings,
            "timeline_precision": share(self.timeline_correct, self.timeline_listed),
            "timeline_recall": share(self.timeline_correct, self.timeline_expected),
            "timeline_from_furniture": self.timeline_from_furniture,
            "wrong_month_year": self.wrong_month_year,
            "names_precision": share(self.names_listed_correct, self.names_listed),
            "names_recall": share(self.names_found, self.names_expected),
            "placement": share(self.placed_right, self.placed),
            "placement_baseline": share(self.baseline_right, self.placed),
            "placement_ignoring_fit": share(self.placed_right_any_fit, self.placed),
            "fit_reference": share(self.reference_fit, self.reference_articles),
            "fit_other": share(self.other_apart, self.other_articles),
            "titles_right": share(self.titles_right, self.articles),
            "offtopic_guide_entries": self.offtopic_guide_entries,
        }


def furniture_left(furniture: Sequence[str], kept: Sequence[str]) -> list[str]:
    """The furniture lines still shown: found (whole words) in a kept paragraph
    or heading. A line given n times is shown as often as it occurs, at most n."""
    wanted = Counter(norm(f) for f in furniture if norm(f))
    if not wanted:
        return []
    # Longest first, so "Markets" inside a kept "Markets, policy and tech..."
    # counts for the longer line only.
    alternatives = "|".join(re.escape(t) for t in sorted(wanted, key=lambda t: (-len(t), t)))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    found = Counter(m.group() for block in kept for m in pattern.finditer(norm(block)))
    return [text for text, count in wanted.items() for _ in range(min(count, found[text]))]


def body_lost(starts_: Sequence[str], paragraphs: Sequence[str]) -> list[str]:
    """Expected paragraph starts that begin no generated paragraph."""
    return [s for s in starts_ if not any(starts(p, s) for p in paragraphs)]


def headings_missed(expected: Sequence[str], headings: Sequence[str]) -> list[str]:
    found = {norm(h) for h in headings}
    return [h for h in expected if norm(h) not in found]


def match_timeline(
    expected: Sequence[Dated], events: Sequence[Event]
) -> tuple[list[Event], list[Event], list[Dated], list[Event]]:
    """(correct, wrong, missed, wrong month-year): an entry is correct when its
    sentence starts with an expected ``start`` and its date equals that entry's;
    each expected entry matches once. Wrong month-year: an entry of an expected
    sentence with the expected month (and day) but another year."""
    open_ = list(expected)
    correct, wrong, wrong_year = [], [], []
    for event in events:
        hit = next((e for e in open_ if starts(event.sentence, e.start) and e.date == event.date), None)
        if hit is not None:
            open_.remove(hit)
            correct.append(event)
            continue
        wrong.append(event)
        if any(
            starts(event.sentence, e.start)
            and len(e.date) >= 7
            and len(event.date) == len(e.date)
            and event.date[4:] == e.date[4:]
            and event.date[:4] != e.date[:4]
            for e in expected
        ):
            wrong_year.append(event)
    return correct, wrong, open_, wrong_year


def from_furniture(event: Event, furniture: Sequence[str]) -> bool:
    """True when the entry's date phrase comes from a furniture line (the
    sentence is part of one, or the phrase sits inside one glued to it)."""
    sentence, phrase = norm(event.sentence), norm(event.phrase)
    lines = [line for line in map(norm, furniture) if line]
    if any(sentence in line for line in lines):
        return True
    # Characters of the sentence that belong to a furniture line (or are the
    # spaces between two): the phrase is from furniture when all of it is.
    covered = [c.isspace() for c in sentence]
    for line in lines:
        for match in re.finditer(rf"(?<!\w){re.escape(line)}(?!\w)", sentence):
            covered[match.start() : match.end()] = [True] * (match.end() - match.start())
    at = sentence.find(phrase)
    return at >= 0 and bool(phrase) and all(covered[at : at + len(phrase)])


def score_names(
    names: Iterable[str], accept: Iterable[str], listed: Iterable[str]
) -> tuple[int, int, list[str], list[str]]:
    """(listed and acceptable, expected and listed, wrongly listed, missed)."""
    names_, accepted, listed_ = {norm(n) for n in names}, {norm(n) for n in accept}, {norm(n) for n in listed}
    wrong = sorted(listed_ - names_ - accepted)
    missed = sorted(names_ - listed_)
    return len(listed_) - len(wrong), len(names_) - len(missed), wrong, missed


def majority(topics: Sequence[str]) -> str | None:
    """The most frequent topic; a tie goes to the one that comes first."""
    if not topics:
        return None
    counts = Counter(topics)
    top = max(counts.values())
    return next(t for t in topics if counts[t] == top)


def _phrase(phrase: str) -> str:
    words = r"\s+".join(map(re.escape, phrase.split()))
    return rf"(?<!\w){words}(?:e?s)?(?!\w)"


class NaiveBaseline:
    """The ten-minute keyword counter of issue 10: count each topic's signal
    words in the paragraph (whole words, any case, plural s/es), the most wins,
    ties (and no signal at all) go to the topic listed first."""

    def __init__(self, config: SiteConfig):
        self.slugs = [t.slug for t in config.topics]
        self.patterns = [
            re.compile("|".join(_phrase(s.phrase) for s in t.signals), re.IGNORECASE) for t in config.topics
        ]

    def topic(self, text: str) -> str:
        counts = [len(p.findall(text)) if p.pattern else 0 for p in self.patterns]
        return self.slugs[counts.index(max(counts))]


def headline_of(case: Case) -> str | None:
    """The article's headline: the metadata's title (sidecar or front matter),
    else the text of its first ``headline_repeat`` line; None if neither."""
    if case.article.suffix.casefold() in (".txt", ".text", ".md", ".markdown"):
        sidecar = case.article.with_suffix(".yml")
        side = (sidecar.name, sidecar.read_bytes()) if sidecar.is_file() else None
        title = ingest(case.article.name, case.article.read_bytes(), side).meta.title
        if title:
            return norm(title)
    repeats = [f.text for f in case.expected.furniture if f.kind == "headline_repeat"]
    return norm(repeats[0]) if repeats else None


def score(case: Case, output: Output | None, baseline: NaiveBaseline, lines: Sequence[str] | None = None) -> Tally:
    """One article's tally (its misses too, for ``--verbose``)."""
    expected, tally = case.expected, Tally()
    misses = tally.misses
    if output is None:  # left out of the site (as a duplicate): nothing kept
        output = Output(fits=False, paragraphs=(), headings=(), sentences=())
        misses.append("article left out of the site")
    reference = expected.fits
    furniture = [f.text for f in expected.furniture]
    headline = headline_of(case)
    tally.articles = 1
    tally.titles_right = int(headline is None or norm(output.title) == headline)
    if not tally.titles_right:
        misses.append(f"title is {output.title!r}, not the headline {headline!r}")
    kept = [*output.paragraphs, *output.headings]
    left = furniture_left(furniture, kept)
    tally.furniture, tally.furniture_removed = len(furniture), len(furniture) - len(left)
    misses.extend(f"furniture kept: {t!r}" for t in left)
    lost = body_lost([b.start for b in expected.body], output.paragraphs)
    tally.body, tally.body_kept = len(expected.body), len(expected.body) - len(lost)
    misses.extend(f"body paragraph lost or merged: {s!r}" for s in lost)
    missed_headings = headings_missed(expected.headings, output.headings)
    tally.headings, tally.headings_found = len(expected.headings), len(expected.headings) - len(missed_headings)
    misses.extend(f"subheading missed: {h!r}" for h in missed_headings)
    made_headings = furniture_left(furniture, output.headings)
    tally.furniture_headings = len(made_headings)
    misses.extend(f"furniture made a subheading: {h!r}" for h in made_headings)

    correct, wrong, missed, wrong_year = match_timeline(expected.timeline, output.events)
    tally.timeline_from_furniture = sum(from_furniture(e, furniture) for e in output.events)
    tally.wrong_month_year = len(wrong_year)
    tally.offtopic_guide_entries = 0 if reference else len(output.events) + len(output.names)
    if reference:
        tally.timeline_listed, tally.timeline_expected = len(output.events), len(expected.timeline)
        tally.timeline_correct = len(correct)
        misses.extend(f"timeline wrong: {e.date} {e.phrase!r} in {e.sentence[:60]!r}" for e in wrong)
        misses.extend(f"timeline missed: {d.date} {d.start!r}" for d in missed)
        good, found, wrong_names, missed_names = score_names(expected.names, expected.accept_names, output.names)
        tally.names_listed, tally.names_listed_correct = len(output.names), good
        tally.names_expected, tally.names_found = len(set(map(norm, expected.names))), found
        misses.extend(f"name wrongly listed: {n!r}" for n in wrong_names)
        misses.extend(f"name missed: {n!r}" for n in missed_names)
    elif output.events or output.names:
        misses.append(f"off-topic article feeds the guides: {len(output.events)} dates, {len(output.names)} names")

    if reference:
        tally.reference_articles, tally.reference_fit = 1, int(output.fits)
        if not output.fits:
            misses.append("on-topic article does not fit the topics (own page)")
        texts = paragraph_texts(case, lines)
        owner = assign([s for s, _ in output.sentences], texts)
        topics: list[list[str]] = [[] for _ in texts]
        for (_, topic), index in zip(output.sentences, owner, strict=True):
            if index is not None:
                topics[index].append(topic)
        for item, text, placed in zip(expected.body, texts, topics, strict=True):
            if item.topic is None:
                continue
            accepted = {item.topic, *item.also}
            got = majority(placed)
            tally.placed += 1
            tally.placed_right += int(output.fits and got in accepted)
            tally.placed_right_any_fit += int(got in accepted)
            tally.baseline_right += int(baseline.topic(text) in accepted)
            if got not in accepted:
                misses.append(f"placed on {got or 'no page'}, expected {item.topic}: {item.start!r}")
    else:
        tally.other_articles, tally.other_apart = 1, int(not output.fits)
        if output.fits:
            misses.append("off-topic article fits the topics")
    return tally


@dataclass(frozen=True)
class Result:
    overall: dict[str, float]
    articles: dict[str, dict[str, float]]
    tallies: dict[str, Tally]


Prefixes = str | Sequence[str] | None


def evaluate(folder: Path = EVAL, root: Path = ROOT, only: Prefixes = None, skip: Prefixes = None) -> Result:
    """Build the set, score every article, add the tallies up. With ``only``
    (``skip``), the whole set is still built (as a real run would build it), but
    only the articles whose file name starts (does not start) with one of its
    prefixes are scored."""
    cases = load_cases(folder)
    outputs, project, _ = run(cases, root)
    return score_all(select(cases, only, skip), outputs, project.config)


def _prefixes(value: Prefixes) -> tuple[str, ...]:
    """One prefix or several, as a tuple (empty for none)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def select(cases: Sequence[Case], only: Prefixes, skip: Prefixes = None) -> list[Case]:
    """The cases whose article file name starts with a prefix of ``only`` and
    with none of ``skip`` (all without either)."""
    wanted, unwanted = _prefixes(only), _prefixes(skip)
    chosen = [
        c
        for c in cases
        if (not wanted or c.article.name.startswith(wanted)) and not (unwanted and c.article.name.startswith(unwanted))
    ]
    if not chosen:
        raise EvalError(f"no evaluation article is left by --only {list(wanted)!r} --skip {list(unwanted)!r}")
    return chosen


def score_all(cases: Sequence[Case], outputs: Mapping[str, Output], config: SiteConfig) -> Result:
    """Every article's tally, and the figures overall and per article."""
    baseline = NaiveBaseline(config)
    tallies = {c.article.name: score(c, outputs.get(c.article.name), baseline) for c in cases}
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    return Result(total.figures(), {name: t.figures() for name, t in tallies.items()}, tallies)


# ---------------------------------------------------------------------------
# Claims (issue 12): story sets, each built as its own project, scored pair by pair

CLAIMS = EVAL / "claims"
# name: (label, kind), as FIGURES; measured on the story sets of tests/eval/claims/.
CLAIM_FIGURES: dict[str, tuple[str, str]] = {
    "claims_pair_precision": ("claims: pair precision", "share"),
    "claims_pair_recall": ("claims: pair recall", "share"),
    "claims_recovered": ("claims fully recovered", "share"),
    "conflicts_precision": ("conflicts: precision", "share"),
    "conflicts_recall": ("conflicts: recall", "share"),
    "trap_pairs_merged": ("trap pairs merged", "count"),
}
ALL_FIGURES = {**FIGURES, **CLAIM_FIGURES}
_SET_KEYS = {"story", "claims", "conflicts", "traps"}


@dataclass(frozen=True)
class SentenceRef:
    """A sentence of a story set: its article's file name (no suffix) and its first words."""

    article: str
    start: str


@dataclass(frozen=True)
class ExpectedClaim:
    id: str
    sentences: tuple[SentenceRef, ...]


@dataclass(frozen=True)
class ExpectedValue:
    value: str
    sentences: tuple[SentenceRef, ...]


@dataclass(frozen=True)
class ExpectedConflict:
    claim: str
    unit: str  # "date", "%", or the word counted ("people", "farms")
    values: tuple[ExpectedValue, ...]


@dataclass(frozen=True)
class Trap:
    """The first sentence must share a claim with none of the others."""

    why: str
    sentences: tuple[SentenceRef, ...]


@dataclass(frozen=True)
class StorySet:
    name: str
    articles: Path
    topics: Path | None  # the set's own topics file (another subject), else config/topics.yml
    story: str
    claims: tuple[ExpectedClaim, ...]
    conflicts: tuple[ExpectedConflict, ...]
    traps: tuple[Trap, ...]


def load_story_set(folder: Path) -> StorySet:
    """Read and check one story set's ``expected.yml``; any mistake is one line naming the file."""
    path = folder / "expected.yml"

    def fail(message: str) -> EvalError:
        return EvalError(f"{path}: {message}")

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise fail(f"cannot read ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or set(data) - _SET_KEYS or not isinstance(data.get("story"), str):
        raise fail(f"expected a mapping with a 'story' line and {sorted(_SET_KEYS - {'story'})}")

    def items(value: Any, what: str, keys: set[str]) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) and set(v) <= keys for v in value):
            raise fail(f"{what} must be a list of mappings with {sorted(keys)}")
        return value

    def refs(value: Any, what: str, least: int) -> tuple[SentenceRef, ...]:
        found = items(value, f"{what}: sentences", {"article", "start"})
        if len(found) < least or not all(
            isinstance(r.get("article"), str) and isinstance(r.get("start"), str) for r in found
        ):
            raise fail(f"{what}: at least {least} sentences, each {{article, start}}")
        return tuple(SentenceRef(r["article"], r["start"]) for r in found)

    claims_ = []
    for item in items(data.get("claims") or [], "claims", {"id", "sentences"}):
        name = str(item.get("id", ""))
        claims_.append(ExpectedClaim(name, refs(item.get("sentences"), f"claim {name!r}", 2)))
    ids = [c.id for c in claims_]
    if len(set(ids)) != len(ids) or not all(ids):
        raise fail("every claim needs an id of its own")
    conflicts = []
    for item in items(data.get("conflicts") or [], "conflicts", {"claim", "unit", "values"}):
        if item.get("claim") not in ids or not isinstance(item.get("unit"), str):
            raise fail(f"conflict {item.get('claim')!r}: claim must be the id of a claim, unit a word")
        values = items(item.get("values"), f"conflict {item['claim']!r}: values", {"value", "sentences"})
        if len(values) < 2:
            raise fail(f"conflict {item['claim']!r}: at least two values")
        conflicts.append(
            ExpectedConflict(
                item["claim"],
                item["unit"],
                tuple(
                    ExpectedValue(str(v.get("value")), refs(v.get("sentences"), f"value {v.get('value')!r}", 1))
                    for v in values
                ),
            )
        )
    traps = [
        Trap(str(t.get("why", "")), refs(t.get("sentences"), f"trap {t.get('why')!r}", 2))
        for t in items(data.get("traps") or [], "traps", {"why", "sentences"})
    ]
    topics = folder / "topics.yml"
    return StorySet(
        folder.name,
        folder / "articles",
        topics if topics.is_file() else None,
        data["story"],
        tuple(claims_),
        tuple(conflicts),
        tuple(traps),
    )


def load_story_sets(folder: Path = CLAIMS) -> list[StorySet]:
    """Every story set of ``folder`` (a folder each, with ``articles/`` and ``expected.yml``), in name order."""
    if not folder.is_dir():
        return []
    return [load_story_set(p) for p in sorted(folder.iterdir()) if p.is_dir()]


def _set_articles(story: StorySet) -> list[Path]:
    return sorted(p for p in story.articles.iterdir() if p.suffix in FORMATS and p.stem.casefold() != "readme")


def _refs_of(story: StorySet) -> list[tuple[str, SentenceRef]]:
    where = f"{story.name}/expected.yml"
    found = [(f"{where}: claim {c.id!r}", r) for c in story.claims for r in c.sentences]
    found += [(f"{where}: conflict {c.claim!r}", r) for c in story.conflicts for v in c.values for r in v.sentences]
    found += [(f"{where}: trap {t.why!r}", r) for t in story.traps for r in t.sentences]
    return found


def check_story_set(story: StorySet) -> list[str]:
    """What is wrong with a story set's expected file: every sentence named must
    begin exactly once in its article's text, every claim's sentences come from
    different articles, and every conflict's sentences belong to its claim."""
    texts = {p.stem: " ".join(source_lines(p)) for p in _set_articles(story)}
    problems = []
    for where, ref in _refs_of(story):
        if ref.article not in texts:
            problems.append(f"{where}: no article {ref.article!r} in {story.articles}")
        elif len(ref.start.split()) < 5:
            problems.append(f"{where}: start {ref.start!r} is too short to be unambiguous")
        elif len(re.findall(rf"(?<!\w){re.escape(norm(ref.start))}", texts[ref.article])) != 1:
            problems.append(f"{where}: start {ref.start!r} does not occur exactly once in {ref.article}")
    claimed = {c.id: set(c.sentences) for c in story.claims}
    for claim in story.claims:
        articles = [r.article for r in claim.sentences]
        if len(set(articles)) != len(articles):
            problems.append(f"{story.name}/expected.yml: claim {claim.id!r} has two sentences of one article")
    for conflict in story.conflicts:
        outside = {r for v in conflict.values for r in v.sentences} - claimed[conflict.claim]
        if outside:
            problems.append(
                f"{story.name}/expected.yml: conflict {conflict.claim!r}:"
                f" {sorted(r.start for r in outside)} not in the claim"
            )
    seen = [r for c in story.claims for r in c.sentences]
    if len(set(seen)) != len(seen):
        problems.append(f"{story.name}/expected.yml: a sentence is in two claims")
    return problems


@dataclass(frozen=True)
class FoundClaim:
    """A claim the generator found: each source as (article file name, sentence text), and its conflicts."""

    sources: tuple[tuple[str, str], ...]
    conflicts: tuple[tuple[str, tuple[tuple[tuple[str, str], ...], ...]], ...]  # (unit, each figure's sources)


def story_project(story: StorySet, root: Path = ROOT) -> Project:
    """The set's articles as one project, with its own topics file or the project's."""
    topics = story.topics or root / "config" / "topics.yml"
    project = load_project(root, story.articles, topics, root / "config" / "boilerplate.yml")
    wanted = {p.name for p in _set_articles(story)}
    return replace(project, sources=tuple(s for s in project.sources if Path(s.path).name in wanted))


def run_story(story: StorySet, root: Path = ROOT) -> tuple[list[FoundClaim], Site]:
    """Build the set as a real run would, then find its claims as the topic pages do
    (:func:`explainer.render.corpus`, which calls :func:`explainer.claims.find_claims`
    per topic, on the classified articles the build made)."""
    project = story_project(story, root)
    try:
        site = build(project)
    except ExplainerError as exc:
        raise EvalError(f"{story.name}: {exc}") from None
    names = {item.article.slug: Path(item.article.path).stem for item in site.articles}
    found = corpus(site.articles, project.config).claims

    def source(ref: claims.Ref) -> tuple[str, str]:
        return names[ref.slug], ref.text

    result = [
        FoundClaim(
            tuple(source(r) for r in claim.sources),
            tuple((c.unit, tuple(tuple(source(r) for r in f.sources) for f in c.figures)) for c in claim.conflicts),
        )
        for slug in sorted(found)
        for claim in found[slug]
    ]
    return result, site


Key = tuple[str, str]  # (article, start) of an expected sentence, or (article, text) of another


def _keyer(story: StorySet) -> Callable[[tuple[str, str]], Key]:
    """A found sentence's key: the expected sentence whose start it holds, else its own text."""
    starts_: dict[str, set[str]] = {r.article: set() for _, r in _refs_of(story)}
    for _, ref in _refs_of(story):
        starts_[ref.article].add(norm(ref.start))

    def key(source: tuple[str, str]) -> Key:
        article, text = source[0], norm(source[1])
        hits = sorted(s for s in starts_.get(article, ()) if s in text)
        return (article, hits[0]) if len(hits) == 1 else (article, text)

    return key


def _pairs(groups: Iterable[Iterable[Key]]) -> set[frozenset[Key]]:
    return {frozenset((a, b)) for group in groups for a in group for b in group if a < b}


@dataclass
class ClaimTally(_Counts):
    """Counts for one story set (or added up), and what was missed."""

    pairs_found: int = 0
    pairs_expected: int = 0
    pairs_right: int = 0
    claims_expected: int = 0
    claims_recovered: int = 0
    claims_found: int = 0
    conflicts_found: int = 0
    conflicts_found_right: int = 0
    conflicts_expected: int = 0
    conflicts_recovered: int = 0
    trap_pairs: int = 0
    trap_pairs_merged: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        return {
            "claims_pair_precision": share(self.pairs_right, self.pairs_found),
            "claims_pair_recall": share(self.pairs_right, self.pairs_expected),
            "claims_recovered": share(self.claims_recovered, self.claims_expected),
            "conflicts_precision": share(self.conflicts_found_right, self.conflicts_found),
            "conflicts_recall": share(self.conflicts_recovered, self.conflicts_expected),
            "trap_pairs_merged": self.trap_pairs_merged,
        }


def _kind(unit: str) -> str:
    """What a conflict is about: a date, a share, or a count (of people, yuan, farms...)."""
    return unit if unit in ("date", "%") else "count"


def _unit_agrees(expected: str, found: str) -> bool:
    """The disputed unit as an editor names it and as the method read it: the
    same word, or one the stem of the other ("farms", "farm")."""
    a, b = expected.casefold(), found.casefold()
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def _conflict_matches(expected: ExpectedConflict, unit: str, figures: Sequence[frozenset[Key]]) -> bool:
    """A found conflict is the expected one when it is of the same kind (date,
    share or count) and it puts the expected sentences it holds (of at least two
    values) apart exactly as the editor does: one value, one figure. The word
    the method counts may differ (it reads "34 broadband users" as broadband):
    that is reported, not scored."""
    if _kind(expected.unit) != _kind(unit):
        return False
    values = [frozenset((r.article, norm(r.start)) for r in v.sentences) for v in expected.values]
    seen = [v for v in values if any(v & f for f in figures)]
    if len(seen) < 2:
        return False
    # every value's sentences found sit in one figure, and no figure holds two values
    one_figure = all(sum(1 for f in figures if v & f) == 1 for v in seen)
    apart = all(sum(1 for v in seen if v & f) <= 1 for f in figures)
    return one_figure and apart


def score_story(story: StorySet, found: Sequence[FoundClaim]) -> ClaimTally:
    """One story set's tally: pairs of sentences placed in one claim (found
    against expected), claims found exactly, conflicts, and trap pairs merged."""
    key, tally = _keyer(story), ClaimTally()
    groups = [frozenset(key(s) for s in claim.sources) for claim in found]
    expected = [frozenset((r.article, norm(r.start)) for r in c.sentences) for c in story.claims]
    found_pairs, expected_pairs = _pairs(sorted(g) for g in groups), _pairs(sorted(g) for g in expected)
    right = found_pairs & expected_pairs
    tally.pairs_found, tally.pairs_expected, tally.pairs_right = len(found_pairs), len(expected_pairs), len(right)
    tally.claims_found, tally.claims_expected = len(groups), len(expected)
    tally.claims_recovered = sum(1 for e in expected if e in groups)

    def show(pair: frozenset[Key]) -> str:
        return " + ".join(f"{a}: {t[:50]!r}" for a, t in sorted(pair))

    tally.misses += [f"merged, not one claim: {show(p)}" for p in sorted(found_pairs - right, key=sorted)]
    tally.misses += [f"not merged: {show(p)}" for p in sorted(expected_pairs - right, key=sorted)]
    for claim in story.claims:
        if frozenset((r.article, norm(r.start)) for r in claim.sentences) not in groups:
            tally.misses.append(f"claim {claim.id!r} not recovered exactly")
    found_conflicts = [
        (unit, [frozenset(key(s) for s in figure) for figure in figures])
        for claim in found
        for unit, figures in claim.conflicts
    ]
    tally.conflicts_found, tally.conflicts_expected = len(found_conflicts), len(story.conflicts)
    tally.conflicts_found_right = sum(
        1 for unit, figures in found_conflicts if any(_conflict_matches(e, unit, figures) for e in story.conflicts)
    )
    for conflict in story.conflicts:
        units = [unit for unit, figures in found_conflicts if _conflict_matches(conflict, unit, figures)]
        if units:
            tally.conflicts_recovered += 1
            if not any(_unit_agrees(conflict.unit, u) for u in units):
                tally.misses.append(
                    f"conflict {conflict.claim!r} found, its unit read as {units[0]!r}, not {conflict.unit!r}"
                )
        else:
            tally.misses.append(f"conflict missed: {conflict.claim!r} ({conflict.unit})")
    for unit, figures in found_conflicts:
        if not any(_conflict_matches(e, unit, figures) for e in story.conflicts):
            tally.misses.append(f"conflict not expected: {unit} {[sorted(t[:40] for _, t in f) for f in figures]}")
    for trap in story.traps:
        first = (trap.sentences[0].article, norm(trap.sentences[0].start))
        for other in trap.sentences[1:]:
            pair = frozenset((first, (other.article, norm(other.start))))
            tally.trap_pairs += 1
            if pair in found_pairs:
                tally.trap_pairs_merged += 1
                tally.misses.append(f"trap merged ({trap.why}): {show(pair)}")
    return tally


@dataclass(frozen=True)
class ClaimResult:
    overall: dict[str, float]
    tallies: dict[str, ClaimTally]


def select_sets(stories: Sequence[StorySet], only: Prefixes, skip: Prefixes = None) -> list[StorySet]:
    """The story sets whose folder name starts with a prefix of ``only`` and with
    none of ``skip`` (all without either); unlike :func:`select`, none is no error,
    as most prefixes name articles, not story sets."""
    wanted, unwanted = _prefixes(only), _prefixes(skip)
    return [
        s
        for s in stories
        if (not wanted or s.name.startswith(wanted)) and not (unwanted and s.name.startswith(unwanted))
    ]


def evaluate_claims(
    folder: Path = CLAIMS, root: Path = ROOT, only: Prefixes = None, skip: Prefixes = HELD_OUT
) -> ClaimResult:
    """Build the story sets chosen (by default every set but the held-out ones,
    which the floors were not set on), score their claims, add the tallies up."""
    chosen = select_sets(load_story_sets(folder), only, skip)
    tallies = {story.name: score_story(story, run_story(story, root)[0]) for story in chosen}
    total = ClaimTally()
    for tally in tallies.values():
        total.add(tally)
    return ClaimResult(total.figures(), tallies)


def claims_table(result: ClaimResult, minimum: Mapping[str, float], maximum: Mapping[str, float]) -> str:
    """The claims figures as rows of the table's shape."""
    total = ClaimTally()
    for tally in result.tallies.values():
        total.add(tally)
    over = {
        "claims_pair_precision": f"{total.pairs_found} pairs found ({total.claims_found} claims)",
        "claims_pair_recall": f"{total.pairs_expected} pairs expected",
        "claims_recovered": f"{total.claims_expected} claims expected",
        "conflicts_precision": f"{total.conflicts_found} conflicts found",
        "conflicts_recall": f"{total.conflicts_expected} conflicts expected",
        "trap_pairs_merged": f"{total.trap_pairs} trap pairs",
    }
    return _rows(result.overall, minimum, maximum, {}, over)


# ---------------------------------------------------------------------------
# Floors and the table


def load_floors(path: Path) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """(minimum, maximum, target) from the floors file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or set(data) - {"minimum", "maximum", "target"}:
        raise EvalError(f"{path}: expected 'minimum', 'maximum' and 'target' mappings")
    parts = []
    for key in ("minimum", "maximum", "target"):
        values = data.get(key) or {}
        unknown = set(values) - set(ALL_FIGURES)
        if unknown:
            raise EvalError(f"{path}: {key}: unknown figure(s) {sorted(unknown)}")
        parts.append({k: float(v) for k, v in values.items()})
    return parts[0], parts[1], parts[2]


def broken_floors(
    figures: Mapping[str, float], minimum: Mapping[str, float], maximum: Mapping[str, float]
) -> list[str]:
    """Figures below their floor or above their maximum, as sentences."""
    label = {k: v[0] for k, v in ALL_FIGURES.items()}
    broken = [f"{label[k]}: {figures[k]:.3f} is below its floor {v}" for k, v in minimum.items() if figures[k] < v]
    broken += [f"{label[k]}: {figures[k]:g} is above its maximum {v:g}" for k, v in maximum.items() if figures[k] > v]
    return broken


def counts(t: Tally) -> dict[str, int]:
    return {k: v for k, v in vars(t).items() if isinstance(v, int)}


def claim_counts(t: ClaimTally) -> dict[str, int]:
    return {k: v for k, v in vars(t).items() if isinstance(v, int)}


def claims_json(result: ClaimResult) -> dict[str, Any]:
    """The claims figures of some story sets, overall and per set, for ``--json``."""
    return {
        "overall": result.overall,
        "sets": {
            name: {"figures": t.figures(), "counts": claim_counts(t), "misses": t.misses}
            for name, t in result.tallies.items()
        },
    }


def summary(t: Tally) -> str:
    """One article's counts in a line, for ``--verbose``."""
    parts = [
        f"furniture {t.furniture_removed}/{t.furniture} removed",
        f"body {t.body_kept}/{t.body} kept",
    ]
    if t.placed:
        parts.append(f"placed {t.placed_right}/{t.placed} (baseline {t.baseline_right})")
    if t.reference_articles:
        parts.append(f"timeline {t.timeline_correct} right of {t.timeline_listed}, {t.timeline_expected} expected")
        parts.append(
            f"names {t.names_listed_correct} right of {t.names_listed}, {t.names_found}/{t.names_expected} found"
        )
    return "; ".join(parts)


def _show(name: str, value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.1%}" if ALL_FIGURES[name][1] == "share" else f"{value:g}"


def table(
    result: Result,
    minimum: Mapping[str, float] | None = None,
    maximum: Mapping[str, float] | None = None,
    target: Mapping[str, float] | None = None,
) -> str:
    """The figures as a plain-text table, with floors and targets."""
    minimum, maximum, target = minimum or {}, maximum or {}, target or {}
    tallies = list(result.tallies.values())
    total = Tally()
    for tally in tallies:
        total.add(tally)
    over = {
        "furniture_removed": f"{total.furniture} furniture lines",
        "body_kept": f"{total.body} body paragraphs",
        "headings_found": f"{total.headings} subheadings",
        "timeline_precision": f"{total.timeline_listed} entries listed",
        "timeline_recall": f"{total.timeline_expected} entries expected",
        "names_precision": f"{total.names_listed} names listed",
        "names_recall": f"{total.names_expected} names expected",
        "placement": f"{total.placed} paragraphs",
        "placement_baseline": f"{total.placed} paragraphs",
        "placement_ignoring_fit": f"{total.placed} paragraphs",
        "titles_right": f"{total.articles} articles",
        "fit_reference": f"{total.reference_articles} articles",
        "fit_other": f"{total.other_articles} articles",
    }
    return _rows(result.overall, minimum, maximum, target, over)


def _rows(
    figures: Mapping[str, float],
    minimum: Mapping[str, float],
    maximum: Mapping[str, float],
    target: Mapping[str, float],
    over: Mapping[str, str],
) -> str:
    """Figures as aligned rows: label, today, floor or maximum, target, what they count."""
    rows = [("figure", "today", "floor/max", "target", "counted over")]
    for name, value in figures.items():
        floor = minimum.get(name, maximum.get(name))
        goal = target.get(name)
        rows.append(
            (ALL_FIGURES[name][0], _show(name, value), _show(name, floor), _show(name, goal), over.get(name, ""))
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(w) if i in (0, 4) else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--eval-dir", type=Path, default=EVAL, help="the evaluation set (default: tests/eval)")
    parser.add_argument("--floors", type=Path, default=None, help="floors file (default: <eval-dir>/floors.yml)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures, overall and per article")
    parser.add_argument("--verbose", "-v", action="store_true", help="per article: its figures and what was missed")
    parser.add_argument("--check", action="store_true", help="only check the expected files against the articles")
    parser.add_argument(
        "--only",
        metavar="PREFIX",
        action="append",
        default=None,
        help="score only the articles whose file name starts with PREFIX (e.g. heldout-; repeatable);"
        " floors are not checked",
    )
    parser.add_argument(
        "--skip",
        metavar="PREFIX",
        action="append",
        default=None,
        help="leave out of the scores the articles whose file name starts with PREFIX (repeatable;"
        f" make eval: {' '.join(HELD_OUT)})",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            cases = load_cases(args.eval_dir)
            config = eval_project(cases).config
            checked = select(cases, args.only, args.skip)
            problems = [p for case in checked for p in check_case(case, config)]
            stories = select_sets(load_story_sets(args.eval_dir / "claims"), args.only, None)
            problems += [p for story in stories for p in check_story_set(story)]
            sets = f" (and the {len(stories)} story sets' expected files)" if stories else ""
            print("\n".join(problems) or f"{len(checked)} expected files agree with their articles{sets}")
            return 1 if problems else 0
        result = evaluate(args.eval_dir, only=args.only, skip=args.skip)
        # The story sets are split by name, whatever --skip says: without --only,
        # the sets not named heldout-* are scored against the floors; with --only
        # (make eval's held-out runs), the sets named so, apart, with no floors.
        sets = args.eval_dir / "claims"
        if args.only:
            claimed, held = None, evaluate_claims(sets, only=args.only, skip=None)
        else:
            claimed, held = evaluate_claims(sets), ClaimResult({}, {})
        floors = args.floors or args.eval_dir / "floors.yml"
        minimum, maximum, target = load_floors(floors) if floors.is_file() else ({}, {}, {})
        if args.only:  # the floors pin the whole set, not a part of it
            minimum, maximum = {}, {}
    except (EvalError, ExplainerError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 1
    if args.verbose:
        for name, tally in result.tallies.items():
            print(f"\n{name}: {summary(tally)}")
            for miss in tally.misses:
                print(f"  - {miss}")
        for name, story_tally in {**(claimed.tallies if claimed else {}), **held.tallies}.items():
            print(f"\nclaims/{name}: {story_tally.claims_found} claims found, {story_tally.claims_expected} expected")
            for miss in story_tally.misses:
                print(f"  - {miss}")
        print()
    total = Tally()
    for tally in result.tallies.values():
        total.add(tally)
    part = f" named {' or '.join(p + '*' for p in args.only)}" if args.only else ""
    part += f" not named {' or '.join(p + '*' for p in args.skip)}" if args.skip else ""
    print(f"Evaluation set: {total.articles} articles{part} ({total.reference_articles} on the reference subject)")
    print(table(result, minimum, maximum, target))
    figures = dict(result.overall)
    if claimed is not None:
        print(f"\nClaims: {len(claimed.tallies)} story sets (tests/eval/claims/), each built as its own project")
        print(claims_table(claimed, minimum, maximum))
        figures.update(claimed.overall)
    if held.tallies:
        named = " or ".join(p + "*" for p in (args.only or HELD_OUT))
        print(f"\nClaims, held out: {len(held.tallies)} story sets named {named}, not held to the floors")
        print(claims_table(held, {}, {}))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "overall": result.overall,
                    "articles": {
                        name: {"figures": result.articles[name], "counts": counts(t), "misses": t.misses}
                        for name, t in result.tallies.items()
                    },
                    "claims": claims_json(claimed) if claimed else None,
                    "claims_heldout": claims_json(held) if held.tallies else None,
                },
                indent=2,
                sort_keys=True,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
    broken = broken_floors(figures, minimum, maximum)
    for line in broken:
        print(f"evaluate: {line}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
