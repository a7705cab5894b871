"""Float sums that give the same bits on every supported Python (3.11 adds
left to right; from 3.12 the builtin ``sum`` compensates its rounding)."""

from __future__ import annotations

import math
from functools import reduce
from operator import add

from explainer import reading, sums
from explainer.model import Signal, Topic


def test_added_adds_left_to_right_as_python_3_11_does() -> None:
    tenths = [0.1] * 10
    assert sums.added(tenths) == reduce(add, tenths, 0.0) == 0.9999999999999999
    assert math.fsum(tenths) == 1.0  # what a compensated sum gives instead
    assert sums.added([0.1, 0.2, 0.3]) == 0.6000000000000001
    assert sums.added(iter([])) == 0.0 and sums.added([2.5]) == 2.5


def test_related_pages_order_is_the_same_on_every_python() -> None:
    """Three signals of 0.1, 0.2 and 0.3 weigh 0.6000000000000001 added left
    to right, 0.6 compensated: a tie with one signal of 0.6 on 3.12 (configured
    order would win), a lead on 3.11. Every Python must give 3.11's order."""
    three = (Signal("judge", 0.1), Signal("appeal", 0.2), Signal("verdict", 0.3))
    topics = (
        Topic("here", "Here", "The page.", (Signal("ruling"),)),
        Topic("single", "Single", "One signal.", (Signal("court", 0.6),)),
        Topic("three", "Three", "Three signals.", three),
    )
    found = reading.signal_keys("The court heard the appeal; the judge gave a verdict and a ruling.", topics)
    assert [r.topic.slug for r in reading.related(topics[0], found, topics)] == ["three", "single"]
