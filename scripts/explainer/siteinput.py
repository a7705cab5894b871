"""What MkDocs reads from docs/ and includes/, checked before it reads it.

The generator checks what it reads (sources/, config/); MkDocs, its plugins
and the theme read docs/ and includes/ themselves, and a pull request can put
anything there. The hooks call :func:`check` before every build, before
MkDocs lists docs/, and the first problem fails the build with one line
naming the file (and line):

* Only regular files and folders, or links to regular files inside the
  project, each of a bounded size and with a name free of control characters
  and of ``<`` ``>`` (folder and file names become navigation titles). A link
  to a folder could loop or lead anywhere; a link leading outside the project
  or into a hidden folder (``.git``) would publish the builder's files.
* A file that is not a page is published as it is, on the site's address: only
  pictures are, and the site's own scripts and stylesheets named in mkdocs.yml
  (code, reviewed as code). An HTML, SVG or script file would run there, and a
  file at the path of a theme asset would replace it.
* Front matter is YAML with the data files' limits (no aliases, bounded
  nesting), and holds only the keys this site uses, of the types it expects.
  Any other key (``template:``, ``icon:``, ``status:``, ``author:``...) is one
  the theme reads as a template name, a file name or raw HTML.
* Text the theme prints as HTML (titles, descriptions, tags, navigation
  titles) holds no ``<`` or ``>`` (descriptions and tags no ``"`` either):
  write ``&lt;``. Navigation links lead to web addresses or to pages.
* Front matter text (titles, descriptions, tags, the values of ``sources:``)
  and navigation entries hold no control character (tabs and line breaks
  aside) and no invisible or reordering one (:mod:`explainer.chars`): it
  would hide or reorder what a reader sees, and the feed (XML 1.0) cannot
  hold most of them.
* Pages and snippets are nested at most :data:`MAX_NESTING` deep: HTML
  elements in elements (``<div markdown>``), and on a line, block quotes,
  list items and indentation (``> > >``, ``- - -``, four spaces a level).
  Python-Markdown parses nesting by recursion: a few hundred levels ended
  the build with a RecursionError (as a hundred nested folders did in the
  navigation's plugin: folders too are nested at most as deep).
"""

from __future__ import annotations

import math
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from . import chars, files, guard, links, yamldata
from .errors import ExplainerError

PAGE_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkdn", ".mkd"})
PICTURE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico"})
HIDE = frozenset({"navigation", "toc", "footer", "feedback", "path", "tags"})
SOURCE_KEYS = frozenset({"slug", "title", "publisher", "author", "url", "licence", "published"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
# MkDocs's own front matter delimiters (mkdocs.utils.meta.YAML_RE).
# The tags plugin's listing marker with settings (a template name among them).
_LISTING = re.compile(r"<!--\s+material/tags\s*+(?!-->)\S")
_FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
# How deep a page may nest HTML elements, and block quotes, lists and
# indentation on a line (generated pages nest 3 deep; Python-Markdown's
# recursion gave out at 250 to 330 levels).
MAX_NESTING = 32
# Elements that have no end tag (a start tag is all of them).
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_END, _CLOSED = 1, 2  # what a tag is (see _element_too_deep)
# A line that may open more than MAX_NESTING levels: each level takes a
# character at least (a ">", a tab, a marker), from these.
_DEEP_LINE = re.compile(rf"^[ \t>*+\-.)\d]{{{MAX_NESTING + 1},}}", re.MULTILINE)
# What opens a level on a line: a block quote marker or a list item's marker.
_CONTAINER = re.compile(r"[ ]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ ]|$))")
# Python-Markdown's horizontal rule (markdown.blockprocessors.HRProcessor): not a list.
_RULE = re.compile(r"[ ]{0,3}(?=(?P<rule>(?:-+[ ]{0,2}){3,}|(?:_+[ ]{0,2}){3,}|(?:\*+[ ]{0,2}){3,}))(?P=rule)[ ]*$")

Reader = Callable[[str], tuple[str, dict[str, Any]]]


def check(root: Path, docs: Path, includes: list[Path], own: set[str], read_meta: Reader) -> None:
    """Refuse the first unsafe file of ``docs`` or of the ``includes`` folders.

    ``own`` is the site's scripts and stylesheets (paths relative to docs/);
    ``read_meta`` is MkDocs's own front matter reader, so the keys checked
    are exactly those the theme will see."""
    for folder in [docs, *includes]:
        if not folder.exists():
            continue
        for path in _walk(folder, root):
            relative = path.relative_to(folder).as_posix()
            if folder != docs:
                _check_snippet(path, root)
            elif path.name == ".nav.yml":
                _check_nav(path, root)
            elif path.suffix in PAGE_SUFFIXES and not _hidden(relative):  # as MkDocs tells: case counts
                _check_page(path, root, read_meta)
            elif not _hidden(relative) and relative not in own and path.suffix.casefold() not in PICTURE_SUFFIXES:
                raise ExplainerError(
                    "is not a page or a picture: refused (only pages and pictures are published from docs/;"
                    " an HTML, SVG or script file would run on the site)",
                    path=_shown(path, root),
                )


def check_site_folder(site: Path, root: Path) -> None:
    """Refuse a symbolic link in or at the folder MkDocs builds into: it
    empties that folder first (a link named ``site`` to a home folder had
    that folder emptied; git does not ignore a link as it ignores the
    folder), and writes through links to folders that survive the cleaning."""
    shown = _shown(site, root)
    if site.is_symlink():
        raise ExplainerError("is a symbolic link: the build would empty where it leads; remove it", path=shown)
    for here, folders, names in os.walk(site, followlinks=False):
        for name in folders + names:
            if (Path(here) / name).is_symlink():
                path = _shown(Path(here) / name, root)
                raise ExplainerError("is a symbolic link where the build writes: remove it", path=path)


def _walk(folder: Path, root: Path) -> Iterator[Path]:
    """Every file under ``folder``, refusing what is not a regular file or
    folder (links to folders are not followed: they could loop or lead out)."""
    files.check_inside(folder, root, _shown(folder, root))
    for here, folders, names in os.walk(folder, followlinks=False):
        base = Path(here)
        for name in sorted(folders) + sorted(names):
            path = base / name
            shown = _shown(path, root)
            if chars.hidden(name) or "<" in name or ">" in name:
                raise ExplainerError("file name holds control or invisible characters, < or >: rename it", path=shown)
            files.check_name(name, shown)  # (not UTF-8: MkDocs' exclusions fail on it with a traceback)
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                files.check_inside(path, root, shown)
                if not path.is_file():  # a folder, a device, or nothing at all
                    raise ExplainerError("is a symbolic link to a folder or to no regular file: refused", path=shown)
            elif not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
                raise ExplainerError(f"is {files.kind_of(path)}: refused", path=shown)
            elif stat.S_ISDIR(mode) and len(path.relative_to(folder).parts) > MAX_NESTING:
                raise ExplainerError(
                    f"folders nested more than {MAX_NESTING} deep: refused (the navigation's plugin cannot"
                    " read much deeper)",
                    path=shown,
                )
        folders[:] = [f for f in folders if not (base / f).is_symlink()]
        yield from (base / name for name in sorted(names))


def _check_page(path: Path, root: Path, read_meta: Reader) -> None:
    shown = _shown(path, root)
    text = files.read_text(path, root, files.MAX_SOURCE_BYTES, shown).removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as MkDocs reads it (universal newlines)
    lines: dict[yamldata.Location, int] = {}
    block = _FRONT.match(text)
    if block:
        _, lines = yamldata.load("\n" + block.group(1), shown)  # the limits, and a line for each key
    body = block.end() if block else 0
    _check_nesting(text[body:], shown, text.count("\n", 0, body))
    listing = _LISTING.search(text)
    if listing:
        raise ExplainerError(
            "a tags listing with settings: refused (write <!-- material/tags --> alone)",
            path=shown,
            line=text.count("\n", 0, listing.start()) + 1,
        )
    _, meta = read_meta(text)
    for key, value in meta.items():
        line = yamldata.line_of(lines, (str(key),))
        rule = _FRONT_MATTER.get(key) if isinstance(key, str) else None
        if rule is None:
            allowed = ", ".join(sorted(_FRONT_MATTER))
            raise ExplainerError(
                f"front matter key {key!r} is not one this site reads ({allowed}): refused", path=shown, line=line
            )
        problem = rule(value)
        if problem:
            raise ExplainerError(f"front matter {key!r} {problem}: refused", path=shown, line=line)


def _check_snippet(path: Path, root: Path) -> None:
    """A file of includes/ (a snippet): of bounded size, and nested no
    deeper than a page may be (it becomes part of one). One that is not
    UTF-8 is refused when a page uses it (pymdownx.snippets reads it)."""
    shown = _shown(path, root)
    data = files.read_bytes(path, root, files.MAX_SOURCE_BYTES, shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    _check_nesting(text.replace("\r\n", "\n").replace("\r", "\n"), shown, 0)


def _check_nesting(text: str, shown: str, first: int) -> None:
    """Refuse Markdown nested deeper than :data:`MAX_NESTING` (``first``:
    the number of lines before ``text`` in its file, for the line shown)."""
    for candidate in _DEEP_LINE.finditer(text):
        start, stop = candidate.start(), text.find("\n", candidate.start())
        depth = _line_depth(text[start : stop if stop != -1 else len(text)])
        if depth > MAX_NESTING:
            raise ExplainerError(
                f"block quotes, lists or indentation nested {depth} deep: refused (at most {MAX_NESTING};"
                " Python-Markdown cannot parse much deeper)",
                path=shown,
                line=first + text.count("\n", 0, start) + 1,
            )
    at = _element_too_deep(text)
    if at is not None:
        raise ExplainerError(
            f"HTML elements nested more than {MAX_NESTING} deep: refused (Python-Markdown cannot parse much deeper)",
            path=shown,
            line=first + text.count("\n", 0, at) + 1,
        )


def _line_depth(line: str) -> int:
    """The levels a line opens: its indentation (four columns a level, as
    Python-Markdown reads it), then each block quote and list marker."""
    if "\t" in line:
        line = line.expandtabs(4)  # as Python-Markdown does first
    stripped = line.lstrip(" ")
    depth = (len(line) - len(stripped)) // 4
    if not stripped or _RULE.match(stripped):
        return depth
    at = 0
    while marker := _CONTAINER.match(stripped, at):
        depth += 1
        at = marker.end()
    return depth


def _element_too_deep(text: str) -> int | None:
    """Where the first element nested more than :data:`MAX_NESTING` deep
    starts, or None. Only elements that are closed count, closed as a
    browser closes them (an end tag closes the elements opened after its
    own): a ``<div>`` quoted in a code span opens no level. (What this
    cannot see, such as emphasis in emphasis, the hooks' RecursionError
    guard stops.)"""
    if text.count("</") <= MAX_NESTING:  # each level needs its end tag
        return None
    starts = array("q")  # where each tag starts
    kinds = bytearray()  # for each tag: END, and CLOSED if an end tag closes it (or it closes one)
    stack: list[tuple[int, str]] = []
    still_open: dict[str, int] = {}
    for i, (at, end, name) in enumerate(_elements(text)):
        starts.append(at)
        kinds.append(_END if end else 0)
        if not end:
            stack.append((i, name))
            still_open[name] = still_open.get(name, 0) + 1
        elif still_open.get(name):
            while True:
                j, opened = stack.pop()
                still_open[opened] -= 1
                if opened == name:
                    kinds[i] |= _CLOSED
                    kinds[j] |= _CLOSED
                    break
    depth = 0
    for i, kind in enumerate(kinds):
        if kind & _CLOSED:
            depth += -1 if kind & _END else 1
            if depth > MAX_NESTING:
                return starts[i]
    return None


def _elements(text: str) -> Iterator[tuple[int, bool, str]]:
    """The start and end tags of elements that can hold others."""
    for at, end, name, attributes in guard.tags(text):
        if name not in _VOID and (end or not attributes.endswith("/")):  # <x/> holds nothing
            yield at, end, name


def _check_nav(path: Path, root: Path) -> None:
    """A navigation file (awesome-nav): YAML with the limits; its titles are
    text and its links lead to web addresses or to pages of the site."""
    shown = _shown(path, root)
    text = files.read_text(path, root, shown=shown)
    _, lines = yamldata.load(text, shown)  # the limits, and a line for each key
    try:  # as awesome-nav reads it (yamldata's strings have lost their hidden characters)
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise ExplainerError(f"not valid YAML ({type(exc).__name__}: {str(exc)[:80]})", path=shown) from None
    for at, value in _strings(data, ()):
        problem = _text(value) or (_link(value) if at and at[-1] != "title" else None)
        if problem:
            raise ExplainerError(
                f"navigation entry {value[:80]!r} {problem}: refused", path=shown, line=yamldata.line_of(lines, at)
            )


def _strings(data: object, at: yamldata.Location) -> Iterator[tuple[yamldata.Location, str]]:
    """Every string of a YAML document, keys included, with where it is."""
    if isinstance(data, str):
        yield at, data
    elif isinstance(data, dict):
        for key, value in data.items():
            here = (*at, str(key))
            if isinstance(key, str):
                yield (*here, "title"), key  # a title (or an option name: text as well)
            yield from _strings(value, here)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _strings(item, (*at, i))


# Rules for front matter values: None, or what is wrong.


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return "is not text"
    if len(value) > guard.MAX_TEXT:
        return f"is over {guard.MAX_TEXT:,} characters (every page's navigation shows it)"
    if "<" in value or ">" in value:
        return "holds < or > (the theme shows it as HTML): write &lt; and &gt;"
    return _unseen(value)


def _unseen(value: str) -> str | None:
    """What is wrong with text holding a character no reader sees, if it does."""
    hidden = guard.hidden_character(value)
    if hidden:
        return f"holds a control or invisible character ({hidden}): remove it"
    return None


def _attribute_text(value: object) -> str | None:
    """Text the theme prints inside an HTML attribute."""
    problem = _text(value)
    if problem is None and isinstance(value, str) and '"' in value:
        return "holds a double quote (the theme prints it in an attribute): write &quot;"
    return problem


def _link(value: str) -> str | None:
    scheme = _SCHEME.match(value)
    if scheme and scheme.group(1).casefold() not in links.WEB_SCHEMES:
        return f"is a {scheme.group(1)}: address, not a web address or a page"
    if scheme and not links.is_web_url(value.strip()):
        return "is not a valid web address"
    return None


def _tags(value: object) -> str | None:
    if not isinstance(value, list):
        return "is not a list of tags"
    return next((f"tag {problem}" for tag in value if (problem := _attribute_text(tag))), None)


def _hide(value: object) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v in HIDE for v in value):
        return f"must be a list of: {', '.join(sorted(HIDE))}"
    return None


def _search(value: object) -> str | None:
    if not isinstance(value, dict) or not set(value) <= {"exclude", "boost"}:
        return "must be a mapping with exclude: and boost: only"
    boost = value.get("boost", 1)
    if not isinstance(value.get("exclude", False), bool):
        return "exclude must be true or false"
    if isinstance(boost, bool) or not isinstance(boost, int | float) or not math.isfinite(boost):
        return "boost must be a number"
    return None


def _sources(value: object) -> str | None:
    """The credits of a generated page (shown escaped by the theme partial,
    and in the feed)."""
    if not isinstance(value, list) or not all(
        isinstance(ref, dict) and set(ref) <= SOURCE_KEYS and all(isinstance(v, str) for v in ref.values())
        for ref in value
    ):
        return f"must be a list of mappings of text with the keys {', '.join(sorted(SOURCE_KEYS))}"
    for ref in value:
        for key, text in ref.items():
            problem = f"is over {guard.MAX_TEXT:,} characters" if len(text) > guard.MAX_TEXT else _unseen(text)
            if problem:
                return f"{key} {text[:80]!r} {problem}"
    return None


def _edit_path(value: object) -> str | None:
    return None if guard.plain_relative_path(value) else "is not a plain relative path"


_FRONT_MATTER: dict[str, Callable[[object], str | None]] = {
    "title": _text,
    "description": _attribute_text,
    "tags": _tags,
    "hide": _hide,
    "search": _search,
    "sources": _sources,
    "edit_path": _edit_path,
}


def _hidden(relative: str) -> bool:
    """MkDocs leaves out files and folders whose name starts with a dot."""
    return any(part.startswith(".") for part in relative.split("/"))


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
