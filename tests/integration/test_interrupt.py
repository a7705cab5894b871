"""Interrupted runs: `explainer generate` killed with SIGKILL at a chosen point
(write.py's EXPLAINER_TEST_KILL_AT hook) leaves docs/ either as it was, or, once
the journal is written, fully updated by the next run's recover(): never half."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from explainer import write
from explainer.cache import CACHE_DIR
from tests.helpers import copy_project

TEMP_SUFFIX = ".explainer-tmp"


def pages(docs: Path) -> dict[str, bytes]:
    """What MkDocs would see: every file but temp files and the journal."""
    return {
        p.relative_to(docs).as_posix(): p.read_bytes()
        for p in sorted(docs.rglob("*"))
        if p.is_file() and not p.name.endswith(TEMP_SUFFIX)
    }


def edit_every_topic(project: Path) -> None:
    """A change that rewrites several pages (each topic page and the home page)."""
    topics = project / "config/topics.yml"
    text = re.sub(r"(\n    description: .*?)\.\n", r"\1, as of this edit.\n", topics.read_text(encoding="utf-8"))
    topics.write_text(text, encoding="utf-8")


def generate(project: Path, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "EXPLAINER_TEST_KILL_AT"}
    if kill_at:
        env["EXPLAINER_TEST_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "explainer.cli", "generate", "--root", str(project)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@dataclass(frozen=True)
class Edited:
    """A project with an edit not yet generated; docs/ before, and after a clean run."""

    project: Path
    before: dict[str, bytes]
    after: dict[str, bytes]

    @property
    def docs(self) -> Path:
        return self.project / "docs"

    @property
    def journal(self) -> Path:
        return self.project / CACHE_DIR / write.JOURNAL

    def kill_at(self, point: str) -> None:
        assert generate(self.project, point).returncode == -signal.SIGKILL


@pytest.fixture
def edited(tmp_path: Path) -> Edited:
    reference = copy_project(tmp_path / "reference")
    edit_every_topic(reference)
    assert generate(reference).returncode == 0
    project = copy_project(tmp_path / "project")
    edit_every_topic(project)
    before, after = pages(project / "docs"), pages(reference / "docs")
    changed = [name for name in after if before.get(name) != after[name]]
    assert len(changed) >= 4, changed  # enough writes to be killed half way
    return Edited(project, before, after)


@pytest.mark.parametrize("point", ["temp:1", "temp:3"])
def test_killed_while_writing_temp_files_leaves_docs_as_it_was(edited: Edited, point: str) -> None:
    edited.kill_at(point)
    docs = edited.docs
    assert pages(docs) == edited.before  # nothing visible changed
    assert not edited.journal.exists()
    assert list(docs.rglob(f"*{TEMP_SUFFIX}"))  # it was killed mid-way, with temp files written
    done = generate(edited.project)
    assert done.returncode == 0, done.stderr
    assert pages(docs) == edited.after and not list(docs.rglob(f"*{TEMP_SUFFIX}"))


@pytest.mark.parametrize("point", ["rename:1", "rename:3"])
def test_killed_after_the_journal_is_completed_by_the_next_run(edited: Edited, point: str) -> None:
    edited.kill_at(point)
    docs = edited.docs
    assert edited.journal.exists()
    half = pages(docs)
    assert half != edited.before and half != edited.after  # really killed half way through the renames
    assert (
        write.recover((docs, edited.project / "includes"), edited.project / CACHE_DIR) == []
    )  # the next run's first step
    assert pages(docs) == edited.after
    assert not edited.journal.exists() and not list(docs.rglob(f"*{TEMP_SUFFIX}"))
    done = generate(edited.project)
    assert done.returncode == 0 and "0 written" in done.stderr, done.stderr
    assert pages(docs) == edited.after


def test_the_next_generate_itself_recovers_a_killed_run(edited: Edited) -> None:
    edited.kill_at("rename:2")
    done = generate(edited.project)
    assert done.returncode == 0, done.stderr
    assert pages(edited.docs) == edited.after and not edited.journal.exists()
