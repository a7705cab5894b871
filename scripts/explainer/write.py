"""Write: the only stage that touches the disk.

Safe: a file without the generated-file marker belongs to a person and is
never overwritten or deleted. Atomic: every new file is first written beside
its target under a dot-name (which MkDocs ignores), then a journal lists the
renames, then the renames happen. A run killed before the journal leaves
``docs/`` as it was; one killed after it is completed by :func:`recover` at the
start of the next run. Quiet: unchanged files are not touched (mtimes stay).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExplainerError
from .model import Page
from .render import MARKER

JOURNAL = ".explainer-journal.json"
Journal = dict[str, list[Any]]
_TMP_SUFFIX = ".explainer-tmp"
_MANAGED_SUFFIXES = {".md", ".yml"}


@dataclass(frozen=True)
class Plan:
    """What a run would change in the docs folder."""

    writes: tuple[Page, ...]  # new or changed
    deletes: tuple[str, ...]  # generated pages whose topic or article is gone
    unchanged: tuple[str, ...]
    taken_over: tuple[str, ...]  # a person's file where a generated page would go
    others: tuple[tuple[Path, Plan], ...] = ()  # other output folders (includes/), same rules
    folder: Path = Path()  # the docs folder this plan is for

    @property
    def changed(self) -> tuple[str, ...]:
        """Changed paths, relative to the docs folder (``../includes/x.md`` for the others)."""
        paths = [p.path for p in self.writes] + list(self.deletes)
        for root, other in self.others:
            paths += [Path(os.path.relpath(root / p, self.folder)).as_posix() for p in other.changed]
        return tuple(sorted(paths))


def is_generated(path: Path) -> bool:
    """True when the file carries the generated-file marker near its top."""
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return MARKER.encode() in head


def generated_files(docs: Path) -> list[str]:
    """Paths (relative, POSIX) of every generated file in ``docs``."""
    if not docs.is_dir():
        return []
    found = []
    for path in sorted(docs.rglob("*")):
        if path.is_file() and path.suffix in _MANAGED_SUFFIXES and is_generated(path):
            found.append(path.relative_to(docs).as_posix())
    return found


def plan(pages: Iterable[Page], docs: Path, others: Mapping[Path, Iterable[Page]] | None = None) -> Plan:
    """Compare the pages with what ``docs`` holds now. ``others`` maps more
    output folders (``includes/``) to their files, planned by the same rules
    (marker, only if changed) and applied together with ``docs``."""
    writes, unchanged, taken = [], [], []
    wanted = set()
    for page in pages:
        if page.path in wanted:  # e.g. an article named "index" against the Sources page
            raise ExplainerError(
                f"two generated pages would be written to {docs / page.path}: rename the source file or topic slug"
                " that clashes with a page of the site"
            )
        wanted.add(page.path)
        target = docs / page.path
        if not target.exists():
            writes.append(page)
        elif not is_generated(target):
            taken.append(page.path)
        elif target.read_bytes() == page.content.encode("utf-8"):
            unchanged.append(page.path)
        else:
            writes.append(page)
    deletes = [path for path in generated_files(docs) if path not in wanted]
    nested = tuple((root, plan(files, root)) for root, files in sorted((others or {}).items()))
    return Plan(tuple(writes), tuple(deletes), tuple(unchanged), tuple(taken), nested, docs)


def apply(plan: Plan, docs: Path) -> None:
    """Carry out ``plan`` all-or-nothing (see the module docstring); each
    other folder of the plan first, each all-or-nothing in itself."""
    for root, other in plan.others:
        apply(other, root)
    recover(docs)
    if not plan.writes and not plan.deletes:
        return
    renames: list[tuple[str, str]] = []
    for page in plan.writes:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = _write_temp(target, page.content.encode("utf-8"))
        renames.append((temp.relative_to(docs).as_posix(), page.path))
        _test_kill("temp", len(renames))
    journal: Journal = {"renames": renames, "deletes": list(plan.deletes)}
    _write_atomic(docs / JOURNAL, json.dumps(journal, indent=1).encode())
    # From here on the run counts as done; hold off Ctrl-C and kill until the
    # journal is carried out (a hard kill is finished by recover()).
    blocked = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        _commit(docs, journal)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def recover(docs: Path) -> bool:
    """Finish a run that was killed after its journal; drop stray temp files."""
    journal_path = docs / JOURNAL
    finished = False
    if journal_path.exists():
        _commit(docs, json.loads(journal_path.read_text(encoding="utf-8")))
        finished = True
    if docs.is_dir():
        for temp in docs.rglob(f".*{_TMP_SUFFIX}"):
            temp.unlink()
    return finished


def _commit(docs: Path, journal: Journal) -> None:
    for done, (temp, target) in enumerate(journal["renames"], start=1):
        if (docs / temp).exists():
            os.replace(docs / temp, docs / target)
        _test_kill("rename", done)
    for path in journal["deletes"]:
        target = docs / path
        if target.exists() and is_generated(target):
            target.unlink()
            _remove_empty_parents(target.parent, docs)
    (docs / JOURNAL).unlink(missing_ok=True)


def _test_kill(point: str, count: int) -> None:
    """Test hook: with EXPLAINER_TEST_KILL_AT=temp:N (or rename:N) the process
    kills itself with SIGKILL after the Nth temp file (or rename), so that
    tests/test_interrupt.py can prove a hard kill never leaves docs/ half
    written. The variable is unset in normal use; nothing else reads it."""
    if os.environ.get("EXPLAINER_TEST_KILL_AT") == f"{point}:{count}":
        os.kill(os.getpid(), signal.SIGKILL)


def _write_temp(target: Path, data: bytes) -> Path:
    """Write ``data`` beside ``target`` under a hidden temporary name, synced."""
    temp = target.with_name(f".{target.name}{_TMP_SUFFIX}")
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _write_atomic(target: Path, data: bytes) -> None:
    os.replace(_write_temp(target, data), target)


def _remove_empty_parents(folder: Path, docs: Path) -> None:
    while folder != docs and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
