"""Many sources, one story, on the page (issue 12's "done when"): with articles
that state one figure in different words and another that gives a different
figure, the topic page quotes the claim once, cites every source's
paragraph, shows the disagreement beside it, keeps the other wordings a click
away, and loses nothing."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from explainer import pipeline
from explainer.cli import main
from explainer.mdtext import literal
from explainer.paths import Paths
from explainer.render import corpus
from tests.helpers import ROOT, copy_project, mkdocs_build

CORROBORATION = ROOT / "tests" / "fixtures" / "corroboration"
DETAINED = ("detained 1,100 people", "held 1,100 suspects", "detained 1,300 people")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("key-points") / "project")
    for path in sorted(CORROBORATION.glob("*.*")):
        if path.suffix in {".txt", ".yml"}:
            shutil.copy(path, project / "sources" / path.name)
    result = CliRunner().invoke(main, ["generate", "--root", str(project), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return project


def _page(project: Path, name: str) -> str:
    return (project / "docs" / name).read_text(encoding="utf-8")


def test_a_claim_is_shown_once_with_every_source_and_the_disagreement(generated: Path) -> None:
    page = _page(generated, "crackdown-measures.md")
    points = page.split("## Key points", 1)[1].split("\n## ", 1)[0]
    # The claim once, in one wording, the others in a collapsed block.
    quoted = [w for w in DETAINED if w in page]
    assert quoted == list(DETAINED)  # every wording is on the page...
    assert sum(page.count(w) for w in DETAINED) == 3  # ...once each: none repeated in the articles' sections
    point = next(block for block in points.split("{: .reported-by }") if "1,100" in block and "Reported by" in block)
    assert "Reported by three sources" in point
    for slug in ("ledger-home-miners", "courier-sichuan-suspects", "gazette-mining-detentions"):
        assert f"](sources/{slug}.md#p" in point  # a ¶ link to each source's paragraph
    conflict = re.search(r"^\*\*Sources differ:\*\* (.+)$", points, re.M)
    assert conflict is not None
    assert re.match(r"1,100 people \(two sources: .+\) vs 1,300 people \(one source: .+\)$", conflict.group(1))
    assert '??? quote "Other wordings (2)"' in points


def test_nothing_is_lost_every_quoted_sentence_is_on_its_topic_page(generated: Path) -> None:
    project = pipeline.load(Paths.of(generated))
    site = corpus(pipeline.build(project).articles, project.config)
    assert site.claims["crackdown-measures"], "the fixtures state claims together"
    for slug, groups in site.groups.items():
        pages = "".join(
            p.read_text(encoding="utf-8")
            for p in [generated / "docs" / f"{slug}.md", *(generated / "docs" / slug).glob("*.md")]
        )
        for group in groups:
            for run in group.runs:
                for placement in run.placements:
                    assert literal(placement.sentence.text) in pages, (slug, placement.sentence.text)
    assert "detained 1,300 people" in _page(generated, "sources/gazette-mining-detentions.md")  # and its Source page


def test_the_key_points_build_and_their_links_resolve(generated: Path, run_cli: Callable[..., Result]) -> None:
    done = mkdocs_build(generated)
    assert done.returncode == 0, done.stderr[-3000:]
    html = (generated / "site/crackdown-measures/index.html").read_text(encoding="utf-8")
    assert 'class="key-point"' in html and 'class="conflict"' in html
    assert "<details" in html and "Other wordings (2)" in html
