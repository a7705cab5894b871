"""Regular expressions from data files, matched in linear time.

Boilerplate patterns come from ``config/boilerplate.yml``, which a pull
request can change. Python's ``re`` backtracks, so a pattern such as
``(a+)+$`` can take minutes on one line. These patterns are compiled with
RE2 instead (google-re2), whose matching time is linear in the text whatever
the pattern; the few features RE2 lacks (backreferences, lookaround) are
refused when the file is loaded, with its line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import re2

MAX_PATTERN = 2000
_MAX_MEM = 64 << 20  # RE2's memory budget for one compiled pattern


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # our error message says it, once
    options.max_mem = _MAX_MEM
    return options


def check(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used, or None when it compiles."""
    if len(pattern) > MAX_PATTERN:
        return f"is {len(pattern):,} characters long, over the limit of {MAX_PATTERN:,}"
    try:
        re2.compile(pattern, options=_options())
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return (
            f"is not a regular expression the safe matcher accepts ({reason}; backreferences and lookaround are"
            " not supported)"
        )
    return None


class AnyFullMatch:
    """Does a whole line match one of ``patterns``? One combined RE2 program,
    or each pattern on its own if together they exceed the memory budget."""

    def __init__(self, patterns: Sequence[str]):
        self._programs: list[Any] = []
        if not patterns:
            return
        try:
            self._programs = [re2.compile("|".join(f"(?:{p})" for p in patterns), options=_options())]
        except re2.error:
            self._programs = [re2.compile(p, options=_options()) for p in patterns]

    def __call__(self, line: str) -> bool:
        return any(program.fullmatch(line) for program in self._programs)


class AnySearch:
    """Is one of ``patterns`` found anywhere in a text? One combined RE2
    program (case ignored with ``ignore_case``), or each pattern on its own if
    together they exceed the memory budget."""

    def __init__(self, patterns: Sequence[str], *, ignore_case: bool = False):
        flags = "(?i)" if ignore_case else ""
        self._programs: list[Any] = []
        if not patterns:
            return
        try:
            self._programs = [re2.compile(flags + "|".join(f"(?:{p})" for p in patterns), options=_options())]
        except re2.error:
            self._programs = [re2.compile(flags + p, options=_options()) for p in patterns]

    def __call__(self, text: str) -> bool:
        return any(program.search(text) for program in self._programs)
