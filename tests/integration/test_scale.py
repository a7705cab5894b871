"""Many sources, one readable site: with 150 made-up articles (the benchmark's
generator), topic pages keep their newest articles and move the rest to year
pages, nothing is lost, no page passes 300 KB, and the home page tells the
story from many articles."""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from explainer import pipeline, topicpages
from explainer.mdtext import literal
from explainer.paths import Paths
from explainer.render import corpus
from tests.helpers import load_script, mkdocs_build

ARTICLES = 150
MAX_PAGE = 300 * 1024


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    benchmark = load_script("dev/benchmark.py")
    project = benchmark.make_project(tmp_path_factory.mktemp("scale") / "project", 0)
    rng = random.Random(11)
    for number in range(ARTICLES):
        (project / "sources" / f"report-{number:03d}.txt").write_text(benchmark.article(rng, number), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def generated(many: Path) -> Path:
    from click.testing import CliRunner

    from explainer.cli import main

    result = CliRunner().invoke(main, ["generate", "--root", str(many), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return many


_QUOTED = re.compile(r"^\s*(.*?) \[¶\d+\]\((?:\.\./)?sources/([a-z0-9-]+)\.md#p\d+\)", re.M)


def _quoted(pages: list[Path]) -> dict[str, str]:
    """Each article's quoted text on these pages (excerpts and key points), by slug."""
    found: dict[str, list[str]] = {}
    for page in pages:
        for text, slug in _QUOTED.findall(page.read_text(encoding="utf-8")):
            found.setdefault(slug, []).append(text)
    return {slug: "\n".join(texts) for slug, texts in found.items()}


def test_large_topics_are_split_by_year_and_nothing_is_lost(generated: Path) -> None:
    docs = generated / "docs"
    project = pipeline.load(Paths.of(generated))
    groups = corpus(pipeline.build(project).articles, project.config).groups
    split = [slug for slug in groups if (docs / slug).is_dir()]
    assert split, "150 articles should make at least one topic too long for one page"
    for slug, topic_groups in groups.items():
        pages = [docs / f"{slug}.md", *sorted((docs / slug).glob("*.md"))]  # glob: none when not split
        quoted = _quoted(pages)
        placed = Counter(
            (g.article.slug, literal(p.sentence.text)) for g in topic_groups for r in g.runs for p in r.placements
        )
        for (article, text), times in placed.items():
            assert quoted.get(article, "").count(text) == times, f"{slug}: {article} {text!r} on one page, once"
    for slug in split:
        page = (docs / f"{slug}.md").read_text(encoding="utf-8")
        assert "## Latest developments" in page and "## Earlier coverage" in page
        assert len(re.findall(r"^## From ", page, re.M)) <= topicpages.LATEST_ARTICLES
        for part in sorted((docs / slug).glob("*.md")):
            assert f"]({slug}/{part.name})" in page, f"the topic page links {part.name}"
        nav = (docs / ".nav.yml").read_text(encoding="utf-8")
        listed = set(re.findall(rf"^ +- \"[^\"]+\": ({slug}/[a-z0-9-]+\.md)$", nav, re.M))
        assert listed == {f"{slug}/{p.name}" for p in (docs / slug).glob("*.md")}, "the navigation lists the parts made"
        assert f'      - "{sorted((docs / slug).glob("*.md"))[0].stem}": {slug}/' in nav


def test_the_home_page_tells_the_story_from_many_articles(generated: Path) -> None:
    home = (generated / "docs" / "index.md").read_text(encoding="utf-8")
    assert "## The story so far" in home
    story = home.split("## The story so far")[1].split("\n## ")[0]
    cited = set(re.findall(r"\]\(sources/([a-z0-9-]+)\.md#p\d+\)", home))
    assert len(cited) >= 4, cited
    assert len(set(re.findall(r"\]\(sources/([a-z0-9-]+)\.md#p\d+\)", story))) >= 4
    dates = re.findall(r"^- \*\*(.+?)\*\*:", story, re.M)
    assert len(dates) >= 4
    # The list of articles is bounded: the newest, and a link to all of them.
    assert len(re.findall(r"^- \[.*\]\(sources/[a-z0-9-]+\.md\)$", home, re.M)) <= 25
    assert "](sources/index.md) lists them all" in home


def test_no_built_page_passes_300_kb(generated: Path, run_cli: Callable[..., Result]) -> None:
    done = mkdocs_build(generated)
    assert done.returncode == 0, done.stderr[-3000:]
    sizes = {
        p.relative_to(generated / "site").as_posix(): p.stat().st_size for p in (generated / "site").rglob("*.html")
    }
    largest = max(sizes, key=lambda name: sizes[name])
    assert sizes[largest] <= MAX_PAGE, f"{largest}: {sizes[largest]} bytes"


def test_the_navigation_lists_exactly_the_year_pages_made(
    many: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small pages, many parts: key points take sentences out of the articles'
    sections, and the navigation must split what is left as the pages do."""
    from click.testing import CliRunner

    from explainer.cli import main

    project = shutil.copytree(many, tmp_path / "project")  # the module's copy stays as it is
    monkeypatch.setattr(topicpages, "PAGE_BUDGET", 20_000)
    monkeypatch.setattr(topicpages, "LATEST_BUDGET", 10_000)
    result = CliRunner().invoke(main, ["generate", "--root", str(project), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    docs = project / "docs"
    nav = (docs / ".nav.yml").read_text(encoding="utf-8")
    for topic in ("background", "crackdown-measures", "ip-tracking", "legal-outlook", "digital-yuan"):
        listed = set(re.findall(rf"^ +- \"[^\"]+\": ({topic}/[a-z0-9-]+\.md)$", nav, re.M))
        assert listed and listed == {f"{topic}/{p.name}" for p in (docs / topic).glob("*.md")}, topic
