"""The MkDocs hooks' bounds on what a page becomes: what snippets may add to
a page, nesting too deep for Python-Markdown, and which pages the feed is
made from (tested on the hooks themselves; tests/hostile/test_site_input.py
runs them in real builds)."""

from __future__ import annotations

import types
from pathlib import Path

import markdown
import pytest
from mkdocs.exceptions import PluginError

from explainer.files import MAX_SOURCE_BYTES
from explainer.marker import MARKER_LINE
from tests.helpers import load_script

hooks = load_script("hooks/explainer_hooks.py")


# The extensions of mkdocs.yml, then the hooks' own.
SITE = ["abbr", "admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]


def _convert(includes: Path, page: str) -> str:
    """``page`` made HTML as the site makes it: snippets from ``includes``."""
    extensions = [*SITE, "pymdownx.snippets", hooks._OneLineSnippets(), hooks._NotTooDeep()]
    settings = {"pymdownx.snippets": {"base_path": [str(includes)], "check_paths": True}}
    return str(markdown.Markdown(extensions=extensions, extension_configs=settings).convert(page))


@pytest.fixture
def includes(tmp_path: Path) -> Path:
    folder = tmp_path / "includes"
    folder.mkdir()
    return folder


# What snippets may add to a page.


def test_the_cap_is_what_a_page_may_hold() -> None:
    assert hooks.MAX_SNIPPET_CHARACTERS == MAX_SOURCE_BYTES


def test_one_snippet_included_too_many_times_is_refused(includes: Path) -> None:
    """A 1 MB snippet, included 25 times, would add 25 MB to the page."""
    (includes / "big.md").write_text(("x" * 999 + "\n") * 1000, encoding="utf-8")
    assert _convert(includes, '--8<-- "big.md"\n' * 2).count("x" * 999) == 2000  # 2 MB: allowed
    with pytest.raises(PluginError, match=r"snippets add over 20,000,000 characters to it") as refused:
        _convert(includes, '--8<-- "big.md"\n' * 25)
    assert "\n" not in str(refused.value)


def test_snippets_including_snippets_are_counted_as_they_grow(includes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each level includes the one below ten times: a 20-character line,
    10**9 times at level 9 (20 GB), counted as it grows."""
    monkeypatch.setattr(hooks, "MAX_SNIPPET_CHARACTERS", 100_000)
    (includes / "level0.md").write_text("twenty characters..\n", encoding="utf-8")
    for level in range(1, 10):
        (includes / f"level{level}.md").write_text(f'--8<-- "level{level - 1}.md"\n\n' * 10, encoding="utf-8")
    assert _convert(includes, '--8<-- "level3.md"\n').count("twenty characters") == 1000
    for level in (5, 9):
        with pytest.raises(PluginError, match=r"snippets add over 100,000 characters"):
            _convert(includes, f'--8<-- "level{level}.md"\n')


def test_the_indentation_a_snippet_gets_counts(includes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of a snippet gets the indentation of its --8<-- line: a
    file of empty lines, included from a line indented far, is that many
    characters a line."""
    monkeypatch.setattr(hooks, "MAX_SNIPPET_CHARACTERS", 1_000_000)
    (includes / "empty.md").write_text("\n" * 10_000, encoding="utf-8")
    _convert(includes, '--8<-- "empty.md"\n')  # 10,000 characters
    with pytest.raises(PluginError, match=r"snippets add over 1,000,000 characters"):
        _convert(includes, " " * 200 + '--8<-- "empty.md"\n')  # 2,010,000
    with pytest.raises(PluginError, match=r"snippets add over 1,000,000 characters"):
        _convert(includes, "--8<--\n" + "\t" * 50 + "empty.md\n--8<--\n")  # a block: its path's indentation


def test_the_count_starts_again_for_every_page(includes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "MAX_SNIPPET_CHARACTERS", 100_000)
    (includes / "part.md").write_text("y" * 59_999 + "\n", encoding="utf-8")
    extensions = ["pymdownx.snippets", hooks._OneLineSnippets()]
    settings = {"pymdownx.snippets": {"base_path": [str(includes)], "check_paths": True}}
    md = markdown.Markdown(extensions=extensions, extension_configs=settings)
    for _ in range(3):  # 60,000 each time: never over the cap
        assert "y" * 59_999 in md.reset().convert('--8<-- "part.md"\n')


def test_the_page_is_named(includes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "MAX_SNIPPET_CHARACTERS", 10)
    (includes / "part.md").write_text("eleven char\n", encoding="utf-8")
    page = types.SimpleNamespace(meta={}, file=types.SimpleNamespace(src_uri="big.md"))
    try:
        hooks.on_page_markdown("", page=page, config={}, files=None)
        with pytest.raises(PluginError, match=r"^docs/big\.md: a snippet \(--8<--\) cannot be used: the page's"):
            _convert(includes, '--8<-- "part.md"\n')
    finally:
        hooks.on_page_content("", page=page, config={}, files=None)


# Nesting too deep for Python-Markdown's recursion.


@pytest.mark.parametrize(
    "page",
    [
        "*a " * 2000 + "x" + " b*" * 2000,  # emphasis in emphasis: no check before the build sees it
        "**a " * 2000 + "x" + " b**" * 2000,
        "- " * 600 + "x",
    ],
)
def test_nesting_too_deep_to_become_html_is_one_line(includes: Path, page: str) -> None:
    with pytest.raises(PluginError, match=r"is nested too deeply to become HTML") as refused:
        _convert(includes, page + "\n")
    assert "\n" not in str(refused.value)
    assert "<em>" in _convert(includes, "*a " * 30 + "x" + " b*" * 30 + "\n")  # the same, less deep


# The feed: from generated pages only.


def _feed_page(tmp_path: Path, src: str, front: str, *, generated: bool) -> types.SimpleNamespace:
    path = tmp_path / "docs" / src
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(("---\n" + MARKER_LINE + "\n" if generated else "---\n") + front + "\n---\n# T\n", "utf-8")
    refs = [{"slug": slug, "title": f"Title of {slug}"} for slug in front.split("slug: ")[1:]]
    file = types.SimpleNamespace(src_uri=src, abs_src_path=str(path))
    url = src.removesuffix(".md") + "/"
    return types.SimpleNamespace(file=file, meta={"title": f"Page {src}", "sources": refs}, url=url, title=src)


def _feed(tmp_path: Path, *pages: types.SimpleNamespace) -> str:
    config = {"site_url": "https://example.org/", "site_name": "Site", "site_dir": str(tmp_path / "site")}
    (tmp_path / "site").mkdir(exist_ok=True)
    hooks._feed_sources.clear()
    hooks._feed_topics.clear()
    for page in pages:
        hooks._collect_feed(page, config)
    hooks.on_post_build(config=config)
    return (tmp_path / "site/feed.xml").read_text(encoding="utf-8")


def test_only_generated_pages_make_the_feed(tmp_path: Path) -> None:
    real = _feed_page(tmp_path, "sources/a.md", "sources:\n- slug: a", generated=True)
    topic = _feed_page(tmp_path, "topic.md", "sources:\n- slug: a", generated=True)
    forged = _feed_page(tmp_path, "sources/zz.md", "sources:\n- slug: a", generated=False)
    added = _feed_page(tmp_path, "notes.md", "sources:\n- slug: a", generated=False)
    invented = _feed_page(tmp_path, "sources/b.md", "sources:\n- slug: b", generated=False)
    for order in [(real, topic, forged, added, invented), (forged, added, invented, real, topic)]:
        feed = _feed(tmp_path, *order)
        assert feed.count("<entry>") == 1 and "https://example.org/sources/a/" in feed
        assert 'title="Page topic.md"' in feed and "notes" not in feed and "zz" not in feed and "sources/b" not in feed


def test_a_generated_source_page_names_its_own_article(tmp_path: Path) -> None:
    """The generator writes an article's Source page at sources/<its slug>.md:
    a marked page elsewhere naming it is not the generator's."""
    forged = _feed_page(tmp_path, "sources/zz.md", "sources:\n- slug: a", generated=True)
    with pytest.raises(PluginError, match=r"^docs/sources/zz\.md: a Source page names the article 'a', not its own"):
        _feed(tmp_path, forged)


def test_the_feed_is_never_written_with_a_character_xml_forbids(tmp_path: Path) -> None:
    """Front matter and titles are checked before the build; this is the last
    word whatever reaches the feed."""
    page = _feed_page(tmp_path, "sources/a.md", "sources:\n- slug: a", generated=True)
    page.meta["sources"][0]["title"] = "Bell \a"
    with pytest.raises(PluginError, match=r"^feed\.xml: line \d+ would hold U\+0007, which XML forbids"):
        _feed(tmp_path, page)
    assert not (tmp_path / "site/feed.xml").exists()
