"""The reader's guides: Timeline, Glossary and Who's who, plus the hover definitions.

They are made after the other pages, from the same classified articles, and
look at those pages only to link to them: a guide never links to a page that
is not in the site. The Timeline and Who's who read only the articles that fit
the topics (an off-topic article has its own page, and its dates and names
are not the subject's), and only their body sentences (:mod:`bodytext`).
Pure, like the rest of the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import timeline
from .bodytext import GuideRules, load_rules
from .glossary import Term, abbreviations_file, glossary_page, load_glossary
from .mentions import PageLink
from .model import ClassifiedArticle, Page, SiteConfig
from .names import NameList, load_names, whos_who_mentions, whos_who_page
from .pagecache import PageCache, Parts, resolve
from .sections import fits


@dataclass(frozen=True)
class GuideData:
    """The data files: ``config/glossary.yml``, ``config/names.yml`` and ``config/guides.yml``."""

    glossary: tuple[Term, ...] = ()
    names: NameList = field(default_factory=NameList)
    rules: GuideRules = field(default_factory=GuideRules)
    glossary_path: str = "config/glossary.yml"  # where "edit this page" points, for the Glossary
    names_path: str = "config/names.yml"  # and for Who's who


@dataclass(frozen=True)
class Guides:
    pages: tuple[Page, ...]  # under docs/
    includes: tuple[Page, ...]  # under includes/
    report: dict[str, object]


def load(
    glossary: tuple[str, str] | None,
    names: tuple[str, str] | None,
    rules: tuple[str, str] | None = None,
    edit_paths: tuple[str, str] = ("config/glossary.yml", "config/names.yml"),
) -> GuideData:
    """Check and parse the data files, given as (text, path); None when absent.
    ``edit_paths`` are the glossary's and the names file's paths as edit links show them."""
    return GuideData(
        glossary=load_glossary(*glossary) if glossary else (),
        names=load_names(*names) if names else NameList(),
        rules=load_rules(*rules) if rules else GuideRules(),
        glossary_path=edit_paths[0],
        names_path=edit_paths[1],
    )


def build(
    classified: Sequence[ClassifiedArticle],
    config: SiteConfig,
    pages: Sequence[Page],
    data: GuideData,
    events: timeline.Timeline | None = None,
    cache: PageCache | None = None,
) -> Guides:
    """The guide pages for ``classified``; ``pages`` are the site's other pages
    (``events``: the Timeline, when the caller has made it already; ``cache``:
    the page cache, :mod:`explainer.pagecache`)."""
    if events is None:
        events = timeline_of(classified, config, data, cache)
    fed = feeding(classified, config)
    made = (
        glossary_page(data.glossary, classified, config, pages, data.glossary_path, parts=cache),
        whos_who_page(data.names, fed, config, pages, _glossary_forms(data), data.rules, data.names_path, parts=cache),
    )
    return Guides(
        pages=(*resolve(timeline.timeline_pages(events, config.edit_path), cache), *(p for p in made if p is not None)),
        includes=(abbreviations_file(data.glossary),),
        report={"timeline": timeline.report(events)},
    )


def feeding(classified: Sequence[ClassifiedArticle], config: SiteConfig) -> list[ClassifiedArticle]:
    """The articles the Timeline and Who's who read: those that fit the topics."""
    return [c for c in classified if fits(c, config.min_matched_share)]


def timeline_of(
    classified: Sequence[ClassifiedArticle], config: SiteConfig, data: GuideData, parts: Parts | None = None
) -> timeline.Timeline:
    """The Timeline's events, as :func:`build` makes them (each article's kept in ``parts`` if given)."""
    return timeline.collect([c.article for c in feeding(classified, config)], data.rules, parts)


def whos_who_of(
    classified: Sequence[ClassifiedArticle], config: SiteConfig, pages: Sequence[Page], data: GuideData
) -> dict[str, tuple[PageLink, ...]]:
    """Every name Who's who lists, with the pages that mention it, as
    :func:`build` finds them (for tools that measure it)."""
    mentions, _ = whos_who_mentions(
        data.names, feeding(classified, config), config, pages, _glossary_forms(data), data.rules
    )
    return {name: links for name, links in mentions.items() if links}


def _glossary_forms(data: GuideData) -> list[str]:
    return [form for term in data.glossary for form in term.forms]
