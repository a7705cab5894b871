"""Scaffold: ``explainer new`` starts a source file for a contributor.

From a title, a web address or a saved web page it makes the file in
``sources/`` with every metadata field written out (filled where known, empty
with a hint where not), so a contributor never has to look the fields up. It
refuses to overwrite anything, and the template it writes passes the same
checks as every source (see :mod:`explainer.ingest`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from . import validate
from .errors import ExplainerError
from .ingest import META_KEYS, RESERVED_STEMS, SIDECAR_SUFFIXES, decode, ingest, slug_for
from .links import is_web_url

MAX_SLUG_CHARS = 60
HINTS = {
    "title": "the article's headline",
    "url": "http:// or https:// address of the original article",
    "publisher": "who published it, e.g. Example News",
    "author": "who wrote it",
    "published": "date of publication, YYYY-MM-DD",
    "language": "language code, e.g. en",
    "licence": "on what terms we may quote it",
}


@dataclass(frozen=True)
class NewSource:
    """The files to create, relative to the sources folder, and what to do next."""

    files: tuple[tuple[str, bytes], ...]
    next_step: str


def slugify(text: str) -> str:
    """Lower-case words joined by hyphens, cut at a word under 60 characters."""
    slug = validate.slugify(text.replace("'", "").replace("\u2019", ""))  # "China's" -> "chinas"
    if len(slug) > MAX_SLUG_CHARS:
        slug = slug[: MAX_SLUG_CHARS + 1].rsplit("-", 1)[0]
    return slug


def slug_from_url(url: str) -> str:
    """The last meaningful part of a web address's path (or its host)."""
    parts = urlsplit(url)
    segments = [s for s in unquote(parts.path).split("/") if s]
    while segments and re.fullmatch(r"(index|amp|\d+)(\.\w+)?", segments[-1], re.IGNORECASE):
        segments.pop()
    stem = PurePosixPath(segments[-1]).stem if segments else parts.hostname or ""
    return slugify(stem)


def front_matter(fields: dict[str, Any]) -> str:
    """Every metadata field, one a line: known values filled, the rest empty
    with a hint (an empty field is allowed and ignored)."""
    lines = ["---"]
    for key in META_KEYS:
        value = fields.get(key)
        if value:
            lines.append(f"{key}: {json.dumps(str(value), ensure_ascii=False)}")
        else:
            lines.append(f"{key}:  # {HINTS[key]}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def new_source(
    *,
    title: str | None = None,
    url: str | None = None,
    html: tuple[str, bytes] | None = None,
    existing: Collection[str] = (),
) -> NewSource:
    """Plan a new source from a title, a web address and/or a saved web page.

    ``html`` is the page's file name and bytes; ``existing`` the file names
    already in the sources folder."""
    fields: dict[str, Any] = {"language": "en"}
    if html is not None:
        from .extract import extract_html  # lazy: trafilatura is a heavy import

        name, data = html
        _, found = extract_html(decode(data, name), name)
        fields.update(found)
    if title:
        fields["title"] = " ".join(title.split())
    if url:
        fields["url"] = url.strip()
        if not is_web_url(fields["url"]):  # (before it is read for a name: "https://[::1" cannot be)
            raise ExplainerError("field 'url' must be an http:// or https:// address")
    slug = slugify(fields["title"]) if fields.get("title") else ""
    if not slug and fields.get("url"):
        slug = slug_from_url(fields["url"])
    if not slug and html is not None:
        slug = slugify(PurePosixPath(html[0]).stem)
    if not slug:
        raise ExplainerError("give a title, a --url or a --from-html page to name the new source after")
    if slug in RESERVED_STEMS:
        raise ExplainerError(
            f"the title gives the file name {slug!r}, which {RESERVED_STEMS[slug]}: choose another title"
        )
    stems = {slug_for(name) for name in existing}  # as generate names them: "Foo_Bar.txt" is foo-bar too
    if slug in stems:
        raise ExplainerError(f"a source named {slug!r} already exists in the sources folder: choose another title")

    meta = front_matter(fields)
    if html is not None:
        suffix = PurePosixPath(html[0]).suffix.casefold()
        page, sidecar = f"{slug}{suffix}", f"{slug}{SIDECAR_SUFFIXES[0]}"
        _check(page, html[1], (sidecar, meta.strip("-\n").encode()))
        files = ((page, html[1]), (sidecar, meta.strip("-\n").encode() + b"\n"))
        step = f"check the metadata in {sidecar} (found on the page), then run `make serve`"
        return NewSource(files=files, next_step=step)
    name = f"{slug}.txt"
    _check(name, meta.encode())
    step = f"paste the article's text into {name}, below its front matter, then run `make serve`"
    return NewSource(files=((name, meta.encode()),), next_step=step)


def create(plan: NewSource, folder: Path) -> list[Path]:
    """Write the planned files; never overwrite one (fails before writing any)."""
    targets = [folder / name for name, _ in plan.files]
    for target in targets:
        if target.exists():
            raise ExplainerError("already exists: not overwritten", path=str(target))
    folder.mkdir(parents=True, exist_ok=True)
    for target, (_, data) in zip(targets, plan.files, strict=True):
        with target.open("xb") as handle:
            handle.write(data)
    return targets


def _check(name: str, data: bytes, sidecar: tuple[str, bytes] | None = None) -> None:
    """The template must pass the checks every source passes (a bad --url fails here)."""
    ingest(f"sources/{name}", data, (f"sources/{sidecar[0]}", sidecar[1]) if sidecar else None)
