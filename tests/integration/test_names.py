"""Who's who: curated names, names found in the text, the pages that mention them; determinism."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import Result

from explainer.bodytext import load_rules
from explainer.errors import ExplainerError
from explainer.model import Article, ClassifiedArticle, Paragraph, Placement, Sentence, SourceMeta
from explainer.names import detect, listed_names, load_names
from tests.helpers import ROOT, snapshot

Run = Callable[..., Result]
NAMES = load_names((ROOT / "config/names.yml").read_text(encoding="utf-8"), "config/names.yml")


def _entry(page: str, name: str) -> str:
    """The list item of ``name`` on the Who's who page (two lines)."""
    match = re.search(rf"^- \*\*{re.escape(name)}\*\*.*\n.*$", page, re.M)
    assert match, f"{name} is not listed"
    return match.group()


def _classified(*sentences: str) -> ClassifiedArticle:
    items = tuple(Sentence(s, 1, i) for i, s in enumerate(sentences))
    article = Article("a", "A Title In Capitals", SourceMeta(), "sources/a.txt", (Paragraph(1, items, None),))
    return ClassifiedArticle(article, tuple(Placement(s, "background", 1.0) for s in items))


def test_whos_who_lists_curated_names_with_the_pages_that_mention_them(project: Path, run_cli: Run) -> None:
    assert run_cli("generate", "--root", project).exit_code == 0
    page = (project / "docs/whos-who.md").read_text(encoding="utf-8")
    source = "[Source: Here's Why Chinese Government is Now Tracking IP Addresses of Users]"
    source += "(sources/china-crypto-crackdown.md)"
    colin = _entry(page, "Colin Wu")
    assert "Mentioned on: [IP tracking](ip-tracking.md), " + source in colin
    telecom = _entry(page, "Shanghai Telecom")
    assert "Mentioned on: [IP tracking](ip-tracking.md), " + source in telecom
    # The article says "Chinese Central Bank": an alias of the People's Bank of China.
    assert "[Crackdown measures](crackdown-measures.md)" in _entry(page, "People's Bank of China")
    sections = re.findall(r"^## (.+)$", page, re.M)
    assert sections == ["People", "Organisations", "Places"]  # nothing else found in the reference article
    assert page.index("Colin Wu") < page.index("## Organisations") < page.index("Shanghai Telecom")
    assert "Shanghai**" not in page  # listed in names.yml but not mentioned on its own: not shown


def test_names_missing_from_the_list_are_found_and_shown_as_other_names(project: Path, run_cli: Run) -> None:
    names = project / "config/names.yml"
    text = names.read_text(encoding="utf-8")
    start = text.index("  - name: Colin Wu")
    names.write_text(text[:start] + text[text.index("  - name: Shanghai Telecom") :], encoding="utf-8")
    assert run_cli("generate", "--root", project).exit_code == 0
    page = (project / "docs/whos-who.md").read_text(encoding="utf-8")
    other = page.split("## Other names mentioned")[1]
    assert re.findall(r"^- \*\*(.+?)\*\*", other, re.M) == ["Colin Wu"]
    assert "[IP tracking](ip-tracking.md)" in other


def test_detection_skips_sentence_openers_headings_and_known_names() -> None:
    found = detect(
        [
            _classified(
                "However Beijing Authorities met Ms Ada Lovelace of the Bank of England on Monday.",
                "Despite the ban, Colin Wu's sources at Shanghai Telecom spoke.",
                "Digital yuan trials began in May.",
                "Several Chinese Miners moved; several others stayed.",
                "The digital yuan is new.",
            )
        ],
        known=["Shanghai Telecom"],
        names=NAMES,
    )
    # "However" is a stop word; "Several" opens a sentence and is an ordinary word
    # here ("several others"), as "Digital" is; "Ms" is trimmed; the title is never
    # read; the known name is skipped; "of the" splits a person from a bank.
    assert found == ("Ada Lovelace", "Bank of England", "Beijing Authorities", "Chinese Miners", "Colin Wu")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("names:\n  - name: X\n    kind: planet\n    description: A.\n", 3, "'kind' must be one of person"),
        ("names:\n  - name: X\n    kind: place\n    description: ''\n", 4, "the description of 'X' is empty"),
        ("names:\n  - name: X\n    kind: place\n    description: A.\n    born: 1990\n", 5, "unknown key 'born'"),
        (
            "names:\n  - name: X\n    kind: place\n    description: A.\n  - name: Y\n    kind: place\n"
            "    description: B.\n    aliases: [X]\n",
            8,
            "duplicate name 'X'",
        ),
        ("stop: [The, No]\n", 1, "stop word False must be a word"),
        ("people: []\n", 1, "unknown key 'people'"),
    ],
)
def test_names_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ExplainerError) as error:
        load_names(text, "config/names.yml")
    assert str(error.value).startswith(f"config/names.yml:{line}: {message}")


def test_a_bad_names_file_stops_check(project: Path, run_cli: Run) -> None:
    (project / "config/names.yml").write_text("names:\n  - name: Colin Wu\n    kind: human\n", encoding="utf-8")
    result = run_cli("check", "--root", project)
    assert result.exit_code == 1
    assert re.fullmatch(
        r"error: \S*config/names\.yml:3: 'kind' must be one of person, organisation, place\n", result.stderr
    )


def test_pages_are_byte_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    """Sets and dicts of names, terms and dates must never leak their order."""
    from tests.helpers import copy_project

    outputs = []
    for seed in ("1", "2"):
        project = copy_project(tmp_path / f"p{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(project / "scripts")}
        done = subprocess.run(
            [sys.executable, "-m", "explainer.cli", "generate", "--root", str(project)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        # Every file of docs/ and includes/: topic, source and home pages too.
        outputs.append({folder: snapshot(project / folder) for folder in ("docs", "includes")})
    assert outputs[0] == outputs[1]


def test_a_name_in_many_articles_lists_a_few_sources_and_a_count(project: Path, run_cli: Run) -> None:
    for number in range(15):
        text = f"Report {number}\n\nColin Wu wrote about the crypto ban in China, item {number}.\n"
        (project / f"sources/report-{number:02}.txt").write_text(text, encoding="utf-8")
    assert run_cli("generate", "--root", project).exit_code == 0
    colin = _entry((project / "docs/whos-who.md").read_text(encoding="utf-8"), "Colin Wu")
    assert colin.count("](sources/") == 12
    assert colin.endswith(", and 4 more sources.</small>")  # 16 articles mention him


# Reading web copy (issue 9): whole names, possessives, credits, single words, off-topic articles.

RULES = load_rules((ROOT / "config/guides.yml").read_text(encoding="utf-8"), "config/guides.yml")


def _paragraphs(*texts: str) -> ClassifiedArticle:
    """One paragraph per text (sentences split on " | ")."""
    paragraphs, count = [], 0
    for number, text in enumerate(texts, 1):
        sentences = []
        for piece in text.split(" | "):
            sentences.append(Sentence(piece, number, count))
            count += 1
        paragraphs.append(Paragraph(number, tuple(sentences), None))
    article = Article("a", "A Title In Capitals", SourceMeta(), "sources/a.txt", tuple(paragraphs))
    return ClassifiedArticle(article, tuple(Placement(s, "background", 1.0) for p in paragraphs for s in p.sentences))


def _detect(*texts: str) -> tuple[str, ...]:
    return detect([_paragraphs(*texts)], known=[], names=NAMES, rules=RULES)


def test_names_are_whole_across_their_connectors() -> None:
    found = _detect(
        "The National Development and Reform Commission wrote to the Bank for International Settlements.",
        "Officials of the People's Bank of China and the Ministry of Industry and Information Technology agreed.",
        "Colin Wu and Jane Doe reported it for Example News.",
        "Estimates by the Cambridge Centre for Alternative Finance agreed.",
        "The Central Bank of the UAE met Ada Lovelace of the Bank of England.",
    )
    assert found == (
        "Ada Lovelace",
        "Bank for International Settlements",
        "Bank of England",
        "Cambridge Centre for Alternative Finance",
        "Central Bank of the UAE",
        "Colin Wu",
        "Example News",
        "Jane Doe",
        "Ministry of Industry and Information Technology",
        "National Development and Reform Commission",
        "People's Bank of China",
    )


def test_a_possessive_ends_a_name() -> None:
    found = _detect(
        "China's Ministry of Public Security said Colin Wu's report was wrong.",
        "The plan is Beijing's answer to Sichuan's miners.",
    )
    assert found == ("Colin Wu", "Ministry of Public Security")
    assert not any(name.endswith(("'s", "’s")) for name in found)


def test_credits_bylines_headlines_and_titles_are_not_names() -> None:
    found = _detect(
        "By Jane Roe, Senior Reporter",
        "A mining farm in Inner Mongolia. | Photo: Getty Images",
        "China Set to Formulate Laws to Punish Crypto Activities",
        "STORY CONTINUES BELOW",
        "The bank cited the Notice on Further Preventing and Disposing of the Risks of Speculation in Virtual "
        "Currency Trading, which Colin Wu first reported.",
        "Jane Roe is a senior reporter covering fintech for Example News. | Follow her on Twitter.",
        "The story continues below the line, as the story always does.",
    )
    assert found == ("Colin Wu",)


def test_the_articles_own_publisher_and_authors_are_not_names() -> None:
    article = _paragraphs(
        "Mining Weekly is not responsible for losses. | Colin Wu said Jane Roe and Tom Hale were right.",
        "Nothing in this article by Jane Roe is advice.",
    )
    meta = SourceMeta(publisher="Mining Weekly", author="Jane Roe and Tom Hale")
    article = ClassifiedArticle(replace(article.article, meta=meta), article.placements)
    assert detect([article], known=[], names=NAMES, rules=RULES) == ("Colin Wu",)


def test_single_words_need_evidence() -> None:
    found = _detect(
        "The National Development and Reform Commission (NDRC) said miners in Sichuan must stop.",
        "The NDRC gave miners in Sichuan until June. | Chinese officials agreed, and Chinese miners left.",
        "Colin Wu said so, and Wu said it again. | Binance declined to comment.",
    )
    # NDRC is given in brackets; Sichuan is seen twice; "Chinese" is never a name on its own;
    # "Wu" is Colin Wu's surname; Binance is seen once only.
    assert found == ("Colin Wu", "NDRC", "National Development and Reform Commission", "Sichuan")


def test_the_pronoun_i_is_not_a_name() -> None:
    # "I" is written in capitals wherever it stands, so it is never seen in lower
    # case: the first-person columns of real copy once listed it in Who's who.
    found = _detect(
        "Readers in Sichuan tell me that I was wrong, and I said so.",
        "When I asked, Sichuan officials declined. | I think the rules will stay.",
    )
    assert found == ("Sichuan",)


def test_who_is_who_reads_only_articles_that_fit_the_topics(project: Path, run_cli: Run) -> None:
    off_topic = "Harbour news\n\nThe ferry operator Harbour Lines said Mara Ellison will run the festival.\n"
    (project / "sources/harbour-news.txt").write_text(off_topic, encoding="utf-8")
    on_topic = (
        "Miners told to leave\n\nThe crypto ban reached Sichuan, where Lin Ha ran a crypto mining farm.\n\n"
        "Photo: Getty Images\n"
    )
    (project / "sources/miners-told-to-leave.txt").write_text(on_topic, encoding="utf-8")
    assert run_cli("generate", "--root", project).exit_code == 0
    page = (project / "docs/whos-who.md").read_text(encoding="utf-8")
    other = page.split("## Other names mentioned")[1]
    assert re.findall(r"^- \*\*(.+?)\*\*", other, re.M) == ["Lin Ha"]
    assert "Harbour" not in page and "Mara Ellison" not in page and "Getty" not in page
    assert (project / "docs/articles/harbour-news.md").exists()


def test_listed_names_are_the_pages_names() -> None:
    article = _paragraphs("Colin Wu met officials of the People's Bank of China in Beijing.", "Photo: Colin Wu")
    assert listed_names(NAMES, [article], rules=RULES) == ("Beijing", "Colin Wu", "People's Bank of China")
