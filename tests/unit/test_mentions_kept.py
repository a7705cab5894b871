"""Who's who and the Glossary keep what each article's text matches (in the
page cache's parts, untrusted: .cache/ may come with a clone): a kept record
is used only when it is exactly such a record for the article, else the
article is read again, and the pages found are those of a run without parts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from explainer import mentions
from explainer.model import Article, ClassifiedArticle, Page, Paragraph, Placement, Sentence, SourceMeta

KEYS = {"Colin Wu": "Colin Wu", "Wu": "Colin Wu", "Bank": "Bank"}


class _Parts:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str], Any] = {}

    def get(self, kind: str, slug: str) -> Any | None:
        return self.data.get((kind, slug))

    def put(self, kind: str, slug: str, data: Any) -> None:
        self.data[(kind, slug)] = data


def _item() -> ClassifiedArticle:
    texts = ["Colin Wu wrote it.", "Nothing here.", "The Bank said no."]
    sentences = tuple(Sentence(t, 1, i) for i, t in enumerate(texts))
    article = Article("a", "A", SourceMeta(published=date(2021, 1, 1)), "sources/a.txt", (Paragraph(1, sentences),))
    return ClassifiedArticle(article, tuple(Placement(s, "t", 1.0) for s in sentences))


PAGES = [Page("sources/a.md", "x", "A"), Page("t.md", "x", "T", frozenset({("a", 1)}))]


def _found(parts: _Parts | None) -> dict[str, tuple[mentions.PageLink, ...]]:
    return mentions.find_mentions(KEYS, [_item()], PAGES, ["t"], parts=parts)


@pytest.mark.parametrize(
    "forged",
    [
        {"head": [], "sentences": [[True, ["Bank"]]]},  # a bool for an index
        {"head": [], "sentences": [[2.0, ["Bank"]]]},  # a float
        {"head": [], "sentences": [[7, ["Bank"]]]},  # no such sentence
        {"head": [], "sentences": [[2, ["Bank", "Nobody"]]]},  # not one of the keys
        {"head": ["Nobody"], "sentences": []},
        {"head": [], "sentences": [[2, ["Bank"], 3]]},  # three items
        {"head": [], "sentences": [], "more": 1},  # an unknown field
        {"head": []},
        {"head": [], "sentences": [[2, "Bank"]]},
        [[], []],
        "mentions",
    ],
)
def test_a_forged_kept_record_is_read_again(forged: object) -> None:
    parts = _Parts()
    expected = _found(parts)  # (fills the parts)
    assert set(expected) == {"Bank", "Colin Wu"}
    ((kind, slug),) = parts.data
    parts.data[(kind, slug)] = forged
    assert _found(parts) == expected == _found(None)
    assert parts.data[(kind, slug)] != forged  # read again, and kept anew


def test_a_kept_record_is_used_as_it_is() -> None:
    parts = _Parts()
    _found(parts)
    ((kind, slug),) = parts.data
    parts.data[(kind, slug)] = {"head": [], "sentences": [[2, ["Bank"]]]}  # well formed: believed
    assert set(_found(parts)) == {"Bank"}
