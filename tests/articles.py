"""Test articles made in code: a ~5,000-word feature, and small variants.

The sentences are ours, about an invented mountain railway; they are combined
deterministically so the feature is long without repeating itself word for word.
"""

from __future__ import annotations

import random
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"

_OPENINGS = [
    "The first engineers reached the pass in {year}, carrying theodolites on mules.",
    "Most of the line was cut by hand, and {n} workers lived in timber camps along the route.",
    "Winter closed the upper section for {n} days in {year}, the longest stoppage on record.",
    "The company bought its first electric locomotives in {year}, after a decade of coal smoke in the tunnels.",
    "Passengers in {year} paid the same fare as a week's bread for a return ticket to the summit.",
    "A rockfall in {year} buried {n} metres of track below the third viaduct.",
    "The stationmaster at the summit kept a diary for {n} years, now held in the valley museum.",
    "Snow ploughs built in {year} are still used on the lower section every January.",
]
_MIDDLES = [
    "Local farmers sold cheese and dried pears to travellers waiting at the passing loops.",
    "The gradient reaches one in eight above the second tunnel, steep enough to need a rack.",
    "Guides say the best view is from the left-hand windows on the way up.",
    "Each carriage was repainted in the old green livery when the line turned one hundred.",
    "Volunteers replace about {n} wooden sleepers every summer, working from a flat wagon.",
    "The signal box at the middle station still uses levers made in {year}.",
    "Hikers often ride up and walk down, a descent of roughly {n} metres.",
    "The timetable has barely changed since {year}, with trains every hour in summer.",
    "Children from the valley school take the train to the summit on the last day of term.",
    "A small observatory near the top opened in {year} and welcomes visitors on clear nights.",
    "Goats graze along the embankments and sometimes wander onto the line at dusk.",
    "The viaduct's stone came from a quarry only {n} metres from the track.",
]
_CLOSINGS = [
    "Nobody expects the line to change much, and that, regulars say, is the point.",
    "The museum is collecting photographs from families whose relatives worked on the line.",
    "Plans for a new waiting room at the summit were approved in {year}.",
    "The railway's archive is open to researchers on the first Monday of each month.",
]
_HEADINGS = [
    "Building the line",
    "The first passengers",
    "Winters on the mountain",
    "Electric power",
    "Accidents and repairs",
    "Life at the summit",
    "The railway today",
    "Keeping it running",
    "Visitors and seasons",
    "What the archive holds",
]


def long_feature(words: int = 5000, seed: int = 3) -> str:
    """A plain-text feature of at least ``words`` words, with subheadings."""
    rng = random.Random(seed)
    lines = ["The Mountain Railway That Refused to Close", ""]
    count = 0
    section = 0
    while count < words:
        lines += [
            _HEADINGS[section % len(_HEADINGS)] + (f" ({section // len(_HEADINGS) + 1})" if section >= 10 else ""),
            "",
        ]
        section += 1
        for _ in range(rng.randint(3, 6)):
            pool = [rng.choice(_OPENINGS), *rng.sample(_MIDDLES, 4), rng.choice(_CLOSINGS)]
            chosen = pool[: rng.randint(3, len(pool))]
            text = " ".join(s.format(year=rng.randrange(1890, 2020), n=rng.randrange(3, 900)) for s in chosen)
            lines += [text, ""]
            count += len(text.split())
    return "\n".join(lines)
