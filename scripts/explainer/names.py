"""Who's who: the people, organisations and places the sources mention.

Two sources of names, so that the page is both reliable and complete:

- a curated list, ``config/names.yml`` (name, kind, a one-line description in
  our words, aliases), which says exactly who or what each one is;
- detection of names the list lacks, in the body sentences of the articles
  (:mod:`explainer.bodytext`: never headings, titles, bylines or credits).
  See :func:`detect`. These are shown as "other names mentioned", without a
  description, until someone adds them to the list.

Every list of words the detection uses (stop words, connectors, the words
that head an organisation's name...) is data in ``config/names.yml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, NamedTuple

import msgspec

from . import yamldata
from .bodytext import GuideRules, body_of, body_sentences
from .mentions import PageLink, find_mentions, phrase_pattern
from .model import ClassifiedArticle, Page, Sentence, SiteConfig
from .pagecache import Parts
from .pagekit import front_matter, render_template
from .validate import Fail, failer, no_unknown_keys

KINDS = {"person": "People", "organisation": "Organisations", "place": "Places"}
_KEYS = {"name", "kind", "description", "aliases"}
_WORD_LISTS = ("stop", "connectors", "joiners", "articles", "heads", "possessive_parts", "not_alone", "title_words")

# A word: letters, digits and the marks found inside names ("People's",
# "U.S.", "Rolls-Royce", "S&P"). Anything else between two words (a comma, a
# bracket, a dash) ends a name.
_TOKEN = re.compile(r"[^\W_][\w'’.&-]*")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]*\b")
_POSSESSIVE_ENDS = ("'s", "’s", "s'", "s’")
_CONTRACTION = re.compile(r"(?i)(?:n['’]t|['’](?:ll|re|ve|d|m))$")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,5}s?")
_PLAIN = GuideRules()
MIN_REPEATS = 2  # a single word is a name when seen this often inside sentences
MAX_NAME_CAPITALS = 9  # a run of more capitalised words (small words between them) is a title, not a name


@dataclass(frozen=True)
class Name:
    """A curated name: who or what it is, in our words, and its other forms."""

    name: str
    kind: str  # a key of KINDS
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameList:
    """The curated names, and the word lists that detection reads (all data)."""

    names: tuple[Name, ...] = ()
    stop: frozenset[str] = field(default_factory=frozenset)  # never the start or end of a name
    connectors: frozenset[str] = field(default_factory=frozenset)  # "of", "von": inside any name
    joiners: frozenset[str] = field(default_factory=frozenset)  # "and", "for": inside an organisation's name
    articles: frozenset[str] = field(default_factory=frozenset)  # "the": only in "Bank of the ..."
    heads: frozenset[str] = field(default_factory=frozenset)  # "Bank", "Commission": what makes it one
    possessive_parts: frozenset[str] = field(default_factory=frozenset)  # "People's" in "People's Bank"
    not_alone: frozenset[str] = field(default_factory=frozenset)  # "Chinese": never a name on its own
    title_words: frozenset[str] = field(default_factory=frozenset)  # "Notice" in "Notice on ...": a title


@dataclass(frozen=True)
class Entry:
    name: str
    description: str | None
    pages: tuple[PageLink, ...]


def load_names(text: str, path: str) -> NameList:
    """Parse and check the names file; every error names file and line."""
    data, lines = yamldata.load(text, path)

    fail = failer(path, lines)

    if data is None:
        return NameList()
    if not isinstance(data, dict):
        raise fail("expected a mapping with 'names' and 'stop'")
    no_unknown_keys(data, {"names", *_WORD_LISTS}, fail)
    raw_names = data.get("names") or []
    if not isinstance(raw_names, list):
        raise fail("'names' must be a list", "names")
    words: dict[str, frozenset[str]] = {}
    for key in _WORD_LISTS:
        values = data.get(key) or []
        if not isinstance(values, list):
            raise fail(f"'{key}' must be a list of words", key)
        for i, word in enumerate(values):
            if not isinstance(word, str) or not word.strip():
                raise fail(
                    f"{key[:-1] if key.endswith('s') else key} word {word!r} must be a word"
                    " (quote No, On, Yes: YAML reads them as true/false)",
                    key,
                    i,
                )
        words[key] = frozenset(w.strip() for w in values)
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
    return NameList(tuple(names), **words)


def detect(
    classified: Sequence[ClassifiedArticle],
    known: Iterable[str],
    names: NameList,
    rules: GuideRules = _PLAIN,
    parts: Parts | None = None,
    bodies: Sequence[Sequence[Sentence]] | None = None,
) -> tuple[str, ...]:
    """Names in the body sentences that are not ``known`` (curated names,
    glossary terms): runs of capitalised words, and single words where the
    evidence allows.

    A run may hold ``connectors`` ("Bank of England"); ``joiners`` ("and",
    "for") only when the run starts or ends with one of the ``heads``, or
    each joiner follows one ("National Development and Reform Commission",
    "Bank for International Settlements", "Cambridge Centre for Alternative
    Finance"), else they split it ("Colin Wu and Jane Doe" is two). A
    possessive ends a name ("China's central bank"), unless the word is an
    ordinary one or listed in ``possessive_parts`` ("People's Bank"). Stop
    words, a sentence's ordinary first word and titles ("Notice on ...", a
    long run of capitals) are not names, nor the article's own publisher
    and authors (its metadata: a disclaimer or a bio names them). A single word is a name when it is
    an acronym given in brackets, "(NDRC)", or when it is seen inside
    sentences at least :data:`MIN_REPEATS` times, never in lower case, and is
    not the last word of a longer name (a surname: "Wu" after "Colin Wu").

    With ``parts``, each article's candidates are kept between runs, with the
    words whose use in lower case they depend on: they are read back only
    if none of those words changed (the corpus's lower-case words are its
    articles' together)."""
    if bodies is None:
        bodies = [body_of(c.article, rules, parts) for c in classified]
    texts = [[s.text for s in body] for body in bodies]
    lowers = [_lower_words(c.article.slug, t, parts) for c, t in zip(classified, texts, strict=True)]
    ordinary: set[str] = set().union(*lowers)
    small = ordinary & (rules.function_words | names.connectors | names.joiners)
    known = tuple(known)
    known_re = phrase_pattern(known)
    known_words = {w for phrase in known for w in phrase.split()}
    found: set[str] = set()
    singles: Counter[str] = Counter()
    bracketed: set[str] = set()
    for item, sentences in zip(classified, texts, strict=True):
        record = parts.get("names", item.article.slug, _KeptNames) if parts is not None else None
        kept = _kept_candidates(record, ordinary)
        if kept is None:
            kept = _candidates(sentences, _own_credits(item), known_re, names, ordinary, small)
            if parts is not None:
                parts.put("names", item.article.slug, _candidate_data(kept, ordinary))
        found.update(kept[0])
        singles.update(kept[1])
        bracketed.update(kept[2])
    last_words = {name.split()[-1] for name in found} | {p.split()[-1] for p in known if " " in p}
    for word in sorted({*bracketed, *singles}):
        if word in names.stop or word in names.not_alone or word.casefold() in ordinary or word in last_words:
            continue
        if word in known_words and word not in bracketed:
            continue
        acronym = _ACRONYM.fullmatch(word) is not None
        if (acronym and word in bracketed) or (not acronym and singles[word] >= MIN_REPEATS):
            found.add(word)
    return tuple(sorted(found))


# Names of several words, single words (counted), bracketed single words, and
# every word form the checks may have looked up among the lower-case words.
Candidates = tuple[set[str], Counter[str], set[str], frozenset[str]]


def _candidates(
    sentences: Sequence[str],
    own: frozenset[str],
    known_re: re.Pattern[str] | None,
    names: NameList,
    ordinary: set[str],
    small: set[str],
) -> Candidates:
    """One article's name candidates (see :func:`detect`)."""
    found: set[str] = set()
    singles: Counter[str] = Counter()
    bracketed: set[str] = set()
    probe: set[str] = set()
    for sentence in sentences:
        if not any(map(str.isupper, sentence[1:])):
            continue  # no capital past the first letter: no name
        tokens = list(_tokens(sentence))
        probe.update([t.word for t in tokens], [t.full for t in tokens])
        tokens = _unknown(tokens, known_re.finditer(sentence) if known_re else (), names)
        titles = _title_spans(tokens, names, small)
        for piece in _pieces(tokens, names, ordinary):
            if any(a <= piece[0].start and piece[-1].end <= b for a, b in titles):
                continue
            words = [t.word for t in piece]
            if not _plausible(words, ordinary) or " ".join(words) in own:
                continue
            if len(words) >= 2:
                found.add(" ".join(words))
                continue
            word = words[0]
            if piece[0].start > 0 and sentence[piece[0].start - 1] == "(" and sentence[piece[0].end :][:1] == ")":
                bracketed.add(word)
            if not piece[0].first:
                singles[word] += 1
    return found, singles, bracketed, frozenset([*probe, *(w.casefold() for w in probe)])


def _candidate_data(kept: Candidates, ordinary: set[str]) -> dict[str, object]:
    probe = kept[3]
    return {
        "found": sorted(kept[0]),
        "singles": dict(sorted(kept[1].items())),
        "bracketed": sorted(kept[2]),
        "probe": sorted(probe),  # (read back as a set; sorted: the same state file every run)
        "ordinary": sorted(probe & ordinary),
    }


def _kept_candidates(kept: _KeptNames | None, ordinary: set[str]) -> Candidates | None:
    """Candidates kept by :func:`detect` (decoded as a :class:`_KeptNames`, every
    type checked in C: no bool for a count) if the lower-case words they
    depend on are the same today."""
    if kept is None:
        return None
    if ordinary.intersection(kept.probe) != set(kept.ordinary):
        return None  # a word it looked up is now (or no longer) used in lower case somewhere
    return set(kept.found), Counter(kept.singles), set(kept.bracketed), frozenset(kept.probe)


class _KeptNames(msgspec.Struct, forbid_unknown_fields=True):
    """What :func:`detect` keeps of an article: exactly these fields."""

    found: list[str]
    singles: dict[str, Annotated[int, msgspec.Meta(gt=0)]]
    bracketed: list[str]
    probe: list[str]
    ordinary: list[str]


def _lower_words(slug: str, sentences: Sequence[str], parts: Parts | None) -> set[str]:
    """The lower-case words of an article's body sentences (kept per article in ``parts``)."""
    if parts is not None:
        data = parts.get("lower", slug, list[str])
        if data is not None:
            return set(data)
    words = {w for s in sentences for w in _LOWER_WORD.findall(s)}
    if parts is not None:
        parts.put("lower", slug, sorted(words))
    return words


def whos_who_page(
    names: NameList,
    classified: Sequence[ClassifiedArticle],
    config: SiteConfig,
    pages: Sequence[Page],
    known: Iterable[str] = (),
    rules: GuideRules = _PLAIN,
    edit: str = "config/names.yml",
    *,
    parts: Parts | None = None,
) -> Page | None:
    """The Who's who page: curated names by kind, then other names found.
    Only names the body sentences mention are listed; None if there are none."""
    mentions, others = whos_who_mentions(names, classified, config, pages, known, rules, parts=parts)
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
        edit=edit,
    )
    page = render_template("whos_who.md.j2", front_matter=front, sections=sections, other=other)
    return Page("whos-who.md", page, "Who's who")


def whos_who_mentions(
    names: NameList,
    classified: Sequence[ClassifiedArticle],
    config: SiteConfig,
    pages: Sequence[Page],
    known: Iterable[str] = (),
    rules: GuideRules = _PLAIN,
    *,
    parts: Parts | None = None,
) -> tuple[dict[str, tuple[PageLink, ...]], tuple[str, ...]]:
    """Every name Who's who lists (curated or found), with the pages whose
    body sentences mention it; and the names found, in order."""
    curated = {form: n.name for n in names.names for form in (n.name, *n.aliases)}
    bodies = [body_of(c.article, rules, parts) for c in classified]  # (read once for both)
    others = detect(classified, [*curated, *known], names, rules, parts, bodies)
    keys = {**curated, **{name: name for name in others}}
    body = [_body_only(c, sentences) for c, sentences in zip(classified, bodies, strict=True)]
    return find_mentions(keys, body, pages, [t.slug for t in config.topics], headings=False, parts=parts), others


def listed_names(
    names: NameList, classified: Sequence[ClassifiedArticle], known: Iterable[str] = (), rules: GuideRules = _PLAIN
) -> tuple[str, ...]:
    """The names Who's who lists for ``classified`` (curated ones a body
    sentence mentions, then the names found): for evaluation and tests."""
    curated = {form: n.name for n in names.names for form in (n.name, *n.aliases)}
    others = detect(classified, [*curated, *known], names, rules)
    pattern = phrase_pattern(curated)
    sentences = [s.text for c in classified for s in body_sentences(c.article, rules)]
    seen = {curated[m.group()] for s in sentences for m in pattern.finditer(s)} if pattern else set()
    return (*sorted(seen, key=lambda n: (n.casefold(), n)), *others)


# Helper functions


class _Token(NamedTuple):  # a named tuple: made for every word of every sentence, and quick to make
    word: str  # without a trailing full stop, comma or possessive
    start: int
    end: int
    first: bool  # the sentence's first word
    joined: bool  # only spaces between it and the word before
    possessive: bool  # it ended in "'s" (or "s'")
    full: str  # the word with its possessive ending
    stop_after: bool  # a full stop ended it ("Inc."): the name ends there


def _tokens(sentence: str) -> Iterator[_Token]:
    last_end: int | None = None
    opening = next((i for i, c in enumerate(sentence) if c.isalnum()), len(sentence))  # where the first word starts
    for match in _TOKEN.finditer(sentence):
        raw = match.group()
        start = match.start()
        word = raw.rstrip(".")
        dotted = False
        if word != raw:
            dotted = len(word) == 1 or "." in word  # "J." and "U.S." keep their stop
            if dotted:
                word = raw
        possessive = word[:1].isupper() and word.endswith(_POSSESSIVE_ENDS)
        full = word
        if possessive:
            word = word[:-1] if word.endswith(("'", "’")) else word[:-2]
        if word:
            yield _Token(
                word,
                start,
                start + len(word),
                start <= opening,  # first: nothing alphanumeric before it
                last_end is not None and not sentence[last_end:start].strip(),  # joined: only spaces before it
                possessive,
                full,
                raw != word and not dotted and not possessive,  # stop_after
            )
        last_end = match.end()


def _unknown(tokens: list[_Token], known: Iterable[re.Match[str]], names: NameList) -> list[_Token]:
    """``tokens`` without those of the known phrases (curated names, glossary
    terms), unless a connector ties the phrase to the capitalised words before
    it: "China" is known, "Cyberspace Administration of China" is another name."""
    inner = names.connectors | names.joiners
    drop: set[int] = set()
    ends = [t.end for t in tokens]  # (tokens are in order, apart: a match's are found by bisection)
    for match in known:
        inside = []
        for i in range(bisect_right(ends, match.start()), len(tokens)):
            if tokens[i].start >= match.end():
                break
            inside.append(i)
        if not inside:
            continue
        first = inside[0]
        tied = (
            first >= 2
            and tokens[first].joined
            and tokens[first - 1].word in inner
            and tokens[first - 1].joined
            and _capital(tokens[first - 2].word)
        )
        if not tied:
            drop.update(inside)
    # A word after a dropped phrase does not continue the name before it.
    if not drop:
        return tokens
    return [
        t._replace(joined=False) if t.joined and i - 1 in drop else t for i, t in enumerate(tokens) if i not in drop
    ]


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _runs(tokens: Sequence[_Token], names: NameList) -> Iterator[list[_Token]]:
    """Runs of adjacent capitalised words, with connectors and joiners between them."""
    run: list[_Token] = []
    for token in tokens:
        inner = token.word in names.connectors or token.word in names.joiners or token.word in names.articles
        if run and not token.joined:
            yield run
            run = []
        if _capital(token.word) or (run and inner):
            run.append(token)
        elif run:
            yield run
            run = []
        if run and token.stop_after:  # "... Inc." ends the sentence or the name
            yield run
            run = []
    if run:
        yield run


def _pieces(tokens: Sequence[_Token], names: NameList, ordinary: set[str]) -> Iterator[list[_Token]]:
    """The names in a sentence's runs: split at stop words and possessives,
    at joiners unless a head word allows them, trimmed of connectors."""
    for run in _runs(tokens, names):
        if run[0].first and (run[0].word.casefold() in ordinary or run[0].word in names.stop):
            run = run[1:]
        parts: list[list[_Token]] = [[]]
        for token in run:
            if token.word in names.stop:
                parts.append([])
                continue
            if not token.possessive:
                parts[-1].append(token)
            elif token.word.casefold() in ordinary or token.word in names.possessive_parts:
                parts[-1].append(token._replace(word=token.full, end=token.start + len(token.full)))
            else:  # "China's central bank": the name ends here, without the "'s"
                parts[-1].append(token)
                parts.append([])
        for part in parts:
            yield from _split_joiners(_strip(part, names), names)


def _split_joiners(part: list[_Token], names: NameList) -> Iterator[list[_Token]]:
    """Split ``part`` at each article, then each joiner, that no head word allows."""

    def articles_allowed(piece: list[_Token], i: int) -> bool:  # "Central Bank of the UAE"
        return i >= 2 and piece[i - 1].word in names.connectors and piece[i - 2].word in names.heads

    def joiner_allowed(piece: list[_Token], i: int) -> bool:  # "Bank for ...", "... and Reform Commission"
        heads = names.heads
        return piece[0].word in heads or piece[-1].word in heads or piece[i - 1].word in heads

    for piece in _split(part, names.articles, articles_allowed, names):
        yield from _split(piece, names.joiners, joiner_allowed, names)


def _split(
    part: list[_Token], words: frozenset[str], allowed: Callable[[list[_Token], int], bool], names: NameList
) -> Iterator[list[_Token]]:
    piece: list[_Token] = []
    for i, token in enumerate(part):
        if token.word not in words or allowed(part, i):
            piece.append(token)
            continue
        if stripped := _strip(piece, names):
            yield stripped
        piece = []
    if stripped := _strip(piece, names):
        yield stripped


def _strip(part: list[_Token], names: NameList) -> list[_Token]:
    """Without connectors, joiners or articles at either end."""
    inner = names.connectors | names.joiners | names.articles
    while part and part[0].word in inner:
        part = part[1:]
    while part and part[-1].word in inner:
        part = part[:-1]
    return part


def _title_spans(tokens: Sequence[_Token], names: NameList, small: set[str]) -> list[tuple[int, int]]:
    """Spans of the sentence that read as a title, not a name: a run of
    capitalised words (small words between them) that starts with one of the
    ``title_words`` before a small word ("Notice on Further Preventing..."),
    or that has more than :data:`MAX_NAME_CAPITALS` capitals."""
    spans = []
    run: list[_Token] = []

    def close() -> None:
        while run and not _capital(run[-1].word):
            run.pop()
        capitals = sum(_capital(t.word) for t in run)
        titled = len(run) > 2 and run[0].word in names.title_words and not _capital(run[1].word)
        if capitals > MAX_NAME_CAPITALS or titled:
            spans.append((run[0].start, run[-1].end))
        run.clear()

    for token in tokens:
        if run and not token.joined:
            close()
        if _capital(token.word) or (run and token.word in small):
            run.append(token)
        elif run:
            close()
    if run:
        close()
    return spans


def _own_credits(classified: ClassifiedArticle) -> frozenset[str]:
    """The article's own publisher and authors (from its metadata): the
    byline of the page, not a name the article is about."""
    meta = classified.article.meta
    people = re.split(r"\s*(?:,|;|&|\band\b)\s*", meta.author or "")
    return frozenset(" ".join(p.split()) for p in (meta.publisher or "", *people) if p.strip())


def _body_only(classified: ClassifiedArticle, sentences: Iterable[Sentence]) -> ClassifiedArticle:
    """``classified`` with only the placements of its body ``sentences``."""
    body = {s.index for s in sentences}
    return ClassifiedArticle(classified.article, tuple(p for p in classified.placements if p.sentence.index in body))


def _plausible(words: list[str], ordinary: set[str]) -> bool:
    """Not a contraction ("Don't"), not a shouted ordinary word ("STORY
    CONTINUES BELOW"), and holding at least one capitalised word."""
    for word in words:
        if _CONTRACTION.search(word):
            return False
        if len(word) >= 4 and word.isupper() and word.casefold() in ordinary:
            return False
    return any(_capital(w) for w in words)


def _name(raw: Any, fail: Fail, i: int) -> Name:
    at = ("names", i)
    if not isinstance(raw, dict):
        raise fail("each name must be a mapping with 'name', 'kind' and 'description'", *at)
    no_unknown_keys(raw, _KEYS, fail, *at)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise fail("'name' must be a non-empty string", *at, "name")
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:  # (a list cannot be looked up)
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
