"""Untrusted input, class by class: what reaches the machine is refused with
one line naming the file (and line), exit status 1, every output folder as it
was, and nothing outside the project read or changed.

Classes (issue "Untrusted input never reaches the machine or the reader"):
state files, the marker, links, text fields (test_fields.py), file kinds,
parser limits, bad values, failed and concurrent runs.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner, Result

from explainer import files, ingest, segment, timeline
from explainer.cache import CACHE_DIR, ArticleCache
from explainer.cli import main
from explainer.model import Article, Paragraph
from explainer.pipeline import Processed
from tests.helpers import ROOT, copy_project, snapshot

Setup = Callable[[Path], None]
# The line a pattern inserted under the boilerplate file's top-level "patterns:" lands on.
PATTERN_LINE = (ROOT / "config/boilerplate.yml").read_text(encoding="utf-8").split("\n").index("patterns:") + 2
OPENERS_LINE = (ROOT / "config/guides.yml").read_text(encoding="utf-8").split("\n").index("referring_openers: [") + 1
STANCE_LINE = (ROOT / "config/topics.yml").read_text(encoding="utf-8").split("\n").index("      stance: 3") + 1
KIND_LINE = (ROOT / "config/names.yml").read_text(encoding="utf-8").split("\n").index("    kind: person") + 1
# A topics file whose first topic's signals are a list holding a list (line 9).
LISTED_SIGNALS = "title: T\nsummary: S.\ntopics:\n  - slug: background\n    title: B\n    description: D.\n"
LISTED_SIGNALS += "    signals:\n      - stance\n      - [eradicate]\n"
# 2,001 terms: the last (on line 4,002) takes the glossary past its 2,000 terms and aliases.
MANY_TERMS = "terms:\n" + "".join(f"  - term: term {i}\n    definition: Term {i}.\n" for i in range(2001))


def run(project: Path, command: str = "generate", *extra: str) -> Result:
    return CliRunner().invoke(main, [command, "--root", str(project), *extra])


def _write(relative: str, text: str | bytes) -> Setup:
    def setup(project: Path) -> None:
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode())

    return setup


def _replace(relative: str, old: str, new: str) -> Setup:
    def setup(project: Path) -> None:
        target = project / relative
        text = target.read_text(encoding="utf-8")
        assert old in text, old
        target.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def _link(relative: str, to: str) -> Setup:
    def setup(project: Path) -> None:
        target = project / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        target.symlink_to(project.parent / "outside" / to if not to.startswith("/") else Path(to))

    return setup


def _fifo(relative: str) -> Setup:
    return lambda project: os.mkfifo(project / relative)


def _folder(relative: str) -> Setup:
    return lambda project: (project / relative).mkdir(parents=True)


def _moved_out(project: Path, name: str) -> None:
    """``name`` moved out of the project, a link to it left in its place."""
    moved = project.parent / "outside" / name
    os.rename(project / name, moved)
    (project / name).symlink_to(moved, target_is_directory=True)


# The first topic's description (background): editing it rewrites background.md.
TOPIC_DESCRIPTION = (ROOT / "config/topics.yml").read_text(encoding="utf-8").split("description: ")[1].split("\n")[0]
ARTICLE = "A title\n\nThe central bank banned every crypto transaction.\n"
BOMB = 'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b]\n'

# name -> (set-up, what the one error line must contain)
CASES: dict[str, tuple[Setup, str]] = {
    # File kinds: only regular files inside the project are read.
    "source links outside": (_link("sources/leak.txt", "secret.txt"), "leak.txt: is a symbolic link leading outside"),
    "source links to /etc": (
        _link("sources/passwd.txt", "/etc/passwd"),
        "passwd.txt: is a symbolic link leading outside",
    ),
    "sidecar links outside": (
        lambda p: (_write("sources/a.txt", ARTICLE)(p), _link("sources/a.yml", "secret.txt")(p)),
        "sources/a.yml: is a symbolic link leading outside",
    ),
    "topics file links outside": (_link("config/topics.yml", "secret.txt"), "topics.yml: is a symbolic link leading"),
    "source links to a file of the project": (
        lambda p: (p / "sources/notes.md").symlink_to(p / "README.md"),
        "sources/notes.md: is a symbolic link leading out of sources/",
    ),
    "source links to a dotfile of the project": (
        lambda p: (_write(".env", "TOKEN=secret\n")(p), (p / "sources/env.txt").symlink_to(p / ".env")),
        "sources/env.txt: is a symbolic link leading out of sources/",
    ),
    # Output folders: written only inside the project, never through a link.
    "docs links outside": (
        lambda p: (_moved_out(p, "docs"), _replace("config/topics.yml", TOPIC_DESCRIPTION, "A new one.")(p)),
        "docs: is a symbolic link (or is reached through one)",
    ),
    "includes links outside": (lambda p: _moved_out(p, "includes"), "includes: is a symbolic link"),
    "includes is a file": (
        lambda p: (shutil.rmtree(p / "includes"), _write("includes", "notes\n")(p)),
        "includes: is a file where the generator needs a folder",
    ),
    "a person's file at a temporary name": (
        lambda p: (
            _write("docs/.background.md.explainer-tmp", "my notes\n")(p),
            _replace("config/topics.yml", TOPIC_DESCRIPTION, "A new one.")(p),
        ),
        "docs/.background.md.explainer-tmp: has the name of the generator's temporary file for background.md",
    ),
    "sources folder links to a folder of the project": (
        lambda p: (
            _write("notes/local-secrets.txt", "TOKEN=secret, git-ignored on the builder's machine\n")(p),
            shutil.rmtree(p / "sources"),
            (p / "sources").symlink_to(p / "notes", target_is_directory=True),
        ),
        "sources: is a symbolic link (or is reached through one): the generator reads no files through links",
    ),
    "source is a FIFO": (_fifo("sources/pipe.txt"), "sources/pipe.txt: is a named pipe (FIFO), not an article file"),
    "source is a folder": (_folder("sources/folder.txt"), "sources/folder.txt: is a folder, not an article file"),
    "sources folder links outside": (
        lambda p: (os.rename(p / "sources", p / "sources-real"), _link("sources", ".")(p)),
        "sources: is a symbolic link leading outside",
    ),
    "data file too big": (
        _write("config/glossary.yml", b"# " + b"x" * 2_100_000),
        "glossary.yml: is larger than the limit of 2,000,000 bytes",
    ),
    "file name with a terminal escape": (
        _write("sources/bad\x1b[31mname.txt", ARTICLE),
        "bad\\x1b[31mname.txt: file name holds control",
    ),
    "file name with a bidirectional override": (
        _write("sources/report\u202etxt.exe.txt", ARTICLE),
        "sources/report\\u202etxt.exe.txt: file name holds control or invisible characters",
    ),
    "file name not UTF-8": (
        _write("sources/bank-caf\udce9.txt", ARTICLE),
        "sources/bank-caf\\xe9.txt: file name is not UTF-8 text: rename the file",
    ),
    "file name with a tag character": (_write("sources/a\U000e0041.txt", ARTICLE), "or invisible characters"),
    "a hidden character in a sidecar's key": (
        lambda p: (
            _write("sources/a.txt", ARTICLE)(p),
            _write("sources/a.yml", 'title: Real\n"ti\\u200btle": Evil\n')(p),
        ),
        "sources/a.yml:2: key 'ti\\u200btle' holds control or invisible characters",
    ),
    "a key given twice in a sidecar": (
        lambda p: (_write("sources/a.txt", ARTICLE)(p), _write("sources/a.yml", "title: Real\ntitle: Evil\n")(p)),
        "sources/a.yml:2: key 'title' is given twice in one mapping: keep one",
    ),
    "two spellings of one key in front matter": (
        _write("sources/b.md", "---\ntitle: A\nyes: 1\ntrue: 2\n---\nText.\n"),
        "sources/b.md:4: key 'true' is given twice in one mapping",
    ),
    "a hidden character in a config key": (
        _replace("config/topics.yml", "fallback: background", 'fallback: background\n"fall\\u2060back": legal'),
        "topics.yml:30: key 'fall\\u2060back' holds control or invisible characters",
    ),
    "referring openers not a list of words": (
        _replace("config/guides.yml", "referring_openers: [\n  it,", "referring_openers: [\n  {it: <b>},"),
        f"config/guides.yml:{OPENERS_LINE}: 'referring_openers' must be a list of strings",
    ),
    # Parser limits.
    "alias bomb in front matter": (_write("sources/bomb.md", f"---\n{BOMB}---\nText.\n"), "bomb.md:3: YAML aliases"),
    "recursive alias in a sidecar": (
        lambda p: (_write("sources/a.txt", ARTICLE)(p), _write("sources/a.yml", "title: &t [*t]\n")(p)),
        "sources/a.yml:1: YAML aliases",
    ),
    "alias in topics.yml": (
        _replace("config/topics.yml", "fallback: background", "fallback: &f background\nx: *f"),
        "topics.yml:30: YAML aliases",
    ),
    "deep nesting in names.yml": (_write("config/names.yml", "names: " + "[" * 60 + "]" * 60 + "\n"), "nested more"),
    "backreference pattern": (
        _replace("config/boilerplate.yml", "patterns:\n", "patterns:\n  - '(a)\\1'\n"),
        f"boilerplate.yml:{PATTERN_LINE}: pattern '(a)\\\\1' is not a regular expression the safe matcher accepts",
    ),
    "lookahead pattern": (
        _replace("config/boilerplate.yml", "patterns:\n", "patterns:\n  - '(?=x)y'\n"),
        f"boilerplate.yml:{PATTERN_LINE}: pattern '(?=x)y' is not a regular expression",
    ),
    "title too long": (
        _write("sources/long.txt", f"---\ntitle: {'T' * 2001}\n---\nText.\n"),
        "long.txt:2: field 'title'",
    ),
    "author too long": (_write("sources/by.txt", f"---\nauthor: {'A' * 301}\n---\nText.\n"), "over the limit of 300"),
    # Bad values, each with its file and line.
    "30 February": (
        _write("sources/feb.txt", "---\npublished: 2021-02-30\n---\nText.\n"),
        "feb.txt:2: field 'published' is not a real date",
    ),
    "month 13": (
        _write("sources/m13.txt", "---\npublished: 2021-13-01\n---\nText.\n"),
        "m13.txt:2: field 'published' is not a real date",
    ),
    "NaN weight": (
        _replace("config/topics.yml", "stance: 3", "stance: .nan"),
        f"topics.yml:{STANCE_LINE}: weight of 'stance' must be a number > 0 and at most 1,000,000",
    ),
    "huge weight": (
        _replace("config/topics.yml", "similarity_weight: 6", "similarity_weight: 1.0e+308"),
        "'similarity_weight' must be a number from 0 to 1,000,000",
    ),
    "weight YAML reads as text": (
        _replace("config/topics.yml", "stance: 3", "stance: 1.0e6"),
        "must be a number > 0 and at most 1,000,000 (YAML read it as text: write the exponent with its sign",
    ),
    "infinite weight": (
        _replace("config/topics.yml", "subheading_weight: 2", "subheading_weight: .inf"),
        "topics.yml:32:",
    ),
    "file name too long": (_write(f"sources/{'a' * 201}.txt", ARTICLE), "over the limit of 200"),
    # A year without which "on March 3" or "last Friday" falls off the calendar.
    "published in year 9999": (
        _write("sources/late.txt", "---\npublished: 9999-12-31\n---\nA title\n\nOn March 3, officials met.\n"),
        "late.txt:2: field 'published' is in the year 9999: a published date is from 1600 to 2099",
    ),
    "published in year 1": (
        _write("sources/early.txt", "---\npublished: 0001-01-01\n---\nA title\n\nLast Friday, officials met.\n"),
        "early.txt:2: field 'published' is in the year 1: a published date is from 1600 to 2099",
    ),
    # A list where a data file wants text (it cannot be looked up: "unhashable type").
    "fallback a list": (
        _replace("config/topics.yml", "fallback: background", "fallback: [background]"),
        "topics.yml:29: 'fallback' must be the slug of a topic",
    ),
    # A topic slug longer than a file name may be: its page's temp file failed to be made.
    "topic slug too long": (
        _replace("config/topics.yml", "  - slug: background", "  - slug: " + "b" * 250),
        "topics.yml:68: 'slug' is 250 characters, over the limit of 200",
    ),
    "signal a list": (_write("config/topics.yml", LISTED_SIGNALS), "topics.yml:9: a signal must be a word or phrase"),
    "kind a list": (
        _replace("config/names.yml", "kind: person", "kind: [person]"),
        f"names.yml:{KIND_LINE}: 'kind' must be one of person, organisation, place",
    ),
    # Sizes: refused before the work they would cost.
    "article text too long as written": (  # (900,000 characters once cleaned, in 300,000 paragraphs)
        _write("sources/big.txt", "\n\n".join(["ab."] * 300_000) + "\n"),
        "sources/big.txt: article text is 1,499,999 characters, over the limit of 1,000,000",
    ),
    "too many paragraphs": (
        _write("sources/many.txt", "A title\n\n" + "\n\n".join(["word"] * 10_001) + "\n"),
        "sources/many.txt: article has 10,001 paragraphs and subheadings, over the limit of 10,000",
    ),
    "too many glossary terms": (
        _write("config/glossary.yml", MANY_TERMS),
        "glossary.yml:4002: term 'term 2000' takes the glossary past 2,000 terms and aliases, the limit",
    ),
    "upper-case sidecar": (
        lambda p: (_write("sources/a.txt", ARTICLE)(p), _write("sources/a.YML", "title: T\n")(p)),
        "sources/a.YML: metadata file must end in .yml or .yaml, in lower case",
    ),
    "two sidecars": (
        lambda p: (
            _write("sources/a.txt", ARTICLE)(p),
            _write("sources/a.yml", "")(p),
            _write("sources/a.yaml", "")(p),
        ),
        "two metadata files for one article (a.yaml and a.yml)",
    ),
}


@pytest.fixture
def hostile_project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0 a secret outside the project\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_one_line_and_nothing_changed(hostile_project: Path, case: str) -> None:
    setup, expected = CASES[case]
    setup(hostile_project)
    outputs = {name: snapshot(hostile_project / name) for name in ("docs", "includes")}
    outside = snapshot(hostile_project.parent / "outside")
    started = time.monotonic()
    result = run(hostile_project)
    assert time.monotonic() - started < 10
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0], lines[0]
    assert "\x1b" not in result.stderr and "Traceback" not in result.output
    assert {name: snapshot(hostile_project / name) for name in outputs} == outputs
    assert snapshot(hostile_project.parent / "outside") == outside


def test_check_lists_every_bad_source_at_once(hostile_project: Path) -> None:
    chosen = ["source links outside", "source is a FIFO", "source is a folder", "30 February", "month 13"]
    chosen += ["upper-case sidecar", "title too long", "alias bomb in front matter", "file name too long"]
    for name in chosen:
        CASES[name][0](hostile_project)
    result = run(hostile_project, "check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 9, lines
    assert all(line.startswith("error: ") for line in lines)


def test_check_never_reads_outputs_through_a_link(hostile_project: Path) -> None:
    """``check`` compares docs/ with what would be generated: through a link
    it would read (and judge) files outside the project."""
    assert run(hostile_project).exit_code == 0
    _moved_out(hostile_project, "docs")  # (the same pages, outside: without the check, "up to date")
    result = run(hostile_project, "check")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "docs: is a symbolic link (or is reached through one)" in result.stderr, result.stderr


def test_explain_never_reads_or_writes_the_cache_through_a_link(hostile_project: Path) -> None:
    """A clone can commit ``.cache`` as a link: ``explain`` reads and writes
    the article cache as ``generate`` does, so it refuses it as ``generate`` does."""
    assert run(hostile_project).exit_code == 0
    _moved_out(hostile_project, ".cache")
    outside = snapshot(hostile_project.parent / "outside")
    _write("sources/new.txt", ARTICLE)(hostile_project)  # (an article to read, and to cache)
    result = CliRunner().invoke(main, ["explain", "--root", str(hostile_project), "sources/new.txt"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ".cache: is a symbolic link" in result.stderr, result.stderr
    assert snapshot(hostile_project.parent / "outside") == outside


@pytest.mark.parametrize("given", ["relative", "linked"])
def test_a_project_given_by_a_relative_or_linked_root_is_its_own(
    hostile_project: Path, given: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks for links and folders outside the project start at the
    root as given: ``--root ../site`` or a link to the project is the project."""
    if given == "relative":
        (hostile_project.parent / "elsewhere").mkdir()
        monkeypatch.chdir(hostile_project.parent / "elsewhere")
        root = Path("..") / hostile_project.name
    else:
        root = hostile_project.parent / "linked"
        root.symlink_to(hostile_project, target_is_directory=True)
    commands = [["generate"], ["check"], ["explain", "sources/china-crypto-crackdown.txt"], ["new", "Miners move"]]
    for command in commands:
        result = CliRunner().invoke(main, [*command, "--root", str(root)])
        assert result.exit_code == 0, (command, result.output)
    assert (hostile_project / "sources/miners-move.txt").is_file()


def test_explain_refuses_a_hidden_character_in_the_name_it_is_given(hostile_project: Path) -> None:
    _write("sources/bad\u202e.txt", ARTICLE)(hostile_project)
    result = CliRunner().invoke(main, ["explain", "--root", str(hostile_project), "sources/bad\u202e.txt"])
    assert result.exit_code == 1 and "\u202e" not in result.output
    assert "sources/bad\\u202e.txt: file name holds control or invisible characters" in result.stderr


def test_explain_refuses_a_link_in_sources_that_generate_refuses(hostile_project: Path) -> None:
    """A link in sources/ to a git-ignored file of the project: explain printed its text."""
    _write(".env", "API_TOKEN is secret-value-123 and more words here.\n\nThe bank banned crypto.\n")(hostile_project)
    (hostile_project / "sources/env.txt").symlink_to(hostile_project / ".env")
    result = CliRunner().invoke(main, ["explain", "--root", str(hostile_project), "sources/env.txt"])
    assert result.exit_code == 1 and "secret-value-123" not in result.output
    assert "sources/env.txt: is a symbolic link" in result.stderr, result.stderr


def test_a_catastrophic_pattern_is_matched_in_linear_time(hostile_project: Path) -> None:
    _replace("config/boilerplate.yml", "patterns:\n", "patterns:\n  - '(a+)+b'\n  - '(x|x)*y'\n")(hostile_project)
    _write("sources/long-line.txt", "A title\n\n" + "a" * 50_000 + "\n\nThe bank banned crypto.\n")(hostile_project)
    started = time.monotonic()
    assert run(hostile_project).exit_code == 0
    assert time.monotonic() - started < 20  # Python's re would take far longer than the age of the universe


def test_a_readme_in_sources_is_skipped(hostile_project: Path) -> None:
    _write("sources/README.md", "# About these sources\n\nNot an article.\n")(hostile_project)
    result = run(hostile_project)
    assert result.exit_code == 0 and not (hostile_project / "docs/sources/readme.md").exists()


@pytest.mark.parametrize("title", ["Readme", "Index", "index!"])
def test_new_refuses_a_title_that_gives_a_reserved_file_name(hostile_project: Path, title: str) -> None:
    result = run_new(hostile_project, title)
    assert result.exit_code == 1 and "choose another title" in result.stderr
    assert sorted(p.name for p in (hostile_project / "sources").iterdir()) == ["china-crypto-crackdown.txt"]


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_new_never_writes_through_a_linked_sources_folder(hostile_project: Path, where: str) -> None:
    """A link committed at sources/ leads anywhere: ``new`` writes nothing there."""
    target = hostile_project.parent / "outside" if where == "outside" else hostile_project / "notes"
    target.mkdir(exist_ok=True)
    before = snapshot(target)
    shutil.rmtree(hostile_project / "sources")
    (hostile_project / "sources").symlink_to(target, target_is_directory=True)
    result = run_new(hostile_project, "Miners move abroad")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and "sources: is a symbolic link" in result.stderr, result.stderr
    assert snapshot(target) == before


def run_new(project: Path, title: str) -> Result:
    return CliRunner().invoke(main, ["new", title, "--root", str(project)])


# State files that arrive in a clone.


def test_a_planted_pickle_is_never_loaded(hostile_project: Path) -> None:
    """Old caches were pickles; a pickle that runs code on load is ignored."""
    assert run(hostile_project).exit_code == 0
    folder = hostile_project / CACHE_DIR / "articles"
    marker = hostile_project.parent / "outside" / "pwned"
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    for entry in list(folder.iterdir()):
        entry.with_suffix(".pickle").write_bytes(payload)
        entry.write_bytes(payload)
    (hostile_project / CACHE_DIR / "manifest.json").unlink()
    result = run(hostile_project)
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert "cache entries were not valid: ignored" in result.stderr


def test_a_forged_cache_entry_of_the_wrong_shape_is_ignored(hostile_project: Path) -> None:
    assert run(hostile_project).exit_code == 0
    reference = snapshot(hostile_project / "docs")
    folder = hostile_project / CACHE_DIR / "articles"
    for entry in folder.iterdir():
        data = json.loads(entry.read_text(encoding="utf-8"))
        data[0][1][0] = "SourceMeta"  # the article named as a different class
        entry.write_text(json.dumps(data), encoding="utf-8")
    (hostile_project / CACHE_DIR / "manifest.json").unlink()
    result = run(hostile_project)
    assert result.exit_code == 0 and "not valid: ignored" in result.stderr
    assert snapshot(hostile_project / "docs") == reference


def test_planted_sealed_state_in_a_clone_is_ignored_and_never_blocks_a_run(hostile_project: Path) -> None:
    """A clone's sealed state (explainer.seal) arriving with a pull request:
    seals that are not a map, a FIFO and a folder named as sealed values, and
    sealed values of another clone. Nothing blocks, nothing is believed."""
    (hostile_project / ".git").mkdir()
    assert run(hostile_project).exit_code == 0
    reference = snapshot(hostile_project / "docs")
    state = hostile_project / CACHE_DIR
    (state / "articles-seals.json").write_text('{"' + "a" * 64 + '": 1}')  # not a map of seals
    sealed = state / "sealed"
    for path in sorted(sealed.iterdir()):
        path.write_bytes(b"\0" * 32 + path.read_bytes()[32:])  # another key's seal
    os.mkfifo(sealed / ("b" * 64))
    (sealed / ("c" * 64)).mkdir()
    (state / "manifest.json").unlink()
    result = run(hostile_project)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output + result.stderr
    assert "cache entries were not valid: ignored" in result.stderr  # every entry read again
    assert snapshot(hostile_project / "docs") == reference
    assert (sealed / ("c" * 64)).is_dir()  # not a sealed value: left as it is


@pytest.mark.parametrize("forgery", ["lean", "similarity", "signal", "signature", "counts"])
def test_a_well_typed_entry_that_does_not_add_up_is_read_again(hostile_project: Path, forgery: str) -> None:
    """Every field of the right type, yet not what reading the article gives (a
    subheading lean to topic 99, a similarity short of a topic, a signal the
    configuration does not have, a signature of 3 numbers, a word counted 2**40
    times): the article is
    read again, with a note, and the pages are a cold run's."""
    assert run(hostile_project).exit_code == 0
    reference = snapshot(hostile_project / "docs")
    store = ArticleCache(hostile_project / CACHE_DIR / "articles", Processed)
    for entry in (hostile_project / CACHE_DIR / "articles").glob("*.json"):
        evidence, mins, reading = store.get(entry.stem)
        first = evidence.paragraphs[0]
        changed = {
            "lean": msgspec.structs.replace(first, lean=99),
            "similarity": msgspec.structs.replace(first, similarity=first.similarity[:-1]),
            "signal": msgspec.structs.replace(first, matched=(("=no such signal",), *first.matched[1:])),
            "counts": msgspec.structs.replace(
                first, counts=tuple(2**40 for _ in first.counts)
            ),  # more words than it has letters
        }.get(forgery, first)
        evidence = replace(evidence, paragraphs=(changed, *evidence.paragraphs[1:]))
        store.put(entry.stem, (evidence, mins[:3] if forgery == "signature" else mins, reading))
    (hostile_project / CACHE_DIR / "manifest.json").unlink()
    result = run(hostile_project)
    assert result.exit_code == 0, result.output
    assert "cache entries were not valid: ignored" in result.stderr
    assert snapshot(hostile_project / "docs") == reference


def _renumbered(article: Article, forgery: str) -> Article:
    """The article with its first paragraph or sentence numbered as reading it never does."""
    at = next(i for i, b in enumerate(article.blocks) if isinstance(b, Paragraph))
    first = article.blocks[at]
    assert isinstance(first, Paragraph) and len(first.sentences) >= 2
    one, two, *rest = first.sentences
    if forgery == "number":  # the paragraph's anchor is another's
        changed = msgspec.structs.replace(first, number=first.number + 1)
    elif forgery == "index":  # two sentences at one place
        changed = msgspec.structs.replace(first, sentences=(one, msgspec.structs.replace(two, index=one.index), *rest))
    else:  # a sentence under another paragraph's anchor
        changed = msgspec.structs.replace(first, sentences=(msgspec.structs.replace(one, paragraph=2), two, *rest))
    return replace(article, blocks=(*article.blocks[:at], changed, *article.blocks[at + 1 :]))


@pytest.mark.parametrize("forgery", ["number", "index", "paragraph", "huge"])
def test_an_entry_whose_sentences_are_numbered_otherwise_is_read_again(hostile_project: Path, forgery: str) -> None:
    """A cached article whose paragraphs or sentences are numbered as reading
    it never numbers them (a paragraph's number off by one, two sentences at
    one position, a sentence in another paragraph, a position past 2**31): the
    article is read again with a note, never a crash, and the pages are a cold run's."""
    assert run(hostile_project).exit_code == 0
    reference = snapshot(hostile_project / "docs")
    store = ArticleCache(hostile_project / CACHE_DIR / "articles", Processed)
    entries = sorted((hostile_project / CACHE_DIR / "articles").glob("*.json"))
    for entry in entries:
        evidence, mins, reading = store.get(entry.stem)
        if forgery == "huge":  # (written by hand: the encoder writes what it is given)
            text = entry.read_text(encoding="utf-8")
            forged, done = re.subn(r'(\["Sentence","(?:[^"\\]|\\.)*",[0-9]+,)0\]', rf"\g<1>{2**70}]", text, count=1)
            assert done == 1
            entry.write_text(forged, encoding="utf-8")
            continue
        evidence = replace(evidence, article=_renumbered(evidence.article, forgery))
        store.put(entry.stem, (evidence, mins, reading))
    (hostile_project / CACHE_DIR / "manifest.json").unlink()
    result = run(hostile_project)
    assert result.exit_code == 0, result.output
    assert f"{len(entries)} cache entries were not valid: ignored" in result.stderr
    assert snapshot(hostile_project / "docs") == reference


@pytest.mark.parametrize("forgery", ["garbage", "shape", "rows", "range"])
def test_a_forged_grouping_record_is_grouped_again_with_a_note(hostile_project: Path, forgery: str) -> None:
    """A topic's grouping record (parts.json) that is not base64, not a
    record, names rows no table has, or links past its rows: the topic is
    grouped from scratch with a note, and the pages are as before."""
    assert run(hostile_project).exit_code == 0
    reference = snapshot(hostile_project / "docs")
    path = hostile_project / CACHE_DIR / "parts.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    records = {k: v for k, v in data["parts"].items() if isinstance(v, dict) and "joined" in v}
    assert records  # every topic with two sentences keeps one
    far = base64.b64encode((2**31 - 1).to_bytes(4, "little")).decode()
    for record in records.values():
        record.update(
            {
                "garbage": {"lo": "not base64 at all!"},
                "shape": {"joined": [1, 2, 3]},
                "rows": {"articles": [["no-such-article", "key", 10**12]]},
                "range": {"lo": far, "hi": far},
            }[forgery]
        )
    # The kept claims out, so that every topic's claims are found again and its grouping read.
    data["parts"] = {k: v for k, v in data["parts"].items() if k in records or not isinstance(v, list)}
    path.write_text(json.dumps(data), encoding="utf-8")
    (hostile_project / CACHE_DIR / "manifest.json").unlink()
    result = run(hostile_project)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "the grouping kept for topic" in result.stderr
    assert snapshot(hostile_project / "docs") == reference


def test_a_committed_old_journal_in_docs_is_not_obeyed(hostile_project: Path) -> None:
    """The journal once lived in docs/; one committed there is inert."""
    (hostile_project / "docs/index.md").read_bytes()
    journal = {"renames": [["../../outside/secret.txt", "../config/topics.yml"]], "deletes": ["index.md"]}
    (hostile_project / "docs/.explainer-journal.json").write_text(json.dumps(journal), encoding="utf-8")
    outside = snapshot(hostile_project.parent / "outside")
    assert run(hostile_project).exit_code == 0
    assert (hostile_project / "docs/index.md").exists() and (hostile_project / "config/topics.yml").exists()
    assert snapshot(hostile_project.parent / "outside") == outside


def test_a_forged_journal_in_the_state_folder_is_ignored_with_a_note(hostile_project: Path) -> None:
    state = hostile_project / CACHE_DIR
    state.mkdir(parents=True)
    journal = {"version": 1, "folders": ["/etc"], "renames": [], "deletes": [[0, "passwd"]]}
    (state / "journal.json").write_text(json.dumps(journal), encoding="utf-8")
    result = run(hostile_project)
    assert result.exit_code == 0 and "not a journal of this project's last run: ignored" in result.stderr
    assert Path("/etc/passwd").exists()
    assert run(hostile_project).exit_code == 0  # and it never blocks a later run


@pytest.mark.parametrize("name", ["journal.json", "manifest.json", "articles-seals.json"])
def test_a_state_file_nested_past_the_parser_is_ignored(hostile_project: Path, name: str) -> None:
    """6 KB of brackets made the JSON reader give up deep in its recursion:
    "internal error" on every run, and the file never went away."""
    assert run(hostile_project).exit_code == 0
    state = hostile_project / CACHE_DIR
    (state / name).write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    (hostile_project / "sources/deep-state.txt").write_text("A title\n\nA paragraph of text.\n", encoding="utf-8")
    result = run(hostile_project)
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr
    assert run(hostile_project).exit_code == 0


def test_a_forged_journal_naming_a_file_too_long_for_the_disk_is_ignored(hostile_project: Path) -> None:
    """Every run stopped on "File name too long" while obeying it."""
    state = hostile_project / CACHE_DIR
    state.mkdir(parents=True)
    folders = [str((hostile_project / "docs").resolve()), str((hostile_project / "includes").resolve())]
    journal = {"version": 1, "folders": folders, "renames": [[0, "a" * 300 + ".md"]], "deletes": []}
    (state / "journal.json").write_text(json.dumps(journal), encoding="utf-8")
    result = run(hostile_project)
    assert result.exit_code == 0 and "not a journal of this project's last run: ignored" in result.stderr
    assert run(hostile_project).exit_code == 0


@pytest.mark.parametrize("folder", ["docs", "includes"])
def test_a_committed_file_whose_name_is_not_utf8_stops_the_run_before_any_write(
    hostile_project: Path, folder: str
) -> None:
    """Its name cannot be written in the run's state: the run failed after
    writing docs/, with "internal error", and so did every run after it."""
    assert run(hostile_project).exit_code == 0
    (hostile_project / folder).mkdir(exist_ok=True)
    bad = os.fsencode(hostile_project / folder) + b"/a\xffb.png"
    with open(bad, "wb") as handle:
        handle.write(b"picture")
    (hostile_project / "sources/after-bad-name.txt").write_text("A title\n\nA paragraph of text.\n", encoding="utf-8")
    before = snapshot(hostile_project / "docs")
    result = run(hostile_project)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "file name is not UTF-8 text: rename the file" in result.stderr
    assert "a\\xffb.png" in result.stderr  # (the byte shown as an escape)
    assert snapshot(hostile_project / "docs") == before


def test_a_link_planted_at_a_state_file_is_never_written_through(hostile_project: Path) -> None:
    """A state folder that arrives in a clone can hold links where the cache
    writes (its files and their temp names): the file outside is untouched."""
    assert run(hostile_project).exit_code == 0
    state = hostile_project / CACHE_DIR
    secret = hostile_project.parent / "outside" / "secret.txt"
    before = secret.read_bytes()
    for entry in [*(state / "articles").glob("*.json"), state / "manifest.json"]:
        entry.unlink()
        for temp in {f".{entry.stem}.tmp", f".{entry.name}.tmp"}:  # where a writer would put its temp file
            entry.with_name(temp).symlink_to(secret)
    (state / "manifest.json").symlink_to(secret)
    assert run(hostile_project).exit_code == 0
    assert secret.read_bytes() == before and not (state / "manifest.json").is_symlink()


# Failed and concurrent runs.


def test_a_failed_run_leaves_includes_as_it_was(hostile_project: Path) -> None:
    _replace("config/glossary.yml", "Central bank digital currency:", "Central bank money:")(hostile_project)
    _write("sources/broken.txt", b"A title\n\nnot utf-8 \xc3\x28\n")(hostile_project)
    before = snapshot(hostile_project / "includes"), snapshot(hostile_project / "docs")
    assert run(hostile_project).exit_code == 1
    assert (snapshot(hostile_project / "includes"), snapshot(hostile_project / "docs")) == before


def test_a_hand_edit_that_keeps_size_and_time_is_noticed(hostile_project: Path) -> None:
    assert run(hostile_project).exit_code == 0
    page = hostile_project / "docs/background.md"
    good, info = page.read_bytes(), page.stat()
    page.write_bytes(good.replace(b"nothing new", b"nothing NEW"))
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert page.stat().st_size == info.st_size and page.stat().st_mtime_ns == info.st_mtime_ns
    result = run(hostile_project)
    assert result.exit_code == 0 and "nothing changed" not in result.stderr
    assert page.read_bytes() == good


def _generate_process(project: Path, wait: str) -> subprocess.Popen[str]:
    env = {**os.environ, "EXPLAINER_LOCK_WAIT": wait}
    command = [sys.executable, "-m", "explainer.cli", "generate", "--root", str(project)]
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)


def test_a_second_run_waits_for_the_first(hostile_project: Path) -> None:
    state = hostile_project / CACHE_DIR
    state.mkdir(parents=True)
    with (state / "lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        second = _generate_process(hostile_project, "60")
        assert second.stderr is not None
        # The lock is let go once the second run says it waits (not after a fixed
        # time, which a loaded machine's slow start could outlast).
        said = []
        deadline = threading.Timer(60.0, second.kill)
        deadline.start()
        for line in second.stderr:
            said.append(line)
            if "waiting for another explainer run" in line:
                break
        fcntl.flock(held, fcntl.LOCK_UN)
        _, rest = second.communicate(timeout=60)
        deadline.cancel()
    err = "".join(said) + (rest or "")
    assert second.returncode == 0, err
    assert "waiting for another explainer run" in err


def test_a_second_run_gives_up_with_one_line(hostile_project: Path) -> None:
    state = hostile_project / CACHE_DIR
    state.mkdir(parents=True)
    before = snapshot(hostile_project / "docs")
    with (state / "lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        _, err = _generate_process(hostile_project, "1").communicate(timeout=60)
    lines = err.strip().split("\n")
    assert lines[-1].startswith("error: another explainer run has held") and len(lines) == 2, lines
    assert snapshot(hostile_project / "docs") == before


# File names reach the shell in the Makefile's linter line (make test, make lint-markdown).


def test_make_quotes_file_names_for_the_shell(tmp_path: Path) -> None:
    project = tmp_path / "project"
    names = ["$(touch pwned-1).md", "a;touch pwned-2;.md", "it's `touch pwned-3`.md"]
    for name in names:
        _write(f"docs/{name}", "# A page\n")(project)
    show = "show: ; @echo $(LINT_MARKDOWN)"
    command = ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "--eval", show, "show"]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, env=os.environ)
    assert done.returncode == 0, done.stderr
    assert not list(project.glob("pwned-*"))
    for name in names:
        assert f"docs/{name}" in done.stdout


# Limits: an input under them costs what a page can carry.


@pytest.mark.parametrize(
    ("kind", "phrase", "published"),
    [
        ("day_rel", "March 3", date(9999, 12, 31)),  # the nearest March 3: in year 10,000
        ("bare_month", "November", date(1, 1, 1)),  # the latest November: in year 0
        ("weekday", "last Friday", date(1, 1, 1)),  # the day before 1 January of year 1
    ],
)
def test_a_date_past_the_calendar_is_left_unresolved(kind: str, phrase: str, published: date) -> None:
    """Ingest refuses such published dates; the Timeline and the claims, which
    work dates out from them, leave the phrase undated rather than fail."""
    assert timeline._resolve(kind, phrase, published) is None


def test_a_saved_page_date_past_the_years_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A date from a page's own metadata is the page's word: one the years do
    not allow is left out, as one that is no date is."""
    monkeypatch.setattr(ingest, "extract_html", lambda text, path: ("Text.\n", {"published": date(9999, 12, 31)}))
    assert ingest.ingest("sources/page.html", b"<p>Text.</p>").meta.published is None


def test_an_article_at_the_paragraph_limit_gives_pages_well_under_the_site_limit(hostile_project: Path) -> None:
    """Each paragraph adds markup to its pages (about 125 bytes): at the limit,
    one-word paragraphs stay far below the 20 MB a site page may have."""
    body = "\n\n".join(["word"] * segment.MAX_BLOCKS)
    _write("sources/many.txt", f"A title\n\n{body}\n")(hostile_project)
    assert run(hostile_project).exit_code == 0
    biggest = max(p.stat().st_size for p in (hostile_project / "docs").rglob("*.md"))
    assert 100 * segment.MAX_BLOCKS < biggest < files.MAX_SOURCE_BYTES / 10
