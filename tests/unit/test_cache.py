"""The article cache's codec: an entry decodes to exactly the value that was
put, and anything else -- a wrong type in any field, a field too many or too
few, a number that is not finite, an unknown class, an entry of the old format,
a pickle, a deep or oversized document -- is ignored and counted, never raised."""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import pickle
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest

from explainer import cache
from explainer.cache import ArticleCache
from explainer.claims import Reading
from explainer.model import (
    Article,
    ArticleEvidence,
    Heading,
    Override,
    Paragraph,
    ParagraphEvidence,
    RemovedLine,
    Sentence,
    SourceMeta,
)
from explainer.pipeline import Processed


def _value() -> Any:
    """A processed article that uses every class and kind of field of the entry."""
    first = Paragraph(1, (Sentence("One.", 1, 0), Sentence("Two «2».", 1, 1)), None)
    second = Paragraph(2, (Sentence("Three.", 2, 2),), heading="Later")
    meta = SourceMeta(
        "T",
        "https://example.org/a",
        None,
        "A. Writer",
        date(2021, 5, 4),
        "en",
        None,
        (Override("x", True, "sources/a.txt", 3),),
    )
    article = Article(
        "a",
        "T",
        meta,
        "sources/a.txt",
        (first, Heading("Later"), second),
        (RemovedLine(4, "By A", "byline", "pattern"),),
    )
    evidence = (
        ParagraphEvidence((1.0, 0.0), (0.25, 1e-300), None, ("one", "two"), (1, 2), (("s1",), ()), (True, False)),
        ParagraphEvidence((0.0, 2.5), (0.0, 0.125), 1, (), (), ((),), (False,)),
    )
    reading = Reading(
        ("one", "two", "three"), ("", "", ""), ((), ("cases", "3", "3 cases"), ()), (1, 2, 1), (False,) * 3, (True,) * 3
    )
    return ArticleEvidence(article, evidence, names_subject=False), (-(2**63), 0, 7, 2**63 - 1), reading


def _field_names(value: Any) -> tuple[str, ...]:
    """A model value's fields, dataclass or Struct."""
    if isinstance(value, msgspec.Struct):
        return value.__struct_fields__
    return tuple(f.name for f in dataclasses.fields(value))


def _same_types(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if dataclasses.is_dataclass(a) or isinstance(a, msgspec.Struct):
        return all(_same_types(getattr(a, name), getattr(b, name)) for name in _field_names(a))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(map(_same_types, a, b))
    return True


@pytest.fixture
def store(tmp_path: Path) -> ArticleCache:
    store = ArticleCache(tmp_path / "articles", Processed)
    store.put("good", _value())
    return store


def _entry(store: ArticleCache) -> Any:
    return json.loads((store.folder / "good.json").read_bytes())


def _plant(store: ArticleCache, data: bytes | str) -> Any:
    """What the cache gives for an entry of these bytes (and whether it counted it)."""
    name = f"planted-{store.ignored}-{len(list(store.folder.iterdir()))}"  # a new entry each time: each counts once
    path = store.folder / f"{name}.json"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    before = store.ignored
    value = store.get(name)
    assert value is None or store.ignored == before
    return value if value is not None else ("ignored" if store.ignored == before + 1 else "missing")


def test_an_entry_decodes_to_the_value_put(store: ArticleCache) -> None:
    value = store.get("good")
    assert value == _value() and _same_types(value, _value())
    assert isinstance(value[0].article.blocks[1], Heading) and value[0].article.meta.published == date(2021, 5, 4)
    assert store.get("absent") is None and store.ignored == 0


def test_the_same_value_writes_the_same_bytes() -> None:
    numbers = list(range(-500, 500, 7))
    forward, backward = frozenset(numbers), frozenset(reversed(numbers))
    assert cache.encode(forward, frozenset[int]) == cache.encode(backward, frozenset[int])
    assert cache.decode(frozenset[int], cache.encode(forward, frozenset[int])) == forward


def _arrays(data: Any, path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], list[Any]]]:
    """Every encoded dataclass of the entry (an array whose first item names its class), with where it is."""
    if isinstance(data, list):
        if data and isinstance(data[0], str) and data[0][:1].isupper():
            yield path, data
        for i, item in enumerate(data):
            yield from _arrays(item, (*path, i))


def _at(data: Any, path: tuple[int, ...]) -> Any:
    for i in path:
        data = data[i]
    return data


def _wrong(value: Any) -> list[Any]:
    """Values of other JSON types than ``value`` (an int is a fine float; null a fine
    optional text or number, so it is tried only where the value is not optional)."""
    others: list[Any] = ["text", 3, 2.5, True, None, [], {"a": 1}]
    if isinstance(value, float):
        others.remove(3)
    if value is None:  # an optional text or integer: neither of those is wrong
        others = [2.5, True, [], {"a": 1}]
    elif isinstance(value, str | int) and not isinstance(value, bool):
        others.remove(None)
    return [o for o in others if type(o) is not type(value)]


def test_a_wrong_type_in_any_field_is_ignored_and_counted(store: ArticleCache) -> None:
    entry = _entry(store)
    tried = 0
    for path, array in _arrays(entry):
        for field in range(1, len(array)):
            places = [(path, field)]
            item = array[field]
            if isinstance(item, list) and item and not list(_arrays(item)):  # a tuple of plain values: its first
                places.append(((*path, field), 0))
            for where, index in places:
                for wrong in _wrong(_at(entry, where)[index]):
                    forged = json.loads(json.dumps(entry))
                    _at(forged, where)[index] = wrong
                    assert _plant(store, json.dumps(forged)) == "ignored", (where, index, wrong)
                    tried += 1
    assert tried > 200


@pytest.mark.parametrize("number", ["7", 1.5, True, None, [1], {"a": 1}])
def test_a_wrong_signature_number_is_ignored(store: ArticleCache, number: object) -> None:
    forged = _entry(store)
    forged[1][0] = number  # the MinHash signature: a tuple of integers
    assert _plant(store, json.dumps(forged)) == "ignored"


def test_a_field_too_many_or_too_few_is_ignored(store: ArticleCache) -> None:
    entry = _entry(store)
    for path, _ in _arrays(entry):
        for change in ("extra", "missing"):
            forged = json.loads(json.dumps(entry))
            array = _at(forged, path)
            if change == "extra":
                array.append(array[-1])
            else:
                array.pop()  # also a field that has a default
            assert _plant(store, json.dumps(forged)) == "ignored", (path, change)


def test_an_unknown_or_other_class_is_ignored(store: ArticleCache) -> None:
    for name in ("Heading", "SourceMeta", "Nonsense", ""):
        forged = _entry(store)
        forged[0][1][0] = name  # the article
        assert _plant(store, json.dumps(forged)) == "ignored", name


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_a_number_that_is_not_finite_is_ignored(store: ArticleCache, number: str) -> None:
    text = (store.folder / "good.json").read_text(encoding="utf-8")
    assert text.count("0.125") == 1
    assert _plant(store, text.replace("0.125", number)) == "ignored"


@pytest.mark.parametrize("number", [float("nan"), float("inf"), -float("inf")])
def test_a_number_that_is_not_finite_is_never_read_back(tmp_path: Path, number: float) -> None:
    store = ArticleCache(tmp_path, Processed)
    evidence, signature, reading = _value()
    bad = msgspec.structs.replace(evidence.paragraphs[0], similarity=(number,))
    store.put("bad", (dataclasses.replace(evidence, paragraphs=(bad,)), signature, reading))
    assert store.get("bad") is None and store.ignored == 1
    marked = msgspec.structs.replace(evidence.paragraphs[0], similarity=(0.123456789,))
    store.put("marked", (dataclasses.replace(evidence, paragraphs=(marked,)), signature, reading))
    written = (store.folder / "marked.json").read_text(encoding="utf-8")
    assert store.get("marked") is not None and written.count("0.123456789") == 1
    assert _plant(store, written.replace("0.123456789", "1e999")) == "ignored"  # an overflow, written by hand


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
        b"[]",
        b"{}",
        pickle.dumps(_value()),
        b"cos\nsystem\n(S'true'\ntR.",
    ],
    ids=["empty", "text", "bad-utf8", "deep-list", "deep-object", "empty-list", "object", "pickle", "pickle-code"],
)
def test_a_malformed_entry_is_ignored_and_counted(store: ArticleCache, data: bytes) -> None:
    assert _plant(store, data) == "ignored"


def test_an_entry_of_the_old_format_is_ignored(store: ArticleCache) -> None:
    """Version 2 wrote each dataclass as an object ({"@": class, field: value...})."""
    value = _value()

    def old(item: Any) -> Any:
        if dataclasses.is_dataclass(item) or isinstance(item, msgspec.Struct):
            return {"@": type(item).__name__, **{name: old(getattr(item, name)) for name in _field_names(item)}}
        if isinstance(item, tuple):
            return [old(v) for v in item]
        return item.isoformat() if isinstance(item, date) else item

    assert _plant(store, json.dumps(old(value), default=str)) == "ignored"


def test_an_oversized_or_linked_entry_is_not_read(store: ArticleCache, monkeypatch: pytest.MonkeyPatch) -> None:
    size = (store.folder / "good.json").stat().st_size
    monkeypatch.setattr(cache, "MAX_STATE_BYTES", size - 1)
    assert store.get("good") is None
    monkeypatch.setattr(cache, "MAX_STATE_BYTES", size)
    assert store.get("good") == _value()
    (store.folder / "link.json").symlink_to(store.folder / "good.json")
    assert store.get("link") is None


def test_an_entry_that_is_a_fifo_or_a_folder_is_not_read_and_never_waited_on(store: ArticleCache) -> None:
    """One open per entry, without following a link or waiting for a writer:
    a FIFO planted at an entry's name is refused on the open file, at once."""
    os.mkfifo(store.folder / "fifo.json")
    (store.folder / "folder.json").mkdir()
    assert store.get_many(["fifo", "folder", "good"]) == [None, None, _value()]


def test_reading_pauses_the_collector_only_while_it_reads(store: ArticleCache) -> None:
    assert gc.isenabled()
    assert store.get_many(["good", "absent", "good"]) == [_value(), None, _value()]
    assert gc.isenabled()
    gc.disable()
    try:
        store.get("good")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_another_version_of_a_library_invalidates_the_caches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The word list, the stemmer and the splitter shape the results as the
    code does: a library upgraded is a new code digest, so nothing kept from
    the old version is used again."""
    (tmp_path / "wordfreq-3.1.1.dist-info").mkdir()
    monkeypatch.setattr(cache, "_LIBRARIES", tmp_path)
    before = cache.code_digest()
    assert cache.code_digest() == before  # the same installation, the same digest
    (tmp_path / "wordfreq-3.1.1.dist-info").rename(tmp_path / "wordfreq-3.2.0.dist-info")
    assert cache.code_digest() != before


def test_the_libraries_folder_is_where_the_dependencies_are() -> None:
    assert any(cache._LIBRARIES.glob("msgspec-*.dist-info")) and any(cache._LIBRARIES.glob("wordfreq-*.dist-info"))


def test_a_bad_entry_read_twice_counts_once(store: ArticleCache) -> None:
    (store.folder / "bad.json").write_text("[not an entry", encoding="utf-8")
    assert store.get("bad") is None and store.get("bad") is None
    assert store.ignored == 1


def test_a_struct_is_read_as_it_stands_only_when_nothing_needs_checking_after() -> None:
    """A model Struct is its own mirror (no conversion after decoding) only if
    msgspec checks all of it as written: array-like, tagged, frozen, no field
    too many, and no field that needs a check of its own (a float must be
    finite) or a conversion (a date)."""

    class Plain(msgspec.Struct, frozen=True, array_like=True, tag=True, forbid_unknown_fields=True):
        text: str
        sentences: tuple[Sentence, ...]

    class Loose(msgspec.Struct, frozen=True, array_like=True, tag=True):  # unknown fields allowed
        text: str

    class Scored(msgspec.Struct, frozen=True, array_like=True, tag=True, forbid_unknown_fields=True):
        score: float

    assert cache._codec(Plain).to_value is None
    assert cache.decode(Plain, cache.encode(Plain("t", (Sentence("S.", 1, 0),)), Plain)) == Plain(
        "t", (Sentence("S.", 1, 0),)
    )
    for kind in (Loose, Scored):
        with pytest.raises(TypeError, match="cannot decode"):
            cache._codec(kind)
    with pytest.raises(ValueError):  # an infinite number in a Sentence's place: not a Sentence
        cache.decode(Plain, b'["Plain", "t", [["Sentence", "S.", 1e999, 0]]]')


def test_with_a_key_only_entries_it_sealed_are_read(tmp_path: Path) -> None:
    """A clone's cache (explainer.seal): an entry is read only if sealed by
    its key, under its own name; one written without a key, by another key,
    or moved to another name is counted and read again."""
    key = b"k" * 32
    sealed = ArticleCache(tmp_path / "articles", Processed, key)
    sealed.put("good", _value())
    sealed.save()
    assert ArticleCache(tmp_path / "articles", Processed, key).get("good") == _value()
    other = ArticleCache(tmp_path / "articles", Processed, b"x" * 32)
    assert other.get("good") is None and other.ignored == 1
    plain = ArticleCache(tmp_path / "plain", Processed)
    plain.put("good", _value())  # no key: no seal (read as before by a run without a key)
    assert ArticleCache(tmp_path / "plain", Processed).get("good") == _value()
    assert ArticleCache(tmp_path / "plain", Processed, key).get("good") is None
    (tmp_path / "articles" / "moved.json").write_bytes((tmp_path / "articles" / "good.json").read_bytes())
    assert ArticleCache(tmp_path / "articles", Processed, key).get("moved") is None
    (tmp_path / "articles-seals.json").write_text("[1, 2]")  # not a map of seals
    assert ArticleCache(tmp_path / "articles", Processed, key).get("good") is None


def test_a_run_removes_the_entries_it_did_not_use(tmp_path: Path) -> None:
    """Entries of articles since edited or removed, or read by older code,
    would pile up run after run: a run keeps the ones it read or wrote."""
    first, second, third = "1" * 64, "2" * 64, "3" * 64
    store = ArticleCache(tmp_path / "articles", Processed)
    for name in (first, second, third):
        store.put(name, _value())
    (tmp_path / "articles" / "notes.txt").write_text("not an entry")
    (tmp_path / "articles" / f"{'4' * 64}.json").symlink_to(tmp_path / "articles" / "notes.txt")
    run = ArticleCache(tmp_path / "articles", Processed)
    assert run.get(first) == _value()
    run.put(third, _value())
    run.save()
    left = sorted(p.name for p in (tmp_path / "articles").iterdir())
    assert left == [f"{first}.json", f"{third}.json", f"{'4' * 64}.json", "notes.txt"]
    assert (tmp_path / "articles" / "notes.txt").read_text() == "not an entry"
    ArticleCache(tmp_path / "articles", Processed).save()  # a run that used none removes none
    assert len(list((tmp_path / "articles").iterdir())) == 4


def test_pruning_never_goes_through_a_linked_folder(tmp_path: Path) -> None:
    """A clone can plant the entries' folder as a link to a person's folder
    whose files are named like entries: nothing there is removed."""
    person = tmp_path / "person"
    person.mkdir()
    (person / f"{'5' * 64}.json").write_text("a person's file")
    state = tmp_path / "state"
    state.mkdir()
    (state / "articles").symlink_to(person)
    run = ArticleCache(state / "articles", Processed)
    run.put("6" * 64, _value())  # (refused: the folder is a link)
    run._used.add("6" * 64)  # as if a run had used an entry
    run.save()
    assert (person / f"{'5' * 64}.json").read_text() == "a person's file"


def test_entries_are_never_read_through_a_linked_folder(tmp_path: Path) -> None:
    """A clone can plant the entries' folder as a link to a folder elsewhere:
    its files are never opened (without a key they would be believed and
    their words published; with one, read and then refused)."""
    elsewhere = tmp_path / "elsewhere"
    ArticleCache(elsewhere, Processed).put("good", _value())
    assert ArticleCache(elsewhere, Processed).get("good") == _value()  # a good entry, where it is
    state = tmp_path / "state"
    state.mkdir()
    (state / "articles").symlink_to(elsewhere)
    linked = ArticleCache(state / "articles", Processed)
    assert linked.get("good") is None
    assert linked.ignored == 0  # (not a bad entry: nothing was read)
