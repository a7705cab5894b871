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


def check(pattern: str, max_length: int = MAX_PATTERN) -> str | None:
    """Why ``pattern`` cannot be used, or None when it compiles.

    (``max_length`` is for patterns built from shorter checked pieces, such as
    the word lists of the boilerplate file: RE2's memory budget still holds.)"""
    if len(pattern) > max_length:
        return f"is {len(pattern):,} characters long, over the limit of {max_length:,}"
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


class GroupSearch:
    """Which groups of ``groups`` have a pattern found in a text? One RE2 set
    over all of them: one pass over the text for every group (case ignored
    with ``ignore_case``); or each group as an :class:`AnySearch` if together
    they exceed the memory budget."""

    def __init__(self, groups: Sequence[Sequence[str]], *, ignore_case: bool = False):
        self._size = len(groups)
        self._group: list[int] = []  # pattern index -> its group
        self._set: Any = None
        self._each: list[AnySearch] = []
        programs = re2.Set.SearchSet(_options())
        try:
            for g, patterns in enumerate(groups):
                for pattern in patterns:
                    programs.Add(f"(?i:{pattern})" if ignore_case else pattern)
                    self._group.append(g)
            programs.Compile()
            self._set = programs
        except re2.error:
            self._each = [AnySearch(patterns, ignore_case=ignore_case) for patterns in groups]

    def __call__(self, text: str) -> tuple[bool, ...]:
        if self._each:
            return tuple(search(text) for search in self._each)
        found = [False] * self._size
        for i in (self._set.Match(text) if self._group else None) or ():
            found[self._group[i]] = True
        return tuple(found)


class BadPattern(ValueError):
    """Pattern number ``index`` of a :class:`FullMatchSet` does not compile."""

    def __init__(self, index: int, problem: str):
        super().__init__(problem)
        self.index = index


class FullMatchSet:
    """Which of ``patterns`` match a whole line? One RE2 set: one pass over
    the line for all of them, however many (the furniture classifier asks
    this of every block)."""

    def __init__(self, patterns: Sequence[str]):
        self._set: Any = None
        self._each: list[Any] = []
        if not patterns:
            return
        programs = re2.Set.FullMatchSet(_options())
        for i, pattern in enumerate(patterns):
            try:
                programs.Add(pattern)
            except re2.error:
                raise BadPattern(i, check(pattern) or "is not a regular expression the safe matcher accepts") from None
        try:
            programs.Compile()
            self._set = programs
        except re2.error:  # over the memory budget together: each on its own
            self._each = [re2.compile(p, options=_options()) for p in patterns]

    def __call__(self, line: str) -> list[int]:
        """The indices of the patterns that match ``line``, in order."""
        if self._each:
            return [i for i, program in enumerate(self._each) if program.fullmatch(line)]
        found = self._set.Match(line) if self._set is not None else None
        return sorted(found) if found else []
