"""MkDocs hook: a social preview image (1200x630 PNG) for every page.

Made offline at build time with Pillow and its bundled font, instead of
Material's social plugin, which downloads its fonts from Google Fonts on
first use (no network here, nor on many CI runners) and needs Cairo and
cairosvg. Same page, same Pillow: byte-identical image.
Loaded by path (see ``hooks:`` in mkdocs.yml), so no relative imports here.
"""

from __future__ import annotations

import html
import textwrap
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
INDIGO = (63, 81, 181)  # Material's indigo, the site's primary colour
WHITE = (255, 255, 255)
SOFT = (220, 224, 245)


def on_post_page(output: str, *, page: Any, config: Any) -> str:
    """Draw the page's card next to the built site's assets."""
    if page.file.src_uri == "404.md" or page.url == "404.html":
        return output
    target = Path(config["site_dir"]) / card_path(page.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    title = page.meta.get("title") or page.title or config["site_name"]
    description = page.meta.get("description") or config.get("site_description") or ""
    card(str(title), str(description), str(config["site_name"])).save(target)
    return output


# Helper functions


def card_path(url: str) -> str:
    """Where a page's card lives in the site: ``assets/social/<page>.png``."""
    name = url.strip("/").removesuffix(".html") or "index"
    return f"assets/social/{name}.png"


def card(title: str, description: str, site_name: str) -> Image.Image:
    """The card: site name, page title and description on the site's colour."""
    image = Image.new("RGB", SIZE, INDIGO)
    draw = ImageDraw.Draw(image)
    small = ImageFont.load_default(size=34)
    big = ImageFont.load_default(size=72)
    body = ImageFont.load_default(size=36)
    draw.text((80, 70), _unescape(site_name), font=small, fill=SOFT)
    y = 170
    for line in textwrap.wrap(_unescape(title), width=28)[:3]:
        draw.text((80, y), line, font=big, fill=WHITE)
        y += 88
    y += 20
    for line in textwrap.wrap(_unescape(description), width=58)[:4]:
        draw.text((80, y), line, font=body, fill=SOFT)
        y += 48
    draw.rectangle((0, SIZE[1] - 16, SIZE[0], SIZE[1]), fill=SOFT)
    return image


def _unescape(text: str) -> str:
    """Front matter titles are HTML-escaped for the theme; the card draws text."""
    return html.unescape(text)
