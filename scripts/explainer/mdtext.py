"""Article text is data: make any string show literally in Markdown pages.

Characters that Markdown, HTML, pymdown-extensions (snippets, attr_list,
abbreviations, critic...) or a template engine could read as markup become
numeric character references. The browser shows the same characters; nothing
in between gets to interpret them. Ordinary prose stays readable in diffs:
letters, digits, spaces, quotes and common punctuation are left alone.
"""

from __future__ import annotations

import html
import re

# "#" too: Markdown strips a trailing run of "#" from a heading ("Learning C#").
_INLINE = {c: f"&#{ord(c)};" for c in "\\`*_[]{}<>|~^=#"}
_INLINE["&"] = "&amp;"
_INLINE_RE = re.compile("[" + re.escape("".join(_INLINE)) + "]")
# A character that only means something at the start of a line.
_LINE_START = re.compile(r"^(?:[-+:#!>]|\d+[.)])")


def literal(text: str) -> str:
    """Escape ``text`` for use inside a Markdown paragraph, heading or link text."""
    text = " ".join(text.split())
    text = _INLINE_RE.sub(lambda m: _INLINE[m.group()], text)
    start = _LINE_START.match(text)
    if start:
        first = start.group()
        text = first[:-1] + f"&#{ord(first[-1])};" + text[len(first) :]
    return text


def attribute(text: str) -> str:
    """Escape ``text`` for an HTML attribute value or an HTML-read title."""
    text = html.escape(" ".join(text.split()), quote=False).replace('"', "&quot;")
    return text.replace("{", "&#123;").replace("}", "&#125;")


SHORT_TITLE_CHARS = 100


def short_title(text: str, limit: int = SHORT_TITLE_CHARS) -> str:
    """A title short enough for the navigation, the browser tab and link
    previews: cut at a word boundary with an ellipsis. The page's own heading
    keeps the full title (a 2,000-character title would fill the sidebar)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"
