"""The rendering side works each thing out once, and the quick ways give what
the plain ones gave: a topic's plan once per corpus, key points cut out of
only the articles they cite, the home brief and the story asking whether a
sentence stands alone only of the few that can be picked, and page keys that
count a group by the classified article it was made from."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import date

import pytest

from explainer import reading, render, topicpages
from explainer.bodytext import GuideRules
from explainer.claims import Ref
from explainer.model import (
    Article,
    ClassifiedArticle,
    Corpus,
    Group,
    Paragraph,
    Placement,
    Run,
    Sentence,
    Signal,
    SiteConfig,
    SourceMeta,
    Topic,
)
from explainer.pagecache import Deferred, PageCache
from explainer.timeline import Event, When

RULES = GuideRules(referring_openers=frozenset({"it", "they"}))
TOPICS = (
    Topic("mining", "Mining", "Who mines.", (Signal("mining"),)),
    Topic("law", "Law", "What the law says.", (Signal("court"),)),
)
CONFIG = SiteConfig(title="Site", summary="About it.", topics=TOPICS, fallback="mining")
TEXTS = (
    "The regulator acted against the miners in the northern provinces that year.",  # stands alone
    "It was the month the rules changed for every miner in the country.",  # refers back
    "Too short.",
    "The court ruled that the exchange had broken the law on several counts.",
)


def _article(slug: str, year: int = 2021) -> Article:
    return Article(
        slug, slug.title(), SourceMeta(published=date(year, 1, 1)), f"sources/{slug}.txt", (Paragraph(1, (), None),)
    )


def _random_groups(rng: random.Random, topic: str = "mining") -> list[Group]:
    groups = []
    for n in range(rng.randint(0, 8)):
        slug = f"a{n}"
        runs = []
        index = 0
        for paragraph in range(1, rng.randint(1, 5)):
            placements = []
            for _ in range(rng.randint(0, 4)):
                score = rng.choice([0.0, 0.5, 1.0, 2.0])
                placements.append(Placement(Sentence(rng.choice(TEXTS), paragraph, index), topic, score))
                index += 1
            runs.append(Run(slug, paragraph, tuple(placements)))
        groups.append(Group(_article(slug), tuple(runs)))
    return groups


# ---------------------------------------------------------------------------
# The plain ways, as they were: the references the quick ones must equal


def _plain_without(groups: Sequence[Group], refs: Iterable[Ref]) -> tuple[Group, ...]:
    gone = {(ref.slug, ref.index) for ref in refs}
    if not gone:
        return tuple(groups)
    kept = []
    for group in groups:
        runs: list[Run] = []
        for run in group.runs:
            piece: list[Placement] = []
            for placement in (*run.placements, None):
                if placement is not None and (run.slug, placement.sentence.index) not in gone:
                    piece.append(placement)
                    continue
                if piece:
                    runs.append(Run(run.slug, run.paragraph, tuple(piece)))
                    piece = []
        if runs:
            kept.append(Group(group.article, tuple(runs)))
    return tuple(kept)


def _plain_home_brief(site: Corpus) -> list[tuple[Topic, Run]]:
    used: set[str] = set()
    brief = []
    for topic in site.topics:
        candidates = [(p, run) for group in site.groups[topic.slug] for run in group.runs for p in run.placements]
        alone = [site.rules is None or site.rules.stands_alone(p.sentence.text) for p, _ in candidates]
        ranked = sorted(range(len(candidates)), key=lambda i: (not alone[i], -candidates[i][0].score, i))
        fresh = [i for i in ranked if candidates[i][1].slug not in used]
        placement, run = candidates[(fresh or ranked)[0]]
        used.add(run.slug)
        brief.append((topic, Run(run.slug, run.paragraph, (placement,))))
    return brief


def _plain_story(site: Corpus) -> list[Event]:
    placed = {
        (group.article.slug, p.sentence.index): p
        for groups in site.groups.values()
        for group in groups
        for run in group.runs
        for p in run.placements
    }
    candidates = [
        e
        for e in site.events
        if (e.article.slug, e.sentence.index) in placed
        and (site.rules is None or site.rules.stands_alone(e.sentence.text))
    ]
    precision = {"day": 3, "week": 2, "month": 2, "year": 1}
    ranked = sorted(
        range(len(candidates)),
        key=lambda i: (
            -precision[candidates[i].when.precision],
            -placed[candidates[i].article.slug, candidates[i].sentence.index].score,
            i,
        ),
    )
    periods: set[tuple[int, int]] = set()
    kept = []
    for i in ranked:
        when = candidates[i].when
        period = (when.start.year, when.start.month if when.precision != "year" else 0)
        if period not in periods:
            periods.add(period)
            kept.append(i)
    chosen = reading._spread(kept, lambda i: candidates[i].article.slug, reading.STORY_SIZE)
    return [candidates[i] for i in sorted(chosen, key=lambda i: (candidates[i].when.start, i))]


# ---------------------------------------------------------------------------


def test_without_equals_the_plain_cut_and_keeps_what_it_does_not_cut() -> None:
    rng = random.Random(13)
    for _ in range(300):
        groups = _random_groups(rng)
        sentences = [(r.slug, p.sentence.index) for g in groups for r in g.runs for p in r.placements]
        refs = [
            Ref(slug, 1, index, "") for slug, index in rng.sample(sentences, min(len(sentences), rng.randint(0, 4)))
        ]
        if rng.random() < 0.2:
            refs.append(Ref("elsewhere", 1, 0, ""))  # cites an article these groups do not have
        quick = topicpages.without(groups, refs)
        assert quick == _plain_without(groups, refs)
        cited = {ref.slug for ref in refs}
        for group in groups:
            if group.runs and group.article.slug not in cited and all(run.placements for run in group.runs):
                assert any(group is g for g in quick)  # the same object: its text and key are known


def test_the_home_brief_equals_ranking_every_sentence_and_asks_few(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    for _ in range(200):
        groups = {t.slug: tuple(_random_groups(rng, t.slug)) for t in TOPICS}
        topics = tuple(t for t in TOPICS if any(r.placements for g in groups[t.slug] for r in g.runs))
        site = Corpus(CONFIG, (), topics, groups, (), (), rng.choice([RULES, None]))
        assert reading.home_brief(site) == _plain_home_brief(site)
    asked = []
    real = GuideRules.stands_alone
    monkeypatch.setattr(GuideRules, "stands_alone", lambda self, text: asked.append(text) or real(self, text))
    many = tuple(
        Group(_article(f"a{n}"), (Run(f"a{n}", 1, (Placement(Sentence(TEXTS[0], 1, 0), "mining", n / 10),)),))
        for n in range(500)
    )
    site = Corpus(CONFIG, (), TOPICS[:1], {"mining": many}, (), (), RULES)
    assert reading.home_brief(site) == [(TOPICS[0], many[-1].runs[0])]  # the highest score
    assert len(asked) == 1  # not 500


def test_the_story_equals_asking_every_event() -> None:
    rng = random.Random(5)
    precisions = ["day", "week", "month", "year"]
    for _ in range(200):
        groups = _random_groups(rng)
        events = []
        for group in groups:
            for run in group.runs:
                for p in run.placements:
                    if rng.random() < 0.7:
                        day = date(rng.choice([2019, 2020]), rng.randint(1, 3), rng.randint(1, 28))
                        events.append(Event(When(day, rng.choice(precisions)), "", False, group.article, p.sentence))
        events.append(Event(When(date(2020, 1, 1), "day"), "", False, _article("gone"), Sentence(TEXTS[0], 1, 0)))
        law = tuple(  # the same sentences on a second topic, scored again: the last topic's placement counts
            Group(
                g.article,
                tuple(
                    Run(
                        r.slug,
                        r.paragraph,
                        tuple(Placement(p.sentence, "law", rng.choice([0.0, 3.0])) for p in r.placements),
                    )
                    for r in g.runs
                ),
            )
            for g in groups
            if rng.random() < 0.5
        )
        site = Corpus(CONFIG, (), TOPICS, {"mining": tuple(groups), "law": law}, (), tuple(events), RULES)
        assert reading.story(site) == _plain_story(site)


def _classified(slug: str, year: int, topics: Sequence[str], runs: int = 3) -> ClassifiedArticle:
    placements = []
    for n in range(runs * len(topics)):
        # Words of its own in each sentence: no two articles state one claim (no key points).
        text = f"The {slug}x{n} item notes that {slug}y{n} stood near {slug}z{n} and {slug}w{n} in {year}, as planned."
        placements.append(Placement(Sentence(text, n + 1, n), topics[n % len(topics)], 1.0, speaks=True))
    return ClassifiedArticle(_article(slug, year), tuple(placements))


def test_a_topics_plan_is_worked_out_once_per_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topicpages, "PAGE_BUDGET", 3_000)
    monkeypatch.setattr(topicpages, "LATEST_BUDGET", 1_000)
    classified = [_classified(f"a{n}", 2015 + n, ["mining", "law"]) for n in range(8)]
    site = render.corpus(classified, CONFIG, (), RULES)
    calls = []
    real = topicpages.layout
    monkeypatch.setattr(topicpages, "layout", lambda *a: calls.append(a) or real(*a))
    list(render.topic_pages(site))
    list(render.nav_page(site))
    list(render.topic_pages(site))
    assert len(calls) == len(site.topics) == 2
    plan = render.topic_plan(site, TOPICS[0])
    assert plan[2].parts  # a topic with year pages: the navigation and the pages share them
    again = render.corpus(classified, CONFIG, (), RULES)  # another corpus: worked out for it
    assert render.topic_plan(again, TOPICS[0]) == plan
    assert len(calls) == 3


def _keys(site: Corpus, cache: PageCache) -> dict[str, str | None]:
    return {
        item.path: cache.key(item.path, item.inputs)
        for item in (*render.topic_pages(site), *render.home_page(site))
        if isinstance(item, Deferred)
    }


def test_page_keys_count_a_corpus_group_by_its_article_and_change_exactly_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(topicpages, "PAGE_BUDGET", 3_000)
    monkeypatch.setattr(topicpages, "LATEST_BUDGET", 1_000)
    classified = [_classified(f"a{n}", 2010 + n, ["mining", "law"]) for n in range(10)]

    def keys(items: list[ClassifiedArticle]) -> dict[str, str | None]:
        cache = PageCache(None, None)
        cache.prepare("salt", {c.article.slug: "key-" + c.article.slug for c in items}, items)
        site = render.corpus(items, CONFIG, (), RULES)
        group = site.groups["mining"][0]
        assert render._keyed(site, [group], "mining") == [next(c for c in items if c.article is group.article)]
        assert render._keyed(site, [group], "law") == [group]  # not the group it made for that topic
        copy = Group(group.article, group.runs)
        assert render._keyed(site, [copy], "mining")[0] is copy  # an equal group made elsewhere counts by its runs
        return _keys(site, cache)

    before = keys(classified)
    assert "mining/2010.md" in before and all(before.values())
    # The oldest article's mining sentences change: its topic page, its year page and the home page.
    oldest = classified[0]
    moved = tuple(
        Placement(p.sentence, p.topic, 2.0 if p.topic == "mining" else p.score, speaks=True) for p in oldest.placements
    )
    after = keys([ClassifiedArticle(oldest.article, moved), *classified[1:]])
    changed = {path for path in before if before[path] != after.get(path)}
    assert {"mining.md", "mining/2010.md", "index.md"} <= changed
    assert not any(path.startswith("mining/") and path != "mining/2010.md" for path in changed)
    assert keys(classified) == before  # the same articles again: the same keys


def test_the_story_asks_only_the_best_of_each_month(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []
    real = GuideRules.stands_alone
    monkeypatch.setattr(GuideRules, "stands_alone", lambda self, text: asked.append(text) or real(self, text))
    groups, events = [], []
    for n in range(300):  # one month, reported by 300 articles
        article = _article(f"a{n}")
        placement = Placement(Sentence(TEXTS[0], 1, 0), "mining", n / 100)
        groups.append(Group(article, (Run(article.slug, 1, (placement,)),)))
        events.append(Event(When(date(2021, 5, 1 + n % 28), "day"), "", False, article, placement.sentence))
    site = Corpus(CONFIG, (), TOPICS[:1], {"mining": tuple(groups)}, (), tuple(events), RULES)
    assert [e.article.slug for e in reading.story(site)] == ["a299"]
    assert len(asked) == 1
