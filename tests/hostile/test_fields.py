"""Every field a contributor controls is text, and every link from input is a
web link: hostile values in file names, front matter, sidecars and every data
file of config/ are generated and built (strict), then the built HTML is read
back with an HTML parser that is independent of the site's own guard.

Two layers: one build with hand-picked payloads in every field at once (each
must show literally), and a property test (hypothesis) that draws values from
an alphabet of markup characters for the same fields.
"""

from __future__ import annotations

import html.parser
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.cli import main
from explainer.ingest import slug_for
from tests.helpers import copy_project, mkdocs_build, snapshot

STEM = "We\"ird <b>name<i> (1) [x] 'q' & %41 #frag?"  # quotes, markup, brackets, percent, hash
PAYLOADS = [
    '<img src=x onerror="alert(1)">',
    '"><script>alert(2)</script>',
    "javascript:alert(3)",
    "[click](javascript:alert(4))",
    "{{ config.site_name }} {% raw %}",
    "' onmouseover='alert(5)' x='",
    '<a href="data:text/html,x">six</a>',
    "{: onclick=alert(7) }",
    "*[HTML]: defined",
    "&lt;b&gt; &amp; &#x3c;",
]
WEB = {"http", "https"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "xlink:href", "srcset", "content"}


class Attributes(html.parser.HTMLParser):
    """Every tag and attribute of a page, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]


def bad_markup(page: str) -> list[str]:
    """Event handlers and non-web link targets in ``page``."""
    parser = Attributes()
    parser.feed(page)
    problems = []
    for tag, name, value in parser.found:
        if name.startswith("on"):
            problems.append(f"<{tag} {name}={value!r}>")
        if name in URL_ATTRIBUTES and (name != "content" or "://" in value or ":" in value.split("/")[0]):
            scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
            if scheme and scheme.group(1).casefold() not in WEB and name != "content":
                problems.append(f"<{tag} {name}={value!r}>")
    return problems


def _hostile_project(root: Path, values: list[str], file_stem: str) -> Path:
    """The project with ``values`` spread over every field contributors control."""
    project = copy_project(root)
    v = lambda i: values[i % len(values)]  # noqa: E731
    topics = yaml.safe_load((project / "config/topics.yml").read_text(encoding="utf-8"))
    topics["title"], topics["summary"] = f"Site {v(0)}", f"Summary {v(1)}"
    for i, topic in enumerate(topics["topics"]):
        topic["title"] = f"Topic {i} {v(i + 2)}"
        topic["description"] = f"About {v(i + 3)}"
        topic["tags"] = [f"tag {v(i + 4)}", "China"]
    (project / "config/topics.yml").write_text(yaml.safe_dump(topics, allow_unicode=True), encoding="utf-8")
    glossary = yaml.safe_load((project / "config/glossary.yml").read_text(encoding="utf-8"))
    glossary["terms"][0]["definition"] = f"Defined {v(5)}"
    glossary["terms"][0]["link"] = "https://example.org/read?" + re.sub(r"\s", "", v(6))
    glossary["terms"].append({"term": "Term seven", "definition": f"A term {v(8)}"})
    (project / "config/glossary.yml").write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    names = yaml.safe_load((project / "config/names.yml").read_text(encoding="utf-8"))
    names["names"][0]["description"] = f"Described {v(9)}"
    (project / "config/names.yml").write_text(yaml.safe_dump(names, allow_unicode=True), encoding="utf-8")
    meta = {
        "title": f"Miners {v(1)} flee",
        "publisher": f"Press {v(2)}",
        "author": f"By {v(3)}",
        "licence": f"Licence {v(4)}",
        "url": "https://example.org/story/" + re.sub(r"\s", "", v(5)),
        "published": "2021-10-01",
    }
    article = (
        "The government said miners {0} must stop. Telecom staff used an IP address list {1}.\n\n"
        "The central bank {2} repeated its ban on every crypto transaction.\n"
    )
    (project / "sources" / f"{file_stem}.txt").write_text(article.format(v(6), v(7), v(8)), encoding="utf-8")
    (project / "sources" / f"{file_stem}.yml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    return project


def _generate_and_build(project: Path) -> None:
    result = CliRunner().invoke(main, ["generate", "--root", str(project)])
    assert result.exit_code == 0, result.output
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr[-2000:]


def _pages(project: Path) -> list[Path]:
    site = project / "site"
    return [*sorted(site.rglob("*.html")), site / "search/search_index.json"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fields")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0 secret", encoding="utf-8")
    project = _hostile_project(root / "project", PAYLOADS, STEM)
    before = snapshot(outside)
    _generate_and_build(project)
    assert snapshot(outside) == before
    return project


def test_no_event_handler_or_non_web_link_from_input(hostile: Path) -> None:
    for page in _pages(hostile):
        if page.suffix == ".html":
            assert bad_markup(page.read_text(encoding="utf-8")) == [], page


def test_every_field_shows_literally(hostile: Path) -> None:
    """Each payload reaches the reader as the characters it is made of: in the
    tag chips and tags index, titles, navigation, credits, glossary and names."""
    site = hostile / "site"
    pages = {p: p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}
    shown = "\n".join(html.unescape(re.sub(r"<[^>]+>", " ", text)) for text in pages.values())
    for payload in PAYLOADS:
        if "javascript:" not in payload or "[" in payload:  # a bare scheme is text too, but not worth a search
            assert payload in shown or html.unescape(payload) in shown, payload
    tag = '<a href="data:text/html,x">six</a>'
    tags_index = html.unescape(re.sub(r"<[^>]+>", " ", pages[site / "tags/index.html"]))
    assert f"tag {tag}" in tags_index  # the tag chip, as text


def test_a_file_name_with_markup_gets_a_safe_slug_and_edit_link(hostile: Path) -> None:
    page = hostile / "site/sources" / slug_for(f"sources/{STEM}.txt") / "index.html"
    body = page.read_text(encoding="utf-8")
    edit = re.search(r'<a href="([^"]+)" title="Edit this page"', body)
    assert edit, "no edit link"
    assert edit.group(1).startswith("https://") and re.fullmatch(r"[A-Za-z0-9%/:._~-]+", edit.group(1)), edit.group(1)


def test_nothing_outside_the_project_is_read(hostile: Path) -> None:
    for page in _pages(hostile):
        assert "root:x:0:0" not in page.read_text(encoding="utf-8")


PIECES = [
    *"<>\"'`&;:=()[]{}!#*_|~^\\ %",
    "on",
    "javascript:",
    "data:",
    "{{",
    "}}",
    "<a href=",
    "<img src=x ",
    "alert(1)",
]
MARKUP = st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join)


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(values=st.lists(MARKUP.filter(lambda s: s.strip()), min_size=10, max_size=10), stem=MARKUP)
def test_any_field_value_never_becomes_markup_or_a_non_web_link(
    tmp_path_factory: pytest.TempPathFactory, values: list[str], stem: str
) -> None:
    root = tmp_path_factory.mktemp("property")
    stem = re.sub(r"[/\\\x00]", "_", stem).strip(". ") + "x"
    project = _hostile_project(root / "project", values, stem)
    result = CliRunner().invoke(main, ["generate", "--root", str(project)])
    if result.exit_code != 0:  # a refusal is fine if it is one clear line naming the file
        lines = result.stderr.strip().split("\n")
        assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, result.output
        return
    built = mkdocs_build(project)
    if built.returncode != 0:  # the site's guard refused a page: one line naming it
        assert "refused" in built.stderr or "plain text" in built.stderr, built.stderr[-1500:]
        return
    for page in _pages(project):
        if page.suffix == ".html":
            assert bad_markup(page.read_text(encoding="utf-8")) == [], (page, values)
    os.sync()


HIDDEN = "\x00\x1b[31m\x07\x7f\x9b\u202e\u2066\u2061\u200b\u00ad\U000e0041"  # controls, an escape, bidi, a tag...


INVISIBLE_SET = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2061\u00ad\U000e0041"


def _control_or_invisible(text: str) -> list[str]:
    return sorted(
        {f"U+{ord(c):04X}" for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F}
        | {f"U+{ord(c):04X}" for c in text if c in INVISIBLE_SET}
    )


def test_control_and_invisible_characters_in_data_files_never_reach_a_page(tmp_path: Path) -> None:
    """A YAML escape ("\\x1b", "\\u202e") writes any character into a data
    file's text: front matter, sidecars and config/ are read without them,
    as article text is cleaned of them."""
    project = copy_project(tmp_path / "project")
    topics = yaml.safe_load((project / "config/topics.yml").read_text(encoding="utf-8"))
    topics["title"] = f"Site{HIDDEN}title"
    topics["topics"][0]["description"] = f"About{HIDDEN}this"
    (project / "config/topics.yml").write_text(
        yaml.safe_dump(topics), encoding="utf-8"
    )  # (escaped as YAML writes them)
    glossary = yaml.safe_load((project / "config/glossary.yml").read_text(encoding="utf-8"))
    glossary["terms"][0]["definition"] = f"Defined{HIDDEN}here"
    (project / "config/glossary.yml").write_text(yaml.safe_dump(glossary), encoding="utf-8")
    meta = {"title": f"Miners{HIDDEN}flee", "author": f"By{HIDDEN}someone", "published": "2021-10-01"}
    (project / "sources/hidden.yml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    body = HIDDEN.replace("\x00", "")  # (a NUL byte in an article file is refused: a binary file)
    (project / "sources/hidden.txt").write_text(
        f"The government said miners must stop.\n\nThe central bank{body} banned every crypto transaction.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["generate", "--root", str(project)])
    assert result.exit_code == 0, result.output
    written = {
        p: p.read_text(encoding="utf-8")
        for p in [*(project / "docs").rglob("*.md"), *(project / "includes").rglob("*")]
        if p.is_file()
    }
    assert any("Miners [31m flee" in text for text in written.values())  # the title, its escape's text as text
    found = {str(p.relative_to(project)): bad for p, text in written.items() if (bad := _control_or_invisible(text))}
    assert found == {}


def test_characters_languages_spell_with_are_kept_in_names_and_text(tmp_path: Path) -> None:
    """ZWNJ (Persian, Urdu, Indic spelling), ZWJ and the bidirectional marks
    are letters' company, not tricks: a file name or a title with them is
    read as written (an override, U+202E, is refused: test_refusals.py)."""
    project = copy_project(tmp_path / "project")
    persian = "می\u200cخواهم"  # "I want", spelt with a ZWNJ
    name = f"bank-{persian}.txt"
    meta = {"title": f"Miners flee ({persian}) \u200fC++\u200e", "published": "2021-10-01"}
    (project / "sources" / name).write_text(
        "The government said miners must stop.\n\nThe central bank banned every crypto transaction.\n", encoding="utf-8"
    )
    (project / "sources" / name.replace(".txt", ".yml")).write_text(yaml.safe_dump(meta), encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", "--root", str(project)])
    assert result.exit_code == 0, result.output
    page = project / "docs/sources" / f"{slug_for(f'sources/{name}')}.md"
    assert meta["title"] in page.read_text(encoding="utf-8")
