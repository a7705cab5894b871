"""MkDocs hook: a social preview image (1200x630 PNG) for every page.

Made offline at build time with Pillow and its bundled font, instead of
Material's social plugin, which downloads its fonts from Google Fonts on
first use (no network here, nor on many CI runners) and needs Cairo and
cairosvg. Same page, same Pillow: byte-identical image.

Drawing and compressing a card costs far more than the page around it, so
cards are cached outside ``site/`` (which every build empties), in
``.cache/social/``, under a hash of what is drawn (site name, title,
description) and of this file and Pillow's version: a card is drawn again
only when its page's title or description changed. The cache is an
optimisation (deleting it changes no output) and is untrusted like all
state: an entry is used only if it is a regular file holding a PNG of the
card's size; anything else is drawn again.
Loaded by path (see ``hooks:`` in mkdocs.yml), so no relative imports here.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import shutil
import textwrap
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
INDIGO = (63, 81, 181)  # Material's indigo, the site's primary colour
WHITE = (255, 255, 255)
SOFT = (220, 224, 245)
CACHE = Path(".cache") / "social"  # under the project (the folder of mkdocs.yml)
_PNG_HEAD = b"\x89PNG\r\n\x1a\n"
_VERSION = hashlib.sha256(Path(__file__).read_bytes() + PIL.__version__.encode()).hexdigest()


def on_post_page(output: str, *, page: Any, config: Any) -> str:
    """Draw the page's card next to the built site's assets."""
    if page.file.src_uri == "404.md" or page.url == "404.html":
        return output
    target = Path(config["site_dir"]) / card_path(page.url)
    target.parent.mkdir(parents=True, exist_ok=True)
    title = str(page.meta.get("title") or page.title or config["site_name"])
    description = str(page.meta.get("description") or config.get("site_description") or "")
    save_card(target, title, description, str(config["site_name"]), Path(config.config_file_path).parent / CACHE)
    return output


def save_card(target: Path, title: str, description: str, site_name: str, cache: Path = CACHE) -> bool:
    """Write the card to ``target``, from the cache when it holds it; True if drawn."""
    name = hashlib.sha256("\0".join((_VERSION, site_name, title, description)).encode()).hexdigest()
    cached = cache / f"{name}.png"
    if _valid(cached):
        shutil.copyfile(cached, target)
        return False
    data = encode(card(title, description, site_name))
    target.write_bytes(data)
    try:
        if not cache.is_symlink() and not cache.parent.is_symlink():
            cache.mkdir(parents=True, exist_ok=True)
            temp = cache / f".{name}.tmp"
            temp.unlink(missing_ok=True)
            temp.write_bytes(data)
            os.replace(temp, cached)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return True


def encode(image: Image.Image) -> bytes:
    """PNG bytes; zlib level 3 costs half of the default's time for a few KB more."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _valid(path: Path) -> bool:
    """A cached card: a regular file (not a link) holding a PNG of the card's size."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 2_000_000:
            return False
        with path.open("rb") as handle:
            head = handle.read(24)
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        return head.startswith(_PNG_HEAD) and (width, height) == SIZE
    except OSError:
        return False


# Helper functions


def card_path(url: str) -> str:
    """Where a page's card lives in the site: ``assets/social/<page>.png``."""
    name = url.strip("/").removesuffix(".html") or "index"
    return f"assets/social/{name}.png"


def card(title: str, description: str, site_name: str) -> Image.Image:
    """The card: site name, page title and description on the site's colour.

    Every colour on the card lies between the background and white, so it is
    drawn as one channel of "how light" and shown through a palette of that
    ramp: a third of the pixels to compress, at the same look."""
    image = Image.new("L", SIZE, 0)
    draw = ImageDraw.Draw(image)
    small = ImageFont.load_default(size=34)
    big = ImageFont.load_default(size=72)
    body = ImageFont.load_default(size=36)
    soft, white = _SOFT_LEVEL, 255
    draw.text((80, 70), _unescape(site_name), font=small, fill=soft)
    y = 170
    for line in textwrap.wrap(_unescape(title), width=28)[:3]:
        draw.text((80, y), line, font=big, fill=white)
        y += 88
    y += 20
    for line in textwrap.wrap(_unescape(description), width=58)[:4]:
        draw.text((80, y), line, font=body, fill=soft)
        y += 48
    draw.rectangle((0, SIZE[1] - 16, SIZE[0], SIZE[1]), fill=soft)
    image = Image.frombytes("P", SIZE, image.tobytes())
    image.putpalette(_RAMP)
    return image


def _ramp() -> list[int]:
    """256 colours from the background (0) to white (255)."""
    return [round(a + (b - a) * i / 255) for i in range(256) for a, b in zip(INDIGO, WHITE, strict=True)]


_RAMP = _ramp()
_SOFT_LEVEL = 216  # the ramp's colour nearest SOFT


def _unescape(text: str) -> str:
    """Front matter titles are HTML-escaped for the theme; the card draws text."""
    return html.unescape(text)
