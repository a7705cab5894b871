"""Bounded topic pages: a small topic stays one page; a large one keeps its
newest articles and moves the rest to year pages, each quote on one page only."""

from __future__ import annotations

from datetime import date

import pytest

from explainer import topicpages
from explainer.model import Article, Group, Paragraph, Placement, Run, Sentence, Signal, SourceMeta, Topic

TOPIC = Topic("mining", "Mining", "Who mines.", (Signal("mining"),))


def _group(slug: str, year: int, runs: int, words: int = 40) -> Group:
    article = Article(
        slug, slug.title(), SourceMeta(published=date(year, 6, 1)), f"sources/{slug}.txt", (Paragraph(1, (), None),)
    )
    text = " ".join(["mining"] * words) + "."
    return Group(
        article, tuple(Run(slug, n, (Placement(Sentence(text, n, n), "mining", 1.0),)) for n in range(1, runs + 1))
    )


def _anchors(layout: topicpages.TopicLayout) -> list[tuple[str, int]]:
    groups = [*layout.lead, *(g for part in layout.parts for g in part.groups)]
    return [(run.slug, run.placements[0].sentence.index) for g in groups for run in g.runs]


def test_a_small_topic_is_one_page() -> None:
    groups = [_group("a", 2021, 3), _group("b", 2020, 2)]
    layout = topicpages.layout(TOPIC, groups)
    assert layout.parts == () and layout.lead == tuple(groups)
    assert layout.link(groups[1].runs[0]) == ""


def test_a_large_topic_keeps_its_newest_articles_and_moves_the_rest_to_year_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(topicpages, "PAGE_BUDGET", 6_000)
    monkeypatch.setattr(topicpages, "LATEST_BUDGET", 3_000)
    groups = [_group(f"n{i}", 2022 - i // 4, 3) for i in range(12)]  # newest first, four a year
    layout = topicpages.layout(TOPIC, groups)
    assert layout.lead and len(layout.lead) <= topicpages.LATEST_ARTICLES
    assert layout.lead == tuple(groups[: len(layout.lead)])  # the newest
    assert {part.path.split("/")[0] for part in layout.parts} == {"mining"}
    first = groups[len(layout.lead)].article.meta.published
    assert first is not None and layout.parts[0].label == str(first.year)
    # Every quote is on exactly one page, nothing lost, in the same order.
    assert _anchors(layout) == [(r.slug, r.placements[0].sentence.index) for g in groups for r in g.runs]
    for part in layout.parts:
        assert sum(map(topicpages.group_size, part.groups)) <= topicpages.PAGE_BUDGET
        assert len({g.article.meta.published.year for g in part.groups}) == 1  # type: ignore[union-attr]
        assert layout.link(part.groups[0].runs[0]) == part.path
    assert len({p.path for p in layout.parts}) == len(layout.parts)


def test_a_busy_year_is_split_in_parts_and_a_huge_article_between_its_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topicpages, "PAGE_BUDGET", 5_000)
    monkeypatch.setattr(topicpages, "LATEST_BUDGET", 1_000)
    huge = _group("huge", 2020, 40)
    groups = [_group("new", 2021, 1), huge, _group("other", 2020, 2)]
    layout = topicpages.layout(TOPIC, groups)
    paths = [p.path for p in layout.parts]
    assert paths[:2] == ["mining/2020.md", "mining/2020-2.md"] and layout.parts[1].label == "2020, part 2"
    assert all(sum(map(topicpages.group_size, p.groups)) <= 5_000 for p in layout.parts)
    assert _anchors(layout) == [(r.slug, r.placements[0].sentence.index) for g in groups for r in g.runs]


def test_a_hostile_topic_title_stays_one_escaped_navigation_title(monkeypatch: pytest.MonkeyPatch) -> None:
    """A split topic's section title is written into .nav.yml from config: YAML
    punctuation, a newline or markup must not add entries or become HTML."""
    import yaml

    from explainer.model import ClassifiedArticle, Corpus, SiteConfig
    from explainer.render import nav_page

    monkeypatch.setattr(topicpages, "PAGE_BUDGET", 3_000)
    monkeypatch.setattr(topicpages, "LATEST_BUDGET", 1_000)
    title = 'Evil": x\n  - ../../etc/passwd.md\n<script>alert(1)</script> {#id}'
    topic = Topic("mining", title, "Who mines.", (Signal("mining"),))
    groups = tuple(_group(f"n{i}", 2022 - i, 3) for i in range(6))
    config = SiteConfig(title="Site", summary="About it.", topics=(topic,), fallback="mining")
    classified = tuple(ClassifiedArticle(g.article, ()) for g in groups)
    site = Corpus(config, classified, (topic,), {"mining": groups}, ())
    (page,) = nav_page(site)
    nav = yaml.safe_load(page.content)["nav"]
    sections = [
        (name, value)
        for item in nav
        if isinstance(item, dict)
        for name, value in item.items()
        if isinstance(value, list) and {"Overview": "mining.md"} in value
    ]
    assert len(sections) == 1, nav  # one section: the title added no entry of its own
    (name, children) = sections[0]
    assert "<" not in name and "\n" not in name and "&lt;script&gt;" in name
    assert children[0] == {"Overview": "mining.md"}
    assert all(path.startswith("mining/") for part in children[1]["Earlier coverage"] for path in part.values())
    assert "passwd" not in str(children)


def test_the_claims_a_page_leads_with_give_the_same_key_points() -> None:
    """leading() keeps, in their order, the claims key_points() shows: ranked
    again, they give the same key points (so only they need be kept)."""
    import random

    from explainer.claims import Claim, Conflict, Figure, Ref

    rng = random.Random(5)
    for _ in range(200):
        claims = []
        for n in range(rng.randint(0, 14)):
            refs = tuple(Ref(f"a{n}-{k}", 1, k, f"Sentence {n} {k}.") for k in range(rng.randint(2, 5)))
            conflicts = (
                (Conflict("date", (Figure("May", refs[:1]), Figure("June", refs[1:2]))),) if rng.random() < 0.3 else ()
            )
            claims.append(Claim(refs[0], refs, conflicts))
        shown = topicpages.leading(claims)
        assert len(shown) == min(len(claims), topicpages.KEY_POINTS)
        assert [claims.index(c) for c in shown] == sorted(claims.index(c) for c in shown)  # in the order given
        assert topicpages.key_points(shown) == topicpages.key_points(claims)
