"""What the tests share: the project's paths, a throw-away copy of it, a
strict build, snapshots of folders, the parser that reads a built page's
article, the articles made in code, and loading a script that is not part of
the package (a hook, a development tool) by its path, as MkDocs does."""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import subprocess
import sys
import types
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "sources" / "china-crypto-crackdown.txt"
_COPY = ("config", "sources", "docs", "overrides", "includes", "scripts", "mkdocs.yml")


def copy_project(target: Path) -> Path:
    """Copy what a build needs (not .venv, site/ or .git) into ``target``."""
    for name in _COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to prove nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``project/site``, run from
    ``project``, with the project's own copy of the code (a test may change it)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(project / "site"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        check=False,
    )


def load_script(relative: str) -> types.ModuleType:
    """A module of ``scripts/`` outside the package (``hooks/social_cards.py``), by its path."""
    path = ROOT / "scripts" / relative
    name = path.stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The text and tags of a built page's <article>.


class ArticleText(HTMLParser):
    """Text of the <article> element, and the tags inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        elif self.depth:
            self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def article_of(html_file: Path) -> ArticleText:
    parsed = ArticleText()
    parsed.feed(html_file.read_text(encoding="utf-8"))
    return parsed


# Articles made in code (a ~5,000-word feature, and small variants): the
# sentences are ours, about an invented mountain railway.


FIXTURES = ROOT / "tests" / "fixtures" / "articles"

_OPENINGS = [
    "The first engineers reached the pass in {year}, carrying theodolites on mules.",
    "Most of the line was cut by hand, and {n} workers lived in timber camps along the route.",
    "Winter closed the upper section for {n} days in {year}, the longest stoppage on record.",
    "The company bought its first electric locomotives in {year}, after a decade of coal smoke in the tunnels.",
    "Passengers in {year} paid the same fare as a week's bread for a return ticket to the summit.",
    "A rockfall in {year} buried {n} metres of track below the third viaduct.",
    "The stationmaster at the summit kept a diary for {n} years, now held in the valley museum.",
    "Snow ploughs built in {year} are still used on the lower section every January.",
]
_MIDDLES = [
    "Local farmers sold cheese and dried pears to travellers waiting at the passing loops.",
    "The gradient reaches one in eight above the second tunnel, steep enough to need a rack.",
    "Guides say the best view is from the left-hand windows on the way up.",
    "Each carriage was repainted in the old green livery when the line turned one hundred.",
    "Volunteers replace about {n} wooden sleepers every summer, working from a flat wagon.",
    "The signal box at the middle station still uses levers made in {year}.",
    "Hikers often ride up and walk down, a descent of roughly {n} metres.",
    "The timetable has barely changed since {year}, with trains every hour in summer.",
    "Children from the valley school take the train to the summit on the last day of term.",
    "A small observatory near the top opened in {year} and welcomes visitors on clear nights.",
    "Goats graze along the embankments and sometimes wander onto the line at dusk.",
    "The viaduct's stone came from a quarry only {n} metres from the track.",
]
_CLOSINGS = [
    "Nobody expects the line to change much, and that, regulars say, is the point.",
    "The museum is collecting photographs from families whose relatives worked on the line.",
    "Plans for a new waiting room at the summit were approved in {year}.",
    "The railway's archive is open to researchers on the first Monday of each month.",
]
_HEADINGS = [
    "Building the line",
    "The first passengers",
    "Winters on the mountain",
    "Electric power",
    "Accidents and repairs",
    "Life at the summit",
    "The railway today",
    "Keeping it running",
    "Visitors and seasons",
    "What the archive holds",
]


def long_feature(words: int = 5000, seed: int = 3) -> str:
    """A plain-text feature of at least ``words`` words, with subheadings."""
    rng = random.Random(seed)
    lines = ["The Mountain Railway That Refused to Close", ""]
    count = 0
    section = 0
    while count < words:
        lines += [
            _HEADINGS[section % len(_HEADINGS)] + (f" ({section // len(_HEADINGS) + 1})" if section >= 10 else ""),
            "",
        ]
        section += 1
        for _ in range(rng.randint(3, 6)):
            pool = [rng.choice(_OPENINGS), *rng.sample(_MIDDLES, 4), rng.choice(_CLOSINGS)]
            chosen = pool[: rng.randint(3, len(pool))]
            text = " ".join(s.format(year=rng.randrange(1890, 2020), n=rng.randrange(3, 900)) for s in chosen)
            lines += [text, ""]
            count += len(text.split())
    return "\n".join(lines)
