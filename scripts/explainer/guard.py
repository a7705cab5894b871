"""The last line of defence: built pages are checked for live markup.

The generator never lets input become markup (it escapes text and checks
links where they are made), but the site also shows files a person commits
under ``docs/`` and ``includes/``, and front matter the theme reads. So
every page MkDocs writes is scanned before it is saved: an event-handler
attribute (``onclick=``...), a ``<script>``, ``<iframe>``, ``<object>``,
``<embed>`` or ``<base>`` inside the page's content, or a link or source
whose scheme is not http(s) (``javascript:``, ``data:``, ``vbscript:``...)
fails the build. The theme's own scripts sit outside the content and load
from the site itself.
"""

from __future__ import annotations

import html
import re
from pathlib import PurePosixPath

_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset"}
_ACTIVE = {"script", "iframe", "frame", "object", "embed", "base", "applet", "meta"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_WEB = {"http", "https"}
_CONTENT = re.compile(r"<article\b.*?</article>", re.DOTALL)
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def first_problem(page: str) -> str | None:
    """What is wrong with a built page, or None if it is safe to publish."""
    for match in _TAG.finditer(page):
        name = match.group(1).casefold()
        for attribute, raw in _ATTRIBUTE.findall(match.group(2)):
            key = attribute.casefold()
            if key.startswith("on"):
                return f"an event handler attribute ({attribute}=) on <{name}>"
            if key in _URL_ATTRIBUTES and raw:
                value = html.unescape(raw.strip("\"'"))
                for candidate in value.split(",") if key == "srcset" else [value]:
                    scheme = _SCHEME.match(_SPACE_OR_CONTROL.sub("", candidate))
                    if scheme and scheme.group(1).casefold() not in _WEB:
                        return f"a {scheme.group(1)}: address in {attribute}= of <{name}>"
    for content in _CONTENT.findall(page):
        for match in _TAG.finditer(content):
            name = match.group(1).casefold()
            if name in _ACTIVE:
                return f"a <{name}> element in the page's content"
    return None


def plain_relative_path(value: object) -> bool:
    """A relative POSIX path of ordinary parts (what an ``edit_path`` must be)."""
    if not isinstance(value, str) or not value or len(value) > 1000 or _CONTROL.search(value):
        return False
    path = PurePosixPath(value)
    return not path.is_absolute() and "\\" not in value and all(p not in {"", ".", ".."} for p in path.parts)


def markup_in_text(value: object) -> str | None:
    """Why a front matter text the theme shows as HTML is unsafe, or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        return "is not text"
    if "<" in value or ">" in value:
        return "contains HTML markup (< or >)"
    return None
