"""The page cache's state files as read back: a page recorded in one run is
taken from docs/ in the next, and an index or parts file that is not exactly of
the written shape (a field too many, a wrong type, a number that is not finite,
a deep document) is ignored with a note, never raised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from explainer.model import Page
from explainer.pagecache import INDEX, PARTS, VERSION, Deferred, PageCache


def _run(state: Path, docs: Path) -> PageCache:
    """One run: the page, from the cache or made (and written to docs/), then the cache saved."""
    cache = PageCache(state, docs, salt="s", articles={"a": "k" * 64})
    made = Page("topic.md", "# Topic\n", "Topic", frozenset({("a", 2), ("a", 1)}))
    (page,) = cache.page(Deferred("topic.md", ("inputs", 1), lambda: made))
    assert page == made
    cache.put("events", "a", {"events": [["2020-01-01", "year", "in 2020", False, 3, 10]], "at": []})
    docs.mkdir(exist_ok=True)
    (docs / "topic.md").write_text(page.content, encoding="utf-8")
    cache.save()
    return cache


@pytest.fixture
def state(tmp_path: Path) -> Path:
    _run(tmp_path / "state", tmp_path / "docs")
    return tmp_path / "state"


def test_a_recorded_page_and_part_are_read_back(state: Path) -> None:
    cache = _run(state, state.parent / "docs")
    assert (cache.hits, cache.rendered, cache.notes) == (1, 0, [])
    assert cache.get("events", "a") == {"events": [["2020-01-01", "year", "in 2020", False, 3, 10]], "at": []}


def _forge_index(data: dict[str, Any]) -> list[Any]:
    (record,) = next(iter(data["pages"].values()))
    return record  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "forge",
    [
        lambda d: d.update(extra=1),
        lambda d: d.update(version="explainer-pages-0"),
        lambda d: d.pop("version"),
        lambda d: d["pages"].update({"not-a-digest": d["pages"][next(iter(d["pages"]))]}),
        lambda d: d["pages"].update({k: [] for k in d["pages"]}),
        lambda d: _forge_index(d).__setitem__(3, "0" * 63),
        lambda d: _forge_index(d).__setitem__(1, 7),
        lambda d: _forge_index(d).append("x"),
        lambda d: _forge_index(d)[2][0].__setitem__(1, True),
        lambda d: _forge_index(d)[2][0].__setitem__(1, 1.5),
        lambda d: _forge_index(d)[2][0].append(3),
    ],
    ids=[
        "extra-field",
        "other-version",
        "no-version",
        "bad-key",
        "empty-entry",
        "bad-digest",
        "title-not-text",
        "record-too-long",
        "cite-bool",
        "cite-float",
        "cite-triple",
    ],
)
def test_a_forged_index_is_ignored_with_a_note(state: Path, forge: Any) -> None:
    path = state / INDEX
    data = json.loads(path.read_text(encoding="utf-8"))
    forge(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    cache = _run(state, state.parent / "docs")
    assert (cache.hits, cache.rendered) == (0, 1)
    assert cache.notes == [f"{path}: not a page cache of this version: ignored (pages are rendered again)"]


_PARTS_OPEN = json.dumps({"version": VERSION, "parts": {"0" * 64: 0}})[: -len("0}}")]


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"version": VERSION, "parts": {}, "extra": 1}),
        json.dumps({"version": VERSION, "parts": []}),
        json.dumps({"version": "other", "parts": {}}),
        _PARTS_OPEN + "NaN}}",
        _PARTS_OPEN + "[" * 100_000 + "]" * 100_000 + "}}",
        "not json",
    ],
    ids=["extra-field", "parts-not-mapping", "other-version", "nan", "deep", "not-json"],
)
def test_a_forged_parts_file_is_ignored_with_a_note(state: Path, text: str) -> None:
    (state / PARTS).write_text(text, encoding="utf-8")
    cache = PageCache(state, state.parent / "docs", salt="s", articles={"a": "k" * 64})
    assert cache.notes == [
        f"{state / PARTS}: not a parts cache of this version: ignored (the guides read every article)"
    ]
    assert cache.get("events", "a") is None


@pytest.mark.parametrize("extra", ["topic/x.txt", "topic/a\\b.md", "topic/.nav.yml"])
def test_a_kept_page_naming_a_file_the_writer_would_not_write_is_made_again(state: Path, extra: str) -> None:
    """A record whose pages include a path the writer refuses (a forged index,
    with that file planted in docs/ and its hash right) is a miss: the page is
    made again, rather than every later run stopping at the writer's refusal."""
    import hashlib

    path = state / INDEX
    data = json.loads(path.read_text(encoding="utf-8"))
    (key,) = data["pages"]
    docs = state.parent / "docs"
    (docs / "topic").mkdir(exist_ok=True)
    (docs / extra).write_text("planted\n", encoding="utf-8")
    data["pages"][key].append([extra, "Planted", [], hashlib.sha256(b"planted\n").hexdigest()])
    path.write_text(json.dumps(data), encoding="utf-8")
    cache = _run(state, docs)
    assert (cache.hits, cache.rendered) == (0, 1)


def _read_one(state: Path, docs: Path, path: str, content: str) -> PageCache:
    """A run asking for one page at ``path`` (recorded with ``content`` by an
    earlier run), the file in docs/ as the test left it."""
    cache = PageCache(state, docs, salt="s", articles={"a": "k" * 64})
    made = Page(path, content, "Topic")
    (page,) = cache.page(Deferred(path, ("inputs", path), lambda: made))
    assert page == made
    return cache


@pytest.mark.parametrize("planted", ["file-link", "folder-link", "fifo", "folder-is-file"])
def test_a_recorded_page_behind_a_link_or_not_a_file_is_made_again(tmp_path: Path, planted: str) -> None:
    """docs/ arrives in a clone: a page whose file is now a link (to a file of
    the very bytes recorded), sits in a folder that is a link, or is a FIFO
    (never opened for reading: that would block the run) is a miss, made
    again; the same page as a plain file is a hit."""
    import os

    state, docs, elsewhere = tmp_path / "state", tmp_path / "docs", tmp_path / "elsewhere"
    content = "# Topic\n\nText.\n"
    first = _read_one(state, docs, "topic/part.md", content)
    assert first.rendered == 1
    (docs / "topic").mkdir(parents=True)
    (docs / "topic" / "part.md").write_text(content, encoding="utf-8")
    first.save()
    assert _read_one(state, docs, "topic/part.md", content).hits == 1  # the plain file: taken
    elsewhere.mkdir()
    (elsewhere / "part.md").write_text(content, encoding="utf-8")
    (docs / "topic" / "part.md").unlink()
    if planted == "file-link":
        (docs / "topic" / "part.md").symlink_to(elsewhere / "part.md")
    elif planted == "folder-link":
        (docs / "topic").rmdir()
        (docs / "topic").symlink_to(elsewhere, target_is_directory=True)
    elif planted == "fifo":
        os.mkfifo(docs / "topic" / "part.md")
    else:
        (docs / "topic").rmdir()
        (docs / "topic").write_text(content, encoding="utf-8")
    cache = _read_one(state, docs, "topic/part.md", content)
    assert (cache.hits, cache.rendered, cache.read) == (0, 1, {})


def test_a_folder_swapped_for_a_link_during_a_run_is_never_gone_through(tmp_path: Path) -> None:
    """Two pages of one folder read by one cache: after the first is read, the
    folder becomes a link to a folder outside docs/ holding the second page's
    very bytes. The second is made again, not read through the link (what one
    read saw of a folder is not trusted for the next)."""
    state, docs, elsewhere = tmp_path / "state", tmp_path / "docs", tmp_path / "elsewhere"
    first, second = "# A\n", "# B\n"
    cache = PageCache(state, docs, salt="s", articles={"a": "k" * 64})
    for path, content in [("topic/a.md", first), ("topic/b.md", second)]:
        cache.page(Deferred(path, ("inputs", path), lambda p=path, c=content: Page(p, c, "T")))
    (docs / "topic").mkdir(parents=True)
    (docs / "topic" / "a.md").write_text(first, encoding="utf-8")
    (docs / "topic" / "b.md").write_text(second, encoding="utf-8")
    cache.save()
    cache = PageCache(state, docs, salt="s", articles={"a": "k" * 64})
    (page,) = cache.page(Deferred("topic/a.md", ("inputs", "topic/a.md"), lambda: Page("topic/a.md", "x", "T")))
    assert page.content == first and cache.hits == 1
    elsewhere.mkdir()
    (elsewhere / "b.md").write_text(second, encoding="utf-8")
    (docs / "topic" / "a.md").unlink()
    (docs / "topic" / "b.md").unlink()
    (docs / "topic").rmdir()
    (docs / "topic").symlink_to(elsewhere, target_is_directory=True)
    made = Page("topic/b.md", second, "T")
    (page,) = cache.page(Deferred("topic/b.md", ("inputs", "topic/b.md"), lambda: made))
    assert (cache.hits, cache.rendered) == (1, 1)
    assert "topic/b.md" not in cache.read


def test_a_part_of_another_shape_counts_as_missing_and_is_not_kept(state: Path) -> None:
    """A part is decoded only by its reader's type: one that is not of it is
    None (the reader finds it again) and is not written back as used."""
    cache = PageCache(state, state.parent / "docs", salt="s", articles={"a": "k" * 64})
    assert cache.get("events", "a", list[int]) is None
    cache.save()
    assert PageCache(state, state.parent / "docs", salt="s", articles={"a": "k" * 64}).get("events", "a") is None
