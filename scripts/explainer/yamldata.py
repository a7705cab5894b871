"""Read YAML data files and say *where* a bad value is (file and line)."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import ExplainerError

Location = tuple[str | int, ...]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same data, ~10x faster


def load(text: str, path: str) -> tuple[Any, dict[Location, int]]:
    """Parse YAML safely; return the data and a map from key path to line."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ExplainerError(f"not valid YAML ({problem})", path=path, line=line) from None
    lines: dict[Location, int] = {}
    if node is not None:
        _index(node, (), lines)
    return data, lines


def _index(node: yaml.Node, at: Location, lines: dict[Location, int]) -> None:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = (*at, str(key.value))
            lines[here] = key.start_mark.line + 1
            _index(value, here, lines)
            lines[here] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*at, i), lines)


def line_of(lines: dict[Location, int], at: Location) -> int | None:
    """The line of ``at``, or of its nearest parent that has one."""
    while at:
        if at in lines:
            return lines[at]
        at = at[:-1]
    return lines.get(())
