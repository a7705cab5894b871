"""Many articles: topic pages grouped by article, newest first; one Source page
each; adding, editing or removing an article rewrites only the pages it
touches; near-duplicates are reported and shown once; the cache changes no
output and a run with nothing changed touches nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from explainer import render
from explainer.cache import ArticleCache
from explainer.dedupe import find_duplicates, shingles, signature
from explainer.model import Article
from explainer.pipeline import Processed, Project, build, load_project
from tests.helpers import FIXTURES, mkdocs_build, snapshot

FITTING = ("fits-mining-rules.txt", "fits-court-ruling.md", "fits-yuan-pilot.txt")
TOPICS = ("background.md", "crackdown-measures.md", "ip-tracking.md", "legal-outlook.md", "digital-yuan.md")


def _add(project: Path, *names: str) -> None:
    for name in names:
        shutil.copy(FIXTURES / name, project / "sources" / name)


def _generate(project: Path, run_cli: Callable[..., Result]) -> tuple[Result, dict[str, object]]:
    result = run_cli("generate", "--root", project, "--report", project / "report.json")
    assert result.exit_code == 0, result.output
    return result, json.loads((project / "report.json").read_text(encoding="utf-8"))


def _mtimes(docs: Path) -> dict[str, int]:
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}


def _changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def _groups(page: Path) -> list[str]:
    """Article slugs of a topic page's groups, in page order."""
    return re.findall(r"^## From .*\{ #from-([a-z0-9-]+) \}$", page.read_text(encoding="utf-8"), re.M)


def test_topic_pages_group_sentences_by_article_newest_first(project: Path, run_cli: Callable[..., Result]) -> None:
    _add(project, *FITTING)
    _, report = _generate(project, run_cli)
    docs = project / "docs"
    # 2023, 2022, then the undated ones by title ("Digital Yuan..." before "Here's Why...").
    assert _groups(docs / "legal-outlook.md")[:2] == ["fits-court-ruling", "fits-mining-rules"]
    assert _groups(docs / "digital-yuan.md") == ["fits-mining-rules", "fits-yuan-pilot", "china-crypto-crackdown"]
    for topic in TOPICS:
        slugs = _groups(docs / topic)
        assert len(slugs) == len(set(slugs)), topic  # one group per article
    legal = (docs / "legal-outlook.md").read_text(encoding="utf-8")
    assert "## From “Court Rules Home Mining Rig Seizure Was Legal” { #from-fits-court-ruling }" in legal
    assert (
        "Quoted from [Court Rules Home Mining Rig Seizure Was Legal, Sample Courts Desk (fiction, for tests),"
        " 1 August 2023](sources/fits-court-ruling.md)"
    ) in legal
    home = (docs / "index.md").read_text(encoding="utf-8")
    sources = (docs / "sources/index.md").read_text(encoding="utf-8")
    for slug in ("china-crypto-crackdown", "fits-mining-rules", "fits-court-ruling", "fits-yuan-pilot"):
        assert f"](sources/{slug}.md)" in home
        assert f"]({slug}.md)" in sources
        assert (docs / "sources" / f"{slug}.md").exists()
    assert home.index("fits-court-ruling") < home.index("fits-mining-rules") < home.index("fits-yuan-pilot")
    assert [a["shown_on"] for a in report["articles"]] == ["topics"] * 4  # type: ignore[index]
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    built = (project / "site/legal-outlook/index.html").read_text(encoding="utf-8")
    assert 'href="../sources/fits-court-ruling/#p2"' in built


def test_fitting_and_off_topic_articles_live_side_by_side(project: Path, run_cli: Callable[..., Result]) -> None:
    _add(project, "fits-mining-rules.txt", "river-restoration.md")
    _, report = _generate(project, run_cli)
    shown = {a["slug"]: a["shown_on"] for a in report["articles"]}  # type: ignore[index]
    assert shown == {
        "china-crypto-crackdown": "topics",
        "fits-mining-rules": "topics",
        "river-restoration": "articles/river-restoration.md",
    }
    docs = project / "docs"
    topic_text = "".join((docs / t).read_text(encoding="utf-8") for t in TOPICS)
    assert "tannery" not in topic_text  # the topic pages stay about their topics
    assert "Articles: articles" in (docs / ".nav.yml").read_text(encoding="utf-8")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr


def test_adding_editing_and_removing_an_article_touch_only_its_pages(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    docs = project / "docs"
    _add(project, "fits-mining-rules.txt", "harbour-lantern-festival.txt")
    _generate(project, run_cli)
    others = {"timeline.md", "glossary.md", "whos-who.md"}  # pages built from every article's dates and names

    # Adding an off-topic article: its own two pages, the home page and the Sources list.
    before = _mtimes(docs)
    _add(project, "river-restoration.md")
    _generate(project, run_cli)
    changed = _changed(before, _mtimes(docs))
    mine = {"index.md", "sources/index.md", "sources/river-restoration.md", "articles/river-restoration.md"}
    assert mine <= changed <= mine | others, changed

    # Adding a fitting article: also the topic pages it has sentences on, and no other.
    before = _mtimes(docs)
    _add(project, "fits-court-ruling.md")
    _, report = _generate(project, run_cli)
    entry = next(a for a in report["articles"] if a["slug"] == "fits-court-ruling")  # type: ignore[index]
    touched = {f"{t}.md" for t, n in entry["topics"].items() if n}
    changed = _changed(before, _mtimes(docs))
    mine = {"index.md", "sources/index.md", "sources/fits-court-ruling.md", *touched}
    assert mine <= changed <= mine | others, changed
    assert touched and touched < set(TOPICS)

    # Editing one paragraph: its Source page and the topic page quoting it.
    before = _mtimes(docs)
    path = project / "sources/fits-court-ruling.md"
    path.write_text(path.read_text(encoding="utf-8").replace("an appeal would follow", "an appeal was likely"))
    _generate(project, run_cli)
    changed = _changed(before, _mtimes(docs))
    assert {"sources/fits-court-ruling.md", "legal-outlook.md"} <= changed
    assert not changed & {"sources/fits-mining-rules.md", "sources/river-restoration.md", "digital-yuan.md"}

    # Removing an article: its pages go; the other articles' pages stay as they were.
    before = _mtimes(docs)
    (project / "sources/harbour-lantern-festival.txt").unlink()
    _generate(project, run_cli)
    after = _mtimes(docs)
    assert "articles/harbour-lantern-festival.md" not in after
    assert "sources/harbour-lantern-festival.md" not in after
    changed = _changed(before, after)
    assert changed - others == {
        "index.md",
        "sources/index.md",
        "articles/harbour-lantern-festival.md",
        "sources/harbour-lantern-festival.md",
    }
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr


def _syndicated_copy(project: Path) -> Path:
    """The court story as a second outlet runs it: new headline, byline and date,
    curly quotes and one word changed."""
    text = (FIXTURES / "fits-court-ruling.md").read_text(encoding="utf-8")
    body = text.split("---", 2)[2].replace("# Court Rules Home Mining Rig Seizure Was Legal", "")
    body = body.replace("owner's", "owner\u2019s").replace("Tuesday", "Tuesday morning")
    copy = project / "sources" / "court-story-copy.md"
    copy.write_text(
        "---\ntitle: Judge Backs Police Over Seized Mining Rig\npublisher: Another Sample Paper\n"
        f"published: 2023-08-03\n---\n# Judge Backs Police Over Seized Mining Rig\n{body}",
        encoding="utf-8",
    )
    return copy


def test_a_syndicated_copy_is_reported_and_shown_once(project: Path, run_cli: Callable[..., Result]) -> None:
    _add(project, "fits-court-ruling.md", "fits-mining-rules.txt")
    _syndicated_copy(project)
    result, report = _generate(project, run_cli)
    (dup,) = report["duplicates"]  # type: ignore[misc]
    assert dup["source"] == "sources/court-story-copy.md"
    assert dup["duplicate_of"] == "sources/fits-court-ruling.md"  # the earlier one is kept
    assert 0.8 <= dup["similarity"] < 1
    assert "note: sources/court-story-copy.md repeats sources/fits-court-ruling.md" in result.stderr
    docs = project / "docs"
    assert not (docs / "sources/court-story-copy.md").exists()
    assert "court-story-copy" not in (docs / "index.md").read_text(encoding="utf-8")
    topic_text = "".join((docs / t).read_text(encoding="utf-8") for t in TOPICS if (docs / t).exists())
    assert topic_text.count("the judge said the electricity used was obtained illegally") == 1
    # The note comes again on a run with nothing changed (from the cached report).
    again = run_cli("generate", "--root", project)
    assert "repeats sources/fits-court-ruling.md" in again.stderr


def test_dedupe_keeps_the_earliest_whatever_the_order(project: Path) -> None:
    _add(project, "fits-court-ruling.md", "fits-mining-rules.txt", "fits-yuan-pilot.txt")
    _syndicated_copy(project)
    loaded = load_project(
        project, project / "sources", project / "config/topics.yml", project / "config/boilerplate.yml"
    )
    site = build(loaded)
    assert len(site.report["duplicates"]) == 1  # type: ignore[arg-type]
    # Different stories on the same subject are not duplicates, in any order.
    from explainer.clean import BoilerplateMatcher, clean
    from explainer.ingest import ingest
    from explainer.segment import segment

    matcher = BoilerplateMatcher(loaded.rules)
    articles = [segment(clean(ingest(s.path, s.data, s.sidecar), matcher)) for s in loaded.sources]
    items = [(a, signature(shingles(a))) for a in articles]
    asked: list[str] = []

    def shingled(article: Article) -> frozenset[int]:
        asked.append(article.path)
        return shingles(article)

    forward = find_duplicates(items, shingled)
    assert find_duplicates(items[::-1]) == forward
    assert [(d.source, d.duplicate_of) for d in forward] == [
        ("sources/court-story-copy.md", "sources/fits-court-ruling.md")
    ]
    # Only the pair that shares a band is read again for the exact comparison: the
    # cache keeps 32 numbers per article, not its shingles.
    assert sorted(set(asked)) == ["sources/court-story-copy.md", "sources/fits-court-ruling.md"]


def test_the_cache_changes_no_output(project: Path, tmp_path: Path) -> None:
    _add(project, "fits-mining-rules.txt", "river-restoration.md")
    loaded = load_project(
        project, project / "sources", project / "config/topics.yml", project / "config/boilerplate.yml"
    )
    plain = build(loaded)
    cache = ArticleCache(tmp_path / "cache", Processed)
    first = build(loaded, cache=cache)  # fills the cache
    entries = sorted((tmp_path / "cache").glob("*.json"))
    assert len(entries) == 3
    for entry in entries:  # served from it, not computed again: a changed entry shows on the page
        entry.write_text(
            entry.read_text(encoding="utf-8").replace("small rigs run from homes", "small rigs run from caves"), "utf-8"
        )
    changed = build(loaded, cache=cache)
    assert any("small rigs run from caves" in p.content for p in changed.pages) and cache.ignored == 0
    for entry in entries:
        entry.write_text(
            entry.read_text(encoding="utf-8").replace("small rigs run from caves", "small rigs run from homes"), "utf-8"
        )
    second = build(loaded, cache=cache)
    assert plain.pages == first.pages == second.pages
    assert plain.report == second.report


def test_the_cache_keeps_evidence_and_the_corpus_model_is_trained_every_run(project: Path, tmp_path: Path) -> None:
    """The per-article cache holds each article's evidence, not its
    placements: the corpus model is trained on every article in each run, so
    a cached article is placed as a cold run places it, whatever was added since."""
    _add(project, "fits-mining-rules.txt")

    def load() -> Project:
        return load_project(
            project, project / "sources", project / "config/topics.yml", project / "config/boilerplate.yml"
        )

    cache = ArticleCache(tmp_path / "cache", Processed)
    build(load(), cache=cache)  # two articles in the cache
    _add(project, "fits-court-ruling.md", "fits-yuan-pilot.txt")
    warm = build(load(), cache=cache)  # two from the cache, two read afresh
    assert sorted(warm.fresh) == ["sources/fits-court-ruling.md", "sources/fits-yuan-pilot.txt"]
    cold = build(load())
    assert warm.pages == cold.pages and warm.report == cold.report
    assert [a.placements for a in warm.articles] == [a.placements for a in cold.articles]


def test_a_run_with_nothing_changed_touches_nothing(project: Path, run_cli: Callable[..., Result]) -> None:
    _add(project, "fits-mining-rules.txt")
    _generate(project, run_cli)
    docs = project / "docs"
    before, content = _mtimes(docs), snapshot(docs)
    result, _ = _generate(project, run_cli)
    assert "nothing changed since the last run" in result.stderr
    assert _mtimes(docs) == before and snapshot(docs) == content

    # A hand edit to a generated page is noticed and undone, cache or not.
    page = docs / "legal-outlook.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nvandalised\n", encoding="utf-8")
    result, _ = _generate(project, run_cli)
    assert "nothing changed" not in result.stderr
    assert snapshot(docs) == content

    # So is a change to the configuration.
    topics = project / "config/topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("title: Legal outlook", "title: The law"))
    _generate(project, run_cli)
    assert "# The law" in page.read_text(encoding="utf-8")


def test_beyond_the_limit_the_navigation_groups_sources_by_year(
    project: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many articles: a page's navigation links its own year's articles, not
    every article (which would make the build quadratic); still strict."""
    monkeypatch.setattr(render, "NAV_LIST_LIMIT", 2)
    _add(project, *FITTING, "river-restoration.md")
    _generate(project, run_cli)
    nav = (project / "docs/.nav.yml").read_text(encoding="utf-8")
    assert '    - "2023":\n      - sources/fits-court-ruling.md\n      - sources/river-restoration.md\n' in nav
    assert '    - "Undated":\n      - sources/fits-yuan-pilot.md\n      - sources/china-crypto-crackdown.md\n' in nav
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    page = (project / "site/sources/fits-court-ruling/index.html").read_text(encoding="utf-8")
    primary = page[page.index("md-nav--primary") : page.index("md-content")]
    assert "river-restoration/" in primary  # same year
    # Another year shows as one link (to its first page), not as its list of pages.
    assert "fits-yuan-pilot/" in primary and "china-crypto-crackdown/" not in primary
    index = (project / "site/sources/index.html").read_text(encoding="utf-8")
    for slug in ("fits-mining-rules", "fits-court-ruling", "fits-yuan-pilot", "river-restoration"):
        assert f'href="{slug}/"' in index


def test_nothing_changed_is_recognised_across_processes(project: Path) -> None:
    """Each run is a new process with its own string-hash salt: the inputs'
    fingerprint must not depend on it (sets in the configuration are sorted)."""
    _add(project, "fits-mining-rules.txt")
    command = [sys.executable, "-m", "explainer.cli", "generate", "--root", str(project)]
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(project / "scripts")}
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
        outputs.append(done.stderr)
    assert "nothing changed" not in outputs[0]
    assert "nothing changed since the last run" in outputs[1]
