"""The command line: a thin layer over the pipeline and the writer.

Every failure the user can cause ends in one line on stderr and exit status 1;
``docs/`` is only touched after every page has been built in memory.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import chars, files, pipeline, runner, scaffold
from .errors import ExplainerError
from .paths import DEFAULTS, Paths
from .problems import find_problems
from .seal import machine_key
from .sections import fits, speaking

F = TypeVar("F", bound=Callable[..., Any])


def _project_options(func: F) -> F:
    """--root and one option per input and output (:data:`paths.DEFAULTS`)."""
    options = [
        click.option(
            "--root",
            type=click.Path(file_okay=False, path_type=Path),
            default=".",
            show_default=True,
            help="Project folder; the paths below are relative to it.",
        ),
        *(
            click.option(f"--{name}", type=click.Path(path_type=Path), default=default, show_default=True, help=text)
            for name, (default, text) in DEFAULTS.items()
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
def generate(root: Path, report: Path | None, quiet: bool, **given: Path) -> None:
    """Build the pages from the sources and write the ones that changed."""
    with _errors():
        paths = Paths.of(root, **given)
        outcome = runner.generate(
            paths,
            _progress(quiet),
            on_wait=lambda: _note("waiting for another explainer run"),
            ending=_ENDING,
        )
        data = outcome.report
        if not quiet:
            for line in outcome.placed:
                _echo(line)
        if report:
            report.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for note in outcome.notes:
            _note(note)
        for path in _strings(data.get("taken_over")):
            _note(f"{paths.docs / path} has no generated-file marker: left as it is (taken over)")
        for dup in data.get("duplicates") or []:
            if isinstance(dup, dict):
                _note(
                    f"{dup.get('source')} repeats {dup.get('duplicate_of')} (similarity {dup.get('similarity')}):"
                    " not shown"
                )
        if not quiet:
            for article in _boilerplate_lines(data, outcome.fresh):
                _echo(article)
            _echo(f"{outcome.summary} in {paths.docs}")


@main.command()
@_project_options
def check(root: Path, **given: Path) -> None:
    """Exit with status 1 if the pages in docs/ are out of date with the sources,
    or if any source or data file is invalid (every problem, one line each)."""
    with _errors():
        paths = Paths.of(root, **given)
        try:
            plan = runner.check(paths)
        except ExplainerError:
            problems = find_problems(paths)
            if not problems:  # a problem only the whole build sees (e.g. two pages at one path)
                raise
            for problem in problems:
                _echo(f"error: {problem}")
            sys.exit(1)
        if plan.changed:
            _echo(f"{paths.docs} is out of date; run `make build` (or `explainer generate`) and commit:")
            for path in plan.changed:
                _echo(f"  {paths.docs / path}")
            sys.exit(1)
        _echo(f"{paths.docs} is up to date ({len(plan.unchanged)} generated files)")


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
        files.check_project_folder(folder, root, "writes")  # (a link at sources/ could lead anywhere)
        existing = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        page = (html.name, html.read_bytes()) if html else None
        plan = scaffold.new_source(title=title, url=url, html=page, existing=existing)
        for path in scaffold.create(plan, folder):
            _echo(f"created {path}")
        _echo(f"next: {plan.next_step}")


@main.command()
@_project_options
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def explain(root: Path, paths: tuple[Path, ...], **given: Path) -> None:
    """Say where each paragraph of an article goes and why: its page, the
    runner-up and the evidence (signals, similarity, corpus model, context).

    The corpus model is trained as ``generate`` trains it, on the sources
    (read through the cache) and on the articles named here."""
    with _errors():
        paths_ = Paths.of(root, **given)
        project = pipeline.load_data(paths_)
        problems: list[str] = []  # a broken source elsewhere does not stop the explanation of this one
        corpus = tuple(pipeline.find_sources(paths_.sources, root, problems)) if paths_.sources.is_dir() else ()
        project = pipeline.Project(corpus, project.config, project.rules, project.guides)
        inputs = [pipeline.source_input(path, root, paths_.sources) for path in paths]
        cache = runner.article_cache(paths_, machine_key(root), read_only=True)  # (as generate reads it: sealed)
        classifier, model = pipeline.corpus_model(project, cache, inputs)
        for note in runner.ignored_note(cache):
            _note(note)
        for source in inputs:
            item, lines = pipeline.explain(source, project, classifier, model)
            total = len(item.placements)
            where = "fits the topics" if fits(item, project.config.min_matched_share) else "own page"
            head = f"{item.article.path}: {where}: {speaking(item)} of {total} sentences speak to the topics"
            click.echo(chars.escaped(head))  # (the path as well: a name is shown, never obeyed)
            for line in lines:
                click.echo(chars.escaped(line))  # article text is shown, never obeyed


# Helper functions


def _echo(text: str) -> None:
    """One line on stderr, with control characters shown, never obeyed: a
    file name or a state file cannot send escape sequences to the terminal."""
    click.echo(chars.escaped(str(text)), err=True)


def _note(text: str) -> None:
    _echo(f"note: {text}")


def _boilerplate_lines(report: dict[str, Any], fresh: tuple[str, ...]) -> list[str]:
    """One line per new or changed article: what was removed as boilerplate."""
    wanted = set(fresh)
    articles = report.get("articles")
    return [
        f"{a.get('source')}: {a.get('boilerplate')}"
        for a in (articles if isinstance(articles, list) else [])
        if isinstance(a, dict) and a.get("source") in wanted and isinstance(a.get("boilerplate"), str)
    ]


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _progress(quiet: bool) -> Callable[[str], None] | None:
    """A progress line on a terminal for long runs; nothing in pipes or CI."""
    if quiet or not sys.stderr.isatty():
        return None
    count = 0

    def show(path: str) -> None:
        nonlocal count
        count += 1
        if count % 25 == 0:
            click.echo(f"\r{count} articles read ({chars.escaped(path)})\x1b[K", err=True, nl=False)

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
        _echo(f"error: {message}")
        sys.exit(1)


_ENDING = False  # set by run(): this process ends after the command


def run() -> None:
    """The command line as a process of its own (the ``explainer`` command,
    ``python -m explainer.cli``): :func:`main`, then the process ends at once,
    with the exit status :func:`sys.exit` gives, after its output is flushed.

    Python's own shutdown would free every object a run built, one by one,
    before the system takes the memory back anyway (see
    :func:`explainer.runner.generate`). Under a profiler or a tracer (cProfile,
    coverage), which write their results as Python shuts down, it ends as
    usual. Tests call :func:`main` instead."""
    global _ENDING
    if sys.getprofile() is not None or sys.gettrace() is not None:
        main()
        return
    _ENDING = True
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # as sys.exit("message") prints it
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a reader gone, or a closed stream: nothing more to say
            code = code or 1
    os._exit(code or 0)


if __name__ == "__main__":
    run()
