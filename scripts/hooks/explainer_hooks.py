"""MkDocs hooks: small dispatchers that call the explainer package.

Loaded by path (see ``hooks:`` in mkdocs.yml), so no relative imports here.
A plain ``mkdocs build`` only uses the committed pages in docs/; under
``mkdocs serve`` the pages are regenerated before every build, so an edit to
an article or to config/ shows up in the preview within a second or two.

The same hooks guard the published site: everything under docs/ is untrusted
(a pull request can add a page by hand), so every built page is checked for
markup that could run script or lead off the web (see :mod:`explainer.guard`),
and a page that has any fails the build with one line naming its file.
"""

from __future__ import annotations

import html
import logging
import os
import re
import signal
import threading
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from explainer import chars, guard, links
from explainer import files as project_files
from explainer.feed import FeedEntry, absolute, atom
from explainer.glossary import ABBREVIATIONS, Definitions
from explainer.marker import is_generated
from explainer.sitepages import RESERVED_SLUGS

log = logging.getLogger("mkdocs.hooks.explainer")
# Seconds for one page to become HTML (the largest generated page takes a few).
PAGE_TIME_LIMIT = 60
RAISE_AGAIN = 0.1  # seconds between refusals of a page past its limit, until one is heard
# Characters the snippets (--8<--) of one page may add to it, indentation
# included: as much as a page may hold. One snippet included many times, or
# snippets including snippets, grew without bound before the time limit.
MAX_SNIPPET_CHARACTERS = project_files.MAX_SOURCE_BYTES
# What XML 1.0 allows in a document (feed.xml).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_serving = False
_page = ""  # the page becoming HTML (docs/...), for errors raised by extensions
_definitions = Definitions("")
# What the feed needs, collected from the pages' front matter during a build.
_feed_sources: dict[str, dict[str, str]] = {}  # slug -> its Source page's facts
_feed_topics: dict[str, list[tuple[str, str]]] = {}  # slug -> (title, address) of topic pages quoting it


def _refused(message: str) -> PluginError:
    """The build's one-line error: a file name or a value quoted in it shows
    its control and invisible characters as escapes, never obeyed by the
    terminal or the CI log."""
    return PluginError(chars.escaped(message))


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_config(config: Any) -> Any:
    """Snippets come from the project's includes/, wherever MkDocs is run
    from (the extension reads its folders relative to the working directory),
    and one that cannot be read is one line."""
    snippets = config["mdx_configs"].get("pymdownx.snippets")
    if snippets is not None:
        root = Path(config.config_file_path).parent
        folders = snippets.get("base_path", [])
        snippets["base_path"] = [str(root / folder) for folder in ([folders] if isinstance(folders, str) else folders)]
    config["markdown_extensions"].append(_OneLineSnippets())
    config["markdown_extensions"].append(_FocusableTerms())
    config["markdown_extensions"].append(_NotTooDeep())
    return config


class _NotTooDeep(markdown.Extension):
    """A page nested too deeply for Python-Markdown, which parses nesting by
    recursion, ends the build with one line naming it, not a RecursionError
    traceback. The check of docs/ before the build bounds the nesting it
    can see (:data:`explainer.siteinput.MAX_NESTING`); this catches the rest
    (emphasis in emphasis, what snippets add)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        convert = md.convert

        def bounded(source: str) -> str:
            try:
                return convert(source)
            except RecursionError:
                raise _refused(
                    f"{_page}is nested too deeply to become HTML (emphasis, block quotes, lists or HTML"
                    " elements inside each other): refused (simplify it)"
                ) from None

        md.convert = bounded  # type: ignore[method-assign]


class _FocusableTerms(markdown.Extension):
    """Every glossary term (``<abbr title>``) can take keyboard focus, so its
    definition, which extra.css shows on hover and on focus, reaches keyboard
    and touch readers too (WCAG 2.1.1, 1.4.13); written into the HTML at build
    time, so no script runs for it in the browser. A term inside a link or a
    summary is not (HTML allows no tabindex there): focusing that shows it."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Focusable(md), "focusable_terms", 6)  # after abbr (7)


class _Focusable(Treeprocessor):
    """Also the editorial rule: a term (each of its forms, case aside) is
    marked where a page first uses it (headings aside, which keep theirs),
    and is plain text after that, so a
    page that names the digital yuan forty times carries its definition once
    and a keyboard reader meets one stop per term, not forty."""

    INTERACTIVE = frozenset({"a", "button", "label", "summary"})
    HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def run(self, root: Element) -> None:
        self._seen: set[str] = set()
        self._mark(root, inside_control=False, in_heading=False)

    def _mark(self, element: Element, *, inside_control: bool, in_heading: bool) -> None:
        for child in list(element):
            if child.tag == "abbr" and child.get("title"):
                term = ((child.text or "").casefold(), child.get("title") or "")  # "CBDC" and its long form apart
                if not in_heading and term in self._seen and not len(child):
                    _unwrap(element, child)
                    continue
                if not in_heading:
                    self._seen.add(term)
                if not inside_control and child.get("tabindex") is None:
                    child.set("tabindex", "0")
            self._mark(
                child,
                inside_control=inside_control or child.tag in self.INTERACTIVE,
                in_heading=in_heading or child.tag in self.HEADINGS,
            )


def _unwrap(parent: Element, child: Element) -> None:
    """Replace ``child`` (an element holding only text) by its text."""
    text = (child.text or "") + (child.tail or "")
    position = list(parent).index(child)
    if position == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[position - 1]
        before.tail = (before.tail or "") + text
    parent.remove(child)


class _OneLineSnippets(markdown.Extension):
    """A snippet (``--8<--``) that cannot be read (missing, outside includes/,
    not UTF-8) ends the build with one line naming it, not a traceback; so
    do snippets that would add more than :data:`MAX_SNIPPET_CHARACTERS` to
    a page (counted before each snippet's lines are used, with the
    indentation its ``--8<--`` line gives every one of them)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        if "snippet" not in md.preprocessors:
            return
        snippets = md.preprocessors["snippet"]
        run, parse = snippets.run, snippets.parse_snippets
        added = [0]
        indents = [0]  # for each snippet being expanded: the indentation its lines will get

        def counted(lines: list[str], file_name: str | None = None, *args: Any, **kwargs: Any) -> list[str]:
            indent = indents[-1]
            if file_name is not None:  # a snippet's lines (None: the page's own)
                added[0] += sum(len(line) + 1 + indent for line in lines)
                if added[0] > MAX_SNIPPET_CHARACTERS:
                    raise _TooMuch(
                        f"the page's snippets add over {MAX_SNIPPET_CHARACTERS:,} characters to it"
                        " (a snippet included too many times, or snippets including snippets)"
                    )
            indents.append(indent + _widest_indent(snippets, lines))
            try:
                return parse(lines, file_name, *args, **kwargs)
            finally:
                indents.pop()

        def one_line(lines: list[str]) -> list[str]:
            added[0], indents[:] = 0, [0]
            try:
                return run(lines)
            except Exception as exc:  # any reason a snippet cannot be used: say it on one line
                raise _refused(f"{_page}a snippet (--8<--) cannot be used: {exc}") from None

        snippets.parse_snippets = counted  # type: ignore[method-assign]
        snippets.run = one_line  # type: ignore[method-assign]


class _TooMuch(Exception):
    """Snippets that would add too much to a page."""


def _widest_indent(snippets: Any, lines: list[str]) -> int:
    """The most indentation pymdownx.snippets gives a snippet included from
    ``lines``: that of its ``--8<--`` line, or of its path in a block of them."""
    widest, block = 0, False
    for line in lines:
        if not block and "8<" not in line:  # (no marker: the common case, quickly)
            continue
        found = snippets.RE_ALL_SNIPPETS.match(line)
        if found and not found.group("escape"):
            block ^= not found.group("inline_marker")
        elif not block:
            continue
        else:
            found = snippets.RE_SNIPPET.match(line)
        if found:
            widest = max(widest, len(found.group("space").expandtabs(snippets.tab_length)))
    return widest


def on_pre_build(*, config: Any) -> None:
    """Check the folder MkDocs is about to empty and build into, and what it
    is about to read from docs/ and includes/ (see :mod:`explainer.siteinput`);
    under ``mkdocs serve``, first regenerate docs/ from sources/ and config/.

    Bad input to the generator leaves the last good pages in place: the
    preview keeps serving them and the terminal shows the one-line error
    (logged as information, so that the strict build of the preview still
    goes ahead)."""
    from mkdocs.utils import meta

    from explainer import siteinput
    from explainer.errors import ExplainerError

    if _serving:
        _regenerate(config)
    root = Path(config.config_file_path).parent
    snippets = config["mdx_configs"].get("pymdownx.snippets", {})
    includes = [Path(p) for p in snippets.get("base_path", [])]  # made absolute by on_config
    own = {str(getattr(item, "path", item)) for item in [*config["extra_css"], *config["extra_javascript"]]}
    try:
        siteinput.check_site_folder(Path(config["site_dir"]), root)
        siteinput.check(root, Path(config["docs_dir"]), includes, own, meta.get_data)
    except ExplainerError as exc:
        raise _refused(f"{exc} (see CONTRIBUTING.md, 'Untrusted input')") from None
    global _definitions
    _feed_sources.clear()
    _feed_topics.clear()
    definitions = next((folder / ABBREVIATIONS for folder in includes if (folder / ABBREVIATIONS).is_file()), None)
    _definitions = Definitions(definitions.read_text(encoding="utf-8") if definitions else "")


def _regenerate(config: Any) -> None:
    from explainer import runner
    from explainer.errors import ExplainerError
    from explainer.paths import Paths

    paths = Paths.of(Path(config.config_file_path).resolve().parent, docs=Path(config["docs_dir"]))
    try:
        outcome = runner.generate(paths)
    except ExplainerError as exc:
        log.info("explainer: error: %s (the preview shows the last good pages)", exc)
        return
    for note in outcome.notes:
        log.info("explainer: note: %s", note)
    if outcome.changed:
        log.info("explainer: regenerated %s", ", ".join(outcome.changed))


def _collect_feed(page: Any, config: Any) -> None:
    """Note what the Atom feed says about the page's article(s).

    Only generated pages feed it (those that begin with the generated-file
    marker): an article's entry comes from its own Source page,
    ``sources/<slug>.md``, and the topic pages quoting it add their links.
    A page written by hand (or taken over) adds nothing: a hand-written page
    naming an article's slug replaced that article's entry."""
    site_url, src, file = config.get("site_url"), page.file.src_uri, page.file.abs_src_path
    sources = page.meta.get("sources")
    if not site_url or not isinstance(sources, list) or not file or not is_generated(Path(file)):
        return
    address = absolute(site_url, page.url)
    refs = [r for r in sources if isinstance(r, dict) and isinstance(r.get("slug"), str)]
    if src.startswith("sources/") and src != "sources/index.md" and len(refs) == 1 and address:
        ref = {k: str(v) for k, v in refs[0].items() if isinstance(v, str | int | float)}
        if src != f"sources/{ref['slug']}.md":
            raise _refused(
                f"docs/{src}: a Source page names the article {ref['slug'][:80]!r}, not its own"
                f" ({src.removeprefix('sources/').removesuffix('.md')!r}): refused (the generator never writes"
                " this; run make build)"
            )
        _feed_sources[ref["slug"]] = {**ref, "page": address}
    elif "/" not in src and src.removesuffix(".md") not in RESERVED_SLUGS and address:
        title = str(page.meta.get("title") or page.title or src)
        for ref in refs:
            _feed_topics.setdefault(ref["slug"], []).append((title, address))


def on_post_build(*, config: Any) -> None:
    """Write ``feed.xml``: the articles, newest first, with the topic pages each feeds."""
    site_url = config.get("site_url")
    if not site_url:
        return
    entries = [
        FeedEntry(
            slug=slug,
            title=html.unescape(ref.get("title", slug)),
            page=ref["page"],
            publisher=ref.get("publisher"),
            published=ref.get("published") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref.get("published", "")) else None,
            topics=tuple(sorted((html.unescape(t), u) for t, u in _feed_topics.get(slug, []))),
        )
        for slug, ref in sorted(_feed_sources.items())
    ]
    feed = atom(str(config["site_name"]), site_url, str(absolute(site_url, "feed.xml")), entries)
    forbidden = _NOT_XML.search(feed)
    if forbidden:  # (front matter and titles are checked for them; the feed must stay XML whatever the page)
        line = feed.count("\n", 0, forbidden.start()) + 1
        raise _refused(f"feed.xml: line {line} would hold U+{ord(forbidden.group()):04X}, which XML forbids: refused")
    (Path(config["site_dir"]) / "feed.xml").write_text(feed, encoding="utf-8")


def on_page_context(context: dict[str, Any], *, page: Any, config: Any, nav: Any) -> dict[str, Any]:
    """Point "edit this page" at the file the page comes from, percent-encoded.

    ``edit_path`` (a generated page's source, from front matter: untrusted)
    must be a plain relative path. Other pages' links are built from their
    file name, which MkDocs leaves as it is and the theme prints raw in
    ``href="..."``: a quote in a file name added attributes to the link."""
    _collect_feed(page, config)
    if config.get("repo_url") and config.get("edit_uri"):
        docs_folder = Path(config["docs_dir"]).name + "/"
        edit_path = page.meta.get("edit_path") or docs_folder + page.file.src_uri
        page.edit_url = None
        if guard.plain_relative_path(edit_path):
            root_uri = config["edit_uri"].removesuffix(docs_folder)
            url = config["repo_url"].rstrip("/") + "/" + root_uri + links.path_segment(edit_path)
            page.edit_url = links.web_url(url)
    return context


def on_nav(nav: Any, *, config: Any, files: Any) -> Any:
    """Navigation titles are printed as HTML by the theme: folder names,
    titles from .nav.yml files and from pages must be text."""
    for item in _nav_items(nav.items):
        problem = guard.markup_in_text(getattr(item, "title", None))
        if problem:
            raise _refused(f"the navigation title {item.title!r} {problem}: write it as plain text (refused)")
    return nav


def on_env(env: Any, *, config: Any, files: Any) -> Any:
    """``weburl`` for the theme's templates: a checked web address, or ''.
    Every page has been read by now: its title (from front matter, its first
    heading or its file name) is shown in the navigation of every page."""
    for file in files.documentation_pages():
        problem = file.page and guard.markup_in_text(file.page.title)
        if problem:
            raise _refused(f"docs/{file.src_uri}: the page's title {problem}: write it as plain text (refused)")
    env.filters["weburl"] = lambda value: links.web_url(value) or ""
    return env


def _nav_items(items: list[Any]) -> Any:
    for item in items:
        yield item
        yield from _nav_items(getattr(item, "children", None) or [])


@event_priority(-100)  # the last thing before the page is turned into HTML
def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    """Refuse markup in the front matter fields that the theme shows as HTML
    (the title in the navigation and the tab, the description in meta tags),
    and give the page a time limit to become HTML: Python-Markdown takes
    time quadratic in the length of some hand-written input (``*a*a*a...``),
    and a build must not hang on one page."""
    global _page
    _page = f"docs/{page.file.src_uri}: "
    for key in ("title", "description"):
        problem = guard.markup_in_text(page.meta.get(key))
        if problem:
            raise _refused(f"docs/{page.file.src_uri}: front matter {key!r} {problem}: write it as plain text")
    limit = float(os.environ.get("EXPLAINER_PAGE_TIME_LIMIT", PAGE_TIME_LIMIT))
    if threading.current_thread() is threading.main_thread():

        def expired(signum: int, frame: object) -> None:
            # Again in a moment until the page is done: a signal that lands in a
            # collector callback or a __del__ has its exception ignored there.
            signal.setitimer(signal.ITIMER_REAL, RAISE_AGAIN)
            raise _refused(f"docs/{page.file.src_uri}: took over {limit:g} s to become HTML: refused (simplify it)")

        signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, limit)
    used = _definitions.for_page(markdown)  # the glossary's hover definitions this page needs
    return f"{markdown}\n\n{used}\n" if used else markdown


@event_priority(100)
def on_page_content(html: str, *, page: Any, config: Any, files: Any) -> str:
    _stop_the_clock()
    return html


def on_build_error(*, error: Exception) -> None:
    _stop_the_clock()


def _stop_the_clock() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)


def on_post_page(output: str, *, page: Any, config: Any) -> str:
    """Fail the build on a page with live markup or a link that is not a web link."""
    problem = guard.first_problem(output)
    if problem:
        raise _refused(f"docs/{page.file.src_uri}: {problem}: refused (see CONTRIBUTING.md, 'Untrusted input')")
    return output
