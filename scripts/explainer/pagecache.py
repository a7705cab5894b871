"""The page cache: a page whose inputs have not changed is not rendered again.

A page builder yields a :class:`Deferred` page instead of a :class:`Page`
when rendering it costs: its path, what it is made from (``inputs``: the
articles, groups, topics and configuration it shows) and how to make it.
:func:`resolve` makes it, or, when a :class:`PageCache` knows a page of the
same key and the file it wrote is still in ``docs/`` byte for byte, takes
that file. The key is SHA-256 of the code and templates (``salt``), the path
and a digest of the inputs; an article counts by the key of its cache entry
(its source bytes, sidecar, configuration and code: see :mod:`explainer.cache`)
and its placements, so a page is rendered again exactly when something it
shows changed.

The index (``.cache/explainer/pages.json``) holds, per key, the page's path,
title, cited paragraphs and the SHA-256 of its text: never the text, which
is the file in ``docs/``. Like every state file it is untrusted input (see
docs-dev/security.md): it is read only if it is a regular file of bounded
size, every entry is type-checked, a page is taken from ``docs/`` only when
its bytes hash to the recorded digest, and anything else is ignored with a
note. ``explainer check`` builds without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import msgspec

from .cache import DIGEST, collector_paused, read_state_bytes, stable_repr, write_state
from .model import Article, ClassifiedArticle, Group, Page, Placement, Run
from .seal import SealedStore
from .write import FileId, file_id, is_managed

VERSION = "explainer-pages-1"
INDEX = "pages.json"
PARTS = "parts.json"  # per-article parts of the guides (see :meth:`PageCache.get`)
SEALED = "sealed"  # values believed as they stand (see :meth:`PageCache.recall_sealed`)
MAX_PAGE_BYTES = 20_000_000  # as siteinput's limit for a page MkDocs reads


class Parts(Protocol):
    """Per-article data kept between runs (:class:`PageCache` is one): what
    ``put`` stored for a kind of part and an article, as JSON data, or None.
    The data is untrusted: its reader checks every value (``shape``: a type
    msgspec checks it against in C as it decodes it; None when it is not one)."""

    def get(self, kind: str, slug: str, shape: Any = Any) -> Any | None: ...

    def put(self, kind: str, slug: str, data: Any) -> None: ...


Record = tuple[str, str, frozenset[tuple[str, int]], str]  # a page: path, title, cited paragraphs, SHA-256 of its text


@dataclass(frozen=True)
class Deferred:
    """A page not rendered yet: where it goes, what it shows, how to make it."""

    path: str
    inputs: object
    make: Callable[[], Page | Sequence[Page]]  # a page, or a page and its sub-pages (under its name as a folder)


class PageCache:
    """Pages of earlier runs by key (see the module docstring).

    ``articles`` maps each article's slug to the key of its per-article cache
    entry; ``salt`` covers the code and the templates."""

    def __init__(
        self,
        state: Path | None,
        docs: Path | None,
        salt: str = "",
        articles: Mapping[str, str] = {},
        key: bytes | None = None,
    ):
        self.state = state
        # Values believed as they stand, with this machine's key (explainer.seal).
        self.sealed = SealedStore(state / SEALED if state is not None else Path(), key if state is not None else None)
        self.docs = docs
        self.salt = salt
        self.articles = dict(articles)
        self.hits = 0
        self.rendered = 0
        self.notes: list[str] = []
        self._known: dict[str, tuple[Record, ...]] = {}
        self._raw: dict[str, Any] = {}
        self._used: dict[str, tuple[Record, ...]] = {}
        self._reprs: dict[int, tuple[object, str]] = {}
        self._classified: dict[str, tuple[ClassifiedArticle, str]] = {}
        self._groups: dict[int, tuple[Group, str]] = {}
        self._parts: dict[str, msgspec.Raw] = {}  # each part's JSON text, decoded when asked for
        self._parts_used: dict[str, Any] = {}  # (kept as the Raw text, or new JSON data)
        self._parts_changed = False
        # The files of docs/ taken as pages: as they were when read, and their
        # text (the writer need not read them again: see write.plan).
        self.read: dict[str, tuple[FileId, str]] = {}
        # The SHA-256 of every page this cache gave, by path, with the text
        # it is of (the run's manifest hashes the files it left: see
        # :func:`digest`).
        self._digests: dict[str, tuple[str, str]] = {}
        if state is not None:
            self._known = self._load(state / INDEX)
            self._parts = self._load_parts(state / PARTS)

    def prepare(self, salt: str, articles: Mapping[str, str], classified: Iterable[ClassifiedArticle] = ()) -> None:
        """Set what keys are made of: the run's code and configuration, each
        article's key by slug, and the classified articles of the run (each
        digested once: every page that shows their sentences counts them so)."""
        self.salt = salt
        self.articles = dict(articles)
        self._classified = {}
        for item in classified:
            slug = item.article.slug
            if slug in self.articles:
                digest = f"{self.articles[slug]}{item.names_subject}{_placements(item.placements)}"
                self._classified[slug] = (item, hashlib.sha256(digest.encode()).hexdigest())

    # Keys

    def key(self, path: str, inputs: object) -> str | None:
        """The page's key, or None when an input cannot be digested (an
        article this cache has no key for): such a page is always rendered."""
        parts: list[str] = []
        try:
            self._walk(inputs, parts)
        except KeyError:
            return None
        # One JSON list of strings: as unambiguous as a length before each
        # part, and one call (in C) for a page that counts thousands of them.
        return _sha(msgspec.json.encode([VERSION, self.salt, path, *parts]))

    def _walk(self, value: object, out: list[str]) -> None:
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:  # (as the last branch: repr)
            out.append(repr(value))
        elif kind is ClassifiedArticle:
            assert isinstance(value, ClassifiedArticle)
            known = self._classified.get(value.article.slug)
            if known is not None and known[0] is value:
                out.append("C" + known[1])
            else:
                out.append(f"C{self.articles[value.article.slug]}{value.names_subject}")
                out.append(_placements(value.placements))
        elif kind is Group:
            assert isinstance(value, Group)
            group = self._groups.get(id(value))  # a topic's groups are walked for its page and the home page
            if group is None or group[0] is not value:
                parts = ["G" + self.articles[value.article.slug]]
                for run in value.runs:
                    self._run(run, parts)
                group = self._groups[id(value)] = (value, "\0".join(parts))
            out.append(group[1])
        elif kind is Run:
            assert isinstance(value, Run)
            self._run(value, out)
        elif kind is Article:
            assert isinstance(value, Article)
            out.append("A" + self.articles[value.slug])
        elif kind in (tuple, list):
            assert isinstance(value, tuple | list)
            out.append(f"[{len(value)}")
            for item in value:
                self._walk(item, out)
        elif kind is dict:
            assert isinstance(value, dict)
            out.append(f"{{{len(value)}")
            for name in sorted(value, key=repr):
                out.append(repr(name))
                self._walk(value[name], out)
        elif kind in (frozenset, set):
            assert isinstance(value, frozenset | set)
            out.append(stable_repr(value))
        elif dataclasses.is_dataclass(value):
            seen = self._reprs.get(id(value))  # configuration, topics: the same objects on every page
            if seen is None or seen[0] is not value:
                seen = (value, stable_repr(value))
                self._reprs[id(value)] = seen
            out.append(seen[1])
        else:
            out.append(repr(value))

    # Per-article parts: what a guide reads of one article (its body
    # sentences, dated phrases, name candidates), as JSON data. The reader
    # checks every value it gets (an entry is untrusted): a value it cannot
    # use is put again.

    def get(self, kind: str, slug: str, shape: Any = Any) -> Any | None:
        """The data last put for ``kind`` of this article (same article key,
        code and configuration) if it is of ``shape``, or None."""
        key = self._part_key(kind, slug)
        if key is None:
            return None
        return self._decode(key, shape)

    def put(self, kind: str, slug: str, data: Any) -> None:
        key = self._part_key(kind, slug)
        if key is not None:
            self._parts_used[key] = data
            self._parts_changed = True

    # Values of a whole topic (its claims): keyed by everything they are made
    # from, as the caller lists it, with the code and configuration. Kept in
    # the parts file, and as untrusted: the caller checks what it gets.

    def recall(self, kind: str, inputs: object, shape: Any = Any) -> tuple[str, Any | None, bool]:
        """The key of ``kind`` made of ``inputs`` (JSON data), the data last
        kept under it if it is of ``shape`` (else None), and whether something
        was kept under it that is not."""
        key = self._topic_key(kind, inputs)
        data = self._decode(key, shape)
        return key, data, data is None and key in self._parts

    def carry(self, kind: str, inputs: object) -> None:
        """Keep what was kept under :meth:`recall`'s key for the next run, as it
        is (not decoded: the next run that reads it checks it)."""
        key = self._topic_key(kind, inputs)
        raw = self._parts.get(key)
        if raw is not None:
            self._parts_used[key] = raw

    def recall_sealed(self, kind: str, inputs: object, shape: Any) -> tuple[str, Any | None]:
        """:meth:`recall` of a value kept with :meth:`keep_sealed`: only one
        this machine sealed (:class:`explainer.seal.SealedStore`)."""
        key = self._topic_key(kind, inputs)
        return key, self.sealed.get(key, shape)

    def keep_sealed(self, key: str, data: Any) -> None:
        """Keep ``data`` sealed under a key :meth:`recall_sealed` gave."""
        self.sealed.put(key, data)

    def carry_sealed(self, kind: str, inputs: object) -> None:
        """:meth:`carry` for a sealed value."""
        self.sealed.keep(self._topic_key(kind, inputs))

    def _topic_key(self, kind: str, inputs: object) -> str:
        return _sha(msgspec.json.encode([VERSION, self.salt, kind, inputs]))

    def _decode(self, key: str, shape: Any) -> Any | None:
        """A kept part, decoded (and type-checked) only when asked for: a run
        that uses a few of the thousands kept decodes those few."""
        raw = self._parts.get(key)
        if raw is None:
            return None
        try:
            with collector_paused():
                data = msgspec.json.decode(raw, type=shape, strict=True)
        except (ValueError, RecursionError):  # (msgspec's errors are ValueErrors)
            return None
        if data is not None:
            self._parts_used[key] = raw  # written back as read
        return data

    def keep(self, key: str, data: Any) -> None:
        """Keep ``data`` under a key :meth:`recall` gave, for the next run."""
        self._parts_used[key] = data
        self._parts_changed = True

    def _part_key(self, kind: str, slug: str) -> str | None:
        article = self.articles.get(slug)
        if article is None:
            return None
        return hashlib.sha256(f"{VERSION}\0{self.salt}\0{kind}\0{article}".encode()).hexdigest()

    def _load_parts(self, path: Path) -> dict[str, msgspec.Raw]:
        try:
            parts = _decoded(path, _PARTS)
            if parts is None:
                return {}
            if parts.version != VERSION:
                raise ValueError("wrong version")
        except (ValueError, RecursionError):  # (msgspec's errors are ValueErrors)
            self.notes.append(f"{path}: not a parts cache of this version: ignored (the guides read every article)")
            return {}
        return {k: v for k, v in parts.parts.items() if DIGEST.fullmatch(k)}

    def _run(self, run: Run, out: list[str]) -> None:
        """A run of a classified article of this run counts by that article's
        digest and where the run is in it (its placements are that article's);
        any other run, by its placements."""
        known = self._classified.get(run.slug)
        if known is not None and run.placements:
            first = run.placements[0].sentence.index
            span = known[0].placements[first : first + len(run.placements)]
            if len(span) == len(run.placements) and all(map(operator.is_, span, run.placements)):
                out.append(f"R{known[1]}\0{run.paragraph}\0{first}\0{len(span)}")
                return
        out.append(f"R{self.articles[run.slug]}\0{run.paragraph}")
        out.append(_placements(run.placements))

    # Pages

    def page(self, deferred: Deferred) -> list[Page]:
        """The deferred page (or pages), from ``docs/`` when its key is known
        and every file is unchanged, else made."""
        key = self.key(deferred.path, deferred.inputs)
        if key is not None:
            known = self._known.get(key)
            if known is not None and _belongs(deferred.path, [r[0] for r in known]):
                pages = []
                for path, title, cites, digest in known:
                    content = self._read(path, digest)
                    if content is None:
                        break
                    pages.append(Page(path, content, title, cites))
                else:
                    self.hits += len(pages)
                    self._used[key] = known
                    for page, record in zip(pages, known, strict=True):
                        self._digests[page.path] = (page.content, record[3])
                    return pages
        made = deferred.make()
        pages = [made] if isinstance(made, Page) else list(made)
        self.rendered += len(pages)
        records = tuple((p.path, p.title, p.cites, _sha(p.content.encode("utf-8"))) for p in pages)
        for page, record in zip(pages, records, strict=True):
            self._digests[page.path] = (page.content, record[3])
        if key is not None and _belongs(deferred.path, [p.path for p in pages]):
            self._used[key] = records
        return pages

    def digest(self, page: Page) -> str:
        """The SHA-256 (hex) of the page's text as UTF-8: the one this cache
        checked or made when it gave this very text, else worked out."""
        known = self._digests.get(page.path)
        if known is not None and known[0] is page.content:
            return known[1]
        return _sha(page.content.encode("utf-8"))

    def _read(self, path: str, digest: str) -> str | None:
        """The text of ``docs/<path>`` if it is a regular file (no link on the
        way) whose bytes hash to ``digest``. Each folder on the way is opened
        from the one before it without following a link, and the file from
        the last: a folder swapped for a link meanwhile is never gone through."""
        if self.docs is None:
            return None
        *folders, name = path.split("/")
        if any(part in ("", ".", "..") for part in path.split("/")):
            return None
        try:
            fd = os.open(self.docs, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            for part in folders:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = inner
            inner = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
            os.close(fd)
            fd = inner
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PAGE_BYTES:
                return None
            with open(fd, "rb", closefd=False) as handle:
                data = handle.read(info.st_size + 1)  # (a read of the limit would allocate the limit, every time)
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(data) > info.st_size or _sha(data) != digest:  # (longer: it changed while read)
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        self.read[path] = (file_id(info), text)
        return text

    def save(self) -> None:
        """Record the pages and parts of this run (those of earlier runs are
        dropped: the index stays the size of the site)."""
        if self.state is None:
            return
        self.sealed.save()
        if self._parts_changed or self._parts_used.keys() != self._parts.keys():
            self._write(PARTS, _json({"version": VERSION, "parts": self._parts_used}))
        if self._used.keys() == self._known.keys():
            return  # (an entry's key covers its value)
        entries = {
            key: self._raw.get(key)
            or [[path, title, sorted([slug, n] for slug, n in cites), digest] for path, title, cites, digest in records]
            for key, records in sorted(self._used.items())
        }
        self._write(INDEX, _json({"version": VERSION, "pages": entries}))

    def _write(self, name: str, text: str) -> None:
        assert self.state is not None
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            if not self.state.is_symlink():
                write_state(self.state / name, text)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _load(self, path: Path) -> dict[str, tuple[Record, ...]]:
        try:
            index = _decoded(path, _INDEX)
            if index is None:
                return {}
            entries = _entries(index)
            self._raw = index.pages  # checked: written back as read for the pages used again
            return entries
        except (ValueError, TypeError, RecursionError):  # (msgspec's errors are ValueErrors)
            self.notes.append(f"{path}: not a page cache of this version: ignored (pages are rendered again)")
            return {}


def resolve(items: Iterable[Page | Deferred], cache: PageCache | None) -> list[Page]:
    """Every page of ``items``: deferred ones made, or taken from ``cache``."""
    pages = []
    for item in items:
        if isinstance(item, Deferred):
            if cache is not None:
                pages += cache.page(item)
            else:
                made = item.make()
                pages += [made] if isinstance(made, Page) else made
        else:
            pages.append(item)
    return pages


def _placements(placements: tuple[Placement, ...]) -> str:
    """What a page shows of placed sentences (their text is the article's,
    keyed already), as a digest of their MessagePack encoding: exact (every
    float by its bits) and made in C, where a ``repr`` of a thousand
    articles' placements took a tenth of a second."""
    shown = [
        (p.sentence.paragraph, p.sentence.index, p.topic, p.score, p.fallback, p.speaks, p.signals) for p in placements
    ]
    return _sha(msgspec.msgpack.encode(shown))


def _json(value: object) -> str:
    """Compact JSON, written by msgspec in C (the index of a thousand-article
    site is megabytes: the standard library's encoder took a third of a second)."""
    return msgspec.json.encode(value).decode("utf-8")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The state files as msgspec checks them (in C, every type): an object with
# exactly these fields, each of exactly its type (no bool for an int, no
# number that is not finite); what a type cannot say is checked after.

_Cite = tuple[str, int]
_Stored = tuple[str, str, tuple[_Cite, ...], str]  # a Record as written: cites as pairs


class _Index(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    version: str
    pages: dict[str, tuple[_Stored, ...]]


class _Parts(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    version: str
    parts: dict[str, msgspec.Raw]  # JSON text (checked as JSON here): its reader decodes and checks it


_State = TypeVar("_State", _Index, _Parts)
_INDEX = msgspec.json.Decoder(_Index)
_PARTS = msgspec.json.Decoder(_Parts)


def _decoded(path: Path, decoder: msgspec.json.Decoder[_State]) -> _State | None:
    """A state file read by ``decoder`` (types checked in C), None when there is
    none; ValueError when it is not a regular file of bounded size or not of
    that shape."""
    if not path.exists() and not path.is_symlink():
        return None
    data = read_state_bytes(path)
    if data is None:
        raise ValueError("not a regular file of bounded size")
    with collector_paused():
        return decoder.decode(data)


def _entries(index: _Index) -> dict[str, tuple[Record, ...]]:
    """The index's entries, checked; ValueError on anything else."""
    if index.version != VERSION:
        raise ValueError("wrong version")
    entries = {}
    for key, entry in index.pages.items():
        if not DIGEST.fullmatch(key) or not entry:
            raise ValueError("bad entry")
        for _, _, _, digest in entry:
            if not DIGEST.fullmatch(digest):
                raise ValueError("bad digest")
        entries[key] = tuple((path, title, frozenset(cites), digest) for path, title, cites, digest in entry)
    return entries


def _belongs(name: str, paths: Sequence[str]) -> bool:
    """A deferred page's pages are its own path first, then pages in the folder
    of that name, each a path the writer would write (a kept record naming
    ``x.txt`` there would make every run refuse to write it)."""
    folder = name.removesuffix(".md") + "/"
    return (
        bool(paths)
        and paths[0] == name
        and all(p.startswith(folder) and ".." not in p for p in paths[1:])
        and all(is_managed(p, docs=True) for p in paths)
    )
