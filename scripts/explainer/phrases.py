"""Phrases: the one definition of a word and of a phrase match.

Classification, Related pages and the guides' mentions all find phrases in
sentences through this module, so they agree on what a match is: whole words
(a phrase never matches inside a longer word), "U.S." as written.

Two ways to match, for two purposes:

* by word forms (:class:`PhraseIndex`, :func:`forms`), for topic signals:
  case-insensitive, each word reduced to its Snowball (Porter 2) stem, so
  "ban" finds "bans", "banned" and "banning", "crack down" finds "cracking
  down", "cracks down" and "crack-down". A phrase of several words also finds
  its words written as one ("crack down" -> "crackdown"). Hyphens, full stops
  and other punctuation separate words: "e-CNY" is the words "e", "cny", and
  "U.S." is "u", "s", wherever they are written so.
* as written (:func:`literal_pattern`), for the glossary and Who's who: the
  hover definitions of the abbreviations extension match case and form as
  written, so the pages listed for a term are those that show it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress
from typing import Any

import Stemmer

# A word: letters and digits, with inner apostrophes ("don't", "people's").
# Underscores count as word characters, as in ``\w`` (never in real prose).
_WORD = re.compile(r"\w+(?:'\w+)*")
_STEMMER = Stemmer.Stemmer("english")  # C code, data compiled in: nothing to download


# The key a matcher reports for a phrase of the configuration's ``not_signals``
# (words that are no signal there): found like a signal, so that the longest
# match takes its words ("at once" before "once"), then dropped. No form key
# has a NUL in it.
NOT_SIGNAL = "\0not"


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, in order (quotes normalised)."""
    return _WORD.findall(text.casefold().replace("\u2019", "'"))


def forms(text: str) -> list[str]:
    """The words of ``text`` as the forms signals are matched by: stems."""
    return stems(words(text))


_STEMS: dict[str, str] = {}  # word -> stem, for the words met so far (a dictionary is 3x quicker than the C call)
_MAX_STEMS = 500_000


def stems(folded: list[str]) -> list[str]:
    """Snowball stems of case-folded words ("'s" goes: "china's" -> "china")."""
    known = _STEMS
    try:
        return list(map(known.__getitem__, folded))
    except KeyError:
        if len(known) > _MAX_STEMS:
            known.clear()  # bounded memory; only speed depends on it
        missing = list(set(folded).difference(known))
        known.update(zip(missing, _STEMMER.stemWords(missing), strict=True))
        return list(map(known.__getitem__, folded))


_ONCE = Stemmer.Stemmer("english", 0)  # the same stems, without the stemmer's own cache


def stems_once(folded: list[str]) -> list[str]:
    """:func:`stems` of words met once (a word list): not kept, and three
    times faster than through the stemmer's cache."""
    return list(_ONCE.stemWords(folded))


def form_key(phrase: str) -> str:
    """A phrase's forms joined by spaces: equal keys match the same text."""
    return " ".join(forms(phrase))


def joined_key(phrase: str) -> str | None:
    """The form of a phrase of several words written as one ("crack down" ->
    "crackdown"), or None for one word or words of single letters ("U.S."
    must not find "us")."""
    parts = words(phrase)
    if len(parts) < 2 or not all(p.isalpha() and len(p) > 1 for p in parts):
        return None
    return form_key("".join(parts))


class PhraseIndex:
    """Many phrases, found in text by their word forms.

    ``phrases`` maps each phrase (a signal, an alias) to the key reported when
    it is found. Two phrases with the same forms report the first key in
    sorted order. Matches do not overlap; the longest phrase wins where two
    start at the same word, as a reader would read "central bank digital
    currency" as one phrase. (A dictionary from first forms: a regex
    alternation of all phrases over the forms was three times slower.)"""

    def __init__(self, phrases: Mapping[str, str]):
        keys: dict[tuple[str, ...], str] = {}
        joined: dict[tuple[str, ...], str] = {}
        for phrase, key in sorted(phrases.items()):
            found = tuple(forms(phrase))
            if found:
                keys.setdefault(found, key)
            alt = joined_key(phrase)
            if alt:
                joined.setdefault((alt,), key)
        for one_word, key in joined.items():  # a phrase written as given wins over a joined form
            keys.setdefault(one_word, key)
        starts: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for words_, key in sorted(keys.items(), key=lambda item: (-len(item[0]), item[0])):
            starts.setdefault(words_[0], []).append((words_, key))
        self._starts = starts

    def __bool__(self) -> bool:
        return bool(self._starts)

    def find_forms(self, text_forms: Sequence[str]) -> list[str]:
        """The keys of the phrases found in a text given as its forms, in order."""
        return [key for _, key in self.find_at(text_forms)]

    def find_at(self, text_forms: Sequence[str], stops: Sequence[int] = ()) -> list[tuple[int, str]]:
        """(position of the first word, key) of each phrase found, in order. A
        phrase does not run over a position of ``stops`` (sorted: where each
        sentence of a paragraph ends)."""
        starts = self._starts
        hits = compress(range(len(text_forms)), map(starts.__contains__, text_forms))  # where a phrase may start
        found: list[tuple[int, str]] = []
        end = 0
        limit, next_stop = len(text_forms), 0
        for i in hits:
            if i < end:
                continue
            while next_stop < len(stops) and stops[next_stop] <= i:
                next_stop += 1
            bound = stops[next_stop] if next_stop < len(stops) else limit
            for candidate, key in starts[text_forms[i]]:
                size = len(candidate)
                if size == 1 or (i + size <= bound and tuple(text_forms[i : i + size]) == candidate):
                    found.append((i, key))
                    end = i + size
                    break
        return found

    def find(self, text: str) -> list[str]:
        """The keys of the phrases found in ``text``, in order."""
        return self.find_forms(forms(text))


def literal_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for ``phrases`` as written: whole words, case as written,
    longest first (as the abbreviations extension matches them)."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    if not unique:
        return None
    if "" in unique:
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in unique) + r")(?!\w)")
    return re.compile(_trie(unique) + r"(?!\w)")


def _trie(phrases: Iterable[str]) -> str:
    r"""``(?<!\w)(?:p1|p2|...)`` for phrases longest first, as a trie:
    shared beginnings written once ("C(?:BDC|hina)"), and at each branch the
    longer continuations before the phrase that ends there, so the first
    match at a position is still the longest phrase followed by a non-word
    character. Python's regex engine then tries a few letters at each
    position instead of every phrase, and, as the pattern starts with a
    choice of letters, skips the positions where none of them is (the "not
    after a word character" test comes right after the first letter)."""
    tree: dict[str, Any] = {}
    for phrase in phrases:
        node = tree
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here

    def written(node: dict[str, Any], top: bool) -> str:
        text = ""
        while len(node) == 1 and "" not in node:  # one way on: letters in a row (no recursion per letter)
            ((char, node),) = node.items()
            text += re.escape(char) + (rf"(?<!\w{re.escape(char)})" if top else "")
            top = False
        branches = [
            re.escape(char) + (rf"(?<!\w{re.escape(char)})" if top else "") + written(child, False)
            for char, child in sorted(node.items())
            if char
        ]
        if "" in node:
            branches.append("")  # last: a longer phrase first
        return text + (branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")")

    return written(tree, True)
