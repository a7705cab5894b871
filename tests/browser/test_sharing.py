"""Sharing and finding: every page's title, description, canonical URL, Open
Graph and Twitter tags, its preview image, and the sitemap."""

from __future__ import annotations

import io
import os
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

from tests.helpers import load_script

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/")
_cards = load_script("hooks/social_cards.py")
card, encode, save_card = _cards.card, _cards.encode, _cards.save_card


class _Head(HTMLParser):
    """The page's <title>, <meta> and <link rel> values."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and (key := values.get("property") or values.get("name")):
            self.meta[key] = values.get("content", "")
        elif tag == "link" and values.get("rel"):
            self.links[values["rel"]] = values.get("href", "")
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def head(file: Path) -> _Head:
    parser = _Head()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


def test_every_page_has_title_description_canonical_and_cards(built_site: Path) -> None:
    pages = [p for p in sorted(built_site.rglob("index.html")) if "search" not in p.parts]
    assert len(pages) >= 8
    descriptions = set()
    for file in pages:
        rel = file.parent.relative_to(built_site).as_posix()
        url = SITE_URL + ("" if rel == "." else rel + "/")
        tags = head(file)
        name = file.relative_to(built_site).as_posix()
        assert tags.title.strip(), name
        assert tags.title.count("China's crypto crackdown, explained") == 1, f"{name}: {tags.title}"
        assert len(tags.meta.get("description", "")) > 30, name
        descriptions.add(tags.meta["description"])
        assert tags.links.get("canonical") == url, name
        assert tags.meta.get("og:url") == url, name
        for key in ("og:title", "og:description", "og:type", "og:site_name", "twitter:title", "twitter:description"):
            assert tags.meta.get(key, "").strip(), f"{name}: no {key}"
        assert tags.meta["og:title"] in tags.title
        assert tags.meta.get("twitter:card") == "summary_large_image", name
        image = tags.meta["og:image"]
        assert image == tags.meta["twitter:image"] and image.startswith(SITE_URL + "assets/social/"), name
        png = built_site / image.removeprefix(SITE_URL)
        assert png.is_file(), f"{name}: missing {image}"
        assert _png_size(png.read_bytes()) == (1200, 630)
    assert len(descriptions) == len(pages), "two pages share a description"


def test_preview_image_is_deterministic() -> None:
    first = _save(card("IP tracking", "How internet providers' records are used.", "Site"))
    assert first == _save(card("IP tracking", "How internet providers' records are used.", "Site"))
    assert first != _save(card("Other", "How internet providers' records are used.", "Site"))


def test_a_card_is_drawn_only_when_its_title_or_description_changes(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out.png"
    assert save_card(out, "IP tracking", "Records.", "Site", cache) is True  # drawn
    drawn = out.read_bytes()
    out.unlink()
    assert save_card(out, "IP tracking", "Records.", "Site", cache) is False  # copied from the cache
    assert out.read_bytes() == drawn == encode(card("IP tracking", "Records.", "Site"))
    assert save_card(out, "IP tracking", "Other records.", "Site", cache) is True  # description changed
    # A planted entry that is not a card of the right size, or a link, is drawn again.
    for entry in cache.glob("*.png"):
        entry.write_bytes(b"not a png")
    assert save_card(out, "IP tracking", "Records.", "Site", cache) is True and out.read_bytes() == drawn
    for entry in cache.glob("*.png"):
        entry.unlink()
        entry.symlink_to(tmp_path / "out.png")
    assert save_card(tmp_path / "again.png", "IP tracking", "Records.", "Site", cache) is True


def test_sitemap_lists_every_page(built_site: Path) -> None:
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    for file in sorted(built_site.rglob("index.html")):
        rel = file.parent.relative_to(built_site).as_posix()
        if rel.startswith("search"):
            continue
        assert (SITE_URL + ("" if rel == "." else rel + "/")) in listed, rel


# Helper functions


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _save(image: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")  # type: ignore[attr-defined]
    return out.getvalue()
