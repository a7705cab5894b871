"""Seals on state this machine made: an HMAC with a key no commit can plant.

Everything under ``.cache/`` is untrusted (a pull request can commit it), so
a state file is checked before use, and checking some values costs what
making them costs (whether two sentences state one claim is computed, not
looked up). A value sealed with this machine's key was made by this code on
this machine, and can be believed as it stands.

The key is 32 random bytes in ``.git/explainer-state-key``: inside the
project (a run never reads outside it), in the one folder git never tracks
and a pull request cannot write to. Only a real ``.git`` folder holds it: a
worktree's ``.git`` file, a link, or a project that is not a clone has no
key, and every value is checked as before. A link to the key file, or a
file of the wrong size or kind, is no key. Sources that lead into ``.git``
are refused (:func:`explainer.files.check_inside`), so the key never
becomes text on the site.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import stat
from pathlib import Path
from typing import Any

import msgspec

from .cache import DIGEST, collector_paused, prune, read_state_bytes, real_folder, seal, write_state

KEY_FILE = "explainer-state-key"
KEY_BYTES = 32


def machine_key(root: Path) -> bytes | None:
    """This clone's sealing key, made on first use; None when the project has
    no real ``.git`` folder or the key cannot be read or made as it must be."""
    folder = root / ".git"
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return None
    except OSError:
        return None
    path = folder / KEY_FILE
    key = _read(path)
    if key is not None or os.path.lexists(path):
        return key
    # Made whole or not at all: written and synced under a name of its own,
    # then linked to the key's name (which fails if another run made it first).
    temp = folder / f".{KEY_FILE}.{os.getpid()}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError:
        return None
    try:
        try:
            written = os.write(fd, os.urandom(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        if written == KEY_BYTES:
            os.link(temp, path)
    except OSError:
        pass  # (no key this run; another run's key, if it made one, is read below)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return _read(path)


def _read(path: Path) -> bytes | None:
    """The key in ``path`` if it is a regular file (not a link) of exactly
    :data:`KEY_BYTES` bytes, readable only by its owner."""
    data = read_state_bytes(path, private=True)
    return data if data is not None and len(data) == KEY_BYTES else None


_SEAL = 32  # bytes of a seal, before the value it seals


class SealedStore:
    """Values kept between runs in ``folder``, one file per name (a SHA-256 in
    hex): the seal, then the value as msgpack. Read only with the key that
    sealed it; without a key nothing is kept or read. Each run keeps the
    values it read or put (:meth:`save` removes the others)."""

    def __init__(self, folder: Path, key: bytes | None):
        self.folder = folder
        self.key = key
        self._made: dict[str, bytes] = {}  # name -> file bytes, to write
        self._kept: set[str] = set()  # names whose file stays as it is
        self._usable: bool | None = None  # whether the folder is a folder (not a link), once looked at

    def _folder(self) -> bool:
        """Whether the folder is one (a link to one, which a clone can plant, is never gone through)."""
        if self._usable is None:
            self._usable = real_folder(self.folder)
        return self._usable

    def get(self, name: str, shape: Any) -> Any | None:
        """The value kept under ``name``, if this machine's key sealed it and it is of ``shape``."""
        if self.key is None or not DIGEST.fullmatch(name) or not self._folder():
            return None
        data = read_state_bytes(self.folder / name)
        if data is None or not hmac.compare_digest(seal(self.key, name, data[_SEAL:]), data[:_SEAL]):
            return None
        try:
            with collector_paused():
                value = msgspec.msgpack.decode(data[_SEAL:], type=shape, strict=True)
        except (ValueError, RecursionError):  # (msgspec's errors are ValueErrors)
            return None
        self._kept.add(name)
        return value

    def keep(self, name: str) -> None:
        """Keep the file of ``name`` as it is (checked when next read)."""
        if self.key is not None and DIGEST.fullmatch(name):
            self._kept.add(name)

    def put(self, name: str, value: Any) -> None:
        """Keep ``value`` under ``name``, sealed (written by :meth:`save`)."""
        if self.key is None or not DIGEST.fullmatch(name):
            return
        data = msgspec.msgpack.encode(value)
        self._made[name] = seal(self.key, name, data) + data
        self._kept.discard(name)

    def save(self) -> None:
        """Write what was put, and remove the files no one kept or put (state
        of earlier runs; anything else in the folder is not a sealed value of
        this run). A folder that is a link is neither read nor written."""
        if self.key is None:
            return
        try:
            if self._made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._usable = None
        except OSError:
            return
        if not self._folder():
            return
        for name, data in sorted(self._made.items()):
            with contextlib.suppress(OSError):  # (one that cannot be written only costs time)
                write_state(self.folder / name, data)
        prune(self.folder, self._kept | self._made.keys())
