"""How a topic's linked sentences become the groups its claims are made of,
from scratch or replayed from the last run.

The rule (:meth:`_Groups.link`): links are taken strongest first; two
groups join unless they are one already, an article has a sentence in both,
or their seeds (each group's first sentence) are not close. :func:`group`
applies it to every link in turn.

:func:`regroup` gives the same groups from the last run's :class:`Record`
(its rows, its links in order and which of them joined), applying the rule
only where this run can differ from the last: links the last run did not
have, and every later link of a group whose state parted from the last
run's (it was joined in a way the last run did not join it, or a join of the
last run is not made). Every other group makes the last run's joins again,
as they were made then: its state is the last run's at that moment, so the
rule would decide as it did. Adding one article to a topic of 15,000
sentences and 60,000 links asks the rule about 230 to 300 of them.

A record is a state file, so untrusted: one that does not fit this run's
links (a join whose score is not its link's, joins that are not a tree of
each group, a link between two sentences still on their own that did not
join, rows that are not a table's) is refused, and :func:`regroup` returns
None. A join it replays is always one of this run's links, between two
groups of different articles, and its work is bounded (a group is looked
at a few times before it is made: never once per link).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from heapq import heapify, heappop, heappush
from typing import Any

import msgspec


class Record(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One topic's grouping, as the next run reads it back: its rows, its
    links in order and which of them joined. Arrays are little-endian bytes
    (base64 in JSON): a topic has tens of thousands of links."""

    rule: str  # the thresholds it was made with
    articles: list[tuple[str, str, int]]  # each article's slug, key and number of rows, in row order
    positions: bytes  # int32: each row's sentence, by its position in its article
    lo: bytes  # int32: each link's earlier row ...
    hi: bytes  # int32: ... and later row, strongest link first
    joined: bytes  # int32: where (in lo and hi) the links are that joined two groups, in order
    scores: bytes  # float64: the score of each of those
    conflicted: bytes  # int32: the least row of each group whose claim has a conflict (see explainer.claims)


_INT = "<i4"
_FLOAT = "<f8"
_STEP = "<u4"


class Verdicts(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """What the rules said of each of a topic's candidate pairs, as the next
    run reads it back: a pair's verdict (and its score) follows from its two
    sentences alone, so a pair of sentences of unchanged articles need not be
    judged again. Only ever read sealed (:meth:`explainer.pagecache.PageCache.recall_sealed`):
    a forged "these two state one claim" would show one source's sentence
    under another's wording, and checking a verdict is making it."""

    rule: str  # the thresholds they were judged by
    articles: list[tuple[str, str, int]]  # as a Record's: each article's slug, key and number of rows
    positions: bytes  # int32: each row's sentence, by its position in its article
    codes: bytes  # uint32: each candidate pair as its later row * rows + its earlier row, less the one before
    kept: bytes  # int32: where (in codes) the pairs are that state one claim, ascending
    scores: bytes  # float64: the score of each of those


def verdicts(
    rule: str, articles: list[tuple[str, str, int]], positions: Any, codes: Any, kept: Any, scores: Any
) -> Verdicts | None:
    """This run's :class:`Verdicts` (numpy arrays: ``codes`` ascending,
    ``kept`` indexes them); None for a topic too large for its codes to be
    kept as 32-bit steps (65,536 rows or more: judged afresh every run)."""
    import numpy as np

    if len(positions) >= 1 << 16:
        return None
    steps = np.diff(codes, prepend=0)
    return Verdicts(
        rule,
        articles,
        positions.astype(_INT).tobytes(),
        steps.astype(_STEP).tobytes(),
        kept.astype(_INT).tobytes(),
        scores.astype(_FLOAT).tobytes(),
    )


def judged(last: Verdicts, rows: Any, count: int) -> tuple[Any, Any, Any] | None:
    """The last run's verdicts on pairs whose two rows are still this run's
    (``rows``: :func:`remap`; ``count``: this run's rows), as codes in this
    run's rows (ascending), whether each pair was kept, and its score (0.0
    for one not kept). None if the arrays do not fit each other."""
    import numpy as np

    steps, kept, scores = _array(np, last.codes, _STEP), _array(np, last.kept, _INT), _array(np, last.scores, _FLOAT)
    width = len(rows)
    if steps is None or kept is None or scores is None or len(kept) != len(scores):
        return None
    codes = np.cumsum(steps)
    if len(codes) and (codes[-1] >= width * width or bool(np.any(steps[1:] == 0))):
        return None
    if len(kept) and (kept[0] < 0 or kept[-1] >= len(codes) or bool(np.any(kept[1:] <= kept[:-1]))):
        return None
    flags = np.zeros(len(codes), dtype=bool)
    flags[kept] = True
    score = np.zeros(len(codes), dtype=np.float64)
    score[kept] = scores
    a, b = rows[codes % max(width, 1)], rows[codes // max(width, 1)]
    alive = np.flatnonzero((a >= 0) & (b >= 0) & (a < b))  # (rows keep their order: a < b stays)
    now = b[alive] * count + a[alive]
    order = np.argsort(now, kind="stable")
    return now[order], flags[alive][order], score[alive][order]


def record(
    rule: str,
    articles: list[tuple[str, str, int]],
    positions: Any,
    edges: tuple[Any, Any, Any],
    joined: Sequence[int],
) -> Record:
    """This run's :class:`Record`: ``positions`` and ``edges`` (scores, lo,
    hi) as numpy arrays, ``joined`` where the joins are (which groups have a
    conflict is known later: :func:`mark_conflicted`)."""
    import numpy as np

    score, lo, hi = edges
    at = np.asarray(joined, dtype=np.int64)
    return Record(
        rule,
        articles,
        positions.astype(_INT).tobytes(),
        lo.astype(_INT).tobytes(),
        hi.astype(_INT).tobytes(),
        at.astype(_INT).tobytes(),
        score[at].astype(_FLOAT).tobytes(),
        b"",
    )


def mark_conflicted(made: Record, rows: Sequence[int]) -> None:
    """Set which groups of this run's record have a conflict, each by its least row."""
    import numpy as np

    made.conflicted = np.asarray(rows, dtype=np.int64).astype(_INT).tobytes()


def conflicted(last: Record) -> frozenset[int] | None:
    """The least rows (in the last run's rows) of its groups with a conflict;
    None when the record's array is not one (every group is then asked again)."""
    import numpy as np

    rows = _array(np, last.conflicted, _INT)
    return frozenset(rows.tolist()) if rows is not None else None


def _array(np: Any, data: bytes, kind: str) -> Any | None:
    width = np.dtype(kind).itemsize
    if len(data) % width:
        return None
    return np.frombuffer(data, dtype=kind).astype(np.float64 if kind == _FLOAT else np.int64)


Close = Callable[[int, int], bool]  # whether two seeds (rows, the first before the second) are close
_LOOKS = 8  # times a group nothing has reached is looked at before it is made


class _Groups:
    """The groups as the links are taken: each row's group (a number its
    members all carry), each group's members, articles and seed."""

    def __init__(self, article: Sequence[int], close: Close):
        n = self.count = len(article)
        self.group = list(range(n))
        self.members: list[list[int]] = [[i] for i in range(n)]
        self.articles: list[set[int]] = [{a} for a in article]
        self.seed = list(range(n))
        self.close = close
        self.near: dict[int, bool] = {}  # seeds si * count + sj: whether they are close

    def link(self, i: int, j: int) -> bool:
        """The rule, for a link between rows i < j: whether it joined their groups."""
        group = self.group
        gi = group[i]
        gj = group[j]
        if gi == gj:
            return False
        mine = self.articles[gi]
        theirs = self.articles[gj]
        seed = self.seed
        if not self.allows(i, j, mine, theirs, seed[gi], seed[gj]):
            return False
        self._merge(gi, gj, mine, theirs, min(seed[gi], seed[gj]))
        return True

    def allows(self, i: int, j: int, mine: set[int], theirs: set[int], si: int, sj: int) -> bool:
        """Whether the link i < j joins two groups (articles ``mine`` and
        ``theirs``, seeds ``si`` and ``sj``): no article in both, and the
        seeds close (or the link's own rows).

        A group's seed is its least member, so two groups that failed to join
        have the same seeds until one of them grows: whether two seeds are
        close is worked out once per pair, and a pair's closeness is its own."""
        if not mine.isdisjoint(theirs):
            return False
        if si > sj:
            si, sj = sj, si
        if si != i or sj != j:
            key = si * self.count + sj
            near = self.near.get(key)
            if near is None:
                near = self.near[key] = self.close(si, sj)
            return near
        return True

    def rejoin(self, i: int, j: int) -> bool:
        """A join the last run made, on the same state: the rule held then.
        False if it cannot be made (one group, or an article in both)."""
        gi = self.group[i]
        gj = self.group[j]
        mine = self.articles[gi]
        theirs = self.articles[gj]
        if gi == gj or not mine.isdisjoint(theirs):
            return False
        self._merge(gi, gj, mine, theirs, min(self.seed[gi], self.seed[gj]))
        return True

    def _merge(self, gi: int, gj: int, mine: set[int], theirs: set[int], seed: int) -> None:
        members = self.members
        if len(members[gi]) < len(members[gj]):
            gi, gj, mine, theirs = gj, gi, theirs, mine
        moved = members[gj]
        group = self.group
        for k in moved:  # the smaller group into the larger: linear overall
            group[k] = gi
        members[gi] += moved
        members[gj] = []
        mine |= theirs
        self.seed[gi] = seed

    def groups(self) -> list[list[int]]:
        """The groups of two or more rows, each in row order, in order."""
        return sorted(sorted(m) for m in self.members if len(m) > 1)


def group(
    article: Sequence[int], close: Close, first: Sequence[int], second: Sequence[int]
) -> tuple[list[list[int]], list[int]]:
    """The groups of the links (``first[p] < second[p]``, strongest first) of
    rows from articles ``article``, and where the links are that joined."""
    groups = _Groups(article, close)
    link = groups.link
    joined = []
    for p, (i, j) in enumerate(zip(first, second, strict=True)):
        if link(i, j):
            joined.append(p)
    return groups.groups(), joined


def remap(last: Record | Verdicts, slugs: Sequence[str], positions: Any, keys: Mapping[str, str]) -> Any | None:
    """For each of the last run's rows, this run's row of the same sentence
    (-1 if there is none: its article is gone or changed, or the sentence is
    no longer on the topic), from each row's article slug and position (a
    numpy array) and each article's key. None if the record's rows are not
    a table's (articles by slug, then sentences in order)."""
    import numpy as np

    old = _array(np, last.positions, _INT)
    counts = [count for _, _, count in last.articles]
    if old is None or min(counts, default=0) < 0 or sum(counts) != len(old) or (len(old) and old.min() < 0):
        return None
    names = {slug: k for k, slug in enumerate(sorted({*slugs, *(slug for slug, _, _ in last.articles)}))}
    now = np.fromiter(map(names.__getitem__, slugs), dtype=np.int64, count=len(slugs)) << 32 | positions
    numbers = np.array([names[slug] for slug, _, _ in last.articles], dtype=np.int64)
    fits = np.array([keys.get(slug) == key for slug, key, _ in last.articles], dtype=bool)
    before = np.repeat(numbers, counts) << 32 | old
    if len(before) > 1 and bool(np.any(before[1:] <= before[:-1])):
        return None
    at = np.minimum(np.searchsorted(now, before), max(len(now) - 1, 0))
    same = np.repeat(fits, counts) & (now[at] == before) if len(now) else np.zeros(len(before), dtype=bool)
    return np.where(same, at, -1)


def regroup(
    article: Sequence[int],
    close: Close,
    first: Sequence[int],
    second: Sequence[int],
    score: Any,
    rows: Any,
    last: Record,
    unchanged: dict[int, int] | None = None,
) -> tuple[list[list[int]], list[int]] | None:
    """What :func:`group` gives for these links (``score``: their scores, a
    numpy array, strongest first), from the last run's ``last``, where
    ``rows`` (:func:`remap`) gives this run's row of each of its rows. None if
    the record does not fit (then :func:`group` must be used). ``unchanged``
    is filled with the groups given as the last run's, each by its least
    row: its least row in the last run's rows (what the record names it by).

    The last run's joins fall into its groups. A group nothing of this run
    reaches is the last run's, as it was; one that something reaches (a link
    the rule must decide, at position p) is made up to p from its joins,
    and its later joins are taken in turn with this run's links."""
    import numpy as np

    count, links = len(article), len(first)
    old_lo, old_hi = _array(np, last.lo, _INT), _array(np, last.hi, _INT)
    joined, scores = _array(np, last.joined, _INT), _array(np, last.scores, _FLOAT)
    width = len(rows)
    if old_lo is None or old_hi is None or joined is None or scores is None:
        return None
    if len(old_lo) != len(old_hi) or len(joined) != len(scores) or not bool(np.isfinite(scores).all()):
        return None
    if len(old_lo) and (old_lo.min() < 0 or old_hi.max() >= width or bool(np.any(old_lo >= old_hi))):
        return None
    if len(joined) and (joined[0] < 0 or joined[-1] >= len(old_lo) or bool(np.any(joined[1:] <= joined[:-1]))):
        return None
    # Where each of the last run's links is among this run's (-1: gone).

    a, b = (rows[old_lo], rows[old_hi]) if len(old_lo) else (old_lo, old_hi)
    lo = np.asarray(first, dtype=np.int64)
    hi = np.asarray(second, dtype=np.int64)
    code = hi * count + lo
    by_code = np.argsort(code, kind="stable")
    sorted_code = code[by_code]
    wanted = np.where((a >= 0) & (b >= 0), b * count + a, -1)
    at = np.minimum(np.searchsorted(sorted_code, wanted), max(links - 1, 0))
    hit = (wanted >= 0) & (sorted_code[at] == wanted) if links else np.zeros(len(wanted), dtype=bool)
    now = np.full(len(wanted), -1, dtype=np.int64)
    now[hit] = by_code[at[hit]]
    fresh = np.ones(links, dtype=bool)
    fresh[now[hit]] = False
    # The last run's joins, as events in this run's order: one that stays at
    # its link (2p + 1), one whose link is gone before the first link of its
    # score (2p), where its groups part from the last run's.
    where = now[joined]
    kept = where >= 0
    if bool(np.any(score[where[kept]] != scores[kept])):
        return None
    gone_at = np.searchsorted(-score, -scores[~kept], side="left")
    keys = np.empty(len(joined), dtype=np.int64)
    keys[kept] = 2 * where[kept] + 1
    keys[~kept] = 2 * gone_at
    # The last run's groups: each a tree of its joins (joins one fewer than
    # members, all connected), and each row's group in this run's rows.
    ends_lo, ends_hi = old_lo[joined], old_hi[joined]
    tree = _forest(width, ends_lo.tolist(), ends_hi.tolist())
    if tree is None:  # a join within one group: not what the rule makes
        return None
    label = np.asarray(tree, dtype=np.int64)
    sizes = np.bincount(label, minlength=width)
    grouped = sizes > 1
    # A link between two sentences that are each on their own when it comes
    # always joins them (no article in both, their seeds are the link's own).
    first_join = np.full(width, len(old_lo), dtype=np.int64)
    np.minimum.at(first_join, ends_lo, joined)
    np.minimum.at(first_join, ends_hi, joined)
    place = np.arange(len(old_lo), dtype=np.int64)
    alone = (first_join[old_lo] >= place) & (first_join[old_hi] >= place)
    alone[joined] = False
    if bool(alone.any()):
        return None
    home_of = np.where(grouped[label], label, -1)
    home = np.full(count, -1, dtype=np.int64)
    alive = rows >= 0
    home[rows[alive]] = home_of[alive]
    home_: list[int] = home.tolist()
    # Each group's joins in this run's order, and its rows.
    by_group = np.lexsort((keys, label[ends_lo]))
    group_of_join = label[ends_lo][by_group]
    starts = np.searchsorted(group_of_join, np.arange(width + 1, dtype=np.int64)).tolist()
    join_keys, join_a, join_b = keys[by_group].tolist(), a[joined][by_group].tolist(), b[joined][by_group].tolist()
    gone = np.unique(label[ends_lo][~kept]).tolist()  # groups with a join gone: reached from the start
    # Each row's links, by position: what a group that parts from the last run's must take by the rule.
    ends = np.concatenate((lo, hi))
    place = np.concatenate((np.arange(links, dtype=np.int64),) * 2)
    by_end = np.lexsort((place, ends))
    adjacent = place[by_end]
    bounds: list[int] = np.searchsorted(ends[by_end], np.arange(count + 1, dtype=np.int64)).tolist()
    groups = _Groups(article, close)
    parted = bytearray(count)
    pending: list[int] = np.flatnonzero(fresh).tolist()  # positions of links the rule must decide
    heapify(pending)
    queued: list[tuple[int, int, int]] = []  # the joins of the groups reached so far, by key
    reached: set[int] = set()
    made: list[int] = []  # where this run's joins are

    def reach(g: int, before: int) -> bool:
        """The last run's group ``g`` is reached at ``before``: its joins up to there are made."""
        reached.add(g)
        for k in range(starts[g], starts[g + 1]):
            key = join_keys[k]
            if key >= before:
                heappush(queued, (key, join_a[k], join_b[k]))
            elif key & 1 and groups.rejoin(join_a[k], join_b[k]):
                made.append(key >> 1)
            else:
                return False
        return True

    joins_at = bytearray(links)  # the links that joined in the last run
    for p in where[kept].tolist():
        joins_at[p] = 1
    trees: dict[int, dict[int, list[tuple[int, int]]]] = {}  # a group's joins, by row: (key, the other row)
    looks: dict[int, int] = {}  # how often each group nothing has reached was looked at

    def as_of(row: int, before: int, against: set[int] | None) -> tuple[set[int], set[int], int] | None:
        """``row``'s group at ``before`` (what its joins up to there make), in a
        group nothing has reached: its rows, articles and seed; None as soon
        as one of its articles is one of ``against`` (the link cannot join it)."""
        g = home_[row]
        tree = trees.get(g)
        if tree is None:
            tree = trees[g] = {}
            for k in range(starts[g], starts[g + 1]):
                tree.setdefault(join_a[k], []).append((join_keys[k], join_b[k]))
                tree.setdefault(join_b[k], []).append((join_keys[k], join_a[k]))
        found, todo, articles = {row}, [row], set()
        while todo:
            at = todo.pop()
            if against is not None and article[at] in against:
                return None
            articles.add(article[at])
            for key, other in tree.get(at, ()):
                if key < before and other not in found:
                    found.add(other)
                    todo.append(other)
        return found, articles, min(found)

    def allows(i: int, j: int, before: int) -> bool:
        """The rule for the link i < j, where a group may be one nothing has reached yet."""
        sides: list[tuple[Any, set[int], int] | None] = []
        for row in (i, j):
            g = home_[row]
            if g >= 0 and g not in reached:
                sides.append(None)
            else:
                own = groups.group[row]
                sides.append((groups.members[own], groups.articles[own], groups.seed[own]))
        mine, theirs = sides
        if mine is None:
            mine = as_of(i, before, theirs[1] if theirs is not None else None)
            if mine is None:
                return False
        if theirs is None:
            if j in mine[0]:  # one group
                return False
            theirs = as_of(j, before, mine[1])
            if theirs is None:
                return False
        return groups.allows(i, j, mine[1], theirs[1], mine[2], theirs[2])

    def part(g: int, after: int) -> None:
        """Group ``g`` is no longer the last run's: the rule decides each of its links after ``after``."""
        for row in groups.members[g]:
            if not parted[row]:
                parted[row] = 1
                links_ = adjacent[bounds[row] : bounds[row + 1]]
                for p in links_[np.searchsorted(links_, after, side="right") :].tolist():
                    heappush(pending, p)

    for g in gone:
        if not reach(g, 0):
            return None
    done, never = -1, 2 * links + 2
    while pending or queued:
        ahead = 2 * pending[0] + 1 if pending else never
        if ahead <= (queued[0][0] if queued else never):
            p = heappop(pending)
            if p == done:
                continue
            done = p
            i, j = int(first[p]), int(second[p])
            unreached = [g for g in (home_[i], home_[j]) if g >= 0 and g not in reached]
            # A group nothing has reached yet is looked at as it is here (what
            # its joins so far make): made only if this link joins it, or once
            # it has been looked at a few times (each look walks the group).
            if unreached and not joins_at[p] and all(looks.get(g, 0) < _LOOKS for g in unreached):
                for g in unreached:
                    looks[g] = looks.get(g, 0) + 1
                if not allows(i, j, ahead):
                    continue
            for g in unreached:
                if g not in reached and not reach(g, ahead):
                    return None
            again = bool(queued) and queued[0][0] == ahead  # one of the last run's joins
            if again:
                heappop(queued)
            if groups.link(i, j):
                made.append(p)
                part(groups.group[i], p)
            elif again:
                part(groups.group[i], p)
                part(groups.group[j], p)
            continue
        key, i, j = heappop(queued)
        if key & 1:  # a join of the last run, between groups that are still its own
            if not groups.rejoin(i, j):
                return None
            made.append(key >> 1)
        else:  # a join whose link is gone: both groups part from the last run's
            for row in (i, j):
                if row >= 0:
                    part(groups.group[row], (key >> 1) - 1)
    # The groups nothing reached are the last run's, and so are their joins.
    found = [m for m in groups.members if len(m) > 1]
    untouched = grouped.copy()
    untouched[list(reached)] = False
    rows_of = np.flatnonzero(untouched[label] & alive)
    rows_of = rows_of[np.argsort(label[rows_of], kind="stable")]
    if len(rows_of) != int(sizes[untouched].sum()):  # a row of such a group is gone: it was reached
        return None
    if len(rows_of):
        # Each group's rows (a run of rows_of), checked and listed at once: a
        # topic keeps a thousand such groups, each a few rows.
        owner, members = label[rows_of], rows[rows_of]
        article_ = np.asarray(article, dtype=np.int64)[members]
        if len(np.unique(owner * (int(article_.max()) + 1) + article_)) != len(members):  # one sentence per article
            return None
        begin = np.concatenate(([0], np.flatnonzero(np.diff(owner)) + 1))
        end = np.append(begin[1:], len(members)).tolist()
        flat, least = members.tolist(), np.minimum.reduceat(members, begin).tolist()
        for start, stop, old, low in zip(begin.tolist(), end, owner[begin].tolist(), least, strict=True):
            found.append(flat[start:stop])
            if unchanged is not None:
                unchanged[low] = old
    made += (keys[untouched[label[ends_lo]]] >> 1).tolist()
    return sorted(sorted(m) for m in found), sorted(made)


def _forest(size: int, lo: Sequence[int], hi: Sequence[int]) -> list[int] | None:
    """Each of ``size`` rows' least row joined to it by the joins (lo, hi),
    or None if a join is within one group already (a union-find: linear, as
    no shape of forged joins can make it otherwise)."""
    parent = list(range(size))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(lo, hi, strict=True):
        rx, ry = root(x), root(y)
        if rx == ry:
            return None
        if rx < ry:
            parent[ry] = rx
        else:
            parent[rx] = ry
    return [root(x) for x in range(size)]
