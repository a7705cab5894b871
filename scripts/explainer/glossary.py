"""The glossary: load ``config/glossary.yml``, and make the hover definitions and the Glossary page.

Hover definitions use the abbreviations extension (``abbr``): the generator
writes ``includes/abbreviations.md``, one ``*[term]: definition`` line per
form of each term, and the snippets extension appends it to every page, so
every occurrence of a term on any page is wrapped in ``<abbr title="...">``.
Definitions are our own words; they are escaped for the title attribute.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import yamldata
from .links import is_web_url
from .marker import ABBREVIATIONS_MARKER
from .mdtext import attribute
from .mentions import find_mentions
from .model import ClassifiedArticle, Page, SiteConfig
from .pagecache import Parts
from .pagekit import front_matter, render_template
from .validate import Fail, failer, no_unknown_keys

ABBREVIATIONS = "abbreviations.md"  # under includes/; each page gets the lines it uses (Definitions)
# An HTML comment: the abbreviations file is appended to every page, and this
# line must not show on any of them. (No "--" inside: that would end it early.)

_KEYS = {"term", "definition", "link", "aliases"}
# Terms and aliases together: each is looked for on every page, and the
# abbreviation extension's cost grows with a page's text times the forms it
# uses (the Glossary page uses them all). 15,000 terms made the Glossary page
# take over 60 s to become HTML; at this limit the whole site builds in seconds.
MAX_FORMS = 2_000
# Letters, digits, spaces and a little punctuation: a term becomes ``*[term]:``
# in the abbreviations file, where brackets or markup would break the line.
_TERM = re.compile(r"^\w[\w .,'’/-]*$")


@dataclass(frozen=True)
class Term:
    """A glossary entry: the term, our definition, an optional link, other forms."""

    term: str
    definition: str
    link: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form that gets the hover definition: the term, its aliases, and
        each lower-case one with a capital first letter (as at the start of a
        sentence: "digital yuan", "Digital yuan")."""
        forms: list[str] = []
        for form in (self.term, *self.aliases):
            for variant in (form, form[:1].upper() + form[1:] if form.islower() else form):
                if variant not in forms:
                    forms.append(variant)
        return tuple(forms)

    @property
    def anchor(self) -> str:
        return "term-" + "-".join(re.findall(r"\w+", self.term.casefold()))


def load_glossary(text: str, path: str) -> tuple[Term, ...]:
    """Parse and check the glossary file; every error names file and line."""
    data, lines = yamldata.load(text, path)

    fail = failer(path, lines)

    if data is None:
        return ()
    if not isinstance(data, dict):
        raise fail("expected a mapping with one key, 'terms' (a list of terms)")
    no_unknown_keys(data, {"terms"}, fail)
    raw_terms = data.get("terms") or []
    if not isinstance(raw_terms, list):
        raise fail("'terms' must be a list", "terms")
    terms: list[Term] = []
    owner: dict[str, int] = {}  # every form, case-folded -> the index of its term
    forms = 0
    for i, raw in enumerate(raw_terms):
        term = _term(raw, fail, i)
        forms += 1 + len(term.aliases)
        if forms > MAX_FORMS:
            raise fail(
                f"term {term.term[:60]!r} takes the glossary past {MAX_FORMS:,} terms and aliases, the limit:"
                " every page is searched for each of them",
                "terms",
                i,
            )
        seen: set[str] = set()
        for j, form in enumerate((term.term, *term.aliases)):
            # Case forms of one term are welcome ("digital yuan", "Digital yuan");
            # the same form twice, or one form for two terms, is a mistake.
            key = form.casefold()
            if form in seen or owner.get(key, i) != i:
                at = ("terms", i, "term") if j == 0 else ("terms", i, "aliases", j - 1)
                other = terms[owner[key]].term if owner.get(key, i) != i else term.term
                raise fail(f"duplicate term {form!r} (already given for {other!r})", *at)
            seen.add(form)
            owner[key] = i
        terms.append(term)
    return tuple(sorted(terms, key=lambda t: (t.term.casefold(), t.term)))


def abbreviations_file(terms: Sequence[Term]) -> Page:
    """``includes/abbreviations.md``: always written, even empty, because the
    snippets extension fails the build when an auto-appended file is missing."""
    lines = [ABBREVIATIONS_MARKER, ""]
    forms = sorted(((form, term) for term in terms for form in term.forms), key=lambda ft: ft[0])
    lines += [f"*[{form}]: {attribute(term.definition)}" for form, term in forms]
    return Page(ABBREVIATIONS, "\n".join(lines) + "\n")


class Definitions:
    """The hover definitions of ``includes/abbreviations.md``, given to each
    page for the terms it uses only: appending the whole list to every page
    made the abbreviation extension search every page for every form."""

    def __init__(self, text: str) -> None:
        self._lines: dict[str, str] = {}
        for line in text.splitlines():
            match = _DEFINITION.match(line)
            if match:
                self._lines.setdefault(match.group(1), line)
        forms = sorted(self._lines, key=lambda f: (-len(f), f))
        self._pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, forms)) + r")(?!\w)") if forms else None

    def for_page(self, markdown: str) -> str:
        """The definition lines of the forms ``markdown`` uses, in file order ('' if none).

        Each is a block of its own (blank lines between): in one block,
        Python-Markdown's block parsers take one line at a time and search the
        rest of the block each time (2,000 definitions took 17 s on one page)."""
        if self._pattern is None:
            return ""
        used = set(self._pattern.findall(markdown))
        return "\n\n".join(line for form, line in self._lines.items() if form in used)


_DEFINITION = re.compile(r"^\*\[([^\]]+)\]: ")


def glossary_page(
    terms: Sequence[Term],
    classified: Sequence[ClassifiedArticle],
    config: SiteConfig,
    pages: Sequence[Page],
    edit: str = "config/glossary.yml",
    *,
    parts: Parts | None = None,
) -> Page | None:
    """The Glossary page: each term, its definition and link, and the pages
    that use it. None without terms: never an empty page."""
    if not terms:
        return None
    keys = {form: term.term for term in terms for form in term.forms}
    mentions = find_mentions(keys, classified, pages, [t.slug for t in config.topics], parts=parts)
    entries = [(term, mentions.get(term.term, ())) for term in terms]
    front = front_matter(
        "Glossary",
        "Short definitions, in this site's words, of the terms the sources use.",
        edit=edit,
    )
    return Page("glossary.md", render_template("glossary.md.j2", front_matter=front, entries=entries), "Glossary")


# Helper functions


def _term(raw: Any, fail: Fail, i: int) -> Term:
    at = ("terms", i)
    if not isinstance(raw, dict):
        raise fail("each term must be a mapping with 'term' and 'definition'", *at)
    no_unknown_keys(raw, _KEYS, fail, *at)
    term = _form(raw.get("term"), fail, "'term'", *at, "term")
    definition = raw.get("definition")
    if not isinstance(definition, str) or not definition.strip():
        raise fail(f"the definition of {term!r} is empty", *at, "definition")
    link = raw.get("link")
    if link is not None and not is_web_url(link):
        raise fail("'link' must be a web address (http:// or https://)", *at, "link")
    aliases = raw.get("aliases", []) or []
    if not isinstance(aliases, list):
        raise fail("'aliases' must be a list of other forms of the term", *at, "aliases")
    forms = tuple(_form(a, fail, "an alias", *at, "aliases", j) for j, a in enumerate(aliases))
    return Term(term=term, definition=" ".join(definition.split()), link=link, aliases=forms)


def _form(value: Any, fail: Fail, what: str, *at: str | int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{what} must be a non-empty string", *at)
    text = " ".join(value.split())
    if not _TERM.match(text):
        raise fail(f"{what} may only hold letters, digits, spaces and . , ' / -: {text!r}", *at)
    return text
