"""Who's who and the Glossary keep what each article's text matches, and its
name candidates (in the page cache's parts, untrusted: .cache/ may come with
a clone): a kept record is used only when it is exactly such a record for
the article, else the article is read again, and what is found is what a
run without parts finds."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
import pytest

from explainer import mentions, names
from explainer.model import Article, ClassifiedArticle, Page, Paragraph, Placement, Sentence, SourceMeta

KEYS = {"Colin Wu": "Colin Wu", "Wu": "Colin Wu", "Bank": "Bank"}


class _Parts:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str], Any] = {}

    def get(self, kind: str, slug: str, shape: Any = Any) -> Any | None:
        """As the page cache gives a part: decoded from its JSON text as ``shape``, or None."""
        data = self.data.get((kind, slug))
        if data is None:
            return None
        try:
            return msgspec.json.decode(msgspec.json.encode(data), type=shape, strict=True)
        except msgspec.ValidationError:
            return None

    def put(self, kind: str, slug: str, data: Any) -> None:
        self.data[(kind, slug)] = data


def _item() -> ClassifiedArticle:
    texts = ["Colin Wu wrote it.", "Nothing here.", "The Bank said no."]
    sentences = tuple(Sentence(t, 1, i) for i, t in enumerate(texts))
    article = Article(
        "a", "A", SourceMeta(published=date(2021, 1, 1)), "sources/a.txt", (Paragraph(1, sentences, None),)
    )
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
        {"head": [], "sentences": [[1, ["Bank"]]]},  # a placed sentence that does not name it
        {"head": ["Bank"], "sentences": []},  # nor does the title
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


def _names_item() -> ClassifiedArticle:
    texts = ["Yesterday Colin Wu met Jane Doe in Paris.", "Then Wu said the Basel Committee agreed (BIS)."]
    sentences = tuple(Sentence(t, 1, i) for i, t in enumerate(texts))
    article = Article(
        "a", "A", SourceMeta(published=date(2021, 1, 1)), "sources/a.txt", (Paragraph(1, sentences, None),)
    )
    return ClassifiedArticle(article, tuple(Placement(s, "t", 1.0) for s in sentences))


@pytest.mark.parametrize(
    "change",
    [
        {"singles": {"Paris": True}},  # a bool for a count
        {"singles": {"Paris": 0}},
        {"singles": {"Paris": 1.5}},
        {"found": "Colin Wu"},
        {"probe": [1]},
        {"ordinary": ["yesterday", "nobody"]},  # not the lower-case words of today
        {"more": []},  # an unknown field
        {"bracketed": None},
    ],
)
def test_forged_name_candidates_are_found_again(change: dict[str, object]) -> None:
    parts = _Parts()
    expected = names.detect([_names_item()], [], names.NameList(), parts=parts)
    assert "Jane Doe" in expected and expected == names.detect([_names_item()], [], names.NameList())
    key = ("names", "a")
    parts.data[key] = {**parts.data[key], **change}
    assert names.detect([_names_item()], [], names.NameList(), parts=parts) == expected
    assert parts.data[key] != {**parts.data[key], **change}  # read again, and kept anew


def test_kept_name_candidates_are_used_as_they_are() -> None:
    parts = _Parts()
    names.detect([_names_item()], [], names.NameList(), parts=parts)
    parts.data[("names", "a")]["found"] = ["Planted Name"]  # well formed: believed (it is text, never markup)
    assert "Planted Name" in names.detect([_names_item()], [], names.NameList(), parts=parts)
