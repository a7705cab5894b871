"""Reading the project's files: only regular files inside the project, of a
bounded size.

Every byte a contributor controls is untrusted, file names and file kinds
included. One rule, applied to sources, sidecars and data files alike: a
path is read only if it is a regular file, or a symbolic link to a regular
file inside the project; a link leading outside, a FIFO, a device, a socket
or a folder is refused with one line naming it (never skipped silently, and
never opened in a way that could block: FIFOs are opened non-blocking and
refused after ``fstat``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from . import chars
from .errors import ExplainerError

# A saved web page can be a few megabytes; no article is bigger than this.
MAX_SOURCE_BYTES = 20_000_000
# Sidecars, front matter and config files are small by nature.
MAX_DATA_BYTES = 2_000_000

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def check_inside(path: Path, root: Path, shown: str | None = None) -> None:
    """Refuse ``path`` when it, or a link on its way, leads outside ``root``,
    or into a hidden folder of it that ``path`` itself is not in (``.git``
    holds the remote's address and sometimes a token, ``.cache`` our state)."""
    try:
        inside = path.resolve(strict=False).relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        if not _written_inside(path, root):
            raise ExplainerError(
                "is outside the project: only files inside it are read", path=shown or str(path)
            ) from None
        raise ExplainerError(
            "is a symbolic link leading outside the project: refused (copy the file in instead)",
            path=shown or str(path),
        ) from None
    if _in_hidden_folder(inside) and not _in_hidden_folder(Path(os.path.relpath(path, root))):
        raise ExplainerError(
            "is a symbolic link into a hidden folder (such as .git): refused (copy the file in instead)",
            path=shown or str(path),
        )


def check_project_folder(folder: Path, root: Path, does: str = "reads", shown: str | None = None) -> None:
    """Refuse a folder the generator ``does`` ("reads", "writes") files of when
    it is outside the project, is the project itself, or is reached through a
    link: a link committed at ``sources`` to the project's root would publish
    every git-ignored file there, one at ``docs`` would be written through.
    Each folder on the way up from ``folder``, as written, is looked at until
    one is the project's root (however either path was reached: a root behind
    a link, as /tmp is on macOS, is fine)."""
    shown = shown or str(folder)
    outside = f"is not a folder inside the project: the generator {does} files only there"
    top = root.resolve()
    try:  # (the root as given may hold ".." itself: --root ../site)
        where = Path(os.path.abspath(root)) / folder.relative_to(root)
        below = folder.relative_to(root).parts
    except ValueError:  # (an absolute folder, or one given apart from the root)
        where = folder.absolute()
        below = where.parts
    if ".." in below or where.resolve() == top:  # (".." would be taken after a link on the way)
        raise ExplainerError(outside, path=shown)
    step = where
    while step.resolve() != top:
        if step.is_symlink():
            raise ExplainerError(
                f"is a symbolic link (or is reached through one): the generator {does} no files through links"
                " (make it a real folder of the project)",
                path=shown,
            )
        if step.parent == step:
            raise ExplainerError(outside, path=shown)
        step = step.parent


def check_within(path: Path, folder: Path, shown: str | None = None) -> None:
    """Refuse ``path`` (an entry of ``folder``) when it is a link to anything
    but a visible file of ``folder``: a link in sources/ to another file of
    the project (a README, a git-ignored ``.env``) would publish it as an article."""
    if not path.is_symlink():
        return
    try:
        inside = path.resolve(strict=False).relative_to(folder.resolve())
    except (ValueError, OSError, RuntimeError):
        inside = None
    if inside is None or any(part.startswith(".") for part in inside.parts):
        raise ExplainerError(
            f"is a symbolic link leading out of {folder.name}/: refused (copy the file in instead)",
            path=shown or str(path),
        )


def _written_inside(path: Path, root: Path) -> bool:
    """Is ``path``, as written (no link followed), inside ``root``?"""
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        return False
    return True


def _in_hidden_folder(relative: Path) -> bool:
    return any(part.startswith(".") and part not in {".", ".."} for part in relative.parent.parts)


def kind_of(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (following links), else None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_bytes(path: Path, root: Path, limit: int, shown: str | None = None) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``limit`` of them
    (errors name the file as ``shown``, by default its path)."""
    shown = shown or str(path)
    check_inside(path, root, shown)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ExplainerError(f"cannot read file ({exc.strerror})", path=shown) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise ExplainerError(f"is {kind}, not a regular file: refused", path=shown)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ExplainerError(f"cannot read file ({exc.strerror})", path=shown) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ExplainerError(f"is larger than the limit of {limit:,} bytes for such a file: refused", path=shown)
    return data


def read_text(path: Path, root: Path, limit: int = MAX_DATA_BYTES, shown: str | None = None) -> str:
    """A data file's text: UTF-8, or one clear error naming the file."""
    data = read_bytes(path, root, limit, shown)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ExplainerError("not valid UTF-8", path=shown or str(path), line=line) from None


def check_name(name: str, shown: str) -> None:
    """Refuse a file name that would show other than it reads: with control
    or invisible characters, or bytes that are not UTF-8 (pages, the report
    and the run's state name files as text)."""
    if chars.hidden(name):
        raise ExplainerError("file name holds control or invisible characters: rename the file", path=shown)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise ExplainerError("file name is not UTF-8 text: rename the file", path=shown) from None
