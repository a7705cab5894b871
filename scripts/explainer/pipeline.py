"""The pipeline in one place: ingest -> clean -> segment -> classify -> render.

:func:`build` is pure: source bytes and configuration in, pages and a report
out. Reading the project's files is :func:`load_project`'s job; writing them
is :mod:`explainer.write`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import claims, files
from . import config as config_loader
from . import guides as guide_pages
from .cache import ArticleCache, code_digest, stable_repr
from .cache import key as cache_key
from .classify import Classifier, Model, classify, classify_corpus, classify_sound, read_article, train, unsound
from .classify import explain as explain_lines
from .clean import BoilerplateMatcher, clean
from .dedupe import BINS, Duplicate, Signature, find_duplicates, shingles, signature
from .errors import ExplainerError
from .furniture import summary
from .ingest import FORMATS, SIDECAR_SUFFIXES, ingest, slug_for
from .model import ArticleEvidence, BoilerplateRules, ClassifiedArticle, Site, SiteConfig
from .pagecache import PageCache
from .paths import Paths
from .render import corpus, render_site
from .sections import fits, matched_share, speaking
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
    guides: guide_pages.GuideData = field(default_factory=guide_pages.GuideData)  # glossary, names, guides.yml


Progress = Callable[[str], None]
# An article, its paragraphs' evidence, its shingles' MinHash, and its sentences as claims reads them.
Processed = tuple[ArticleEvidence, Signature, claims.Reading]


def build(
    project: Project,
    progress: Progress | None = None,
    cache: ArticleCache | None = None,
    page_cache: PageCache | None = None,
) -> Site:
    """Turn every source into pages; fail before any page if one is bad.

    ``cache`` (optional) keeps each article's processed form between runs,
    ``page_cache`` the pages (rendered only when what they show changed);
    the pages are the same with or without them."""
    if not project.sources:
        raise ExplainerError("no articles found: add a .txt, .md or .html file to the sources folder")
    seen: dict[str, str] = {}
    for source in project.sources:
        slug = slug_for(source.path)
        if slug in seen:
            raise ExplainerError(f"same slug {slug!r} as {seen[slug]}", path=source.path)
        seen[slug] = source.path
    work = _Work(project)
    processed, duplicates, classified = work.corpus(project.sources, cache, progress)
    if page_cache is not None:
        salt = cache_key(code_digest(), *map(stable_repr, (project.config, project.rules, project.guides)))
        page_cache.prepare(salt, {slug_for(path): name for path, name in work.keys.items()}, classified)
    # The Timeline first: the home page tells the story.
    events = guide_pages.timeline_of(classified, project.config, project.guides, page_cache)
    readings = {e.article.slug: reading for e, _, reading in processed}
    site = corpus(classified, project.config, events.events, project.guides.rules, readings, page_cache)
    pages = render_site(site, cache=page_cache)
    # Glossary, Who's who (and the Timeline's pages).
    guides = guide_pages.build(classified, project.config, pages, project.guides, events, page_cache)
    pages = tuple(sorted((*pages, *guides.pages), key=lambda p: p.path))
    labels = work.boilerplate.furniture.labels
    data = {**report(classified, project.config, duplicates, labels), **guides.report}
    data["claims"] = claims.report(site.counts)  # what the topic pages state once: see explainer.claims
    return Site(pages, data, guides.includes, fresh=tuple(work.fresh), articles=tuple(classified))


class _Work:
    """Ingest, clean, segment and read one source's evidence; cached by content hash."""

    def __init__(self, project: Project):
        self.project = project
        self.boilerplate = BoilerplateMatcher(project.rules)
        self.classifier = classifier(project)
        # The glossary and names lend their aliases to the signals: they count too.
        aliases = stable_repr(sorted(self.classifier.aliases.items()))
        self._salt = cache_key(code_digest(), stable_repr(project.config), stable_repr(project.rules), aliases)
        self.fresh: list[str] = []  # sources computed in this run, not taken from the cache: new or changed
        self.keys: dict[str, str] = {}  # source path -> the key of its result (what pages are keyed by)

    def run(self, source: SourceInput) -> Processed:
        document = ingest(source.path, source.data, source.sidecar)
        article = segment(clean(document, self.boilerplate))
        return read_article(article, self.classifier), signature(shingles(article)), claims.read(article)

    def corpus(
        self, sources: Sequence[SourceInput], cache: ArticleCache | None, progress: Progress | None
    ) -> tuple[list[Processed], list[Duplicate], list[ClassifiedArticle]]:
        """Every source's result (:meth:`run_all`), the duplicates among them,
        and the others classified: the corpus-level pass, cheap arithmetic on
        the cached evidence, every run.

        Cached evidence is checked by the arrays that classify it (one pass,
        not a check and then the pass): when some does not add up, which only
        a forged cache gives, the run starts over as :meth:`run_all` with its
        check, and reads those articles again."""
        processed = self.run_all(sources, cache, progress, checked=cache is None)
        duplicates = find_duplicates([(e.article, mins) for e, mins, _ in processed])
        dropped = {d.source for d in duplicates}
        kept = [e for e, _, _ in processed if e.article.path not in dropped]
        classified = classify_sound(kept, self.classifier) if cache is not None else None
        if classified is not None and not unsound(
            [e for e, _, _ in processed if e.article.path in dropped], self.classifier
        ):
            return processed, duplicates, classified
        if cache is not None:
            fresh = set(self.fresh)
            self.fresh = []
            processed = self.run_all(sources, cache, None)
            fresh.update(self.fresh)
            self.fresh = [s.path for s in sources if s.path in fresh]
            duplicates = find_duplicates([(e.article, mins) for e, mins, _ in processed])
            dropped = {d.source for d in duplicates}
        classified = classify_corpus([e for e, _, _ in processed if e.article.path not in dropped], self.classifier)
        return processed, duplicates, classified

    def run_all(
        self,
        sources: Sequence[SourceInput],
        cache: ArticleCache | None,
        progress: Progress | None,
        *,
        checked: bool = True,
    ) -> list[Processed]:
        """Every source's result, in order: from the cache, else computed (their
        paths are added to :attr:`fresh`). A cached entry whose evidence does
        not add up counts as missing; ``checked=False`` leaves that check to
        the caller (:meth:`corpus`; signatures are checked either way).

        (Worker processes were tried: on two cores, shipping the results back
        cost more than they saved.)"""
        names = []
        for source in sources:
            if progress:
                progress(source.path)
            side = source.sidecar or ("", b"")
            names.append(cache_key(self._salt, source.path, source.data, side[0], side[1]))
            self.keys[source.path] = names[-1]
        # (type-checked on load: a bad entry counts as missing)
        results: list[Processed | None] = cache.get_many(names) if cache is not None else [None] * len(names)
        if cache is not None:
            self._drop_unsound(results, names, cache, checked)
        for i, result in enumerate(results):
            if result is None:
                results[i] = result = self.run(sources[i])
                self.fresh.append(sources[i].path)
                if cache is not None:
                    cache.put(names[i], result)
        return [r for r in results if r is not None]

    def _drop_unsound(
        self, results: list[Processed | None], names: Sequence[str], cache: ArticleCache, evidence: bool = True
    ) -> None:
        """Well-typed entries that do not add up (only a forged cache gives them)
        count as missing: the article is read again, and the run says so.
        (``evidence=False``: their signatures only.)"""
        cached = [i for i, result in enumerate(results) if result is not None]
        entries = [results[i] for i in cached]
        bad = set(unsound([e[0] for e in entries if e is not None], self.classifier)) if evidence else set()
        bad |= {k for k, e in enumerate(entries) if e is not None and not _sound_signature(e[1])}
        for k in sorted(bad):
            results[cached[k]] = None
            cache.refuse(names[cached[k]])


def _sound_signature(signature: Signature) -> bool:
    return len(signature) == BINS


def placement_lines(data: dict[str, Any], fresh: Sequence[str], config: SiteConfig) -> list[str]:
    """One line per article read in this run (``fresh``), from the report:
    "sources/x.txt -> Crackdown measures 9, Legal outlook 3", or for one that
    does not fit, "own page: 2 of 31 sentences speak to the topics"."""
    titles = {t.slug: t.title for t in config.topics}
    wanted = set(fresh)
    lines = []
    for entry in data.get("articles", []):
        if entry["source"] not in wanted:
            continue
        if entry["shown_on"] == "topics":
            counts = sorted(((n, slug) for slug, n in entry["topics"].items() if n), key=lambda c: -c[0])
            where = ", ".join(f"{titles[slug]} {n}" for n, slug in counts)
        else:
            where = f"own page: {entry['speaking']} of {entry['sentences']} sentences speak to the topics"
            if not entry.get("names_subject", True):
                where += ", and it does not name the subject"
        lines.append(f"{entry['source']} -> {where}")
    return lines


def classifier(project: Project) -> Classifier:
    """The project's classifier: its topics, with the glossary's and Who's who's
    aliases of their signals."""
    guides = project.guides
    groups = [term.forms for term in guides.glossary] + [(n.name, *n.aliases) for n in guides.names.names]
    return Classifier(project.config, groups)


def fingerprint(project: Project) -> str:
    """One hash of everything a run reads: code, configuration and every source."""
    parts: list[bytes | str] = [code_digest(), *map(stable_repr, (project.config, project.rules, project.guides))]
    for source in project.sources:
        side = source.sidecar or ("", b"")
        parts += [source.path, source.data, side[0], side[1]]
    return cache_key(*parts)


def report(
    classified: Sequence[ClassifiedArticle],
    config: SiteConfig,
    duplicates: Sequence[Duplicate] = (),
    labels: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, object]:
    """The machine-readable account of a run: counts, removed lines, duplicates."""
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
                "matched_share": round(matched_share(item), 3),
                "speaking": speaking(item),
                "names_subject": item.names_subject,
                "shown_on": "topics" if fits(item, config.min_matched_share) else f"articles/{item.article.slug}.md",
                "removed": [
                    {"line": r.line, "text": r.text, "kind": r.kind, "rule": r.rule} for r in item.article.removed
                ],
                "boilerplate": summary([(r.kind, r.text) for r in item.article.removed], labels or {}),
            }
        )
    return {
        "articles": articles,
        "duplicates": [
            {"source": d.source, "duplicate_of": d.duplicate_of, "similarity": d.similarity} for d in duplicates
        ],
    }


# Reading the project


def find_sources(folder: Path, root: Path, problems: list[str] | None = None) -> list[SourceInput]:
    """Article files of ``folder`` in sorted order, each with its sidecar.

    Paths are given relative to ``root`` (the project), so that pages and the
    report name them the same way on every machine. Anything in the folder
    that is not a regular file inside the project (a folder, a FIFO, a link
    leading outside) is refused, and so is a metadata file that would be
    silently ignored (``.YML``, or a ``.yaml`` beside a ``.yml``). With
    ``problems``, every refusal is added to it and the rest is still read;
    without, the first one is raised."""

    def refuse(error: ExplainerError) -> None:
        if problems is None:
            raise error
        problems.append(str(error))

    if not folder.is_dir():
        raise ExplainerError("sources folder not found", path=str(folder))
    files.check_inside(folder, root)
    files.check_project_folder(folder, root, "reads", display_path(folder, root))
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    articles: dict[str, Path] = {}
    sidecars: dict[str, list[Path]] = {}
    for path in entries:
        shown = display_path(path, root)
        try:
            files.check_name(path.name, shown)
            files.check_inside(path, root)
            files.check_within(path, folder, shown)
            kind = files.kind_of(path)
            if kind is not None:
                raise ExplainerError(f"is {kind}, not an article file: refused (sources/ holds files only)", path=shown)
        except ExplainerError as error:
            refuse(error)
            continue
        suffix = path.suffix.casefold()
        if suffix in SIDECAR_SUFFIXES:
            sidecars.setdefault(path.stem, []).append(path)
        elif path.stem.casefold() != "readme":
            articles[path.name] = path
    stems = {p.stem for p in articles.values() if p.suffix.casefold() in FORMATS}
    chosen: dict[str, Path] = {}
    for stem, found in sorted(sidecars.items()):
        try:
            if stem not in stems:
                raise ExplainerError("metadata file has no article of the same name beside it", path=str(found[0]))
            if len(found) > 1:
                names = " and ".join(p.name for p in found)
                raise ExplainerError(f"two metadata files for one article ({names}): keep one", path=str(found[0]))
            if found[0].suffix not in SIDECAR_SUFFIXES:
                raise ExplainerError(
                    f"metadata file must end in .yml or .yaml, in lower case (not {found[0].suffix!r})",
                    path=str(found[0]),
                )
            chosen[stem] = found[0]
        except ExplainerError as error:
            refuse(error)
    inputs = []
    for name in sorted(articles):
        path = articles[name]
        try:
            data = files.read_bytes(path, root, files.MAX_SOURCE_BYTES)
            side = chosen.get(path.stem)
            sidecar = (display_path(side, root), files.read_bytes(side, root, files.MAX_DATA_BYTES)) if side else None
        except ExplainerError as error:
            refuse(error)
            continue
        inputs.append(SourceInput(display_path(path, root), data, sidecar))
    return inputs


def load(paths: Paths) -> Project:
    """Read the sources and data files that :func:`build` needs."""
    return replace(load_data(paths), sources=tuple(find_sources(paths.sources, paths.root)))


def load_data(paths: Paths) -> Project:
    """The data files only (no sources): enough to read and classify one article."""
    root = paths.root
    return Project(
        sources=(),
        config=config_loader.load_topics(
            files.read_text(paths.topics, root), str(paths.topics), edit_path=paths.shown(paths.topics)
        ),
        rules=config_loader.load_boilerplate(files.read_text(paths.boilerplate, root), str(paths.boilerplate)),
        guides=guides_for(paths),
    )


def load_project(root: Path, sources: Path, topics: Path, boilerplate: Path) -> Project:
    """:func:`load` of the project at ``root`` with these inputs (and the default data files)."""
    return load(Paths.of(root, sources=sources, topics=topics, boilerplate=boilerplate))


def guides_for(paths: Paths) -> guide_pages.GuideData:
    """The glossary, names and guides files (each optional)."""
    return guide_pages.load(
        glossary=optional_text(paths.glossary, paths.root),
        names=optional_text(paths.names, paths.root),
        rules=optional_text(paths.guides, paths.root),
        edit_paths=(paths.shown(paths.glossary), paths.shown(paths.names)),
    )


def source_input(path: Path, root: Path, sources: Path | None = None) -> SourceInput:
    """One article file (and its sidecar) read as :func:`find_sources` reads
    them (a file of the ``sources`` folder, root/sources by default, by its rules)."""
    path = path if path.is_absolute() else root / path
    files.check_name(path.name, display_path(path, root))
    sources = sources or root / "sources"
    if path.parent.absolute() == sources.absolute():  # (as find_sources reads it: a link only to a file of sources/)
        files.check_inside(path, root)
        files.check_within(path, sources, display_path(path, root))
    if not path.is_file() or path.suffix.casefold() not in FORMATS:
        raise ExplainerError("no such article file (.txt, .md or .html)", path=display_path(path, root))
    data = files.read_bytes(path, root, files.MAX_SOURCE_BYTES)
    side = next((path.with_suffix(s) for s in SIDECAR_SUFFIXES if path.with_suffix(s).is_file()), None)
    sidecar = (display_path(side, root), files.read_bytes(side, root, files.MAX_DATA_BYTES)) if side else None
    return SourceInput(display_path(path, root), data, sidecar)


def corpus_model(
    project: Project, cache: ArticleCache | None = None, extra: Sequence[SourceInput] = ()
) -> tuple[Classifier, Model]:
    """The classifier and the corpus model a build of the project's sources
    (and of ``extra``, as if they were among them) would place paragraphs
    with. A source that cannot be read is left out: this is for ``explain``,
    which must work on one article while another is broken."""
    work = _Work(project)
    known = {s.path for s in project.sources}
    processed = []
    for source in [*project.sources, *(e for e in extra if e.path not in known)]:
        try:
            processed += work.run_all([source], cache, None)
        except ExplainerError:
            continue
    dropped = {d.source for d in find_duplicates([(e.article, mins) for e, mins, _ in processed])}
    return work.classifier, train([e for e, _, _ in processed if e.article.path not in dropped], work.classifier)


def explain(
    source: SourceInput, project: Project, classifier_: Classifier, model: Model | None = None
) -> tuple[ClassifiedArticle, list[str]]:
    """One article, classified (with the corpus ``model`` if given), and the
    lines that explain each placement."""
    document = ingest(source.path, source.data, source.sidecar)
    evidence = read_article(segment(clean(document, BoilerplateMatcher(project.rules))), classifier_)
    return classify(evidence, classifier_, model), explain_lines(evidence, classifier_, model)


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside, POSIX style: by its own
    name (a link's name, not its target's: the name is what was checked)."""
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def optional_text(path: Path, root: Path) -> tuple[str, str] | None:
    """A data file's text and path, or None when the project has no such file."""
    if not path.exists() and not path.is_symlink():
        return None
    return files.read_text(path, root), str(path)
