"""Which sentences the guides read: body text, not the page's furniture.

The clean stage removes most web furniture (bylines, stamps, captions,
credits, author bios), but what it misses must not become a Timeline entry or
a name in Who's who. So the guides read a sentence only when

- its paragraph reads as prose: it ends like a sentence (".", "!", "?",
  maybe a closing quote or bracket), or it is long and has a fair share of
  function words ("the", "of", "was"...), as a label or a list of headlines
  has not; and it is not in title case (a repeated headline, a notice title);
- the sentence itself matches none of the ``furniture`` patterns of
  ``config/guides.yml`` (a "By ..." line, "Updated 3 hours ago", a
  "Photo: ..." credit, "... is a reporter covering ...").

All the words and patterns are data (``config/guides.yml``): nothing here
knows any article. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from . import yamldata
from .config import no_unknown_keys
from .errors import ExplainerError
from .model import Article, Paragraph, Sentence

_KEYS = {"furniture", "function_words", "future_words", "min_prose_words", "min_function_share", "max_title_share"}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_ENDS_LIKE_A_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class GuideRules:
    """How the guides read the articles (``config/guides.yml``): how to tell
    body text from furniture, and the words that put a date in the future."""

    furniture: tuple[str, ...] = ()  # regexes, searched in each sentence, case ignored
    function_words: frozenset[str] = field(default_factory=frozenset)  # lower case
    min_prose_words: int = 12  # an unpunctuated paragraph this long may still be prose...
    min_function_share: float = 0.25  # ...if this share of its words are function words
    max_title_share: float = 0.6  # more capitalised words than this (of 4 or more) is a title
    future_words: frozenset[str] = field(default_factory=frozenset)  # "will", "due to": see timeline

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.furniture:
            return None
        return re.compile("|".join(f"(?:{p})" for p in self.furniture), re.IGNORECASE)

    def is_furniture(self, sentence: str) -> bool:
        """True when ``sentence`` matches a furniture pattern."""
        pattern = self._pattern
        return pattern is not None and pattern.search(sentence) is not None

    def is_prose(self, paragraph: Paragraph) -> bool:
        """True when ``paragraph`` reads as running text, not as a label or title."""
        text = paragraph.text.strip()
        words = _WORD.findall(text)
        if not words:
            return False
        if _ENDS_LIKE_A_SENTENCE.search(text):
            return True
        if self.title_case(words):
            return False
        function = sum(w.casefold() in self.function_words for w in words)
        return len(words) >= self.min_prose_words and function / len(words) >= self.min_function_share

    def title_case(self, words: list[str]) -> bool:
        """Most words capitalised (a function word counts only when it is):
        a headline or a title."""
        content = [w for w in words if w.casefold() not in self.function_words or w[0].isupper()]
        if len(content) < 4:
            return False
        capitalised = sum(w[0].isupper() for w in content)
        return capitalised / len(content) > self.max_title_share


SHORT_PARAGRAPH = 3  # sentences: a caption with its credit, a bio with its "follow" line


def body_sentences(article: Article, rules: GuideRules) -> Iterator[Sentence]:
    """The sentences of ``article`` that the guides read, in order.

    A short paragraph with a furniture sentence in it (a caption and its
    credit) is left out whole; in a longer one only that sentence is."""
    for paragraph in article.paragraphs:
        if not rules.is_prose(paragraph):
            continue
        furniture = [rules.is_furniture(s.text) for s in paragraph.sentences]
        if any(furniture) and len(furniture) <= SHORT_PARAGRAPH:
            continue
        for sentence, skip in zip(paragraph.sentences, furniture, strict=True):
            if not skip:
                yield sentence


def load_rules(text: str, path: str) -> GuideRules:
    """Parse and check ``config/guides.yml``; every error names file and line."""
    data, lines = yamldata.load(text, path)

    def fail(message: str, *at: str | int) -> ExplainerError:
        return ExplainerError(message, path=path, line=yamldata.line_of(lines, at))

    if data is None:
        return GuideRules()
    if not isinstance(data, dict):
        raise fail(f"expected a mapping with {', '.join(sorted(_KEYS))}")
    no_unknown_keys(data, _KEYS, fail)
    furniture = _strings(data, "furniture", fail)
    for i, pattern in enumerate(furniture):
        try:
            re.compile(pattern)
        except re.error as exc:
            message = f"furniture pattern {pattern!r} is not a valid regular expression ({exc})"
            raise fail(message, "furniture", i) from None
    defaults = GuideRules()
    return GuideRules(
        furniture=tuple(furniture),
        function_words=frozenset(w.casefold() for w in _strings(data, "function_words", fail)),
        future_words=frozenset(" ".join(w.casefold().split()) for w in _strings(data, "future_words", fail)),
        min_prose_words=int(_number(data, "min_prose_words", defaults.min_prose_words, fail, whole=True)),
        min_function_share=_number(data, "min_function_share", defaults.min_function_share, fail),
        max_title_share=_number(data, "max_title_share", defaults.max_title_share, fail),
    )


Fail = Callable[..., ExplainerError]


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
