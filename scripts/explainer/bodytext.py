"""Which sentences the guides read: body text, not the page's furniture.

The clean stage removes most web furniture (bylines, stamps, captions,
credits, author bios), but what it misses must not become a Timeline entry or
a name in Who's who. So the guides read a sentence only when

- its paragraph reads as prose: it ends like a sentence (".", "!", "?",
  maybe a closing quote or bracket), or it is long and has a fair share of
  function words ("the", "of", "was"...), as a label or a list of headlines
  has not; and it is not in title case (a repeated headline, a notice title);
- the sentence matches none of the ``furniture`` patterns of
  ``config/guides.yml`` (a "By ..." line, "Updated 3 hours ago", "... is a
  reporter covering ..."), nor of the ``credits`` ("Photo: Getty Images"),
  and is not the caption right before a credit, nor an unpunctuated last
  sentence after punctuated ones (lines of furniture run on after the text).

A paragraph of a few sentences with any of these in it (a caption and its
credit, a bio and its "follow" line) is left out whole. All the words and
patterns are data (``config/guides.yml``): nothing here knows any article.
Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from . import saferegex, yamldata
from .model import Article, Sentence
from .pagecache import Parts
from .saferegex import GroupSearch
from .validate import Fail, failer, no_unknown_keys

_PATTERN_LISTS = ("furniture", "credits")
_KEYS = {
    *_PATTERN_LISTS,
    "function_words",
    "future_words",
    "referring_openers",
    "min_prose_words",
    "min_function_share",
    "max_title_share",
}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_ENDS_LIKE_A_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")
SHORT_PARAGRAPH = 3  # sentences: a caption with its credit, a bio with its "follow" line
ALONE_WORDS = 8  # a sentence quoted by itself says something whole: not a fragment or a label


@dataclass(frozen=True)
class GuideRules:
    """How the guides read the articles (``config/guides.yml``): how to tell
    body text from furniture, and the words that put a date in the future."""

    furniture: tuple[str, ...] = ()  # regexes, searched in each sentence, case ignored
    credits: tuple[str, ...] = ()  # the same, for credits: the sentence before one is its caption
    function_words: frozenset[str] = field(default_factory=frozenset)  # lower case
    min_prose_words: int = 12  # a paragraph shorter than this may be a label or a headline
    min_function_share: float = 0.35  # an unpunctuated paragraph needs this share of function words
    max_title_share: float = 0.6  # more capitalised words than this (of 4 or more) is a title
    future_words: frozenset[str] = field(default_factory=frozenset)  # "will", "due to": see timeline
    # Words that, opening a sentence, point back to what came before ("It",
    # "They", "However"): such a sentence is not quoted on its own.
    referring_openers: frozenset[str] = field(default_factory=frozenset)  # lower case

    # The patterns come from a data file a pull request can change: RE2
    # matches them in linear time (see saferegex), case ignored; one set for
    # both lists, so one pass over a sentence says furniture and credit.
    @cached_property
    def _search(self) -> GroupSearch:
        return GroupSearch((self.furniture, self.credits), ignore_case=True)

    # Each guide reads the body sentences again (Timeline, Who's who): the
    # verdicts are kept per sentence text for the life of these rules (a run).
    @cached_property
    def _seen(self) -> dict[str, tuple[bool, ...]]:
        return {}

    def _verdicts(self, sentence: str) -> tuple[bool, ...]:
        """(a furniture pattern is found in ``sentence``, a credit pattern is)."""
        seen = self._seen.get(sentence)
        if seen is None:
            seen = self._seen[sentence] = self._search(sentence)
        return seen

    def is_furniture(self, sentence: str) -> bool:
        """True when ``sentence`` matches a furniture or credit pattern."""
        furniture, credit = self._verdicts(sentence)
        return furniture or credit

    def is_credit(self, sentence: str) -> bool:
        """True when ``sentence`` matches a credit pattern ("Photo: ...")."""
        return self._verdicts(sentence)[1]

    @cached_property
    def _body(self) -> dict[int, tuple[Article, tuple[Sentence, ...]]]:  # see body_sentences
        return {}

    @cached_property
    def _seen_prose(self) -> dict[str, bool]:
        return {}

    def is_prose(self, text: str) -> bool:
        """True when a paragraph's ``text`` reads as running text, not as a
        label or title.

        A short one with every word capitalised is a headline or a label even
        with a full stop ("Our Standards: The Trust Principles.")."""
        seen = self._seen_prose.get(text)
        if seen is None:
            seen = self._seen_prose[text] = self._prose(text)
        return seen

    def _prose(self, text: str) -> bool:
        text = text.strip()
        words = _WORD.findall(text)
        if not words:
            return False
        if _ENDS_LIKE_A_SENTENCE.search(text):
            return len(words) >= self.min_prose_words or not self.title_case(words, every=True)
        if self.title_case(words):
            return False
        function = sum(w.casefold() in self.function_words for w in words)
        return len(words) >= self.min_prose_words and function / len(words) >= self.min_function_share

    def stands_alone(self, sentence: str) -> bool:
        """True when ``sentence`` can be quoted by itself ("In brief", "The
        story so far"): it ends like a sentence, has at least
        :data:`ALONE_WORDS` words, is not furniture, and does not open with a
        word that refers back to what came before it."""
        words = _WORD.findall(sentence)
        if len(words) < ALONE_WORDS or not _ENDS_LIKE_A_SENTENCE.search(sentence.strip()):
            return False
        return words[0].casefold() not in self.referring_openers and not self.is_furniture(sentence)

    def title_case(self, words: list[str], *, every: bool = False) -> bool:
        """Most words capitalised (``every``: all of them; a function word
        counts only when it is): a headline or a title."""
        content = [w for w in words if w.casefold() not in self.function_words or w[0].isupper()]
        if len(content) < 4:
            return False
        capitalised = sum(w[0].isupper() for w in content)
        return capitalised == len(content) if every else capitalised / len(content) > self.max_title_share


def body_sentences(article: Article, rules: GuideRules) -> Iterator[Sentence]:
    """The sentences of ``article`` that the guides read, in order.

    A short paragraph with a furniture sentence in it (a caption and its
    credit) is left out whole; in a longer one only that sentence is, and
    the caption before a credit, and a last sentence that does not end like
    one (furniture run on after the text).

    Each guide asks (Timeline, Who's who and its mentions): the answer is
    kept for the life of ``rules`` (a run), with the article it is for."""
    kept = rules._body.get(id(article))
    if kept is None or kept[0] is not article:
        kept = rules._body[id(article)] = (article, tuple(_body_sentences(article, rules)))
    return iter(kept[1])


def _body_sentences(article: Article, rules: GuideRules) -> Iterator[Sentence]:
    for paragraph in article.paragraphs:
        sentences = paragraph.sentences
        skip = [rules.is_furniture(s.text) for s in sentences]
        if any(skip) and len(sentences) <= SHORT_PARAGRAPH:
            continue
        for i in range(len(sentences) - 1):
            if rules.is_credit(sentences[i + 1].text):
                skip[i] = True
        text = paragraph.text
        if len(sentences) > 1 and not _ENDS_LIKE_A_SENTENCE.search(sentences[-1].text):
            skip[-1] = True  # an unpunctuated tail: lines of furniture run on after the text
            text = " ".join(s.text for s in sentences[:-1])
        if rules.is_prose(text):
            yield from (sentence for sentence, left_out in zip(sentences, skip, strict=True) if not left_out)


def body_of(article: Article, rules: GuideRules, parts: Parts | None = None) -> list[Sentence]:
    """:func:`body_sentences` as a list; with ``parts``, their indices are
    kept per article between runs (and checked when read back)."""
    if parts is None:
        return list(body_sentences(article, rules))
    data = parts.get("body", article.slug, list[int])
    if data is not None:
        by_index = {s.index: s for p in article.paragraphs for s in p.sentences}
        # Sentences of the article, each once and in order: as body_sentences gives them.
        if all(i in by_index for i in data) and all(a < b for a, b in pairwise(data)):
            return [by_index[i] for i in data]
    found = list(body_sentences(article, rules))
    parts.put("body", article.slug, [s.index for s in found])
    return found


def load_rules(text: str, path: str) -> GuideRules:
    """Parse and check ``config/guides.yml``; every error names file and line."""
    data, lines = yamldata.load(text, path)

    fail = failer(path, lines)

    if data is None:
        return GuideRules()
    if not isinstance(data, dict):
        raise fail(f"expected a mapping with {', '.join(sorted(_KEYS))}")
    no_unknown_keys(data, _KEYS, fail)
    patterns = {key: _strings(data, key, fail) for key in _PATTERN_LISTS}
    for key, values in patterns.items():
        for i, pattern in enumerate(values):  # one by one, so that the error names the pattern's line
            problem = saferegex.check(pattern)
            if problem:
                raise fail(f"{key} pattern {pattern[:60]!r} {problem}", key, i)
    defaults = GuideRules()
    return GuideRules(
        furniture=tuple(patterns["furniture"]),
        credits=tuple(patterns["credits"]),
        function_words=frozenset(w.casefold() for w in _strings(data, "function_words", fail)),
        future_words=frozenset(" ".join(w.casefold().split()) for w in _strings(data, "future_words", fail)),
        referring_openers=frozenset(w.casefold() for w in _strings(data, "referring_openers", fail)),
        min_prose_words=int(_number(data, "min_prose_words", defaults.min_prose_words, fail, whole=True)),
        min_function_share=_number(data, "min_function_share", defaults.min_function_share, fail),
        max_title_share=_number(data, "max_title_share", defaults.max_title_share, fail),
    )


# Helper functions


def _strings(data: dict[str, object], key: str, fail: Fail) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"'{key}' must be a list of strings (quote No, On, Yes: YAML reads them as true/false)", key)
    return [v.strip() for v in value]


def _number(data: dict[str, object], key: str, default: float, fail: Fail, *, whole: bool = False) -> float:
    value = data.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        value = -1.0
    if value < 0 or (value != int(value) if whole else value > 1):
        kind = "a whole number >= 0" if whole else "a number from 0 to 1"
        raise fail(f"'{key}' must be {kind}", key)
    return float(value)
