"""Claims on a real build: the reference article and fixture articles that
paraphrase each other and disagree (tests/fixtures/corroboration), through
``pipeline.build``; the claims are read from the topic pages' groups."""

from __future__ import annotations

import shutil
from typing import Any

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


def _found(groups: dict[str, tuple[Group, ...]]) -> dict[str, tuple[claims.Claim, ...]]:
    return {slug: claims.find_claims(groups[slug]) for slug in sorted(groups)}


def test_claims_kept_as_data_read_back_the_same(
    built: tuple[dict[str, tuple[Group, ...]], dict[str, object]],
) -> None:
    groups, _ = built
    found = _found(groups)
    assert any(c.conflicts for topic in found.values() for c in topic)  # figures are kept too
    for slug, topic in found.items():
        assert claims.from_data(claims.to_data(topic), groups[slug]) == topic


def _refs(claim: list[Any]) -> list[list[Any]]:
    """Every sentence a claim (as :func:`claims.to_data` wrote it) points at: wording, sources, figures' sources."""
    wording, sources, conflicts = claim
    return [wording, *sources, *(ref for _, figures in conflicts for _, refs in figures for ref in refs)]


def _forge(data: list[list[Any]], what: str) -> None:
    """One claim of ``data`` changed as ``what`` says (consistently: every
    place it points at the sentence changed, so only the check against the
    topic's sentences can tell)."""
    wording, sources, conflicts = data[0]
    if what in ("text", "absent", "negative", "bool"):
        target = list(sources[-1])
        for ref in _refs(data[0]):
            if ref == target:
                if what == "text":  # a text of its own beside the address (the earlier shape): never read
                    ref[1:] = [0, ref[1], "Everyone agrees the ban was lifted. 1,100 people"]
                elif what == "absent":  # a sentence the topic does not have
                    ref[1] = 10**6
                elif what == "negative":
                    ref[1] = -1 - ref[1]
                else:  # True is not a position
                    ref[1] = True
    elif what == "figure":  # a figure none of its sources writes
        conflicts[0][1][0][0] = "9,999 people"
    elif what == "fragment":  # a piece of its source's text that is not a figure it gives
        conflicts[0][1][0][0] = conflicts[0][1][0][0][:1]
    elif what == "same":  # every value written alike: "M vs M" is no disagreement
        for figure in conflicts[0][1]:
            figure[0] = conflicts[0][1][0][0]
    elif what == "one-source":  # a claim needs two articles
        del sources[1:]
        data[0][0] = sources[0]
        data[0][2] = []
    elif what == "twice":  # the same sentence in two claims
        data.append(data[0])
    elif what == "outside":  # a figure given by a real sentence of the topic that is not one of the claim's sources
        conflicts[0][1][0][1][0] = list(data[1][1][0])
    elif what == "repeated":  # one sentence given twice as a source (one article, counted twice)
        sources.append(list(sources[0]))
    elif what == "shape":
        data[0] = [wording, "sources", conflicts]


@pytest.mark.parametrize(
    "what",
    [
        *("text", "absent", "negative", "bool", "figure", "fragment", "same"),
        *("one-source", "twice", "outside", "repeated", "shape"),
    ],
)
def test_forged_kept_claims_are_refused(
    built: tuple[dict[str, tuple[Group, ...]], dict[str, object]], what: str
) -> None:
    groups, _ = built
    found = _found(groups)
    slug = next(s for s, topic in found.items() if any(c.conflicts for c in topic))
    topic = tuple(sorted(found[slug], key=lambda c: not c.conflicts))  # a claim with a conflict first
    data = claims.to_data(topic)
    readings = {g.article.slug: claims.read(g.article) for g in groups[slug]}
    assert claims.from_data(data, groups[slug]) == topic
    assert claims.from_data(data, groups[slug], readings) == topic
    _forge(data, what)
    assert claims.from_data(data, groups[slug]) is None
    assert claims.from_data(data, groups[slug], readings) is None  # read from the readings or afresh: the same
