"""Load and validate the data files: topics and boilerplate rules.

Heuristics are data a contributor can edit in a pull request; this module only
checks them and turns them into typed values. Errors name the file and line.
"""

from __future__ import annotations

import contextlib
from typing import Any

from . import furniture, saferegex, yamldata
from .ingest import MAX_SLUG
from .model import BoilerplateRules, Signal, SiteConfig, Topic
from .sitepages import RESERVED_SLUGS
from .validate import Fail, failer, is_number, is_slug, no_unknown_keys
from .validate import text as text_field

# Weights are multiplied and summed over every word of an article: far past
# any useful weight, a sum overflows to infinity (1e308 did, with a warning).
MAX_WEIGHT = 1_000_000


def _as_text(value: object) -> str:
    """What to add to a message about a number YAML read as text ("1.0e6": YAML
    1.1 wants a sign in the exponent), else nothing."""
    if isinstance(value, str) and any(c.isdigit() for c in value):  # ("nan", "infinity" are no exponents)
        with contextlib.suppress(ValueError):
            float(value)
            return " (YAML read it as text: write the exponent with its sign, as in 1.0e+6)"
    return ""


# Weights of the evidence (see model.SiteConfig): a number from 0 to MAX_WEIGHT each, with its default.
_WEIGHTS = {
    "subheading_weight": 2.0,
    "similarity_weight": 6.0,
    "context_weight": 3.0,
    "split_weight": 3.0,
    "min_evidence": 1.0,
    "model_weight": 1.0,
}
_SITE_KEYS = {
    *("title", "summary", "fallback", "min_matched_share", "topics"),
    *("subject", "subject_mentions", "not_signals"),
    *_WEIGHTS,
}
_TOPIC_KEYS = {"slug", "title", "description", "tags", "signals", "examples"}


def load_topics(text: str, path: str, edit_path: str | None = None) -> SiteConfig:
    """Parse the topics file into a :class:`SiteConfig`."""
    data, lines = yamldata.load(text, path)

    fail = failer(path, lines)

    if not isinstance(data, dict):
        raise fail("expected a mapping with 'title', 'summary', 'fallback' and 'topics'")
    no_unknown_keys(data, _SITE_KEYS, fail)
    raw_topics = data.get("topics")
    if not isinstance(raw_topics, list) or not raw_topics:
        raise fail("'topics' must be a non-empty list", "topics")
    topics: list[Topic] = []
    for i, raw in enumerate(raw_topics):
        topic = _topic(raw, fail, i)
        if any(t.slug == topic.slug for t in topics):
            raise fail(f"duplicate topic slug {topic.slug!r}", "topics", i, "slug")
        topics.append(topic)
    fallback = data.get("fallback", topics[0].slug)
    if not isinstance(fallback, str):  # (a list or a mapping is no slug, and cannot be looked up)
        raise fail("'fallback' must be the slug of a topic, written as one word", "fallback")
    if fallback not in {t.slug for t in topics}:
        raise fail(f"'fallback' names no topic: {fallback!r}", "fallback")
    weights = {}
    for key, default in _WEIGHTS.items():
        weight = data.get(key, default)
        if not is_number(weight) or not 0 <= weight <= MAX_WEIGHT:
            raise fail(f"'{key}' must be a number from 0 to {MAX_WEIGHT:,}{_as_text(weight)}", key)
        weights[key] = float(weight)
    share = data.get("min_matched_share", 0.2)
    if not is_number(share) or not 0 <= share <= 1:
        raise fail("'min_matched_share' must be a number from 0 to 1", "min_matched_share")
    subject = data.get("subject", []) or []
    if not isinstance(subject, list) or not all(
        isinstance(g, list) and g and all(isinstance(p, str) and p.strip() for p in g) for g in subject
    ):
        raise fail("'subject' must be a list of lists of phrases", "subject")
    mentions = data.get("subject_mentions", 1)
    if not isinstance(mentions, int) or isinstance(mentions, bool) or mentions < 1:
        raise fail("'subject_mentions' must be a whole number >= 1", "subject_mentions")
    not_signals = data.get("not_signals", []) or []
    if not isinstance(not_signals, list) or not all(isinstance(p, str) and p.strip() for p in not_signals):
        raise fail("'not_signals' must be a list of phrases", "not_signals")
    return SiteConfig(
        title=text_field(data, "title", fail),
        summary=text_field(data, "summary", fail),
        topics=tuple(topics),
        fallback=fallback,
        min_matched_share=float(share),
        subject=tuple(tuple(" ".join(p.split()) for p in g) for g in subject),
        subject_mentions=mentions,
        not_signals=tuple(" ".join(p.split()) for p in not_signals),
        edit_path=edit_path or path,
        **weights,
    )


def _topic(raw: Any, fail: Fail, i: int) -> Topic:
    if not isinstance(raw, dict):
        raise fail("each topic must be a mapping", "topics", i)
    no_unknown_keys(raw, _TOPIC_KEYS, fail, "topics", i)
    slug = raw.get("slug")
    if not is_slug(slug):
        raise fail("'slug' must be lower-case words joined by hyphens", "topics", i, "slug")
    if slug in RESERVED_SLUGS:
        raise fail(f"slug {slug!r} is reserved for the site's own pages", "topics", i, "slug")
    if len(slug) > MAX_SLUG:  # (its page, and that page's year pages, are files named after it)
        raise fail(f"'slug' is {len(slug)} characters, over the limit of {MAX_SLUG}", "topics", i, "slug")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise fail("'tags' must be a list of words", "topics", i, "tags")
    examples = raw.get("examples", []) or []
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
        raise fail("'examples' must be a list of sentences", "topics", i, "examples")
    return Topic(
        slug=slug,
        title=text_field(raw, "title", fail, "topics", i),
        description=text_field(raw, "description", fail, "topics", i),
        signals=_signals(raw.get("signals"), fail, i),
        tags=tuple(tags),
        examples=tuple(" ".join(e.split()) for e in examples),
    )


def _signals(raw: Any, fail: Fail, i: int) -> tuple[Signal, ...]:
    """Signals are a list of phrases (weight 1) or a mapping phrase -> weight."""
    at = ("topics", i, "signals")
    if isinstance(raw, list):
        for j, phrase in enumerate(raw):  # a list or a mapping in the list is no phrase (nor a key)
            if not isinstance(phrase, str) or not phrase.strip():
                raise fail("a signal must be a word or phrase", *at, j)
        raw = dict.fromkeys(raw, 1)
    if not isinstance(raw, dict) or not raw:
        raise fail("'signals' must be a non-empty list or mapping of phrases", *at)
    signals = []
    seen: set[str] = set()
    for phrase, weight in raw.items():
        if not isinstance(phrase, str) or not phrase.strip():
            raise fail("a signal must be a word or phrase", *at)
        key = " ".join(phrase.casefold().split())
        if key in seen:
            raise fail(f"duplicate signal {phrase!r}", *at, phrase)
        seen.add(key)
        if not is_number(weight) or not 0 < weight <= MAX_WEIGHT:
            raise fail(
                f"weight of {phrase!r} must be a number > 0 and at most {MAX_WEIGHT:,}" + _as_text(weight),
                *at,
                phrase,
            )
        signals.append(Signal(phrase=key, weight=float(weight)))
    return tuple(signals)


def load_boilerplate(text: str, path: str) -> BoilerplateRules:
    """Parse the boilerplate file: ``lines`` (exact), ``patterns`` (regex) and
    the typed furniture rules (see :func:`furniture.load_rules`)."""
    data, lines = yamldata.load(text, path)

    fail = failer(path, lines)

    if not isinstance(data, dict):
        raise fail("expected a mapping with 'lines' and 'patterns'")
    no_unknown_keys(data, furniture.KEYS, fail)
    exact = data.get("lines", []) or []
    patterns = data.get("patterns", []) or []
    for key, values in (("lines", exact), ("patterns", patterns)):
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise fail(f"'{key}' must be a list of strings", key)
    for i, pattern in enumerate(patterns):  # one by one, so that the error names the pattern's line
        problem = saferegex.check(pattern)
        if problem:
            raise fail(f"pattern {pattern[:60]!r} {problem}", "patterns", i)
    return furniture.load_rules(data, tuple(exact), tuple(patterns), fail)  # kinds, stop lists, thresholds


# Helper functions
