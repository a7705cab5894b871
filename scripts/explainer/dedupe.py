"""Dedupe: find the same story filed twice (syndicated, re-posted, re-saved).

Method: each article's cleaned text, case-folded, becomes the set of its
5-word shingles (hashed with CRC-32, which is stable across runs); two
articles are near-duplicates when the Jaccard similarity of their sets is at
least :data:`THRESHOLD`. Re-punctuation, a changed headline or an added
byline barely move it; a different story on the same subject stays far below.

Which copy is kept: the earliest published (the original; undated ones come
after dated ones), then the first by path. Each article is compared only with
the articles already kept, so the result does not depend on file order.

Cost: only pairs that share enough *sampled* shingles (those whose hash is 0
modulo :data:`SAMPLE`, an unbiased subsample of every set) and whose sizes
allow the threshold are compared in full, so a corpus of 1,000 articles does
not cost half a million comparisons.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Article

SHINGLE = 5
THRESHOLD = 0.8
SAMPLE = 8
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicate:
    """An article left out because it repeats one that is kept."""

    source: str
    duplicate_of: str
    similarity: float


def shingles(article: Article) -> frozenset[int]:
    """Hashed word 5-grams of the article's cleaned text (title excluded)."""
    words = _WORD.findall(" ".join(p.text for p in article.paragraphs).casefold())
    if len(words) <= SHINGLE:
        return frozenset({zlib.crc32(" ".join(words).encode())})
    return frozenset(zlib.crc32(" ".join(words[i : i + SHINGLE]).encode()) for i in range(len(words) - SHINGLE + 1))


def keep_order(article: Article) -> tuple[int, int, str]:
    """Earliest published first (the original), undated last, then by path."""
    published = article.meta.published
    return (0, published.toordinal(), article.path) if published else (1, 0, article.path)


def find_duplicates(articles: Sequence[tuple[Article, frozenset[int]]]) -> list[Duplicate]:
    """Articles (with their :func:`shingles`) that repeat a kept one, by path."""
    kept: list[frozenset[int]] = []
    kept_paths: list[str] = []
    index: dict[int, list[int]] = defaultdict(list)  # sampled shingle -> kept articles
    found = []
    for article, own in sorted(articles, key=lambda item: keep_order(item[0])):
        sample = [h for h in own if h % SAMPLE == 0]
        best = _best_match(own, sample, kept, index)
        if best is not None:
            found.append(Duplicate(article.path, kept_paths[best[0]], round(best[1], 3)))
            continue
        number = len(kept)
        kept.append(own)
        kept_paths.append(article.path)
        for h in sample:
            index[h].append(number)
    return sorted(found, key=lambda d: d.source)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _best_match(
    own: frozenset[int], sample: list[int], kept: list[frozenset[int]], index: dict[int, list[int]]
) -> tuple[int, float] | None:
    """The kept article most similar to ``own``, if at or above the threshold."""
    if sample:
        shared: dict[int, int] = defaultdict(int)
        for h in sample:
            for number in index.get(h, ()):
                shared[number] += 1
        # With Jaccard >= 0.8 most sampled shingles are shared; half is a wide margin.
        candidates = sorted(n for n, count in shared.items() if count * 2 >= len(sample))
    else:  # too short to sample: compare with every kept article
        candidates = list(range(len(kept)))
    best: tuple[int, float] | None = None
    for number in candidates:
        other = kept[number]
        if min(len(own), len(other)) < THRESHOLD * max(len(own), len(other)):
            continue
        score = jaccard(own, other)
        if score >= THRESHOLD and (best is None or score > best[1]):
            best = (number, score)
    return best
