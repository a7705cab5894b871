"""Reading aids on topic pages: reading time, last-updated date, "In brief"
(with links to anchored excerpts) and "Related pages"."""

from __future__ import annotations

import re
from datetime import date

from explainer import reading
from explainer.model import Article, Group, Paragraph, Placement, Run, Sentence, Signal, SiteConfig, SourceMeta, Topic
from explainer.render import _topic_page

TOPICS = (
    Topic("mining", "Mining", "Who mines.", (Signal("mining rig", 2), Signal("farm"))),
    Topic("law", "Law", "What the law says.", (Signal("court", 3), Signal("law"))),
    Topic("money", "Money", "The currency.", (Signal("digital yuan", 2),)),
)


def _run(slug: str, paragraph: int, *scored: tuple[str, float], start: int = 0) -> Run:
    placements = tuple(
        Placement(Sentence(text, paragraph, start + i), "mining", score) for i, (text, score) in enumerate(scored)
    )
    return Run(slug, paragraph, placements)


def _article(slug: str, published: date | None) -> Article:
    return Article(slug, slug.title(), SourceMeta(published=published), f"sources/{slug}.txt", (Paragraph(1, ()),))


def test_reading_time_rounds_up_and_is_at_least_a_minute() -> None:
    assert reading.reading_minutes(["word " * 10]) == 1
    assert reading.reading_minutes(["word " * 200, "word"]) == 2
    assert reading.reading_minutes([]) == 1


def test_in_brief_only_from_four_runs_picks_the_best_three_in_page_order() -> None:
    runs = [_run("a", n, (f"Sentence {n}.", score), start=n * 10) for n, score in enumerate([1, 5, 2, 5, 4], 1)]
    assert reading.in_brief([Group(_article("a", None), tuple(runs[:3]))]) == []
    brief = reading.in_brief([Group(_article("a", None), tuple(runs))])
    assert [run.paragraph for _, run in brief] == [2, 4, 5]


def test_in_brief_quotes_the_best_sentence_of_its_run() -> None:
    long = _run("a", 1, ("Weak.", 0.5), ("Strong.", 3), ("Also strong.", 3))
    runs = (long, *(_run("a", n, ("Filler.", 0), start=n * 10) for n in (2, 3, 4)))
    (sentence, run), *_ = reading.in_brief([Group(_article("a", None), runs)])
    assert sentence.text == "Strong." and run is long


def test_related_pages_are_topics_whose_signals_the_page_quotes() -> None:
    text = "A court ruled on the mining rigs and the farms; the law is unclear."
    found = reading.signal_keys(text, TOPICS)
    related = reading.related(TOPICS[0], found, TOPICS)
    assert [(r.topic.slug, r.shared) for r in related] == [("law", ("court", "law"))]
    assert reading.related(TOPICS[2], found, TOPICS)[0].topic.slug == "law"  # heaviest first
    assert reading.related(TOPICS[1], reading.signal_keys("Nothing in common.", TOPICS), TOPICS) == []


def test_topic_page_links_each_brief_sentence_to_its_anchored_excerpt() -> None:
    article = _article("a", date(2021, 9, 27))
    runs = tuple(
        _run("a", n, (f"Mining rig number {n} with a digital yuan [x].", n), start=n * 10) for n in range(1, 6)
    )
    related = reading.related(TOPICS[0], reading.signal_keys(" ".join(r.text for r in runs), TOPICS), TOPICS)
    config = SiteConfig(title="Site", summary="About it.", topics=TOPICS, fallback=TOPICS[0].slug)
    page = _topic_page(TOPICS[0], (Group(article, runs),), config, related)
    assert '!!! abstract "In brief"' in page
    links = re.findall(r"\]\(#(q-a-\d+)\)", page)
    anchors = re.findall(r"\{: #(q-a-\d+) \.excerpt \}", page)
    assert len(links) == 3 and set(links) <= set(anchors) and len(anchors) == 5
    assert "About 1 min read" in page
    assert '<time datetime="2021-09-27">27 September 2021</time>' in page
    assert "## Related pages" in page and "[Money](money.md)" in page
    assert "&#91;x&#93;" in page  # article text stays text inside the brief


def test_a_topic_page_says_what_it_gained_last() -> None:
    old, new = _article("old", date(2021, 9, 24)), _article("new", date(2022, 1, 19))
    run = Run("new", 1, tuple(Placement(Sentence(f"S{i}.", 1, i), "t", 1.0) for i in range(3)))
    update = reading.latest_update([Group(new, (run,)), Group(old, (Run("old", 1, run.placements[:1]),))])
    assert update is not None and (update.day, update.article.slug, update.quotes) == (date(2022, 1, 19), "new", 3)
    assert reading.latest_update([Group(_article("u", None), (run,))]) is None
