"""The built site: a strict MkDocs build, read back as HTML."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from explainer.cli import main
from tests.helpers import REFERENCE, article_of, mkdocs_build

BOILERPLATE = [
    "Source link",
    "Related Articles",
    "Leave a Reply",
    "Back to top button",
    "Your email address will not be published",
]
TOPICS = ["background", "crackdown-measures", "ip-tracking", "legal-outlook", "digital-yuan"]


def test_strict_build_has_every_page(built_site: Path) -> None:
    for slug in TOPICS:
        assert (built_site / slug / "index.html").exists()
    assert (built_site / "sources/china-crypto-crackdown/index.html").exists()
    assert (built_site / "404.html").exists()


def test_no_boilerplate_anywhere_in_the_site(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for line in BOILERPLATE:
            assert line not in text, (page, line)
    index = (built_site / "search/search_index.json").read_text(encoding="utf-8")
    assert not any(line in index for line in BOILERPLATE)


def test_every_sentence_appears_once_across_topic_pages(built_site: Path) -> None:
    text = " ".join(" ".join(article_of(built_site / s / "index.html").text) for s in TOPICS)
    text = " ".join(text.split())
    source = REFERENCE.read_text(encoding="utf-8").replace("\u2019", "'")
    for fragment in [
        "Colin Wu, a Shanghai Telecom document shows",
        "CBDC digital yuan",
        "it is not a punishable offense under current laws",
        "many small and medium mining rigs were still being operated",
    ]:
        assert fragment in source
        assert text.count(fragment) == 1, fragment


def test_pages_have_description_and_sharing_tags(built_site: Path) -> None:
    html = (built_site / "ip-tracking/index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta name="description" content="How internet providers', html)
    assert '<meta property="og:title" content="IP tracking">' in html
    assert '<meta name="twitter:card"' in html
    assert 'class="source-credit"' in html


def test_nothing_is_fetched_from_other_hosts(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for match in re.finditer(r'<(?:script|link|img)\b[^>]*(?:src|href)="(https?:)?//([^"/]+)', html):
            assert match.group(2).startswith("127.0.0.1"), (page, match.group(0))
        assert "fonts.googleapis" not in html


def test_hostile_article_text_stays_text_in_the_built_site(project: Path) -> None:
    hostile = (
        "Hostile sample\n\n"
        "A paragraph with <script>alert('x')</script> and [a link](javascript:alert(1)).\n\n"
        '--8<-- "../mkdocs.yml"\n\n'
        "{{ config.site_name }} and {% raw %} stay literal.\n"
    )
    (project / "sources/hostile.txt").write_text(hostile, encoding="utf-8")
    assert CliRunner().invoke(main, ["generate", "--root", str(project)]).exit_code == 0
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    page = article_of(project / "site/sources/hostile/index.html")
    text = " ".join("".join(page.text).split())
    assert "<script>alert('x')</script>" in text
    assert "[a link](javascript:alert(1))" in text
    assert '--8<-- "../mkdocs.yml"' in text and "site_name:" not in text
    assert "{{ config.site_name }}" in text
    assert "script" not in page.tags
    html = (project / "site/sources/hostile/index.html").read_text(encoding="utf-8")
    assert 'href="javascript:' not in html


def test_each_sentence_is_indexed_once_for_search(built_site: Path) -> None:
    """Source pages keep their title and headings in the search index, not
    their paragraphs: every sentence is found on the page that quotes it."""
    import json

    docs = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    sentence = "Shanghai Telecom document shows the IP address"
    holders = {d["location"].split("#")[0] for d in docs if sentence in d["text"]}
    assert holders == {"ip-tracking/"}, holders
    assert any(d["location"] == "sources/china-crypto-crackdown/" for d in docs)  # the page itself is found
    # A dated sentence is on the Timeline and the home page too: indexed on its topic page only.
    dated = "Digital yuan's development was completed in 2019"
    assert {d["location"].split("#")[0] for d in docs if dated in d["text"]} == {"digital-yuan/"}
    assert any(d["location"].startswith("timeline/") for d in docs)  # the Timeline itself is found
    # The line under each article's heading says the same thing every time: not indexed.
    assert not [d["location"] for d in docs if "Each ¶ link opens the paragraph" in d["text"]]
    # Nor the "¶3" of each ¶ link: tens of thousands of them in a large site, none worth finding.
    assert not [d["location"] for d in docs if re.search(r"¶\d", d["text"])]


def test_the_atom_feed_lists_every_article_and_every_page_links_it(built_site: Path) -> None:
    import feedparser

    feed = feedparser.parse((built_site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception  # well-formed Atom
    assert feed.version == "atom10"
    [entry] = feed.entries
    assert entry.link.endswith("/sources/china-crypto-crackdown/")
    related = {link.href.rsplit("/", 2)[-2] for link in entry.links if link.rel == "related"}
    assert related == set(TOPICS)
    for page in ("index.html", "ip-tracking/index.html", "sources/china-crypto-crackdown/index.html"):
        assert '<link rel="alternate feed" type="application/atom+xml"' in (built_site / page).read_text(
            encoding="utf-8"
        )
