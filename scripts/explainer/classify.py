"""Classify: place every paragraph on the topic an editor would, sentence by sentence.

Evidence is counted in signal weights, per topic:

* **signals**: the weights of the topic's signals the text contains, matched by
  word forms (:mod:`explainer.phrases`), and of the aliases that expand them:
  a glossary or Who's who entry one of whose forms is a signal lends that
  signal to all its forms ("PBOC" counts as the signal "People's Bank of China");
* **similarity**: the cosine between the text's other word forms (those not
  found as a signal) and the topic's own text (title, description, signals,
  ``examples``), TF-IDF weighted across the topics so that words every topic
  shares count for little, times ``similarity_weight``. The model is made from the configuration alone, so a
  placement depends on the article and the configuration, never on the other
  articles: the per-article cache stays valid and adding an article moves no
  other article's paragraphs;
* **lean**: ``subheading_weight`` for the topic of the paragraph's subheading;
* **context**: up to ``context_weight``, shared between the topic of the
  previous paragraph, the evidence of the next one (both under the same
  subheading) and the article's main topic.

A paragraph goes to the topic with the most evidence (own plus context), so a
paragraph without evidence follows its context and a single weak word does not
overrule it. A sentence leaves its paragraph only when it is strongly about
another topic (``split_weight``, and twice its evidence for the paragraph's
topic). Ties go to the previous paragraph's topic, then to the topic listed
first: deterministic, and every step is pure Python arithmetic in a fixed order,
so the same input gives the same bytes on every machine.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from . import phrases
from .model import Article, ClassifiedArticle, Placement, Sentence, SiteConfig

Scores = tuple[float, ...]

_NO_COUNTS: Counter[str] = Counter()  # never changed

# English function words: they say nothing about a topic.
_STOP = """a about above after again against all also although am an and any are as at be because been before being
    below between both but by can could did do does doing down during each either even ever every few for from
    further had has have having he her here hers herself him himself his how however i if in into is it its itself
    just last least less many may me might more most much must my myself neither no nor not now of off on once only
    or other others our ours ourselves out over own per same she should since so some still such than that the their
    theirs them themselves then there these they this those though through thus to too under until up upon us very
    was we were what when where whether which while who whom whose why will with within without would yet you your
    yours yourself yourselves said says say one two three new year years"""
STOP_WORDS = frozenset(_STOP.split())
_STOP_FORMS = frozenset(phrases.stems(sorted(STOP_WORDS)))


class Text(NamedTuple):  # a named tuple: made for every sentence, and quick to make
    """What a sentence (or a subheading) says: signals found and word forms."""

    signals: Scores  # summed weights per topic
    matched: tuple[str, ...]  # signal keys found, in order
    counts: Counter[str]  # content word forms


class SentenceCall(NamedTuple):  # a named tuple: made for every sentence, and quick to make
    """Where one sentence goes, and its own evidence."""

    sentence: Sentence
    topic: int
    own: Scores  # signals plus weighted similarity of the sentence alone
    text: Text  # its signals (its words are counted with its paragraph's)
    split: bool  # left its paragraph's topic
    speaks: bool


class ParagraphCall(NamedTuple):  # a named tuple: made for every sentence, and quick to make
    """Where one paragraph goes, with every part of the evidence (for ``explain``)."""

    number: int
    topic: int
    runner_up: int | None
    signals: Scores
    similarity: Scores  # cosine, before ``similarity_weight``
    lean: int | None  # the subheading's topic
    context: Scores
    total: Scores
    matched: tuple[str, ...]
    sentences: tuple[SentenceCall, ...]
    fallback: bool  # the article has no evidence at all


class Classifier:
    """The signals, aliases and similarity model of one configuration."""

    def __init__(self, config: SiteConfig, aliases: Iterable[Sequence[str]] = ()):
        self.config = config
        self.slugs = tuple(t.slug for t in config.topics)
        count = len(self.slugs)
        # A signal's key is its forms: two signals with the same forms are one
        # (the heavier weight per topic).
        self.weights: dict[str, list[float]] = {}
        self.labels: dict[str, str] = {}
        lookup: dict[str, str] = {}
        for index, topic in enumerate(config.topics):
            for signal in topic.signals:
                key = phrases.form_key(signal.phrase)
                if not key:
                    continue
                row = self.weights.setdefault(key, [0.0] * count)
                row[index] = max(row[index], signal.weight)
                self.labels.setdefault(key, signal.phrase)
                lookup[signal.phrase] = key
        # An entry of the glossary or names file with a signal among its forms
        # lends that signal (the heaviest, if several) to its other forms.
        self.aliases: dict[str, str] = {}
        for group in aliases:
            claimed = {phrases.form_key(form) for form in group} & self.weights.keys()
            if not claimed:
                continue
            heaviest = min(claimed, key=lambda k: (-sum(self.weights[k]), k))
            for form in group:
                if phrases.form_key(form) not in self.weights:
                    self.aliases.setdefault(form, heaviest)
        self.index = phrases.PhraseIndex({**self.aliases, **lookup})
        self.key_forms = {key: tuple(key.split()) for key in self.weights}
        self.subject = [phrases.PhraseIndex({p: p for p in group}) for group in config.subject]
        self.sparse = {key: [(i, w) for i, w in enumerate(row) if w] for key, row in self.weights.items()}
        self._model(config)

    def _model(self, config: SiteConfig) -> None:
        """TF-IDF vectors of the topics' own text, unit length (sorted: stable sums)."""
        bags: list[Counter[str]] = []
        for topic in config.topics:
            bag: Counter[str] = Counter()
            for text in (topic.title, topic.description, *topic.examples):
                bag.update(self.read(text).counts)
            for signal in topic.signals:
                for form in self.read(signal.phrase).counts:
                    bag[form] += max(1, round(signal.weight))
            bags.append(bag)
        n = len(bags)
        df = Counter(form for bag in bags for form in bag)
        self.idf = {form: math.log((1 + n) / d) for form, d in sorted(df.items())}
        self.unknown_idf = math.log(1 + n)  # a word no topic uses tells as much as the rarest
        vectors = []
        for bag in bags:
            weights = {f: (1 + math.log(c)) * self.idf[f] for f, c in sorted(bag.items())}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            vectors.append({f: w / norm for f, w in weights.items()})
        self.vectors = vectors
        self.entries = {f: (self.idf[f], tuple(v.get(f, 0.0) for v in vectors)) for f in sorted(self.idf)}

    def read(self, text: str) -> Text:
        """A text's signals and content word forms."""
        return self.read_all([text])[0]

    def read_all(self, texts: Sequence[str]) -> list[Text]:
        """Each text's signals; the word forms of them all together go to the
        last one's ``counts`` (the others' are empty): a paragraph is compared
        with the topics as a whole, so its sentences are counted once."""
        index, size = self.index, len(self.slugs)
        folded_all: list[str] = []
        stops = []
        for text in texts:
            folded_all += phrases.words(text)
            stops.append(len(folded_all))
        stems_all = phrases.stems(folded_all)  # one call for the paragraph
        per_text: list[list[str]] = [[] for _ in texts]
        sentence = 0
        matched_all = []
        for at, key in index.find_at(stems_all, stops):
            while stops[sentence] <= at:
                sentence += 1
            per_text[sentence].append(key)
            matched_all.append(key)
        zero = (0.0,) * size
        sparse = self.sparse
        result = []
        for matched in per_text:
            if not matched:
                result.append(Text(zero, (), _NO_COUNTS))
                continue
            sums = [0.0] * size
            for key in matched:
                for i, weight in sparse[key]:
                    sums[i] += weight
            result.append(Text(tuple(sums), tuple(matched), _NO_COUNTS))
        counts = Counter(stems_all)
        for form in _STOP_FORMS.intersection(counts):
            del counts[form]  # (deleting keeps the others' order: the sums stay the same)
        for key in matched_all:  # a signal's words count once, as the signal, not again in the similarity
            for form in self.key_forms[key]:
                if counts[form] > 1:
                    counts[form] -= 1
                else:
                    counts.pop(form, None)
        if result:
            last = result[-1]
            result[-1] = Text(last.signals, last.matched, counts)
        return result

    def similarity(self, counts: Counter[str]) -> Scores:
        """Cosine between word-form counts and each topic's vector."""
        entries, unknown = self.entries, self.unknown_idf
        dots = [0.0] * len(self.slugs)
        norm = 0.0
        known = 0
        for form in [f for f in counts if f in entries]:  # in the text's order: the same sums every run
            idf, row = entries[form]
            count = counts[form]
            weight = idf if count == 1 else (1 + math.log(count)) * idf
            norm += weight * weight
            known += 1
            dots = [d + weight * v for d, v in zip(dots, row, strict=True)]
        # Words no topic uses: each weighs ``unknown`` (more when repeated).
        norm += unknown * unknown * (len(counts) - known)
        for form in [f for f, c in counts.items() if c > 1 and f not in entries]:
            norm += unknown * unknown * ((1 + math.log(counts[form])) ** 2 - 1)
        if norm == 0:
            return tuple(dots)
        root = math.sqrt(norm)
        return tuple(d / root for d in dots)

    def own(self, text: Text, similarity: Scores) -> Scores:
        w = self.config.similarity_weight
        return tuple(s + w * m for s, m in zip(text.signals, similarity, strict=True))


def decide(article: Article, classifier: Classifier) -> tuple[ParagraphCall, ...]:
    """Every paragraph's topic and evidence, in order."""
    config = classifier.config
    size = len(classifier.slugs)
    zero = (0.0,) * size
    leans: dict[str, int | None] = {}
    read = []
    for paragraph in article.paragraphs:
        texts = classifier.read_all([s.text for s in paragraph.sentences])
        counts = texts[-1].counts if texts else _NO_COUNTS
        signals = texts[0].signals if len(texts) == 1 else _sum([t.signals for t in texts], size)
        similarity = classifier.similarity(counts)
        heading = paragraph.heading
        if heading is not None and heading not in leans:
            heading_text = classifier.read(heading)
            leans[heading] = _best(
                classifier.own(heading_text, classifier.similarity(heading_text.counts)), None, config.min_evidence
            )
        lean = leans.get(heading) if heading is not None else None
        weight = config.similarity_weight
        evidence = [s + weight * m for s, m in zip(signals, similarity, strict=True)]
        if max(evidence, default=0.0) < config.min_evidence:
            evidence = [0.0] * size  # too little to be evidence: the paragraph follows its context
        if lean is not None:
            evidence[lean] += config.subheading_weight
        read.append((paragraph, texts, signals, similarity, lean, tuple(evidence)))

    article_total = _sum([r[5] for r in read], size)
    main = _share(article_total)
    calls: list[ParagraphCall] = []
    for i, (paragraph, texts, signals, similarity, lean, own) in enumerate(read):
        sources: list[Scores] = [main] if main is not None else []
        if calls and read[i - 1][0].heading == paragraph.heading:
            sources.append(tuple(float(t == calls[-1].topic) for t in range(size)))
        if i + 1 < len(read) and read[i + 1][0].heading == paragraph.heading:
            following = _share(read[i + 1][5])
            if following is not None:
                sources.append(following)
        if sources:
            scale = config.context_weight / len(sources)
            context = tuple([scale * sum(column) for column in zip(*sources, strict=True)])
        else:
            context = zero
        total = tuple([o + c for o, c in zip(own, context, strict=True)])
        previous = calls[-1].topic if calls else None
        best = _best(total, previous, 0.0)
        fallback = best is None
        topic = classifier.slugs.index(config.fallback) if best is None else best
        runner_up = _best(tuple(-1.0 if t == topic else v for t, v in enumerate(total)), None, 0.0)
        sentences = _sentences(classifier, paragraph.sentences, texts, topic, similarity)
        matched = tuple([k for t in texts for k in t.matched])
        calls.append(
            ParagraphCall(
                paragraph.number,
                topic,
                runner_up,
                signals,
                similarity,
                lean,
                context,
                total,
                matched,
                sentences,
                fallback,
            )
        )
    return tuple(calls)


def classify(article: Article, classifier: Classifier) -> ClassifiedArticle:
    """Place every sentence of ``article`` on one topic."""
    slugs = classifier.slugs
    placements = [
        Placement(
            sentence=s.sentence,
            topic=slugs[s.topic],
            score=s.text.signals[s.topic],
            fallback=call.fallback,
            speaks=s.speaks,
            signals=s.text.matched,
        )
        for call in decide(article, classifier)
        for s in call.sentences
    ]
    return ClassifiedArticle(
        article=article, placements=tuple(placements), names_subject=names_subject(article, classifier)
    )


def names_subject(article: Article, classifier: Classifier) -> bool:
    """Whether the article uses a phrase of every group of the site's subject."""
    if not classifier.subject:
        return True
    text = phrases.forms(" ".join([article.title, *(s.text for s in article.sentences)]))
    return all(index.find_forms(text) for index in classifier.subject)


# Helper functions


def _sentences(
    classifier: Classifier, sentences: Sequence[Sentence], texts: Sequence[Text], topic: int, similarity: Scores
) -> tuple[SentenceCall, ...]:
    """A sentence keeps its paragraph's topic unless strongly about another.

    Its evidence is its own signals and its paragraph's similarity (one
    sentence's words are too few for a cosine to say much)."""
    config = classifier.config
    weight = config.similarity_weight
    base = tuple([weight * m for m in similarity])
    calls = []
    plain: tuple[int, bool, bool] | None = None  # the call for a sentence without signals (the same for all)
    for sentence, text in zip(sentences, texts, strict=True):
        if text.matched:
            own = tuple([s + b for s, b in zip(text.signals, base, strict=True)])
            placed, split, speaks = _split(own, topic, config)
        else:
            own = base
            plain = plain or _split(base, topic, config)
            placed, split, speaks = plain
        calls.append(SentenceCall(sentence, placed, own, text, split, speaks))
    return tuple(calls)


def _split(own: Scores, topic: int, config: SiteConfig) -> tuple[int, bool, bool]:
    """(topic, split off, speaks) for a sentence with ``own`` evidence in a paragraph on ``topic``."""
    top = max(own, default=0.0)
    speaks = top >= config.min_evidence
    if top < config.split_weight:
        return topic, False, speaks  # nothing strong enough to leave for
    other = _best(tuple(-1.0 if t == topic else v for t, v in enumerate(own)), None, 0.0)
    if other is not None and own[other] >= config.split_weight and own[other] >= 2 * own[topic]:
        return other, True, speaks
    return topic, False, speaks


def _sum(vectors: Sequence[Scores], size: int) -> Scores:
    return tuple([sum(column) for column in zip(*vectors, strict=True)]) if vectors else (0.0,) * size


def _share(scores: Scores) -> Scores | None:
    """Scores as shares of their sum (a distribution); None when all are 0."""
    total = sum(scores)
    return tuple([s / total for s in scores]) if total > 0 else None


def _best(scores: Scores, previous: int | None, floor: float) -> int | None:
    """Index of the highest score (above 0, at least ``floor``); ties prefer
    ``previous``, then list order."""
    top = max(scores, default=0.0)
    if top <= 0 or top < floor:
        return None
    if previous is not None and scores[previous] == top:
        return previous
    return scores.index(top)


# Explaining a placement (``explainer explain``)


def explain(article: Article, classifier: Classifier) -> list[str]:
    """Lines that say where each paragraph went and why: its first words, its
    page and the runner-up, then the evidence (signals, similarity, subheading,
    context) and any sentence that left it for another page."""
    titles = [t.title for t in classifier.config.topics]
    weight = classifier.config.similarity_weight
    lines = []
    for call in decide(article, classifier):
        first = next(s.sentence for s in call.sentences) if call.sentences else None
        opening = _first_words(first.text if first else "")
        runner = (
            f"; runner-up {titles[call.runner_up]} {call.total[call.runner_up]:.1f}"
            if call.runner_up is not None
            else ""
        )
        lines.append(f"¶{call.number} “{opening}” -> {titles[call.topic]} {call.total[call.topic]:.1f}{runner}")
        lines.append(f"    signals: {_signal_list(classifier, call.matched) or 'none'}")
        ranked = sorted(range(len(titles)), key=lambda t: (-call.similarity[t], t))[:3]
        similar = ", ".join(f"{titles[t]} {call.similarity[t]:.2f}" for t in ranked if call.similarity[t] > 0)
        lines.append(f"    similarity (x{weight:g}): {similar or 'none'}")
        if call.lean is not None:
            lines.append(f"    subheading: leans to {titles[call.lean]} (+{classifier.config.subheading_weight:g})")
        shares = sorted(range(len(titles)), key=lambda t: (-call.context[t], t))
        context = ", ".join(f"{titles[t]} +{call.context[t]:.1f}" for t in shares if call.context[t] >= 0.05)
        lines.append(f"    context (previous and next paragraph, article): {context or 'none'}")
        if call.fallback:
            lines.append(f"    no evidence in the whole article: the fallback topic ({classifier.config.fallback})")
        for s in call.sentences:
            if s.split:
                found = _signal_list(classifier, s.text.matched)
                lines.append(
                    f"    sentence “{_first_words(s.sentence.text)}” -> {titles[s.topic]} {s.own[s.topic]:.1f}"
                    f" (strongly about it: {found or 'similarity'})"
                )
    return lines


def _first_words(text: str, count: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:count]) + ("…" if len(parts) > count else "")


def _signal_list(classifier: Classifier, matched: Sequence[str]) -> str:
    """ "crackdown x2 (Crackdown measures 1)": each signal found, how often, for which topics."""
    titles = [t.title for t in classifier.config.topics]
    found = Counter(matched)
    parts = []
    for key in sorted(found, key=lambda k: (matched.index(k), k)):
        topics = ", ".join(f"{titles[i]} {w:g}" for i, w in enumerate(classifier.weights[key]) if w > 0)
        times = f" x{found[key]}" if found[key] > 1 else ""
        parts.append(f"{classifier.labels[key]}{times} ({topics})")
    return ", ".join(parts)
