"""Claims: paraphrases from different articles are one claim, disagreeing
figures are shown side by side with their sources, and nothing else is
merged; the result does not depend on the order of the input."""

from __future__ import annotations

import gzip
import math
import random
from datetime import date
from functools import reduce
from itertools import chain
from operator import add
from pathlib import Path

import msgspec
import pytest

from explainer import claims, timeline
from explainer.claims import Claim
from explainer.model import Article, Group, Paragraph, Placement, Run, Sentence, SourceMeta


def group(slug: str, *paragraphs: list[str], published: date | None = None) -> Group:
    """An article whose paragraphs hold these sentences, all on one topic."""
    blocks, runs, index = [], [], 0
    for number, texts in enumerate(paragraphs, start=1):
        sentences = []
        for text in texts:
            sentences.append(Sentence(text, number, index))
            index += 1
        blocks.append(Paragraph(number, tuple(sentences), None))
        runs.append(Run("crackdown", number, tuple(Placement(s, "crackdown", 1.0) for s in sentences)))
    article = Article(slug, slug.title(), SourceMeta(published=published), f"sources/{slug}.txt", tuple(blocks))
    return Group(article, tuple(runs))


# Every case below is read among the sentences of this article too, as a topic
# page's claims are read among all its sentences (the candidates of a sentence
# depend on its neighbours; the words' weights do not).
BACKGROUND = group(
    "background",
    [
        "The exchange said trading volumes fell after the new rules were announced.",
        "Analysts expect the digital yuan to gain from the push against private coins.",
        "A draft law would let judges punish repeat offenders, a legal scholar said.",
        "Hydropower in the wet season made the province attractive to miners for years.",
        "Several firms declined to comment on the reports.",
        "The telecom operator did not answer questions about how addresses were flagged.",
        "Most of the machines were shipped to Kazakhstan and the United States.",
        "Banks were told to stop offering services to crypto businesses.",
        "Prices of second-hand mining machines dropped sharply over the summer.",
        "The government has not said how long the campaign will last.",
        "Some miners moved their rigs into shipping containers to hide the noise.",
        "Power companies were asked to check for unusual use at night.",
    ],
)


def find_claims(groups: list[Group]) -> tuple[Claim, ...]:
    return claims.find_claims([*groups, BACKGROUND])


LEDGER = group(
    "ledger",
    ["Police in Sichuan detained 1,100 people suspected of running illegal mining rigs, the security bureau said."],
    ["The weather in the valley stayed dry for most of the month."],
    published=date(2021, 9, 28),
)
COURIER = group(
    "courier",
    ["Officials gave no names.", "Sichuan police have held 1,100 suspects accused of operating crypto mining rigs."],
    published=date(2021, 9, 30),
)
GAZETTE = group(
    "gazette",
    ["Police in Sichuan detained 1,300 people suspected of running illegal crypto mining rigs, the bureau said."],
    published=date(2021, 10, 2),
)


def only(found: tuple[Claim, ...]) -> Claim:
    assert len(found) == 1, found
    return found[0]


def slugs(refs: tuple[claims.Ref, ...]) -> list[str]:
    return [r.slug for r in refs]


def test_paraphrases_from_two_articles_are_one_claim_with_both_sources() -> None:
    claim = only(find_claims([LEDGER, COURIER]))
    assert slugs(claim.sources) == ["ledger", "courier"]  # earliest published first
    assert (claim.sources[1].paragraph, claim.sources[1].index) == (1, 1)  # the ¶ link and the sentence
    assert claim.conflicts == ()
    assert claim.variants == tuple(s for s in claim.sources if s != claim.wording)
    assert claims.claims_merged([claim]) == 1


def test_a_third_article_with_another_figure_is_a_conflict_with_who_gives_each() -> None:
    claim = only(find_claims([LEDGER, COURIER, GAZETTE]))
    assert sorted(slugs(claim.sources)) == ["courier", "gazette", "ledger"]
    conflict = only_conflict(claim)
    assert [f.text for f in conflict.figures] == ["1,100 people", "1,300 people"]  # most sources first
    assert [slugs(f.sources) for f in conflict.figures] == [["ledger", "courier"], ["gazette"]]


def only_conflict(claim: Claim) -> claims.Conflict:
    assert len(claim.conflicts) == 1, claim.conflicts
    return claim.conflicts[0]


def test_different_dates_for_one_event_are_a_conflict() -> None:
    may = group("may", ["Large mining farms began leaving the country after the crackdown started in May 2021."])
    june = group("june", ["The mining crackdown began in June 2021 and forced large farms to relocate abroad."])
    day = group("day", ["The crackdown on mining began on 21 May 2021 and pushed big farms to move abroad."])
    conflict = only_conflict(only(find_claims([may, june, day])))
    assert conflict.unit == "date"
    assert [(f.text, slugs(f.sources)) for f in conflict.figures] == [
        ("21 May 2021", ["day", "may"]),  # within May 2021: they agree (written as its first source has it)
        ("June 2021", ["june"]),
    ]


def test_figures_written_differently_agree() -> None:
    million = group("million", ["Regulators in Sichuan fined mining operators a total of 3.3 million yuan this year."])
    digits = group("digits", ["Regulators in the province have fined mining operators 3,300,000 yuan in total."])
    assert only(find_claims([million, digits])).conflicts == ()
    us = group("us", ["On September 24, 2021, China's central bank said all crypto transactions are illegal."])
    uk = group("uk", ["The central bank of China declared every crypto transaction illegal on 24 September 2021."])
    assert only(find_claims([us, uk])).conflicts == ()


def test_unrelated_sentences_sharing_a_number_are_not_merged() -> None:
    museum = group("museum", ["The city museum welcomed 1,100 people on its first weekend after the repairs."])
    harvest = group("harvest", ["Farmers brought in 1,100 tonnes of rice despite the late rains, a cooperative said."])
    assert find_claims([LEDGER, museum, harvest]) == ()


def test_another_place_with_another_figure_is_another_claim_not_a_conflict() -> None:
    yunnan = group(
        "yunnan",
        ["Police in Yunnan detained 1,300 people suspected of running illegal mining rigs, the security bureau said."],
    )
    assert find_claims([LEDGER, yunnan]) == ()


def test_one_article_counts_once() -> None:
    twice = group(
        "twice",
        ["Police in Sichuan detained 1,100 people suspected of running illegal mining rigs, the bureau said."],
        ["Sichuan police detained 1,100 people suspected of running illegal mining rigs, officials said."],
    )
    assert find_claims([twice]) == ()  # one source saying it twice is not corroboration
    claim = only(find_claims([twice, LEDGER]))
    assert sorted(slugs(claim.sources)) == ["ledger", "twice"]
    assert find_claims([LEDGER, LEDGER]) == ()  # the same article given twice


def test_the_clearest_wording_is_chosen_by_rule() -> None:
    pronoun = group("a", ["It detained 1,100 people in Sichuan suspected of running illegal mining rigs."])
    long = group("b", ["Police in Sichuan detained 1,100 people suspected of running illegal mining rigs, it said."])
    short = group("c", ["Police in Sichuan detained 1,100 people suspected of running mining rigs."])
    claim = only(find_claims([pronoun, long, short]))
    assert claim.wording.slug == "c"  # no opening pronoun, then the shortest
    assert only(find_claims([pronoun, long])).wording.slug == "b"


def test_the_same_input_in_any_order_gives_the_same_claims() -> None:
    rng = random.Random(5)
    groups = [LEDGER, COURIER, GAZETTE, *(generated(rng, n) for n in range(30))]
    expected = find_claims(groups)
    assert expected  # something to compare
    for _ in range(5):
        shuffled = [Group(g.article, tuple(rng.sample(g.runs, len(g.runs)))) for g in groups]
        rng.shuffle(shuffled)
        assert find_claims(shuffled) == expected


PLACES = ["Sichuan", "Yunnan", "Xinjiang", "Qinghai", "Hebei", "Gansu"]
VERBS = ["detained", "questioned", "fined", "warned", "released"]
WHAT = ["miners", "traders", "operators", "exchange staff", "rig owners"]


def generated(rng: random.Random, n: int) -> Group:
    """An article of made-up sentences: some say the same as others', with or without the same figure."""
    sentences = []
    for _ in range(rng.randint(3, 8)):
        place, verb, what = rng.choice(PLACES), rng.choice(VERBS), rng.choice(WHAT)
        sentences.append(f"Police in {place} {verb} {rng.choice([40, 60, 80])} {what} over illegal crypto mining.")
    return group(f"gen-{n:03d}", sentences, published=date(2021, 1 + n % 12, 1))


def test_candidate_pairs_grow_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sentences are compared with their neighbours in the index, not with
    every other sentence: the comparisons per sentence stay bounded."""
    calls = 0
    scores = claims._scores

    def counting(np: object, table: claims._Table, lo: object, hi: object) -> object:
        nonlocal calls
        calls += len(lo)  # type: ignore[arg-type]
        return scores(np, table, lo, hi)

    monkeypatch.setattr(claims, "_scores", counting)
    rng = random.Random(8)
    groups = [generated(rng, n) for n in range(400)]
    total = sum(len(r.placements) for g in groups for r in g.runs)
    assert total >= 2000
    find_claims(groups)
    limits = claims.Thresholds()
    assert 0 < calls <= total * (limits.rare + 2) * limits.window  # all pairs would be ~total²/2
    assert calls < total * total / 50


def test_a_month_without_a_year_is_read_against_the_published_date() -> None:
    first = group(
        "first",
        ["The central bank declared all crypto transactions illegal in September, widening the crackdown."],
        published=date(2021, 10, 4),
    )
    second = group(
        "second",
        ["The central bank declared every crypto transaction illegal in August, widening its crackdown."],
        published=date(2021, 10, 6),
    )
    conflict = only_conflict(only(find_claims([first, second])))
    assert [(f.text, slugs(f.sources)) for f in conflict.figures] == [("September", ["first"]), ("August", ["second"])]


def varied(rng: random.Random, n: int) -> Group:
    """An article of made-up sentences with names, dates, numbers and
    percentages, several per sentence at times: the cases the fast path
    compares at once and those it leaves to Python."""
    people = ["Colin Wu", "Li Wei", "the bureau", "a lawyer", "Zhang San"]
    months = ["May 2021", "21 May 2021", "June", "September 24, 2021", "2020", "2021"]
    sentences = []
    for _ in range(rng.randint(2, 9)):
        parts = [f"Police in {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice([40, 60, 1100])} {rng.choice(WHAT)}"]
        if rng.random() < 0.4:
            parts.append(f"in {rng.choice(months)}")
        if rng.random() < 0.3:
            parts.append(f"after a {rng.choice([20, 30])}% rise in crypto mining")
        parts.append(f"over illegal crypto mining, {rng.choice(people)} said")
        if rng.random() < 0.2:
            parts.append(rng.choice(["", "with 3.3 million yuan seized", "and $2 million"]))
        text = " ".join(p for p in parts if p)
        sentences.append(rng.choice(["", "They say ", "It said "]) + text + rng.choice([".", "", "!"]))
    published = None if n % 7 == 0 else date(2021, 1 + n % 12, 1 + n % 27)
    return group(f"var-{n:03d}", sentences, rng.choice([[], ["Officials gave no names."]]), published=published)


@pytest.mark.parametrize("layout", ["dense", "unpadded", "sorted"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fast_path_finds_what_the_plain_python_one_did(
    seed: int, layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs scored at once (numpy), the same sums term by term: the same
    claims, in the same order, as the one-pair-at-a-time reference; with
    each pair's terms taken a stem column at a time from a table of every
    (sentence, stem), or (a sentence with too many stems for the padded
    table) searched for pair by pair, or (a topic too large for one table)
    searched for in the sorted entries, with sets looked up likewise."""
    from tests.unit import claims_reference

    if layout == "unpadded":
        monkeypatch.setattr(claims, "_PADDED", 0)
    elif layout == "sorted":
        monkeypatch.setattr(claims, "_DENSE", 0)
    rng = random.Random(seed)
    groups = [LEDGER, COURIER, GAZETTE, *(varied(rng, n) for n in range(120)), *(generated(rng, n) for n in range(60))]
    expected = claims_reference.find_claims(groups)
    assert len(expected) > 10 and any(c.conflicts for c in expected)
    assert claims.find_claims(groups) == expected


def test_a_cached_reading_is_what_reading_the_sentences_gives() -> None:
    rng = random.Random(4)
    groups = [LEDGER, COURIER, GAZETTE, *(varied(rng, n) for n in range(40))]
    readings = {g.article.slug: claims.read(g.article) for g in groups}
    for g in groups:
        reading = readings[g.article.slug]
        known = claims._named(claims._tokens(t.text) for t in g.article.sentences)  # the article's names
        for s in g.article.sentences:
            row = claims._read(s.text, g.article.meta.published, known)
            cached = (reading.stems, reading.names, reading.figures, reading.words, reading.pronoun, reading.complete)
            assert tuple(column[s.index] for column in cached) == row
    assert claims.find_claims(groups, readings=readings) == claims.find_claims(groups)


def test_a_reading_that_does_not_fit_its_article_is_passed_over() -> None:
    """A cache entry is untrusted: a reading of another length is not used."""
    plain = find_claims([LEDGER, COURIER, GAZETTE])
    wrong = claims.Reading(("police",) * 3, ("",) * 3, ((),) * 3, (1,) * 3, (False,) * 3, (True,) * 3)  # none has 3
    readings = {slug: wrong for slug in ("ledger", "courier", "gazette", "background")}
    assert claims.find_claims([LEDGER, COURIER, GAZETTE, BACKGROUND], readings=readings) == plain
    # One that fits but was planted (a stem twice) still gives an answer, not an error.
    planted = claims.read(LEDGER.article)
    doubled = claims.Reading(tuple(s + " " + s for s in planted.stems), *tuple(vars(planted).values())[1:])
    claims.find_claims([LEDGER, COURIER, GAZETTE, BACKGROUND], readings={"ledger": doubled})


def test_an_empty_group_is_passed_over() -> None:
    empty = Group(BACKGROUND.article, ())
    assert claims.find_claims([LEDGER, empty, COURIER, GAZETTE]) == find_claims([LEDGER, COURIER, GAZETTE])


def test_a_planted_figure_text_never_reaches_a_claim() -> None:
    """A reading that fits its article but names a figure its sentence does not
    write (a forged cache entry) cannot put that text on a page: a figure is
    shown only as its sentence writes it."""
    plain = find_claims([LEDGER, COURIER, GAZETTE])
    assert any(c.conflicts for c in plain)  # the fixture disagrees on a figure: the text that is shown
    readings = {}
    for source in (LEDGER, COURIER, GAZETTE):
        planted = claims.read(source.article)
        forged = tuple(
            tuple(
                chain.from_iterable(
                    (unit, value, "9,999 children executed") for unit, value, _ in zip(*[iter(row)] * 3, strict=True)
                )
            )
            for row in planted.figures
        )
        rest = tuple(vars(planted).values())[3:]
        readings[source.article.slug] = claims.Reading(planted.stems, planted.names, forged, *rest)
    found = claims.find_claims([LEDGER, COURIER, GAZETTE], readings=readings)
    shown = [(f.text, f.sources) for c in found for conflict in c.conflicts for f in conflict.figures]
    assert all(any(text in ref.text for ref in refs) for text, refs in shown)
    assert "9,999 children executed" not in repr(found)


def crowded(rng: random.Random, n: int) -> Group:
    """Sentences with two to four figures each (dates within dates, numbers
    that count different words): the pairs whose figure rules are worked out
    from every figure of both sides at once."""
    figures = ["in May 2021", "on 21 May 2021", "in 2021", "in June 2021", "1,100 people", "1,100 suspects"]
    figures += ["60 miners", "20%", "3.3 million yuan", "$2 million", "in September"]
    sentences = []
    for _ in range(rng.randint(2, 6)):
        chosen = rng.sample(figures, rng.randint(2, 4))
        place, verb = rng.choice(PLACES[:3]), rng.choice(VERBS[:2])
        sentences.append(f"Police in {place} {verb} crypto mining rigs {' and '.join(chosen)}, the bureau said.")
    return group(f"crowd-{n:03d}", sentences, published=date(2021, 1 + n % 12, 1 + n % 27))


@pytest.mark.parametrize("seed", [6, 7])
def test_sentences_with_several_figures_are_judged_as_the_reference_does(seed: int) -> None:
    from tests.unit import claims_reference

    rng = random.Random(seed)
    groups = [*(crowded(rng, n) for n in range(150)), *(varied(rng, n) for n in range(40))]
    expected = claims_reference.find_claims(groups)
    assert len(expected) > 5 and any(c.conflicts for c in expected)
    assert claims.find_claims(groups) == expected


def test_a_word_weighs_its_rarity_in_english_not_in_the_topic() -> None:
    """Common English words weigh little, rare ones much, a word the list
    lacks the most; and the table is English's, not the corpus's."""
    weights = claims.stem_weights()
    stem = {w: claims.phrases.stems([w])[0] for w in ("the", "people", "detained", "hydropower", "zzxqv")}
    assert weights[stem["the"]] == 0.5
    assert weights[stem["people"]] < weights[stem["detained"]] < claims.RAREST
    # 8 minus the Zipf value wordfreq itself gives the commonest form (zipf_frequency(word, "en", "small")):
    assert (weights[stem["people"]], weights[stem["detained"]]) == pytest.approx((8 - 6.25, 8 - 3.81))
    assert stem["zzxqv"] not in weights
    assert weights[claims.phrases.stems(["mining"])[0]] == weights[claims.phrases.stems(["mine"])[0]]  # one stem


def test_a_pairs_score_does_not_move_with_the_rest_of_the_topic() -> None:
    """The cosine of two sentences is theirs alone: read among other
    sentences, or many copies of one of their words, it has the same bits."""

    def cosine(groups: list[Group]) -> float:
        table = claims._sentences(groups, {})
        claims._weigh(table)
        vectors = claims._Vectors(table)
        first = table.slugs.index("ledger")
        second = table.slugs.index("gazette")
        i, j = sorted((first, second))
        score = vectors.cosine(i, j, claims.Thresholds())
        assert score is not None
        return score

    crowd = group("crowd", *[[f"Police in Sichuan said item {n} was found."] for n in range(30)])
    alone = cosine([LEDGER, GAZETTE])
    assert cosine([LEDGER, GAZETTE, BACKGROUND]) == alone
    assert cosine([LEDGER, GAZETTE, BACKGROUND, crowd]) == alone


def test_a_pairs_score_has_the_same_bits_one_at_a_time_as_with_numpy_on_every_python() -> None:
    """Python 3.12's ``sum`` compensates its rounding; the pair-by-pair cosine
    must still add left to right, as the numpy scores do. Every weight 0.2:
    the ten stems the two share add up to 0.40000000000000013 that way, to
    0.4000000000000001 correctly rounded (what 3.12's ``sum`` gives)."""
    import numpy as np

    table = claims._sentences([LEDGER, GAZETTE], {})
    claims._weigh(table)
    table.weights[:] = 0.2
    table.sorted_weights[:] = 0.2
    i, j = sorted((table.slugs.index("ledger"), table.slugs.index("gazette")))
    theirs = set(table.ids[table.start[j] : table.start[j] + table.length[j]].tolist())
    terms = [0.2 * 0.2 if s in theirs else 0.0 for s in table.ids[table.start[i] : table.start[i] + table.length[i]]]
    plain = reduce(add, terms, 0.0)
    assert plain != math.fsum(terms)  # a case where the two ways of adding differ
    assert claims._Vectors(table).cosine(i, j, claims.Thresholds()) == plain
    scores, _ = claims._scores(np, table, np.array([i]), np.array([j]))
    assert scores.tolist() == [plain]


def test_a_missing_word_list_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from explainer.errors import ExplainerError

    claims.stem_weights.cache_clear()
    try:
        monkeypatch.setattr(claims.importlib.util, "find_spec", lambda name: None)
        with pytest.raises(ExplainerError, match="wordfreq package is not installed"):
            claims.stem_weights()
        package = tmp_path / "wordfreq"
        (package / "data").mkdir(parents=True)
        listed = package / "data" / "small_en.msgpack.gz"
        listed.write_bytes(b"not gzip")
        spec = type("Spec", (), {"submodule_search_locations": [str(package)]})()
        monkeypatch.setattr(claims.importlib.util, "find_spec", lambda name: spec)
        with pytest.raises(ExplainerError, match="cannot read wordfreq's word list"):
            claims.stem_weights()
        good = gzip.compress(msgspec.msgpack.encode([{"format": "cB", "version": 1}, ["word"] * 40_000]), mtime=0)
        listed.write_bytes(good[:20] + bytes(b ^ 0xFF for b in good[20:60]) + good[60:])  # the body damaged
        with pytest.raises(ExplainerError, match="cannot read wordfreq's word list"):
            claims.stem_weights()
        listed.write_bytes(gzip.compress(msgspec.msgpack.encode([{"format": "cB", "version": 1}, ["word"]])))
        with pytest.raises(ExplainerError, match="too few words"):
            claims.stem_weights()
        listed.write_bytes(gzip.compress(msgspec.msgpack.encode([{"format": "other"}])))
        with pytest.raises(ExplainerError, match="not a wordfreq word list"):
            claims.stem_weights()
    finally:
        claims.stem_weights.cache_clear()


# ---------------------------------------------------------------------------
# What a number counts, names at the start of a sentence, series


def test_what_a_number_counts_is_the_head_of_the_words_after_it() -> None:
    def units(text: str) -> list[tuple[str, str]]:
        return [(f.unit, f.text) for f in claims._figures(text, None)[0]]

    assert units("Officials ordered 26 bitcoin mining farms to shut.") == [
        ("farm bitcoin mine", "26 bitcoin mining farms")
    ]
    assert units("About 4,000 Harlow Motors workers walked out.") == [("worker", "4,000 Harlow Motors workers")]
    assert units("It warned 34 broadband users.") == [("user broadband", "34 broadband users")]
    assert units("Police detained 1,100 people suspected of fraud.") == [("peopl", "1,100 people")]
    assert units("Wallets reached 4 million in October.")[-1] == ("", "4 million")


def test_two_counts_of_one_thing_in_other_words_are_a_conflict() -> None:
    """'26 bitcoin mining farms' and '28 cryptocurrency mining farms' count
    farms: one claim with the disagreement shown, not one claim silently
    holding two figures."""
    first = group("first", ["Officials in Sichuan ordered 26 bitcoin mining farms to shut by 20 June 2021."])
    second = group("second", ["Officials in Sichuan ordered 28 cryptocurrency mining farms to shut by 20 June 2021."])
    conflict = only_conflict(only(find_claims([first, second])))
    assert conflict.unit == "farm"
    assert sorted(f.text for f in conflict.figures) == ["26 bitcoin mining farms", "28 cryptocurrency mining farms"]


def test_counts_of_different_things_are_never_one_claim() -> None:
    farms = group("farms", ["Officials in Sichuan ordered 26 mining farms to shut by 20 June 2021."])
    centres = group("centres", ["Officials in Sichuan ordered 30 data centres to shut by 20 June 2021."])
    assert find_claims([farms, centres]) == ()


def test_a_name_that_opens_a_sentence_is_read_when_the_article_writes_it_as_a_name() -> None:
    wuxi = group(
        "wuxi",
        ["Wuxi handed out 20 million yuan of digital yuan to residents in a lottery in December 2020."],
        ["Residents in Wuxi spent the money in shops."],
    )
    hefei = group(
        "hefei",
        ["Hefei handed out 20 million yuan of digital yuan to residents in a lottery in December 2020."],
        ["Officials in Hefei called the trial a success."],
    )
    assert find_claims([wuxi, hefei]) == ()
    # Without the article naming the place elsewhere the first word is not read as a name.
    assert claims._read("Police said 20 were held.", None, claims._named([["Officials", "in", "Hefei"]]))[1] == ""
    assert claims._read("Hefei said 20 were held.", None, claims._named([["Officials", "in", "Hefei"]]))[1] == ("hefei")


def test_a_first_word_that_opens_a_name_of_several_words_is_a_name() -> None:
    """ "Carrowmore Water banned ..." names Carrowmore though the article never
    writes it alone: beside "... households in Carrowmore" the two state one
    ban with the count disputed (without the rule their names, "water" and
    "carrowmor", share nothing and the pair is never compared by figures)."""
    assert claims._read("Carrowmore Water banned hosepipes.", None)[1] == "carrowmor water"
    assert claims._read("Police in Sichuan said so.", None)[1] == "sichuan"  # one capitalised word: as before
    assert claims._read("Yesterday, Water Board staff met.", None)[1] == "water board"  # a comma between
    one = group("one", ["Carrowmore Water banned hosepipes for 240,000 households after the driest spring in decades."])
    other = group(
        "other", ["A hosepipe ban covers 260,000 households in Carrowmore after the driest spring in decades."]
    )
    conflict = only_conflict(only(find_claims([one, other])))
    assert [f.text for f in conflict.figures] == ["240,000 households", "260,000 households"]


def test_who_reports_a_sentence_is_not_a_name_of_its_claim() -> None:
    """Two outlets citing different sources for one fact ("..., the trade
    group said", "..., according to the Valley Post") state one claim."""
    first = group("first", ["Police in Sichuan detained 1,100 people in June 2021, the Harbour Times reported."])
    second = group("second", ["Police in Sichuan detained 1,300 people in June 2021, according to Token Tribune."])
    assert claims._read("Police in Sichuan detained 1,100 people, the Harbour Times reported.", None)[1] == "sichuan"
    assert only_conflict(only(find_claims([first, second]))).unit == "peopl"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "Lake Orla rose 0.8 metres on Monday, the water board said.",
            "Lake Orla rose 1.4 metres on Tuesday, the water board said.",
        ),
        (
            "Sales at the Denholm mill fell 12% in March, the firm said.",
            "Sales at the Denholm mill fell 18% in April, the firm said.",
        ),
        (
            "The complaints line logged 90 calls in its first day, staff said.",
            "The complaints line logged 700 calls in its first week, staff said.",
        ),
    ],
)
def test_two_moments_of_a_series_are_not_one_claim(one: str, other: str) -> None:
    assert (
        find_claims(
            [group("one", [one], published=date(2022, 7, 1)), group("other", [other], published=date(2022, 7, 2))]
        )
        == ()
    )


def test_the_same_words_in_another_year_are_another_event() -> None:
    first = group("first", ["Police in Sichuan detained 1,100 people suspected of laundering money in June 2021."])
    again = group("again", ["Police in Sichuan detained 1,100 people suspected of laundering money in June 2022."])
    also = group("also", ["Police in Sichuan detained 1,100 people suspected of laundering money in 2021."])
    assert find_claims([first, again]) == ()
    assert len(only(find_claims([first, also])).sources) == 2  # "2021" holds "June 2021"


def storied(rng: random.Random, n: int) -> Group:
    """Sentences that open with a name, count with several words, name times
    and close with who reports them: what the reading rules above decide."""
    counts = ["26 bitcoin mining farms", "28 crypto mining farms", "43 broadband customers", "34 broadband users"]
    counts += ["1,100 people", "1,300 people", "200 tips", "4 million", "RMB3.2 million", "3.6m yuan", "US$5m"]
    times = ["", "on Saturday", "on Sunday", "in its first week", "in its first month", "in June 2021", "in 2022"]
    times += ["from April", "in November"]
    sources = ["", ", officials said", ", according to the Valley Post", ", the trade group Hashers' Circle said"]
    sentences = []
    for _ in range(rng.randint(2, 6)):
        place = rng.choice(PLACES[:3])
        opener = rng.choice(
            [f"{place} ordered", f"Officials in {place} ordered", "Police said they ordered", f"{place} Water ordered"]
        )
        sentences.append(
            f"{opener} {rng.choice(counts)} shut {rng.choice(times)}{rng.choice(sources)}.".replace(" ,", ",")
        )
    mentions = [f"Residents in {rng.choice(PLACES[:3])} were told."] if rng.random() < 0.6 else ["Nobody was told."]
    return group(f"story-{n:03d}", sentences, mentions, published=date(2021, 1 + n % 12, 1 + n % 27))


@pytest.mark.parametrize("seed", [11, 12])
def test_the_reading_rules_are_the_references(seed: int) -> None:
    from tests.unit import claims_reference

    rng = random.Random(seed)
    groups = [*(storied(rng, n) for n in range(150)), *(varied(rng, n) for n in range(20))]
    expected = claims_reference.find_claims(groups)
    assert len(expected) > 5 and any(c.conflicts for c in expected)
    assert claims.find_claims(groups) == expected
    readings = {g.article.slug: claims.read(g.article) for g in groups}
    assert claims.find_claims(groups, readings=readings) == expected


@pytest.mark.parametrize(("when", "found"), [("on 3 March 2024", True), ("in March 2024", True), ("in 2024", False)])
def test_a_date_agreeing_to_the_month_anchors_a_disputed_count(when: str, found: bool) -> None:
    """Two accounts of one evacuation, in fewer common words than a bare
    conflict needs: the same day or month makes them one claim with the count
    disputed; a year in common is no anchor (many events share one)."""
    a = group("a", [f"Emergency crews moved 1,100 people out of Eastfield {when} as the river burst its banks."])
    flooded = "when the river flooded low farmland, officers said."
    b = group("b", [f"About 1,300 people were evacuated from Eastfield {when} {flooded}"])
    claims_found = find_claims([a, b])
    assert bool(claims_found) is found
    if found:
        assert only_conflict(only(claims_found)).unit == "peopl"


def test_a_disputed_bare_number_is_named_and_kept_between_runs() -> None:
    """A conflict over numbers no word follows ("reached 4 million on ...")
    is named "number", so the claims kept between runs are read back."""
    a = group("a", ["Digital wallets in the trial reached 4 million on 3 March 2024, the central bank said."])
    b = group("b", ["Digital wallets in the trial reached 5 million on 3 March 2024, the central bank said then."])
    found = find_claims([a, b])
    assert [k.unit for k in only(found).conflicts] == ["number"]
    assert claims.from_data(claims.to_data(found), [a, b, BACKGROUND]) == found


@pytest.mark.parametrize("closing", ["", "\u201d", '"'])
def test_who_is_quoted_is_not_what_the_claim_names(closing: str) -> None:
    """An attribution after a closing quote (“...,” Reuters reported.) is left
    out of the names as one without a quote is: the two outlets do not make
    the detentions two claims, and the figures they differ on show."""
    opening = {"": "", "\u201d": "\u201c", '"': '"'}[closing]
    said = "Police in Sichuan detained {} people over illegal crypto mining,"
    one = group("one", [f"{opening}{said.format('1,100')}{closing} the Valley Post reported."])
    two = group("two", [f"{opening}{said.format('1,300')}{closing} Reuters reported."])
    claim = only(find_claims([one, two]))
    assert [[f.text for f in c.figures] for c in claim.conflicts] == [["1,100 people", "1,300 people"]]


def test_a_shortened_multiplier_is_the_same_figure() -> None:
    """ "$3.3bn" is "$3.3 billion" (one claim, no conflict), "£5m" five million
    pounds; "5m" with no currency sign is not five million (metres, maybe)."""
    read = [claims._figures(text, None)[0] for text in ("It cost $3.3bn.", "A £5m fine.", "A wall 5m high.")]
    assert [(f.unit, f.value, f.text) for f in read[0]] == [("dollar", "3300000000", "$3.3bn")]
    assert [(f.unit, f.value) for f in read[1]] == [("pound", "5000000")]
    assert [f.value for f in read[2]] == ["5"]
    one = group("one", ["The exchange paid a fine of $3.3bn to regulators in Beijing, court papers show."])
    two = group("two", ["The exchange paid a fine of $3.3 billion to regulators in Beijing, court papers show."])
    assert only(find_claims([one, two])).conflicts == ()


def test_a_currency_code_or_word_is_read_as_its_sign_is() -> None:
    """ "RMB3.2 million" is ¥3.2 million, "US$560,000" $560,000, and "m"
    before a currency written as a word is a million ("3.6m yuan"); the code
    is not a name or a word of the sentence ("RMB3" of "RMB3.2")."""

    def read(text: str) -> list[tuple[str, str]]:
        return [(f.unit, f.value) for f in claims._figures(text, None)[0]]

    assert read("The court voided the RMB3.2 million debt.") == [("yuan", "3200000")]
    assert read("It owed CNY 5bn and USD 2m.") == [("yuan", "5000000000"), ("dollar", "2000000")]
    assert read("A claim for 3.6m yuan (US$560,000).") == [("yuan", "3600000"), ("dollar", "560000")]
    assert read("A wall 5m high.") == [("", "5")]
    stems, names = claims._read("The Binhu court voided the RMB3.2 million debt.", None)[:2]
    assert names == "binhu" and "rmb3" not in stems.split()
    one = group("one", ["The Binhu court in Wuxi voided a RMB3.2 million debt owed for mining rigs."])
    other = group("other", ["The Binhu court in Wuxi voided a ¥3.2 million debt owed for mining rigs."])
    assert only(find_claims([one, other])).conflicts == ()


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Fines of RMB 3-4 million were issued.", ("yuan", "3000000-4000000", "RMB 3-4 million")),
        ("Fines of RMB3-4 million were issued.", ("yuan", "3000000-4000000", "RMB3-4 million")),
        ("It cost HK$3-4m in all.", ("hk$", "3000000-4000000", "HK$3-4m")),
        ("Fines of $3 million to $4 million were issued.", ("dollar", "3000000-4000000", "$3 million to $4 million")),
        ("About 3-4 million people were hit.", ("peopl", "3000000-4000000", "3-4 million people")),
        ("About 3,000,000-4,000,000 people were hit.", ("peopl", "3000000-4000000", "3,000,000-4,000,000 people")),
        ("Police held 1,100-1,300 people.", ("peopl", "1100-1300", "1,100-1,300 people")),
    ],
)
def test_a_range_is_one_figure_its_currency_and_multiplier_written_once(
    text: str, figure: tuple[str, str, str]
) -> None:
    """ "RMB 3-4 million" is one amount in yuan, from 3 to 4 million (the
    currency before the range, the multiplier after it, count for both ends),
    as "$3 million to $4 million" is; never 3 yuan and 4 million of something."""
    assert [(f.unit, f.value, f.text) for f in claims._figures(text, None)[0]] == [figure]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("It cost $3 to 4 times as much.", [("dollar", "3", "$3"), ("time", "4", "4 times")]),
        ("They paid $3 to 4 marks.", [("dollar", "3", "$3"), ("mark", "4", "4 marks")]),  # (the "m" of "marks")
    ],
)
def test_a_number_after_an_amount_that_counts_something_else_is_its_own(
    text: str, figures: list[tuple[str, str, str]]
) -> None:
    assert [(f.unit, f.value, f.text) for f in claims._figures(text, None)[0]] == figures


def test_ranges_written_two_ways_are_one_claim_with_no_conflict() -> None:
    one = group("one", ["Courts in Sichuan fined mining operators RMB 3-4 million each for stolen power."])
    other = group(
        "other", ["Courts in Sichuan fined mining operators RMB3 million to RMB4 million each for stolen power."]
    )
    assert only(find_claims([one, other])).conflicts == ()


@pytest.mark.parametrize(
    ("text", "published", "month"),
    [
        ("Police raided the farm in November.", date(2022, 1, 19), "2021-11"),  # the latest not after
        ("Police raided farms in May.", date(2021, 12, 20), "2021-05"),  # a year-end review: the past
        ("Police raided the farm in January.", date(2021, 12, 31), "2021-01"),
        ("Fares will rise from April.", date(2023, 2, 15), "2022-04"),  # the Timeline reads it so too
    ],
)
def test_a_month_without_a_year_is_read_as_the_timeline_reads_it(text: str, published: date, month: str) -> None:
    assert [f.value for f in claims._figures(text, published)[0]] == [month]
    assert timeline._resolve("bare_month", text.rsplit(" ", 1)[-1].rstrip("."), published) == timeline.When(
        date.fromisoformat(month + "-01"), "month"
    )


def test_months_reported_at_a_year_end_keep_their_conflict() -> None:
    """Two sources of December on one raid, one saying May, one June: the
    months are this year's (not next year's), so the claim shows the dispute."""
    may = group("may", ["Police in Sichuan raided 30 bitcoin mining farms in May."], published=date(2021, 12, 20))
    june = group("june", ["Police in Sichuan raided 30 bitcoin mining farms in June."], published=date(2021, 12, 21))
    conflict = only_conflict(only(find_claims([may, june])))
    assert [f.text for f in conflict.figures] == ["May", "June"]


def test_a_month_without_a_year_or_a_published_date_is_no_figure() -> None:
    assert claims._figures("Police raided the farm in April.", None)[0] == ()
    assert [f.value for f in claims._figures("Police raided the farm in April 2021.", None)[0]] == ["2021-04"]


def test_a_dollar_of_another_country_is_a_currency_of_its_own() -> None:
    """ "HK$3.3m" and "HK$5.1m" are two amounts in Hong Kong dollars: one claim
    with the dispute shown, never one claim that hides it; "S$5m" is not
    "US$5m"."""

    def read(text: str) -> list[tuple[str, str]]:
        return [(f.unit, f.value) for f in claims._figures(text, None)[0]]

    assert read("It was fined HK$3.3m.") == [("hk$", "3300000")]
    assert read("Fines of S$5m and US$5m.") == [("s$", "5000000"), ("dollar", "5000000")]
    one = group("one", ["Regulators in Sichuan fined mining operators HK$3.3m in total."])
    other = group("other", ["Regulators in Sichuan fined mining operators HK$5.1m in total."])
    conflict = only_conflict(only(find_claims([one, other])))
    assert [f.text for f in conflict.figures] == ["HK$3.3m", "HK$5.1m"]


def test_a_currency_code_written_apart_is_not_a_word_or_a_name() -> None:
    stems, names = claims._read("The Wuxi court voided a RMB 3.2 million debt.", None)[:2]
    assert names == "wuxi" and "rmb" not in stems.split()
    assert "cni" in claims._read("Each winner got 200 yuan of e-CNY to spend.", None)[0].split()  # a word here
    one = group("one", ["The Wuxi court voided a RMB 3.2 million debt owed for mining rigs."])
    other = group("other", ["A Wuxi court voided a 3.2 million yuan debt owed for mining rigs by the farm."])
    assert only(find_claims([one, other])).conflicts == ()


def test_a_common_word_that_opens_a_sentence_is_not_a_name() -> None:
    """ "Following Beijing's order" and "Following Qinghai's order" name two
    places, not one "Following": never one claim."""
    assert claims._read("Following Beijing's order, power was cut.", None)[1] == "beij"
    assert claims._read("Yesterday Sichuan ordered the cut.", None)[1] == "sichuan"
    one = group("one", ["Following Beijing's order, power was cut to 26 bitcoin mining farms in June 2021."])
    other = group("other", ["Following Qinghai's order, power was cut to 26 bitcoin mining farms in June 2021."])
    assert find_claims([one, other]) == ()


def test_a_range_is_one_figure_of_its_own() -> None:
    """ "1,100-1,300 people" is one figure, a range: a source that gives it
    does not agree with "1,300 people" without a word; "between 20 and 30%"
    too, but "1,100 and 1,300 people" (two counts) stays two."""

    def read(text: str) -> list[tuple[str, str, str]]:
        return [(f.unit, f.value, f.text) for f in claims._figures(text, None)[0]]

    assert read("Police held 1,100-1,300 people.") == [("peopl", "1100-1300", "1,100-1,300 people")]
    assert read("Output fell between 20 and 30% in a year.") == [("%", "20-30", "20 and 30%")]
    assert read("Fines of $3m to $5m were paid.") == [("dollar", "3000000-5000000", "$3m to $5m")]
    assert [f[1] for f in read("Police held 1,100 and 1,300 people.")] == ["1100", "1300"]
    said = "Police in Sichuan detained {} people suspected of running illegal crypto mining rigs."
    claim = only(find_claims([group("one", [said.format("1,100-1,300")]), group("two", [said.format("1,300")])]))
    assert [[f.text for f in c.figures] for c in claim.conflicts] == [["1,100-1,300 people", "1,300 people"]]


@pytest.mark.parametrize("most", [0, 1, 3, 6, 36, 49, 10_000])
@pytest.mark.parametrize("seed", [1, 6])
def test_what_a_page_shows_is_found_without_making_every_claim(seed: int, most: int) -> None:
    """find_shown gives the claims a page leads with (the most sources, then
    a conflict, then the order found; in the order found) and the counts of
    all, as ranking every claim find_claims makes does: with many claims of
    as many sources, some with conflicts, tied at the cut (at 49 of seed 6,
    more of them than the cut leaves room for, with and without one)."""
    from explainer import topicpages

    rng = random.Random(seed)
    groups = [*(crowded(rng, n) for n in range(80)), *(varied(rng, n) for n in range(60))]
    groups += [LEDGER, COURIER, GAZETTE, *(generated(rng, n) for n in range(30))]
    found = claims.find_claims(groups)
    ranked = sorted(range(len(found)), key=lambda i: (-len(found[i].sources), not found[i].conflicts, i))
    expected = tuple(found[i] for i in sorted(ranked[:most]))
    if (seed, most) in {
        (1, 3),
        (6, 36),
        (6, 49),
    }:  # claims of as many sources across the cut: a conflict ranks one first
        assert sorted(ranked[:most]) != list(range(most))
    assert any(c.conflicts for c in found) and not all(c.conflicts for c in found)
    assert claims.find_shown(groups, most) == (expected, claims.Counts.of(found))
    if most == topicpages.KEY_POINTS:
        assert expected == topicpages.leading(found)
