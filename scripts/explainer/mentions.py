"""Which generated pages mention a word or name: shared by the Glossary and Who's who pages.

A mention is found in the sentences of the articles, so it is known exactly
which pages show it: the Source page of the article, and the page that quotes
the sentence (its topic's page, or the article's own page), checked by that
page's ¶ link to the sentence's paragraph. Only pages that are really in the
site are linked, whatever builders made them, so a link can never break.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import ClassifiedArticle, Heading, Page
from .phrases import literal_pattern
from .sitepages import is_index

# Mentions are found as written (the hover definitions match so); the one
# definition of a whole-word match is in :mod:`explainer.phrases`.
phrase_pattern = literal_pattern


@dataclass(frozen=True)
class PageLink:
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
) -> dict[str, tuple[PageLink, ...]]:
    """For each key, the pages whose text shows one of its phrases.

    ``keys`` maps each phrase (a term, a name or an alias) to the key of its
    entry; the result maps each key that is mentioned to its pages: topic
    pages first (in ``topic_order``, then by path), then Source pages.
    ``headings=False`` reads the sentences only, not titles and subheadings."""
    pattern = phrase_pattern(keys)
    if pattern is None:
        return {}
    cites = {page.path: page.cites for page in pages}
    found: dict[str, set[str]] = {}
    for item in classified:
        slug = item.article.slug
        source = f"sources/{slug}.md"
        texts = (
            [item.article.title] + [b.text for b in item.article.blocks if isinstance(b, Heading)] if headings else []
        )
        for text in texts:
            for match in pattern.finditer(text):
                found.setdefault(keys[match.group()], set()).add(source)
        for placement in item.placements:
            matches = {keys[m.group()] for m in pattern.finditer(placement.sentence.text)}
            if not matches:
                continue
            # The sentence shows on its Source page, and on the page that quotes
            # it: its topic's page, or its article's own page, whichever cites
            # its paragraph.
            cited = (slug, placement.sentence.paragraph)
            shown = [source] + [
                p for p in (f"{placement.topic}.md", f"articles/{slug}.md") if cited in cites.get(p, ())
            ]
            for key in matches:
                found.setdefault(key, set()).update(shown)
    order = {page.path: i for i, page in enumerate(_site_order(pages, topic_order))}
    titles = {page.path: page.title or page.path for page in pages}
    return {
        key: tuple(PageLink(p, titles[p]) for p in sorted((p for p in paths if p in order), key=order.__getitem__))
        for key, paths in sorted(found.items())
    }


# Helper functions


def _site_order(pages: Sequence[Page], topic_order: Sequence[str]) -> list[Page]:
    """Topic pages in configured order, other pages by path, then the Source pages."""
    rank = {f"{slug}.md": i for i, slug in enumerate(topic_order)}

    def key(page: Page) -> tuple[int, int, str]:
        source = page.path.startswith("sources/")
        return (int(source), rank.get(page.path, len(rank)), page.path)

    return sorted((p for p in pages if p.path.endswith(".md") and not is_index(p.path)), key=key)
