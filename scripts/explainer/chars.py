"""Characters that never reach a page: control characters, and invisible ones
that only hide or reorder text (zero-width spaces, word joiners, soft
hyphens, invisible operators, bidirectional overrides, embeddings and
isolates: "Trojan Source" tricks; the tag characters that smuggle text no
reader sees).

Kept, because languages spell with them: ZWJ (U+200D, emoji sequences and
Indic scripts), ZWNJ (U+200C, Persian, Urdu and Indic spelling), the
bidirectional marks LRM, RLM and ALM (U+200E, U+200F, U+061C: mixed-direction
text needs them, and a mark reorders only the neutral characters beside it)
and the Mongolian vowel separator (U+180E).

Article text loses them when it is cleaned (:mod:`explainer.clean`); every
string of a data file (front matter, sidecars, config/) when it is read
(:mod:`explainer.yamldata`): a YAML escape ("\\x1b", "\\u202e") writes any of
them. A file name or a data file's key holding one is refused
(:func:`hidden`): a name is not ours to change.
"""

from __future__ import annotations

import re

_HIDING = (
    "\u00ad\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"  # soft hyphen, zero-width space, joiners, operators
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # overrides, embeddings, isolates
)
INVISIBLE = dict.fromkeys([*map(ord, _HIDING), *range(0xE0000, 0xE0080)], None)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # (line breaks and tabs are white space)
_HIDDEN = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_HIDING}\U000e0000-\U000e007f]")


def visible(text: str) -> str:
    """``text`` without invisible characters, each control character a space."""
    if text.isascii() and text.isprintable():
        return text
    return CONTROL.sub(" ", text.translate(INVISIBLE))


def hidden(text: str) -> bool:
    """Does ``text`` hold a control character (tabs and line breaks too) or an
    invisible one?"""
    return not (text.isascii() and text.isprintable()) and _HIDDEN.search(text) is not None


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


_ESCAPES = {code: _escape(code) for code in [*range(0x20), *range(0x7F, 0xA0), *INVISIBLE]} | {
    code: f"\\x{code - 0xDC00:02x}"
    for code in range(0xDC80, 0xDD00)  # a file name's byte that is not UTF-8
}


def escaped(text: str) -> str:
    """``text`` with every control and invisible character written as its
    escape (``\\x1b``, ``\\u202e``), and a file name's bytes that are not
    UTF-8 as ``\\xNN``: on a terminal it is shown, never obeyed."""
    return text.translate(_ESCAPES)
