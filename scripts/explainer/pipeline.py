"""The pipeline in one place: ingest -> clean -> segment -> classify -> render.

:func:`build` is pure: source bytes and configuration in, pages and a report
out. Reading the project's files is :func:`load_project`'s job; writing them
is :mod:`explainer.write`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import config as config_loader
from .classify import SignalMatcher, classify
from .clean import BoilerplateMatcher, clean
from .errors import ExplainerError
from .ingest import FORMATS, SIDECAR_SUFFIXES, ingest
from .model import BoilerplateRules, ClassifiedArticle, Site, SiteConfig
from .render import render_site
from .segment import segment


@dataclass(frozen=True)
class SourceInput:
    """One article file's bytes, and its sidecar metadata file if any."""

    path: str
    data: bytes
    sidecar: tuple[str, bytes] | None = None


@dataclass(frozen=True)
class Project:
    """Everything a run reads, already loaded: the input of :func:`build`."""

    sources: tuple[SourceInput, ...]
    config: SiteConfig
    rules: BoilerplateRules


Progress = Callable[[str], None]


def build(project: Project, progress: Progress | None = None) -> Site:
    """Turn every source into pages; fail before any page if one is bad."""
    if not project.sources:
        raise ExplainerError("no articles found: add a .txt or .md file to the sources folder")
    matcher = BoilerplateMatcher(project.rules)
    signals = SignalMatcher(project.config)
    classified: list[ClassifiedArticle] = []
    seen: dict[str, str] = {}
    for source in project.sources:
        if progress:
            progress(source.path)
        document = ingest(source.path, source.data, source.sidecar)
        if document.slug in seen:
            raise ExplainerError(f"same slug {document.slug!r} as {seen[document.slug]}", path=source.path)
        seen[document.slug] = source.path
        article = segment(clean(document, matcher))
        classified.append(classify(article, project.config, signals))
    pages = render_site(classified, project.config)
    return Site(pages=pages, report=report(classified, project.config))


def report(classified: Sequence[ClassifiedArticle], config: SiteConfig) -> dict[str, object]:
    """The machine-readable account of a run: counts and removed lines."""
    articles = []
    for item in sorted(classified, key=lambda c: c.article.path):
        counts = Counter(p.topic for p in item.placements)
        articles.append(
            {
                "source": item.article.path,
                "slug": item.article.slug,
                "title": item.article.title,
                "paragraphs": len(item.article.paragraphs),
                "sentences": len(item.placements),
                "topics": {t.slug: counts.get(t.slug, 0) for t in config.topics},
                "fallback": sum(p.fallback for p in item.placements),
                "removed": [{"line": r.line, "text": r.text} for r in item.article.removed],
            }
        )
    return {"articles": articles}


# Reading the project


def find_sources(folder: Path, root: Path) -> list[SourceInput]:
    """Article files of ``folder`` in sorted order, each with its sidecar.

    Paths are given relative to ``root`` (the project), so that pages and the
    report name them the same way on every machine."""
    if not folder.is_dir():
        raise ExplainerError("sources folder not found", path=str(folder))
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    stems = {p.stem for p in files if p.suffix.casefold() in FORMATS}
    inputs = []
    for path in files:
        suffix = path.suffix.casefold()
        if suffix in SIDECAR_SUFFIXES:
            if path.stem not in stems:
                raise ExplainerError("metadata file has no article of the same name beside it", path=str(path))
            continue
        if path.stem.casefold() == "readme":
            continue
        inputs.append(SourceInput(display_path(path, root), _read(path), _sidecar(path, root)))
    return inputs


def load_project(root: Path, sources: Path, topics: Path, boilerplate: Path) -> Project:
    """Read the sources and data files that :func:`build` needs."""
    return Project(
        sources=tuple(find_sources(sources, root)),
        config=config_loader.load_topics(_read_text(topics), str(topics)),
        rules=config_loader.load_boilerplate(_read_text(boilerplate), str(boilerplate)),
    )


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside, POSIX style."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _sidecar(path: Path, root: Path) -> tuple[str, bytes] | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_suffix(suffix)
        if candidate.is_file():
            return display_path(candidate, root), _read(candidate)
    return None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ExplainerError(f"cannot read file ({exc.strerror})", path=str(path)) from None


def _read_text(path: Path) -> str:
    data = _read(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExplainerError("not valid UTF-8", path=str(path)) from None
