"""Render: classified articles -> Markdown pages (pure; nothing is written).

Pages are built from Jinja templates in ``templates/``; article text passes
through :func:`mdtext.literal` so it can never become markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from . import claims, grouping, reading, topicpages
from .bodytext import GuideRules
from .marker import MARKER_LINE
from .mdtext import attribute, short_title
from .model import Article, ClassifiedArticle, Corpus, Group, Page, Paragraph, Placement, Run, SiteConfig, Topic
from .pagecache import Deferred, PageCache, resolve
from .pagekit import front_matter, quote_anchor, render_template, source_ref
from .sections import fits, sections
from .sitepages import nav_globs
from .timeline import Event, event_inputs, timeline_path, year_pages


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


def _runs_by_topic(classified: ClassifiedArticle) -> dict[str, tuple[Run, ...]]:
    """:func:`runs` of every topic the article has sentences on, in one pass."""
    slug = classified.article.slug
    result: dict[str, list[Run]] = {}
    current: dict[str, list[Placement]] = {}
    for placement in classified.placements:
        topic = placement.topic
        open_ = current.get(topic)
        if open_:
            last = open_[-1].sentence
            sentence = placement.sentence
            if last.paragraph == sentence.paragraph and last.index + 1 == sentence.index:
                open_.append(placement)
                continue
            result.setdefault(topic, []).append(Run(slug, open_[0].sentence.paragraph, tuple(open_)))
        current[topic] = [placement]
    for topic, open_ in current.items():
        result.setdefault(topic, []).append(Run(slug, open_[0].sentence.paragraph, tuple(open_)))
    return {topic: tuple(found) for topic, found in result.items()}


def article_order(article: Article) -> tuple[int, str, str]:
    """Newest first by published date (undated last), then by title."""
    published = article.meta.published
    return (-published.toordinal() if published else 1, article.title.casefold(), article.slug)


PageBuilder = Callable[[Corpus], Iterable[Page | Deferred]]  # a Deferred page is rendered only if it changed


def corpus(
    classified: Sequence[ClassifiedArticle],
    config: SiteConfig,
    events: Sequence[Event] = (),
    rules: GuideRules | None = None,
    readings: Mapping[str, claims.Reading] | None = None,
    cache: PageCache | None = None,
) -> Corpus:
    """Order the articles and split them: fitting ones feed the topic pages,
    the others get a page of their own (see :mod:`explainer.sections`).
    ``events`` (the Timeline's) and ``rules`` (config/guides.yml) let the home
    page tell the story and pick sentences that stand alone; ``readings``
    (article slug -> :func:`explainer.claims.read`, kept in the per-article
    cache) spare the claims reading every sentence again; with ``cache``, a
    topic's claims are found again only when its sentences changed."""
    ordered = tuple(sorted(classified, key=lambda c: article_order(c.article)))
    fit = [fits(c, config.min_matched_share) for c in ordered]
    fitting = [c for c, fitted in zip(ordered, fit, strict=True) if fitted]
    by_topic = [(c, _runs_by_topic(c)) for c in fitting]  # one pass per article, not one per topic
    origins: dict[int, tuple[Group, ClassifiedArticle, str]] = {}
    groups: dict[str, tuple[Group, ...]] = {}
    for topic in config.topics:
        made = []
        for item, by in by_topic:
            if topic.slug in by:
                group = Group(item.article, by[topic.slug])
                origins[id(group)] = (group, item, topic.slug)
                made.append(group)
        groups[topic.slug] = tuple(made)
    topics = tuple(t for t in config.topics if groups[t.slug])  # never an empty page
    own = tuple(c for c, fitted in zip(ordered, fit, strict=True) if not fitted)
    found = {topic.slug: _claims(topic.slug, groups[topic.slug], readings, cache, origins) for topic in topics}
    shown = {slug: claims_ for slug, (claims_, _) in found.items()}
    counts = {slug: counted for slug, (_, counted) in found.items()}
    return Corpus(config, ordered, topics, groups, own, tuple(events), rules, shown, counts, origins)


def _claims(
    topic: str,
    groups: tuple[Group, ...],
    readings: Mapping[str, claims.Reading] | None,
    cache: PageCache | None,
    origins: Mapping[int, tuple[Group, ClassifiedArticle, str]] | None = None,
) -> tuple[tuple[claims.Claim, ...], claims.Counts]:
    """The claims the topic's page shows (:func:`explainer.claims.find_shown`:
    :func:`explainer.topicpages.leading` of all it finds) and their counts;
    or, with ``cache``, those an earlier run kept under a key that covers all
    it reads. Only what the page shows is kept (a few claims, not every one
    of thousands): a topic the run does not change costs one look-up. A kept
    value is untrusted: one that could not be these groups' (:func:`_kept`)
    is found again, with a note.

    find_shown (as find_claims) reads the groups' placements (each sentence's index,
    paragraph and text) and each article's slug and published date (and
    ``readings``, which follow from the article). A group :func:`corpus` made
    for ``topic`` (``origins``) is its classified article's placements on the
    topic, so the key names that article as the page cache counts it (its
    digest: the article's key, which covers its source file and so its slug,
    date and sentences, and every placement) with the topic slug and the
    code and configuration (the cache's salt): one string per article, not
    every sentence's text. A group the cache cannot count so, or any other
    group, is keyed by what find_claims reads of it, as before."""
    if cache is None:
        return claims.find_shown(groups, topicpages.KEY_POINTS, readings=readings)
    made = origins or {}
    keyed: list[object] = []
    for group in groups:
        origin = made.get(id(group))  # by identity, as _keyed
        keyed.append(origin[1] if origin is not None and origin[0] is group and origin[2] == topic else group)
    digest = cache.key(f"claims/{topic}", [topic, keyed])
    inputs = [topic, digest] if digest is not None else [topic, _claim_inputs(groups)]
    key, data, invalid = cache.recall("shown", inputs, claims.SHOWN)
    kept = _kept(data, groups, readings) if data is not None else None
    if kept is not None:
        cache.carry("grouping", topic)  # the grouping they came from, for the run that changes them
        cache.carry_sealed("verdicts", topic)
        return kept
    if data is not None or invalid:
        cache.notes.append(f"the claims kept for topic {topic!r} are not valid: ignored (found again)")
    grouped, last, bad = cache.recall("grouping", topic, grouping.Record)
    judged, verdicts = cache.recall_sealed("verdicts", topic, grouping.Verdicts)
    memory = claims.Memory(cache.articles, last, verdicts=verdicts)
    shown, counts = claims.find_shown(groups, topicpages.KEY_POINTS, readings=readings, memory=memory)
    if (bad or memory.refused) and memory.made is not None:  # (a topic of one sentence groups nothing)
        cache.notes.append(f"the grouping kept for topic {topic!r} does not fit: ignored (grouped again)")
    cache.keep(key, [claims.to_data(shown), [counts.claims, counts.merged, counts.conflicts]])
    if memory.made is not None:
        cache.keep(grouped, memory.made)
    if memory.verdicts_made is not None:
        cache.keep_sealed(judged, memory.verdicts_made)
    return shown, counts


def _kept(
    data: Any, groups: tuple[Group, ...], readings: Mapping[str, claims.Reading] | None
) -> tuple[tuple[claims.Claim, ...], claims.Counts] | None:
    """A kept :data:`explainer.claims.SHOWN` value, if it could be these
    groups': claims that could be theirs (:func:`explainer.claims.from_kept`),
    as many as a page shows of as many as counted, and counts that add up
    (each claim merges one sentence or more, and those shown are counted).
    A forged value can at worst lead the page with other real sentences of
    the topic, cited to their own sources, or change the report's figures."""
    stored, (count, merged, conflicts) = data
    shown = claims.from_kept(stored, groups, readings)
    if shown is None or len(shown) != min(count, topicpages.KEY_POINTS):
        return None
    least = claims.Counts.of(shown)
    if merged < least.merged + (count - len(shown)) or not least.conflicts <= conflicts <= count:
        return None
    return shown, claims.Counts(count, merged, conflicts)


def _claim_inputs(groups: Iterable[Group]) -> list[object]:
    """Everything find_claims reads of the groups, in order: each article's
    slug and published date and every sentence placed (index, paragraph, text)."""
    return [
        [
            g.article.slug,
            g.article.meta.published.isoformat() if g.article.meta.published else None,
            [[p.sentence.index, p.sentence.paragraph, p.sentence.text] for r in g.runs for p in r.placements],
        ]
        for g in groups
    ]


def _keyed(site: Corpus, groups: Iterable[Group], topic: str) -> list[object]:
    """``groups`` as a page's key counts them: a group :func:`corpus` made for
    ``topic`` as the classified article it was made from (its runs follow
    from that article and the topic, which every such page's inputs name,
    and the page cache knows that article's digest already: one string, not
    one per quoted run); any other group (cut by a key point, split on a long
    page, or made elsewhere) as itself."""
    keyed: list[object] = []
    for group in groups:
        origin = site.origins.get(id(group))  # each group corpus() made, by identity
        if origin is not None and origin[0] is group and origin[2] == topic:
            keyed.append(origin[1])
        else:
            keyed.append(group)
    return keyed


def render_site(site: Corpus, builders: Sequence[PageBuilder] = (), cache: PageCache | None = None) -> tuple[Page, ...]:
    """Every generated page of the site (from :func:`corpus`), in a stable order.

    Each builder turns the corpus into pages; ``builders`` adds more after
    :data:`PAGE_BUILDERS`. With ``cache``, a deferred page whose inputs are
    unchanged since a run is not rendered again (:mod:`explainer.pagecache`)."""
    pages = resolve((item for builder in (*PAGE_BUILDERS, *builders) for item in builder(site)), cache)
    return tuple(sorted(pages, key=lambda p: p.path))


TopicPlan = tuple[tuple[topicpages.KeyPoint, ...], tuple[Group, ...], topicpages.TopicLayout]


def topic_plan(site: Corpus, topic: Topic) -> TopicPlan:
    """A topic's key points, the groups left for its articles' sections, and
    where those go: one answer for the topic pages and the navigation
    (worked out once per corpus)."""
    plan: TopicPlan | None = site.plans.get(topic.slug)  # the topic pages and the navigation both ask
    if plan is None or plan[2].topic is not topic:
        plan = site.plans[topic.slug] = _topic_plan(site, topic)
    return plan


def _topic_plan(site: Corpus, topic: Topic) -> TopicPlan:
    points = topicpages.key_points(site.claims.get(topic.slug, ()))
    rest = topicpages.without(site.groups[topic.slug], [ref for point in points for ref in point.shown])
    return points, rest, topicpages.layout(topic, rest)


def topic_pages(site: Corpus) -> Iterator[Deferred]:
    """A page per topic and, for a topic quoted at length, its sub-pages by year
    (see :mod:`explainer.topicpages`). Each is deferred: made only when what it
    shows changed (the lead page: the topic's groups, from which its claims and
    layout follow; a sub-page: its own groups)."""
    for topic in site.topics:
        groups = site.groups[topic.slug]
        points, rest, plan = topic_plan(site, topic)
        yield Deferred(
            plan.path,
            (topic, site.topics, site.config, _keyed(site, groups, topic.slug)),
            partial(_lead_page, site, topic, points, rest, plan),
        )
        for part in plan.parts:
            make = partial(
                _made,
                part.path,
                partial(_topic_part, topic, part, site.config),
                short_title(part.label),
                partial(_cites, part.groups),
            )
            inputs = (topic, site.config, part.path, part.label, _keyed(site, part.groups, topic.slug))
            yield Deferred(part.path, inputs, make)


def _lead_page(
    site: Corpus,
    topic: Topic,
    points: Sequence[topicpages.KeyPoint],
    rest: Sequence[Group],
    plan: topicpages.TopicLayout,
) -> Page:
    """The topic page itself (made only when its key changed: what it relates
    to and sums up is worked out here, not for every run)."""
    groups = site.groups[topic.slug]
    found = {k for g in groups for r in g.runs for p in r.placements for k in p.signals}
    related = reading.related(topic, found, site.topics)
    brief = [] if points else reading.in_brief(rest, site.rules)  # key points say it better
    cites = (
        _cites(plan.lead)
        | {(run.slug, run.paragraph) for _, run in brief}
        | {(ref.slug, ref.paragraph) for point in points for ref in point.shown}
    )
    text = _topic_page(plan, groups, brief, site.config, related, points)
    return Page(plan.path, text, short_title(topic.title), cites)


def _made(path: str, text: Callable[[], str], title: str, cites: Callable[[], frozenset[tuple[str, int]]]) -> Page:
    return Page(path, text(), title, cites())


def _cites(groups: Iterable[Group]) -> frozenset[tuple[str, int]]:
    return frozenset((g.article.slug, r.paragraph) for g in groups for r in g.runs)


def home_page(site: Corpus) -> Iterator[Deferred]:
    inputs = (
        site.config,
        site.topics,
        site.classified,
        [_keyed(site, site.groups[t.slug], t.slug) for t in site.topics],
        event_inputs(site.events),
    )
    yield Deferred("index.md", inputs, lambda: Page("index.md", _home_page(site), short_title(site.config.title)))


def source_pages(site: Corpus) -> Iterator[Page | Deferred]:
    """The Sources section: an index, grouped by year when there are several,
    and one page per article. Past :data:`SOURCES_PER_PAGE` articles the index
    lists the years, and each year (in parts when it is busy) has a page."""
    years: dict[str, list[Article]] = {}
    for article in site.articles:
        years.setdefault(_year(article), []).append(article)
    own = {c.article.slug for c in site.own_pages}
    parts = source_year_pages(site)
    if not parts:
        front = front_matter("Sources", _SOURCES_DESCRIPTION, edit=site.config.edit_path)
        page = render_template(
            "sources.md.j2", front_matter=front, title="Sources", years=years, own=own, parts=(), prefix="", up=False
        )
        yield Page("sources/index.md", page, "Sources")
    else:
        rows: dict[str, tuple[int, list[tuple[str, str]]]] = {}
        for year, label, path, articles in parts:
            count, links = rows.get(year, (0, []))
            rows[year] = (count + len(articles), [*links, (label, path.removeprefix("sources/"))])
            # Deferred: a year page shows its articles (keyed by their cache
            # entries), which of them have their own page, and its label.
            inputs = (site.config, path, year, label, articles, [a.slug in own for a in articles])
            yield Deferred(path, inputs, partial(_source_year, site.config, path, year, label, articles, own))
        front = front_matter("Sources", _SOURCES_DESCRIPTION, edit=site.config.edit_path)
        listing = [(year, count, links) for year, (count, links) in rows.items()]
        page = render_template(
            "sources.md.j2", front_matter=front, title="Sources", parts=listing, total=len(site.articles)
        )
        yield Page("sources/index.md", page, "Sources")
    for article in site.articles:
        yield Deferred(f"sources/{article.slug}.md", article, partial(_source, article))


def _source_year(config: SiteConfig, path: str, year: str, label: str, articles: list[Article], own: set[str]) -> Page:
    front = front_matter(f"Sources: {label}", _SOURCES_DESCRIPTION, edit=config.edit_path)
    page = render_template(
        "sources.md.j2",
        front_matter=front,
        title=f"Sources: {label}",
        years={year: articles},
        own=own,
        parts=(),
        prefix="../",
        up=True,
    )
    return Page(path, page, label)


def _source(article: Article) -> Page:
    return Page(f"sources/{article.slug}.md", _source_page(article), short_title(article.title))


_SOURCES_DESCRIPTION = "The articles this explainer quotes, each shown in full with numbered paragraphs."
SOURCES_PER_PAGE = 300  # articles the Sources index lists; past it, a page per year


def source_year_pages(site: Corpus) -> list[tuple[str, str, str, list[Article]]]:
    """The Sources section's year pages, as (year, label, path, articles); none
    up to :data:`SOURCES_PER_PAGE` articles (the index lists them all)."""
    if len(site.articles) <= SOURCES_PER_PAGE:
        return []
    years: dict[str, list[Article]] = {}
    for article in site.articles:
        years.setdefault(_year(article), []).append(article)
    pages = []
    for year, articles in years.items():
        for number, start in enumerate(range(0, len(articles), SOURCES_PER_PAGE), start=1):
            name, label = (year, year) if number == 1 else (f"{year}-{number}", f"{year}, part {number}")
            pages.append((year, label, f"sources/years/{name.lower()}.md", articles[start : start + SOURCES_PER_PAGE]))
    return pages


def article_pages(site: Corpus) -> Iterator[Deferred]:
    """A page per article that does not fit the topics, split by its own subheadings."""
    for item in site.own_pages:
        yield Deferred(f"articles/{item.article.slug}.md", item, partial(_article_page, item))


def _article_page(item: ClassifiedArticle) -> Page:
    article = item.article
    description = f"What the article “{article.title}” says, section by section."
    front = front_matter(article.title, description, edit=article.path, sources=[source_ref(article)])
    parts = [
        {"section": section, "excerpts": [_paragraph_run(article.slug, p) for p in section.paragraphs]}
        for section in sections(item)
    ]
    return Page(
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
    article_years: dict[str, list[str]] = {}
    if len(site.own_pages) > NAV_LIST_LIMIT:
        for item in site.own_pages:
            article_years.setdefault(_year(item.article), []).append(item.article.slug)
    context = {
        "topics": [(topic, topic_plan(site, topic)[2].parts) for topic in site.topics],
        "articles": bool(site.own_pages),
        "article_years": article_years,
        "years": years,
        "guides": nav_globs(),
        "timeline": year_pages(site.events),
        "source_years": {year: path for year, _, path, _ in reversed(source_year_pages(site))},  # each year's first
    }
    yield Page(".nav.yml", render_template("nav.yml.j2", marker=MARKER_LINE, **context))


def _year(article: Article) -> str:
    published = article.meta.published
    return str(published.year) if published else "Undated"


NAV_LIST_LIMIT = 25


PAGE_BUILDERS: tuple[PageBuilder, ...] = (topic_pages, home_page, source_pages, article_pages, nav_page)


# Helper functions


def _topic_page(
    plan: topicpages.TopicLayout,
    groups: Sequence[Group],
    brief: Sequence[tuple[Run, Run]],
    config: SiteConfig,
    related: Sequence[reading.Related] = (),
    points: Sequence[topicpages.KeyPoint] = (),
) -> str:
    """A topic page: key points (or "In brief"), the newest articles' quotes,
    links to the earlier coverage, related pages. ``groups`` are all of the
    topic's, for the facts about the whole topic (what was added last)."""
    topic = plan.topic
    articles = {g.article.slug: g.article for g in groups}
    cited = [ref.slug for point in points for ref in point.shown]
    shown = (
        {slug: articles[slug] for slug in cited}
        | {g.article.slug: g.article for g in plan.lead}
        | {run.slug: articles[run.slug] for _, run in brief}
    )
    front = front_matter(
        topic.title,
        topic.description,
        edit=config.edit_path,
        tags=[attribute(tag) for tag in topic.tags],  # the tags plugin shows them as HTML
        sources=[source_ref(article) for article in shown.values()],
    )
    facts = {
        "minutes": reading.reading_minutes(
            [topic.description, *(r.text for g in plan.lead for r in g.runs), *(p.claim.wording.text for p in points)]
        ),
        "update": reading.latest_update(groups),
    }
    return render_template(
        "topic.md.j2",
        front_matter=front,
        topic=topic,
        plan=plan,
        brief=brief,
        points=points,
        articles=articles,
        related=related,
        anchor=quote_anchor,
        **facts,
    )


def _topic_part(topic: Topic, part: topicpages.TopicPart, config: SiteConfig) -> str:
    articles = {g.article.slug: g.article for g in part.groups}
    front = front_matter(
        f"{topic.title}: {part.label}",
        f"Every quoted paragraph on {topic.title} from the {part.label} coverage, article by article.",
        edit=config.edit_path,
        sources=[source_ref(article) for article in articles.values()],
    )
    return render_template("topic_part.md.j2", front_matter=front, topic=topic, part=part)


def _home_page(site: Corpus) -> str:
    brief = reading.home_brief(site)
    story = reading.story(site)
    config = site.config
    quoted = {e.article.slug: e.article for e in story} | {
        a.slug: a for a in site.articles if any(run.slug == a.slug for _, run in brief)
    }
    front = front_matter(
        config.title,
        config.summary,
        edit=config.edit_path,
        sources=[source_ref(a) for a in site.articles if a.slug in quoted],
    )
    own = {c.article.slug for c in site.own_pages}
    fitting = [a for a in site.articles if a.slug not in own]
    return render_template(
        "home.md.j2",
        front_matter=front,
        config=config,
        topics=site.topics,
        brief=[{"topic": topic, "run": run} for topic, run in brief],
        story=story,
        timeline=timeline_path(len(site.events)),
        articles=site.articles,
        fitting=fitting[:HOME_LIST_LIMIT],
        fitting_count=len(fitting),
        others=[a for a in site.articles if a.slug in own][:HOME_LIST_LIMIT],
        others_count=len(own),
        own=own,
    )


HOME_LIST_LIMIT = NAV_LIST_LIMIT  # articles listed on the home page; past it, the newest, and a link to Sources


def _paragraph_run(slug: str, paragraph: Paragraph) -> Run:
    """A whole paragraph as one excerpt (an article page quotes it all)."""
    return Run(slug, paragraph.number, tuple(Placement(s, topic="", score=0.0) for s in paragraph.sentences))


def _source_page(article: Article) -> str:
    description = f"The full text of the article “{article.title}”, paragraph by paragraph."
    front = front_matter(article.title, description, edit=article.path, sources=[source_ref(article)])
    return render_template("source.md.j2", front_matter=front, article=article)
