"""Who's who: the people, organisations and places the sources mention.

Two sources of names, so that the page is both reliable and complete:

- a curated list, ``config/names.yml`` (name, kind, a one-line description in
  our words, aliases), which says exactly who or what each one is;
- detection of names the list lacks: runs of two or more capitalised words in
  the article sentences (never headings or titles, which are capitalised
  anyway), joined by at most "of", "de", "von"... A sentence's first word is
  dropped when it is an ordinary word (it appears in lower case elsewhere in
  the sources) or on the stop list. These are shown as "other names
  mentioned", without a description, until someone adds them to the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import yamldata
from .config import no_unknown_keys
from .errors import ExplainerError
from .mentions import PageLink, find_mentions, phrase_pattern
from .model import ClassifiedArticle, Page, SiteConfig
from .render import front_matter, render_template

KINDS = {"person": "People", "organisation": "Organisations", "place": "Places"}
_KEYS = {"name", "kind", "description", "aliases"}

_TOKEN = r"[A-Z][\w'’.-]*"
# Lower-case words allowed inside a name ("Bank of England", "Ursula von der
# Leyen"). Not "the": "Ada Lovelace of the Bank of England" is two names.
_CONNECTORS = {"of", "de", "da", "del", "van", "von", "der", "bin", "al"}
_CANDIDATE = re.compile(rf"(?<![\w'’]){_TOKEN}(?:(?:\s+(?:{'|'.join(sorted(_CONNECTORS))}))*\s+{_TOKEN})+")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]*\b")


@dataclass(frozen=True)
class Name:
    """A curated name: who or what it is, in our words, and its other forms."""

    name: str
    kind: str  # a key of KINDS
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameList:
    """The curated names, and words never to take as the start or end of a name."""

    names: tuple[Name, ...] = ()
    stop: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Entry:
    name: str
    description: str | None
    pages: tuple[PageLink, ...]


def load_names(text: str, path: str) -> NameList:
    """Parse and check the names file; every error names file and line."""
    data, lines = yamldata.load(text, path)

    def fail(message: str, *at: str | int) -> ExplainerError:
        return ExplainerError(message, path=path, line=yamldata.line_of(lines, at))

    if data is None:
        return NameList()
    if not isinstance(data, dict):
        raise fail("expected a mapping with 'names' and 'stop'")
    no_unknown_keys(data, {"names", "stop"}, fail)
    raw_names = data.get("names") or []
    stop = data.get("stop") or []
    if not isinstance(raw_names, list):
        raise fail("'names' must be a list", "names")
    if not isinstance(stop, list):
        raise fail("'stop' must be a list of words", "stop")
    for i, word in enumerate(stop):
        if not isinstance(word, str) or not word.strip():
            raise fail(
                f"stop word {word!r} must be a word (quote No, On, Yes: YAML reads them as true/false)", "stop", i
            )
    names: list[Name] = []
    owner: dict[str, str] = {}
    for i, raw in enumerate(raw_names):
        name = _name(raw, fail, i)
        for j, form in enumerate((name.name, *name.aliases)):
            if form in owner:
                at = ("names", i, "name") if j == 0 else ("names", i, "aliases", j - 1)
                raise fail(f"duplicate name {form!r} (already given for {owner[form]!r})", *at)
            owner[form] = name.name
        names.append(name)
    return NameList(tuple(names), frozenset(w.strip() for w in stop))


def detect(classified: Sequence[ClassifiedArticle], known: Iterable[str], stop: frozenset[str]) -> tuple[str, ...]:
    """Capitalised names of two or more words in the sentences, minus the
    ``known`` phrases (curated names, glossary terms) and the stop words."""
    sentences = [p.sentence.text for c in classified for p in c.placements]
    ordinary = {w for s in sentences for w in _LOWER_WORD.findall(s)}
    known_re = phrase_pattern(known)
    found: set[str] = set()
    for sentence in sentences:
        candidates = list(_CANDIDATE.finditer(sentence))
        if not candidates:
            continue  # most sentences: no need to look for the known phrases
        taken = [m.span() for m in known_re.finditer(sentence)] if known_re else []
        for match in candidates:
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            words = _trim(match.group().split(), stop, ordinary, sentence_start=not sentence[: match.start()].strip())
            if sum(1 for w in words if w[0].isupper()) >= 2:
                found.add(" ".join(words))
    return tuple(sorted(found))


def whos_who_page(
    names: NameList,
    classified: Sequence[ClassifiedArticle],
    config: SiteConfig,
    pages: Sequence[Page],
    known: Iterable[str] = (),
) -> Page | None:
    """The Who's who page: curated names by kind, then other names found.
    Only names the sources mention are listed; None if there are none."""
    curated = {form: n.name for n in names.names for form in (n.name, *n.aliases)}
    others = detect(classified, [*curated, *known], names.stop)
    keys = {**curated, **{name: name for name in others}}
    mentions = find_mentions(keys, classified, pages, [t.slug for t in config.topics])
    sections = []
    for kind, heading in KINDS.items():
        entries = [
            Entry(n.name, n.description, mentions[n.name])
            for n in sorted(names.names, key=lambda n: (n.name.casefold(), n.name))
            if n.kind == kind and mentions.get(n.name)
        ]
        if entries:
            sections.append((heading, entries))
    other = [Entry(name, None, mentions[name]) for name in others if mentions.get(name)]
    if not sections and not other:
        return None
    front = front_matter(
        "Who's who",
        "The people, organisations and places the sources mention, and the pages that mention them.",
        edit="config/names.yml",
    )
    return Page("whos-who.md", render_template("whos_who.md.j2", front_matter=front, sections=sections, other=other))


# Helper functions


def _trim(words: list[str], stop: frozenset[str], ordinary: set[str], *, sentence_start: bool) -> list[str]:
    """Drop what is not part of the name: an ordinary first word of a sentence,
    stop words, connectors at either end, trailing punctuation and "'s"."""
    words = [re.sub(r"(?:['’]s)?[.,;:]*$", "", w) for w in words]
    if sentence_start and words and (words[0].casefold() in ordinary or words[0] in stop):
        words = words[1:]
    while words and (words[0] in stop or words[0] in _CONNECTORS):
        words = words[1:]
    while words and (words[-1] in stop or words[-1] in _CONNECTORS or not words[-1]):
        words = words[:-1]
    return words


def _name(raw: Any, fail: Any, i: int) -> Name:
    at = ("names", i)
    if not isinstance(raw, dict):
        raise fail("each name must be a mapping with 'name', 'kind' and 'description'", *at)
    no_unknown_keys(raw, _KEYS, fail, *at)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("'name' must be a non-empty string", *at, "name")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise fail(f"'kind' must be one of {', '.join(KINDS)}", *at, "kind")
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail(f"the description of {name!r} is empty", *at, "description")
    aliases = raw.get("aliases", []) or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise fail("'aliases' must be a list of other names", *at, "aliases")
    return Name(
        name=" ".join(name.split()),
        kind=kind,
        description=" ".join(description.split()),
        aliases=tuple(" ".join(a.split()) for a in aliases),
    )
