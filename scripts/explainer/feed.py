"""The Atom feed of the articles: follow the story as sources are added.

Pure: entries in, XML text out. The MkDocs hook collects the entries from the
pages' front matter (each Source page names its article; each topic page
names the articles it quotes) and writes ``site/feed.xml``. Deterministic:
newest first by published date (undated last), then by title; the feed's
``updated`` is the newest article's date, never the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from .links import web_url


@dataclass(frozen=True)
class FeedEntry:
    """One article: its Source page and the topic pages it feeds."""

    slug: str
    title: str
    page: str  # absolute address of its Source page
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD
    topics: tuple[tuple[str, str], ...] = ()  # (title, absolute address) of each topic page it feeds


def atom(site_title: str, site_url: str, feed_url: str, entries: Sequence[FeedEntry]) -> str:
    """The Atom 1.0 document (RFC 4287) for ``entries``."""
    ordered = sorted(entries, key=lambda e: (-_ordinal(e.published), e.title.casefold(), e.slug))
    newest = max((e.published for e in entries if e.published), default="1970-01-01")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{escape(site_title)}</title>",
        f"  <id>{escape(site_url)}</id>",
        f'  <link rel="alternate" type="text/html" href={quoteattr(site_url)}/>',
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(feed_url)}/>',
        f"  <updated>{newest}T00:00:00Z</updated>",
        f"  <author><name>{escape(site_title)}</name></author>",
    ]
    for entry in ordered:
        day = entry.published or newest
        summary = f"From {entry.publisher}." if entry.publisher else "A source of this explainer."
        if entry.topics:
            summary += " Quoted on: " + ", ".join(title for title, _ in entry.topics) + "."
        lines += [
            "  <entry>",
            f"    <title>{escape(entry.title)}</title>",
            f"    <id>{escape(entry.page)}</id>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(entry.page)}/>',
            *(
                f'    <link rel="related" type="text/html" href={quoteattr(url)} title={quoteattr(title)}/>'
                for title, url in entry.topics
            ),
            f"    <updated>{day}T00:00:00Z</updated>",
            *([f"    <published>{entry.published}T00:00:00Z</published>"] if entry.published else []),
            f"    <summary>{escape(summary)}</summary>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _related(title: str, url: str) -> str:
    return f'    <link rel="related" type="text/html" href={quoteattr(url)} title={quoteattr(title)}/>'


def absolute(site_url: str, path: str) -> str | None:
    """``path`` (a page's URL, relative to the site) as a checked absolute web address."""
    return web_url(site_url.rstrip("/") + "/" + path.lstrip("/"))


def _ordinal(published: str | None) -> int:
    if not published:
        return -1
    year, month, day = (int(part) for part in published.split("-"))
    return year * 10_000 + month * 100 + day
