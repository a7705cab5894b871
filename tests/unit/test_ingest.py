"""Ingest: decoding, front matter and metadata checks."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from explainer.errors import ExplainerError
from explainer.ingest import ingest, slug_for


def test_plain_text_without_front_matter_keeps_every_line() -> None:
    doc = ingest("sources/a.txt", b"Title\n\nBody text.\n")
    assert doc.format == "text"
    assert doc.body == "Title\n\nBody text.\n"
    assert doc.meta.title is None and doc.first_body_line == 1


def test_front_matter_gives_metadata_and_body_line() -> None:
    data = (
        b"---\ntitle: A title\npublished: 2021-09-27\nurl: https://example.org/a\n"
        b"publisher: Example News\nlanguage: en\n---\nBody.\n"
    )
    doc = ingest("sources/a.md", data)
    assert doc.format == "markdown"
    assert doc.meta.title == "A title"
    assert doc.meta.published == date(2021, 9, 27)
    assert doc.meta.publisher == "Example News"
    assert doc.body.strip() == "Body."
    assert doc.first_body_line == 7  # the body starts with the rest of the closing "---" line


@pytest.mark.parametrize(
    ("front", "message", "line"),
    [
        ("title: T\nslug: ../../etc\n", "unknown field 'slug'", 3),
        ("published: yesterday\n", "'published' is not a date", 2),
        ("url: javascript:alert(1)\n", "must be an http:// or https:// address", 2),
        ("title: [1, 2]\n", "field 'title' must be text", 2),
        ("language: English!\n", "language code", 2),
        ("title: 'unclosed\n", "not valid YAML", None),
    ],
)
def test_bad_front_matter_names_file_field_and_line(front: str, message: str, line: int | None) -> None:
    with pytest.raises(ExplainerError) as caught:
        ingest("sources/bad.txt", f"---\n{front}---\nBody.\n".encode())
    text = str(caught.value)
    assert text.startswith("sources/bad.txt")
    assert message in text
    if line:
        assert caught.value.line == line


def test_sidecar_metadata_applies_and_front_matter_wins() -> None:
    sidecar = ("sources/a.yml", b"publisher: Sidecar Times\ntitle: From sidecar\n")
    doc = ingest("sources/a.txt", b"---\ntitle: From front matter\n---\nBody.\n", sidecar)
    assert doc.meta.publisher == "Sidecar Times"
    assert doc.meta.title == "From front matter"


def test_utf16_with_bom_and_utf8_bom_decode() -> None:
    assert ingest("s/a.txt", codecs.BOM_UTF16_LE + "Héllo".encode("utf-16-le")).body == "Héllo"
    assert ingest("s/a.txt", codecs.BOM_UTF8 + "Héllo".encode()).body == "Héllo"


def test_crlf_and_lone_cr_become_newlines() -> None:
    assert ingest("s/a.txt", b"a\r\nb\rc").body == "a\nb\nc"


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"abc\xff\xfe def", "not valid UTF-8"), (b"abc\x00def", "NUL bytes")],
)
def test_undecodable_bytes_are_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(ExplainerError, match=message):
        ingest("sources/bin.txt", data)


def test_unsupported_extension_is_an_error() -> None:
    with pytest.raises(ExplainerError, match=r"unsupported file type '\.pdf'"):
        ingest("sources/a.pdf", b"%PDF")


@pytest.mark.parametrize(
    ("path", "slug"),
    [("sources/China Crypto_Crackdown.txt", "china-crypto-crackdown"), ("x/a--b.md", "a-b")],
)
def test_slug_comes_from_the_file_name(path: str, slug: str) -> None:
    assert slug_for(path) == slug


def test_file_name_without_letters_is_an_error() -> None:
    with pytest.raises(ExplainerError, match="no usable slug"):
        slug_for("sources/___.txt")


def test_html_metadata_never_keeps_a_hidden_character(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's metadata is cleaned here, whatever the extractor returns
    (trafilatura drops most such characters today; we do not rely on it)."""
    import types

    import trafilatura

    hidden = "\u202e\x1b[31m\u2066\U000e0041\x85"
    found = types.SimpleNamespace(
        title=f"Miners{hidden} flee", author=f"Jane{hidden} Doe", sitename=f"The{hidden} Daily", url=None, date=None
    )
    monkeypatch.setattr(trafilatura, "extract_metadata", lambda text: found)
    page = (
        "<html><body><article><h1>Miners flee</h1><p>The central bank banned every crypto transaction"
        " on Friday, officials said in a long statement.</p></article></body></html>"
    )
    doc = ingest("sources/a.html", page.encode())
    assert (doc.meta.title, doc.meta.author, doc.meta.publisher) == (
        "Miners [31m flee",
        "Jane [31m Doe",
        "The [31m Daily",
    )
