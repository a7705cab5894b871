"""Clean and segment: boilerplate, normalisation, title, headings, sentences."""

from __future__ import annotations

import pytest

from explainer.clean import BoilerplateMatcher, clean, normalise_line
from explainer.config import load_boilerplate
from explainer.errors import ExplainerError
from explainer.ingest import ingest
from explainer.model import Heading
from explainer.segment import segment, split_sentences
from tests.helpers import REFERENCE, ROOT

BOILERPLATE = ROOT / "config" / "boilerplate.yml"


@pytest.fixture(scope="module")
def matcher() -> BoilerplateMatcher:
    return BoilerplateMatcher(load_boilerplate(BOILERPLATE.read_text(encoding="utf-8"), str(BOILERPLATE)))


def _article(text: str, matcher: BoilerplateMatcher, path: str = "sources/a.txt"):
    return segment(clean(ingest(path, text.encode()), matcher))


def test_reference_boilerplate_is_removed_and_reported_with_line_numbers(matcher: BoilerplateMatcher) -> None:
    doc = clean(ingest("sources/ref.txt", REFERENCE.read_bytes()), matcher)
    removed = [(r.line, r.text) for r in doc.removed]
    assert [text for _, text in removed] == [
        "Source link",
        "Related Articles",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Back to top button",
    ]
    lines = REFERENCE.read_text(encoding="utf-8").split("\n")
    assert all(lines[number - 1].strip() == text for number, text in removed)
    kept = " ".join(text for _, text in doc.lines)
    assert "Source link" not in kept and "Back to top" not in kept


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "Share this",
        "READ MORE",
        "Subscribe",
        "We use cookies to improve your experience.",
        "Read more: Bitcoin falls again",
        "  Share   this  ",
    ],
)
def test_common_boilerplate_lines_are_removed(matcher: BoilerplateMatcher, line: str) -> None:
    assert matcher.matches(normalise_line(line))


def test_boilerplate_words_inside_a_sentence_stay(matcher: BoilerplateMatcher) -> None:
    assert not matcher.matches("Readers can subscribe to the newsletter, the site says.")


def test_normalise_quotes_spaces_and_invisible_characters() -> None:
    assert normalise_line("\u201cIt\u2019s\u201d \u00a0 a\u200b\u202e  test\t") == '"It\'s" a test'


def test_reference_article_segments_into_title_heading_and_paragraphs(matcher: BoilerplateMatcher) -> None:
    article = segment(clean(ingest("sources/ref.txt", REFERENCE.read_bytes()), matcher))
    assert article.title == "Here's Why Chinese Government is Now Tracking IP Addresses of Users"
    headings = [b.text for b in article.blocks if isinstance(b, Heading)]
    assert headings == ["China Set to Formulate Laws to Punish Crypto Activities"]
    assert len(article.paragraphs) == 6
    assert [len(p.sentences) for p in article.paragraphs] == [3, 1, 3, 1, 3, 2]
    assert article.paragraphs[4].heading == headings[0]
    assert article.paragraphs[3].heading is None


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Mr. Wu said the U.S. ban would start on Jan. 5 at 9 a.m. local time. Then it did.", 2),
        ("Bitcoin rose 3.5% to $1,000.50 on Monday. Ether fell.", 2),
        ("Is it legal? Nobody knows! Officials declined to comment.", 3),
    ],
)
def test_sentence_splitter_respects_abbreviations_and_numbers(text: str, count: int) -> None:
    sentences = split_sentences(text)
    assert len(sentences) == count
    assert " ".join(sentences) == text


def test_markdown_headings_and_list_items(matcher: BoilerplateMatcher) -> None:
    text = "# The title\n\nIntro paragraph.\n\n## A section\n\n- First point.\n- Second point.\n"
    article = _article(text, matcher, "sources/a.md")
    assert article.title == "The title"
    assert [type(b).__name__ for b in article.blocks] == ["Paragraph", "Heading", "Paragraph", "Paragraph"]
    assert article.paragraphs[2].text == "Second point."


def test_title_from_front_matter_is_not_repeated_as_a_paragraph(matcher: BoilerplateMatcher) -> None:
    article = _article("---\ntitle: Same Title\n---\nSame title\n\nBody sentence.\n", matcher)
    assert article.title == "Same Title"
    assert [p.text for p in article.paragraphs] == ["Body sentence."]


def test_a_line_ending_in_a_full_stop_is_not_a_heading(matcher: BoilerplateMatcher) -> None:
    article = _article("Title\n\nShort line.\n\nAnother paragraph here.\n", matcher)
    assert not any(isinstance(b, Heading) for b in article.blocks)


@pytest.mark.parametrize("text", ["", "   \n\n  \t\n", "Source link\n\nRelated Articles\n\nLeave a Reply\n"])
def test_nothing_left_is_an_error(matcher: BoilerplateMatcher, text: str) -> None:
    with pytest.raises(ExplainerError, match="no article text left"):
        _article(text, matcher, "sources/empty.txt")


def test_headings_without_text_are_an_error(matcher: BoilerplateMatcher) -> None:
    with pytest.raises(ExplainerError, match="no paragraphs"):
        _article("# A title\n\n## A heading\n", matcher, "sources/a.md")
