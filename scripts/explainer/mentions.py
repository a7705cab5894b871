"""Which generated pages mention a word or name: shared by the Glossary and Who's who pages.

A mention is found in the sentences of the articles, so it is known exactly
which pages show it: the Source page of the article, and the page that quotes
the sentence (its topic's page, or the article's own page), checked by that
page's ¶ link to the sentence's paragraph. Only pages that are really in the
site are linked, whatever builders made them, so a link can never break.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence

import msgspec

from .model import ClassifiedArticle, Heading, Page, Placement
from .pagecache import Parts
from .phrases import literal_pattern
from .sitepages import is_index

# Mentions are found as written (the hover definitions match so); the one
# definition of a whole-word match is in :mod:`explainer.phrases`.
phrase_pattern = literal_pattern


class PageLink(msgspec.Struct, frozen=True, gc=False):  # (a Struct: one per mention listed, thousands)
    """A page of the site, by its path under docs/ and its title."""

    path: str
    title: str

    @property
    def is_source(self) -> bool:
        return self.path.startswith("sources/")


def find_mentions(
    keys: Mapping[str, str],
    classified: Sequence[ClassifiedArticle],
    pages: Sequence[Page],
    topic_order: Sequence[str] = (),
    *,
    headings: bool = True,
    parts: Parts | None = None,
) -> dict[str, tuple[PageLink, ...]]:
    """For each key, the pages whose text shows one of its phrases.

    ``keys`` maps each phrase (a term, a name or an alias) to the key of its
    entry; the result maps each key that is mentioned to its pages: topic
    pages first (in ``topic_order``, then by path), then Source pages.
    ``headings=False`` reads the sentences only, not titles and subheadings.
    With ``parts``, what each article's text matches is kept between runs
    (for the same keys)."""
    pattern = phrase_pattern(keys)
    if pattern is None:
        return {}
    cites = {page.path: page.cites for page in pages}
    found: dict[str, set[str]] = {}
    kind = "mentions-" + hashlib.sha256(repr((sorted(keys.items()), headings)).encode()).hexdigest()
    written: dict[str, list[str]] = {}  # each key's phrases: what a kept record's matches must show
    for phrase, key in keys.items():
        written.setdefault(key, []).append(phrase)
    for item in classified:
        slug = item.article.slug
        source = f"sources/{slug}.md"
        head, sentences = _matches(item, pattern, keys, headings, kind, parts, written)
        # Every sentence shows on its Source page, and on the page that quotes
        # it: its topic's page, or its article's own page, whichever cites its
        # paragraph (looked up once per topic and paragraph: most are on no
        # page but their Source page).
        here = set(head)
        own = f"articles/{slug}.md"
        quoted_at: dict[tuple[str, int], list[str]] = {}
        for placement, matches in sentences:
            here.update(matches)
            spot = (placement.topic, placement.sentence.paragraph)
            quoted = quoted_at.get(spot)
            if quoted is None:
                cited = (slug, spot[1])
                quoted = quoted_at[spot] = [p for p in (f"{spot[0]}.md", own) if cited in cites.get(p, ())]
            if quoted:
                for key in matches:
                    found.setdefault(key, set()).update(quoted)
        for key in here:
            found.setdefault(key, set()).add(source)
    order = {page.path: i for i, page in enumerate(_site_order(pages, topic_order))}
    titles = {page.path: page.title or page.path for page in pages}
    return {
        key: tuple(PageLink(p, titles[p]) for p in sorted((p for p in paths if p in order), key=order.__getitem__))
        for key, paths in sorted(found.items())
    }


# Helper functions


Matches = tuple[set[str], list[tuple[Placement, Collection[str]]]]  # keys in the title and headings; per sentence


def _matches(
    item: ClassifiedArticle,
    pattern: re.Pattern[str],
    keys: Mapping[str, str],
    headings: bool,
    kind: str,
    parts: Parts | None,
    written: Mapping[str, Sequence[str]],
) -> Matches:
    """The keys an article's title and headings (if ``headings``) and each of its placed sentences show."""
    slug = item.article.slug
    texts = [item.article.title] + [b.text for b in item.article.blocks if isinstance(b, Heading)] if headings else []
    if parts is not None:
        kept = _kept_matches(item, parts.get(kind, slug, _Kept), written, texts)
        if kept is not None:
            return kept
    head = {keys[m.group()] for text in texts for m in pattern.finditer(text)}
    sentences: list[tuple[Placement, Collection[str]]] = []
    for placement in item.placements:
        matches = {keys[m.group()] for m in pattern.finditer(placement.sentence.text)}
        if matches:
            sentences.append((placement, matches))
    if parts is not None:
        data = {"head": sorted(head), "sentences": [[p.sentence.index, sorted(m)] for p, m in sentences]}
        parts.put(kind, slug, data)
    return head, sentences


def _kept_matches(
    item: ClassifiedArticle, kept: _Kept | None, written: Mapping[str, Sequence[str]], heads: Sequence[str]
) -> Matches | None:
    """Matches kept by :func:`_matches` if ``kept`` (decoded as a :class:`_Kept`,
    every type checked in C: no bool for an int) holds for ``item``: every key
    it names is one of ``written``'s and shows one of its phrases (as a
    substring) in the title or a heading (``heads``) or in the sentence it is
    kept for, so a forged record cannot link a page that never names it."""
    if kept is None:
        return None
    # Plain loops, not any()/all() over generators: a thousand-article site
    # checks tens of thousands of kept sentences each run.
    for key in kept.head:
        if not _shows(written.get(key, ()), heads):
            return None
    placed = {p.sentence.index: p for p in item.placements}
    found: list[tuple[Placement, Collection[str]]] = []
    last = -1
    for index, matches in kept.sentences:
        placement = placed.get(index)
        if placement is None or index <= last or not matches:  # each matching sentence once, in order
            return None
        last = index
        text = placement.sentence.text
        for key in matches:
            for phrase in written.get(key, ()):
                if phrase in text:
                    break
            else:
                return None
        found.append((placement, matches))
    return set(kept.head), found


def _shows(phrases: Sequence[str], texts: Sequence[str]) -> bool:
    """Does one of ``texts`` hold one of ``phrases`` (as a substring)?"""
    for text in texts:
        for phrase in phrases:
            if phrase in text:
                return True
    return False


class _Kept(msgspec.Struct, forbid_unknown_fields=True):
    """What :func:`_matches` keeps of an article: exactly these two fields."""

    head: list[str]
    sentences: list[tuple[int, list[str]]]  # a placed sentence's index, and its keys


def _site_order(pages: Sequence[Page], topic_order: Sequence[str]) -> list[Page]:
    """Topic pages in configured order, other pages by path, then the Source pages."""
    rank = {f"{slug}.md": i for i, slug in enumerate(topic_order)}

    def key(page: Page) -> tuple[int, int, str]:
        source = page.path.startswith("sources/")
        return (int(source), rank.get(page.path, len(rank)), page.path)

    return sorted((p for p in pages if p.path.endswith(".md") and not is_index(p.path)), key=key)
