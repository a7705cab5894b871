"""The command line: a thin layer over the pipeline and the writer.

Every failure the user can cause ends in one line on stderr and exit status 1;
``docs/`` is only touched after every page has been built in memory.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from . import config as config_loader
from . import pipeline, scaffold, write
from .cache import CACHE_DIR, ArticleCache, RunCache
from .errors import ExplainerError
from .pipeline import Project, build, fingerprint, load_project
from .problems import find_problems
from .sections import fits, speaking

F = TypeVar("F", bound=Callable[..., Any])


def _project_options(func: F) -> F:
    options = [
        click.option(
            "--root",
            type=click.Path(file_okay=False, path_type=Path),
            default=".",
            show_default=True,
            help="Project folder; the paths below are relative to it.",
        ),
        click.option(
            "--sources",
            type=click.Path(path_type=Path),
            default="sources",
            show_default=True,
            help="Folder of source articles.",
        ),
        click.option(
            "--topics",
            type=click.Path(path_type=Path),
            default="config/topics.yml",
            show_default=True,
            help="Topics file.",
        ),
        click.option(
            "--boilerplate",
            type=click.Path(path_type=Path),
            default="config/boilerplate.yml",
            show_default=True,
            help="Boilerplate rules.",
        ),
        click.option(
            "--docs",
            type=click.Path(path_type=Path),
            default="docs",
            show_default=True,
            help="Folder of Markdown pages that MkDocs builds.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="explainer")
def main() -> None:
    """Turn news articles into a MkDocs explainer site."""


@main.command()
@_project_options
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report (counts per topic, removed boilerplate) to this file.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def generate(
    root: Path, sources: Path, topics: Path, boilerplate: Path, docs: Path, report: Path | None, quiet: bool
) -> None:
    """Build the pages from the sources and write the ones that changed."""
    with _errors():
        docs = root / docs
        project = _load(root, sources, topics, boilerplate)
        # Nothing changed since the last run (inputs and docs/ alike): skip it all.
        runs, inputs, outputs = RunCache(root / CACHE_DIR), fingerprint(project), (docs, root / "includes")
        data = runs.unchanged(inputs, outputs)
        site = None
        summary = f"0 written, 0 removed, {data and data.get('pages')} unchanged (nothing changed since the last run)"
        if data is None:
            site = build(project, _progress(quiet), ArticleCache(root / CACHE_DIR / "articles"))
            plan = write.plan(site.pages, docs, {root / "includes": site.includes})
            write.apply(plan, docs)
            data = {**site.report, "taken_over": list(plan.taken_over)}
            runs.record(inputs, outputs, {**data, "pages": len(plan.writes) + len(plan.unchanged)})
            summary = f"{len(plan.writes)} written, {len(plan.deletes)} removed, {len(plan.unchanged)} unchanged"
        data.pop("pages", None)
        if not quiet and site is not None:
            for line in placement_lines(data, site.fresh, project):
                click.echo(line, err=True)
        if report:
            report.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for path in data.get("taken_over", []):
            click.echo(f"note: {docs / path} has no generated-file marker: left as it is (taken over)", err=True)
        for dup in data.get("duplicates", []):
            click.echo(
                f"note: {dup['source']} repeats {dup['duplicate_of']} (similarity {dup['similarity']}): not shown",
                err=True,
            )
        if not quiet:
            click.echo(f"{summary} in {docs}", err=True)


@main.command()
@_project_options
def check(root: Path, sources: Path, topics: Path, boilerplate: Path, docs: Path) -> None:
    """Exit with status 1 if the pages in docs/ are out of date with the sources,
    or if any source or data file is invalid (every problem, one line each)."""
    with _errors():
        docs = root / docs
        try:
            site = build(_load(root, sources, topics, boilerplate))
        except ExplainerError:
            problems = find_problems(root, root / sources, root / topics, root / boilerplate)
            if not problems:  # a problem only the whole build sees (e.g. two pages at one path)
                raise
            for problem in problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        plan = write.plan(site.pages, docs, {root / "includes": site.includes})
        if plan.changed:
            click.echo(f"{docs} is out of date; run `make build` (or `explainer generate`) and commit:", err=True)
            for path in plan.changed:
                click.echo(f"  {docs / path}", err=True)
            sys.exit(1)
        click.echo(f"{docs} is up to date ({len(plan.unchanged)} generated files)", err=True)


@main.command()
@click.argument("title", required=False)
@click.option("--url", help="Address of the original article (http:// or https://).")
@click.option(
    "--from-html",
    "html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A saved web page: copied into the sources folder with a metadata file filled from the page.",
)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True)
@click.option("--sources", type=click.Path(path_type=Path), default="sources", show_default=True)
def new(title: str | None, url: str | None, html: Path | None, root: Path, sources: Path) -> None:
    """Start a new source: a file in sources/ with its front matter to fill in."""
    with _errors():
        folder = root / sources
        existing = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        page = (html.name, html.read_bytes()) if html else None
        plan = scaffold.new_source(title=title, url=url, html=page, existing=existing)
        for path in scaffold.create(plan, folder):
            click.echo(f"created {path}", err=True)
        click.echo(f"next: {plan.next_step}", err=True)


@main.command()
@_project_options
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def explain(root: Path, sources: Path, topics: Path, boilerplate: Path, docs: Path, paths: tuple[Path, ...]) -> None:
    """Say where each paragraph of an article goes and why: its page, the
    runner-up and the evidence (signals, similarity, context)."""
    with _errors():
        project = _load_config(root, topics, boilerplate)
        classifier = pipeline.classifier(project)
        for path in paths:
            item, lines = pipeline.explain(pipeline.source_input(path, root), project, classifier)
            total = len(item.placements)
            where = "fits the topics" if fits(item, project.config.min_matched_share) else "own page"
            click.echo(f"{item.article.path}: {where}: {speaking(item)} of {total} sentences speak to the topics")
            for line in lines:
                click.echo(line)


# Helper functions


def placement_lines(report: dict[str, Any], fresh: Sequence[str], project: Project) -> list[str]:
    """One line per article read in this run: where its sentences went."""
    titles = {t.slug: t.title for t in project.config.topics}
    wanted = set(fresh)
    lines = []
    for entry in report.get("articles", []):
        if entry["source"] not in wanted:
            continue
        if entry["shown_on"] == "topics":
            counts = sorted(((n, slug) for slug, n in entry["topics"].items() if n), key=lambda c: -c[0])
            where = ", ".join(f"{titles[slug]} {n}" for n, slug in counts)
        else:
            where = f"own page: {entry['speaking']} of {entry['sentences']} sentences speak to the topics"
        lines.append(f"{entry['source']} -> {where}")
    return lines


def _load_config(root: Path, topics: Path, boilerplate: Path) -> Project:
    """The data files only (no sources): enough to read and classify one article."""
    topics, boilerplate = root / topics, root / boilerplate
    return Project(
        sources=(),
        config=config_loader.load_topics(pipeline.read_text(topics), str(topics)),
        rules=config_loader.load_boilerplate(pipeline.read_text(boilerplate), str(boilerplate)),
        guides=pipeline.guides_for(topics),
    )


def _load(root: Path, sources: Path, topics: Path, boilerplate: Path) -> Project:
    return load_project(root, root / sources, root / topics, root / boilerplate)


def _progress(quiet: bool) -> Callable[[str], None] | None:
    """A progress line on a terminal for long runs; nothing in pipes or CI."""
    if quiet or not sys.stderr.isatty():
        return None
    count = 0

    def show(path: str) -> None:
        nonlocal count
        count += 1
        if count % 25 == 0:
            click.echo(f"\r{count} articles read ({path})\x1b[K", err=True, nl=False)

    return show


class _errors:
    """Turn expected failures into one line on stderr and exit status 1."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None or isinstance(exc, SystemExit | KeyboardInterrupt):
            return
        if isinstance(exc, ExplainerError):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
        elif os.environ.get("EXPLAINER_DEBUG"):
            return
        else:
            message = f"internal error ({type(exc).__name__}: {exc}); set EXPLAINER_DEBUG=1 for details"
        click.echo(f"error: {message}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
