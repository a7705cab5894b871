"""Cache: skip work whose inputs have not changed (in ``.cache/``, git-ignored).

Two levels, both keyed by SHA-256 of everything that can change a result:

* per article: the segmented article, its paragraphs' evidence (what the
  classifier reads of each, :func:`explainer.classify.read_article`) and its
  shingles, keyed by the source bytes, its sidecar, the config files and the
  package's code. Adding one article to a thousand reads one article (the
  corpus stage of classification then runs on all of them: arithmetic only).
* per run: a manifest of the whole input (every source, config, code,
  templates) and of the generated files as they were left (size and mtime).
  When both match, ``explainer generate`` has nothing to do and stops before
  building anything: under a second for 1,000 articles, no file touched.

The cache is an optimisation only: deleting ``.cache/`` changes no output,
and an unreadable entry is treated as missing. It is also untrusted: a copy
may arrive in a clone or a pull request. So nothing is read back with a
format that can run code (entries are JSON, decoded into the model's frozen
dataclasses field by field, with every type checked), files are read only if
they are regular files of a bounded size, and a bad entry is counted, noted
and ignored. A planted entry can at worst change which text is shown, never
add markup or links (rendering escapes text and checks every link again), and
``explainer check`` (CI) builds without the cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import math
import os
import sys
import types
import typing
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .paths import STATE

VERSION = b"explainer-cache-2"
CACHE_DIR = STATE  # under the project root; git-ignored
_PACKAGE = Path(__file__).resolve().parent


def code_digest() -> bytes:
    """Hash of the package's own code and templates: a new version invalidates.

    Read afresh on every run (a few dozen small files): under ``mkdocs serve``
    one process runs many times, and an edited template must show at once."""
    digest = hashlib.sha256(VERSION + sys.version.encode())
    for path in sorted([*_PACKAGE.glob("*.py"), *_PACKAGE.glob("templates/*.j2")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def stable_repr(value: object) -> str:
    """``repr`` that is the same in every run: sets are sorted (a set's own
    order follows string hashing, which Python salts per process)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ", ".join(f"{f.name}={stable_repr(getattr(value, f.name))}" for f in dataclasses.fields(value))
        return f"{type(value).__name__}({fields})"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(stable_repr(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(f"{stable_repr(k)}: {stable_repr(v)}" for k, v in value.items())) + "}"
    return repr(value)


def key(*parts: bytes | str) -> str:
    """SHA-256 of the parts, each length-prefixed so that boundaries count."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


class ArticleCache:
    """Per-article results in ``folder``, one JSON file per key.

    ``kind`` is the type of the value, e.g. ``tuple[ClassifiedArticle,
    frozenset[int]]``: an entry is only returned if it decodes to exactly
    that; anything else counts in :attr:`ignored`."""

    def __init__(self, folder: Path, kind: Any):
        self.folder = folder
        self.kind = kind
        self.ignored = 0

    def get(self, name: str) -> Any | None:
        path = self.folder / f"{name}.json"
        data = read_state(path)
        if data is None:
            return None
        try:
            return decode(self.kind, json.loads(data))
        except (ValueError, TypeError, KeyError, RecursionError):
            self.ignored += 1
            return None

    def put(self, name: str, value: Any) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.folder.is_symlink():
                return
            write_state(
                self.folder / f"{name}.json", json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))
            )
        except OSError:
            pass  # a cache that cannot be written only costs time


MAX_STATE_BYTES = 50_000_000


def read_state(path: Path) -> str | None:
    """A state file's text: only a regular file (not a link), of bounded size."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if not os.path.isfile(path) or path.is_symlink() or info.st_size > MAX_STATE_BYTES:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


# A JSON codec for the model's frozen dataclasses: no code runs on load, and
# every value is checked against the field's declared type.


_SCALARS = frozenset({str, int, float, bool, type(None)})  # JSON as they are (exact types, not subclasses)


def encode(value: Any) -> Any:
    """Dataclasses, tuples, sets, dates and scalars -> JSON-ready values."""
    kind: Any = type(value)
    scalars = _SCALARS
    if kind in scalars:
        return value
    names = _field_names(kind)
    # (A call per scalar is most of the cost: scalars are taken as they are.)
    if names is not None:
        encoded = {"@": kind.__name__}
        for name in names:
            field = getattr(value, name)
            encoded[name] = field if type(field) in scalars else encode(field)
        return encoded
    if isinstance(value, frozenset | set):
        if set(map(type, value)) <= scalars:  # a set of numbers (shingles): sorted as they are
            return sorted(value)
        return sorted(encode(v) for v in value)
    if isinstance(value, tuple | list):
        return [v if type(v) in scalars else encode(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(kind: Any, data: Any) -> Any:
    """The inverse of :func:`encode` for a value of type ``kind``; raises
    ValueError or TypeError on anything that is not exactly such a value.

    Each type's checks are put together once (:func:`_decoder`), so reading
    a thousand entries does not look up the same types a million times."""
    return _decoder(kind)(data)


Decoder = typing.Callable[[Any], Any]


@functools.cache
def _decoder(kind: Any) -> Decoder:
    """The decoding function of ``kind``, built once per type."""
    origin, args = _shape(kind)
    if kind is Any or kind is object:
        return _plain
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(kind, args)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _dataclass_decoder(kind)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence_decoder(args[0])
        return _fixed_tuple_decoder(args)
    if origin is frozenset:
        return _frozenset_decoder(args[0])
    if origin is dict:
        return _dict_decoder(args[0], args[1])
    simple = _SIMPLE.get(kind)
    if simple is not None:
        return simple
    raise TypeError(f"cannot decode {kind!r}")


def _union_decoder(kind: Any, args: tuple[Any, ...]) -> Decoder:
    optional = type(None) in args
    named = {m.__name__: m for m in args if isinstance(m, type) and dataclasses.is_dataclass(m)}
    members = [m for m in args if m is not type(None)]

    def union(data: Any) -> Any:
        if data is None and optional:
            return None
        if isinstance(data, dict) and "@" in data:
            member = named.get(data["@"]) if isinstance(data["@"], str) else None
            if member is not None:
                return _decoder(member)(data)
        for member in members:
            try:
                return _decoder(member)(data)
            except (ValueError, TypeError, KeyError):
                continue
        raise ValueError(f"no member of {kind} fits")

    return union


def _dataclass_decoder(kind: type) -> Decoder:
    name = kind.__name__
    fields: list[tuple[str, Any]] = []

    # A frozen dataclass's __init__ sets each field through object.__setattr__;
    # the model's classes have no __post_init__, no slots and no field left to
    # a default here (every init field is in the entry), so filling __dict__
    # makes the same object, several times faster.
    direct = not hasattr(kind, "__post_init__") and not hasattr(kind, "__slots__")
    direct = direct and all(f.init for f in dataclasses.fields(kind))
    new = object.__new__

    def dataclass_(data: Any) -> Any:
        if not fields:  # filled on first use: a field's type may be this very class
            fields.extend((field, _decoder(hint)) for field, hint in _init_fields(kind))
        if type(data) is not dict or data.get("@") != name or len(data) != len(fields) + 1:
            raise ValueError(f"expected a {name}")
        try:
            values = {field: decode_(data[field]) for field, decode_ in fields}
        except KeyError:
            raise ValueError(f"wrong fields for {name}") from None
        if not direct:
            return kind(**values)
        value: Any = new(kind)
        value.__dict__.update(values)
        return value

    return dataclass_


def _sequence_decoder(item: Any) -> Decoder:
    if item is str or item is int:
        only = {item}

        def plain(data: Any) -> Any:
            if type(data) is not list:
                raise TypeError("expected a list")
            if not data or set(map(type, data)) == only:  # the types' set is made in C
                return tuple(data)
            raise TypeError(f"expected a list of {item.__name__}")

        return plain
    if item is float:

        def numbers(data: Any) -> Any:
            if type(data) is not list:
                raise TypeError("expected a list")
            if all(type(v) in _NUMBERS and math.isfinite(v) for v in data):
                return tuple(map(float, data))
            raise TypeError("expected a list of numbers")

        return numbers
    each: list[Decoder] = []

    def sequence(data: Any) -> Any:
        if type(data) is not list:
            raise TypeError("expected a list")
        if not each:
            each.append(_decoder(item))
        return tuple(map(each[0], data))

    return sequence


def _fixed_tuple_decoder(args: tuple[Any, ...]) -> Decoder:
    def fixed(data: Any) -> Any:
        if type(data) is not list:
            raise TypeError("expected a list")
        if len(args) != len(data):
            raise ValueError("wrong tuple length")
        return tuple(_decoder(a)(v) for a, v in zip(args, data, strict=True))

    return fixed


def _frozenset_decoder(item: Any) -> Decoder:
    def frozen(data: Any) -> Any:
        if type(data) is not list:
            raise TypeError("expected a list")
        if item is int and (not data or set(map(type, data)) == _INT):
            return frozenset(data)
        return frozenset(map(_decoder(item), data))

    return frozen


def _dict_decoder(key: Any, value: Any) -> Decoder:
    def mapping(data: Any) -> Any:
        if type(data) is not dict:
            raise TypeError("expected a mapping")
        keys, values = _decoder(key), _decoder(value)
        return {keys(k): values(v) for k, v in data.items()}

    return mapping


def _date(data: Any) -> date:
    if not isinstance(data, str):
        raise TypeError("expected a date")
    return date.fromisoformat(data)


def _bool(data: Any) -> bool:
    if not isinstance(data, bool):
        raise TypeError("expected true or false")
    return data


def _int(data: Any) -> int:
    if not isinstance(data, int) or isinstance(data, bool):
        raise TypeError("expected an integer")
    return data


def _float(data: Any) -> float:
    if not isinstance(data, int | float) or isinstance(data, bool) or not math.isfinite(data):
        raise TypeError("expected a number")
    return float(data)


def _str(data: Any) -> str:
    if not isinstance(data, str):
        raise TypeError("expected text")
    return data


def _none(data: Any) -> None:
    if data is not None:
        raise TypeError("expected null")
    return None


_SIMPLE: dict[Any, Decoder] = {date: _date, bool: _bool, int: _int, float: _float, str: _str, type(None): _none}


_NUMBERS = frozenset({int, float})  # not bool
_INT = {int}


@functools.cache
def _shape(kind: Any) -> tuple[Any, tuple[Any, ...]]:
    return typing.get_origin(kind), typing.get_args(kind)


@functools.cache
def _field_names(kind: Any) -> tuple[str, ...] | None:
    """The field names of a dataclass type, in order; None for any other type."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(f.name for f in dataclasses.fields(kind))


@functools.cache
def _init_fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass type's fields that its constructor takes, with their types."""
    hints = _hints(kind)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(kind) if f.init)


def _plain(data: Any) -> Any:
    """JSON scalars, lists and mappings only (for fields typed ``object``)."""
    if data is None or isinstance(data, str | int | float | bool):
        return data
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    raise TypeError("not JSON data")


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


class RunCache:
    """The manifest of the last run: what went in, and the docs folder it left."""

    def __init__(self, folder: Path):
        self.path = folder / "manifest.json"

    def unchanged(self, inputs: str, folders: Sequence[Path]) -> dict[str, Any] | None:
        """The last run's report if neither the inputs nor the output folders changed since."""
        text = read_state(self.path)
        try:
            data = json.loads(text) if text is not None else None
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("inputs") != inputs or data.get("docs") != docs_state(folders):
            return None
        report = data.get("report")
        return report if isinstance(report, dict) else None

    def record(self, inputs: str, folders: Sequence[Path], report: dict[str, Any]) -> None:
        data = {"inputs": inputs, "docs": docs_state(folders), "report": report}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_state(self.path, json.dumps(data, ensure_ascii=False))
        except OSError:
            pass


def write_state(path: Path, text: str) -> None:
    """Write a state file through a new temp file, then rename it: never
    through a link that a clone planted at either name (the state folder
    may arrive in a pull request: the link could lead anywhere)."""
    temp = path.with_name(f".{path.stem}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temp, path)


def docs_state(folders: Sequence[Path]) -> list[list[object]]:
    """Every file under ``folders`` with its size and a hash of its bytes.

    Any change to them, by the generator or by hand, shows here, even one
    that keeps the size and the modification time. Links are listed, never
    followed."""
    state: list[list[object]] = []
    for folder in folders:
        state.append([str(folder)])
        if not folder.is_dir() or folder.is_symlink():
            continue
        for base, subfolders, files in os.walk(folder, followlinks=False):
            subfolders.sort()
            for name in sorted(files + [d for d in subfolders if os.path.islink(os.path.join(base, d))]):
                path = Path(base) / name
                relative = path.relative_to(folder).as_posix()
                if path.is_symlink():
                    state.append([relative, "link", os.readlink(path)])
                elif path.is_file():
                    state.append([relative, path.stat().st_size, hashlib.blake2b(path.read_bytes()).hexdigest()])
                else:
                    state.append([relative, "special"])
    return state
