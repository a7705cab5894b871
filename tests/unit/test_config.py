"""The topics file: a slug may not take the place of one of the site's own pages."""

from __future__ import annotations

import pytest

from explainer.config import load_topics
from explainer.errors import ExplainerError
from explainer.sitepages import RESERVED_SLUGS, SITE_PAGES, nav_globs
from tests.helpers import ROOT


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_a_topic_slug_that_takes_a_page_of_the_site_is_refused_at_its_line(slug: str) -> None:
    text = (ROOT / "config/topics.yml").read_text(encoding="utf-8")
    line = text[: text.index("- slug: background")].count("\n") + 1
    with pytest.raises(ExplainerError) as error:
        load_topics(text.replace("- slug: background", f"- slug: '{slug}'"), "config/topics.yml")
    assert str(error.value) == f"config/topics.yml:{line}: slug {slug!r} is reserved for the site's own pages"


def test_the_one_list_of_site_pages_covers_every_guide_and_index() -> None:
    assert {p.slug for p in SITE_PAGES} >= {"index", "sources", "articles", "timeline", "glossary", "whos-who", "tags"}
    assert nav_globs() == ["timeline.md", "timeline", "glossary.md", "whos-who.md"]


def test_not_signals_must_be_a_list_of_phrases_and_a_bad_one_is_named_at_its_line() -> None:
    text = (ROOT / "config/topics.yml").read_text(encoding="utf-8")
    assert "at once" in load_topics(text, "config/topics.yml").not_signals
    line = text[: text.index("not_signals:")].count("\n") + 1
    start = text.index("not_signals:")
    end = text.index("\n", start)
    with pytest.raises(ExplainerError) as error:
        load_topics(text[:start] + "not_signals: [at once, 3]" + text[end:], "config/topics.yml")
    assert str(error.value) == f"config/topics.yml:{line}: 'not_signals' must be a list of phrases"


def test_subject_mentions_must_be_a_whole_number_of_at_least_one() -> None:
    text = (ROOT / "config/topics.yml").read_text(encoding="utf-8")
    assert load_topics(text, "config/topics.yml").subject_mentions == 2
    line = text[: text.index("subject_mentions:")].count("\n") + 1
    for bad in ("0", "1.5", "two"):
        with pytest.raises(ExplainerError) as error:
            load_topics(text.replace("subject_mentions: 2", f"subject_mentions: {bad}"), "config/topics.yml")
        assert str(error.value) == f"config/topics.yml:{line}: 'subject_mentions' must be a whole number >= 1"
