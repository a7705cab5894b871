"""Characters that never reach a page: control characters, and invisible ones
that only hide or reorder text (zero-width spaces, word joiners, soft
hyphens, bidirectional overrides: "Trojan Source" tricks). ZWJ (U+200D)
stays: emoji sequences need it.

Article text loses them when it is cleaned (:mod:`explainer.clean`); every
string of a data file (front matter, sidecars, config/) when it is read
(:mod:`explainer.yamldata`): a YAML escape ("\\x1b", "\\u202e") writes any of them.
"""

from __future__ import annotations

import re

INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # (line breaks and tabs are white space)


def visible(text: str) -> str:
    """``text`` without invisible characters, each control character a space."""
    if text.isascii() and text.isprintable():
        return text
    return _CONTROL.sub(" ", text.translate(INVISIBLE))
