"""Render: classified articles -> Markdown pages (pure; nothing is written).

Pages are built from Jinja templates in ``templates/``; article text passes
through :func:`mdtext.literal` so it can never become markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from . import reading
from .marker import MARKER_LINE
from .mdtext import attribute, short_title
from .model import Article, ClassifiedArticle, Corpus, Group, Page, Paragraph, Placement, Run, SiteConfig, Topic
from .pagekit import front_matter, quote_anchor, render_template, source_ref
from .sections import fits, sections
from .sitepages import nav_globs


def runs(classified: ClassifiedArticle, topic: str) -> tuple[Run, ...]:
    """Group a topic's sentences into runs, in source order."""
    slug = classified.article.slug
    result: list[Run] = []
    current: list[Placement] = []
    for placement in classified.for_topic(topic):
        last = current[-1].sentence if current else None
        if last and last.paragraph == placement.sentence.paragraph and last.index + 1 == placement.sentence.index:
            current.append(placement)
            continue
        if current:
            result.append(Run(slug, current[0].sentence.paragraph, tuple(current)))
        current = [placement]
    if current:
        result.append(Run(slug, current[0].sentence.paragraph, tuple(current)))
    return tuple(result)


def article_order(article: Article) -> tuple[int, str, str]:
    """Newest first by published date (undated last), then by title."""
    published = article.meta.published
    return (-published.toordinal() if published else 1, article.title.casefold(), article.slug)


PageBuilder = Callable[[Corpus], Iterable[Page]]


def corpus(classified: Sequence[ClassifiedArticle], config: SiteConfig) -> Corpus:
    """Order the articles and split them: fitting ones feed the topic pages,
    the others get a page of their own (see :mod:`explainer.sections`)."""
    ordered = tuple(sorted(classified, key=lambda c: article_order(c.article)))
    fitting = [c for c in ordered if fits(c, config.min_matched_share)]
    groups = {
        topic.slug: tuple(Group(c.article, r) for c in fitting if (r := runs(c, topic.slug))) for topic in config.topics
    }
    topics = tuple(t for t in config.topics if groups[t.slug])  # never an empty page
    own = tuple(c for c in ordered if not fits(c, config.min_matched_share))
    return Corpus(config, ordered, topics, groups, own)


def render_site(
    classified: Sequence[ClassifiedArticle], config: SiteConfig, builders: Sequence[PageBuilder] = ()
) -> tuple[Page, ...]:
    """Every generated page of the site, in a stable order.

    Each builder turns the corpus into pages; ``builders`` adds more (say, a
    timeline) after :data:`PAGE_BUILDERS`."""
    site = corpus(classified, config)
    pages = [page for builder in (*PAGE_BUILDERS, *builders) for page in builder(site)]
    return tuple(sorted(pages, key=lambda p: p.path))


def topic_pages(site: Corpus) -> Iterator[Page]:
    for topic in site.topics:
        found = {k for g in site.groups[topic.slug] for r in g.runs for p in r.placements for k in p.signals}
        related = reading.related(topic, found, site.topics)
        groups = site.groups[topic.slug]
        cites = frozenset((g.article.slug, r.paragraph) for g in groups for r in g.runs)
        yield Page(
            f"{topic.slug}.md", _topic_page(topic, groups, site.config, related), short_title(topic.title), cites
        )


def home_page(site: Corpus) -> Iterator[Page]:
    yield Page("index.md", _home_page(site), short_title(site.config.title))


def source_pages(site: Corpus) -> Iterator[Page]:
    """The Sources section: an index, grouped by year when there are several, and one page per article."""
    years: dict[str, list[Article]] = {}
    for article in site.articles:
        years.setdefault(_year(article), []).append(article)
    front = front_matter(
        "Sources",
        "The articles this explainer quotes, each shown in full with numbered paragraphs.",
        edit=site.config.edit_path,
    )
    own = {c.article.slug for c in site.own_pages}
    yield Page(
        "sources/index.md", render_template("sources.md.j2", front_matter=front, years=years, own=own), "Sources"
    )
    for article in site.articles:
        yield Page(f"sources/{article.slug}.md", _source_page(article), short_title(article.title))


def article_pages(site: Corpus) -> Iterator[Page]:
    """A page per article that does not fit the topics, split by its own subheadings."""
    for item in site.own_pages:
        article = item.article
        description = f"What the article “{article.title}” says, section by section."
        front = front_matter(article.title, description, edit=article.path, sources=[source_ref(article)])
        parts = [
            {"section": section, "excerpts": [_paragraph_run(article.slug, p) for p in section.paragraphs]}
            for section in sections(item)
        ]
        yield Page(
            f"articles/{article.slug}.md",
            render_template("article.md.j2", front_matter=front, article=article, parts=parts),
            short_title(article.title),
            frozenset((article.slug, p.number) for p in article.paragraphs),
        )


def nav_page(site: Corpus) -> Iterator[Page]:
    """The navigation. Up to :data:`NAV_LIST_LIMIT` articles, the Sources
    section lists them all; beyond, they are grouped by year, so that a page
    carries links to its own year's articles only, not to every article (the
    build would grow with the square of the corpus)."""
    years: dict[str, list[str]] = {}
    if len(site.articles) > NAV_LIST_LIMIT:
        for article in site.articles:
            years.setdefault(_year(article), []).append(article.slug)
    context = {"topics": site.topics, "articles": bool(site.own_pages), "years": years, "guides": nav_globs()}
    yield Page(".nav.yml", render_template("nav.yml.j2", marker=MARKER_LINE, **context))


def _year(article: Article) -> str:
    published = article.meta.published
    return str(published.year) if published else "Undated"


NAV_LIST_LIMIT = 25


PAGE_BUILDERS: tuple[PageBuilder, ...] = (topic_pages, home_page, source_pages, article_pages, nav_page)


# Helper functions


def _topic_page(
    topic: Topic, groups: tuple[Group, ...], config: SiteConfig, related: Sequence[reading.Related] = ()
) -> str:
    front = front_matter(
        topic.title,
        topic.description,
        edit=config.edit_path,
        tags=[attribute(tag) for tag in topic.tags],  # the tags plugin shows them as HTML
        sources=[source_ref(g.article) for g in groups],
    )
    facts = {
        "minutes": reading.reading_minutes([topic.description, *(r.text for g in groups for r in g.runs)]),
        "update": reading.latest_update(groups),
    }
    return render_template(
        "topic.md.j2",
        front_matter=front,
        topic=topic,
        groups=groups,
        brief=reading.in_brief(groups),
        related=related,
        anchor=quote_anchor,
        **facts,
    )


def _home_page(site: Corpus) -> str:
    brief = []
    for topic in site.topics:
        candidates = [run for group in site.groups[topic.slug] for run in group.runs]
        best = max(candidates, key=lambda r: r.score)  # max() keeps the first of equals
        brief.append({"topic": topic, "run": reading.best_sentence(best)})
    config = site.config
    front = front_matter(
        config.title, config.summary, edit=config.edit_path, sources=[source_ref(a) for a in site.articles]
    )
    own = {c.article.slug for c in site.own_pages}
    return render_template(
        "home.md.j2",
        front_matter=front,
        config=config,
        topics=site.topics,
        brief=brief,
        articles=site.articles,
        own=own,
    )


def _paragraph_run(slug: str, paragraph: Paragraph) -> Run:
    """A whole paragraph as one excerpt (an article page quotes it all)."""
    return Run(slug, paragraph.number, tuple(Placement(s, topic="", score=0.0) for s in paragraph.sentences))


def _source_page(article: Article) -> str:
    description = f"The full text of the article “{article.title}”, paragraph by paragraph."
    front = front_matter(article.title, description, edit=article.path, sources=[source_ref(article)])
    return render_template("source.md.j2", front_matter=front, article=article)
