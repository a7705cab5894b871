"""Ingest: bytes of a source file (and its optional sidecar) -> SourceDocument.

Pure: the caller reads the files. Decoding, front matter and metadata are
checked here so that a bad file fails with its name, field and line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from frontmatter.default_handlers import YAMLHandler

from . import yamldata
from .errors import ExplainerError
from .extract import extract_html
from .links import is_web_url
from .model import Override, SourceDocument, SourceMeta
from .validate import slugify

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
SIDECAR_SUFFIXES = (".yml", ".yaml")
META_KEYS = ("title", "url", "publisher", "author", "published", "language", "licence")
# Metadata has limits like the body's: longer values are mistakes (or attacks).
META_LIMITS = {"title": 2000, "url": 2048, "publisher": 300, "author": 300, "language": 35, "licence": 1000}
# Longest slug: docs/sources/<slug>.md and its temporary file name must fit
# in a file name (255 bytes on common file systems), with room to spare.
MAX_SLUG = 200
# Article file names the site cannot use: ``index`` is the Sources index page,
# and a README in sources/ is documentation, not an article (it is skipped).
RESERVED_STEMS = {"index": "is the Sources index page", "readme": "is skipped (sources/README is documentation)"}
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# A date, optionally with a time (YAML timestamps are read as text).
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[Tt ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
# The years a published date may have: those the Timeline reads as years
# (timeline._YEAR). Relative dates ("on March 3", "last Friday") are worked
# out from it: from year 1 or 9999 they would fall off the calendar.
PUBLISHED_YEARS = (1600, 2099)
# Longer than any news article (the longest long reads are ~40,000 words): a
# bigger file is a mistake, and would give a page too big to load or index.
# Checked here on the text as written, before it is cleaned (cleaning 20 MB
# of tiny paragraphs took a minute and 2.6 GB), and by segment on the text
# as cleaned.
MAX_ARTICLE_CHARS = 1_000_000


def slug_for(path: str) -> str:
    """The article's slug, from its file name: lower case words and hyphens."""
    stem = PurePosixPath(path).stem
    slug = slugify(stem)
    if not slug:
        raise ExplainerError("file name gives no usable slug (use letters and digits)", path=path)
    if slug in RESERVED_STEMS:
        raise ExplainerError(f"the name {slug!r} {RESERVED_STEMS[slug]}: rename the file", path=path)
    if len(slug) > MAX_SLUG:
        raise ExplainerError(
            f"file name too long: its page name would be {len(slug)} characters, over the limit of {MAX_SLUG}",
            path=path,
        )
    return slug


def decode(data: bytes, path: str) -> str:
    """Bytes -> text: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ExplainerError("not valid UTF-16 despite its byte-order mark", path=path) from None
    if b"\x00" in data:
        raise ExplainerError("contains NUL bytes: this looks like a binary file, not an article", path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ExplainerError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path=path, line=line
        ) from None


def too_long(size: int, path: str) -> ExplainerError:
    """The error for an article of ``size`` characters, over :data:`MAX_ARTICLE_CHARS`."""
    return ExplainerError(
        f"article text is {size:,} characters, over the limit of {MAX_ARTICLE_CHARS:,}"
        " (about 150,000 words): is this one article? Split it into several files",
        path=path,
    )


def ingest(path: str, data: bytes, sidecar: tuple[str, bytes] | None = None) -> SourceDocument:
    """Decode a source file, split off its front matter and check the metadata."""
    suffix = PurePosixPath(path).suffix.casefold()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ExplainerError(f"unsupported file type {suffix or '(none)'!r} (supported: {known})", path=path)
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    fields: dict[str, Any] = {}
    fmt = FORMATS[suffix]
    if fmt == "html":  # main text as Markdown; the page's own metadata comes first, then the sidecar's
        text, found = extract_html(text, path)
        for key, value in found.items():  # a canonical address that is not a web address is left out
            if key == "url" and not is_web_url(value):
                continue
            if key == "published" and not _in_years(value):  # as a date the page gets wrong: left out
                continue
            if isinstance(value, str) and len(value) > META_LIMITS.get(key, 2000):
                raise ExplainerError(
                    f"the page's {key} is {len(value):,} characters, over the limit of {META_LIMITS.get(key, 2000):,}",
                    path=path,
                )
            fields[key] = value
        fmt = "markdown"
    if sidecar is not None:
        side_path, side_data = sidecar
        fields.update(_metadata(decode(side_data, side_path), side_path, first_line=1))
    body, first_body_line = text, 1
    handler = YAMLHandler()
    if FORMATS[suffix] != "html" and handler.detect(text):
        try:
            front, body = handler.split(text)
        except ValueError:
            raise ExplainerError("front matter has no closing '---' line", path=path, line=1) from None
        fields.update(_metadata(front, path, first_line=1))  # `front` keeps the opening line break
        first_body_line = text[: len(text) - len(body)].count("\n") + 1
    if len(body) > MAX_ARTICLE_CHARS:  # (line breaks counted: each costs the cleaner a line)
        raise too_long(len(body), path)
    return SourceDocument(
        path=path,
        slug=slug_for(path),
        format=fmt,
        meta=SourceMeta(**fields),
        body=body,
        first_body_line=first_body_line,
    )


def _metadata(text: str, path: str, *, first_line: int) -> dict[str, Any]:
    """Validate front matter (or a sidecar): known keys, right types."""
    data, lines = yamldata.load(text, path)
    if data is None:
        return {}

    def fail(message: str, key: str | None = None) -> ExplainerError:
        line = yamldata.line_of(lines, (key,) if key else ())
        return ExplainerError(message, path=path, line=(line or 1) + first_line - 1)

    if not isinstance(data, dict):
        raise fail("front matter must be a mapping of fields")
    fields: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if key not in META_KEYS and key != "boilerplate":
            raise fail(f"unknown field {key!r} (allowed: {', '.join((*META_KEYS, 'boilerplate'))})", key)
        if value is None:
            continue
        if key == "boilerplate":
            fields[key] = _overrides(value, path, lines, first_line, fail)
            continue
        if key == "published":
            fields[key] = _date(value, fail)
            continue
        if not isinstance(value, str) or not value.strip():
            raise fail(f"field {key!r} must be text", key)
        value = " ".join(value.split())
        if len(value) > META_LIMITS[key]:
            raise fail(f"field {key!r} is {len(value):,} characters, over the limit of {META_LIMITS[key]:,}", key)
        if key == "url" and not is_web_url(value):
            raise fail(f"field 'url' must be an http:// or https:// address, not {value[:60]!r}", key)
        if key == "language" and not _LANGUAGE.match(value):
            raise fail(f"field 'language' must be a language code such as 'en', not {value[:20]!r}", key)
        fields[key] = value
    return fields


MAX_OVERRIDES = 500


def _overrides(
    value: object, path: str, lines: dict[yamldata.Location, int], first_line: int, fail: Callable[..., ExplainerError]
) -> tuple[Override, ...]:
    """``boilerplate: {keep: [lines...], drop: [lines...]}``: lines of the
    article the furniture detector must keep, or must drop."""
    if not isinstance(value, dict):
        raise fail("field 'boilerplate' must be a mapping with 'keep' and/or 'drop' (lists of lines)", "boilerplate")
    found: list[Override] = []
    for which, entries in value.items():
        if which not in ("keep", "drop"):
            raise fail(f"field 'boilerplate' takes 'keep' and 'drop', not {str(which)[:20]!r}", "boilerplate")
        if entries is None:
            continue
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list):
            raise fail(f"'boilerplate: {which}' must be a list of lines of the article", "boilerplate")
        for i, entry in enumerate(entries):
            line = (yamldata.line_of(lines, ("boilerplate", which, i)) or 1) + first_line - 1
            if not isinstance(entry, str) or not entry.strip():
                raise ExplainerError(
                    f"'boilerplate: {which}' entry {i + 1} must be a line of text", path=path, line=line
                )
            if len(entry) > META_LIMITS["title"]:
                raise ExplainerError(
                    f"'boilerplate: {which}' entry {i + 1} is over {META_LIMITS['title']:,} characters",
                    path=path,
                    line=line,
                )
            found.append(Override(text=" ".join(entry.split()), keep=which == "keep", path=path, line=line))
    if len(found) > MAX_OVERRIDES:
        raise fail(f"field 'boilerplate' lists {len(found):,} lines, over the limit of {MAX_OVERRIDES}", "boilerplate")
    return tuple(found)


def _date(value: object, fail: Callable[[str, str], ExplainerError]) -> date:
    """A real calendar date of :data:`PUBLISHED_YEARS`: ``2021-02-30``, month 13
    and ``9999-12-31`` are errors with their line."""
    found: date | None = None
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.match(text):
            try:
                found = date.fromisoformat(text[:10])
            except ValueError:
                raise fail(f"field 'published' is not a real date: {text[:40]!r} (no such day)", "published") from None
    if found is None:
        raise fail(f"field 'published' is not a date: {str(value)[:40]!r} (write YYYY-MM-DD)", "published")
    if not _in_years(found):
        first, last = PUBLISHED_YEARS
        message = f"field 'published' is in the year {found.year}: a published date is from {first} to {last}"
        raise fail(message, "published")
    return found


def _in_years(value: object) -> bool:
    first, last = PUBLISHED_YEARS
    return isinstance(value, date) and first <= value.year <= last
