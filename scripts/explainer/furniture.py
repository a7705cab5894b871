"""Furniture: classify each block of an article as body text or web furniture.

Lists of exact lines cannot keep up with the web, so every block (a line, a
paragraph) is judged from what it looks like and where it sits, the way
boilerplate removers for HTML do. The model is jusText (Pomikálek 2011):

* typed rules (``config/boilerplate.yml``) recognise the kinds of furniture:
  bylines, timestamps, captions, share bars, newsletter boxes, related links,
  ad labels... A *strong* rule removes its block wherever it is; a *weak* one
  only next to other furniture; an *opening* rule ("Related stories", "More
  from ...", "Comments") starts a section whose blocks are furniture until
  body text resumes (or, for comments, to the end);
* every other block gets jusText's context-free class from its length and
  stop-word density (jusText's own stop lists): long blocks dense in stop words
  are body text; short ones are judged by their neighbours: a short fragment
  between two pieces of furniture is furniture, one next to body text stays;
* a trailing run of furniture ends the article: after the last body
  paragraph, once any furniture appears, the rest goes too.

Precision beats recall: a short line that reads as a sentence (a one-sentence
paragraph, a quotation) is only removed by a typed rule or inside a section,
and if the context rules would leave no text at all, they are undone. The code
knows no language: words and patterns are data.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .layout import ends_sentence
from .model import BlockThresholds, BoilerplateRules, FurnitureKind, SourceMeta, TextBlock
from .saferegex import AnyFullMatch, BadPattern, FullMatchSet

BODY, SENTENCE, FRAGMENT = "body", "sentence", "fragment"
_GOOD, _BAD = "good", "bad"
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_STRICT_END = re.compile(r"(?:[.!…。！][\"')\]»」』]*|[.!?…。！？][\"')\]»」』]+)$")
_SEPARATORS = re.compile(r"\s*[|–—:·•]\s*|\s+-\s+")
MAX_TITLE_CHARS = 300
Verdict = tuple[str, str]  # (kind, rule) of a removed block


def normal(text: str) -> str:
    """Case and spacing ignored: how exact lines are compared."""
    return " ".join(text.casefold().split())


@dataclass
class _Block:
    """One block under judgement (mutable working state of :func:`classify`)."""

    block: TextBlock
    text: str
    words: int
    shape: str
    strong: Verdict | None
    weak: tuple[str, ...]  # kinds of the weak rules (and cues) it matches
    opens: tuple[str, str] | None  # (kind, until)
    keep: bool = False  # forced by the article's front matter, the title or the standfirst
    title: bool = False
    forced: bool = False  # the article's front matter says keep or drop
    repeats_title: bool = False  # the headline of the front matter's title, where the page had it
    verdict: Verdict | None = None


class Furniture:
    """Compiled furniture rules; :meth:`classify` judges an article's blocks."""

    def __init__(self, rules: BoilerplateRules):
        self.rules = rules
        self.thresholds = rules.thresholds
        self._exact: dict[str, str] = {}
        for line in rules.lines:
            self._exact.setdefault(normal(line), "other")
        self.labels: dict[str, tuple[str, str]] = {
            "other": ("other line", "other lines"),
            "override": ("line dropped by the article's front matter", "lines dropped by the article's front matter"),
        }
        self._near: dict[str, frozenset[str]] = {}
        self._words: list[tuple[str, frozenset[str]]] = []
        self._until: dict[str, str] = {}
        for kind in rules.kinds:
            self.labels[kind.name] = kind.label
            for line in kind.lines:
                self._exact.setdefault(normal(line), kind.name)
            if kind.words:
                self._words.append((kind.name, frozenset(normal(w) for w in kind.words)))
            self._near[kind.name] = frozenset(kind.near or (kind.name,))
            self._until[kind.name] = kind.until
        # One RE2 set per type of rule over every kind's patterns: one pass per
        # block and type; a match's index gives its kind (the first kind listed
        # wins). A set per type, because most blocks are long body text that only
        # the few "opens" patterns judge: the strong, weak and cue patterns are
        # not run on a block over ``max_words`` words at all.
        self._sets = {key: _pattern_set(_grouped(rules, key)) for key in _TYPES}
        self._seen: dict[str, dict[str, list[str]]] = {}
        self._words_seen: dict[str, tuple[list[str], int]] = {}  # see _words_of
        self._legacy = AnyFullMatch([f"(?i:{p})" for p in rules.patterns]) if rules.patterns else None
        self._glue = frozenset(normal(w) for w in rules.glue)
        self._stoplists: dict[str, frozenset[str] | None] = {}

    # Typed rules

    def strong(self, text: str) -> Verdict | None:
        """The kind a strong rule gives ``text`` (a whole block), if any."""
        key = normal(text)
        if key in self._exact:
            return self._exact[key], "line"
        if self._legacy is not None and self._legacy(key):
            return "other", "pattern"
        opening = self.opening(text)
        if opening:
            return opening[0], "opens"
        if self._too_long(text):
            return None
        kinds = self._match("patterns", text)
        if kinds:
            return kinds[0], "pattern"
        tokens = [w for w in self._words_of(text)[0] if not w.isdigit()]  # the words of ``key``
        if tokens:
            for kind, words in self._words:
                if all(t in words or t in self._glue for t in tokens) and any(t in words for t in tokens):
                    return kind, "words"
        return None

    def opening(self, text: str) -> tuple[str, str] | None:
        kinds = self._match("opens", text)
        return (kinds[0], self._until[kinds[0]]) if kinds else None

    def weak(self, text: str, short: bool = True) -> tuple[str, ...]:
        """The kinds weak rules (or, for a short block, cues) give ``text``."""
        if self._too_long(text):
            return ()
        found = self._match("weak", text) + (self._match("cues", text) if short else [])
        return tuple(dict.fromkeys(found))

    def _too_long(self, text: str) -> bool:
        """More than ``max_words`` words: no typed rule but "opens" judges it."""
        return self._words_of(text)[1] > self.thresholds.max_words

    def _words_of(self, text: str) -> tuple[list[str], int]:
        """The words of ``text`` case-folded, and how many words ``text`` has
        as written (the same number unless case folding splits or joins one,
        as "İ" may). Asked of each block several times: found once."""
        seen = self._words_seen.get(text)
        if seen is None:
            if len(self._words_seen) > 20_000:
                self._words_seen.clear()
            words = _WORD.findall(text.casefold())
            seen = self._words_seen[text] = (words, len(words) if text.isascii() else len(_WORD.findall(text)))
        return seen

    def _match(self, key: str, text: str) -> list[str]:
        """The kinds whose rules of type ``key`` match ``text``, in order."""
        found = self._seen.get(text)
        if found is None:
            if len(self._seen) > 20_000:
                self._seen.clear()
            found = self._seen[text] = {}
        kinds = found.get(key)
        if kinds is None:
            names, programs = self._sets[key]
            kinds = found[key] = [names[i] for i in programs(text)]
        return kinds

    def stoplist(self, language: str) -> frozenset[str] | None:
        """jusText's stop words for ``language`` (a code such as "en" or
        "en-GB"), or None when there is none: then density is not used."""
        code = language.split("-")[0].casefold()
        if code not in self._stoplists:
            name = dict(self.rules.stoplists).get(code)
            words = None
            if name:
                import justext  # lazy: only when an article is judged

                words = frozenset(justext.get_stoplist(name))
            self._stoplists[code] = words
        return self._stoplists[code]

    # The classifier

    def classify(
        self,
        blocks: Sequence[TextBlock],
        meta: SourceMeta,
        forced: Mapping[int, bool] | None = None,
        known: Mapping[str, Verdict | None] | None = None,
        menus: Collection[int] = (),
    ) -> list[Verdict | None]:
        """Per block: None (body text) or the (kind, rule) that removes it.

        ``forced`` maps line numbers to keep (True) or drop (False), from the
        article's front matter; ``known`` caches :meth:`strong` by text;
        ``menus`` are lines laid out in columns (words apart by runs of spaces:
        a menu or a tab bar, as copied from a page)."""
        forced = forced or {}
        stop = self.stoplist(meta.language)
        work = [self._judge(b, stop, known) for b in blocks]
        for item in work:
            if item.strong is None and all(n in menus for n, _ in item.block.lines):
                item.strong, item.weak = ("nav", "columns"), ()
        for item in work:
            marks = {forced[n] for n, _ in item.block.lines if n in forced}
            if False in marks:
                item.verdict, item.forced = ("override", "override"), True
            elif True in marks:
                item.keep, item.forced, item.strong, item.weak, item.opens = True, True, None, (), None
        self._title_and_people(work, meta)
        for item in work:
            if item.verdict is None and item.strong and not item.keep:
                item.verdict = item.strong
        self._header(work)
        unconditional = [item.verdict for item in work]
        self._sections(work)
        self._context(work)
        self._trailing(work)
        if not any(item.verdict is None and not item.title for item in work):
            for item, verdict in zip(work, unconditional, strict=True):  # never remove the article
                item.verdict = verdict
        return [item.verdict for item in work]

    def _judge(
        self, block: TextBlock, stop: frozenset[str] | None, known: Mapping[str, Verdict | None] | None
    ) -> _Block:
        text = block.text
        words = self._words_of(text)[0]
        th = self.thresholds
        density = sum(map(stop.__contains__, words)) / len(words) if stop is not None and words else None
        if len(text) >= th.length_low and (density >= th.stopwords_low if density is not None else ends_sentence(text)):
            shape = BODY
        elif ends_sentence(text) and (len(words) >= 3 or len(text) >= 12) and not text[:1].islower():
            shape = SENTENCE
        else:
            shape = FRAGMENT
        strong = known[text] if known is not None and text in known else self.strong(text)
        opens = self.opening(text) if strong and strong[1] == "opens" else None
        return _Block(
            block=block,
            text=text,
            words=len(words),
            shape=shape,
            strong=strong,
            weak=() if strong else self.weak(text, short=len(text) < th.length_high),
            opens=opens,
        )

    def _title_and_people(self, work: list[_Block], meta: SourceMeta) -> None:
        """Protect the title and the standfirst under it; a kicker over it
        ("OPINION", "Policy"), a repeat of it, or a line naming only the
        author or the publisher, is furniture."""
        open_ = [i for i, item in enumerate(work) if item.verdict is None and not item.strong]
        first = open_[0] if open_ else None
        title = meta.title
        if first is not None and title is None:
            run = 0  # section labels and mastheads over the headline: "OPINION", "THE DAILY FLASH"
            while run + 1 < len(open_) and _kicker(work[open_[run]]):
                run += 1
            if run and _title_like(work[open_[run]]):
                for i in open_[:run]:
                    work[i].verdict = ("nav", "kicker")
                first = open_[run]
            if len(work[first].text) <= MAX_TITLE_CHARS:
                work[first].keep = work[first].title = True  # the title, as segment will take it
                title = work[first].text
        elif first is not None and title is not None and _tokens(work[first].text) == _tokens(title):
            work[first].keep = work[first].title = work[first].repeats_title = True  # segment drops it
        headline = _tokens(title) if title else None
        author = _tokens(meta.author) if meta.author else None
        publisher = _tokens(meta.publisher) if meta.publisher else None
        for item in work:
            if item.verdict or item.title or item.forced or item.words > 40:
                continue
            parts = [_tokens(p) for p in _SEPARATORS.split(item.text) if p.strip()]
            tokens = _tokens(item.text)
            if headline and (
                tokens == headline or (parts and parts[0] == headline and len(tokens) - len(headline) <= 6)
            ):
                item.strong, item.keep = ("headline_repeat", "title"), False
            elif author and not _STRICT_END.search(item.text) and _names(tokens, author) and item.words <= 12:
                item.strong, item.keep = ("byline", "author"), False
            elif publisher and tokens == publisher:
                item.strong, item.keep = ("nav", "publisher"), False  # the masthead
        for i, item in enumerate(work):
            if not (item.title or item.strong == ("headline_repeat", "title")):
                continue
            above = work[i - 1] if i else None
            if above and above.verdict is None and not above.strong and not above.forced and _kicker(above):
                above.verdict = ("nav", "kicker")
            below = work[i + 1] if i + 1 < len(work) else None
            plain = below is not None and below.verdict is None and not (below.strong or below.weak or below.opens)
            if below is not None and plain and below.words >= self.thresholds.standfirst_words:
                below.keep = True  # the standfirst: a line of many words right under the headline

    def _header(self, work: list[_Block]) -> None:
        """Above the headline is the page's header (masthead, menus, tickers,
        kickers): when the headline is repeated in the text before any body
        text, every block above it is furniture."""
        for i, item in enumerate(work):
            if item.title and not item.repeats_title:
                return  # the headline is the first line: what is above it is already judged
            if item.verdict is None and not item.keep and item.shape == BODY:
                return  # body text first: a later repeat of the headline is not the top of the page
            if item.verdict == ("headline_repeat", "title") or item.repeats_title:
                for above in work[:i]:
                    if above.verdict is None and not above.forced:
                        above.verdict = ("nav", "header")
                return

    def _sections(self, work: list[_Block]) -> None:
        """Blocks after an opening heading are furniture until body text resumes."""
        i = 0
        while i < len(work):
            item = work[i]
            if not item.opens or item.keep or (item.verdict and item.verdict[0] != item.opens[0]):
                i += 1
                continue
            kind, until = item.opens
            if until == "end" and not any(w.verdict is None and w.shape == BODY for w in work[:i]):
                until = "body"  # "12 comments" under a byline counts comments; it does not head them
            j = i + 1
            while j < len(work):
                other = work[j]
                if other.keep or other.opens or (until == "end" and other.block.role == "heading"):
                    break
                if until == "body" and self._resumes(other):
                    break
                if other.verdict is None:
                    other.verdict = (other.strong[0] if other.strong else (other.weak or (kind,))[0]), "section"
                j += 1
            i = j

    def _resumes(self, item: _Block) -> bool:
        """Body text after a related-links section: a heading of its own, or a
        sentence long enough not to be a headline or a teaser."""
        if item.strong or item.weak:
            return False
        if item.block.role == "heading":
            return True
        ends = bool(_STRICT_END.search(item.text))
        return ends and (item.shape == BODY or item.words >= self.thresholds.section_words)

    def _context(self, work: list[_Block]) -> None:
        """jusText's neighbour rule for short blocks, and the weak rules."""
        classes = [_class(item) for item in work]
        before: list[int | None] = []  # the nearest decided block before each block (None: the start)
        last: int | None = None
        for i, c in enumerate(classes):
            before.append(last)
            if c is not None:
                last = i
        after: list[int | None] = [None] * len(work)  # ... and after it (None: the end)
        last = None
        for i in range(len(work) - 1, -1, -1):
            after[i] = last
            if classes[i] is not None:
                last = i
        seen_body = False
        for i, item in enumerate(work):
            seen_body = seen_body or (item.verdict is None and item.shape == BODY)
            if item.verdict or item.keep or classes[i] is not None or item.weak:
                continue
            j, k = before[i], after[i]
            prev = _GOOD if j is None else classes[j]
            nxt = _BAD if k is None else classes[k]
            if item.shape == FRAGMENT and prev == nxt == _BAD:
                item.verdict = (_neighbour_kind(work, i), "context")
            elif item.shape == FRAGMENT and seen_body and _listed(work, i, self.rules.listing_kinds):
                item.verdict = ("related", "context")
        changed = True
        while changed:  # weak rules: next to confirming furniture, which may itself be a weak block just removed
            changed = False
            for i, item in enumerate(work):
                if item.weak and item.verdict is None and not item.keep:
                    kind = next((k for k in item.weak if self._confirmed(k, work, i)), None)
                    if kind:
                        item.verdict, changed = (kind, "context"), True

    def _confirmed(self, kind: str, work: Sequence[_Block], i: int) -> bool:
        """Is a weak match right next to furniture of a kind that confirms it?"""
        near = self._near.get(kind, frozenset({kind}))
        for j in (i - 1, i + 1):
            verdict = work[j].verdict if 0 <= j < len(work) else None
            if verdict and verdict[0] in near:
                return True
        # "end": no body text after it (what follows is furniture, or will be: see _trailing)
        return "end" in near and all(w.verdict or (w.shape == FRAGMENT and not w.keep) for w in work[i + 1 :])

    def _trailing(self, work: list[_Block]) -> None:
        """After the last body text, once furniture appears, the rest goes."""
        last = -1
        introduced = False  # list items after a line ending in ":", or under a kept subheading, are body text
        for i, item in enumerate(work):
            if item.verdict is None:
                body = item.keep or item.shape != FRAGMENT
                if body or (introduced and item.block.role == "item"):
                    last = i
                introduced = (
                    (body and item.text.endswith(":"))
                    or item.block.role == "heading"
                    or (introduced and item.block.role == "item")
                )
            else:
                introduced = False
        tail = work[last + 1 :]
        if any(item.verdict for item in tail):
            for offset, item in enumerate(tail):
                if item.verdict is None:
                    item.verdict = (_neighbour_kind(work, last + 1 + offset, after=True), "trailing")


# Helper functions


_TYPES = ("patterns", "weak", "cues", "opens")


def _grouped(rules: BoilerplateRules, key: str) -> tuple[tuple[str, str], ...]:
    """(kind, pattern) for every pattern of type ``key`` ("patterns", "weak"...)."""
    return tuple((kind.name, pattern) for kind in rules.kinds for pattern in getattr(kind, key))


@functools.lru_cache(maxsize=64)
def _pattern_set(grouped: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], FullMatchSet]:
    """The kinds, and one RE2 set of their patterns, case-insensitive (a
    pattern may say ``(?-i:[A-Z])``). Cached: loading the file compiles the
    sets once to check them, and the classifier then uses the same ones."""
    return tuple(kind for kind, _ in grouped), FullMatchSet([f"(?i:{p})" for _, p in grouped])


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.casefold()))


def _names(tokens: tuple[str, ...], author: tuple[str, ...]) -> bool:
    """Does the line start with the author's name (after "By")?"""
    if tokens[:1] == ("by",):
        tokens = tokens[1:]
    return bool(author) and tokens[: len(author)] == author


def _class(item: _Block) -> str | None:
    """jusText's class for the neighbour rule: furniture, body text, or
    undecided (short blocks and weak ones, judged by their neighbours)."""
    if item.verdict:
        return _BAD
    if item.keep or item.shape == BODY:
        return _GOOD if not item.weak else None
    return None


def _kicker(item: _Block) -> bool:
    """A section label over a headline: one to three words, or a few in capitals."""
    if item.shape != FRAGMENT or item.forced or item.block.role == "item":
        return False
    return item.words <= 3 or (item.words <= 5 and item.text.isupper())


def _title_like(item: _Block) -> bool:
    return (
        item.verdict is None
        and not item.strong
        and item.words >= 4
        and len(item.text) <= MAX_TITLE_CHARS
        and not item.text.endswith((".", ","))
    )


def _neighbour_kind(work: Sequence[_Block], i: int, after: bool = False) -> str:
    """The kind of the nearest removed block before (or after) it, else on the other side."""
    before, following = list(range(i - 1, -1, -1)), list(range(i + 1, len(work)))
    for j in following + before if after else before + following:
        verdict = work[j].verdict
        if verdict:
            return verdict[0]
    return "other"


def _listed(work: Sequence[_Block], i: int, kinds: Sequence[str]) -> bool:
    """A headline over a timestamp: an item of a list of other stories."""
    nxt = work[i + 1] if i + 1 < len(work) else None
    return bool(nxt and nxt.verdict and nxt.verdict[0] in kinds and nxt.verdict[1] != "section")


def summary(removed: Sequence[tuple[str, str]], labels: Mapping[str, tuple[str, str]]) -> str:
    """ "9 lines removed as boilerplate: 3 bylines and timestamps, 2 captions, 4 related links".

    ``removed`` is (kind, text) per removed line; kinds that share a label
    are counted together, in the order they first appear."""
    if not removed:
        return "no lines removed as boilerplate"
    counts: dict[tuple[str, str], int] = {}
    for kind, _ in removed:
        label = labels.get(kind, (kind.replace("_", " ") + " line", kind.replace("_", " ") + " lines"))
        counts[label] = counts.get(label, 0) + 1
    parts = ", ".join(f"{n} {one if n == 1 else many}" for (one, many), n in counts.items())
    total = len(removed)
    return f"{total} line{'s' if total != 1 else ''} removed as boilerplate: {parts}"


# Loading the rules (config/boilerplate.yml)

KEYS = {"lines", "patterns", "kinds", "words", "fragments", "stoplists", "thresholds", "glue", "listing_kinds"}
_KIND_KEYS = {"label", "lines", "patterns", "weak", "cues", "opens", "until", "words", "near"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_EXPANDED = 200_000  # characters of a pattern with its word lists filled in
_PLACEHOLDER = re.compile(r"(?<!\\)\{([a-z][a-z0-9_]*)\}")
_REGEX_SPECIAL = re.compile(r"([\\.^$|?*+()\[\]{}])")


def load_rules(
    data: Mapping[str, Any], lines: tuple[str, ...], patterns: tuple[str, ...], fail: Callable[..., Exception]
) -> BoilerplateRules:
    """The typed part of the boilerplate file, checked: every bad value is an
    error naming its line (``fail(message, *path)`` makes it)."""
    from . import saferegex

    def strings(value: Any, *at: str | int) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise fail("must be a list of words or lines", *at)
        for v in value:
            if not isinstance(v, str) or not v.strip():
                hint = " (quote words such as 'on', 'yes' and 'no': YAML reads them as true or false)"
                raise fail(f"{v!r} is not a word or line{hint if isinstance(v, bool) else ''}", *at)
        return tuple(value)

    def mapping(value: Any, *at: str | int) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise fail("must be a mapping", *at)
        return {str(k): v for k, v in value.items()}

    pieces: dict[str, str] = {}
    for name, words in mapping(data.get("words"), "words").items():
        if not _NAME.match(name):
            raise fail(f"word list name {name!r} must be lower-case letters, digits and '_'", "words", name)
        listed = strings(words, "words", name)
        # A word is literal text, except a word that is itself a pattern such as '\d+'.
        pieces[name] = "|".join(w if w.startswith("\\") else _REGEX_SPECIAL.sub(r"\\\1", w) for w in listed)

    def expand(pattern: str, *at: str | int) -> str:
        def one(match: re.Match[str]) -> str:
            if match.group(1) not in pieces:
                raise fail(f"{{{match.group(1)}}} names no word list or fragment defined above", *at)
            return f"(?:{pieces[match.group(1)]})"

        if len(pattern) > saferegex.MAX_PATTERN:
            raise fail(f"pattern {pattern[:60]!r} is over the limit of {saferegex.MAX_PATTERN:,} characters", *at)
        expanded = _PLACEHOLDER.sub(one, pattern)
        if len(expanded) > MAX_EXPANDED:
            raise fail(f"pattern {pattern[:60]!r} is {len(expanded):,} characters long with its words filled in", *at)
        return expanded

    fragments: list[tuple[str, str]] = []
    for name, fragment in mapping(data.get("fragments"), "fragments").items():
        if not _NAME.match(name) or not isinstance(fragment, str) or not fragment.strip():
            raise fail("a fragment is a name (lower case) and a pattern", "fragments", name)
        pieces[name] = expand(fragment, "fragments", name)
        fragments.append((name, fragment))

    kinds = []
    sources: list[tuple[str, tuple[str | int, ...]]] = []  # each pattern as written, and where
    for name, raw in mapping(data.get("kinds"), "kinds").items():
        if not _NAME.match(name):
            raise fail(f"kind name {name!r} must be lower-case letters, digits and '_'", "kinds", name)
        spec = mapping(raw, "kinds", name)
        for key in spec:
            if key not in _KIND_KEYS:
                raise fail(f"unknown key {key!r} (allowed: {', '.join(sorted(_KIND_KEYS))})", "kinds", name, key)
        label = spec.get("label")
        if not isinstance(label, list) or len(label) != 2 or not all(isinstance(x, str) and x.strip() for x in label):
            raise fail("'label' must be two words: singular and plural", "kinds", name, "label")
        until = spec.get("until", "body")
        if until not in ("body", "end"):
            raise fail("'until' must be 'body' or 'end'", "kinds", name, "until")
        groups = {}
        for key in ("patterns", "weak", "cues", "opens"):
            raw_patterns = strings(spec.get(key), "kinds", name, key)
            groups[key] = tuple(expand(p, "kinds", name, key, i) for i, p in enumerate(raw_patterns))
            sources.extend((p, ("kinds", name, key, i)) for i, p in enumerate(raw_patterns))
        kinds.append(
            FurnitureKind(
                name=name,
                label=(label[0], label[1]),
                lines=strings(spec.get("lines"), "kinds", name, "lines"),
                patterns=groups["patterns"],
                weak=groups["weak"],
                cues=groups["cues"],
                opens=groups["opens"],
                until=until,
                words=strings(spec.get("words"), "kinds", name, "words"),
                near=strings(spec.get("near"), "kinds", name, "near") or (name,),
            )
        )
    rules_so_far = BoilerplateRules(lines=(), patterns=(), kinds=tuple(kinds))
    for key in _TYPES:  # compile the sets now (the classifier reuses them): a bad pattern names its line
        grouped = _grouped(rules_so_far, key)
        try:
            _pattern_set(grouped)
        except BadPattern as bad:
            pattern = grouped[bad.index][1]
            written, at = next((w, a) for w, a in sources if expand(w) == pattern)
            for fragment_name, fragment in fragments:  # a broken fragment breaks every pattern using it
                problem = saferegex.check(f"(?i:{pieces[fragment_name]})", max_length=MAX_EXPANDED)
                if problem:
                    raise fail(f"fragment {fragment[:60]!r} {problem}", "fragments", fragment_name) from None
            raise fail(f"pattern {written[:60]!r} {bad}", *at) from None
    known_kinds = {k.name for k in kinds} | {"other", "end"}
    for kind in kinds:
        for i, other in enumerate(kind.near):
            if other not in known_kinds:
                raise fail(f"'near' names no kind: {other!r}", "kinds", kind.name, "near", i)
    listing = strings(data.get("listing_kinds"), "listing_kinds")
    for i, other in enumerate(listing):
        if other not in known_kinds:
            raise fail(f"'listing_kinds' names no kind: {other!r}", "listing_kinds", i)

    stoplists = []
    for code, name in mapping(data.get("stoplists"), "stoplists").items():
        import justext

        if not isinstance(name, str) or name not in justext.get_stoplists():
            raise fail(f"no jusText stop list is called {name!r}", "stoplists", code)
        stoplists.append((code.casefold(), name))

    settings: dict[str, Any] = {}
    defaults = BlockThresholds()
    for key, value in mapping(data.get("thresholds"), "thresholds").items():
        if not hasattr(defaults, key):
            allowed = ", ".join(f.name for f in dataclasses.fields(BlockThresholds))
            raise fail(f"unknown threshold {key!r} (allowed: {allowed})", "thresholds", key)
        wanted = type(getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise fail(f"threshold {key!r} must be a number >= 0", "thresholds", key)
        if wanted is int and not isinstance(value, int):
            raise fail(f"threshold {key!r} must be a whole number", "thresholds", key)
        settings[key] = wanted(value)
    return BoilerplateRules(
        lines=lines,
        patterns=patterns,
        kinds=tuple(kinds),
        stoplists=tuple(stoplists),
        thresholds=BlockThresholds(**settings),
        glue=strings(data.get("glue"), "glue"),
        listing_kinds=listing,
    )
