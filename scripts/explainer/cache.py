"""Cache: skip work whose inputs have not changed (in ``.cache/``, git-ignored).

Two levels, both keyed by SHA-256 of everything that can change a result:

* per article: the segmented and classified article and its shingles, keyed
  by the source bytes, its sidecar, the config files and the package's code.
  Adding one article to a thousand processes one article.
* per run: a manifest of the whole input (every source, config, code,
  templates) and of the generated files as they were left (size and mtime).
  When both match, ``explainer generate`` has nothing to do and stops before
  building anything: under a second for 1,000 articles, no file touched.

The cache is an optimisation only: deleting ``.cache/`` changes no output,
and an unreadable entry is treated as missing.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

VERSION = b"explainer-cache-1"
CACHE_DIR = ".cache/explainer"  # under the project root; git-ignored
_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_digest() -> bytes:
    """Hash of the package's own code and templates: a new version invalidates."""
    digest = hashlib.sha256(VERSION + sys.version.encode())  # pickles and hashes are per Python version
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
    """Pickled per-article results in ``folder``, one file per key."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, name: str) -> Any | None:
        try:
            with (self.folder / f"{name}.pickle").open("rb") as handle:
                return pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return None

    def put(self, name: str, value: Any) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp = self.folder / f".{name}.tmp"
            temp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temp, self.folder / f"{name}.pickle")
        except OSError:
            pass  # a cache that cannot be written only costs time


class RunCache:
    """The manifest of the last run: what went in, and the docs folder it left."""

    def __init__(self, folder: Path):
        self.path = folder / "manifest.json"

    def unchanged(self, inputs: str, folders: Sequence[Path]) -> dict[str, Any] | None:
        """The last run's report if neither the inputs nor the output folders changed since."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("inputs") != inputs or data.get("docs") != docs_state(folders):
            return None
        report = data.get("report")
        return report if isinstance(report, dict) else None

    def record(self, inputs: str, folders: Sequence[Path], report: dict[str, Any]) -> None:
        data = {"inputs": inputs, "docs": docs_state(folders), "report": report}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp = self.path.with_name(f".{self.path.name}.tmp")
            temp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(temp, self.path)
        except OSError:
            pass


def docs_state(folders: Sequence[Path]) -> list[list[object]]:
    """Every file under ``folders`` with its size and modification time.

    Any change to them, by the generator or by hand, shows here."""
    state: list[list[object]] = []
    for folder in folders:
        state.append([str(folder)])
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                info = path.stat()
                if not path.is_dir():
                    state.append([path.relative_to(folder).as_posix(), info.st_size, info.st_mtime_ns])
    return state
