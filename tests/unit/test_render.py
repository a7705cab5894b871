"""Render: pages, front matter, provenance links and determinism."""

from __future__ import annotations

import re

import frontmatter
import pytest

from explainer.marker import MARKER
from explainer.model import Page, Site
from explainer.pipeline import Project, build, load_project
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def reference() -> Project:
    return load_project(ROOT, ROOT / "sources", ROOT / "config/topics.yml", ROOT / "config/boilerplate.yml")


@pytest.fixture(scope="module")
def site(reference: Project) -> Site:
    return build(reference)


def _pages(site: Site) -> dict[str, Page]:
    return {p.path: p for p in site.pages}


def test_one_page_per_topic_plus_home_sources_and_nav(site: Site, reference: Project) -> None:
    topics = [f"{t.slug}.md" for t in reference.config.topics]
    assert topics == ["background.md", "crackdown-measures.md", "ip-tracking.md", "legal-outlook.md", "digital-yuan.md"]
    assert set(_pages(site)) == {
        *topics,
        "index.md",
        "sources/index.md",
        "sources/china-crypto-crackdown.md",
        ".nav.yml",
        "timeline.md",  # the guides: see test_timeline.py, test_glossary.py, test_names.py
        "glossary.md",
        "whos-who.md",
    }
    assert [p.path for p in site.includes] == ["abbreviations.md"]


def test_every_page_carries_the_marker_and_front_matter(site: Site, reference: Project) -> None:
    for page in site.pages:
        assert MARKER in page.content[:300], page.path
    for topic in reference.config.topics:
        post = frontmatter.loads(_pages(site)[f"{topic.slug}.md"].content)
        assert post["title"] == topic.title
        assert post["description"]
        assert post["tags"] == list(topic.tags)
        assert post["sources"][0]["slug"] == "china-crypto-crackdown"
        assert topic.description.replace("'", "") in post.content.replace("'", "")


def test_every_sentence_is_on_exactly_one_topic_page(site: Site, reference: Project) -> None:
    from explainer.clean import BoilerplateMatcher, clean
    from explainer.ingest import ingest
    from explainer.segment import segment

    source = reference.sources[0]
    article = segment(clean(ingest(source.path, source.data), BoilerplateMatcher(reference.rules)))
    bodies = [frontmatter.loads(_pages(site)[f"{t.slug}.md"].content).content for t in reference.config.topics]
    for sentence in article.sentences:
        assert sum(body.count(sentence.text) for body in bodies) == 1, sentence.text


def test_provenance_links_point_at_existing_paragraph_anchors(site: Site, reference: Project) -> None:
    pages = _pages(site)
    source = pages["sources/china-crypto-crackdown.md"].content
    anchors = set(re.findall(r"\{: #(p\d+) \.source-paragraph data-search-exclude \}", source))
    assert anchors == {f"p{n}" for n in range(1, 7)}
    for topic in reference.config.topics:
        links = re.findall(r"\]\(sources/china-crypto-crackdown\.md#(p\d+)\)", pages[f"{topic.slug}.md"].content)
        assert links and set(links) <= anchors


def test_home_page_has_in_brief_cards_and_credit(site: Site, reference: Project) -> None:
    home = _pages(site)["index.md"].content
    brief = home.split("## In brief", 1)[1].split("## Topics", 1)[0]
    assert len(re.findall(r"^- \*\*\[", brief, flags=re.M)) == len(reference.config.topics)
    cards = home.split('<div class="grid cards" markdown>', 1)[1].split("</div>", 1)[0]
    for topic in reference.config.topics:
        assert f"**[{topic.title}]({topic.slug}.md)**" in cards
    assert "sources/china-crypto-crackdown.md" in home.split("## Sources", 1)[1]


def test_boilerplate_reaches_no_page(site: Site) -> None:
    for page in site.pages:
        for line in (
            "Source link",
            "Related Articles",
            "Leave a Reply",
            "Back to top button",
            "Your email address will not be published",
        ):
            assert line not in page.content, (page.path, line)


def test_report_counts_sentences_topics_fallback_and_removed_lines(site: Site) -> None:
    (article,) = site.report["articles"]  # type: ignore[misc]
    assert article["sentences"] == sum(article["topics"].values()) == 13
    assert article["fallback"] == 0
    assert len(article["removed"]) == 5


def test_same_input_gives_byte_identical_pages(reference: Project) -> None:
    assert build(reference).pages == build(reference).pages


def test_a_topic_without_sentences_gets_no_page(reference: Project) -> None:
    from dataclasses import replace

    from explainer.model import Signal, Topic

    extra = Topic("unused", "Unused", "Nothing matches this.", (Signal("zzzqqq"),))
    project = replace(reference, config=replace(reference.config, topics=(*reference.config.topics, extra)))
    paths = {p.path for p in build(project).pages}
    assert "unused.md" not in paths
    assert "unused.md" not in _pages(build(project))[".nav.yml"].content


def test_each_page_gets_only_the_hover_definitions_it_uses() -> None:
    from explainer.glossary import Definitions

    definitions = Definitions(
        "<!-- marker -->\n\n*[CBDC]: A central bank's own money.\n*[CBDCs]: Plural.\n*[e-CNY]: The digital yuan.\n"
    )
    assert (
        definitions.for_page("A CBDC, and e-CNY pilots.")
        == "*[CBDC]: A central bank's own money.\n\n*[e-CNY]: The digital yuan."  # a block each: linear
    )
    assert definitions.for_page("Two CBDCs.") == "*[CBDCs]: Plural."  # whole forms only, as the extension matches
    assert definitions.for_page("No terms here; ACBDC is not one.") == ""
    assert Definitions("").for_page("CBDC") == ""


def test_the_feed_is_newest_first_escaped_and_deterministic() -> None:
    import xml.etree.ElementTree as ET

    from explainer.feed import FeedEntry, atom

    entries = [
        FeedEntry("old", "Old <b>story</b> & more", "https://e.org/sources/old/", "Wire", "2021-09-24"),
        FeedEntry("undated", "Undated", "https://e.org/sources/undated/"),
        FeedEntry(
            "new", "New", "https://e.org/sources/new/", None, "2022-01-19", (("IP tracking", "https://e.org/ip/"),)
        ),
    ]
    text = atom("Site", "https://e.org/", "https://e.org/feed.xml", entries)
    assert text == atom("Site", "https://e.org/", "https://e.org/feed.xml", entries[::-1])
    root = ET.fromstring(text)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)] == [
        "New",
        "Old <b>story</b> & more",
        "Undated",
    ]
    assert root.findtext("a:updated", namespaces=ns) == "2022-01-19T00:00:00Z"
