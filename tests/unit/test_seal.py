"""The machine key and sealed values (explainer.seal): believed only when
this clone's own key sealed them, under the name they are kept by."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import msgspec
import pytest

from explainer import seal


class Value(msgspec.Struct):
    words: list[str]
    count: int


NAME = "a" * 64
OTHER = "b" * 64


def test_no_real_git_folder_means_no_key(tmp_path: Path) -> None:
    assert seal.machine_key(tmp_path) is None  # not a clone
    (tmp_path / ".git").write_text("gitdir: /elsewhere/.git/worktrees/p\n")  # a worktree
    assert seal.machine_key(tmp_path) is None
    (tmp_path / ".git").unlink()
    (tmp_path / "real").mkdir()
    (tmp_path / ".git").symlink_to(tmp_path / "real")  # a link to a folder
    assert seal.machine_key(tmp_path) is None
    assert not (tmp_path / "real" / seal.KEY_FILE).exists()


def test_a_clone_gets_one_key_readable_by_its_owner_only(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    key = seal.machine_key(tmp_path)
    assert key is not None and len(key) == seal.KEY_BYTES
    path = tmp_path / ".git" / seal.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seal.machine_key(tmp_path) == key  # the same key every run
    assert sorted(p.name for p in (tmp_path / ".git").iterdir()) == [seal.KEY_FILE]  # made whole: no temp left
    other = tmp_path / "other"
    (other / ".git").mkdir(parents=True)
    assert seal.machine_key(other) not in (None, key)  # another clone, another key


@pytest.mark.parametrize("kind", ["link", "short", "shared", "folder"])
def test_a_key_file_that_is_not_as_made_is_no_key(tmp_path: Path, kind: str) -> None:
    (tmp_path / ".git").mkdir()
    path = tmp_path / ".git" / seal.KEY_FILE
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"k" * seal.KEY_BYTES)
    elsewhere.chmod(0o600)
    if kind == "link":
        path.symlink_to(elsewhere)  # planted: a key someone else knows
    elif kind == "short":
        path.write_bytes(b"k" * 5)
        path.chmod(0o600)
    elif kind == "shared":
        path.write_bytes(b"k" * seal.KEY_BYTES)
        path.chmod(0o644)  # readable by others: not a secret
    else:
        path.mkdir()
    assert seal.machine_key(tmp_path) is None
    assert os.path.lexists(path)  # left as it was: never replaced, never followed
    assert elsewhere.read_bytes() == b"k" * seal.KEY_BYTES


def test_a_sealed_value_is_read_back_with_its_key_only(tmp_path: Path) -> None:
    folder = tmp_path / "sealed"
    key = b"k" * 32
    store = seal.SealedStore(folder, key)
    store.put(NAME, Value(["a", "b"], 2))
    store.save()
    assert seal.SealedStore(folder, key).get(NAME, Value) == Value(["a", "b"], 2)
    assert seal.SealedStore(folder, b"x" * 32).get(NAME, Value) is None  # another machine's key
    assert seal.SealedStore(folder, None).get(NAME, Value) is None
    assert seal.SealedStore(folder, key).get(NAME, int) is None  # of another shape


def test_a_changed_or_moved_value_is_not_believed(tmp_path: Path) -> None:
    folder = tmp_path / "sealed"
    key = b"k" * 32
    store = seal.SealedStore(folder, key)
    store.put(NAME, Value(["a", "b"], 2))
    store.save()
    data = (folder / NAME).read_bytes()
    changed = data.replace(b"\x02", b"\x03")  # the count, one byte: the seal still the old one
    assert changed != data
    (folder / NAME).write_bytes(changed)
    assert seal.SealedStore(folder, key).get(NAME, Value) is None
    (folder / OTHER).write_bytes(data)  # a genuine seal, under another name
    assert seal.SealedStore(folder, key).get(OTHER, Value) is None
    (folder / NAME).unlink()
    (folder / NAME).symlink_to(folder / OTHER)
    assert seal.SealedStore(folder, key).get(NAME, Value) is None  # never through a link


def test_without_a_key_nothing_is_kept(tmp_path: Path) -> None:
    store = seal.SealedStore(tmp_path / "sealed", None)
    store.put(NAME, Value([], 0))
    store.save()
    assert not (tmp_path / "sealed").exists()


def test_a_run_keeps_what_it_read_or_put_and_removes_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "sealed"
    key = b"k" * 32
    first = seal.SealedStore(folder, key)
    first.put(NAME, Value(["a"], 1))
    first.put(OTHER, Value(["b"], 1))
    first.save()
    (folder / "notes.txt").write_text("not a sealed value")
    second = seal.SealedStore(folder, key)
    assert second.get(NAME, Value) == Value(["a"], 1)
    second.save()
    assert sorted(p.name for p in folder.iterdir()) == [NAME, "notes.txt"]  # OTHER was of an earlier run
    third = seal.SealedStore(folder, key)
    third.keep(NAME)  # carried without reading
    third.save()
    assert (folder / NAME).exists()


def test_a_sealed_folder_that_is_a_link_is_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / OTHER).write_text("a person's file")
    state = tmp_path / "state"
    state.mkdir()
    (state / "sealed").symlink_to(outside)
    store = seal.SealedStore(state / "sealed", b"k" * 32)
    store.put(NAME, Value([], 0))
    store.save()
    assert sorted(p.name for p in outside.iterdir()) == [OTHER]
    assert (outside / OTHER).read_text() == "a person's file"


def test_a_sealed_folder_that_is_a_link_is_not_read_through(tmp_path: Path) -> None:
    key = b"k" * 32
    outside = tmp_path / "outside"
    store = seal.SealedStore(outside, key)
    store.put(NAME, Value(["a"], 1))
    store.save()  # a genuine sealed value, outside the state folder
    state = tmp_path / "state"
    state.mkdir()
    (state / "sealed").symlink_to(outside)
    assert seal.SealedStore(state / "sealed", key).get(NAME, Value) is None
