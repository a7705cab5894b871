"""Read YAML data files and say *where* a bad value is (file and line).

Data files are untrusted, so the parser has limits: aliases (``*name``) are
refused before anything is built from the events (an alias-expansion bomb or a
recursive alias needs them, and no data file of ours does), nesting is
bounded, and a date is read as text so that an impossible one (``2021-02-30``)
is our error with its line, not the parser's exception.
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

from .chars import hidden, visible
from .errors import ExplainerError

Location = tuple[str | int, ...]
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same data, ~10x faster
MAX_DEPTH = 40
MAX_EVENTS = 500_000


class _Loader(_BASE):  # type: ignore[misc,valid-type]
    """The safe loader without implicit timestamps: dates stay text; and every
    string without control or invisible characters (:func:`explainer.chars.visible`)."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BASE.yaml_implicit_resolvers.items()
    }


def _visible_string(loader: _Loader, node: yaml.ScalarNode) -> str:
    return visible(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:str", _visible_string)


def load(text: str, path: str) -> tuple[Any, dict[Location, int]]:
    """Parse YAML safely; return the data and a map from key path to line."""
    try:
        _check_events(text, path)
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ExplainerError(f"not valid YAML ({problem})", path=path, line=line) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise ExplainerError(f"not valid YAML ({type(exc).__name__}: {str(exc)[:80]})", path=path) from None
    lines: dict[Location, int] = {}
    if node is not None:
        _index(node, (), lines, path)
    return data, lines


def _check_events(text: str, path: str) -> None:
    """Refuse aliases, deep nesting and huge documents, from the event stream
    (linear in the text, before any object is built)."""
    depth = 0
    for count, event in enumerate(yaml.parse(text, Loader=_Loader), start=1):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            raise ExplainerError(
                "YAML aliases (*name) are not allowed in data files: write the value out", path=path, line=line
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ExplainerError(f"nested more than {MAX_DEPTH} levels deep", path=path, line=line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if count > MAX_EVENTS:
            raise ExplainerError(f"more than {MAX_EVENTS:,} YAML values: too big for a data file", path=path, line=line)


def _index(node: yaml.Node, at: Location, lines: dict[Location, int], path: str) -> None:
    """Map every key path to its line; refuse a key with a hidden character.

    A value loses its hidden characters; a key cannot: ``"ti\\u200btle"``
    cleaned would be ``title`` and silently replace the one written before it."""
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key, value in node.value:
            if isinstance(key.value, str) and hidden(key.value):
                raise ExplainerError(
                    f"key {key.value!r} holds control or invisible characters: write it in plain letters",
                    path=path,
                    line=key.start_mark.line + 1,
                )
            same = _key_value(key)
            if same in seen:  # (YAML lets the last win: a second title would silently replace the first)
                line = key.start_mark.line + 1
                raise ExplainerError(f"key {key.value!r} is given twice in one mapping: keep one", path=path, line=line)
            seen.add(same)
            here = (*at, str(key.value))
            lines[here] = key.start_mark.line + 1
            _index(value, here, lines, path)
            lines[here] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*at, i), lines, path)


def _key_value(key: yaml.Node) -> object:
    """What a key is once read (``yes`` and ``true`` are one key, ``1`` and
    ``"1"`` two); a key that is not a plain value is compared by its text."""
    if isinstance(key, yaml.ScalarNode) and key.tag == "tag:yaml.org,2002:str":
        return (str, key.value)
    if isinstance(key, yaml.ScalarNode):
        try:
            return (type(value := _Loader("").construct_object(key)), value)
        except (yaml.YAMLError, ValueError, TypeError):
            pass
    return ("node", repr(key.value))


def line_of(lines: dict[Location, int], at: Location) -> int | None:
    """The line of ``at``, or of its nearest parent that has one."""
    while at:
        if at in lines:
            return lines[at]
        at = at[:-1]
    return lines.get(())
