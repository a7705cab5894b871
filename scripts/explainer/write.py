"""Write: the only stage that touches the disk.

Safe: only generated files are ever changed or deleted, and only inside the
output folders: a file is generated when it begins with the exact marker
(:mod:`explainer.marker`), and a folder that is a symbolic link is never
written through. Atomic over every output folder at once (``docs/`` and
``includes/``): new files are first written beside their targets under a
dot-name (which MkDocs ignores), then one journal lists the targets, then the
renames happen. A run killed before the journal leaves every folder as it
was; one killed after it is completed by :func:`recover` at the start of the
next run. Quiet: unchanged files are not touched (mtimes stay).

The journal is the generator's own state (in ``.cache/``, git-ignored), and a
copy of it may still arrive in a clone: it is plain JSON, names targets only
(temporary names are derived from them), and every entry is checked again
before it is obeyed. A journal that does not describe this project's output
folders is ignored with a note.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import stat
import time
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import ExplainerError
from .files import check_name, check_project_folder
from .marker import is_generated, is_marked_text
from .model import Page

JOURNAL = "journal.json"  # in the state folder (.cache/explainer)
MAX_NAME_BYTES = 230  # a page's file name, at most: 255 (most file systems) less its temp name's additions
_TMP_SUFFIX = ".explainer-tmp"
_NAV = ".nav.yml"
LOCK_WAIT = 120.0  # seconds a second run waits for the first before giving up


@dataclass(frozen=True)
class Plan:
    """What a run would change in the docs folder (and the other output folders)."""

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

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every output folder of the plan, the docs folder first."""
        return (self.folder, *(root for root, _ in self.others))


def is_managed(relative: str, *, docs: bool) -> bool:
    """Could the generator have written this path? Markdown pages anywhere in
    the docs folder and its ``.nav.yml``; in other folders (``includes/``)
    only the files a run asks for (checked by the caller)."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(p in {"", ".", ".."} for p in path.parts):
        return False
    if "\\" in relative or "\0" in relative:
        return False
    try:  # a name the generator writes is text, and fits a file system with its temp name
        if any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in path.parts):
            return False
    except UnicodeEncodeError:
        return False
    return path.suffix == ".md" or (docs and relative == _NAV)


def generated_files(docs: Path, skip: Container[str] = ()) -> list[str]:
    """Paths (relative, POSIX) of every generated file in ``docs`` but those in
    ``skip`` (not read: a run needs only the files it will not write);
    symbolic links, and folders that are links, are never followed."""
    if not docs.is_dir() or docs.is_symlink():
        return []
    found = []
    for folder, subfolders, files in os.walk(docs, followlinks=False):
        subfolders.sort()
        base = Path(folder)
        inside = base.relative_to(docs).as_posix()  # once per folder, not per file
        prefix = "" if inside == "." else f"{inside}/"
        for name in sorted(files):
            relative = prefix + name
            if relative not in skip and is_managed(relative, docs=True) and is_generated(base / name):
                found.append(relative)
    return sorted(found)


FileId = tuple[int, int, int, int, int]  # a file as lstat sees it: device, inode, size, mtime and ctime (ns)


def file_id(info: os.stat_result) -> FileId:
    """What changes whenever a file's bytes may have: a file written, replaced
    or touched gets a new ctime (which no one can set back) or inode."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def plan(
    pages: Iterable[Page],
    docs: Path,
    others: Mapping[Path, Iterable[Page]] | None = None,
    read: Mapping[str, tuple[FileId, str]] | None = None,
) -> Plan:
    """Compare the pages with what ``docs`` holds now. ``others`` maps more
    output folders (``includes/``) to their files, planned by the same rules
    (marker, only if changed) and applied together with ``docs``; in those,
    only the files asked for are ever touched. ``read``: files of ``docs``
    this run read already (the page cache), by path: the file as it was
    (:func:`file_id`) and its text; such a file, still the same file and
    holding the page's text, is not read again."""
    return _plan(pages, docs, others or {}, docs_folder=True, read=read or {})


def _plan(
    pages: Iterable[Page],
    docs: Path,
    others: Mapping[Path, Iterable[Page]],
    *,
    docs_folder: bool,
    read: Mapping[str, tuple[FileId, str]] | None = None,
) -> Plan:
    read = read or {}
    writes, unchanged, taken = [], [], []
    wanted = set()
    checked: set[str] = set()  # folders on the way seen to be no link and no file (a site has a few, and many pages)
    for page in pages:
        if page.path in wanted:  # e.g. an article named "index" against the Sources page
            raise ExplainerError(
                f"two generated pages would be written to {docs / page.path}: rename the source file or topic slug"
                " that clashes with a page of the site"
            )
        if not is_managed(page.path, docs=True):
            raise ExplainerError(f"refusing to write {page.path!r}: not a page path the generator owns", path=str(docs))
        wanted.add(page.path)
        target = docs / page.path
        _no_links_on_the_way(docs, page.path, checked)
        if page.path in read and _same_file(target, page, *read[page.path]):
            unchanged.append(page.path)
        elif not target.exists() and not target.is_symlink():
            writes.append(page)
        elif not is_generated(target):
            taken.append(page.path)
        elif target.read_bytes() == page.content.encode("utf-8"):
            unchanged.append(page.path)
        else:
            writes.append(page)
        if writes and writes[-1] is page:
            _temp_is_free(target)
    deletes = generated_files(docs, skip=wanted) if docs_folder else []
    nested = tuple((root, _plan(files, root, {}, docs_folder=False)) for root, files in sorted(others.items()))
    return Plan(tuple(writes), tuple(deletes), tuple(unchanged), tuple(taken), nested, docs)


def apply(plan: Plan, state: Path) -> list[str]:
    """Carry out ``plan`` all-or-nothing over every output folder (see the
    module docstring). ``state`` is the folder of the journal. Returns notes
    (a foreign journal ignored, for example)."""
    folders = plan.folders
    notes = recover(folders, state)
    parts = [(0, plan), *((i, other) for i, (_, other) in enumerate(plan.others, start=1))]
    if not any(p.writes or p.deletes for _, p in parts):
        return notes
    renames: list[tuple[int, str]] = []
    written: list[Path] = []
    made: list[Path] = []  # the folders this run made, parents first
    try:
        for index, part in parts:
            root = folders[index]
            for page in part.writes:
                target = root / page.path
                made += _make_folders(root, target.parent)
                written.append(_write_temp(target, page.content.encode("utf-8")))
                renames.append((index, page.path))
                _test_kill("temp", len(renames))
        journal = {
            "version": 1,
            "folders": [str(f.resolve()) for f in folders],
            "renames": renames,
            "deletes": [(0, path) for path in plan.deletes],
        }
        _state_folder(state)
        _write_atomic(state / JOURNAL, json.dumps(journal, indent=1).encode())
    except BaseException:
        for temp in written:  # (ours: just written) the folders stay as they were
            with contextlib.suppress(OSError):
                temp.unlink()
        for folder in reversed(made):  # (ours: made just now, and empty again unless someone wrote there)
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    # From here on the run counts as done; hold off Ctrl-C and kill until the
    # journal is carried out (a hard kill is finished by recover()).
    blocked = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        _commit(folders, journal, state)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return notes


def recover(folders: tuple[Path, ...], state: Path) -> list[str]:
    """Finish a run that was killed after its journal; drop stray temp files.

    The journal is checked first: one that is unreadable, or that names other
    folders or paths the generator does not own, is ignored and removed (with
    a note), so it can neither do harm nor block later runs."""
    notes: list[str] = []
    journal_path = state / JOURNAL
    if journal_path.is_symlink() or journal_path.exists():
        journal = _read_journal(journal_path, folders)
        if journal is None:
            notes.append(f"{journal_path}: not a journal of this project's last run: ignored and removed")
            _remove_state_file(journal_path)
        else:
            skipped = _commit(folders, journal, state)
            if skipped:
                notes.append(
                    f"{journal_path}: {skipped} entries named files the generator does not own: skipped"
                    " (the rest of the interrupted run was completed)"
                )
    for root in folders:
        if not root.is_dir() or root.is_symlink():
            continue
        for folder, subfolders, files in os.walk(root, followlinks=False):
            subfolders.sort()
            for name in files:
                temp = Path(folder) / name
                if name.startswith(".") and name.endswith(_TMP_SUFFIX) and _ours(temp):
                    temp.unlink()
    return notes


JournalData = dict[str, object]


def _ours(temp: Path) -> bool:
    """A temp file of a killed run: generated, or empty (killed before any byte)."""
    try:
        return is_generated(temp) or (temp.is_file() and not temp.is_symlink() and temp.stat().st_size == 0)
    except OSError:
        return False


def _read_journal(path: Path, folders: tuple[Path, ...]) -> JournalData | None:
    """The journal if it is well formed and about ``folders``, else None."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 10_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # (nesting a forged journal can pile up)
        return None
    if not isinstance(data, dict) or data.get("version") != 1:
        return None
    if data.get("folders") != [str(f.resolve()) for f in folders]:
        return None
    for key in ("renames", "deletes"):
        entries = data.get(key)
        if not isinstance(entries, list):
            return None
        for entry in entries:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int)):
                return None
            index, relative = entry
            if isinstance(index, bool) or not 0 <= index < len(folders) or not isinstance(relative, str):
                return None
            if not is_managed(relative, docs=index == 0):
                return None
    return data


def _commit(folders: tuple[Path, ...], journal: JournalData, state: Path) -> int:
    """Carry out a (checked) journal: only marked temp files are moved, only
    over generated files or free places; only generated files are deleted.
    Returns the number of entries skipped because they did not hold."""
    renames = journal["renames"]
    deletes = journal["deletes"]
    assert isinstance(renames, list | tuple) and isinstance(deletes, list | tuple)
    skipped = 0
    for done, (index, relative) in enumerate(renames, start=1):
        root = folders[index]
        target = root / relative
        temp = _temp_name(target)
        if _has_link(root, relative) or not is_generated(temp):
            skipped += temp.exists() or temp.is_symlink()  # gone: already renamed by the killed run
            continue
        if (target.exists() or target.is_symlink()) and not is_generated(target):
            skipped += 1  # a person's file appeared meanwhile: theirs
            continue
        os.replace(temp, target)
        _test_kill("rename", done)
    for index, relative in deletes:
        root = folders[index]
        target = root / relative
        if not _has_link(root, relative) and is_generated(target):
            target.unlink()
            _remove_empty_parents(target.parent, root)
        elif target.exists() or target.is_symlink():
            skipped += 1
    (state / JOURNAL).unlink(missing_ok=True)
    return skipped


@contextlib.contextmanager
def run_lock(state: Path, wait: float = LOCK_WAIT, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the project's run lock: a second run at the same time waits for
    the first (up to ``wait`` seconds), then gives up with one clear line."""
    _state_folder(state)
    path = state / "lock"
    if path.is_symlink():
        path.unlink()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            if not _lock_with_timeout(fd, wait):
                raise ExplainerError(
                    f"another explainer run has held {path} for over {wait:.0f} s: wait for it to finish, or stop it"
                ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _lock_with_timeout(fd: int, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            time.sleep(0.1)
    return False


def _test_kill(point: str, count: int) -> None:
    """Test hook: with EXPLAINER_TEST_KILL_AT=temp:N (or rename:N) the process
    kills itself with SIGKILL after the Nth temp file (or rename), so that
    tests/integration/test_interrupt.py can prove a hard kill never leaves docs/ half
    written. The variable is unset in normal use; nothing else reads it."""
    if os.environ.get("EXPLAINER_TEST_KILL_AT") == f"{point}:{count}":
        os.kill(os.getpid(), signal.SIGKILL)


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{_TMP_SUFFIX}")


def _temp_is_free(target: Path) -> None:
    """Refuse to write ``target`` when something not the generator's holds its
    temporary name (a killed run's temp files are gone already: :func:`recover`):
    a person's file is never removed, whatever its name."""
    temp = _temp_name(target)
    if (temp.is_symlink() or temp.exists()) and not _ours(temp):
        raise ExplainerError(
            f"has the name of the generator's temporary file for {target.name}: rename or remove it"
            " (the generator removes no file it did not write)",
            path=str(temp),
        )


def _write_temp(target: Path, data: bytes, *, state: bool = False) -> Path:
    """Write ``data`` beside ``target`` under a hidden temporary name, synced.
    Never through a symbolic link. In an output folder, a killed run's temp
    file at the name is replaced and anything else there refused
    (:func:`_temp_is_free`); in the ``state`` folder (the generator's own),
    whatever is there is replaced: a planted state file never blocks a run."""
    temp = _temp_name(target)
    if state:
        _remove_state_file(temp)
    else:
        _temp_is_free(target)
    if temp.is_symlink() or temp.exists():
        if temp.is_dir() and not temp.is_symlink():
            raise ExplainerError("a folder has the name of the generator's temporary file", path=str(temp))
        temp.unlink()
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:  # (a full disk): the temp file is ours, made just now
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def _write_atomic(target: Path, data: bytes) -> None:
    """Write a state file (the journal) whole or not at all."""
    temp = _write_temp(target, data, state=True)
    try:
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def check_state_folder(state: Path) -> None:
    """Refuse a state folder that is (or sits in) a link: a clone can commit
    one at ``.cache``, and the cache is read and written there."""
    for folder in (state.parent, state):  # (.cache, .cache/explainer: the root may be reached through a link)
        if folder.is_symlink():
            raise ExplainerError(
                "is a symbolic link: the generator keeps its state only in a real folder of the project; remove it",
                path=str(folder),
            )


def _state_folder(state: Path) -> None:
    """Create the state folder; refuse one that is (or sits in) a link."""
    check_state_folder(state)
    state.mkdir(parents=True, exist_ok=True)


def _remove_state_file(path: Path) -> None:
    """Remove what is at a state file's name in the state folder (the
    generator's own): a link, a file, or a planted folder, which would
    otherwise stop every later run from writing the file."""
    with contextlib.suppress(OSError):
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)  # (never follows a link inside it)


def _has_link(root: Path, relative: str) -> bool:
    """True when a folder between ``root`` and ``relative`` (or the file) is a link."""
    current = root
    for part in PurePosixPath(relative).parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def check_outputs(root: Path, folders: Iterable[Path]) -> None:
    """Refuse an output folder outside the project or reached through a
    link: a pull request can commit a link at ``docs`` or ``includes`` (or a
    ``docs_dir`` in mkdocs.yml), and the generator writes only inside the
    project. A file in them whose name is not text is refused too, before
    anything is written: the run's state records every name there."""
    for folder in folders:
        check_project_folder(folder, root, "writes")
        if folder.exists() and not folder.is_dir():
            raise ExplainerError("is a file where the generator needs a folder: move it away", path=str(folder))
        for base, subfolders, names in os.walk(folder, followlinks=False):  # (names only: no file is read)
            for name in sorted(subfolders) + sorted(names):
                check_name(name, os.path.relpath(os.path.join(base, name), root))


def _same_file(target: Path, page: Page, known: FileId, text: str) -> bool:
    """Is ``target`` still the regular file that was read as ``text``, and is
    that the page's text, marked as generated (what :func:`_plan` would find
    by reading it)?"""
    try:
        info = target.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and file_id(info) == known and page.content == text and is_marked_text(text)


def _no_links_on_the_way(root: Path, relative: str, checked: set[str] | None = None) -> None:
    """Refuse a page whose folders on the way are a link or a file;
    ``checked`` holds the folders (relative) found fine already this plan."""
    folder = relative.rpartition("/")[0]
    if checked is not None and folder in checked:
        return
    current = root
    for part in PurePosixPath(relative).parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise ExplainerError(
                "is a symbolic link: the generator does not write through links (make it a real folder)",
                path=str(current),
            )
        if current.exists() and not current.is_dir():
            raise ExplainerError("is a file where the generator needs a folder", path=str(current))
    if checked is not None:
        checked.add(folder)


def _make_folders(root: Path, folder: Path) -> list[Path]:
    """Create ``folder`` under ``root``, checking again that no part is a link
    (the plan checked already; this closes the gap until the write). Returns
    the folders it made, parents first."""
    missing = []
    step = folder
    while not step.exists() and not step.is_symlink():
        missing.append(step)
        if step == root:
            break
        step = step.parent
    folder.mkdir(parents=True, exist_ok=True)
    if folder != root and _has_link(root, folder.relative_to(root).as_posix()):
        raise ExplainerError("is a symbolic link: the generator does not write through links", path=str(folder))
    return missing[::-1]


def _remove_empty_parents(folder: Path, docs: Path) -> None:
    while folder != docs and folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
