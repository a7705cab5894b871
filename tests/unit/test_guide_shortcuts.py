"""The guides' shortcuts give what the plain way gives: body text asks one
RE2 set for the furniture and credit verdicts (saferegex.GroupSearch), which
are those of each list's own search; the phrase trie finds what the plain
alternation finds."""

from __future__ import annotations

import random
import re
from pathlib import Path

from explainer import names
from explainer.bodytext import load_rules
from explainer.glossary import load_glossary
from explainer.phrases import literal_pattern
from explainer.saferegex import AnySearch, GroupSearch

ROOT = Path(__file__).resolve().parents[2]
NAMES = names.load_names((ROOT / "config/names.yml").read_text(encoding="utf-8"), "config/names.yml")
RULES = load_rules((ROOT / "config/guides.yml").read_text(encoding="utf-8"), "config/guides.yml")
GLOSSARY = load_glossary((ROOT / "config/glossary.yml").read_text(encoding="utf-8"), "config/glossary.yml")
KNOWN = [form for n in NAMES.names for form in (n.name, *n.aliases)] + [f for t in GLOSSARY for f in t.forms]
KNOWN += ["mining Bank", "crypto Ethereum"]  # known phrases that start with a word no name holds
_VOCABULARY = (
    "Bank of England People's Bank of China China's central bank the central bank digital yuan e-CNY PBOC (NDRC) "
    "National Development and Reform Commission Bank for International Settlements Central Bank of the UAE "
    "Colin Wu and Jane Doe Notice on Further Preventing Risks U.S. J. Smith Acme Inc. said that in of the for and "
    "& von der Leyen al bin with a an it was miners Sichuan Beijing Don't STORY CONTINUES BELOW mining rig , . ; "
    "- — ( ) ' 's s' Xinhua Reuters Mr. Ms. Dr. on to by 2021 45 cases crypto Bitcoin Ethereum Huobi OKX "
    "Élysée ärger _Foo -abc x-Abc ..x.Y 3M 日本 Ōsaka 'Bank ﬁnance İstanbul"
)
PIECES = tuple(_VOCABULARY.split())


def _sentences() -> list[str]:
    rng = random.Random(11)
    made = ["They met the Bank of mining Bank staff.", "Ada Lovelace of crypto Ethereum, and Bank for mining Bank."]
    for _ in range(4_000):
        words = [rng.choice(PIECES) for _ in range(rng.randint(1, 18))]
        made.append("".join(w + rng.choice([" ", " ", " ", "", ", ", "  "]) for w in words).strip())
    for path in sorted((ROOT / "tests/eval/articles").glob("*")) + sorted((ROOT / "sources").glob("*")):
        text = path.read_text(encoding="utf-8", errors="replace")
        made += [s.strip() for s in text.replace("\n", " ").split(". ") if s.strip()]
    return made


def test_one_set_gives_each_list_of_patterns_its_verdict() -> None:
    both = GroupSearch((RULES.furniture, RULES.credits), ignore_case=True)
    furniture, credits = AnySearch(RULES.furniture, ignore_case=True), AnySearch(RULES.credits, ignore_case=True)
    found = [0, 0]
    for sentence in _sentences():
        verdicts = both(sentence)
        assert verdicts == (furniture(sentence), credits(sentence)), sentence
        found = [n + v for n, v in zip(found, verdicts, strict=True)]
    assert all(found)  # both kinds occur in the sample
    assert GroupSearch((), ignore_case=True)("text") == ()
    assert GroupSearch(((), ("b+",)))("abba") == (False, True)


def test_the_phrase_trie_finds_what_the_plain_alternation_finds() -> None:
    phrases = [*KNOWN, "crypto", "crypto ban", "crypto bans", "X", "U.S.", "S&P 500", "e-CNY", "(x)", "a+b", "Ōsaka"]
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    plain = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in unique) + r")(?!\w)")
    trie = literal_pattern(phrases)
    assert trie is not None and trie.pattern != plain.pattern
    rng = random.Random(5)
    vocabulary = [*phrases, *PIECES, "crypto bans", "Xs", "aX", "U.S.A."]
    texts = _sentences() + [" ".join(rng.choices(vocabulary, k=rng.randint(1, 12))) for _ in range(3_000)]
    found = 0
    for text in texts:
        spans = [(m.span(), m.group()) for m in trie.finditer(text)]
        assert spans == [(m.span(), m.group()) for m in plain.finditer(text)], text
        found += len(spans)
    assert found > 3_000
