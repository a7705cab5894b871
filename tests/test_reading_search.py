"""reading._mentions: the shortcut through ``text.lower()`` answers as the plain search does."""

from __future__ import annotations

import re

import pytest

from explainer import reading

TEXTS = [
    "The Central Bank said so.",
    "the central banks met; the central banking rules",
    "central bankers only",
    "xcentral bank",
    "CENTRAL BANKES",
    "a \u212aelvin-sign kilo: \u212aILO",  # the Kelvin sign lowers to k
    "M\u0130NING in \u0130stanbul",  # dotted capital I: lowers to two characters
    "m\u0131ning",  # dotless i matches i under IGNORECASE
    "cri\u017fis, a long \u017f",  # long s matches s
    "mining " * 50 + "minings",
    "",
]
PHRASES = ["central bank", "kilo", "mining", "crisis", "s", "Mining rigs", "é"]


@pytest.mark.parametrize("text", TEXTS)
def test_shortcut_gives_the_plain_answer(text: str) -> None:
    odd = re.search("[\u0130\u0131\u017f]", text)
    lowered = None if odd else text.lower()
    for phrase in PHRASES:
        plain = re.search(rf"\b{re.escape(phrase)}(?:s|es)?\b", text, re.IGNORECASE) is not None
        assert reading._mentions(text, phrase, lowered) == plain, (text, phrase)
