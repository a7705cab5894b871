"""Property-based tests (hypothesis): for arbitrary article text, generation
never crashes (an ExplainerError is a proper answer), every sentence of the
article is quoted exactly once on the explainer's pages, and two runs give
byte-identical pages."""

from __future__ import annotations

import dataclasses
import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer.clean import BoilerplateMatcher, clean
from explainer.errors import ExplainerError
from explainer.ingest import ingest
from explainer.model import Site
from explainer.pipeline import Project, SourceInput, build, load_project
from explainer.segment import segment
from tests.helpers import ROOT

REFERENCE = load_project(ROOT, ROOT / "sources", ROOT / "config/topics.yml", ROOT / "config/boilerplate.yml")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words that hit topic signals, markup characters, other scripts, numbers.
WORDS = st.one_of(
    st.sampled_from(["mining", "bitcoin", "IP", "law", "yuan", "ban", "China", "the", "said", "Mr.", "U.S.", "3.5%"]),
    st.sampled_from(["<b>", "*x*", "[a](b)", "{{", "%}", "#", "|", "--8<--", "&amp;", "`", "\\", "_", "!!!"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=8),
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=12).map(lambda words: " ".join(words).strip() + ".")
PARAGRAPH = st.lists(SENTENCE, min_size=1, max_size=5).map(" ".join)
ARTICLE = st.lists(PARAGRAPH, min_size=1, max_size=6).map(lambda ps: "A headline\n\n" + "\n\n".join(ps) + "\n")


def project_with(data: bytes, name: str = "sources/prop.txt") -> Project:
    return dataclasses.replace(REFERENCE, sources=(SourceInput(name, data),))


@SETTINGS
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
def test_any_input_builds_or_fails_with_an_explainer_error(data: bytes) -> None:
    try:
        site = build(project_with(data))
    except ExplainerError as error:
        assert str(error).startswith("sources/prop.txt") and "\n" not in str(error)
        return
    assert site.pages


def quoted_runs(site: Site) -> dict[int, list[str]]:
    """Quoted excerpts of the explainer's pages (topic pages, the article's own
    page), as plain text, by paragraph number."""
    wanted = {f"{t.slug}.md" for t in REFERENCE.config.topics}
    runs: dict[int, list[str]] = {}
    for page in site.pages:
        if page.path in wanted or page.path.startswith("articles/"):
            for text, number in _EXCERPT.findall(page.content):
                runs.setdefault(int(number), []).append(html.unescape(text))
    return runs


_EXCERPT = re.compile(r"^(.*) \[¶(\d+)\]\([^)\n]*\)\{ \.provenance[^}\n]*\}\n\{:[^}\n]*\.excerpt \}$", re.MULTILINE)


@SETTINGS
@given(ARTICLE)
def test_every_sentence_is_quoted_exactly_once(text: str) -> None:
    data = text.encode()
    try:
        site = build(project_with(data))
    except ExplainerError:
        return  # e.g. only boilerplate-like lines: covered by the test above
    article = segment(clean(ingest("sources/prop.txt", data), BoilerplateMatcher(REFERENCE.rules)))
    runs = quoted_runs(site)
    for paragraph in article.paragraphs:
        quoted = runs.get(paragraph.number, [])
        sentences = [s.text for s in paragraph.sentences]
        # Each sentence is in one of its paragraph's excerpts...
        for sentence in sentences:
            assert any(sentence in run for run in quoted), (sentence, quoted)
        # ...and the excerpts hold exactly the paragraph's sentences, none twice:
        # runs are consecutive sentences joined by one space.
        assert sum(map(len, quoted)) == sum(map(len, sentences)) + len(sentences) - len(quoted), (sentences, quoted)
    assert set(runs) == {p.number for p in article.paragraphs}


@SETTINGS
@given(ARTICLE)
def test_generating_twice_gives_identical_bytes(text: str) -> None:
    project = project_with(text.encode())
    try:
        first = build(project)
    except ExplainerError:
        return
    second = build(project)
    assert [(p.path, p.content.encode()) for p in first.pages] == [(p.path, p.content.encode()) for p in second.pages]
