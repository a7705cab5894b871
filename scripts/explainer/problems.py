"""Every problem of a project at once, for ``explainer check``.

A build stops at the first bad file, which is right for ``generate`` (nothing
is written) but slow for a contributor fixing several files. When a build
fails, ``check`` calls :func:`find_problems`, which checks each data file and
each source on its own and returns one message per problem.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from . import config as config_loader
from . import guides
from .clean import BoilerplateMatcher, clean
from .errors import ExplainerError
from .files import read_text
from .ingest import ingest, slug_for
from .model import BoilerplateRules
from .paths import Paths
from .pipeline import SourceInput, find_sources, optional_text
from .segment import segment

T = TypeVar("T")


def find_problems(paths: Paths) -> list[str]:
    """One message (``file:line: what``) per problem found, in file order."""
    root, sources, topics, boilerplate = paths.root, paths.sources, paths.topics, paths.boilerplate
    problems: list[str] = []

    def attempt(step: Callable[[], T]) -> T | None:
        try:
            return step()
        except ExplainerError as error:
            problems.append(str(error))
            return None

    attempt(lambda: config_loader.load_topics(read_text(topics, root), str(topics)))
    rules = attempt(lambda: config_loader.load_boilerplate(read_text(boilerplate, root), str(boilerplate)))
    for name, path in (("glossary", paths.glossary), ("names", paths.names), ("guides", paths.guides)):
        attempt(partial(_load_guide, name, path, root))
    inputs = attempt(lambda: find_sources(sources, root, problems)) or []
    matcher = BoilerplateMatcher(rules or BoilerplateRules(lines=(), patterns=()))
    seen: dict[str, str] = {}
    for source in inputs:
        slug = attempt(partial(slug_for, source.path))
        if slug in seen:
            problems.append(str(ExplainerError(f"same slug {slug!r} as {seen[slug]}", path=source.path)))
        elif slug:
            seen[slug] = source.path
        if slug:  # a bad file name is one problem, not two
            attempt(partial(_read_source, source, matcher))
    return problems


def _load_guide(name: str, path: Path, root: Path) -> guides.GuideData:
    data = optional_text(path, root)
    return guides.load(
        glossary=data if name == "glossary" else None,
        names=data if name == "names" else None,
        rules=data if name == "guides" else None,
    )


def _read_source(source: SourceInput, matcher: BoilerplateMatcher) -> None:
    segment(clean(ingest(source.path, source.data, source.sidecar), matcher))
