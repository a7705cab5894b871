"""Article text is data: escaped text renders as exactly the same text."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest
from mkdocs.utils import yaml_load

from explainer.mdtext import attribute, literal
from tests.helpers import ROOT

HOSTILE = [
    "<script>alert('x')</script> after",
    '<img src=x onerror="alert(1)"> and <iframe src="https://example.org"></iframe>',
    "<!-- a comment --> visible",
    "[click me](javascript:alert(1)) and ![img](x.png)",
    '--8<-- "/etc/passwd"',
    '--8<-- "../mkdocs.yml"',
    ';--8<-- "mkdocs.yml"',
    "{{ config.site_name }} and {% include 'base.html' %}",
    "# not a heading",
    "> not a quote",
    '!!! note "not an admonition"',
    "--- not a rule",
    "| not | a | table |",
    "1. not a list",
    "- not a list",
    "+ not a list",
    "*[HTML]: not an abbreviation",
    "Text with **bold**, _under_, `code`, ~~strike~~, ==mark== and ^^ins^^.",
    "A footnote[^1] and {: #id .class } attributes.",
    "Back\\slash \\*escaped\\* and &amp; entity &copy; and AT&T",
    "https://example.org/a_b_c and <https://example.org>",
    "Emoji 😀, 中文文本, עברית, and a zero\u200dwidth joiner.",
    ":smile: and :material-alert:",
    "   indented four spaces",
    "Prices: $1,000.50 (up 3.5%) = news.",
]


def _site_markdown() -> markdown.Markdown:
    """Python-Markdown configured with the extensions of mkdocs.yml."""
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as handle:
        config = yaml_load(handle)
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, value = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        options[name] = dict(value or {})
    if "pymdownx.snippets" in options:
        options["pymdownx.snippets"]["base_path"] = [str(ROOT / "includes")]
        options["pymdownx.snippets"].pop("auto_append", None)
    return markdown.Markdown(extensions=names, extension_configs=options)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_text_renders_as_the_same_text_and_no_markup(text: str) -> None:
    html = _site_markdown().convert(literal(text))
    parsed = _Text()
    parsed.feed(html)
    assert "".join(parsed.text).strip() == " ".join(text.split())
    assert parsed.tags == ["p"], html


def test_literal_leaves_ordinary_prose_readable() -> None:
    prose = "China's ban, announced on Sept. 24, covers mining (and trading) of crypto."
    assert literal(prose) == prose


def test_attribute_escapes_quotes_and_markup_but_not_apostrophes() -> None:
    assert attribute('He said "hi" <b>') == "He said &quot;hi&quot; &lt;b&gt;"
    assert attribute("China's") == "China's"


@pytest.mark.parametrize("text", ["Learning C#", "Why it matters ##", "# and #hashtag"])
def test_literal_text_keeps_its_hashes_in_a_heading(text: str) -> None:
    html = _site_markdown().convert("## " + literal(text))
    parsed = _Text()
    parsed.feed(html)
    assert parsed.text[0].strip() == text  # then the permalink's "¶"
    assert parsed.tags == ["h2", "a"], html
