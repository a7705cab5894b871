"""Classify: every paragraph on the page an editor would choose, by the evidence."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from explainer import phrases, reading
from explainer.classify import Classifier, classify, classify_corpus, decide, features, read_article, train
from explainer.config import load_topics
from explainer.model import Article, Heading, Paragraph, Sentence, SiteConfig, SourceMeta
from explainer.pipeline import build, classifier, load_project
from explainer.sections import fits
from tests.helpers import ROOT

TOPICS = """
title: T
summary: S
fallback: general
subheading_weight: 2
topics:
  - {slug: general, title: General, description: An overview., signals: {overview: 1, history: 2}}
  - slug: money
    title: Money
    description: Banks and interest.
    signals: {bank: 1, interest rate: 3, ban: 1, crack down: 2, U.S.: 1}
    examples: [Lenders charge borrowers more when the deposit rate rises.]
  - {slug: law, title: Law, description: Courts and judges., signals: {law: 2, court: 2, judge: 2}}
"""


@pytest.fixture
def config() -> SiteConfig:
    return load_topics(TOPICS, "topics.yml")


def _article(*paragraphs: list[str], heading: str | None = None) -> Article:
    blocks: list[Heading | Paragraph] = []
    if heading:
        blocks.append(Heading(heading))
    index = 0
    for number, sentences in enumerate(paragraphs, start=1):
        items = []
        for text in sentences:
            items.append(Sentence(text, number, index))
            index += 1
        blocks.append(Paragraph(number, tuple(items), heading))
    return Article("a", "A", SourceMeta(), "sources/a.txt", tuple(blocks))


def _topics(article: Article, config: SiteConfig, aliases: tuple[tuple[str, ...], ...] = ()) -> list[str]:
    return [p.topic for p in classify(article, Classifier(config, aliases)).placements]


def test_signals_pick_the_topic_and_plurals_count(config: SiteConfig) -> None:
    article = _article(["The bank raised its interest rate."], ["A court struck down two laws."])
    assert _topics(article, config) == ["money", "law"]


def test_signals_match_inflected_forms_and_phrases_in_their_forms(config: SiteConfig) -> None:
    scores = Classifier(config).read
    for text in ("It was banned.", "They are banning it.", "Two bans."):
        assert scores(text).signals == (0.0, 1.0, 0.0), text
    for text in ("Police cracked down.", "They are cracking down.", "A crackdown.", "The crack-down."):
        assert scores(text).signals == (0.0, 2.0, 0.0), text
    assert scores("The judges ruled; the judge's court.").signals == (0.0, 0.0, 6.0)


def test_matching_is_whole_word_and_case_insensitive(config: SiteConfig) -> None:
    read = Classifier(config).read
    assert read("BANK").signals == (0.0, 1.0, 0.0)
    assert read("bankruptcy, lawn, courtyard, banner").signals == (0.0, 0.0, 0.0)
    assert read("interest\n rates").signals == (0.0, 3.0, 0.0)
    assert read("U.S. banks").signals == (0.0, 2.0, 0.0)
    assert read("Let us see.").signals == (0.0, 0.0, 0.0)  # "U.S." is not "us"


def test_an_alias_counts_for_the_signal_its_entry_names(config: SiteConfig) -> None:
    entry = ("Federal Interest Rate", "FIR")  # say a glossary term and its acronym
    assert Classifier(config).read("The FIR went up.").signals == (0.0, 0.0, 0.0)
    with_entry = Classifier(config, [("interest rate", *entry)])
    assert with_entry.read("The FIR went up.").signals == (0.0, 3.0, 0.0)
    assert with_entry.aliases == {"FIR": phrases.form_key("interest rate"), entry[0]: phrases.form_key("interest rate")}


def test_an_alias_lends_the_heaviest_signal_on_every_python() -> None:
    """The heaviest of an entry's signals is its weights added left to right:
    0.1 + 0.2 + 0.3 is 0.6000000000000001, more than 0.6 ("decision" would
    win the tie, by key, if 3.12's compensated ``sum`` made it 0.6)."""
    text = """
title: T
summary: S
fallback: a
topics:
  - {slug: a, title: A, description: First., signals: {ruling: 0.1, decision: 0.6}}
  - {slug: b, title: B, description: Second., signals: {ruling: 0.2}}
  - {slug: c, title: C, description: Third., signals: {ruling: 0.3}}
"""
    classifier = Classifier(load_topics(text, "topics.yml"), [("decision", "ruling", "verdict")])
    assert classifier.aliases == {"verdict": phrases.form_key("ruling")}


def test_reference_config_claims_acronyms_from_the_glossary_and_names() -> None:
    project = load_project(ROOT, ROOT / "sources", ROOT / "config/topics.yml", ROOT / "config/boilerplate.yml")
    read = classifier(project).read
    slugs = [t.slug for t in project.config.topics]
    for text, slug in (("The PBOC acted.", "crackdown-measures"), ("The NDRC acted.", "crackdown-measures")):
        assert read(text).signals[slugs.index(slug)] > 0, text
    assert read("DCEP pilots").signals[slugs.index("digital-yuan")] > 0


def test_sentences_without_signals_stay_with_their_paragraph(config: SiteConfig) -> None:
    article = _article(["Nothing here.", "The court ruled.", "It was quick.", "Then it paid."])
    assert _topics(article, config) == ["law"] * 4


def test_a_paragraph_stays_whole_unless_a_sentence_is_strongly_elsewhere(config: SiteConfig) -> None:
    reasoning = ["The court heard the case.", "The judge weighed the law.", "So the bank lost."]
    assert _topics(_article(reasoning), config) == ["law"] * 3  # one weak "bank" stays with its paragraph
    strong = [*reasoning[:2], "The bank raised the interest rate."]
    assert _topics(_article(strong), config) == ["law", "law", "money"]


def test_a_silent_paragraph_follows_its_neighbours_not_the_fallback(config: SiteConfig) -> None:
    article = _article(["The court ruled on the law."], ["The facts were these: a flat, a meter, a van."])
    assert _topics(article, config) == ["law", "law"]
    article = _article(["A flat, a meter and a van were involved."], ["The judge cited the law and the court."])
    assert _topics(article, config) == ["law", "law"]


def test_a_single_weak_word_does_not_overrule_the_context(config: SiteConfig) -> None:
    article = _article(
        ["The judge read the law to the court."],
        ["The company's history of operations was long."],  # "history": a weak word for General
        ["The court ruled again under the same law."],
    )
    assert _topics(article, config) == ["law", "law", "law"]
    alone = _article(["The company's history of operations was long."])
    assert _topics(alone, config) == ["general"]


def test_a_silent_article_goes_to_the_fallback_topic(config: SiteConfig) -> None:
    classified = classify(_article(["Nothing at all here."]), Classifier(config))
    assert [(p.topic, p.fallback) for p in classified.placements] == [("general", True)]


def test_similarity_places_a_paragraph_without_signals(config: SiteConfig) -> None:
    # No signal, but the words of Money's example: lenders, borrowers, deposit.
    article = _article(["Lenders told borrowers that the deposit rate would rise."])
    assert _topics(article, config) == ["money"]
    (call,) = decide(article, Classifier(config))
    assert call.signals == (0.0, 0.0, 0.0) and call.similarity[1] > 0.3


def test_a_paragraph_under_a_subheading_leans_to_its_topic(config: SiteConfig) -> None:
    article = _article(["The bank and the court met.", "Nothing else."], heading="New law ahead")
    assert _topics(article, config) == ["law", "law"]


def test_a_subheading_leans_only_when_it_names_a_topic(config: SiteConfig) -> None:
    # "Lenders and borrowers" shares words with Money's example sentence, but
    # names none of its signals: a few words' similarity steers nothing.
    article = _article(["The bank and the court met.", "Nothing else."], heading="Lenders and borrowers")
    assert read_article(article, Classifier(config)).paragraphs[0].lean is None
    named = _article(["The bank and the court met.", "Nothing else."], heading="New law ahead")
    assert read_article(named, Classifier(config)).paragraphs[0].lean == 2
    # A subheading that names two topics about equally leans to neither.
    both = _article(["Nothing else."], heading="The judge and the interest rate")
    assert read_article(both, Classifier(config)).paragraphs[0].lean is None


def test_a_not_signal_takes_the_words_of_a_signal_it_contains() -> None:
    text = TOPICS.replace("subheading_weight: 2", "subheading_weight: 2\nnot_signals: [river bank, bank holiday]")
    config = load_topics(text, "topics.yml")
    read = Classifier(config).read
    assert read("The river bank flooded.").signals == (0.0, 0.0, 0.0)
    assert read("Banks shut for the bank holidays.").signals == (0.0, 1.0, 0.0)  # "banks" alone still counts
    assert read("The river bank flooded.").matched == ()
    assert reading.signal_keys("By the river bank, a bank.", config.topics, config.not_signals) == ["bank"]
    assert read("The bank raised its interest rate.").signals == (0.0, 4.0, 0.0)


def test_a_strong_signal_beats_the_subheading_lean(config: SiteConfig) -> None:
    article = _article(["The interest rate went up at the bank."], heading="Court news")
    assert _topics(article, config) == ["money"]


def test_the_same_input_gives_the_same_placements(config: SiteConfig) -> None:
    article = _article(["The court ruled.", "A bank."], ["History, overview."], ["Nothing."])
    first = decide(article, Classifier(config))
    assert all(decide(article, Classifier(config)) == first for _ in range(3))


def test_placements_do_not_depend_on_string_hashing() -> None:
    code = (
        "import sys; sys.path.insert(0, 'scripts');"
        "from pathlib import Path; from explainer.pipeline import load_project, corpus_model, explain, source_input;"
        "r = Path('.'); p = load_project(r, r/'sources', r/'config/topics.yml', r/'config/boilerplate.yml');"
        "fs = [source_input(f, r) for f in sorted(Path('tests/fixtures/articles').glob('*.*'))"
        " if f.name != 'README.md'];"
        "c, m = corpus_model(p, None, fs); [print(*explain(f, p, c, m)[1], sep='\\n') for f in fs]"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env={"PYTHONHASHSEED": seed}, capture_output=True, text=True
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and "¶1" in outputs.pop()


def test_fit_uses_the_same_evidence_as_placement(config: SiteConfig) -> None:
    # Five sentences, none with a signal; two in the words of a topic's text.
    article = _article(
        ["Lenders raised what borrowers pay.", "Deposit rates rose."], ["A cat sat.", "Rain fell.", "Grass grew."]
    )
    classified = classify(article, Classifier(config))
    assert sum(p.speaks for p in classified.placements) == 2
    assert fits(classified, 0.4) and not fits(classified, 0.5)


def test_related_pages_find_signals_as_the_classifier_does() -> None:
    config = load_topics(TOPICS, "topics.yml")
    text = "The U.S. cracked down on the judges."
    keys = reading.signal_keys(text, config.topics)
    found = {r.topic.slug: r.shared for r in reading.related(config.topics[0], keys, config.topics)}
    assert found == {"money": ("crack down", "u.s."), "law": ("judge",)}
    (placement,) = classify(_article([text]), Classifier(config)).placements
    assert set(placement.signals) == set(keys)  # Related pages read what the classifier found
    assert Classifier(config).read(text).signals[1:] == (3.0, 2.0)


def test_reference_article_keeps_the_defining_sentence_of_each_page() -> None:
    project = load_project(ROOT, ROOT / "sources", ROOT / "config/topics.yml", ROOT / "config/boilerplate.yml")
    site = build(project)  # as generate places them: with the corpus model
    report = site.report["articles"][0]  # type: ignore[index]
    assert report["sentences"] == 13 and report["shown_on"] == "topics"
    placed = {p.sentence.text: p.topic for p in site.articles[0].placements}
    expected = {
        "Shanghai Telecom document shows the IP address": "ip-tracking",
        "Chinese Central Bank deemed all crypto transactions illegal": "crackdown-measures",
        "Chinese judiciary is working towards formulating new laws": "legal-outlook",
        "Digital yuan's development was completed in 2019": "digital-yuan",
        "strict stance against crypto is nothing new": "background",
    }
    for fragment, topic in expected.items():
        (sentence,) = [s for s in placed if fragment in s]
        assert placed[sentence] == topic, sentence
    assert Counter(placed.values()).keys() == {t.slug for t in project.config.topics}


def test_explain_prints_each_paragraph_its_page_runner_up_and_evidence(run_cli: object, project: Path) -> None:
    from click.testing import CliRunner

    from explainer.cli import main

    result = CliRunner().invoke(main, ["explain", "--root", str(project), "sources/china-crypto-crackdown.txt"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "sources/china-crypto-crackdown.txt: fits the topics: 13 of 13 sentences speak to the topics"
    assert any(line.startswith("¶2 “As per the latest document") and "-> IP tracking" in line for line in lines)
    assert sum(line.startswith("¶") for line in lines) == 6 and all("runner-up" in x for x in lines if x[0] == "¶")
    assert "    signals: document x2 (IP tracking 1)" in "\n".join(lines)
    assert any(line.startswith("    similarity (x6): IP tracking 0.") for line in lines)
    assert any(line.startswith("    context (previous and next paragraph, article): ") for line in lines)
    assert any(line.startswith("    corpus model (not decisive on its own): ") for line in lines)
    missing = CliRunner().invoke(main, ["explain", "--root", str(project), "sources/none.txt"])
    assert missing.exit_code == 1 and "sources/none.txt" in missing.output
    elsewhere = project.parent / "elsewhere.txt"
    elsewhere.write_text("A title\n\nText outside the project.\n", encoding="utf-8")
    outside = CliRunner().invoke(main, ["explain", "--root", str(project), str(elsewhere)])
    assert outside.exit_code == 1 and "elsewhere.txt: is outside the project" in outside.output


def test_generate_prints_a_line_per_new_or_changed_article(project: Path) -> None:
    from click.testing import CliRunner

    from explainer.cli import main

    source = ROOT / "tests/fixtures/articles/harbour-lantern-festival.txt"
    (project / "sources" / source.name).write_bytes(source.read_bytes())
    first = CliRunner().invoke(main, ["generate", "--root", str(project)])
    assert first.exit_code == 0, first.output
    lines = [line for line in first.stderr.splitlines() if " -> " in line]
    assert lines == [
        "sources/china-crypto-crackdown.txt -> Crackdown measures 4, Legal outlook 3, Background 2, IP tracking 2,"
        " Digital yuan 2",
        "sources/harbour-lantern-festival.txt -> own page: 0 of 8 sentences speak to the topics, and it does not"
        " name the subject",
    ]
    (project / "sources" / source.name).write_text(source.read_text(encoding="utf-8") + "\nOne more.\n")
    again = CliRunner().invoke(main, ["generate", "--root", str(project)])
    assert [line for line in again.stderr.splitlines() if " -> " in line] == [
        "sources/harbour-lantern-festival.txt -> own page: 0 of 9 sentences speak to the topics, and it does not"
        " name the subject"
    ]


EVAL = ROOT / "tests/eval"
ARTICLES = sorted(
    p
    for folder in (EVAL / "articles", ROOT / "tests/fixtures/articles", ROOT / "sources")
    for p in folder.rglob("*")
    if p.suffix in {".txt", ".md", ".html"} and p.name != "README.md"
)


def test_explain_works_on_every_article_and_each_eval_article_fits_as_expected() -> None:
    import yaml

    from explainer.pipeline import explain, source_input
    from tests.helpers import load_script

    HELD_OUT = load_script("dev/evaluate.py").HELD_OUT

    project = load_project(ROOT, ROOT / "sources", ROOT / "config/topics.yml", ROOT / "config/boilerplate.yml")
    model = classifier(project)
    for path in ARTICLES:
        item, lines = explain(source_input(path, ROOT), project, model)
        assert sum(line.startswith("¶") for line in lines) == len(item.article.paragraphs), path
        expected = EVAL / "expected" / f"{path.stem}.yml"
        # The held-out batch is scored apart, not held to expectations (tests/eval/README.md).
        if path.is_relative_to(EVAL) and expected.is_file() and not path.name.startswith(HELD_OUT):
            wanted = yaml.safe_load(expected.read_text(encoding="utf-8"))["fits"]
            assert fits(item, project.config.min_matched_share) == wanted, path


def test_an_article_that_does_not_name_the_subject_does_not_fit(config: SiteConfig) -> None:
    import dataclasses

    scoped = dataclasses.replace(config, subject=(("Atlantis", "Atlantean"),))
    article = _article(["The court ruled on the law.", "The judge agreed."])
    assert fits(classify(article, Classifier(config)), 0.5)
    assert not fits(classify(article, Classifier(scoped)), 0.5)
    named = _article(["The Atlantean court ruled on the law.", "The judge agreed."])
    assert fits(classify(named, Classifier(scoped)), 0.5)


def test_a_passing_mention_of_the_subject_further_down_is_not_enough(config: SiteConfig) -> None:
    import dataclasses

    scoped = dataclasses.replace(config, subject=(("Atlantis", "Atlantean"),), subject_mentions=2)
    court = ["The court ruled on the law.", "The judge agreed."]
    later = _article(court, ["The law stands."], ["An Atlantean judge said so too."])
    assert not fits(classify(later, Classifier(scoped)), 0.5)  # once, in the third paragraph
    twice = _article(court, ["The law stands."], ["An Atlantean judge said so too.", "The law of Atlantis is old."])
    assert fits(classify(twice, Classifier(scoped)), 0.5)
    lead = _article(court, ["The Atlantean law stands."], ["The judge agreed."])
    assert fits(classify(lead, Classifier(scoped)), 0.5)  # once, but in the lead (second paragraph)
    assert fits(classify(later, Classifier(dataclasses.replace(scoped, subject_mentions=1))), 0.5)


def _named(slug: str, *paragraphs: list[str]) -> Article:
    import dataclasses

    return dataclasses.replace(_article(*paragraphs), slug=slug, path=f"sources/{slug}.txt")


def test_the_corpus_model_places_an_uncertain_paragraph_by_what_other_articles_taught_it(config: SiteConfig) -> None:
    import dataclasses

    config = dataclasses.replace(config, model_weight=3.0)
    model_of = Classifier(config)
    # No signal, no word of the topics' text: "tribunal" goes with the law only in the other articles.
    target = _named("x", ["The bank set a new interest rate."], ["The tribunal met on Monday."], ["The judge spoke."])
    teachers = [
        _named(f"t{i}", [f"The court heard the judge read the law, and the tribunal {verb}."])
        for i, verb in enumerate(["agreed", "adjourned", "sat late"])
    ]
    alone = classify_corpus([read_article(target, model_of)], model_of)
    assert [p.topic for p in alone[0].placements] == ["money", "money", "law"]  # its context: the bank before it
    taught = classify_corpus([read_article(a, model_of) for a in [*teachers, target]], model_of)
    assert [p.topic for p in taught[-1].placements] == ["money", "law", "law"]
    assert [[p.topic for p in c.placements] for c in taught[:3]] == [["law"]] * 3  # decisive: as before


def test_the_model_learns_from_the_decisive_paragraphs_of_articles_that_fit(config: SiteConfig) -> None:
    model_of = Classifier(config)
    decisive_ = _named("a", ["The court and the judge applied the law."], ["Then it rained."])
    weak = _named("b", ["A bank opened."])  # one weak signal: not decisive
    off_topic = _named("c", ["The court and the judge applied the law."], *[["Rain fell."]] * 5)  # 1 of 6 speaks
    model = train([read_article(a, model_of) for a in (decisive_, weak, off_topic)], model_of)
    assert model.trained == 1
    found = read_article(_named("d", ["Applied, heard, applied."]), model_of).paragraphs[0]
    assert model.posterior(features(found).items())[2] > 0.5  # "applied" went with the law
    assert train([], model_of).trained == 0


def test_similarity_counts_the_nearest_example_too(config: SiteConfig) -> None:
    import dataclasses

    money = config.topics[1]
    many = dataclasses.replace(money, examples=(*money.examples, *(f"Topic number {n} is here." for n in range(9))))
    crowded = dataclasses.replace(config, topics=(config.topics[0], many, config.topics[2]))
    text = "Lenders charge borrowers more when the deposit rate rises."
    read = Classifier(crowded).read(text)
    # Nine unrelated examples dilute the topic's whole text; the nearest example still matches.
    assert Classifier(crowded).similarity(read.counts)[1] > 0.6  # (0.4 for the whole text alone)
