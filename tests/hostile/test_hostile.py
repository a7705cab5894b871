"""The hostile and broken input corpus: every case either fails with one clear
line (exit 1, docs/ unchanged) or becomes a page that shows its text literally.

Cases are the files in ``cases/`` plus three generated here (too big to commit).
The literal cases are generated and built together once (strict MkDocs build),
then read back as HTML and loaded in Chromium.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from playwright.sync_api import Browser

from explainer.cli import main
from explainer.mdtext import short_title
from tests.helpers import article_of, copy_project, mkdocs_build, snapshot

CASES = Path(__file__).with_name("cases")
LONG_TITLE = ("Crackdown " * 200)[:1999] + "!"  # 2,000 characters


@functools.cache
def generated_cases() -> dict[str, bytes]:
    """Inputs too big to commit, made on the fly."""
    paragraph = "The regulator acted on day {0}. Miners moved abroad in response to rule {0}. " * 4
    huge = "A ten megabyte article\n\n" + "\n\n".join(paragraph.format(i) for i in range(32_000))
    words = " ".join(["word"] * 50_000)
    return {
        "huge-10mb.txt": huge.encode(),
        "fifty-thousand-words.txt": f"One paragraph of 50,000 words\n\n{words}.\n".encode(),
        "long-title.txt": f"---\ntitle: {LONG_TITLE}\n---\nA short article under a very long title.\n".encode(),
    }


def corpus() -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(CASES.iterdir())}
    return {**files, **generated_cases()}


# name -> what the one-line error must say
ERRORS = {
    "empty.txt": "no article text left (the file is empty or blank)",
    "whitespace-only.txt": "no article text left (the file is empty or blank)",
    "only-boilerplate.txt": "no article text left after removing boilerplate",
    "binary-nul.txt": "contains NUL bytes: this looks like a binary file",
    "invalid-utf8.txt": "invalid-utf8.txt:3: not valid UTF-8 (byte 0xe9)",
    "front-matter-slug.txt": "front-matter-slug.txt:3: unknown field 'slug'",
    "front-matter-path.md": "front-matter-path.md:3: unknown field 'path'",
    "huge-10mb.txt": "over the limit of 1,000,000",
    "index.txt": "sources/index.txt: the name 'index' is the Sources index page: rename the file",
}

# name -> (slug, texts its source page must show, character for character)
LITERAL = {
    "utf16-bom.txt": ("utf16-bom", ["UTF-16 article title", "Its text says café and naïve."]),
    # A line break ends a paragraph (web copy puts one paragraph per line), so
    # these are two paragraphs: each line must show whole.
    "crlf-endings.txt": (
        "crlf-endings",
        ["This paragraph ends with CRLF.", "It continues on a second line.", "A second paragraph after a CRLF"],
    ),
    "lone-cr-endings.txt": (
        "lone-cr-endings",
        ["This paragraph ends with a lone CR.", "It continues on a second line.", "A second paragraph after a CR"],
    ),
    "html-in-text.txt": (
        "html-in-text",
        [
            "Hostile script <script>alert('script-ran')</script> sits in this sentence.",
            "An image <img src=x onerror=\"alert('img-ran')\"> tries to run code.",
            "A frame <iframe src=\"javascript:alert('iframe-ran')\"></iframe> tries to load.",
            "A comment <!-- hidden comment text --> should stay visible.",
        ],
    ),
    "javascript-links.md": (
        "javascript-links",
        [
            "A Markdown link [click me](javascript:alert('link-ran')) must stay text.",
            "An autolink <javascript:alert('autolink-ran')> must stay text.",
            "[x]: javascript:alert('ref-ran')",
        ],
    ),
    "line-starts.txt": (
        "line-starts",
        [
            "# not a heading, just a hash at the start of a line.",
            "> not a quote, just an angle bracket at the start.",
            '!!! warning "not an admonition"',
            "---",
            "| not | a | table |",
            "1. not a list item, only a number and a dot.",
        ],
    ),
    "snippet-includes.txt": (
        "snippet-includes",
        ['--8<-- "/etc/passwd"', '--8<-- "../mkdocs.yml"', 'Inline ;--8<-- "mkdocs.yml" snippet markers stay text'],
    ),
    "template-syntax.txt": (
        "template-syntax",
        [
            "The text {{ config }} must not print the configuration.",
            'The text {% include "mkdocs.yml" %} must not include a file.',
            "A raw block {% raw %} and {# a comment #} stay as they are.",
        ],
    ),
    "bidi-zero-width.txt": (
        "bidi-zero-width",
        [
            "Hebrew \u05e9\u05dc\u05d5\u05dd and Arabic \u0645\u0631\u062d\u0628\u0627 read right to left.",
            # bidi overrides, zero-width spaces and word joiners are removed by the clean stage;
            # a ZWNJ (U+200C) is spelling in Persian and Indic scripts, and stays
            "A Trojan Source override and zerowidth\u200c joiners hide here.",
        ],
    ),
    "emoji-chinese.txt": (
        "emoji-chinese",
        [
            "\u4e2d\u56fd\u4eba\u6c11\u94f6\u884c\u8868\u793a\uff0c\u6570\u5b57\u4eba\u6c11\u5e01\u5c06\u7ee7\u7eed\u8bd5\u70b9\u3002",
            "Miners reacted with \U0001f62e and \U0001f468\u200d\U0001f469\u200d\U0001f467 family emoji"
            " and a flag \U0001f1e8\U0001f1f3.",
        ],
    ),
    "fifty-thousand-words.txt": ("fifty-thousand-words", ["word word word word."]),
    "long-title.txt": ("long-title", [LONG_TITLE, "A short article under a very long title."]),
}

# Tags that article text must never produce: none on a source page; and the
# active ones nowhere in any page's article (other pages may use tables, rules...).
FORBIDDEN_TAGS = {"script", "img", "iframe", "table", "blockquote", "ol", "hr", "pre", "code", "em", "strong", "h3"}
ACTIVE_TAGS = {"script", "img", "iframe", "object", "embed", "style", "form", "input", "svg:script"}
# Text that would only be there if a file outside includes/ had been read.
LEAKS = ["root:x:0:0", "restrict_base_path", "markdown_extensions", "mkdocs_hooks"]


PAGE_PATTERNS = [r"""(href|src)=["']?javascript:""", r"\sonerror=", r"<script>alert", r"<iframe"]


def generate(project: Path, command: str = "generate") -> Result:
    return CliRunner().invoke(main, [command, "--root", str(project)])


def read_article(html_file: Path) -> Any:
    """Text and tags of the page's <article> (the parser of test_site.py)."""
    return article_of(html_file)


def heading(html_file: Path) -> str:
    """The text of the page's <h1>, character references decoded."""
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html_file.read_text(encoding="utf-8"), re.DOTALL)
    assert found
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def flat(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def test_every_case_has_an_expected_outcome() -> None:
    assert sorted(corpus()) == sorted(ERRORS.keys() | LITERAL.keys())
    assert len(LONG_TITLE) == 2000 and len(generated_cases()["huge-10mb.txt"]) > 10_000_000


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_input_is_one_line_exit_1_and_docs_unchanged(tmp_path: Path, name: str) -> None:
    project = copy_project(tmp_path / "project")
    (project / "sources" / name).write_bytes(corpus()[name])
    before = snapshot(project / "docs")
    result = generate(project)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert ERRORS[name] in lines[0]
    assert "Traceback" not in result.output
    assert snapshot(project / "docs") == before


def test_check_names_every_bad_file_at_once(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    everything = corpus()
    bad = sorted(ERRORS)
    for name in bad:
        (project / "sources" / name).write_bytes(everything[name])
    before = snapshot(project / "docs")
    result = generate(project, "check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().split("\n")
    assert len(lines) == len(bad), lines
    for name, line in zip(bad, lines, strict=True):
        assert line.startswith(f"error: sources/{name}") and ERRORS[name] in line, line
    assert snapshot(project / "docs") == before


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with every literal case added, generated and built (strict)."""
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    everything = corpus()
    for name in LITERAL:
        (project / "sources" / name).write_bytes(everything[name])
    result = generate(project)
    assert result.exit_code == 0, result.output
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    return project


@pytest.mark.parametrize("name", sorted(LITERAL))
def test_hostile_text_is_shown_literally(hostile_project: Path, name: str) -> None:
    slug, texts = LITERAL[name]
    page = read_article(hostile_project / "site/sources" / slug / "index.html")
    shown = flat(page.text)
    for text in texts:
        assert text in shown, text
    assert not FORBIDDEN_TAGS & set(page.tags), set(page.tags)
    assert page.tags.count("h1") == 1
    markdown = (hostile_project / "docs/sources" / f"{slug}.md").read_bytes()
    assert b"\r" not in markdown and b"\x00" not in markdown


def test_no_page_of_the_site_has_markup_scripts_or_leaked_files(hostile_project: Path) -> None:
    site = hostile_project / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > len(LITERAL)
    index = site / "search/search_index.json"
    for file in [*pages, index]:
        text = file.read_text(encoding="utf-8")
        for leak in LEAKS:
            assert leak not in text, (file, leak)
        # Pages: no raw attribute or tag from a source. The search index holds
        # HTML too (shown by the search box): there, no raw tag either.
        patterns = [r"<(script|img|iframe)\b"] if file == index else PAGE_PATTERNS
        for pattern in patterns:
            assert not re.search(pattern, text, re.IGNORECASE), (file, pattern)
    for file in pages:
        assert not ACTIVE_TAGS & set(read_article(file).tags), file


def test_a_long_title_is_whole_on_the_page_and_short_in_the_navigation(hostile_project: Path) -> None:
    page_file = hostile_project / "site/sources/long-title/index.html"
    assert heading(page_file).rstrip("¶") == LONG_TITLE
    html = page_file.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert title and len(title.group(1)) < 200, title
    nav = re.findall(r'class="md-ellipsis">\s*(.*?)\s*<', html, re.DOTALL)
    assert nav and all(len(entry) < 200 for entry in nav)


def test_short_title_cuts_at_a_word_with_an_ellipsis() -> None:
    assert short_title("A normal title") == "A normal title"
    cut = short_title(LONG_TITLE)
    assert len(cut) <= 100 and cut.endswith("Crackdown…") and LONG_TITLE.startswith(cut[:-1])


def test_fifty_thousand_words_stay_one_paragraph_with_every_word(hostile_project: Path) -> None:
    page = read_article(hostile_project / "site/sources/fifty-thousand-words/index.html")
    assert len(re.findall(r"\bword\b", flat(page.text))) == 50_000


@pytest.fixture(scope="module")
def hostile_url(hostile_project: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(hostile_project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.browser
def test_no_script_from_a_source_runs_in_the_browser(browser: Browser, hostile_url: str, hostile_project: Path) -> None:
    fired: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (fired.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    record: Callable[[str], None] = fired.append
    page.on("console", lambda message: record(f"console: {message.text}") if "-ran" in message.text else None)
    page.on("pageerror", lambda error: record(f"pageerror: {error}"))
    site = hostile_project / "site"
    # Every page that quotes a hostile case (source pages, topic pages, article pages...).
    paths = sorted(
        file.parent.relative_to(site).as_posix() + "/"
        for file in site.glob("*/**/index.html")
        if "-ran'" in file.read_text(encoding="utf-8")
    )
    assert "sources/html-in-text/" in paths and "sources/javascript-links/" in paths
    paths += ["", "sources/"]
    for path in paths:
        page.goto(hostile_url + path, wait_until="load")
        found = page.evaluate(
            """() => document.querySelectorAll(
                'article script, article img, article iframe, a[href^="javascript:"], [onerror]').length"""
        )
        assert found == 0, path
    shown = page.locator("article").inner_text()
    assert page.url.endswith("/sources/") and shown
    page.goto(hostile_url + "sources/html-in-text/", wait_until="load")
    assert "<script>alert('script-ran')</script>" in page.locator("article").inner_text()
    # The search box shows text from the index: searching the hostile words
    # must list them as text too.
    page.goto(hostile_url, wait_until="load")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("onerror", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
    assert "<img src=x onerror" in page.locator(".md-search-result").inner_text()
    assert page.locator(".md-search-result img, .md-search-result script, .md-search-result iframe").count() == 0
    context.close()
    assert fired == []
