"""Dedupe: find the same story filed twice (syndicated, re-posted, re-saved).

Method: each article's cleaned text, case-folded, becomes the set of its
5-word shingles (hashed: CRC-32 of each word, then the tuple's hash, both
stable across runs); two articles are near-duplicates when the Jaccard
similarity of their sets is at least :data:`THRESHOLD`. A changed headline,
re-punctuation or an added byline barely move it; a different story on the
same subject stays far below.

Which copy is kept: the earliest published (the original; undated ones come
after dated ones), then the first by path. Each article is compared only with
the articles already kept, so the result does not depend on file order.

Cost: comparing every pair would be quadratic, so candidates come from
locality-sensitive hashing: a one-permutation MinHash signature of
:data:`BINS` values cut into :data:`BANDS` bands; articles that agree on a
whole band are compared exactly. A pair at similarity 0.8 shares a band with
probability 0.985, at 0.9 with 0.9999; identical texts always do.

What is kept between runs is the signature (:func:`signature`, 32 numbers),
not the shingles: the exact comparison reads the shingles of the few
candidates from their text again, so a run over a thousand cached articles
never handles the million shingles they hold.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .model import Article

SHINGLE = 5
THRESHOLD = 0.8
BINS, BANDS = 32, 8
_ROWS = BINS // BANDS
_WORD = re.compile(r"\w+")
_EMPTY = 1 << 64  # an empty bin: larger than any value


@dataclass(frozen=True)
class Duplicate:
    """An article left out because it repeats one that is kept."""

    source: str
    duplicate_of: str
    similarity: float


def shingles(article: Article) -> frozenset[int]:
    """Hashed word 5-grams of the article's cleaned text (title excluded)."""
    words = _WORD.findall(" ".join(p.text for p in article.paragraphs).casefold())
    ids = list(map(zlib.crc32, map(str.encode, words)))
    if len(ids) < SHINGLE:
        return frozenset({hash(tuple(ids))})
    # The hash of a tuple of ints is the same in every run (only str hashes are salted).
    return frozenset(map(hash, zip(*(ids[i:] for i in range(SHINGLE)), strict=False)))


def keep_order(article: Article) -> tuple[int, int, str]:
    """Earliest published first (the original), undated last, then by path."""
    published = article.meta.published
    return (0, published.toordinal(), article.path) if published else (1, 0, article.path)


Signature = tuple[int, ...]  # BINS values: the smallest shingle hash per bin


def signature(own: frozenset[int]) -> Signature:
    """The one-permutation MinHash of a set of shingles (smallest value per hash bin)."""
    mins = [_EMPTY] * BINS
    for h in own:
        b, value = h % BINS, h // BINS
        if value < mins[b]:
            mins[b] = value
    return tuple(mins)


def find_duplicates(
    articles: Sequence[tuple[Article, Signature]], shingled: Callable[[Article], frozenset[int]] = shingles
) -> list[Duplicate]:
    """Articles (with their :func:`signature`) that repeat a kept one, by path.

    ``shingled`` gives an article's shingles for the exact comparison; it is
    asked only for articles that share a band with another."""
    kept: list[Article] = []
    index: dict[tuple[int, ...], list[int]] = defaultdict(list)  # (band, its values) -> kept articles
    read: dict[int, frozenset[int]] = {}  # shingles of the kept articles asked so far, by number

    def of(number: int) -> frozenset[int]:
        if number not in read:
            read[number] = shingled(kept[number])
        return read[number]

    found = []
    for article, mins in sorted(articles, key=lambda item: keep_order(item[0])):
        bands = _bands(mins)
        candidates = sorted({number for band in bands for number in index.get(band, ())})
        best = _best_match(shingled(article), candidates, of) if candidates else None
        if best is not None:
            found.append(Duplicate(article.path, kept[best[0]].path, round(best[1], 3)))
            continue
        for band in bands:
            index[band].append(len(kept))
        kept.append(article)
    return sorted(found, key=lambda d: d.source)


def _bands(mins: Signature) -> list[tuple[int, ...]]:
    """The signature cut into bands, each numbered."""
    return [(band, *mins[band * _ROWS : (band + 1) * _ROWS]) for band in range(BANDS)]


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _best_match(
    own: frozenset[int], candidates: list[int], kept: Callable[[int], frozenset[int]]
) -> tuple[int, float] | None:
    """The most similar candidate, if at or above the threshold (exact Jaccard)."""
    best: tuple[int, float] | None = None
    for number in candidates:
        other = kept(number)
        if min(len(own), len(other)) < THRESHOLD * max(len(own), len(other)):
            continue  # the sizes alone rule it out
        score = jaccard(own, other)
        if score >= THRESHOLD and (best is None or score > best[1]):
            best = (number, score)
    return best
