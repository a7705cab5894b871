"""The grouping of claims replayed from the last run (explainer.grouping):
the same groups and joins as a grouping from scratch, after any change to
the rows and links, with the rule applied to few links; and a record that
does not fit is refused, never followed."""

from __future__ import annotations

import hashlib
import itertools
import random
from dataclasses import dataclass

import msgspec
import numpy as np
import pytest

from explainer import grouping


@dataclass(frozen=True)
class Topic:
    """A topic's rows as claims number them (articles by slug, sentences in
    order) and its links, strongest first (then by rows)."""

    rows: tuple[tuple[str, int], ...]  # (slug, position)
    keys: dict[str, str]  # slug: the key of its text
    links: tuple[tuple[float, tuple[str, int], tuple[str, int]], ...]  # score, earlier row, later row (by identity)

    def article(self) -> list[int]:
        slugs = sorted({slug for slug, _ in self.rows})
        return [slugs.index(slug) for slug, _ in self.rows]

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        at = {row: i for i, row in enumerate(self.rows)}
        pairs = sorted((-score, at[x], at[y]) for score, x, y in self.links if x in at and y in at)
        score = np.array([-s for s, _, _ in pairs], dtype=np.float64)
        return (
            score,
            np.array([i for _, i, _ in pairs], dtype=np.int64),
            np.array([j for _, _, j in pairs], dtype=np.int64),
        )

    def close(self) -> grouping.Close:
        """A closeness of seeds that is a sentence pair's own (as cosines are): a hash of the two sentences."""
        keyed = [(slug, self.keys[slug], position) for slug, position in self.rows]

        def close(i: int, j: int) -> bool:
            digest = hashlib.sha256(repr((keyed[i], keyed[j])).encode()).digest()
            return digest[0] < 160

        return close


def record(topic: Topic) -> tuple[grouping.Record, tuple[list[list[int]], list[int]]]:
    score, lo, hi = topic.edges()
    found = grouping.group(topic.article(), topic.close(), lo.tolist(), hi.tolist())
    articles = []
    for slug, _ in topic.rows:
        if not articles or articles[-1][0] != slug:
            articles.append((slug, topic.keys[slug], 0))
        articles[-1] = (slug, topic.keys[slug], articles[-1][2] + 1)
    positions = np.array([p for _, p in topic.rows], dtype=np.int64)
    return grouping.record("rule", articles, positions, (score, lo, hi), found[1]), found


def regroup(topic: Topic, last: grouping.Record) -> tuple[list[list[int]], list[int]] | None:
    score, lo, hi = topic.edges()
    positions = np.array([p for _, p in topic.rows], dtype=np.int64)
    rows = grouping.remap(last, [slug for slug, _ in topic.rows], positions, topic.keys)
    assert rows is not None
    return grouping.regroup(topic.article(), topic.close(), lo, hi, score, rows, last)


def made_up(rng: random.Random, articles: int, scores: int) -> Topic:
    """Articles of a few sentences each, linked across articles at random,
    with few distinct scores (ties are what orders the links most finely)."""
    rows = tuple(sorted((f"a{k:03d}", p) for k in range(articles) for p in rng.sample(range(40), rng.randint(1, 6))))
    links: dict[tuple[tuple[str, int], tuple[str, int]], float] = {}  # a pair's score is its own
    for _ in range(len(rows) * 4):
        x, y = sorted(rng.sample(rows, 2))
        if x[0] != y[0]:
            links.setdefault((x, y), rng.randint(1, scores) / scores)
    return Topic(rows, {f"a{k:03d}": f"k{k}" for k in range(articles)}, _links(links))


def _links(
    links: dict[tuple[tuple[str, int], tuple[str, int]], float],
) -> tuple[tuple[float, tuple[str, int], tuple[str, int]], ...]:
    return tuple(sorted((score, x, y) for (x, y), score in links.items()))


def changed(rng: random.Random, topic: Topic, kind: str) -> Topic:
    """The topic after one change: an article added, removed or edited
    (its key changes, so its sentences are new ones), a sentence moved off
    the topic, or links come and go (pairs pushed into or out of a window)."""
    rows, keys = list(topic.rows), dict(topic.keys)
    links = {(x, y): score for score, x, y in topic.links}
    scores = sorted(set(links.values())) or [0.5]
    slugs = sorted(keys)
    if kind == "add":
        slug = f"{rng.choice(slugs)}x{len(keys)}"  # sorts among the others: every later row is renumbered
        new = [(slug, p) for p in range(rng.randint(2, 6))]
        keys[slug] = "new"
        rows = sorted(rows + new)
        for row in new:
            others = [r for r in rows if r[0] != slug]
            for other in rng.sample(others, min(4, len(others))):
                x, y = sorted([row, other])
                links[x, y] = rng.choice(scores)  # a score some old link has: ties with old links
    elif kind == "remove":
        gone = rng.choice(slugs)
        rows = [r for r in rows if r[0] != gone]
        del keys[gone]
    elif kind == "edit":
        keys[rng.choice(slugs)] = "edited"
    elif kind == "sentence":
        rows.remove(rng.choice(rows))
    elif kind == "links":
        was = dict(links)
        for _ in range(min(3, len(links))):
            del links[rng.choice(sorted(links))]
        for _ in range(3):
            x, y = sorted(rng.sample(rows, 2))
            if x[0] != y[0]:
                links.setdefault((x, y), was.get((x, y), rng.choice(scores)))  # (a pair's score is its own)
    return Topic(tuple(rows), keys, _links(links))


KINDS = ["add", "remove", "edit", "sentence", "links", "none"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_replayed_grouping_is_the_grouping_from_scratch(kind: str) -> None:
    for seed in range(60):
        rng = random.Random(seed)
        topic = made_up(rng, articles=rng.randint(2, 30), scores=rng.choice([3, 8, 1000]))
        last, _ = record(topic)
        after = changed(rng, topic, kind)
        _, lo, hi = after.edges()
        expected = grouping.group(after.article(), after.close(), lo.tolist(), hi.tolist())
        assert regroup(after, last) == expected, (kind, seed)


@pytest.mark.parametrize("kind", KINDS)
def test_the_groups_given_as_the_last_runs_are_the_last_runs(kind: str) -> None:
    """What regroup reports as given unchanged (each group by its least row,
    with its least row in the last run's rows) is a group of the last run,
    every member the same sentence; and most groups are so given."""
    given = 0
    for seed in range(40):
        rng = random.Random(seed)
        topic = made_up(rng, articles=rng.randint(2, 30), scores=rng.choice([3, 8, 1000]))
        last, (before, _) = record(topic)
        after = changed(rng, topic, kind)
        score, lo, hi = after.edges()
        positions = np.array([p for _, p in after.rows], dtype=np.int64)
        rows = grouping.remap(last, [slug for slug, _ in after.rows], positions, after.keys)
        assert rows is not None
        unchanged: dict[int, int] = {}
        found = grouping.regroup(after.article(), after.close(), lo, hi, score, rows, last, unchanged)
        assert found is not None
        now = {members[0]: members for members in found[0]}
        was = {members[0]: members for members in before}
        for least, old in unchanged.items():
            assert [int(rows[r]) for r in was[old]] == now[least], (kind, seed)
        given += len(unchanged)
    assert given > 0


def test_a_replayed_grouping_survives_many_changes_in_turn() -> None:
    rng = random.Random(5)
    topic = made_up(rng, articles=25, scores=6)
    last, _ = record(topic)
    for step in range(40):
        topic = changed(rng, topic, rng.choice(KINDS))
        found = regroup(topic, last)
        last, expected = record(topic)
        assert found == expected, step


def test_a_small_change_applies_the_rule_to_few_links() -> None:
    """What the replay is for: adding one article to a topic of many asks
    the rule about a small share of what a grouping from scratch asks (here
    counted by the seed comparisons, the rule's costly part)."""
    rng = random.Random(3)
    topic = made_up(rng, articles=400, scores=50)
    last, _ = record(topic)
    after = changed(rng, topic, "add")
    asked: list[tuple[int, int]] = []
    close = after.close()

    def counting(i: int, j: int) -> bool:
        asked.append((i, j))
        return close(i, j)

    score, lo, hi = after.edges()
    positions = np.array([p for _, p in after.rows], dtype=np.int64)
    rows = grouping.remap(last, [slug for slug, _ in after.rows], positions, after.keys)
    found = grouping.regroup(after.article(), counting, lo, hi, score, rows, last)
    replayed = len(asked)
    asked.clear()
    scratch = grouping.group(after.article(), counting, lo.tolist(), hi.tolist())
    assert found is not None and (found[0], found[1]) == scratch
    assert 0 < replayed < len(asked) / 4, (replayed, len(asked))


def _forged(last: grouping.Record, how: str) -> grouping.Record:
    joined = np.frombuffer(last.joined, dtype="<i4")
    scores = np.frombuffer(last.scores, dtype="<f8")
    hi = np.frombuffer(last.hi, dtype="<i4")
    if how == "score":  # a join whose score is not its link's
        return msgspec.structs.replace(last, scores=(scores + 0.5).astype("<f8").tobytes())
    if how == "range":  # a row past the table
        return msgspec.structs.replace(last, hi=(hi + 10_000).astype("<i4").tobytes())
    if how == "twice":  # one join listed twice
        return msgspec.structs.replace(
            last,
            joined=np.repeat(joined, 2).astype("<i4").tobytes(),
            scores=np.repeat(scores, 2).astype("<f8").tobytes(),
        )
    if how == "bytes":  # not a whole number of int32s
        return msgspec.structs.replace(last, joined=last.joined + b"\0")
    if how == "nothing":  # no join at all: the strongest link, between two sentences on their own, always joins
        return msgspec.structs.replace(last, joined=b"", scores=b"")
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["score", "range", "twice", "bytes", "nothing"])
def test_a_record_that_does_not_fit_is_refused(how: str) -> None:
    rng = random.Random(8)
    topic = made_up(rng, articles=20, scores=4)
    last, _ = record(topic)
    forged = _forged(last, how)
    score, lo, hi = topic.edges()
    positions = np.array([p for _, p in topic.rows], dtype=np.int64)
    rows = grouping.remap(forged, [slug for slug, _ in topic.rows], positions, topic.keys)
    assert rows is not None
    assert grouping.regroup(topic.article(), topic.close(), lo, hi, score, rows, forged) is None


def test_a_kept_group_with_two_sentences_of_one_article_is_refused() -> None:
    """A group nothing of this run reaches is taken as the record says: a
    forged one that holds two sentences of one article (the rule never joins
    them) is refused, not shown as one claim."""
    a0, a1, b0 = ("a", 0), ("a", 1), ("b", 0)
    topic = Topic((a0, a1, b0), {"a": "ka", "b": "kb"}, ((0.9, a0, b0), (0.8, a1, b0)))
    last, (groups, _) = record(topic)
    assert groups == [[0, 2]]  # a1 is kept apart: article a is in the group already
    forged = msgspec.structs.replace(
        last,
        joined=np.array([0, 1], dtype="<i4").tobytes(),
        scores=np.array([0.9, 0.8], dtype="<f8").tobytes(),
    )
    assert regroup(topic, last) is not None
    assert regroup(topic, forged) is None


@pytest.mark.parametrize(
    "articles",
    [
        [("a001", "k1", 3), ("a000", "k0", 3)],  # not in slug order
        [("a000", "k0", 3), ("a000", "k0", 3)],  # one article twice
        [("a000", "k0", 7)],  # more rows than positions
        [("a000", "k0", -1), ("a001", "k1", 7)],  # a count below zero
    ],
)
def test_rows_that_are_not_a_tables_are_refused(articles: list[tuple[str, str, int]]) -> None:
    positions = np.array([0, 1, 2, 0, 1, 2], dtype="<i4").tobytes()
    last = grouping.Record("rule", articles, positions, b"", b"", b"", b"", b"")
    assert grouping.remap(last, ["a000"], np.array([0], dtype=np.int64), {"a000": "k0", "a001": "k1"}) is None


def test_a_sentence_is_the_same_row_only_while_its_article_is_unchanged() -> None:
    positions = np.array([0, 2, 1], dtype="<i4").tobytes()
    last = grouping.Record("rule", [("a", "k1", 2), ("b", "k2", 1)], positions, b"", b"", b"", b"", b"")
    now = np.array([0, 1, 2, 1], dtype=np.int64)
    found = grouping.remap(last, ["a", "a", "a", "b"], now, {"a": "k1", "b": "changed"})
    assert found is not None and found.tolist() == [0, 2, -1]  # b's text changed: its sentence is a new one


def test_joins_that_make_a_cycle_are_refused() -> None:
    """Three sentences of three articles, each pair linked: two joins make
    their group; a record claiming all three joined is not a tree."""
    rows = (("a", 0), ("b", 0), ("c", 0))
    topic = Topic(
        rows,
        {"a": "1", "b": "2", "c": "3"},
        ((0.9, rows[0], rows[1]), (0.8, rows[0], rows[2]), (0.7, rows[1], rows[2])),
    )
    last, (groups, joined) = record(topic)
    assert groups == [[0, 1, 2]] and joined == [0, 1]
    score, lo, hi = topic.edges()
    forged = msgspec.structs.replace(
        last, joined=np.arange(3, dtype="<i4").tobytes(), scores=score.astype("<f8").tobytes()
    )
    rows_ = grouping.remap(forged, ["a", "b", "c"], np.zeros(3, dtype=np.int64), topic.keys)
    assert grouping.regroup(topic.article(), topic.close(), lo, hi, score, rows_, forged) is None


def test_a_forged_record_can_only_group_through_links_one_sentence_per_article() -> None:
    """Whatever joins a record lists, what the replay gives (if anything)
    puts no two sentences of one article in a group, and links each group
    through this run's links."""
    replayed = 0
    for seed in range(200):
        rng = random.Random(seed)
        topic = made_up(rng, articles=rng.randint(2, 12), scores=3)
        last, _ = record(topic)
        after = changed(rng, topic, rng.choice(KINDS))
        score, lo, hi = after.edges()
        # The joins a rule of its own would make (any closeness at all, here at
        # random): every check of the record's shape holds, what it joins is made up.
        whim = random.Random(seed).random
        _, old_lo, old_hi = topic.edges()
        _, joined = grouping.group(
            topic.article(), lambda i, j, whim=whim: whim() < 0.9, old_lo.tolist(), old_hi.tolist()
        )
        chosen = np.array(joined, dtype="<i4")
        old_scores, _, _ = topic.edges()
        forged = msgspec.structs.replace(
            last, joined=chosen.tobytes(), scores=old_scores[chosen.astype(np.int64)].astype("<f8").tobytes()
        )
        positions = np.array([p for _, p in after.rows], dtype=np.int64)
        rows = grouping.remap(forged, [slug for slug, _ in after.rows], positions, after.keys)
        assert rows is not None
        found = grouping.regroup(after.article(), after.close(), lo, hi, score, rows, forged)
        if found is None:
            continue
        replayed += 1
        article = after.article()
        pairs = set(zip(lo.tolist(), hi.tolist(), strict=True))
        for members in found[0]:
            assert len({article[r] for r in members}) == len(members), seed
            reached, todo = {members[0]}, [members[0]]
            while todo:
                x = todo.pop()
                for y in members:
                    if y not in reached and ((x, y) in pairs or (y, x) in pairs):
                        reached.add(y)
                        todo.append(y)
            assert reached == set(members), seed
    assert replayed > 100  # (most such records are followed: what is checked is what they give)


class _Counted(list[int]):
    """A row's article looked up by position, counted: the replay's walks read it once per row walked."""

    reads = 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        _Counted.reads += 1
        return super().__getitem__(index)


def test_a_forged_record_cannot_make_the_replay_walk_a_group_once_per_link() -> None:
    """A record that lists only a tree of one big group's links (all joined,
    each with its score: every check holds) leaves every other link of the
    group new: each asks about a group nothing has reached. Such a group is
    looked at a few times, then made: the rows walked stay a few times the
    rows, not the rows times the links (found by review: an hour at 15,000)."""
    rng = random.Random(4)
    n = 400
    pairs = {(rng.randrange(i), i) for i in range(1, n)}  # connected
    while len(pairs) < n * 5:
        i, j = sorted(rng.sample(range(n), 2))
        pairs.add((i, j))
    edges = sorted((-rng.random(), i, j) for i, j in pairs)
    score = np.array([-s for s, _, _ in edges])
    lo = np.array([i for _, i, _ in edges], dtype=np.int64)
    hi = np.array([j for _, _, j in edges], dtype=np.int64)
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    tree = []
    for p, (i, j) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
        if root(i) != root(j):
            parent[root(i)] = root(j)
            tree.append(p)
    at = np.array(tree, dtype=np.int64)
    articles = [(f"s{k:04d}", "k", 1) for k in range(n)]  # one sentence an article
    zeros = np.zeros(n, dtype=np.int64)
    forged = grouping.record("r", articles, zeros, (score[at], lo[at], hi[at]), list(range(len(at))))
    rows = grouping.remap(forged, [slug for slug, _, _ in articles], zeros, {slug: "k" for slug, _, _ in articles})
    article = _Counted(range(n))
    _Counted.reads = 0
    found = grouping.regroup(article, lambda i, j: (i * 7919 + j) % 3 == 0, lo, hi, score, rows, forged)
    assert found is not None and _Counted.reads < 20 * n, _Counted.reads


def test_joins_of_a_long_path_are_read_in_linear_time() -> None:
    """The last run's groups are found with a union-find: a record whose
    joins make one path through rows in random order costs one pass (label
    propagation took a pass per few rows: a minute at 100,000)."""
    rng = random.Random(2)
    n = 50_000
    order = list(range(n))
    rng.shuffle(order)
    pairs = sorted((min(a, b), max(a, b)) for a, b in itertools.pairwise(order))
    assert grouping._forest(n, [a for a, _ in pairs], [b for _, b in pairs]) == [0] * n
    assert grouping._forest(3, [0, 1, 0], [1, 2, 2]) is None  # a join within one group
