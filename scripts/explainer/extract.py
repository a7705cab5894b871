"""Extract: a saved web page (.html/.htm) -> the article's Markdown and metadata.

trafilatura finds the main text of the page and leaves out menus, comments,
footers, cookie banners and share buttons; it also reads the page's metadata
(title, author, date, site name, canonical URL). It is imported here, only
when an HTML file is ingested: it is a heavy import that text and Markdown
sources never pay for.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from typing import Any

from .chars import visible
from .errors import ExplainerError


def extract_html(text: str, path: str) -> tuple[str, dict[str, Any]]:
    """The page's main text as Markdown, and the metadata found on the page.

    Metadata keys are those of front matter (``title``, ``author``,
    ``published``, ``publisher``, ``url``); values the page does not give, or
    gives in a form front matter would reject, are left out."""
    import trafilatura  # lazy: see the module docstring

    options: dict[str, Any] = {
        "include_comments": False,
        "include_tables": True,
        "include_formatting": False,  # structure only: see _markdown
        "include_links": False,
        "include_images": False,
        "deduplicate": False,
        "favor_precision": True,
    }
    xml = trafilatura.extract(text, output_format="xml", with_metadata=False, **options)
    body = _with_standfirst(_markdown(xml) if xml else "", text)
    if not body.strip():
        raise ExplainerError("no article text found in this HTML page", path=path)
    found = trafilatura.extract_metadata(text)
    meta: dict[str, Any] = {}
    if found is not None:
        for key, value in (("title", found.title), ("author", found.author), ("publisher", found.sitename)):
            if isinstance(value, str) and value.strip():
                meta[key] = " ".join(visible(value).split())
        if isinstance(found.url, str) and found.url.strip():
            meta["url"] = found.url.strip()  # ingest keeps it only if it is a web address
        if isinstance(found.date, str):
            with contextlib.suppress(ValueError):  # a date the page gets wrong is left out
                meta["published"] = date.fromisoformat(found.date[:10])
    return body, meta


def _markdown(xml: str) -> str:
    """trafilatura's XML -> the plain Markdown our segmenter reads.

    Only structure is kept (headings, paragraphs, list items, quotations);
    inline formatting is dropped, so no markup from the page survives."""
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    lines: list[str] = []
    for element in main if main is not None else ():
        tag = element.tag
        if tag == "head":
            level = str(element.get("rend", "h2")).removeprefix("h")
            lines.append("#" * (int(level) if level.isdigit() and 1 <= int(level) <= 6 else 2) + " " + _text(element))
        elif tag == "list":
            lines.extend("- " + _text(item) for item in element.iter("item") if _text(item))
        elif tag == "quote":
            parts = [_text(p) for p in element.iter("p")] or [_text(element)]
            lines.extend("> " + part for part in parts if part)
        elif tag == "table":
            lines.extend(" · ".join(_text(cell) for cell in row.iter("cell")) for row in element.iter("row"))
        else:
            lines.append(_text(element))
    return "\n\n".join(line for line in lines if line.strip(" #->·")) + "\n"


# The standfirst (the subtitle under the headline) is often marked with one of
# these words in its class or itemprop; trafilatura sometimes leaves it out.
_STANDFIRST = re.compile(
    r"(?:^|[-_\s])(?:standfirst|subtitle|sub-title|subhead|subheadline|dek|deck|strapline|strap|summary|lede|"
    r"lead-in|intro|description|teaser|excerpt|abstract)(?:$|[-_\s])",
    re.IGNORECASE,
)
STANDFIRST_WORDS = (6, 80)
STANDFIRST_SEARCH = 40  # elements after the headline


def _with_standfirst(body: str, page: str) -> str:
    """``body`` with the page's standfirst under its headline, if extraction
    lost it: the first element after the ``<h1>`` marked as a standfirst (by
    its class or itemprop), before the article's first paragraph."""
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return body
    heading = next(root.iter("h1"), None)
    if heading is None:
        return body
    kept = {line.strip().lstrip("#> ") for line in body.split("\n") if line.strip()}
    for candidate in heading.xpath("following::*")[:STANDFIRST_SEARCH]:  # in document order
        if not isinstance(candidate.tag, str) or candidate.tag in ("script", "style", "noscript"):
            continue
        words = _text(candidate)
        if words in kept:
            return body  # the standfirst is there already, or the article has begun
        marks = " ".join(str(candidate.get(key, "")) for key in ("class", "itemprop", "id"))
        if _STANDFIRST.search(marks) and STANDFIRST_WORDS[0] <= len(words.split()) <= STANDFIRST_WORDS[1]:
            return _insert_after_title(body, words)
    return body


def _insert_after_title(body: str, standfirst: str) -> str:
    lines = body.split("\n\n")
    at = next((i + 1 for i, line in enumerate(lines[:3]) if line.startswith("# ")), 0)
    return "\n\n".join([*lines[:at], standfirst, *lines[at:]])


def _text(element: object) -> str:
    return " ".join("".join(element.itertext()).split())  # type: ignore[attr-defined]
