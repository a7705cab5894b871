"""The fast sentence splitter agrees with syntok wherever it answers, and
leaves every tricky paragraph to syntok."""

from __future__ import annotations

import pytest
from syntok import segmenter

from explainer import fastsplit
from explainer.segment import split_sentences
from tests.helpers import FIXTURES, ROOT, long_feature

TRICKY = [
    "Mr. Wu said the U.S. ban would take effect on Jan. 5 at 9 a.m. local time.",
    "Prices rose 3.5% last year. Officials said so.",
    "They met in St. Louis. It was cold.",
    "He works at Big Co. The firm grew.",
    "Read J. K. Rowling. Enjoy it.",
    "It rained (a lot.) The match went on.",
    "Wait... What happened?",
    'They shouted "No!" and ran. Later they came back.',
    "He was No. 1. Others followed.",
    "The E.U. said no. The U.K. said yes.",
]
PLAIN = [
    "The ship sailed east. Then south. Then home.",
    'He said "Stop." Then he left.',
    "Is it? Yes! It is.",
    "It rained (a lot). The match went on!",
    "Loud noises!!! Everyone ran.",
    "A single sentence without any trouble at all.",
]


def _syntok(text: str) -> list[str]:
    return [
        text[tokens[0].offset : tokens[-1].offset + len(tokens[-1].value)].strip()
        for paragraph in segmenter.analyze(text)
        for tokens in paragraph
    ]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_paragraphs_go_to_syntok(text: str) -> None:
    assert fastsplit.split(text) is None
    assert split_sentences(text) == _syntok(text)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_paragraphs_take_the_fast_path_with_the_same_result(text: str) -> None:
    assert fastsplit.split(text) == _syntok(text)


def test_same_sentences_as_syntok_on_every_test_article() -> None:
    texts = [long_feature(), *(p.read_text(encoding="utf-8") for p in FIXTURES.rglob("*.*"))]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "sources").glob("*.txt")]
    fast = 0
    for text in texts:
        for block in text.split("\n\n"):
            paragraph = " ".join(block.split())
            result = fastsplit.split(paragraph)
            if result is not None:
                fast += 1
                assert result == _syntok(paragraph), paragraph
    assert fast > 100  # the fast path is actually taken
