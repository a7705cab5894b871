"""Cache: skip work whose inputs have not changed (in ``.cache/``, git-ignored).

Two levels, both keyed by SHA-256 of everything that can change a result:

* per article: the segmented article, its paragraphs' evidence (what the
  classifier reads of each, :func:`explainer.classify.read_article`), the
  MinHash signature of its shingles and its sentences as the claims read
  them, keyed by the source bytes, its sidecar, the config files and the
  package's code. Adding one article to a thousand reads one article (the
  corpus stages then run on all of them, on arrays).
* per run: a manifest of the whole input (every source, config, code,
  templates) and of the generated files as they were left (size and mtime).
  When both match, ``explainer generate`` has nothing to do and stops before
  building anything: under a second for 1,000 articles, no file touched.

The cache is an optimisation only: deleting ``.cache/`` changes no output,
and an unreadable entry is treated as missing. It is also untrusted: a copy
may arrive in a clone or a pull request. So nothing is read back with a
format that can run code (entries are JSON, decoded by msgspec into the
model's frozen dataclasses with every type checked: see :func:`decode`), files are read only if
they are regular files of a bounded size, and a bad entry is counted, noted
and ignored. A planted entry can at worst change which text is shown, never
add markup or links (rendering escapes text and checks every link again), and
``explainer check`` (CI) builds without the cache.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import functools
import gc
import hashlib
import hmac
import itertools
import json
import operator
import os
import re
import stat
import sys
import types
import typing
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from types import GenericAlias
from typing import Annotated, Any

import msgspec

from .model import Finite
from .paths import STATE

VERSION = b"explainer-cache-4"  # 4: the claims' Reading: names and units read anew; 3: dataclasses as arrays
CACHE_DIR = STATE  # under the project root; git-ignored
_PACKAGE = Path(__file__).resolve().parent
# Where the libraries are installed: each one's version is in the name of its
# ``<name>-<version>.dist-info`` folder there (read as names: importing
# importlib.metadata costs more than the rest of a run with nothing to do).
_LIBRARIES = Path(msgspec.__file__).resolve().parent.parent


def code_digest() -> bytes:
    """Hash of the package's own code and templates, and of which versions of
    the libraries are installed (the stemmer, the word list, the sentence
    splitter... shape the results too): a new version of any invalidates.

    Read afresh on every run (a few dozen small files): under ``mkdocs serve``
    one process runs many times, and an edited template must show at once."""
    digest = hashlib.sha256(VERSION + sys.version.encode())
    for path in sorted([*_PACKAGE.glob("*.py"), *_PACKAGE.glob("templates/*.j2")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        installed = sorted(name for name in os.listdir(_LIBRARIES) if name.endswith(".dist-info"))
    except OSError:
        installed = []
    digest.update("\0".join(installed).encode())
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

    def __init__(self, folder: Path, kind: Any, key: bytes | None = None, *, read_only: bool = False):
        self.folder = folder
        self.kind = kind
        self.read_only = read_only  # (a command that reads the cache but never saves it writes no entry either)
        self._refused: set[str] = set()
        # With this clone's key (explainer.seal), an entry is used only if
        # sealed by it: every entry a run reads is then one this machine
        # made, so what is judged on it may be believed (explainer.claims).
        self.key = key
        self.seals_path = folder.with_name(folder.name + "-seals.json")
        self._seals: dict[str, str] | None = None  # name -> seal (hex), read when first needed
        self._seals_used: dict[str, str] = {}  # the seals of the entries this run read or wrote
        self._used: set[str] = set()  # the entries this run read or wrote (the others are pruned by save)
        self._readable = False  # whether the folder is one (never a link), once seen to be

    @property
    def ignored(self) -> int:
        """How many entries were not valid, each counted once however often it
        was read (a run that starts over reads them again, and when the cache
        cannot be written they are still there)."""
        return len(self._refused)

    def refuse(self, name: str) -> None:
        """Count the entry ``name`` as not valid (its caller reads the article again)."""
        self._refused.add(name)

    def get(self, name: str) -> Any | None:
        if not self._readable:  # (looked at again until it is a folder: a run's puts may make it)
            self._readable = real_folder(self.folder)  # a linked folder is never read through: it could lead anywhere
            if not self._readable:
                return None
        data = read_state_bytes(self.folder / f"{name}.json")
        if data is None:
            return None
        if self.key is not None:
            given = self._known_seals().get(name)
            made = seal(self.key, name, data).hex()
            if given is None or not hmac.compare_digest(made, given):
                self.refuse(name)  # (not this machine's: read again)
                return None
            self._seals_used[name] = made
        try:
            with collector_paused():
                value = decode(self.kind, data)
        except (ValueError, TypeError, KeyError, RecursionError):  # (msgspec's errors are ValueErrors)
            self.refuse(name)
            return None
        self._used.add(name)
        return value

    def get_many(self, names: Sequence[str]) -> list[Any | None]:
        """The entries of ``names`` (None for each missing or bad one), with the
        collector paused for all of them (see :func:`collector_paused`)."""
        with collector_paused():
            return [self.get(name) for name in names]

    def put(self, name: str, value: Any) -> None:
        if self.read_only:
            return
        try:
            data = encode(value, self.kind)
        except (TypeError, ValueError, msgspec.MsgspecError):
            return  # a value the codec cannot write (a number that is not finite...) is only not kept
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.folder.is_symlink():
                return
            write_state(self.folder / f"{name}.json", data)
        except OSError:
            return  # a cache that cannot be written only costs time
        self._used.add(name)
        if self.key is not None:
            self._seals_used[name] = seal(self.key, name, data).hex()

    def save(self) -> None:
        """After a run: keep the seals of the entries it read or wrote (with a
        key), and remove the entries it did not (an article since edited or
        removed, or read by older code): the cache stays the size of the site."""
        if self.key is not None and self._seals_used != self._seals:
            with contextlib.suppress(OSError):
                if not self.seals_path.parent.is_symlink():
                    write_state(self.seals_path, json.dumps(dict(sorted(self._seals_used.items()))))
        if self._used and not self.folder.is_symlink():
            prune(self.folder, self._used, ".json")

    def _known_seals(self) -> dict[str, str]:
        """The seals file: name -> seal (hex), or none when it is not such a map."""
        if self._seals is None:
            text = read_state(self.seals_path)
            try:
                data = json.loads(text) if text is not None else {}
            except (ValueError, RecursionError):  # (nesting a forged file can pile up)
                data = {}
            ok = isinstance(data, dict) and all(isinstance(v, str) for v in data.values())
            self._seals = data if ok else {}
        return self._seals


def seal(key: bytes, name: str, data: bytes) -> bytes:
    """The seal (HMAC-SHA256 with this clone's key) of ``data`` kept under
    ``name``: a seal does not move to another name (see :mod:`explainer.seal`)."""
    return hmac.new(key, name.encode("utf-8") + b"\0" + data, hashlib.sha256).digest()


MAX_STATE_BYTES = 50_000_000
DIGEST = re.compile(r"[0-9a-f]{64}")  # a state entry's name: a key (see :func:`key`)


def prune(folder: Path, wanted: Collection[str], suffix: str = "") -> None:
    """Remove the state entries of ``folder`` (regular files named as a
    :data:`DIGEST` then ``suffix``) not in ``wanted`` (by digest): an earlier
    run's. Nothing else, never through a link: the caller passes a folder
    that is not one."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            digest = entry.name.removesuffix(suffix) if entry.name.endswith(suffix) else ""
            if DIGEST.fullmatch(digest) and digest not in wanted and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector over work that makes no cycles.

    Decoded state, the classification's arrays and the claims' tables are
    trees and flat lists (no cycles to find), and the collector, run again
    and again over a heap that grows by every value made, costs more than
    the work itself (twice the decoding for a thousand articles). It runs as
    usual after, and a pause inside another is a no-op."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def real_folder(path: Path) -> bool:
    """Whether ``path`` is a folder, not a link to one (a clone can plant a
    link among the state files: a run never goes through it)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def read_state(path: Path) -> str | None:
    """A state file's text: only a regular file (not a link), of bounded size."""
    data = read_state_bytes(path)
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def read_state_bytes(path: Path, *, private: bool = False) -> bytes | None:
    """A state file's bytes: only a regular file (not a link), of bounded size
    (and with ``private``, this user's and readable by no one else).

    Opened without following a link and without waiting (a FIFO), then
    checked on the open file: one open per entry (a run reads a thousand)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_size > MAX_STATE_BYTES
            or (private and (info.st_mode & 0o077 or info.st_uid != os.geteuid()))
        ):
            return None
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(info.st_size + 1)  # (a read of the limit would allocate the limit, every time)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= info.st_size else None  # (longer: it changed while read)


# A JSON codec for the model's frozen dataclasses, in C (msgspec). Each
# dataclass is written as an array, its class name first then its fields in
# order (``["Sentence", "text", 1, 0]``), through a mirror Struct that msgspec
# decodes with every type checked: a wrong type, a field too many or too few,
# a number that is not finite or an unknown class name fails the whole entry.
# The checked mirror is then turned into the dataclass. The model's values
# made by the tens of thousands (sentences, paragraphs) are msgspec Structs
# of that same shape, and their own mirrors: read as they are written, with
# nothing to turn (see :func:`_struct_codec`). (msgspec decodes
# dataclasses itself only from JSON objects, where it ignores unknown fields,
# fills missing ones with defaults and cannot tell two dataclasses of a union
# apart.)

Converter = typing.Callable[[Any], Any]
_FINITE = Finite  # every float read is a number (explainer.model.Finite)
_new = object.__new__
_set = object.__setattr__
_fields_of = msgspec.structs.asdict


@dataclasses.dataclass(frozen=True)
class _Codec:
    """How a type is written and read: the mirror type msgspec checks, and the
    conversions between mirror and value (None where they are the same)."""

    mirror: Any
    to_value: Converter | None = None
    to_mirror: Converter | None = None
    leaf: type | None = None  # a dataclass whose mirror's fields are its own values: made in bulk


def encode(value: Any, kind: Any) -> bytes:
    """``value``, of type ``kind``, as JSON (sets sorted: the same value, the same bytes)."""
    codec = _codec(kind)
    return _ENCODER.encode(codec.to_mirror(value) if codec.to_mirror else value)


def decode(kind: Any, data: bytes | str) -> Any:
    """The value of type ``kind`` that :func:`encode` wrote; ValueError on
    anything that is not exactly such a value (msgspec's errors are ValueErrors)."""
    codec = _codec(kind)
    mirror = _decoder(kind).decode(data)
    return codec.to_value(mirror) if codec.to_value else mirror


_ENCODER = msgspec.json.Encoder(order="deterministic")


@functools.cache
def _decoder(kind: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(_codec(kind).mirror)


_BUILDING: set[type] = set()


@functools.cache
def _codec(kind: Any) -> _Codec:
    """The codec of ``kind``, built once per type."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any or kind is object:
        return _Codec(Any)
    if kind is float or kind == _FINITE:
        return _Codec(_FINITE)
    if origin is Annotated and args[0] in (int, str) and all(isinstance(m, msgspec.Meta) for m in args[1:]):
        return _Codec(kind)  # a bounded number or string (model.Position): msgspec checks the bounds
    if kind in (str, int, bool, type(None), date):
        return _Codec(kind)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        return _struct_codec(kind)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _dataclass_codec(kind)
    if origin in (typing.Union, types.UnionType):
        return _union_codec(args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence_codec(_codec(args[0]))
        return _fixed_tuple_codec(tuple(_codec(a) for a in args))
    if origin is frozenset:
        item = _codec(args[0])
        if item.to_value is None:
            return _Codec(GenericAlias(frozenset, item.mirror))
        return _Codec(
            GenericAlias(frozenset, item.mirror), _map(frozenset, item.to_value), _map(frozenset, item.to_mirror)
        )
    if origin is dict:
        keys, values = _codec(args[0]), _codec(args[1])
        if keys.to_value is None and values.to_value is None:
            return _Codec(GenericAlias(dict, (keys.mirror, values.mirror)))
        k_in, v_in = keys.to_value or _same, values.to_value or _same
        k_out, v_out = keys.to_mirror or _same, values.to_mirror or _same
        return _Codec(
            GenericAlias(dict, (keys.mirror, values.mirror)),
            lambda data: {k_in(k): v_in(v) for k, v in data.items()},
            lambda value: {k_out(k): v_out(v) for k, v in value.items()},
        )
    raise TypeError(f"cannot decode {kind!r}")


def _same(value: Any) -> Any:
    return value


def _map(collection: Converter, each: Converter | None) -> Converter:
    each_ = each or _same
    return lambda data: collection(map(each_, data))


def _dataclass_codec(kind: type) -> _Codec:
    if kind in _BUILDING:
        raise TypeError(f"cannot decode {kind!r}: it contains itself")
    _BUILDING.add(kind)
    try:
        hints = typing.get_type_hints(kind)
        fields = [(f.name, _codec(hints[f.name])) for f in dataclasses.fields(kind) if f.init]
    finally:
        _BUILDING.discard(kind)
    name = kind.__name__
    mirror = msgspec.defstruct(
        name,
        [(field, codec.mirror) for field, codec in fields],
        tag=name,
        array_like=True,
        forbid_unknown_fields=True,
        frozen=True,
        order=True,
        gc=False,  # a tree of values: no cycle for the collector to find
    )
    inward = [(field, codec.to_value) for field, codec in fields if codec.to_value is not None]
    outward = [(field, codec.to_mirror or _same) for field, codec in fields]
    # A frozen dataclass's __init__ sets each field through object.__setattr__;
    # where it has no __post_init__, no slots and no field left out of
    # __init__, setting its __dict__ at once makes the same object, faster.
    direct = not hasattr(kind, "__post_init__") and not hasattr(kind, "__slots__")
    direct = direct and all(f.init for f in dataclasses.fields(kind))

    def to_value(data: Any) -> Any:
        values = _fields_of(data)
        for field, convert in inward:
            values[field] = convert(values[field])
        if not direct:
            return kind(**values)
        value: Any = _new(kind)
        _set(value, "__dict__", values)
        return value

    def to_mirror(value: Any) -> Any:
        return mirror(*[convert(getattr(value, field)) for field, convert in outward])

    return _Codec(mirror, to_value, to_mirror, kind if direct and not inward else None)


def _struct_codec(kind: type[msgspec.Struct]) -> _Codec:
    """A model value that is a msgspec Struct (made by the tens of thousands:
    :class:`explainer.model.Sentence`...) is its own mirror, decoded as it is
    read, with no conversion after: written as the mirrors are (an array, its
    class name first, no field too many or too few: no default) and each
    field of a type checked as it stands (a float only as model.Finite, a
    bounded int as model.Position; no date, no set)."""
    config = kind.__struct_config__
    if not (config.array_like and config.tag == kind.__name__ and config.forbid_unknown_fields and config.frozen):
        raise TypeError(f"cannot decode {kind!r}: not an array-like, tagged, frozen Struct with no unknown field")
    if kind.__struct_defaults__:  # (a field left out would read as its default: refused, as a mirror refuses it)
        raise TypeError(f"cannot decode {kind!r}: a field has a default")
    hints = typing.get_type_hints(kind, include_extras=True)  # (Finite as it is written)
    for name in kind.__struct_fields__:
        codec = _codec(hints[name])
        if codec.to_value is not None or codec.mirror != hints[name]:
            raise TypeError(f"cannot decode {kind!r}: its field {name!r} needs a check or a conversion")
    return _Codec(kind)


def _sequence_codec(item: _Codec) -> _Codec:
    if item.to_value is None:
        return _Codec(GenericAlias(tuple, (item.mirror, ...)))
    out = _map(tuple, item.to_mirror)
    leaf = item.leaf
    if leaf is None:
        return _Codec(GenericAlias(tuple, (item.mirror, ...)), _map(tuple, item.to_value), out)

    def many(data: Any) -> Any:
        """Dataclasses of one kind, made in C loops (no Python call per value)."""
        values: list[Any] = list(map(_new, itertools.repeat(leaf, len(data))))
        collections.deque(map(_set, values, itertools.repeat("__dict__"), map(_fields_of, data)), maxlen=0)
        return tuple(values)

    return _Codec(GenericAlias(tuple, (item.mirror, ...)), many, out)


def _fixed_tuple_codec(items: tuple[_Codec, ...]) -> _Codec:
    mirror = GenericAlias(tuple, tuple(c.mirror for c in items))
    if all(c.to_value is None for c in items):
        return _Codec(mirror)
    inward = [c.to_value or _same for c in items]
    outward = [c.to_mirror or _same for c in items]
    return _Codec(
        mirror,
        lambda data: tuple(convert(v) for convert, v in zip(inward, data, strict=True)),
        lambda value: tuple(convert(v) for convert, v in zip(outward, value, strict=True)),
    )


def _union_codec(args: tuple[Any, ...]) -> _Codec:
    members = [(arg, _codec(arg)) for arg in args]
    mirror = functools.reduce(operator.or_, [c.mirror for _, c in members])
    if all(c.to_value is None for _, c in members):
        return _Codec(mirror)
    # Each member decodes to a type of its own (msgspec refuses unions it
    # cannot tell apart): convert by that type.
    inward = {_python_type(c.mirror): c.to_value for _, c in members if c.to_value is not None}
    outward = {_python_type(arg): c.to_mirror for arg, c in members if c.to_mirror is not None}

    def to_value(data: Any) -> Any:
        convert = inward.get(type(data))
        return convert(data) if convert else data

    def to_mirror(value: Any) -> Any:
        convert = outward.get(type(value))
        return convert(value) if convert else value

    return _Codec(mirror, to_value, to_mirror)


def _python_type(kind: Any) -> Any:
    """The Python type a value of (mirror or model) type ``kind`` has."""
    return typing.get_origin(kind) or kind


class RunCache:
    """The manifest of the last run: what went in, and the docs folder it left."""

    def __init__(self, folder: Path):
        self.path = folder / "manifest.json"

    def unchanged(self, inputs: str, folders: Sequence[Path]) -> dict[str, Any] | None:
        """The last run's report if neither the inputs nor the output folders changed since."""
        text = read_state(self.path)
        try:
            data = json.loads(text) if text is not None else None
        except (ValueError, RecursionError):  # (nesting a forged file can pile up)
            return None
        if not isinstance(data, dict) or data.get("inputs") != inputs or data.get("docs") != docs_state(folders):
            return None
        report = data.get("report")
        return report if isinstance(report, dict) else None

    def record(
        self, inputs: str, folders: Sequence[Path], report: dict[str, Any], known: Mapping[Path, str] | None = None
    ) -> None:
        """Keep what went in and the output folders as they are now (``known``:
        see :func:`docs_state`)."""
        data = {"inputs": inputs, "docs": docs_state(folders, known), "report": report}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_state(self.path, json.dumps(data, ensure_ascii=False))
        except OSError:
            pass


def write_state(path: Path, text: str | bytes) -> None:
    """Write a state file (text as UTF-8) through a new temp file, then rename
    it: never through a link that a clone planted at either name (the state
    folder may arrive in a pull request: the link could lead anywhere)."""
    temp = path.with_name(f".{path.stem}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8") if isinstance(text, str) else text)
    os.replace(temp, path)


def docs_state(folders: Sequence[Path], known: Mapping[Path, str] | None = None) -> list[list[object]]:
    """Every file under ``folders`` with its size and the SHA-256 of its bytes.

    Any change to them, by the generator or by hand, shows here, even one
    that keeps the size and the modification time. Links are listed, never
    followed (a name that is not text was refused: :func:`explainer.write.check_outputs`).
    ``known``: the SHA-256 (hex) of files the caller has just
    written or found unchanged, by path, not read again (the page cache has
    hashed most of them already; a file changed by hand meanwhile then
    differs at the next run's check, which builds: never a run skipped wrongly)."""
    known = known or {}
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
                    digest = known.get(path)
                    digest = hashlib.sha256(path.read_bytes()).hexdigest() if digest is None else digest
                    state.append([relative, path.stat().st_size, digest])
                else:
                    state.append([relative, "special"])
    return state
