"""The last line of defence: built pages are checked for live markup.

The generator never lets input become markup (it escapes text and checks
links where they are made), and what MkDocs reads from docs/ and includes/ is
checked before it reads it (:mod:`explainer.siteinput`). But the site also
shows HTML a person writes in a page or a snippet. So every page MkDocs
writes is scanned before it is saved, and fails the build if it has:

* anywhere: an event-handler attribute (``onclick=``...), a link or source
  whose scheme is not http(s) (``javascript:``, ``data:``...), an SVG
  animation of such an attribute (``<set attributeName="href">``), an
  ``<iframe>``, ``<object>``, ``<embed>``, ``<base>``, ``<meta http-equiv>``
  or a CDATA section;
* in the page's content: a ``<script>`` or ``<meta>``, or an element whose
  text a browser does not read as HTML (``<style>``, ``<noscript>``,
  ``<textarea>``...). The theme's own scripts sit outside the content.

The scan reads the page as a browser's tokenizer does, where it matters:
comments end where a browser ends them, a quote opens a value only after
``=``, and every tag inside the content is looked at, so markup cannot hide
from the scan in a comment, an attribute value or a ``</article>`` of its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from . import chars

# An attribute as a browser reads it: a name (which may start with "=" or a
# quote), then maybe "=" and a value, quoted only if a quote comes first.
# Only these five characters are white space to a browser (not \v, not U+00A0).
_W = r"\t\n\f\r "
_ONE_ATTRIBUTE = rf"""([^{_W}/>][^{_W}/>=]*+)(?:[{_W}]*+=[{_W}]*+("[^"]*+"|'[^']*+'|[^{_W}>"'][^{_W}>]*+)?+)?+"""
# One token at a "<": a comment (ended as a browser ends it), a bogus comment
# (<!x>, <?x>, </ x>: up to the first ">"), or a start or end tag whose
# attributes are read as a browser reads them. Possessive: linear time.
_TOKEN = re.compile(
    r"<!--(?:-?>|.*?(?:--!?>|\Z))"
    r"|<(?:[!?]|/(?![a-zA-Z]))[^>]*+>?"
    rf"|<(/?)([a-zA-Z][^{_W}/>]*+)((?:[{_W}]++|/++|{_ONE_ATTRIBUTE})*+)>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(_ONE_ATTRIBUTE)
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset"}
_FORBIDDEN = {"iframe", "frame", "frameset", "object", "embed", "base", "applet", "portal"}
# In the content: scripts and metadata, and elements whose text is not HTML
# (a scan that read it as HTML could be fooled, as could one that did not).
_NOT_IN_CONTENT = {"script", "meta", "style", "noscript", "textarea", "title", "xmp", "noembed", "noframes"}
_NOT_IN_CONTENT |= {"plaintext", "link"}
_RAW_TEXT = {name: re.compile(rf"</{name}[{_W}/>]", re.IGNORECASE) for name in ("script", "style", "title", "textarea")}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_WEB = {"http", "https"}
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What XML 1.0 forbids beyond control characters: surrogates, U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
# A title or description longer than this is not one (generated ones: 2,100 at most).
MAX_TEXT = 5_000


def first_problem(page: str) -> str | None:
    """What is wrong with a built page, or None if it is safe to publish."""
    if "<![CDATA[" in page:
        return "a CDATA section"
    content = (page.find("<article"), page.rfind("</article"))
    at = page.find("<")
    while at != -1:
        token = _TOKEN.match(page, at)
        if token is None:
            if page[at + 1 : at + 2].isascii() and page[at + 1 : at + 2].isalpha():
                return None  # a tag that never ends: a browser drops the rest of the page
            at = page.find("<", at + 1)
            continue
        end = token.end()
        if token.group(2) and not token.group(1):
            name = token.group(2).casefold()
            problem = _tag_problem(name, token.group(3), content[0] <= at < content[1])
            if problem:
                return problem
            if name in _RAW_TEXT:  # outside the content: the theme's scripts and title
                closing = _RAW_TEXT[name].search(page, end)
                end = closing.start() if closing else len(page)
        at = page.find("<", end)
    return None


def tags(text: str) -> Iterator[tuple[int, bool, str, str]]:
    """Every start and end tag of ``text`` as a browser's tokenizer reads it
    (comments skipped): where it starts, whether it is an end tag, its name
    (case folded) and its attributes as written."""
    at = text.find("<")
    while at != -1:
        token = _TOKEN.match(text, at)
        if token is None:
            at = text.find("<", at + 1)
            continue
        if token.group(2):
            yield at, bool(token.group(1)), token.group(2).casefold(), token.group(3)
        at = text.find("<", token.end())


def _tag_problem(name: str, attributes: str, in_content: bool) -> str | None:
    if name in _FORBIDDEN or (in_content and name in _NOT_IN_CONTENT):
        return f"a <{name}> element" + (" in the page's content" if in_content else "")
    for attribute, raw in _ATTRIBUTE.findall(attributes):
        key = attribute.casefold()
        raw = raw or ""
        value = html.unescape(raw.strip("\"'"))
        if key.startswith("on"):
            return f"an event handler attribute ({attribute}=) on <{name}>"
        if key == "http-equiv":
            return f"an http-equiv= attribute on <{name}>"
        animated = value.strip().casefold()
        if key == "attributename" and (animated in _URL_ATTRIBUTES or animated.startswith("on")):
            return f"an animation of {value}= on <{name}>"
        if key in _URL_ATTRIBUTES and raw:
            for candidate in value.split(",") if key == "srcset" else [value]:
                scheme = _SCHEME.match(_SPACE_OR_CONTROL.sub("", candidate))
                if scheme and scheme.group(1).casefold() not in _WEB:
                    return f"a {scheme.group(1)}: address in {attribute}= of <{name}>"
    return None


def plain_relative_path(value: object) -> bool:
    """A relative POSIX path of ordinary parts (what an ``edit_path`` must be)."""
    if not isinstance(value, str) or not value or len(value) > 1000 or _CONTROL.search(value):
        return False
    path = PurePosixPath(value)
    return not path.is_absolute() and "\\" not in value and all(p not in {"", ".", ".."} for p in path.parts)


def markup_in_text(value: object) -> str | None:
    """Why a text the theme shows as HTML (a title, a description) is unsafe,
    or None. Long ones are too: every page's navigation shows every title."""
    if value is None:
        return None
    if not isinstance(value, str):
        return "is not text"
    if len(value) > MAX_TEXT:
        return f"is over {MAX_TEXT:,} characters"
    if "<" in value or ">" in value:
        return "contains HTML markup (< or >)"
    hidden = hidden_character(value)
    if hidden:
        return f"holds a control or invisible character ({hidden})"
    return None


def hidden_character(value: str) -> str | None:
    """The first character of ``value`` that no reader sees or that XML 1.0
    (the feed) forbids, as ``U+XXXX``, or None: control characters (tabs and
    line breaks are white space), invisible and reordering ones
    (:data:`chars.INVISIBLE`: zero-width spaces, bidirectional overrides...),
    lone surrogates, U+FFFE and U+FFFF."""
    if chars.visible(value) == value and not _NOT_XML.search(value):
        return None
    return next((f"U+{ord(c):04X}" for c in value if chars.visible(c) != c or _NOT_XML.match(c)), None)
