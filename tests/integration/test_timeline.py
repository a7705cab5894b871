"""The Timeline page: dates found in the sources, relative ones resolved against the published date."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from explainer import timeline
from explainer.bodytext import GuideRules, body_sentences, load_rules
from explainer.errors import ExplainerError
from explainer.model import Article, Paragraph, Sentence, SourceMeta
from explainer.timeline import collect
from tests.helpers import ROOT, mkdocs_build

Run = Callable[..., Result]

DATED = """\
---
title: Miners move abroad
publisher: Example News
published: 2021-09-27
---
The crackdown on crypto mining in May this year forced the big farms to leave.

Last month the last rigs in Sichuan were switched off, on 24 September 2021 the ban was widened,
and the rules of 2019 were tightened again.

Regulators met earlier this week. Last year the first warnings came.
"""


def _article(text: str, published: date | None) -> Article:
    sentences = tuple(Sentence(s, 1, i) for i, s in enumerate(text.split(" | ")))
    return Article("a", "A", SourceMeta(published=published), "sources/a.txt", (Paragraph(1, sentences, None),))


def _entries(timeline_md: str) -> list[tuple[str, str, str]]:
    """(date label, precision, paragraph link) of every entry, in page order."""
    return re.findall(
        r"^- \*\*(.+?)\*\* <small>\((\w+)\)</small>: .*?\]\((?:\.\./)?(sources/[^)]+)\)", timeline_md, re.M
    )


def test_a_dated_article_resolves_relative_dates_against_its_published_date(
    project: Path, run_cli: Run, tmp_path: Path
) -> None:
    (project / "sources/miners-move-abroad.md").write_text(DATED, encoding="utf-8")
    report = tmp_path / "report.json"
    assert run_cli("generate", "--root", project, "--report", report).exit_code == 0
    page = (project / "docs/timeline.md").read_text(encoding="utf-8")
    assert _entries(page) == [
        ("2019", "year", "sources/china-crypto-crackdown.md#p6"),  # "in 2019", undated reference article
        ("2019", "year", "sources/miners-move-abroad.md#p2"),
        ("2020", "year", "sources/miners-move-abroad.md#p3"),  # "Last year"
        ("May 2021", "month", "sources/miners-move-abroad.md#p1"),  # "in May this year"
        ("August 2021", "month", "sources/miners-move-abroad.md#p2"),  # "Last month"
        ("24 September 2021", "day", "sources/miners-move-abroad.md#p2"),
        ("Week of 27 September 2021", "week", "sources/miners-move-abroad.md#p3"),  # "earlier this week"
    ]
    # Each entry quotes its sentence and says how a relative date was read.
    assert "“The crackdown on crypto mining in May this year forced the big farms to leave.”" in page
    assert "“in May this year” read from its publication date, 27 September 2021" in page
    # The undated reference article still has no resolved "May this year": only a warning.
    warnings = json.loads(report.read_text(encoding="utf-8"))["timeline"]["warnings"]
    assert [(w["source"], w["phrase"]) for w in warnings] == [
        ("sources/china-crypto-crackdown.txt", "in May this year")
    ]


def test_an_undated_article_keeps_explicit_dates_and_warns_about_relative_ones(
    project: Path, run_cli: Run, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    assert run_cli("generate", "--root", project, "--report", report).exit_code == 0
    page = (project / "docs/timeline.md").read_text(encoding="utf-8")
    assert _entries(page) == [("2019", "year", "sources/china-crypto-crackdown.md#p6")]
    assert "Digital yuan's development was completed in 2019 itself" in page
    assert "May this year" not in page.split("{: .lead }")[1]  # never an entry, only in our intro
    (warning,) = json.loads(report.read_text(encoding="utf-8"))["timeline"]["warnings"]
    assert warning == {
        "source": "sources/china-crypto-crackdown.txt",
        "paragraph": 3,
        "phrase": "in May this year",
        "message": "relative date 'in May this year' left out of the timeline: the article has no published date",
    }


def test_date_phrases_and_their_precision() -> None:
    text = " | ".join(
        [
            "It began in 2019.",
            "Trials ran from May 2021.",
            "The rule came on 24 September 2021.",
            "It was signed Sept. 24.",
            "The price fell last month.",
            "Talks were held earlier this week.",
            "It rose three weeks ago.",
            "Miners left last May.",
            "You may not mine, May said.",  # the verb and a name are not dates
            "It cost $2019 and 2019% more.",  # numbers are not years
            "Output fell two days ago and over the past week.",
        ]
    )
    found = [(e.when.label, e.when.precision, e.phrase) for e in collect([_article(text, date(2021, 9, 27))]).events]
    assert found == [
        ("2019", "year", "in 2019"),
        ("May 2021", "month", "from May 2021"),
        ("May 2021", "month", "last May"),
        ("August 2021", "month", "last month"),
        ("Week of 6 September 2021", "week", "three weeks ago"),
        ("Week of 20 September 2021", "week", "past week"),
        ("24 September 2021", "day", "on 24 September 2021"),
        ("24 September 2021", "day", "Sept. 24"),
        ("25 September 2021", "day", "two days ago"),
        ("Week of 27 September 2021", "week", "earlier this week"),
    ]
    undated = collect([_article(text, None)])
    assert [e.phrase for e in undated.events] == ["in 2019", "from May 2021", "on 24 September 2021"]
    assert [w["phrase"] for w in undated.warnings] == [
        "Sept. 24",
        "last month",
        "earlier this week",
        "three weeks ago",
        "last May",
        "two days ago",
        "past week",
    ]


def test_no_dated_event_means_no_timeline_page_and_the_site_still_builds(project: Path, run_cli: Run) -> None:
    source = project / "sources/china-crypto-crackdown.txt"
    source.write_text(source.read_text(encoding="utf-8").replace(" in 2019 itself", ""), encoding="utf-8")
    assert run_cli("generate", "--root", project).exit_code == 0
    assert not (project / "docs/timeline.md").exists()
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    assert not (project / "site/timeline").exists()
    assert (project / "site/glossary/index.html").exists()


def test_a_long_timeline_gets_a_page_per_year(project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeline, "ONE_PAGE", 3)  # as if the corpus had thousands of dated events
    (project / "sources/miners-move-abroad.md").write_text(DATED, encoding="utf-8")
    assert run_cli("generate", "--root", project).exit_code == 0
    assert not (project / "docs/timeline.md").exists()
    docs = project / "docs/timeline"
    assert sorted(p.name for p in docs.iterdir()) == ["2019.md", "2020.md", "2021.md", "index.md"]
    index = (docs / "index.md").read_text(encoding="utf-8")
    assert "| [2019](2019.md) | 2 |" in index and "| [2021](2021.md) | 4 |" in index
    year = (docs / "2021.md").read_text(encoding="utf-8")
    assert [label for label, _, _ in _entries(year)] == [
        "May 2021",
        "August 2021",
        "24 September 2021",
        "Week of 27 September 2021",
    ]
    assert "](../sources/miners-move-abroad.md#p1)" in year
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    home = (project / "site/index.html").read_text(encoding="utf-8")
    assert 'href="timeline/"' in home  # a Timeline section in the navigation...
    assert 'href="timeline/2021/"' not in home  # ...whose years only its own pages list (one level down)
    index_html = (project / "site/timeline/index.html").read_text(encoding="utf-8")
    assert 'href="../2021/"' in index_html or 'href="2021/"' in index_html


# Reading web copy (issue 9): dates without a year, weekdays, openers, furniture, off-topic articles.

RULES = load_rules((ROOT / "config/guides.yml").read_text(encoding="utf-8"), "config/guides.yml")


def _events(text: str, published: date | None, rules: GuideRules = RULES) -> list[tuple[str, str]]:
    return [(e.when.label, e.phrase) for e in collect([_article(text, published)], rules).events]


def test_a_month_without_a_year_is_the_latest_one_not_after_publication() -> None:
    text = " | ".join(
        [
            "The regulator said in November that miners must leave.",  # November 2021, not 2022
            "Rules were drafted in January.",  # the month of publication: this year
            "The first warning came on 3 December.",  # a day without a year: last December
            "Tracking will start in December, officials said.",  # a future word before it: this December
            "The court is due to rule on 2 March.",
            "The Games, which open on 4 February, will use the app.",  # a day: the nearest one
        ]
    )
    assert sorted(_events(text, date(2022, 1, 19))) == sorted(
        [
            ("November 2021", "in November"),
            ("January 2022", "in January"),
            ("3 December 2021", "on 3 December"),
            ("December 2022", "in December"),
            ("2 March 2022", "on 2 March"),
            ("4 February 2022", "on 4 February"),
        ]
    )


def test_a_weekday_is_read_against_the_published_date() -> None:
    # 19 January 2022 was a Wednesday.
    text = " | ".join(
        [
            "On Friday, the central bank repeated its warning.",  # 14 January
            "Regulators met miners on Tuesday.",  # 18 January
            "The notice was posted on Wednesday.",  # the day of publication itself
            "A similar notice came last Wednesday.",  # the week before
            "The ministry will answer on Friday.",  # a future word: the coming Friday
            "Shops close on Sundays.",  # a habit, not a date
            "Black Friday sales fell.",  # a name, not a date
            "On Friday, 24 September 2021 the ban was announced.",  # the full date wins
            "A notice dated Monday named 26 farms.",  # without "on", as wire copy writes it
            "The Sunday Times reported it.",  # a newspaper
        ]
    )
    assert _events(text, date(2022, 1, 19)) == [
        ("24 September 2021", "24 September 2021"),
        ("12 January 2022", "last Wednesday"),
        ("14 January 2022", "On Friday"),
        ("17 January 2022", "Monday"),
        ("18 January 2022", "on Tuesday"),
        ("19 January 2022", "on Wednesday"),
        ("21 January 2022", "on Friday"),
    ]
    undated = collect([_article(text, None)], RULES)
    assert [e.phrase for e in undated.events] == ["24 September 2021"]
    assert [w["phrase"] for w in undated.warnings] == [
        "On Friday",
        "on Tuesday",
        "on Wednesday",
        "last Wednesday",
        "on Friday",
        "Monday",
    ]


def test_months_in_a_row_ranges_and_habits() -> None:
    text = " | ".join(
        [
            "Measures announced in May and June hit the miners.",  # the second month has no "in"
            "The pilot ran from mid-August to late September.",
            "In May, and June Wu said so again.",  # a name, not a month
            "The week in tech policy, every Friday.",  # a habit
        ]
    )
    assert sorted(_events(text, date(2021, 10, 14))) == [
        ("August 2021", "mid-August"),
        ("June 2021", "June"),
        ("May 2021", "In May"),
        ("May 2021", "in May"),
        ("September 2021", "late September"),
    ]


def test_a_wire_dateline_does_not_date_the_event() -> None:
    text = " | ".join(
        [
            "XINING, June 10 (Harbour Press) - Qinghai closed its mines, a notice dated Wednesday said.",
            # The news is "today": the dateline dates it.
            "SINGAPORE, Oct. 14, 2021 /Wire/ -- Hashgrid today published estimates from May 2021.",
            "LONDON, June 10 (Harbour Press) - Miners left.",  # the only date of the sentence
        ]
    )
    assert _events(text, date(2021, 6, 10)) == [
        ("May 2021", "from May 2021"),
        ("9 June 2021", "Wednesday"),
        ("10 June 2021", "June 10"),
        ("14 October 2021", "Oct. 14, 2021"),
    ]


def test_a_sentence_that_opens_with_a_month_is_read() -> None:
    text = "In May, the big farms left Sichuan. | Since March the rigs have been dark. | May said no."
    assert _events(text, date(2021, 9, 27)) == [("March 2021", "Since March"), ("May 2021", "In May")]


FURNITURE = """\
---
title: Miners told to leave
publisher: Example News
published: 2022-01-19
---
Miners told to leave

By Jane Doe, Senior Reporter

Published Jan 19, 2022 10:15 am ET

Updated 3 hours ago

China's regulator said in November that every crypto mining farm must close, and on Friday it named the first ones.

A mining farm in Sichuan in May 2021. Photo: Getty Images

Read more: Beijing widens the ban, January 12, 2022

Jane Doe is a senior reporter covering fintech for Example News. She joined in 2015.
"""


def test_no_timeline_entry_from_bylines_stamps_captions_or_bios(project: Path, run_cli: Run) -> None:
    (project / "sources/miners-told-to-leave.md").write_text(FURNITURE, encoding="utf-8")
    assert run_cli("generate", "--root", project).exit_code == 0
    page = (project / "docs/timeline.md").read_text(encoding="utf-8")
    assert _entries(page) == [  # the byline and stamps are removed as boilerplate: the body is paragraph 1
        ("2019", "year", "sources/china-crypto-crackdown.md#p6"),
        ("November 2021", "month", "sources/miners-told-to-leave.md#p1"),
        ("14 January 2022", "day", "sources/miners-told-to-leave.md#p1"),
    ]
    for furniture in ("Jane Doe", "Published", "Updated", "Getty", "Read more", "2015"):
        assert furniture not in page.split("{: .lead }")[1], furniture


def test_captions_credits_and_run_on_furniture_are_not_read() -> None:
    paragraph = Paragraph(
        1,
        tuple(
            Sentence(text, 1, i)
            for i, text in enumerate(
                [
                    "Miners left Sichuan in June 2021.",
                    "Rows of rigs at a farm in Ganzi in 2020.",  # the caption of the credit after it
                    "Photo: Reuters",
                    "Prices fell by a third in 2021.",
                    "Latest Stories Panda base reopens 1 hour ago Rain warning for the basin 3 hours ago",
                ]
            )
        ),
        None,
    )
    article = Article("a", "A", SourceMeta(), "sources/a.txt", (paragraph,))
    assert [s.index for s in body_sentences(article, RULES)] == [0, 3]
    assert [e.when.label for e in collect([article], RULES).events] == ["2021", "June 2021"]


@pytest.mark.parametrize(
    "line",
    [
        "Image caption, Mining machines stacked in racks at a site that was shut earlier this year",
        "People's Bank of China, Progress of Research and Development of E-CNY in China, July 2021.",
        "© Harbour Press 2021.",
        "You have 2 free articles left this month.",
        "That's all for this week.",
        "Log in By Tariq Haddad January 20, 2022 Months after China declared mining finished, it went on.",
        "Ingrid Solberg writes about surveillance and digital rights.",
        "She was previously based in Beijing.",
        "Updated: Sep 24, 2021 / 08:14 AM EDT",
        "Published: 14:22, 26 May 2021 | Updated: 16:05, 26 May 2021",
        "Home / Business / Energy",
    ],
)
def test_furniture_lines_are_recognised(line: str) -> None:
    assert RULES.is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "By May, most miners had left.",
        "By the end of October, 140 million wallets had been opened.",
        "The rules, signed by Li Wei on 3 May 2021, took effect.",
        "Colin Wu, a journalist who covers the industry, shared the file on Sunday.",
        "The photo showed rigs in a flat.",
    ],
)
def test_body_sentences_are_not_furniture(line: str) -> None:
    assert not RULES.is_furniture(line)


def test_paragraphs_that_are_not_prose_are_not_read() -> None:
    rules = RULES
    label = Paragraph(1, (Sentence("Posted in Markets, Regulation, 2021", 1, 0),), None)
    prose = Paragraph(2, (Sentence("Miners left in 2021.", 2, 1),), None)
    headline = Paragraph(
        3,
        (Sentence("China Bans Crypto Mining in 2021 as Beijing Widens Its Crackdown on Home Rigs and Farms", 3, 2),),
        None,
    )
    long_line = Paragraph(
        4, (Sentence("The ban that came in 2021 was the end of an era for the miners of the province", 4, 3),), None
    )
    assert [rules.is_prose(p.text) for p in (label, prose, headline, long_line)] == [False, True, False, True]
    article = Article("a", "A", SourceMeta(), "sources/a.txt", (label, prose, headline, long_line))
    assert [s.index for s in body_sentences(article, rules)] == [1, 3]


def test_off_topic_articles_stay_out_of_the_timeline(project: Path, run_cli: Run) -> None:
    off_topic = "---\ntitle: Harbour news\npublished: 2022-05-02\n---\nHarbour news\n\n"
    off_topic += "The ferry timetable changed on 3 March 2022, and the harbour festival returned in April.\n"
    (project / "sources/harbour-news.md").write_text(off_topic, encoding="utf-8")
    (project / "sources/miners-told-to-leave.md").write_text(FURNITURE, encoding="utf-8")
    assert run_cli("generate", "--root", project).exit_code == 0
    page = (project / "docs/timeline.md").read_text(encoding="utf-8")
    assert "harbour-news" not in page and "ferry" not in page
    assert (project / "docs/articles/harbour-news.md").exists()  # it keeps its own page
    home = (project / "docs/index.md").read_text(encoding="utf-8")
    listed, apart = home.split("## Sources")[1].split("## Other articles")
    assert "sources/miners-told-to-leave.md" in listed and "harbour-news" not in listed
    assert "[Harbour news](articles/harbour-news.md)" in apart


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("furniture:\n  - '^by ('\n", 2, "furniture pattern '^by (' is not a regular expression the safe matcher"),
        ("credits:\n  - 'by (?!May)'\n", 2, "credits pattern 'by (?!May)' is not a regular expression the safe"),
        ("credits: Photo\n", 1, "'credits' must be a list of strings"),
        ("min_function_share: 2\n", 1, "'min_function_share' must be a number from 0 to 1"),
        ("min_prose_words: 2.5\n", 1, "'min_prose_words' must be a whole number >= 0"),
        ("furniture: []\nstop: [The]\n", 2, "unknown key 'stop'"),
    ],
)
def test_guides_rules_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ExplainerError) as error:
        load_rules(text, "config/guides.yml")
    assert str(error.value).startswith(f"config/guides.yml:{line}: {message}")


def test_a_bad_guides_file_stops_check(project: Path, run_cli: Run) -> None:
    (project / "config/guides.yml").write_text("furniture:\n  - '(unclosed'\n", encoding="utf-8")
    result = run_cli("check", "--root", project)
    assert result.exit_code == 1
    assert "config/guides.yml:2: furniture pattern '(unclosed' is not a regular expression" in result.stderr
