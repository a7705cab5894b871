"""Web furniture: each kind the block classifier removes, the body text it
keeps, the structure of copied text, the report and the overrides.

The samples are written for these tests, shaped like text copied from news
pages; none is taken from a real site.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result as CliResult

from explainer.clean import BoilerplateMatcher, clean
from explainer.config import load_boilerplate
from explainer.errors import ExplainerError
from explainer.furniture import summary
from explainer.ingest import ingest
from explainer.model import Heading
from explainer.segment import segment
from tests.helpers import REFERENCE, ROOT

BOILERPLATE = ROOT / "config" / "boilerplate.yml"
RULES = load_boilerplate(BOILERPLATE.read_text(encoding="utf-8"), str(BOILERPLATE))
MATCHER = BoilerplateMatcher(RULES)
Run = Callable[..., CliResult]

BODY_1 = (
    "The provincial energy bureau said on Monday that it would cut power to every known mining site by the end of"
    " the month, widening a campaign that began in the spring."
)
BODY_2 = (
    "Officials told grid companies to compare household meters with their usual use and to report any address"
    " whose consumption had tripled since last year."
)
BODY_3 = (
    "Analysts said the move would push the remaining small operators abroad, where electricity is cheaper and the"
    " rules are clearer."
)


@dataclass
class Result:
    title: str
    paragraphs: list[str]
    headings: list[str]
    removed: dict[str, str]  # text -> kind

    def kept(self, text: str) -> bool:
        return any(text in p for p in [*self.paragraphs, *self.headings])


def judge(text: str, path: str = "sources/a.txt", sidecar: str | None = None) -> Result:
    side = (path.rsplit(".", 1)[0] + ".yml", sidecar.encode()) if sidecar else None
    doc = clean(ingest(path, text.encode(), side), MATCHER)
    article = segment(doc)
    return Result(
        title=article.title,
        paragraphs=[p.text for p in article.paragraphs],
        headings=[b.text for b in article.blocks if isinstance(b, Heading)],
        removed={r.text: r.kind for r in doc.removed},  # text as cleaned: single spaces
    )


def article(*lines: str, title: str = "Province Cuts Power to Bitcoin Miners in New Crackdown") -> str:
    """A story with one paragraph per line, as pasted from a browser."""
    return "\n".join([title, *lines]) + "\n"


# ---------------------------------------------------------------------------
# Each kind of furniture, where it usually sits


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("By Wen Hao and Clara Brandt", "byline"),
        ("By Wen Hao, Senior Correspondent | Updated 2 hours ago", "byline"),
        ("Wen Hao · 14 March 2022 · 5 min read", "byline"),
        ("Markets Correspondent", "byline"),
        ("Published: 09:41, 14 March 2022 | Updated: 11:02, 14 March 2022", "timestamp"),
        ("Mon 14 Mar 2022 09.41 GMT", "timestamp"),
        ("March 14, 2022 at 9:41 a.m. ET", "timestamp"),
        ("3 min read", "timestamp"),
        ("CHENGDU, March 14 (Reuters) -", "dateline"),
        ("(AFP)", "agency"),
        ("With inputs from agencies", "agency"),
        ("Reporting by Wen Hao in Chengdu; Editing by Clara Brandt", "byline"),
    ],
)
def test_bylines_datelines_timestamps_and_agency_lines_at_the_top(line: str, kind: str) -> None:
    result = judge(article(line, BODY_1, BODY_2, BODY_3))
    assert result.removed.get(line) == kind
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]


@pytest.mark.parametrize(
    ("lines", "kinds"),
    [
        (["Rows of rigs at a closed farm in Ya'an. (Photo: Wen Hao/Example Wire)"], ["caption"]),
        (["A worker carries a machine out of a warehouse. REUTERS/Li Ming"], ["caption"]),
        (["Image: Getty Images"], ["credit"]),
        (["Illustration by Clara Brandt for Example News"], ["credit"]),
        (["FILE PHOTO: Mining machines are seen at a site in Sichuan, 2020."], ["caption"]),
    ],
)
def test_captions_and_credits_between_paragraphs(lines: list[str], kinds: list[str]) -> None:
    result = judge(article(BODY_1, *lines, BODY_2, BODY_3))
    assert [result.removed.get(line) for line in lines] == kinds
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]  # the caption is not glued to a paragraph


def test_share_bar_and_interruptions_inside_the_body() -> None:
    furniture = [
        "Share this article",
        "Facebook  Twitter  LinkedIn  Email",
        "STORY CONTINUES BELOW",
        "Advertisement - Scroll to continue",
        "Video Player is loading.",
        "0:00 / 2:14",
        "WATCH: Police seize rigs in a village raid",
    ]
    result = judge(article(furniture[0], furniture[1], BODY_1, *furniture[2:4], BODY_2, *furniture[4:], BODY_3))
    furniture = [" ".join(line.split()) for line in furniture]
    assert set(furniture) <= set(result.removed)
    assert {result.removed[line] for line in furniture} >= {"share", "interruption", "advert", "video"}
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]


def test_newsletter_box_with_its_title_and_consent_line() -> None:
    box = [
        "The China Tech Brief",
        "The week's biggest stories on technology and regulation, every Friday.",
        "Enter your email",
        "Sign up",
        "By signing up you agree to our Terms of Use and acknowledge our Privacy Policy.",
    ]
    result = judge(article(BODY_1, BODY_2, *box, BODY_3))
    assert set(box) <= set(result.removed), result.removed
    assert result.removed[box[4]] == "consent"
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]
    assert "The China Tech Brief" not in result.headings


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Presented by Ledgerly: crypto tax reports in minutes. Try it free for 14 days →", "advert"),
        ("Markets Morning: the six stories moving Asia, before the bell. Sign up", "newsletter"),
        ("The Disputes Desk: the weekly briefing for lawyers in Asia. Sign up free", "newsletter"),
        ("That's it for today. See you on Monday, and thanks for reading.", "newsletter"),
        ("Correction, 3 May 2024: An earlier version of this article gave the wrong date for the vote.", "other"),
        ("Next week: how the pools moved their servers after the ban.", "other"),
        ("This article is part of our series on shadow banking. Some names have been changed.", "other"),
        ("Workers load mining machines onto a lorry in Ya'an. Zhou Min/Staff", "caption"),
    ],
)
def test_sponsor_sign_up_sign_off_correction_and_teaser_lines_go(line: str, kind: str) -> None:
    result = judge(article(BODY_1, BODY_2, line, BODY_3))
    assert result.removed.get(line) == kind, result.removed
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]


def test_body_sentences_like_those_lines_stay() -> None:
    lines = [
        "Sponsored by the provincial government, the scheme has paid for new meters.",
        "Residents were asked to register. Many did not.",
        "The bureau said it would publish the list next week: miners have until then to leave.",
        "Thanks to the new rules, readers of meters can report a site in a day.",
        "This report is part of a wider inquiry into the grid, officials said.",
    ]
    result = judge(article(BODY_1, *lines, BODY_2))
    assert result.paragraphs == [BODY_1, *lines, BODY_2]


def test_related_section_with_headlines_and_relative_times_ends_the_article() -> None:
    tail = [
        "More from Markets",
        "Ether slides as traders brace for tighter rules",
        "35 minutes ago",
        "What the new mining rules mean for small investors",
        "2 hours ago",
        "Why miners are moving their machines to Kazakhstan",
        "Yesterday",
    ]
    result = judge(article(BODY_1, BODY_2, BODY_3, *tail))
    assert set(tail) <= set(result.removed)
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]


def test_a_related_list_inside_the_body_stops_where_the_body_resumes() -> None:
    result = judge(
        article(BODY_1, "Related stories", "Bitcoin falls below $40,000", "Yuan pilot reaches Beijing", BODY_2, BODY_3)
    )
    assert {"Related stories", "Bitcoin falls below $40,000", "Yuan pilot reaches Beijing"} <= set(result.removed)
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]


def test_author_bio_follow_prompt_tags_and_comments_at_the_end() -> None:
    tail = [
        "Wen Hao is a senior correspondent based in Chengdu, covering energy and technology.",
        "Follow him on X @wenhao_news",
        "Tags: Bitcoin, Mining, Sichuan, Energy",
        "14 Comments",
        "Join the conversation",
        "Comments are moderated and may take up to 24 hours to appear. Please read our community guidelines.",
        "cryptofan88",
        "This was always going to happen once the rains stopped, the farms were never going to last.",
        "Reply",
    ]
    result = judge(article(BODY_1, BODY_2, BODY_3, *tail))
    assert set(tail) <= set(result.removed), [line for line in tail if line not in result.removed]
    assert result.removed[tail[0]] == "bio" and result.removed[tail[2]] == "tags"
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]


def test_repeated_headline_cookie_notice_masthead_menu_and_machine_lines() -> None:
    title = "Province Cuts Power to Bitcoin Miners in New Crackdown"
    lines = [
        "We use cookies to give you the best experience on our site. By continuing to browse you agree to our"
        " use of cookies.",
        "Accept all",
        "THE EVENING LEDGER",
        "NEWS   BUSINESS   TECH   SPORT   OPINION",
        "Energy",
        title,
        "Province Cuts Power to Bitcoin Miners in New Crackdown | The Evening Ledger",
        BODY_1,
        "utm_source=newsletter&utm_medium=email&utm_campaign=daily",
        "%E5%9B%BD%E5%AE%B6%E5%8F%91%E6%94%B9%E5%A7%94",
        BODY_2,
        BODY_3,
    ]
    result = judge("\n".join(lines) + "\n")
    assert result.title == title
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]
    assert result.removed[lines[6]] == "headline_repeat"
    assert result.removed[lines[0]] == "cookie" and result.removed[lines[8]] == "machine"


def test_headline_given_in_the_sidecar_everything_above_it_is_the_page_header() -> None:
    sidecar = "title: Province Cuts Power to Bitcoin Miners\npublisher: The Evening Ledger\nauthor: Wen Hao\n"
    text = "\n".join(
        [
            "BTC $41,020 -2.3%   ETH $2,840 -1.9%",
            "The Evening Ledger",
            "Log in",
            "Energy",
            "Province Cuts Power to Bitcoin Miners",
            "Wen Hao",
            BODY_1,
            BODY_2,
            BODY_3,
        ]
    )
    result = judge(text + "\n", sidecar=sidecar)
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]
    assert result.headings == []
    assert result.removed["Wen Hao"] == "byline" and result.removed["The Evening Ledger"] == "nav"


# ---------------------------------------------------------------------------
# Never remove the article: short body lines stay


def test_short_body_lines_stay_one_sentence_paragraphs_quotations_and_subheadings() -> None:
    text = article(
        BODY_1,
        '"There is nowhere left to go," one miner said.',
        "Advertisement",
        "It is the toughest move yet.",
        "What happens next",
        BODY_2,
        "Nobody answered.",
        BODY_3,
    )
    result = judge(text)
    assert result.paragraphs == [
        BODY_1,
        '"There is nowhere left to go," one miner said.',
        "It is the toughest move yet.",
        BODY_2,
        "Nobody answered.",
        BODY_3,
    ]
    assert result.headings == ["What happens next"]
    assert result.removed == {"Advertisement": "advert"}


def test_a_standfirst_under_the_headline_stays() -> None:
    standfirst = "Grid companies told to compare meters as the campaign reaches home rigs"
    result = judge(article(standfirst, "By Wen Hao", "14 March 2022", BODY_1, BODY_2))
    assert result.paragraphs[0] == standfirst


def test_body_words_that_look_like_furniture_stay() -> None:
    lines = [
        "Shares of the mining company fell 12% in Hong Kong on Monday.",
        "The video is believed to show police removing machines from a farm.",
        "Users must register an account with their real name before trading.",
        "Supported by the central bank, the pilot has expanded to ten cities.",
        "Photos by residents showed trucks leaving the site at night.",
        "Follow-up inspections will begin in April, the bureau said.",
    ]
    result = judge(article(BODY_1, *lines, BODY_2))
    assert result.paragraphs == [BODY_1, *lines, BODY_2]


def test_a_text_of_only_short_lines_is_not_removed_whole() -> None:
    result = judge("Notice\n\nMining banned\n\nEffective today\n\nAll sites\n")
    assert result.paragraphs  # the context rules are undone rather than leave nothing


# ---------------------------------------------------------------------------
# The structure of copied text


def test_single_line_breaks_separate_paragraphs() -> None:
    result = judge(article(BODY_1, BODY_2, BODY_3))
    assert result.paragraphs == [BODY_1, BODY_2, BODY_3]


def test_hard_wrapped_text_is_joined_into_paragraphs() -> None:
    wrapped = (
        "Miners Leave Sichuan\n\n"
        "The provincial energy bureau said on Monday that it would cut power to\n"
        "every known mining site by the end of the month, widening a campaign\n"
        "that began in the spring and has already closed dozens of farms.\n\n"
        "Officials told grid companies to compare household meters with their\n"
        "usual use and to report any address whose consumption had tripled.\n"
    )
    result = judge(wrapped)
    assert len(result.paragraphs) == 2
    assert result.paragraphs[0].startswith("The provincial energy bureau") and result.paragraphs[0].endswith("farms.")


def test_a_line_broken_mid_sentence_continues_its_paragraph() -> None:
    result = judge(
        article("The bureau said the cut would reach every site in", "the province by the end of May.", BODY_2)
    )
    assert result.paragraphs[0] == "The bureau said the cut would reach every site in the province by the end of May."


@pytest.mark.parametrize("marker", ["-", "*", "•"])
def test_bullet_lists_in_text_are_lists(marker: str) -> None:
    text = article(
        "The notice lists three measures:",
        f"{marker} Power cuts for every known mining site.",
        f"{marker} Fines for landlords who rent space to miners.",
        f"{marker} Reports from grid companies every week.",
        BODY_2,
    )
    result = judge(text)
    assert result.paragraphs[1:4] == [
        "Power cuts for every known mining site.",
        "Fines for landlords who rent space to miners.",
        "Reports from grid companies every week.",
    ]


def test_numbered_lists_in_text_are_lists_and_keep_their_numbers() -> None:
    result = judge(
        article("The notice lists two measures:", "1. Power cuts for mining sites.", "2. Fines for landlords.", BODY_2)
    )
    assert result.paragraphs[1:3] == ["1. Power cuts for mining sites.", "2. Fines for landlords."]


def test_short_list_items_at_the_end_stay_when_a_line_introduces_them() -> None:
    text = article(BODY_1, BODY_2, "Sites named in the notice:", "- Ganzi", "- Ya'an", "- Leshan", "Share this article")
    result = judge(text)
    assert result.paragraphs[-3:] == ["Ganzi", "Ya'an", "Leshan"]
    assert "Share this article" in result.removed


def test_short_list_items_under_a_subheading_stay_when_only_furniture_follows() -> None:
    text = "\n\n".join(
        [
            "# " + "Province Cuts Power to Bitcoin Miners",
            BODY_1,
            BODY_2,
            "## Key dates",
            "- May 2021: the ban on mining",
            "- June 2021: the power cuts",
            "Share this article",
        ]
    )
    result = judge(text + "\n", path="sources/a.md")
    assert result.paragraphs[-2:] == ["May 2021: the ban on mining", "June 2021: the power cuts"]
    assert "Share this article" in result.removed


def test_a_subheading_is_never_furniture_or_a_line_without_body_after_it() -> None:
    text = article(BODY_1, "Sign up for our newsletter", "Sponsored", "The rules", BODY_2, "Most Read", "Bitcoin falls")
    result = judge(text)
    assert result.headings == ["The rules"]
    assert "Most Read" in result.removed and "Bitcoin falls" in result.removed


# ---------------------------------------------------------------------------
# The report, the summary and overrides


def test_every_removed_line_has_its_kind_and_rule() -> None:
    doc = clean(ingest("sources/ref.txt", REFERENCE.read_bytes()), MATCHER)
    assert [(r.text, r.kind) for r in doc.removed] == [
        ("Source link", "other"),
        ("Related Articles", "related"),
        ("Leave a Reply", "comments"),
        ("Your email address will not be published. Required fields are marked *", "comments"),
        ("Back to top button", "nav"),
    ]
    assert all(r.rule for r in doc.removed)


def test_summary_counts_lines_by_label_in_order() -> None:
    labels = {k.name: k.label for k in RULES.kinds}
    removed = [("byline", "By A"), ("timestamp", "1 hour ago"), ("caption", "x"), ("related", "y"), ("related", "z")]
    assert summary(removed, labels) == (
        "5 lines removed as boilerplate: 2 bylines and timestamps, 1 caption, 2 related links"
    )
    assert summary([], labels) == "no lines removed as boilerplate"


def test_front_matter_keeps_and_drops_lines() -> None:
    text = (
        "---\nboilerplate:\n  keep: ['Photo: the farm after the raid']\n  drop: ['Officials declined...']\n---\n"
        + article("Photo: the farm after the raid", BODY_1, "Officials declined to say more.", BODY_2)
    )
    result = judge(text)
    assert result.kept("Photo: the farm after the raid") and result.paragraphs[-2:] == [BODY_1, BODY_2]
    assert result.removed == {"Officials declined to say more.": "override"}


def test_an_override_that_matches_no_line_is_an_error_with_its_line() -> None:
    text = "---\nboilerplate:\n  drop:\n    - Not in the text\n---\n" + article(BODY_1)
    with pytest.raises(ExplainerError, match=r"^sources/a\.txt:4: boilerplate drop: 'Not in the text' is not a line"):
        judge(text)


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("boilerplate: yes\n", r"a\.txt:2: field 'boilerplate' must be a mapping"),
        ("boilerplate:\n  hide: [x]\n", r"a\.txt:2: field 'boilerplate' takes 'keep' and 'drop'"),
        ("boilerplate:\n  keep:\n    - 12\n", r"a\.txt:4: 'boilerplate: keep' entry 1 must be a line of text"),
    ],
)
def test_bad_overrides_are_errors_naming_file_and_line(front: str, message: str) -> None:
    with pytest.raises(ExplainerError, match=message):
        judge(f"---\n{front}---\n" + article(BODY_1))


def test_overrides_in_a_sidecar() -> None:
    result = judge(article("Markets Correspondent", BODY_1), sidecar="boilerplate:\n  keep: [Markets Correspondent]\n")
    assert result.kept("Markets Correspondent") and not result.removed


# ---------------------------------------------------------------------------
# The rules file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kinds:\n  byline:\n    label: [a, b]\n    patterns: ['by {nobody}']\n", r":4: \{nobody\} names no word list"),
        ("kinds:\n  byline:\n    label: [a]\n", r":3: 'label' must be two words"),
        ("kinds:\n  byline:\n    label: [a, b]\n    colour: red\n", r":4: unknown key 'colour'"),
        ("kinds:\n  byline:\n    label: [a, b]\n    patterns: ['(a']\n", r":4: pattern '\(a' is not a regular"),
        ("glue: [on, off]\n", r":1: True is not a word or line \(quote words such as 'on'"),
        ("stoplists: {en: Klingon}\n", r":1: no jusText stop list is called 'Klingon'"),
        ("thresholds: {length_low: fast}\n", r":1: threshold 'length_low' must be a number"),
        ("kinds:\n  byline:\n    label: [a, b]\n    near: [nowhere]\n", r":4: 'near' names no kind"),
    ],
)
def test_bad_rules_are_errors_naming_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ExplainerError, match=message):
        load_boilerplate(text, "config/boilerplate.yml")


# ---------------------------------------------------------------------------
# The command line: one summary line per new or changed article


def test_generate_prints_what_it_removed_for_new_and_changed_articles_only(project: Path, run_cli: Run) -> None:
    first = run_cli("generate", "--root", project, "--report", project / "report.json")
    assert first.exit_code == 0, first.stderr
    assert (
        "sources/china-crypto-crackdown.txt: 5 lines removed as boilerplate: 1 other line, 1 related link,"
        " 2 comment-section lines, 1 navigation line"
    ) in first.stderr
    report = json.loads((project / "report.json").read_text(encoding="utf-8"))
    removed = report["articles"][0]["removed"]
    assert removed[1] == {"line": 20, "text": "Related Articles", "kind": "related", "rule": "opens"}
    (project / "sources/miners.txt").write_text(article("By Wen Hao", "2 hours ago", BODY_1, BODY_2), encoding="utf-8")
    second = run_cli("generate", "--root", project)
    assert "sources/miners.txt: 2 lines removed as boilerplate: 2 bylines and timestamps" in second.stderr
    assert "china-crypto-crackdown.txt:" not in second.stderr  # unchanged: not repeated
    assert "removed as boilerplate" not in run_cli("generate", "--root", project, "-q").stderr


# ---------------------------------------------------------------------------
# Saved web pages: the standfirst stays; related links and bios that survive
# extraction go

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Grid Companies Told to Hunt Home Miners | Example Ledger</title></head><body>
<main><article>
<h1>Grid Companies Told to Hunt Home Miners</h1>
<div class="story-summary">Provinces want meter readings compared with last year's, address by address</div>
<p class="byline">By Wen Hao</p>
<p>{0}</p>
<p>{1}</p>
<p>Read more: Police seize rigs in a village raid</p>
<p>{2}</p>
<p>Wen Hao is a senior correspondent covering energy and technology. Follow him on X @wenhao_news</p>
<p>Related stories</p>
<ul><li>Ether slides as traders brace for rules</li><li>What the mining ban means for landlords</li></ul>
</article></main></body></html>
"""


def test_a_saved_page_keeps_its_standfirst_and_loses_related_links_and_the_bio() -> None:
    result = judge(PAGE.format(BODY_1, BODY_2, BODY_3), path="sources/page.html")
    assert result.title == "Grid Companies Told to Hunt Home Miners"
    assert result.paragraphs == [
        "Provinces want meter readings compared with last year's, address by address",
        BODY_1,
        BODY_2,
        BODY_3,
    ]
    assert result.removed == {  # what trafilatura kept, the classifier drops
        "Read more: Police seize rigs in a village raid": "related",
        "Wen Hao is a senior correspondent covering energy and technology. Follow him on X @wenhao_news": "bio",
        "Related stories": "related",
        "Ether slides as traders brace for rules": "related",
        "What the mining ban means for landlords": "related",
    }


def test_tables_are_not_menus() -> None:
    table = "<table><tr><th>Province</th><th>Share</th></tr><tr><td>Xinjiang</td><td>35.8%</td></tr>" + (
        "<tr><td>Sichuan</td><td>10.3%</td></tr></table>"
    )
    page = PAGE.format(BODY_1, BODY_2 + "</p>" + table + "<p>" + BODY_3, "It is the toughest move yet.")
    result = judge(page, path="sources/page.html")
    assert "Xinjiang · 35.8%" in result.paragraphs and "Sichuan · 10.3%" in result.paragraphs
    copied = judge(article(BODY_1, "Xinjiang    35.8%    2020", "Sichuan    10.3%    2020", BODY_2))
    assert copied.paragraphs == [BODY_1, "Xinjiang 35.8% 2020", "Sichuan 10.3% 2020", BODY_2]


def test_text_without_spaces_between_words_is_judged_too() -> None:
    body = "中国人民银行表示，数字人民币将继续在更多城市试点。"
    quote = '他说:"没有地方可去了。"'
    result = judge(article(body, "Advertisement", quote, "Share this article", title="数字人民币试点扩大"))
    assert result.paragraphs == [body, quote]
