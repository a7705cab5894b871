"""Classify: every sentence on exactly one topic, by configured signals."""

from __future__ import annotations

from collections import Counter

import pytest

from explainer.classify import SignalMatcher, classify
from explainer.config import load_topics
from explainer.model import Article, Heading, Paragraph, Sentence, SiteConfig, SourceMeta
from explainer.pipeline import build, load_project

from .conftest import ROOT

TOPICS = """
title: T
summary: S
fallback: general
subheading_weight: 2
topics:
  - {slug: general, title: General, description: D, signals: [overview]}
  - {slug: money, title: Money, description: D, signals: {bank: 1, interest rate: 3}}
  - {slug: law, title: Law, description: D, signals: {law: 2, court: 2}}
"""


@pytest.fixture
def config() -> SiteConfig:
    return load_topics(TOPICS, "topics.yml")


def _article(*paragraphs: list[str], heading: str | None = None) -> Article:
    blocks: list[Heading | Paragraph] = []
    if heading:
        blocks.append(Heading(heading))
    index = 0
    for number, sentences in enumerate(paragraphs, start=1):
        items = []
        for text in sentences:
            items.append(Sentence(text, number, index))
            index += 1
        blocks.append(Paragraph(number, tuple(items), heading))
    return Article("a", "A", SourceMeta(), "sources/a.txt", tuple(blocks))


def _topics(article: Article, config: SiteConfig) -> list[str]:
    return [p.topic for p in classify(article, config, SignalMatcher(config)).placements]


def test_signals_pick_the_topic_and_plurals_count(config: SiteConfig) -> None:
    article = _article(["The bank raised its interest rate."], ["Two new laws passed."])
    assert _topics(article, config) == ["money", "law"]


def test_sentences_without_signals_stay_with_their_paragraph(config: SiteConfig) -> None:
    article = _article(["Nothing here.", "The court ruled.", "It was quick.", "Then the bank paid."])
    assert _topics(article, config) == ["law", "law", "law", "money"]


def test_a_silent_paragraph_goes_to_the_fallback_topic(config: SiteConfig) -> None:
    classified = classify(_article(["Nothing at all here."]), config, SignalMatcher(config))
    assert [(p.topic, p.fallback) for p in classified.placements] == [("general", True)]


def test_a_paragraph_under_a_subheading_leans_to_its_topic(config: SiteConfig) -> None:
    article = _article(["The bank and the court met.", "Nothing else."], heading="New law ahead")
    assert _topics(article, config) == ["law", "law"]


def test_a_strong_signal_beats_the_subheading_lean(config: SiteConfig) -> None:
    article = _article(["The interest rate went up at the bank."], heading="Court news")
    assert _topics(article, config) == ["money"]


def test_ties_go_to_the_previous_sentence_then_to_list_order(config: SiteConfig) -> None:
    article = _article(["The bank paid.", "An overview of the bank."], ["An overview of the bank."])
    assert _topics(article, config) == ["money", "money", "general"]


def test_matching_is_whole_word_and_case_insensitive(config: SiteConfig) -> None:
    matcher = SignalMatcher(config)
    assert matcher.scores("BANK") == (0.0, 1.0, 0.0)
    assert matcher.scores("bankruptcy, lawn, courtyard") == (0.0, 0.0, 0.0)
    assert matcher.scores("interest\n rates") == (0.0, 3.0, 0.0)


def test_reference_article_sentences_land_on_the_expected_pages() -> None:
    project = load_project(ROOT, ROOT / "sources", ROOT / "config/topics.yml", ROOT / "config/boilerplate.yml")
    report = build(project).report["articles"][0]  # type: ignore[index]
    assert report["sentences"] == 13
    assert all(count > 0 for count in report["topics"].values())
    assert sum(report["topics"].values()) == 13

    from explainer.clean import BoilerplateMatcher, clean
    from explainer.ingest import ingest
    from explainer.segment import segment

    source = project.sources[0]
    article = segment(clean(ingest(source.path, source.data), BoilerplateMatcher(project.rules)))
    placed = {
        p.sentence.text: p.topic for p in classify(article, project.config, SignalMatcher(project.config)).placements
    }
    expected = {
        "Shanghai Telecom document shows the IP address": "ip-tracking",
        "deemed all crypto transactions illegal": "crackdown-measures",
        "Chinese judiciary is working towards formulating new laws": "legal-outlook",
        "it is not a punishable offense under current laws": "legal-outlook",
        "CBDC digital yuan": "digital-yuan",
        "Digital yuan's development was completed in 2019": "digital-yuan",
        "strict stance against crypto is nothing new": "background",
    }
    for fragment, topic in expected.items():
        (sentence,) = [s for s in placed if fragment in s]
        assert placed[sentence] == topic, sentence
    assert Counter(placed.values()).keys() == {t.slug for t in project.config.topics}
