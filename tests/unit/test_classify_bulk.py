"""The corpus pass in bulk (classify._Corpus) against the reference, a paragraph at a time."""

from __future__ import annotations

import dataclasses
import random

import msgspec
import pytest

from explainer.classify import (
    Classifier,
    Model,
    _Corpus,
    classify,
    classify_corpus,
    classify_sound,
    decide,
    documents,
    read_article,
    train,
    unsound,
)
from explainer.config import load_topics
from explainer.model import (
    Article,
    ArticleEvidence,
    Heading,
    Paragraph,
    ParagraphEvidence,
    Sentence,
    SourceMeta,
)

TOPICS = """
title: T
summary: S
fallback: general
subheading_weight: 2
topics:
  - {slug: general, title: General, description: An overview., signals: {overview: 1, history: 2}}
  - slug: money
    title: Money
    description: Banks and interest.
    signals: {bank: 1, interest rate: 3, ban: 1, crack down: 2, lender: 1}
    examples: [Lenders charge borrowers more when the deposit rate rises.]
  - {slug: law, title: Law, description: Courts and judges., signals: {law: 2, court: 2, judge: 2}}
  - {slug: mining, title: Mining, description: Miners and their machines., signals: {miner: 2, hashrate: 3}}
"""

SIGNALS = ["bank", "interest rate", "ban", "court", "judge", "law", "overview", "history", "miner", "hashrate"]
WORDS = ["tribunal", "wallet", "power", "plant", "deposit", "ruling", "coin", "farm", "province", "price", "token"]
HEADINGS = [None, None, "The ruling", "Money and banks", "What miners say"]


def _reference(evidences: list[ArticleEvidence], classifier: Classifier) -> list[object]:
    model = Model(classifier, documents(evidences, classifier))
    return [classify(e, classifier, model) for e in evidences]


def _same_numbers(evidences: list[ArticleEvidence], classifier: Classifier) -> None:
    """Every paragraph's topic, fallback, model evidence and total, to the last bit."""
    model = Model(classifier, documents(evidences, classifier))
    calls = [call for e in evidences for call in decide(e, classifier, model)]
    corpus = _Corpus.of(evidences, classifier)
    assert corpus is not None
    topic, fallback, learned, total = corpus.decided()
    assert topic.tolist() == [c.topic for c in calls]
    assert fallback.tolist() == [c.fallback for c in calls]
    assert [tuple(row) for row in learned.tolist()] == [c.learned for c in calls]
    assert [tuple(row) for row in total.tolist()] == [c.total for c in calls]


def _article(rng: random.Random, number: int) -> Article:
    blocks: list[Heading | Paragraph] = []
    index = 0
    heading = None
    for paragraph in range(1, rng.randint(1, 9)):
        if rng.random() < 0.3:
            heading = rng.choice(HEADINGS)
            if heading:
                blocks.append(Heading(heading))
        sentences = []
        for _ in range(rng.randint(1, 4)):
            words = [rng.choice(SIGNALS if rng.random() < 0.25 else WORDS) for _ in range(rng.randint(2, 12))]
            sentences.append(Sentence(" ".join(words).capitalize() + ".", paragraph, index))
            index += 1
        blocks.append(Paragraph(paragraph, tuple(sentences), heading))
    return Article(f"a{number}", f"Article {number}", SourceMeta(), f"sources/a{number}.txt", tuple(blocks))


@pytest.mark.parametrize("seed", range(6))
def test_bulk_places_every_sentence_as_the_reference_does(seed: int) -> None:
    rng = random.Random(seed)
    config = dataclasses.replace(load_topics(TOPICS, "topics.yml"), model_weight=rng.choice([1.0, 3.0]))
    classifier = Classifier(config)
    evidences = [read_article(_article(rng, n), classifier) for n in range(rng.randint(1, 80))]
    assert classify_corpus(evidences, classifier) == _reference(evidences, classifier)
    _same_numbers(evidences, classifier)
    model, reference = train(evidences, classifier), Model(classifier, documents(evidences, classifier))
    assert model.logs == reference.logs
    assert model.trained == len(documents(evidences, classifier)) - len(classifier.seed_documents)


@pytest.mark.parametrize("seed", range(8))
def test_bulk_breaks_ties_as_the_reference_does(seed: int) -> None:
    """Evidence of whole numbers: many exact ties, between topics and with the
    previous paragraph (without context or model, some of them)."""
    rng = random.Random(100 + seed)
    config = dataclasses.replace(
        load_topics(TOPICS, "topics.yml"), context_weight=float(seed % 2) * 3, model_weight=float(seed // 2 % 2)
    )
    classifier = Classifier(config)
    keys = sorted(classifier.weights)
    size = len(classifier.slugs)
    evidences = []
    for number in range(rng.randint(1, 40)):
        paragraphs, found = [], []
        index = 0
        for p in range(1, rng.randint(1, 7)):
            sentences = []
            for _ in range(rng.randint(0, 3)):
                sentences.append(Sentence("Words enough for every count.", p, index))  # (counts <= letters)
                index += 1
            paragraphs.append(Paragraph(p, tuple(sentences), rng.choice(HEADINGS)))
            forms = tuple(rng.sample(WORDS, rng.randint(0, 5))) if sentences else ()  # words need a text
            found.append(
                ParagraphEvidence(
                    signals=tuple(float(rng.choice([0, 0, 1, 2, 3])) for _ in range(size)),
                    similarity=tuple(rng.choice([0.0, 0.0, 0.25, 0.5]) for _ in range(size)),
                    lean=rng.choice([None, None, rng.randrange(size)]),
                    forms=forms,
                    counts=tuple(rng.randint(1, 3) for _ in forms),
                    matched=tuple(tuple(rng.sample(keys, rng.randint(0, 2))) for _ in sentences),
                    speaks=tuple(rng.random() < 0.7 for _ in sentences),
                )
            )
        article = Article(f"a{number}", "A", SourceMeta(), f"sources/a{number}.txt", tuple(paragraphs))
        evidences.append(ArticleEvidence(article, tuple(found), rng.random() < 0.9))
    assert classify_corpus(evidences, classifier) == _reference(evidences, classifier)
    _same_numbers(evidences, classifier)


def test_evidence_that_does_not_add_up_takes_the_reference_path() -> None:
    """A bad cache entry (here a signal key the configuration lacks) is not read
    in bulk: the reference path fails on it as it always did."""
    classifier = Classifier(load_topics(TOPICS, "topics.yml"))
    good = read_article(_article(random.Random(1), 1), classifier)
    first = msgspec.structs.replace(good.paragraphs[0], matched=(("no such key",), *good.paragraphs[0].matched[1:]))
    bad = dataclasses.replace(good, paragraphs=(first, *good.paragraphs[1:]))
    assert classify_corpus([good], classifier) == _reference([good], classifier)
    with pytest.raises(KeyError):
        classify_corpus([bad], classifier)
    assert classify_corpus([], classifier) == []
    # A count of 0, a similarity that is not a number: placed as the reference places them.
    others = [read_article(_article(random.Random(seed), seed), classifier) for seed in range(2, 30)]
    found = good.paragraphs[0]
    for odd in (
        msgspec.structs.replace(found, forms=("tribunal", *found.forms), counts=(0, *found.counts)),
        msgspec.structs.replace(found, similarity=(float("nan"),) * len(found.similarity)),
    ):
        corpus = [dataclasses.replace(good, paragraphs=(odd, *good.paragraphs[1:])), *others]
        assert _Corpus.of(corpus, classifier) is None
        assert classify_corpus(corpus, classifier) == _reference(corpus, classifier)


def test_unsound_finds_the_evidence_the_bulk_pass_cannot_read() -> None:
    """The check alone (without the arrays) refuses what building them refuses:
    a key the configuration lacks, a count of 0, a similarity that is not a
    number, a lean past the topics, lengths that do not match the sentences."""
    classifier = Classifier(load_topics(TOPICS, "topics.yml"))
    evidences = [read_article(_article(random.Random(seed), seed), classifier) for seed in range(1, 12)]
    assert unsound(evidences, classifier) == [] and unsound([], classifier) == []
    found = evidences[0].paragraphs[0]
    for odd in (
        msgspec.structs.replace(found, matched=(("no such key",), *found.matched[1:])),
        msgspec.structs.replace(found, forms=("tribunal", *found.forms), counts=(0, *found.counts)),
        msgspec.structs.replace(found, similarity=(float("nan"),) * len(found.similarity)),
        msgspec.structs.replace(found, lean=len(classifier.slugs)),
        msgspec.structs.replace(found, speaks=(*found.speaks, True)),
        msgspec.structs.replace(found, counts=found.counts[1:]),
        msgspec.structs.replace(found, counts=tuple(2**40 for _ in found.counts)),
    ):
        bad = dataclasses.replace(evidences[0], paragraphs=(odd, *evidences[0].paragraphs[1:]))
        corpus = [*evidences[1:4], bad, *evidences[4:]]
        assert unsound(corpus, classifier) == [3]
        assert _Corpus.of(corpus, classifier) is None and _Corpus.of([bad], classifier) is None


@pytest.mark.parametrize("texts", [["It is so.", "Ban."], ["Court.", "Bank."], ["It is.", "So it is."]])
def test_a_corpus_without_a_word_form_is_placed_as_the_reference_does(texts: list[str]) -> None:
    """Paragraphs of stop words and signals only: no word form to count in the
    whole corpus (the counts of nothing must still add up as fractions)."""
    classifier = Classifier(load_topics(TOPICS, "topics.yml"))
    paragraphs = tuple(Paragraph(n + 1, (Sentence(text, n + 1, n),), None) for n, text in enumerate(texts))
    evidences = [read_article(Article("a", "A", SourceMeta(), "sources/a.txt", paragraphs), classifier)]
    assert classify_corpus(evidences, classifier) == _reference(evidences, classifier)


def test_the_checked_pass_places_as_the_corpus_pass_or_says_it_cannot() -> None:
    """classify_sound: classify_corpus's placements when the evidence adds up,
    None (nothing placed) when it does not."""
    classifier = Classifier(load_topics(TOPICS, "topics.yml"))
    rng = random.Random(5)
    evidences = [read_article(_article(rng, n), classifier) for n in range(6)]
    assert classify_sound(evidences, classifier) == classify_corpus(evidences, classifier)
    first = msgspec.structs.replace(evidences[2].paragraphs[0], lean=99)
    bad = dataclasses.replace(evidences[2], paragraphs=(first, *evidences[2].paragraphs[1:]))
    assert classify_sound([*evidences[:2], bad, *evidences[3:]], classifier) is None
