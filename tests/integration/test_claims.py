"""Claims on a real build: the reference article and fixture articles that
paraphrase each other and disagree (tests/fixtures/corroboration), through
``pipeline.build``; the claims are read from the topic pages' groups."""

from __future__ import annotations

import shutil

import pytest

from explainer import claims, render
from explainer.model import Group
from explainer.pipeline import build, load_project
from tests.helpers import ROOT, copy_project

CORROBORATION = ROOT / "tests" / "fixtures" / "corroboration"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, tuple[Group, ...]], dict[str, object]]:
    project = copy_project(tmp_path_factory.mktemp("claims") / "project")
    for path in sorted(CORROBORATION.iterdir()):
        shutil.copy(path, project / "sources" / path.name)
    loaded = load_project(
        project, project / "sources", project / "config/topics.yml", project / "config/boilerplate.yml"
    )
    site = build(loaded)
    return render.corpus(site.articles, loaded.config).groups, site.report


def _claim_citing(groups: dict[str, tuple[Group, ...]], words: str) -> claims.Claim:
    found = [c for slug in sorted(groups) for c in claims.find_claims(groups[slug]) if words in c.wording.text]
    assert len(found) == 1, [c.wording.text for slug in groups for c in claims.find_claims(groups[slug])]
    return found[0]


def test_a_figure_two_sources_give_and_a_third_disputes_is_one_claim(
    built: tuple[dict[str, tuple[Group, ...]], dict[str, object]],
) -> None:
    groups, _ = built
    claim = _claim_citing(groups, "detained 1,100 people")
    assert {s.slug for s in claim.sources} == {
        "ledger-home-miners",
        "courier-sichuan-suspects",
        "gazette-mining-detentions",
    }
    (conflict,) = claim.conflicts
    assert [(f.text, sorted(s.slug for s in f.sources)) for f in conflict.figures] == [
        ("1,100 people", ["courier-sichuan-suspects", "ledger-home-miners"]),
        ("1,300 people", ["gazette-mining-detentions"]),
    ]


def test_the_reference_article_corroborates_a_fixture(
    built: tuple[dict[str, tuple[Group, ...]], dict[str, object]],
) -> None:
    groups, _ = built
    claim = _claim_citing(groups, "Colin Wu")
    assert "china-crypto-crackdown" in {s.slug for s in claim.sources}
    assert len(claim.sources) == 3 and claim.conflicts == ()


def test_dates_that_disagree_are_flagged(built: tuple[dict[str, tuple[Group, ...]], dict[str, object]]) -> None:
    groups, _ = built
    claim = _claim_citing(groups, "crackdown started in May 2021")
    (conflict,) = claim.conflicts
    assert conflict.unit == "date"
    assert [f.text for f in conflict.figures] == ["May 2021", "June 2021"]


def test_the_report_counts_the_claims(built: tuple[dict[str, tuple[Group, ...]], dict[str, object]]) -> None:
    groups, report = built
    found = [c for slug in sorted(groups) for c in claims.find_claims(groups[slug])]
    assert report["claims"] == {"claims": len(found), "merged": claims.claims_merged(found), "conflicts": 2}
    assert claims.claims_merged(found) >= 6
