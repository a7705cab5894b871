"""A fast path for sentence splitting, for paragraphs with nothing tricky in them.

syntok is accurate but costs about a millisecond per sentence, most of the
generation time of a large corpus. Most paragraphs, though, only end their
sentences with ". ", "? " or "! " before a capital letter, after an ordinary
word. :func:`split` splits those with one regular expression, and returns
``None`` (meaning "ask syntok") as soon as anything could be read two ways:
an abbreviation or initial before the full stop, a dotted word ("U.S."),
an ellipsis, a lower-case letter or a digit after the stop, punctuation with
no space after it. ``tests/unit/test_fastsplit.py`` checks that both give the
same sentences on every test article and a generated corpus.
"""

from __future__ import annotations

import re

# Words that end with a full stop without ending the sentence, lower case.
_ABBREVIATIONS = """
    mr mrs ms mx dr prof st jr sr gen gov sen rep lt col sgt capt cmdr adm maj pres rev hon fr sr sra
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos nr vs v etc inc ltd co corp plc llc bros dept univ assn ave rd blvd mt ft fig figs p pp vol vols
    ed eds approx est ca cf al op ch sec art para ps min max tel ext dist div gov't govt
"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())
# A candidate end of sentence: terminal marks, closing quotes, spaces. (A stop
# before a closing bracket is left to syntok, which reads brackets as a unit.)
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019]*\s+")
# Anything that makes a paragraph worth syntok's care.
_TRICKY = re.compile(r"\.\.|\u2026|[.!?][)\]]|[.!?][\"'\u201d\u2019]*[^\s.!?\"'\u201d\u2019]")
_OPENERS = "\"'\u201c\u2018(["


def split(text: str) -> list[str] | None:
    """Sentences of ``text`` (exact slices, stripped), or None when unsure."""
    text = text.strip()
    if not text:
        return None
    if _TRICKY.search(text):
        return None
    sentences = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        following = text[end]
        if following in _OPENERS:
            following = text[end + 1] if end + 1 < len(text) else ""
        if not following.isupper():
            return None  # a lower-case word or a digit after the stop: let syntok decide
        if match.group().startswith(".") and _abbreviation(text, match.start()):
            return None
        sentences.append(text[start:end].strip())
        start = end
    sentences.append(text[start:].strip())
    return sentences


def _abbreviation(text: str, stop: int) -> bool:
    """True when the word before the full stop at ``stop`` may be an abbreviation."""
    space = text.rfind(" ", 0, stop)
    word = text[space + 1 : stop].lstrip(_OPENERS).rstrip("\"'\u201d\u2019)]")
    if not word:
        return True
    if len(word) <= 2:  # an initial, "St", "No", "5", "$5", or a short word: leave it to syntok
        return True
    return word.casefold() in ABBREVIATIONS
