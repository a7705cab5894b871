"""One edge for the disk: the project's paths, and the generate/check pair
that the command line and the MkDocs preview hook both call.

Reading the project (:func:`pipeline.load_project`), building it in memory
(:func:`pipeline.build`), planning and writing (:mod:`explainer.write`) are
spelled here once, with the run lock and the journal in the state folder.
"""

from __future__ import annotations

import gc
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import pipeline, write
from .cache import ArticleCache, RunCache, collector_paused
from .errors import ExplainerError
from .model import Page
from .pagecache import PageCache
from .paths import Paths
from .pipeline import Processed, Progress, Project, build, fingerprint, placement_lines
from .seal import machine_key


@dataclass(frozen=True)
class Outcome:
    """What a run did, for the CLI or the hook to tell."""

    summary: str
    report: dict[str, Any]
    changed: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    fresh: tuple[str, ...] = ()  # sources processed in this run (new or changed since the cache)
    placed: tuple[str, ...] = ()  # a line per article read in this run: where it went


def load(paths: Paths) -> Project:
    return pipeline.load(paths)


# What a run built, kept by a process that ends after it (see :func:`generate`).
_LEFT_TO_THE_SYSTEM: list[object] = []


def article_cache(paths: Paths, key: bytes | None, *, read_only: bool = False) -> ArticleCache:
    """The cache of read articles in the state folder, sealed with ``key``
    (this clone's: :func:`explainer.seal.machine_key`); refused when the
    state folder is, or sits in, a link (it is read and written there).
    ``read_only``: for a command that does not save the cache (``explain``):
    an entry written without its seal would be refused by the next run."""
    write.check_state_folder(paths.state)
    return ArticleCache(paths.state / "articles", Processed, key, read_only=read_only)


def ignored_note(cache: ArticleCache) -> list[str]:
    """The note a run gives when some cache entries were not valid."""
    return [f"{cache.folder}: {cache.ignored} cache entries were not valid: ignored"] if cache.ignored else []


def generate(
    paths: Paths,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    *,
    ending: bool = False,
) -> Outcome:
    """Build every page and write the ones that changed, all or nothing.

    A second run at the same time waits for the first (the run lock). When
    neither the inputs nor the output folders changed since the last run, it
    stops before building anything.

    ``ending``: the process ends right after this run (the command line, see
    :func:`explainer.cli.run`). What the run built is then kept, out of the
    cycle collector's sight, for the system to take back with the process,
    rather than freed object by object: a third of a second at 1,000
    articles, all of it spent after the pages are written."""
    notes: list[str] = []
    with write.run_lock(paths.state, wait=lock_wait(), on_wait=on_wait):
        write.check_outputs(paths.root, paths.outputs)  # (in the lock: a link swapped in while a run waits)
        notes += write.recover((paths.docs, paths.includes), paths.state)
        project = load(paths)
        runs, inputs = RunCache(paths.state), fingerprint(project)
        data = runs.unchanged(inputs, paths.outputs)
        if data is not None:
            pages = data.pop("pages", None)
            summary = f"0 written, 0 removed, {pages} unchanged (nothing changed since the last run)"
            return Outcome(summary, data, (), tuple(notes))
        # The cycle collector waits for the end of the run: what a build makes
        # is trees and tables (no cycles worth finding while it runs), and each
        # pass walks the whole corpus in memory, over a second at 1,000 articles.
        # The corpus is let go before it resumes, so its first pass does not
        # walk a heap that is about to be freed anyway.
        with collector_paused():
            key = machine_key(paths.root)  # (a clone's: what this machine made is sealed with it)
            cache = article_cache(paths, key)
            page_cache = PageCache(paths.state, paths.docs, key=key)
            site = build(project, progress, cache, page_cache)
            notes += ignored_note(cache)
            notes += page_cache.notes
            others = {paths.includes: site.includes}
            plan = write.plan(site.pages, paths.docs, others, read=page_cache.read)
            notes += write.apply(plan, paths.state)
            page_cache.save()
            cache.save()
            report = {**site.report, "taken_over": list(plan.taken_over)}
            pages = len(plan.writes) + len(plan.unchanged)
            left = _left(plan, site.pages, others, page_cache.digest)
            runs.record(inputs, paths.outputs, {**report, "pages": pages}, left)
            report["page_cache"] = {"rendered": page_cache.rendered, "reused": page_cache.hits}  # this run's only
            summary = f"{len(plan.writes)} written, {len(plan.deletes)} removed, {len(plan.unchanged)} unchanged"
            placed = tuple(placement_lines(report, site.fresh, project.config))
            outcome = Outcome(summary, report, plan.changed, tuple(notes), site.fresh, placed)
            if ending:
                _LEFT_TO_THE_SYSTEM.append((site, plan, cache, page_cache, project, others))
                gc.freeze()  # (before the collector resumes: it would walk all of it once)
            del site, plan, cache, page_cache, project, others
        return outcome


def _left(
    plan: write.Plan,
    pages: Sequence[Page],
    others: Mapping[Path, Sequence[Page]],
    digest: Callable[[Page], str],
) -> dict[Path, str]:
    """The SHA-256 (by ``digest``) of every file ``plan`` (of ``pages``, and
    ``others`` by folder) wrote or found unchanged, by path: not a person's
    file it left alone."""
    left: dict[Path, str] = {}
    for root, part in [(plan.folder, plan), *plan.others]:
        by_path = {page.path: page for page in (pages if part is plan else others[root])}
        for path in [*(page.path for page in part.writes), *part.unchanged]:
            left[root / path] = digest(by_path[path])
    return left


def lock_wait() -> float:
    """Seconds a second run waits for the first: EXPLAINER_LOCK_WAIT, else 120."""
    try:
        wait = float(os.environ.get("EXPLAINER_LOCK_WAIT", write.LOCK_WAIT))
    except ValueError:
        raise ExplainerError("EXPLAINER_LOCK_WAIT must be a number of seconds") from None
    return wait if math.isfinite(wait) and wait >= 0 else write.LOCK_WAIT


def check(paths: Paths) -> write.Plan:
    """The plan a run would carry out (empty when docs/ is up to date).

    Never reads the cache: what CI checks is built from the sources alone."""
    write.check_outputs(paths.root, paths.outputs)
    with collector_paused():
        site = build(load(paths))
    return write.plan(site.pages, paths.docs, {paths.includes: site.includes})


__all__ = ["ExplainerError", "Outcome", "Paths", "check", "generate", "load"]
