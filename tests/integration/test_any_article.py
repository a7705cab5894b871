"""Any single article, no code change: fits the topics, falls back to its own
subheadings, or (with neither) gets one overview page. Each case is generated
and built strictly from a copy of the project; never an empty page, never a
sentence lost, never a broken link."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from explainer.clean import BoilerplateMatcher, clean
from explainer.ingest import ingest
from explainer.model import Article
from explainer.pipeline import load_project
from explainer.segment import segment
from tests.helpers import FIXTURES, article_of, long_feature, mkdocs_build

TOPIC_PAGES = {"background", "crackdown-measures", "ip-tracking", "legal-outlook", "digital-yuan"}


def _only_source(project: Path, name: str, text: str | None = None) -> Path:
    """Make ``name`` (a fixture, or ``text``) the project's only article."""
    sources = project / "sources"
    shutil.rmtree(sources)
    sources.mkdir()
    target = sources / Path(name).name
    if text is None:
        shutil.copy(FIXTURES / name, target)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def _generate_and_build(project: Path, run_cli: Callable[..., Result]) -> dict[str, object]:
    result = run_cli("generate", "--root", project, "--report", project / "report.json")
    assert result.exit_code == 0, result.output
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr  # strict: no broken link or anchor
    report: dict[str, object] = json.loads((project / "report.json").read_text(encoding="utf-8"))
    return report


def _words(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())


def _explainer_text(site: Path) -> str:
    """Text of every page except the Source pages: what the explainer shows."""
    pages = [p for p in site.rglob("index.html") if "sources" not in p.relative_to(site).parts]
    return _words(" ".join("".join(article_of(p).text) for p in pages))


def _articles(project: Path) -> list[Article]:
    """The project's articles as the pipeline segments them."""
    loaded = load_project(
        project, project / "sources", project / "config/topics.yml", project / "config/boilerplate.yml"
    )
    matcher = BoilerplateMatcher(loaded.rules)
    return [segment(clean(ingest(s.path, s.data, s.sidecar), matcher)) for s in loaded.sources]


def _assert_complete(project: Path) -> None:
    """Every sentence of the article is on an explainer page; no page is empty."""
    site = project / "site"
    shown = _explainer_text(site)
    for article in _articles(project):
        for sentence in article.sentences:
            assert _words(sentence.text) in shown, sentence.text
    for page in site.rglob("index.html"):
        text = _words(" ".join(article_of(page).text))
        assert len(text.split()) > 12, (page, text)  # more than a title and a credit


@pytest.mark.parametrize(
    ("fixture", "sections"),
    [
        ("harbour-lantern-festival.txt", []),  # no subheadings: one overview
        ("bridge-brief.txt", []),  # a one-paragraph brief, no title line
        ("school-garden.md", []),  # a Markdown list
        ("library-reopening.md", []),  # a quotation
        (
            "river-restoration.md",
            [
                "Overview",
                "The problem",
                "The plan",
                "The work",
                "The results",
                "What comes next",
                "Costs",
                "Lessons for other towns",
            ],
        ),
    ],
)
def test_an_off_topic_article_gets_its_own_page(
    project: Path, run_cli: Callable[..., Result], fixture: str, sections: list[str]
) -> None:
    _only_source(project, fixture)
    report = _generate_and_build(project, run_cli)
    slug = Path(fixture).stem
    (entry,) = report["articles"]  # type: ignore[misc]
    assert entry["shown_on"] == f"articles/{slug}.md"
    assert entry["matched_share"] < 0.25
    site = project / "site"
    assert not any((site / topic).exists() for topic in TOPIC_PAGES)  # never an empty topic page
    page = (site / "articles" / slug / "index.html").read_text(encoding="utf-8")
    headings = [re.sub(r"<[^>]+>|¶|&para;", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)]
    assert headings == sections
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="articles/{slug}/"' in home
    _assert_complete(project)


def test_a_list_and_a_quotation_keep_every_item(project: Path, run_cli: Callable[..., Result]) -> None:
    _only_source(project, "school-garden.md")
    _generate_and_build(project, run_cli)
    text = _explainer_text(project / "site")
    for item in ["Potatoes, because everyone likes chips.", "Sunflowers, to see whose grows the tallest."]:
        assert item in text
    page = (project / "site/articles/school-garden/index.html").read_text(encoding="utf-8")
    assert page.count('class="excerpt"') == 9  # each list item is a paragraph of its own, quoted whole


def test_an_article_that_fits_feeds_the_topic_pages(project: Path, run_cli: Callable[..., Result]) -> None:
    _only_source(project, "fits-mining-rules.txt")
    report = _generate_and_build(project, run_cli)
    (entry,) = report["articles"]  # type: ignore[misc]
    assert entry["shown_on"] == "topics"
    site = project / "site"
    assert not (site / "articles").exists()
    for topic in TOPIC_PAGES:
        assert (site / topic / "index.html").exists(), topic
    legal = _words(" ".join(article_of(site / "legal-outlook/index.html").text))
    assert "A draft law would let the judiciary punish repeat offenders" in legal
    _assert_complete(project)


def test_a_five_thousand_word_feature_is_split_by_its_subheadings(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    text = long_feature()
    assert len(text.split()) >= 5000
    _only_source(project, "mountain-railway.txt", text)
    report = _generate_and_build(project, run_cli)
    (entry,) = report["articles"]  # type: ignore[misc]
    assert entry["shown_on"] == "articles/mountain-railway.md"
    page = (project / "site/articles/mountain-railway/index.html").read_text(encoding="utf-8")
    headings = [re.sub(r"<[^>]+>|¶|&para;", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)]
    assert headings[:3] == ["Building the line", "The first passengers", "Winters on the mountain"]
    assert len(headings) == len(set(headings)) >= 10
    _assert_complete(project)


def test_the_fit_threshold_is_configuration(project: Path, run_cli: Callable[..., Result]) -> None:
    """With the threshold at 0 (and no subject), the same off-topic article goes to the topic pages."""
    _only_source(project, "harbour-lantern-festival.txt")
    topics = project / "config/topics.yml"
    text = topics.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^subject:\n(?:  - .*\n)+", "", text)  # and no subject to name
    topics.write_text(re.sub(r"(?m)^min_matched_share: .*$", "min_matched_share: 0", text), encoding="utf-8")
    report = _generate_and_build(project, run_cli)
    (entry,) = report["articles"]  # type: ignore[misc]
    assert entry["shown_on"] == "topics"
    assert (project / "site/background/index.html").exists()  # the fallback topic
    assert not (project / "site/articles").exists()
