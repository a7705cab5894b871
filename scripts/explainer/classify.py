"""Classify: place every paragraph on the topic an editor would, sentence by sentence.

Evidence is counted in signal weights, per topic:

* **signals**: the weights of the topic's signals the text contains, matched by
  word forms (:mod:`explainer.phrases`), and of the aliases that expand them:
  a glossary or Who's who entry one of whose forms is a signal lends that
  signal to all its forms ("PBOC" counts as the signal "People's Bank of China");
* **similarity**: the cosine between the text's other word forms (those not
  found as a signal) and the topic's own text (title, description, signals,
  ``examples``), averaged with that to the topic's nearest example sentence,
  TF-IDF weighted across the topics so that words every topic shares count
  for little; times ``similarity_weight``;
* **lean**: ``subheading_weight`` for the topic of the paragraph's subheading;
* **learned**: for a paragraph whose own evidence (the three above) is not
  decisive, the corpus model's posterior times ``model_weight`` (see
  :class:`Model`: naive Bayes trained on the decisive paragraphs of every
  article that fits, and on the configuration's text);
* **context**: up to ``context_weight``, shared between the topic of the
  previous paragraph, the evidence of the next one (both under the same
  subheading) and the article's main topic.

Two stages, for the per-article cache: :func:`read_article` finds each
paragraph's signals, similarity and lean and its word forms
(:class:`~explainer.model.ArticleEvidence`, which depends on the article and
the configuration only, so it is cached per article); :func:`classify_corpus`
then trains the model on the whole corpus's evidence and decides every
paragraph, in every run (arithmetic only, on arrays: :class:`_Corpus`). So a paragraph without
decisive evidence of its own can move when other articles are added: the
model has learned more.

A paragraph goes to the topic with the most evidence (own plus context), so a
paragraph without evidence follows its context and a single weak word does not
overrule it. A sentence leaves its paragraph only when it is strongly about
another topic (``split_weight``, and twice its evidence for the paragraph's
topic). Ties go to the previous paragraph's topic, then to the topic listed
first: deterministic, and every sum is added in a fixed order (in bulk as in
:func:`decide`), so the same input gives the same bytes on every machine.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property
from itertools import chain, filterfalse, pairwise
from typing import NamedTuple

import numpy as np

from . import phrases
from .cache import collector_paused  # the bulk pass makes no cycles: see there
from .model import (
    Article,
    ArticleEvidence,
    ClassifiedArticle,
    Paragraph,
    ParagraphEvidence,
    Placement,
    Sentence,
    SiteConfig,
)
from .sums import added as _added  # left to right, as _Corpus adds its columns

Scores = tuple[float, ...]

_NO_COUNTS: Counter[str] = Counter()  # never changed
PREV_LAST = False

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
# An article's lead: its first paragraphs, where it says what it is about (the
# opening and the paragraph that explains why it matters).
LEAD_PARAGRAPHS = 2
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
    signals: Scores  # its signals (its words are counted with its paragraph's)
    matched: tuple[str, ...]  # the keys of its signals, in order
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
    learned: Scores  # the corpus model's evidence (0 when its own evidence is decisive)
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
            heaviest = min(claimed, key=lambda k: (-_added(self.weights[k]), k))
            for form in group:
                if phrases.form_key(form) not in self.weights:
                    self.aliases.setdefault(form, heaviest)
        # A phrase of ``not_signals`` is found like a signal, so that the
        # longest match takes its words ("at once" before "once"), then dropped.
        blocked = {p: phrases.NOT_SIGNAL for p in config.not_signals if phrases.form_key(p) not in self.weights}
        self.index = phrases.PhraseIndex({**blocked, **self.aliases, **lookup})
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
        # Columns: each topic's whole text, then each example sentence alone.
        columns: list[tuple[int, Counter[str]]] = list(enumerate(bags))
        for index, topic in enumerate(config.topics):
            columns += [(index, self.read(example).counts) for example in topic.examples]
        self.column_topics = tuple(t for t, _ in columns)
        table: dict[str, list[tuple[int, float]]] = {}
        for column, (_, bag) in enumerate(columns):
            weights = {f: (1 + math.log(c)) * self.idf[f] for f, c in sorted(bag.items()) if f in self.idf}
            norm = math.sqrt(_added(w * w for w in weights.values())) or 1.0
            for form, w in weights.items():
                table.setdefault(form, []).append((column, w / norm))
        self.entries = {f: (self.idf[f], tuple(table.get(f, ()))) for f in sorted(self.idf)}

    @cached_property
    def seed_documents(self) -> tuple[tuple[int, Counter[str]], ...]:
        """What the corpus model learns from the configuration: per topic, its
        title, description and examples (words and signals), and its signals
        (their weights, rounded, as counts)."""
        seeds: list[tuple[int, Counter[str]]] = []
        for index, topic in enumerate(self.config.topics):
            for text in (topic.title, topic.description, *topic.examples):
                read = self.read(text)
                seed = Counter(read.counts)
                seed.update("=" + key for key in read.matched)
                seeds.append((index, seed))
            keys = Counter({"=" + phrases.form_key(s.phrase): max(1, round(s.weight)) for s in topic.signals})
            seeds.append((index, keys))
        return tuple(seeds)

    def read(self, text: str) -> Text:
        """A text's signals and content word forms."""
        return self.read_all([text])[0]

    def read_all(self, texts: Sequence[str]) -> list[Text]:
        """Each text's signals; the word forms of them all together go to the
        last one's ``counts`` (the others' are empty): a paragraph is compared
        with the topics as a whole, so its sentences are counted once."""
        matched_per_text, counts, _ = self.scan(texts)
        zero = (0.0,) * len(self.slugs)
        result = [Text(self.sums(m) if m else zero, tuple(m), _NO_COUNTS) for m in matched_per_text]
        if result:
            last = result[-1]
            result[-1] = Text(last.signals, last.matched, counts)
        return result

    def scan(self, texts: Sequence[str]) -> tuple[list[list[str]], Counter[str], list[str]]:
        """(each text's signal keys, the content word forms of them all, all
        their forms in order): one stemming call and one phrase search for a
        paragraph."""
        folded_all: list[str] = []
        stops = []
        words = phrases.words
        for text in texts:
            folded_all += words(text)
            stops.append(len(folded_all))
        stems_all = phrases.stems(folded_all)
        per_text: list[list[str]] = [[] for _ in texts]
        sentence = 0
        matched_all = []
        for at, key in self.index.find_at(stems_all, stops):
            if key == phrases.NOT_SIGNAL:
                continue
            while stops[sentence] <= at:
                sentence += 1
            per_text[sentence].append(key)
            matched_all.append(key)
        counts = Counter(filterfalse(_STOP_FORMS.__contains__, stems_all))
        key_forms = self.key_forms
        for key in matched_all:  # a signal's words count once, as the signal, not again in the similarity
            for form in key_forms[key]:
                if counts[form] > 1:
                    counts[form] -= 1
                else:
                    counts.pop(form, None)
        return per_text, counts, stems_all

    def sums(self, keys: Iterable[str]) -> Scores:
        """The summed weights per topic of signals found (by key)."""
        totals = [0.0] * len(self.slugs)
        sparse = self.sparse
        for key in keys:
            for i, weight in sparse[key]:
                totals[i] += weight
        return tuple(totals)

    def similarity(self, counts: Counter[str]) -> Scores:
        """Per topic, the cosine between word-form counts and the topic's whole
        text, averaged with that to its nearest example sentence."""
        entries, unknown = self.entries, self.unknown_idf
        columns = self.column_topics
        dots = [0.0] * len(columns)
        norm = 0.0
        known = 0
        for form in [f for f in counts if f in entries]:  # in the text's order: the same sums every run
            idf, row = entries[form]
            count = counts[form]
            weight = idf if count == 1 else (1 + math.log(count)) * idf
            norm += weight * weight
            known += 1
            for column, v in row:
                dots[column] += weight * v
        # Words no topic uses: each weighs ``unknown`` (more when repeated).
        norm += unknown * unknown * (len(counts) - known)
        for form in [f for f, c in counts.items() if c > 1 and f not in entries]:
            norm += unknown * unknown * ((1 + math.log(counts[form])) ** 2 - 1)
        size = len(self.slugs)
        if norm == 0:
            return (0.0,) * size
        nearest = [0.0] * size
        for column in range(size, len(columns)):
            topic = columns[column]
            if dots[column] > nearest[topic]:
                nearest[topic] = dots[column]
        root = math.sqrt(norm)
        return tuple([(dots[t] + nearest[t]) / (2 * root) for t in range(size)])

    def own(self, text: Text, similarity: Scores) -> Scores:
        w = self.config.similarity_weight
        return tuple(s + w * m for s, m in zip(text.signals, similarity, strict=True))


def read_article(article: Article, classifier: Classifier) -> ArticleEvidence:
    """Each paragraph's own evidence: the per-article stage, cached per article."""
    config = classifier.config
    weight, floor = config.similarity_weight, config.min_evidence
    size = len(classifier.slugs)
    zero = (0.0,) * size
    leans: dict[str, int | None] = {}
    paragraphs = []
    # For the subject: the title, every subheading and every sentence; ``lead``
    # is where the lead ends (the article says there what it is about).
    every_form = phrases.forms(article.title)
    lead = 0
    heading_before: str | None = None
    for number, paragraph in enumerate(article.paragraphs, start=1):
        matched, counts, forms = classifier.scan([s.text for s in paragraph.sentences])
        if paragraph.heading is not None and paragraph.heading != heading_before:
            every_form += phrases.forms(paragraph.heading)
        heading_before = paragraph.heading
        every_form += forms
        if number <= LEAD_PARAGRAPHS:
            lead = len(every_form)
        per_sentence = [classifier.sums(keys) if keys else zero for keys in matched]
        signals = per_sentence[0] if len(per_sentence) == 1 else _sum(per_sentence, size)
        similarity = classifier.similarity(counts)
        base = [weight * m for m in similarity]
        plain = max(base, default=0.0) >= floor
        speaks = tuple(
            [
                max([x + b for x, b in zip(sums, base, strict=True)], default=0.0) >= floor if keys else plain
                for keys, sums in zip(matched, per_sentence, strict=True)
            ]
        )
        heading = paragraph.heading
        if heading is not None and heading not in leans:
            leans[heading] = _lean(classifier, heading)
        paragraphs.append(
            ParagraphEvidence(
                signals=signals,
                similarity=similarity,
                lean=leans.get(heading) if heading is not None else None,
                forms=tuple(counts),
                counts=tuple(counts.values()),
                matched=tuple([tuple(keys) for keys in matched]),
                speaks=speaks,
            )
        )
    named = all(_names(index, every_form, lead or len(every_form), config) for index in classifier.subject)
    return ArticleEvidence(article, tuple(paragraphs), named)


def _names(index: phrases.PhraseIndex, every_form: Sequence[str], lead: int, config: SiteConfig) -> bool:
    """Whether an article names a group of the subject: in its title or lead
    (:data:`LEAD_PARAGRAPHS`), or ``subject_mentions`` times in all,
    subheadings included (a passing mention further down does not make the
    subject)."""
    found = index.find_at(every_form)
    return bool(found) and (found[0][0] < lead or len(found) >= config.subject_mentions)


def _lean(classifier: Classifier, heading: str) -> int | None:
    """The topic a subheading leans to, when it names it clearly: a signal of
    the topic, and twice the evidence it has for any other. A subheading is a
    few words, so its similarity alone rests on one word ("watch", "spent")
    and would steer every paragraph under it (and, through the context, the
    paragraphs after them)."""
    text = classifier.read(heading)
    own = classifier.own(text, classifier.similarity(text.counts))
    best = _best(own, None, classifier.config.min_evidence)
    if best is None or text.signals[best] <= 0:
        return None
    other = max([v for t, v in enumerate(own) if t != best], default=0.0)
    return best if own[best] >= 2 * other else None


def decide(
    source: Article | ArticleEvidence, classifier: Classifier, model: Model | None = None
) -> tuple[ParagraphCall, ...]:
    """Every paragraph's topic and evidence, in order. With ``model`` (trained
    on the corpus, see :class:`Model`), a paragraph whose own evidence is not
    decisive also gets the model's evidence."""
    evidence = source if isinstance(source, ArticleEvidence) else read_article(source, classifier)
    article = evidence.article
    config = classifier.config
    size = len(classifier.slugs)
    zero = (0.0,) * size
    owns = [own_evidence(found, config) for found in evidence.paragraphs]
    # An article with no evidence anywhere (nothing reaches ``min_evidence``)
    # goes to the fallback topic whole: the model and the context have
    # nothing to start from.
    silent = all(max(own, default=0.0) < config.min_evidence for own in owns)
    read = []
    for paragraph, found, scores in zip(article.paragraphs, evidence.paragraphs, owns, strict=True):
        learned = zero
        if silent:
            scores = [0.0] * size
        elif model is not None and not decisive(scores, config):
            learned = model.evidence(found)
            scores = [o + m for o, m in zip(scores, learned, strict=True)]
        read.append((paragraph, found, learned, tuple(scores)))

    onehot = [tuple(float(t == topic) for t in range(size)) for topic in range(size)]
    article_total = _sum([r[3] for r in read], size)
    main = _share(article_total)
    calls: list[ParagraphCall] = []
    for i, (paragraph, found, learned, own) in enumerate(read):
        sources: list[Scores] = [main] if main is not None else []
        if calls and read[i - 1][0].heading == paragraph.heading:
            sources.append(onehot[calls[-1].topic])
        if i + 1 < len(read) and read[i + 1][0].heading == paragraph.heading:
            following = _share(read[i + 1][3])
            if following is not None:
                sources.append(following)
        if sources:
            scale = config.context_weight / len(sources)
            context = tuple([scale * _added(column) for column in zip(*sources, strict=True)])
        else:
            context = zero
        total = tuple([o + c for o, c in zip(own, context, strict=True)])
        previous = calls[-1].topic if calls else None
        best = _best(total, previous, 0.0)
        fallback = best is None
        topic = classifier.slugs.index(config.fallback) if best is None else best
        runner_up = _best(tuple(-1.0 if t == topic else v for t, v in enumerate(total)), None, 0.0)
        sentences = _sentences(classifier, paragraph.sentences, found, topic)
        matched = tuple([k for keys in found.matched for k in keys])
        calls.append(
            ParagraphCall(
                paragraph.number,
                topic,
                runner_up,
                found.signals,
                found.similarity,
                found.lean,
                learned,
                context,
                total,
                matched,
                sentences,
                fallback,
            )
        )
    return tuple(calls)


def classify(
    source: Article | ArticleEvidence, classifier: Classifier, model: Model | None = None
) -> ClassifiedArticle:
    """Place every sentence of an article on one topic."""
    evidence = source if isinstance(source, ArticleEvidence) else read_article(source, classifier)
    slugs = classifier.slugs
    placements = [
        Placement(
            sentence=s.sentence,
            topic=slugs[s.topic],
            score=s.signals[s.topic],
            fallback=call.fallback,
            speaks=s.speaks,
            signals=s.matched,
        )
        for call in decide(evidence, classifier, model)
        for s in call.sentences
    ]
    return ClassifiedArticle(
        article=evidence.article, placements=tuple(placements), names_subject=evidence.names_subject
    )


# The corpus model: self-training


class Model:
    """Multinomial naive Bayes over word forms and signals, trained on the
    configuration's own text and on the corpus's decisively placed paragraphs.

    It learns the words that go with each topic in the articles themselves
    ("hashrate" beside the mining bans, "wallet app" beside the digital yuan),
    and lends that knowledge to the paragraphs whose own evidence is not
    decisive: their ``learned`` evidence is the model's posterior for each
    topic times ``model_weight``. Sorted tables and sums in a fixed order: the
    same corpus gives the same bytes."""

    def __init__(self, classifier: Classifier, documents: Iterable[tuple[int, Counter[str]]] = ()):
        """The model of ``documents`` (topic, feature counts), one at a time:
        the reference that :func:`train` computes in bulk."""
        size = len(classifier.slugs)
        table: dict[str, list[float]] = {}
        totals = [0.0] * size
        for topic, features in documents:
            for feature, count in features.items():
                row = table.get(feature)
                if row is None:
                    row = table[feature] = [0.0] * size
                row[topic] += count
                totals[topic] += count
        vocabulary = len(table) or 1
        alpha = 1.0  # Laplace smoothing: a feature unseen for a topic is rare there, not impossible
        self.logs = {
            feature: tuple([math.log((row[t] + alpha) / (totals[t] + alpha * vocabulary)) for t in range(size)])
            for feature, row in sorted(table.items())
        }
        self.weight = classifier.config.model_weight
        self.size = size
        self.trained = 0  # paragraphs of the corpus it learned from

    def posterior(self, features: Iterable[tuple[str, int]]) -> Scores:
        """P(topic | features), every topic equally likely before (all 0 without a known feature)."""
        get = self.logs.get
        known = [(row, count) for row, count in ((get(f), c) for f, c in features) if row is not None]
        if not known:
            return (0.0,) * self.size
        rows, weights = zip(*known, strict=True)
        # Naive Bayes counts correlated words as if independent, so its
        # posteriors are overconfident, the more so the longer the text:
        # the log-likelihoods are divided by the square root of its length.
        scale = 1 / math.sqrt(sum(weights))
        sums = [scale * _added(map(operator.mul, weights, column)) for column in zip(*rows, strict=True)]
        top = max(sums)
        exps = [math.exp(s - top) for s in sums]
        total = _added(exps)
        return tuple([e / total for e in exps])

    def evidence(self, found: ParagraphEvidence) -> Scores:
        """``model_weight`` times the posterior of a paragraph's features
        (those of :func:`features`, read in place)."""
        weight = self.weight
        signals = [("=" + key, 1) for keys in found.matched for key in keys]
        posterior = self.posterior(chain(zip(found.forms, found.counts, strict=True), signals))
        return tuple([weight * p for p in posterior])


def features(found: ParagraphEvidence) -> Counter[str]:
    """What the model reads of a paragraph: its content word forms and its signals (as "=key")."""
    result = Counter(dict(zip(found.forms, found.counts, strict=True)))
    for keys in found.matched:
        for key in keys:
            result["=" + key] += 1
    return result


def own_evidence(found: ParagraphEvidence, config: SiteConfig) -> list[float]:
    """A paragraph's own evidence: signals, weighted similarity and its subheading's lean."""
    weight = config.similarity_weight
    own = [s + weight * m for s, m in zip(found.signals, found.similarity, strict=True)]
    if found.lean is not None:
        own[found.lean] += config.subheading_weight
    return own


def decisive(own: Sequence[float], config: SiteConfig) -> bool:
    """Own evidence that settles a paragraph on its own: at least
    ``split_weight`` for one topic and twice as much as for any other."""
    ranked = sorted(own, reverse=True)
    return bool(ranked) and ranked[0] >= config.split_weight and ranked[0] >= 2 * (ranked[1] if len(ranked) > 1 else 0)


def fits(evidence: ArticleEvidence, config: SiteConfig) -> bool:
    """Whether an article fits the topics, by its own evidence (as
    :func:`explainer.sections.fits` decides from its placements)."""
    total = sum(len(found.speaks) for found in evidence.paragraphs)
    spoken = sum(sum(found.speaks) for found in evidence.paragraphs)
    return evidence.names_subject and bool(total) and spoken / total >= config.min_matched_share


def documents(evidences: Sequence[ArticleEvidence], classifier: Classifier) -> list[tuple[int, Counter[str]]]:
    """What the corpus model learns from, one (topic, feature counts) per
    document: the topics' own text, and every decisive paragraph of the
    articles that fit (their own evidence is the label). The reference for
    :func:`train`, which counts the same in bulk."""
    config = classifier.config
    result = list(classifier.seed_documents)
    for evidence in evidences:
        if not fits(evidence, config):
            continue  # an article that does not fit teaches nothing about the topics
        for found in evidence.paragraphs:
            own = own_evidence(found, config)
            if decisive(own, config):
                result.append((own.index(max(own)), features(found)))
    return result


def train(evidences: Sequence[ArticleEvidence], classifier: Classifier) -> Model:
    """The corpus model (see :func:`documents` for what it learns from)."""
    with collector_paused():
        corpus = _Corpus.of(evidences, classifier)
        if corpus is not None:
            return corpus.model()
    # Evidence that does not add up: the reference, one document at a time.
    found = documents(evidences, classifier)
    model = Model(classifier, found)
    model.trained = len(found) - len(classifier.seed_documents)
    return model


def unsound(evidences: Sequence[ArticleEvidence], classifier: Classifier) -> list[int]:
    """Positions of the evidence that does not add up: lengths, indexes, counts
    or signal keys that :func:`read_article` never gives (a forged cache entry,
    well typed but not consistent). One check of the whole corpus when all is
    well, then one per article to find the bad ones."""
    if not evidences or _Corpus(evidences, classifier, check_only=True).sound:
        return []
    return [i for i, evidence in enumerate(evidences) if not _Corpus([evidence], classifier, check_only=True).sound]


def classify_corpus(evidences: Sequence[ArticleEvidence], classifier: Classifier) -> list[ClassifiedArticle]:
    """Every article placed with the corpus model (trained on them all): the
    corpus-level pass after the per-article, cached :func:`read_article`.

    In bulk (:class:`_Corpus`): the same placements as :func:`classify` with
    the model of :func:`train`, to the last bit of every sum."""
    with collector_paused():
        corpus = _Corpus.of(evidences, classifier)
        if corpus is not None:
            return corpus.classified()
    model = train(evidences, classifier)
    return [classify(e, classifier, model) for e in evidences]


def classify_sound(evidences: Sequence[ArticleEvidence], classifier: Classifier) -> list[ClassifiedArticle] | None:
    """:func:`classify_corpus`'s placements, or None when some evidence does not
    add up (see :func:`unsound`): the check and the placements in one pass
    over the arrays, for a caller that checks cached evidence anyway."""
    with collector_paused():
        corpus = _Corpus.of(evidences, classifier)
        return corpus.classified() if corpus is not None else None


# The corpus pass in bulk


_TEXT = operator.attrgetter("text")
_NUMBER = operator.attrgetter("number")
_SENTENCES = operator.attrgetter("sentences")
_INDEX = operator.attrgetter("index")
_PARAGRAPH = operator.attrgetter("paragraph")


class _Corpus:
    """The corpus pass over arrays: every paragraph's own evidence, the
    model's training counts and posteriors, the context and every sentence's
    page, one numpy operation for all paragraphs (or all sentences) at a time.

    Exactly the arithmetic of :func:`decide` and :class:`Model`, operation by
    operation: every sum is added in the same order (a column at a time, a
    paragraph's features in order), each IEEE operation rounds the same in
    numpy as in Python, and ``log`` and ``exp`` are Python's (numpy's own may
    differ in the last bit): the same placements to the last tie. Only the
    loop over a paragraph's position in its article is sequential (a
    paragraph leans to the previous one's page)."""

    @classmethod
    def of(cls, evidences: Sequence[ArticleEvidence], classifier: Classifier) -> _Corpus | None:
        """The corpus in arrays, or None when its evidence does not add up (a
        bad cache entry: the reference path then fails or copes as it did)."""
        corpus = cls(evidences, classifier)
        return corpus if corpus.sound else None

    def __init__(self, evidences: Sequence[ArticleEvidence], classifier: Classifier, *, check_only: bool = False):
        """The arrays; with ``check_only``, only :attr:`sound` (the checks
        :func:`unsound` needs, without the word forms' ids and the rest)."""
        self.evidences = evidences
        self.classifier = classifier
        config = classifier.config
        size = self.size = len(classifier.slugs)
        found = self.found = [p for e in evidences for p in e.paragraphs]
        paragraphs = self.paragraphs = [p for e in evidences for p in e.article.paragraphs]
        count = len(found)
        self.sound = False
        # The evidence a field at a time (one pass over the paragraphs).
        fields = ("forms", "counts", "matched", "speaks", "signals", "similarity", "lean")
        columns = list(zip(*map(operator.attrgetter(*fields), found), strict=True)) or [()] * len(fields)
        forms, counts, matched, speaks, signals_, similarity_, leans_ = columns
        # What a bad cache entry could break: lengths, indexes, counts, keys.
        per_article = np.fromiter(map(len, (e.paragraphs for e in evidences)), np.int64, len(evidences))
        sentence_keys = self.sentence_keys = list(chain.from_iterable(matched))
        # Signal keys and word forms as integer ids, in order of first use.
        key_index: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        keys_used = sum(map(len, sentence_keys))
        key_local = np.fromiter(map(key_index.__getitem__, chain.from_iterable(sentence_keys)), np.int64, keys_used)
        forms_per_paragraph = np.fromiter(map(len, forms), np.int64, count)
        forms_used = int(forms_per_paragraph.sum())
        sentences_per_paragraph = list(map(len, (p.sentences for p in paragraphs)))
        leans = [-1 if lean is None else lean for lean in leans_]
        if (
            len(paragraphs) != count
            or list(map(len, counts)) != forms_per_paragraph.tolist()
            or list(map(len, matched)) != sentences_per_paragraph
            or list(map(len, speaks)) != sentences_per_paragraph
            or {*map(len, signals_), *map(len, similarity_)} - {size}
            or not all(0 <= lean < size for lean in leans if lean != -1)
            or not key_index.keys() <= classifier.weights.keys()
        ):
            return
        sentences = self.sentences = list(chain.from_iterable(map(_SENTENCES, paragraphs)))  # (placed in turn)
        if not _numbered_in_order(evidences, paragraphs, sentences, per_article, sentences_per_paragraph):
            return
        try:
            form_counts = np.fromiter(chain.from_iterable(counts), np.int64, forms_used)
        except OverflowError:
            return
        signals = np.array(signals_, dtype=np.float64).reshape(count, size)
        similarity = np.array(similarity_, dtype=np.float64).reshape(count, size)
        if (forms_used and form_counts.min() < 1) or not (np.isfinite(signals).all() and np.isfinite(similarity).all()):
            return
        # A paragraph's words are fewer than its characters: counts past that (2**40
        # of a word, from a forged entry) are none that reading it could give.
        lengths = np.fromiter(map(len, map(_TEXT, sentences)), np.float64, len(sentences))
        written = np.bincount(np.repeat(np.arange(count), sentences_per_paragraph), weights=lengths, minlength=count)
        counted = np.bincount(np.repeat(np.arange(count), forms_per_paragraph), weights=form_counts, minlength=count)
        if (counted > written).any():
            return
        self.sound = True
        if check_only:
            return
        # (Ids in order of first use: the word forms first, then the signals' "=key" features.)
        index: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        form_ids = np.fromiter(map(index.__getitem__, chain.from_iterable(forms)), np.int64, forms_used)
        self.form_ids, self.form_counts = form_ids, form_counts
        self.form_paragraph = np.repeat(np.arange(count), forms_per_paragraph)
        self.form_runs = forms_per_paragraph
        self.form_starts = np.cumsum(forms_per_paragraph) - forms_per_paragraph
        self.starts = np.cumsum(per_article) - per_article
        self.per_article = per_article
        self.article_of = np.repeat(np.arange(len(evidences)), per_article)
        self.base = config.similarity_weight * similarity
        own = self.own = signals + self.base
        lean = np.array(leans, dtype=np.int64)
        leaning = np.flatnonzero(lean >= 0)
        own[leaning, lean[leaning]] += config.subheading_weight
        # Subheadings: a paragraph under the same one as the paragraph before it.
        headings = [p.heading for p in paragraphs]
        same = np.zeros(count, dtype=bool)
        if count > 1:
            same[1:] = np.array([a == b for a, b in pairwise(headings)], dtype=bool)
        same[self.starts[per_article > 0]] = False  # the first of its article
        self.same_as_previous = same
        ranked = np.sort(own, axis=1)
        top = ranked[:, -1] if size else np.zeros(count)
        second = ranked[:, -2] if size > 1 else np.zeros(count)
        self.decisive = (top >= config.split_weight) & (top >= 2 * second)
        loud = np.bincount(self.article_of, weights=top >= config.min_evidence, minlength=len(evidences))
        self.silent = loud == 0
        self.label = own.argmax(axis=1) if size else np.zeros(count, dtype=np.int64)
        # Sentences: their paragraph, whether they speak, their signals' keys.
        per_paragraph = np.array(sentences_per_paragraph, dtype=np.int64)
        self.sentence_paragraph = np.repeat(np.arange(count), per_paragraph)
        self.speaks = list(chain.from_iterable(speaks))
        spoken = np.bincount(self.sentence_paragraph, weights=self.speaks, minlength=count)
        said = np.bincount(self.article_of, weights=per_paragraph, minlength=len(evidences))
        spoken_article = np.bincount(self.article_of, weights=spoken, minlength=len(evidences))
        names = np.array([e.names_subject for e in evidences], dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.fits = names & (said > 0) & (spoken_article / said >= config.min_matched_share)
        # Features: word forms, signals ("=key") and the configuration's own.
        key_features = np.array([index["=" + key] for key in key_index], dtype=np.int64)
        self.key_ids = key_features[key_local]
        self.key_count = np.fromiter(map(len, sentence_keys), np.int64, len(sentence_keys))
        self.key_paragraph = np.repeat(self.sentence_paragraph, self.key_count)
        self.key_runs = np.bincount(self.key_paragraph, minlength=count)
        self.key_starts = np.cumsum(self.key_runs) - self.key_runs
        self.seeds = [
            (topic, [index[f] for f in seed], list(seed.values())) for topic, seed in classifier.seed_documents
        ]
        self.index = index
        # Each key's weights, by feature id (a sentence's signals are their sum).
        rows = np.zeros((len(index), size))
        for key, feature in zip(key_index, key_features.tolist(), strict=True):
            rows[feature] = classifier.weights[key]
        self.key_weights = rows

    def model(self) -> Model:
        """The model :func:`train` makes (its table of logs by feature)."""
        logs, known = self._logs()
        names = list(self.index)
        model = Model(self.classifier)
        model.logs = {
            names[f]: tuple(logs[f].tolist()) for f in sorted(np.flatnonzero(known).tolist(), key=names.__getitem__)
        }
        model.trained = int(self.learning.sum())
        return model

    @cached_property
    def learning(self) -> np.ndarray:
        """The paragraphs the model learns from: decisive, in an article that fits."""
        return self.decisive & self.fits[self.article_of]

    def _logs(self) -> tuple[np.ndarray, np.ndarray]:
        """Per feature id, the model's log-likelihood per topic, and whether it is known."""
        size, features = self.size, len(self.index)
        learning = self.learning
        forms = learning[self.form_paragraph]
        keys = learning[self.key_paragraph]
        seed_topics = [t for t, ids, _ in self.seeds for _ in ids]
        ids = np.concatenate(
            [self.form_ids[forms], self.key_ids[keys], np.array([f for _, ids, _ in self.seeds for f in ids], np.int64)]
        )
        topics = np.concatenate(
            [
                self.label[self.form_paragraph[forms]],
                self.label[self.key_paragraph[keys]],
                np.array(seed_topics, np.int64),
            ]
        )
        counts = np.concatenate(
            [
                self.form_counts[forms],
                np.ones(int(keys.sum()), np.int64),
                np.array([c for _, _, cs in self.seeds for c in cs], np.int64),
            ]
        )
        # Whole counts: every order of adding them gives the same floats.
        table = np.bincount(ids * size + topics, weights=counts, minlength=features * size).reshape(features, size)
        known = np.bincount(ids, minlength=features) > 0
        vocabulary = int(known.sum()) or 1
        totals = table.sum(axis=0)
        alpha = 1.0
        ratios = (table[known] + alpha) / (totals + alpha * vocabulary)
        logs = np.zeros((features, size))
        logs[known] = np.array(list(map(math.log, ratios.ravel().tolist()))).reshape(-1, size)
        return logs, known

    def decided(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per paragraph, as :func:`decide`'s calls: its topic, whether it fell
        back, the model's evidence (``learned``) and the ``total``."""
        scores = self.own.copy()
        scores[self.silent[self.article_of]] = 0.0
        learned = np.zeros_like(scores)
        found = self._learned()
        if found is not None:
            rows, values = found
            learned[rows] = values
            scores[rows] = self.own[rows] + values
        topic, fallback, total = self._topics(scores)
        return topic, fallback, learned, total

    def classified(self) -> list[ClassifiedArticle]:
        config, size = self.classifier.config, self.size
        count = len(self.found)
        topic, fallback, _, _ = self.decided()
        # Sentences: its own signals and its paragraph's similarity; it leaves
        # its paragraph's topic only when strongly about another (:func:`_split`).
        paragraph = self.sentence_paragraph
        starts = np.cumsum(self.key_count) - self.key_count
        signals = _added_in_turn(self.key_count, starts, self.key_ids, self.key_weights)
        own = signals + self.base[paragraph]
        placed = topic[paragraph]
        if len(paragraph) and size:
            every = np.arange(len(paragraph))
            first = own.argmax(axis=1)
            most = own[every, first]
            masked = own.copy()
            masked[every, first] = -1.0
            second = masked.argmax(axis=1)
            other = np.where(placed == first, second, first)
            left = own[every, other]
            split = config.split_weight
            leaves = (most >= split) & (left > 0) & (left >= split) & (left >= 2 * own[every, placed])
            placed = np.where(leaves, other, placed)
            score = signals[every, placed].tolist()
        else:
            score = []
        slugs = self.classifier.slugs
        placements = list(
            map(
                Placement,
                self.sentences,
                np.array(slugs, dtype=object)[placed].tolist(),
                score,
                fallback[paragraph].tolist(),
                self.speaks,
                self.sentence_keys,
            )
        )
        per_paragraph = np.bincount(paragraph, minlength=count)
        ends = np.cumsum(np.bincount(self.article_of, weights=per_paragraph, minlength=len(self.evidences)))
        result = []
        start = 0
        for evidence, end in zip(self.evidences, ends.astype(np.int64).tolist(), strict=True):
            result.append(ClassifiedArticle(evidence.article, tuple(placements[start:end]), evidence.names_subject))
            start = end
        return result

    def _learned(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(paragraphs, the model's evidence for them): those whose own evidence is
        not decisive, in an article that is not silent, with a feature it knows."""
        size, count = self.size, len(self.found)
        logs, known = self._logs()
        asked = ~self.decisive & ~self.silent[self.article_of]
        # Whole counts of the known features: their sum is exact in any order.
        forms = known[self.form_ids]
        keys = known[self.key_ids]
        # (as floats even when no paragraph has a word form: bincount of nothing gives integers)
        weight = np.bincount(self.form_paragraph, weights=self.form_counts * forms, minlength=count).astype(np.float64)
        weight += np.bincount(self.key_paragraph, weights=keys, minlength=count)
        asked_rows = np.flatnonzero(asked & (weight > 0))
        if not len(asked_rows):
            return None
        # A paragraph's features in order: all its word forms, then its signals
        # (an unknown one adds the 0 of its row of ``logs``: the same sum).
        form_runs = np.where(asked, self.form_runs, 0)
        sums = _added_in_turn(form_runs, self.form_starts, self.form_ids, logs, self.form_counts)
        key_runs = np.where(asked, self.key_runs, 0)
        sums = _added_in_turn(key_runs, self.key_starts, self.key_ids, logs, start=sums)
        scale = 1 / np.sqrt(weight[asked_rows])
        sums = scale[:, None] * sums[asked_rows]
        top = sums.max(axis=1)
        exps = np.array(list(map(math.exp, (sums - top[:, None]).ravel().tolist()))).reshape(-1, size)
        added = _columns_added(exps)
        return asked_rows, self.classifier.config.model_weight * (exps / added[:, None])

    def _topics(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every paragraph's topic, whether it fell back (no evidence) and its total:
        :func:`decide`'s context and ties, a position in the articles at a time."""
        config, size = self.classifier.config, self.size
        count = len(self.found)
        articles = len(self.evidences)
        # The article's main topic: its paragraphs' evidence, added in order.
        total = np.zeros((articles, size))
        for position in range(int(self.per_article.max(initial=0))):
            having = np.flatnonzero(self.per_article > position)
            total[having] += scores[self.starts[having] + position]
        total_sum = _columns_added(total)
        has_main = total_sum > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            main = np.where(has_main[:, None], total / total_sum[:, None], 0.0)
            row_sum = _columns_added(scores)
            share = np.where((row_sum > 0)[:, None], scores / row_sum[:, None], 0.0)
        # The next paragraph's evidence, when under the same subheading.
        following = np.zeros(count, dtype=bool)
        following[:-1] = self.same_as_previous[1:] & (row_sum[1:] > 0)
        after = np.zeros((count, size))
        after[:-1] = share[1:]
        after[~following] = 0.0
        previous = self.same_as_previous
        has = has_main[self.article_of]
        sources = has.astype(np.int64) + previous + following
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = np.where(sources > 0, config.context_weight / sources, 0.0)
        ahead = np.where(has[:, None], main[self.article_of], 0.0)
        plain = scores + scale[:, None] * (ahead + after)
        leaning = scores + scale[:, None] * ((ahead + 1.0) + after)
        topic = np.zeros(count, dtype=np.int64)
        fallback = np.zeros(count, dtype=bool)
        chosen = plain.copy()
        for position in range(int(self.per_article.max(initial=0))):
            rows = self.starts[np.flatnonzero(self.per_article > position)] + position
            totals = plain[rows]
            every = np.arange(len(rows))
            if position:
                before = topic[rows - 1]
                lean = np.flatnonzero(previous[rows])
                totals[lean, before[lean]] = leaning[rows[lean], before[lean]]
            top = totals.max(axis=1)
            best = totals.argmax(axis=1)
            if position:
                best = np.where(totals[every, before] == top, before, best)
            none = top <= 0
            if none.any():
                best[none] = self.classifier.slugs.index(config.fallback)
            topic[rows] = best
            fallback[rows] = none
            chosen[rows] = totals
        return topic, fallback, chosen


def _numbered_in_order(
    evidences: Sequence[ArticleEvidence],
    paragraphs: Sequence[Paragraph],
    sentences: Sequence[Sentence],
    per_article: np.ndarray,
    sentences_per_paragraph: Sequence[int],
) -> bool:
    """Whether each article's paragraphs are numbered 1, 2, ... and its
    sentences 0, 1, ... in order, each sentence in its own paragraph, as
    :func:`explainer.segment.segment` numbers them: a cached entry numbered
    otherwise (a forged one) would put a sentence under another's anchor, or
    two sentences at one place."""
    articles = len(evidences)
    own = np.fromiter(map(len, (e.article.paragraphs for e in evidences)), np.int64, articles)
    if (own != per_article).any():
        return False
    count = len(paragraphs)
    numbers = np.fromiter(map(_NUMBER, paragraphs), np.int64, count)
    first = np.repeat(np.cumsum(per_article) - per_article, per_article)
    if (numbers != np.arange(count, dtype=np.int64) - first + 1).any():
        return False
    n = len(sentences)
    spread = np.array(sentences_per_paragraph, dtype=np.int64)
    if (np.fromiter(map(_PARAGRAPH, sentences), np.int64, n) != np.repeat(numbers, spread)).any():
        return False
    article_of = np.repeat(np.arange(articles, dtype=np.int64), per_article)
    per_sentences = np.bincount(article_of, weights=spread, minlength=articles).astype(np.int64)
    start = np.repeat(np.cumsum(per_sentences) - per_sentences, per_sentences)
    return not (np.fromiter(map(_INDEX, sentences), np.int64, n) != np.arange(n, dtype=np.int64) - start).any()


def _columns_added(values: np.ndarray) -> np.ndarray:
    """Each row's sum, left to right (as :func:`_added`; numpy's own sum pairs)."""
    total = np.zeros(len(values))
    for column in range(values.shape[1]):
        total = total + values[:, column]
    return total


def _added_in_turn(
    runs: np.ndarray,
    starts: np.ndarray,
    ids: np.ndarray,
    table: np.ndarray,
    weights: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Per owner, ``start`` (or 0) plus ``table[ids[i]]`` (times ``weights[i]``)
    for each item ``i`` of its run (``runs[o]`` items from ``starts[o]``),
    added left to right: a place in the runs at a time, over the owners that
    have an item there."""
    total = np.zeros((len(runs), table.shape[1])) if start is None else start.copy()
    if not len(runs):
        return total
    order = np.argsort(-runs, kind="stable")  # the owners with the most items first
    first = starts[order]
    having = len(runs) - np.cumsum(np.bincount(runs))  # owners with more than k items
    ranked = total[order]
    for place, owners in enumerate(having.tolist()):
        if owners:
            at = first[:owners] + place
            rows = table[ids[at]]
            ranked[:owners] += rows if weights is None else weights[at][:, None] * rows
    total[order] = ranked
    return total


# Helper functions


def _sentences(
    classifier: Classifier, sentences: Sequence[Sentence], found: ParagraphEvidence, topic: int
) -> tuple[SentenceCall, ...]:
    """A sentence keeps its paragraph's topic unless strongly about another.

    Its evidence is its own signals and its paragraph's similarity (one
    sentence's words are too few for a cosine to say much)."""
    config = classifier.config
    weight = config.similarity_weight
    base = tuple([weight * m for m in found.similarity])
    zero = (0.0,) * len(base)
    calls = []
    plain: tuple[int, bool] | None = None  # the call for a sentence without signals (the same for all)
    for sentence, matched, speaks in zip(sentences, found.matched, found.speaks, strict=True):
        if matched:
            signals = classifier.sums(matched)
            own = tuple([s + b for s, b in zip(signals, base, strict=True)])
            placed, split = _split(own, topic, config) if max(own) >= config.split_weight else (topic, False)
        else:
            signals, own = zero, base
            plain = plain or _split(base, topic, config)
            placed, split = plain
        calls.append(SentenceCall(sentence, placed, own, signals, matched, split, speaks))
    return tuple(calls)


def _split(own: Scores, topic: int, config: SiteConfig) -> tuple[int, bool]:
    """(topic, split off) for a sentence with ``own`` evidence in a paragraph on ``topic``."""
    if max(own, default=0.0) < config.split_weight:
        return topic, False  # nothing strong enough to leave for
    other = _best(tuple(-1.0 if t == topic else v for t, v in enumerate(own)), None, 0.0)
    if other is not None and own[other] >= config.split_weight and own[other] >= 2 * own[topic]:
        return other, True
    return topic, False


def _sum(vectors: Sequence[Scores], size: int) -> Scores:
    return tuple([_added(column) for column in zip(*vectors, strict=True)]) if vectors else (0.0,) * size


def _share(scores: Scores) -> Scores | None:
    """Scores as shares of their sum (a distribution); None when all are 0."""
    total = _added(scores)
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


def explain(source: Article | ArticleEvidence, classifier: Classifier, model: Model | None = None) -> list[str]:
    """Lines that say where each paragraph went and why: its first words, its
    page and the runner-up, then the evidence (signals, similarity, subheading,
    the corpus model, context) and any sentence that left it for another page."""
    titles = [t.title for t in classifier.config.topics]
    weight = classifier.config.similarity_weight
    lines = []
    for call in decide(source, classifier, model):
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
        if any(call.learned):
            ranked = sorted(range(len(titles)), key=lambda t: (-call.learned[t], t))
            learned = ", ".join(f"{titles[t]} +{call.learned[t]:.1f}" for t in ranked if call.learned[t] >= 0.05)
            lines.append(f"    corpus model (not decisive on its own): {learned}")
        shares = sorted(range(len(titles)), key=lambda t: (-call.context[t], t))
        context = ", ".join(f"{titles[t]} +{call.context[t]:.1f}" for t in shares if call.context[t] >= 0.05)
        lines.append(f"    context (previous and next paragraph, article): {context or 'none'}")
        if call.fallback:
            lines.append(f"    no evidence in the whole article: the fallback topic ({classifier.config.fallback})")
        for s in call.sentences:
            if s.split:
                found = _signal_list(classifier, s.matched)
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
