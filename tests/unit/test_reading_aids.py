"""Reading aids on topic pages: reading time, last-updated date, "In brief"
(with links to anchored excerpts) and "Related pages"."""

from __future__ import annotations

import re
from datetime import date

from explainer import reading, topicpages
from explainer.bodytext import GuideRules
from explainer.model import (
    Article,
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
from explainer.render import _topic_page
from explainer.timeline import Event, When

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
    return Article(
        slug, slug.title(), SourceMeta(published=published), f"sources/{slug}.txt", (Paragraph(1, (), None),)
    )


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
    groups = (Group(article, runs),)
    page = _topic_page(topicpages.layout(TOPICS[0], groups), groups, reading.in_brief(groups), config, related)
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


RULES = GuideRules(referring_openers=frozenset({"it", "this", "they", "however"}))


def test_a_sentence_stands_alone_without_a_referring_opener_and_with_enough_words() -> None:
    assert RULES.stands_alone("The central bank said every crypto transaction was illegal.")
    assert not RULES.stands_alone("This is the reason the court acted against the miners.")
    assert not RULES.stands_alone("However, the miners moved their rigs to another province.")
    assert not RULES.stands_alone("Photo by the agency.")  # too short to say something whole
    assert not RULES.stands_alone("The central bank said every crypto transaction was")  # no end


def test_in_brief_prefers_sentences_that_stand_alone() -> None:
    runs = [
        _run("a", 1, ("It banned every transaction that the exchanges had offered.", 9)),
        *(
            _run(
                "a",
                n,
                (f"The regulator named sentence number {n} in its notice today.", 1),
            )
            for n in (2, 3, 4)
        ),
    ]
    brief = reading.in_brief([Group(_article("a", None), tuple(runs))], RULES)
    assert [run.paragraph for _, run in brief] == [2, 3, 4]
    assert next(run.paragraph for _, run in reading.in_brief([Group(_article("a", None), tuple(runs))])) == 1


def _event(slug: str, day: date, precision: str, index: int, text: str) -> Event:
    article = _article(slug, day)
    return Event(When(day, precision), str(day.year), False, article, Sentence(text, 1, index))


def test_the_story_takes_key_dates_across_articles_and_months_oldest_first() -> None:
    texts = {i: f"The regulator acted against the miners in case number {i} of the year." for i in range(8)}
    events = [
        _event("a", date(2021, 5, 21), "day", 0, texts[0]),
        _event("a", date(2021, 5, 25), "day", 1, texts[1]),  # same month as the first: left out
        _event("b", date(2021, 9, 24), "day", 2, texts[2]),
        _event("c", date(2020, 1, 1), "year", 3, texts[3]),
        _event("d", date(2021, 9, 1), "month", 4, texts[4]),  # September already told (by b, a precise date)
        _event("e", date(2019, 3, 1), "month", 5, "It was the month the rules changed for the miners."),  # refers back
        _event("f", date(2018, 1, 1), "year", 6, texts[6]),  # not quoted on a topic page
    ]
    groups = {
        "mining": tuple(
            Group(e.article, (Run(e.article.slug, 1, (Placement(e.sentence, "mining", 1.0),)),))
            for e in events
            if e.article.slug != "f"
        )
    }
    config = SiteConfig(title="Site", summary="About it.", topics=TOPICS, fallback=TOPICS[0].slug)
    site = Corpus(config, (), TOPICS[:1], groups, (), tuple(events), RULES)
    story = reading.story(site)
    assert [(e.article.slug, e.when.start) for e in story] == [
        ("c", date(2020, 1, 1)),
        ("a", date(2021, 5, 21)),
        ("b", date(2021, 9, 24)),
    ]
