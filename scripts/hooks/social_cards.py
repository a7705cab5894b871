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
state (a clone can hold anything there): an entry is used only if it is a
regular file, not a link, holding a PNG of the card's size, in folders
(``.cache`` and ``.cache/social``) that are folders and not links; anything
else is drawn again, and a linked folder is never read or written through
(it could lead out of the project: its PNGs were published as cards).
Loaded by path (see ``hooks:`` in mkdocs.yml), so no relative imports here.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import os
import stat
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
_MAX_CARD_BYTES = 2_000_000
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
    name = card_name(title, description, site_name)
    usable = _real_folders(cache)
    data = _cached(cache / f"{name}.png") if usable else None
    if data is not None:
        target.write_bytes(data)
        return False
    data = encode(card(title, description, site_name))
    target.write_bytes(data)
    if usable:
        _store(cache, name, data)
    return True


def card_name(title: str, description: str, site_name: str) -> str:
    """The name of a card in the cache: a hash of what is drawn, and how."""
    return hashlib.sha256("\0".join((_VERSION, site_name, title, description)).encode()).hexdigest()


def _real_folders(cache: Path) -> bool:
    """Whether the cache folder and the one holding it (``.cache/social``
    and ``.cache``) are each a folder or nothing yet, never a link."""
    for folder in (cache.parent, cache):
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not stat.S_ISDIR(mode):
            return False
    return True


def _cached(path: Path) -> bytes | None:
    """A cached card: a regular file (opened without following a link, and
    without waiting on a FIFO) holding a PNG of the card's size."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_CARD_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(_MAX_CARD_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return data if data.startswith(_PNG_HEAD) and (width, height) == SIZE and len(data) <= _MAX_CARD_BYTES else None


def _store(cache: Path, name: str, data: bytes) -> None:
    """Keep a card: written under a new temporary name (never through a
    link planted there), then renamed over its entry (a link there is
    replaced, not followed)."""
    temp = cache / f".{name}.tmp"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        if not _real_folders(cache):
            return
        temp.unlink(missing_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, cache / f"{name}.png")
    except OSError:  # a cache that cannot be written only costs time
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def encode(image: Image.Image) -> bytes:
    """PNG bytes; zlib level 3 costs half of the default's time for a few KB more."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


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
