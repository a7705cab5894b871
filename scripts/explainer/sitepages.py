"""The pages the site owns: one list, read by the navigation, by the check
that a topic's slug does not take one of their places, and by mentions.

A topic page is ``docs/<slug>.md``; none may take the name of one of these
pages (or of their folders), nor of the theme's asset folders.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SitePage:
    """A page (or folder of pages) the generator or the theme puts at a fixed place."""

    slug: str  # the name a topic may not take
    paths: tuple[str, ...]  # where it lives under docs/ (a folder ends with "/")
    guide: bool = False  # a guide page: listed in the navigation after the topics


HOME = SitePage("index", ("index.md",))
SOURCES = SitePage("sources", ("sources/",))
ARTICLES = SitePage("articles", ("articles/",))
TIMELINE = SitePage("timeline", ("timeline.md", "timeline/"), guide=True)
GLOSSARY = SitePage("glossary", ("glossary.md",), guide=True)
WHOS_WHO = SitePage("whos-who", ("whos-who.md",), guide=True)
TAGS = SitePage("tags", ("tags.md",))  # hand-written, for the tags plugin
NOT_FOUND = SitePage("404", ("404.md",))
SITE_PAGES = (HOME, SOURCES, ARTICLES, TIMELINE, GLOSSARY, WHOS_WHO, TAGS, NOT_FOUND)

# Folders of the theme and of docs/ that hold no pages.
ASSET_FOLDERS = ("assets", "stylesheets", "javascripts", "search")
RESERVED_SLUGS = frozenset({page.slug for page in SITE_PAGES} | set(ASSET_FOLDERS))


def nav_globs() -> list[str]:
    """The guides, in navigation order, as awesome-nav globs ("timeline", not "timeline/")."""
    return [path.rstrip("/") for page in SITE_PAGES if page.guide for path in page.paths]


def is_index(path: str) -> bool:
    """The home page and the Sources index: lists of pages, not pages that mention anything."""
    return path in {HOME.paths[0], f"{SOURCES.paths[0]}index.md"}
