"""timeline._MAYBE lets a sentence through whenever the date pattern could match in it."""

from __future__ import annotations

import random

from explainer import timeline

_WORDS = (
    "in 2019 May may Sept. Sept 24 24th 3rd December Dec. dec. jan Jan 1999 1650 2099 19 200 "
    "this last next past previous earlier later early late week weeks month year years yesterday Yesterday "
    "WEEK Month two days ago Ago a one ten mid- of since until by on the , . - \u212a \u017f "
    "Friday Monday Fridays On In"
)
PIECES = _WORDS.split()


def test_no_sentence_with_a_date_is_passed_over() -> None:
    rng = random.Random(3)
    dated = 0
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) + rng.choice(["", " ", ", ", "-"]) for _ in range(rng.randint(1, 8)))
        if timeline._CANDIDATE.search(text):
            dated += 1
            assert timeline._MAYBE.search(text), text
    assert dated > 1_000  # the sample does hold many dates


def test_plain_sentences_are_passed_over() -> None:
    assert not timeline._MAYBE.search("Officials gave no timetable, with 657 cases.")
    assert list(timeline._candidates("Officials gave no timetable in 2019.")) != []
