"""Checking data files: the helpers every loader uses, in one place.

Each loader (topics, boilerplate, glossary, names, guides, front matter)
reads YAML with :func:`yamldata.load` and reports a bad value through a
:class:`Fail`: a callable that makes the one-line error naming the file and
the line of the value. The checks below are the ones loaders share.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Protocol, TypeGuard

from . import yamldata
from .errors import ExplainerError


class Fail(Protocol):
    """Makes the error for a bad value at a key path (``"topics", 2, "slug"``)."""

    def __call__(self, message: str, *at: str | int) -> ExplainerError: ...


def failer(path: str, lines: dict[yamldata.Location, int], first_line: int = 1) -> Fail:
    """The :class:`Fail` of a file: its path, and the line of each key path."""

    def fail(message: str, *at: str | int) -> ExplainerError:
        line = yamldata.line_of(lines, at)
        if first_line > 1:  # front matter: lines counted from the file's first line
            line = (line or 1) + first_line - 1
        return ExplainerError(message, path=path, line=line)

    return fail


def no_unknown_keys(data: Mapping[str, Any], known: set[str] | frozenset[str], fail: Fail, *at: str | int) -> None:
    """Refuse a key the file's format does not have (a typo would be ignored)."""
    for key in data:
        if key not in known:
            allowed = ", ".join(sorted(known))
            raise fail(f"unknown key {key!r} (allowed: {allowed})", *at, str(key))


def text(data: Mapping[str, Any], key: str, fail: Fail, *at: str | int) -> str:
    """A non-empty string, with its runs of white space made single spaces."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"'{key}' must be a non-empty string", *at, key)
    return " ".join(value.split())


def is_number(value: object) -> bool:
    """A real, finite number: not a bool, not NaN, not infinite."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(value: str) -> str:
    """The one slug rule: lower-case ASCII letters and digits, every other run
    of characters one hyphen, none at either end ("Who's who?" -> "who-s-who")."""
    return _NOT_SLUG.sub("-", value.casefold()).strip("-")


def is_slug(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value) and slugify(value) == value
