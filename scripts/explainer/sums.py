"""Float sums with the same bits on every Python the project supports.

From Python 3.12 the builtin ``sum`` of floats is compensated (Neumaier), so
it no longer equals adding left to right as Python 3.11 does, nor the numpy
paths that add column by column (:class:`explainer.classify._Corpus`, the
claims' pair scores). Where a float sum must match one of those, or decides
an order on the page, it is :func:`added` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import add


def added(values: Iterable[float]) -> float:
    """The values added left to right from 0.0 (Python 3.11's ``sum``), at C speed."""
    return reduce(add, values, 0.0)
