"""Characters that never reach a page: control characters, and invisible ones
that only hide or reorder text (zero-width spaces, word joiners, soft
hyphens, bidirectional marks, overrides and isolates: "Trojan Source" tricks;
the tag characters that smuggle text no reader sees). ZWJ (U+200D) stays:
emoji sequences need it.

Article text loses them when it is cleaned (:mod:`explainer.clean`); every
string of a data file (front matter, sidecars, config/) when it is read
(:mod:`explainer.yamldata`): a YAML escape ("\\x1b", "\\u202e") writes any of
them. A file name or a data file's key holding one is refused
(:func:`hidden`): a name is not ours to change.
"""

from __future__ import annotations

import re

_HIDING = (
    "\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
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


_ESCAPES = {code: _escape(code) for code in [*range(0x20), *range(0x7F, 0xA0), *INVISIBLE]}


def escaped(text: str) -> str:
    """``text`` with every control and invisible character written as its
    escape (``\\x1b``, ``\\u202e``): on a terminal it is shown, never obeyed."""
    return text.translate(_ESCAPES)
