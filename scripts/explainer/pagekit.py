"""The page toolkit: what every page builder uses to write a page.

Below the builders (:mod:`explainer.render` for the topic, home, source and
article pages; :mod:`explainer.timeline`, :mod:`explainer.glossary` and
:mod:`explainer.names` for the guides), above nothing but the model: the
Jinja environment and its filters, front matter with the marker, the credit
line of an article, and the one ¶ link to a source paragraph, used by the
Python code and the templates alike.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import yaml

from .links import web_url
from .marker import MARKER_LINE
from .mdtext import attribute, literal, short_title
from .model import Article, Run


def source_link(slug: str, paragraph: int | None = None, prefix: str = "") -> str:
    """The address of an article's Source page, or of one of its paragraphs."""
    return f"{prefix}sources/{slug}.md" + (f"#p{paragraph}" if paragraph is not None else "")


def pilcrow(slug: str, paragraph: int, prefix: str = "") -> str:
    """The ¶ link to a source paragraph, with its attribute list: every page
    that quotes a sentence cites it with this. Its "¶3" is not indexed for
    search (tens of thousands of them say nothing a reader looks for)."""
    return (
        f"[¶{paragraph}]({source_link(slug, paragraph, prefix)})"
        f'{{ .provenance aria-label="Source paragraph {paragraph}" data-search-exclude }}'
    )


def quote_anchor(run: Run) -> str:
    """The id of a quoted paragraph on its topic page: unique per article and sentence."""
    return f"q-{run.slug}-{run.placements[0].sentence.index}"


def source_ref(article: Article) -> dict[str, str]:
    """Attribution data for the page template (shown escaped by the theme partial)."""
    meta = article.meta
    ref = {"slug": article.slug, "title": article.title}
    for key in ("publisher", "author", "url", "licence"):
        value = getattr(meta, key)
        if value:
            ref[key] = value
    if meta.published:
        ref["published"] = meta.published.isoformat()
    return ref


def front_matter(title: str, description: str, *, edit: str, **extra: object) -> str:
    """YAML front matter, marker first. ``title`` and ``description`` are read
    as HTML by the theme, so they are escaped here; the rest is escaped by our
    own templates."""
    data: dict[str, object] = {"title": attribute(short_title(title)), "description": attribute(description)}
    data.update({k: v for k, v in extra.items() if v})
    data["edit_path"] = edit
    body = "".join(
        f"{key}:\n" + "".join(_yaml_ref(tuple(ref.items())) for ref in value)
        if key == "sources" and isinstance(value, list)
        else _yaml({key: value})
        for key, value in data.items()
    )
    return f"---\n{MARKER_LINE}\n{body}---\n"


def _yaml(data: object) -> str:
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10_000)


@functools.cache
def _yaml_ref(items: tuple[tuple[str, str], ...]) -> str:
    """One item of a ``sources:`` list, dumped once per run however many pages
    list it (a topic page lists hundreds): a block mapping's text is the
    concatenation of its keys' texts, a block list's of its items' texts."""
    return _yaml([dict(items)])


def long_date(value: date) -> str:
    return f"{value.day} {value:%B} {value.year}"


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: same text, ~10x faster
_BLANK_LINES = re.compile(r"\n{3,}")
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # the output is Markdown; escaping is the `literal` filter's job
)
_ENV.filters.update(
    literal=literal,
    longdate=long_date,
    weburl=web_url,
    quoted=lambda text: f"“{text}”",
    attribute=attribute,
    short_title=short_title,
)


def _excerpt(run: Run, prefix: str, id: str = "") -> str:
    """A quoted run with its ¶ link to the Source page, and its attribute list.

    Plain Python, not a template macro: a large site has tens of thousands
    of them, and a macro call costs ten times as much."""
    label = f"#{id} " if id else ""
    return f"{literal(run.text)} {pilcrow(run.slug, run.paragraph, prefix)}\n{{: {label}.excerpt }}"


def _anchored_excerpts(runs: Iterable[Run], prefix: str = "") -> str:
    """A topic page's excerpts of one article, each with its anchor and a blank line after."""
    return "".join(_excerpt(run, prefix, quote_anchor(run)) + "\n\n" for run in runs)


def _credit(article: Article) -> str:
    """Title, publisher and date of an article, for a link to its Source page."""
    meta = article.meta
    text = literal(article.title)
    if meta.publisher:
        text += f", {literal(meta.publisher)}"
    if meta.published:
        text += f", {long_date(meta.published)}"
    return text


def _outlet(article: Article) -> str:
    """Who reports it, in a list of sources: the publisher, else the title."""
    return literal(article.meta.publisher or short_title(article.title, 60))


_COUNTS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def sources_count(number: int) -> str:
    """ "one source", "two sources", "12 sources": a count as prose writes it."""
    word = _COUNTS[number] if number < len(_COUNTS) else f"{number:,}"
    return f"{word} source" + ("" if number == 1 else "s")


_ENV.filters["sources_count"] = sources_count


class _Listed(NamedTuple):
    shown: list[Any]  # every page that is not a Source page, then the first Source pages
    more: int  # how many Source pages are left out


def _listed(links: Sequence[Any], most: int) -> _Listed:
    """What a guide shows of the pages that mention a term or a name (the
    ``_mentions`` macro): in Python, not in template filters, as a name in a
    thousand articles has a thousand Source pages to tell apart."""
    pages = [link for link in links if not link.is_source]
    sources = [link for link in links if link.is_source]
    return _Listed(pages + sources[:most], max(0, len(sources) - most))


_ENV.filters["listed"] = _listed
_ENV.globals.update(
    excerpt=_excerpt, anchored_excerpts=_anchored_excerpts, credit=_credit, pilcrow=pilcrow, outlet=_outlet
)


def render_template(template: str, **context: object) -> str:
    """A page from its template, with trailing spaces and extra blank lines gone."""
    text = _ENV.get_template(template).render(**context)
    text = "\n".join([line.rstrip() for line in text.strip().split("\n")])
    return _BLANK_LINES.sub("\n\n", text) + "\n"
