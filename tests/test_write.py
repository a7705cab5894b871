"""Write: atomic, quiet, and never touches a person's file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from explainer import write
from explainer.model import Page
from explainer.render import MARKER_LINE


def _page(path: str, body: str) -> Page:
    return Page(path, f"---\n{MARKER_LINE}\ntitle: T\n---\n{body}\n")


def test_new_pages_are_written_and_unchanged_ones_left_alone(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    pages = [_page("a.md", "A"), _page("sub/b.md", "B")]
    write.apply(write.plan(pages, docs), docs)
    assert (docs / "sub/b.md").read_text(encoding="utf-8").endswith("B\n")
    os.utime(docs / "a.md", (1, 1))
    plan = write.plan(pages, docs)
    assert plan.writes == () and plan.unchanged == ("a.md", "sub/b.md")
    write.apply(plan, docs)
    assert (docs / "a.md").stat().st_mtime == 1


def test_a_file_without_marker_is_never_overwritten_or_deleted(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# My own page\n", encoding="utf-8")
    (docs / "notes.md").write_text("# Notes\n", encoding="utf-8")
    plan = write.plan([_page("a.md", "generated")], docs)
    assert plan.taken_over == ("a.md",) and plan.writes == () and plan.deletes == ()
    write.apply(plan, docs)
    assert (docs / "a.md").read_text(encoding="utf-8") == "# My own page\n"
    assert (docs / "notes.md").exists()


def test_generated_pages_whose_topic_is_gone_are_removed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write.apply(write.plan([_page("a.md", "A"), _page("old/b.md", "B")], docs), docs)
    plan = write.plan([_page("a.md", "A")], docs)
    assert plan.deletes == ("old/b.md",)
    write.apply(plan, docs)
    assert not (docs / "old").exists()


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write.apply(write.plan([_page("a.md", "A")], docs), docs)
    assert sorted(p.name for p in docs.rglob("*")) == ["a.md"]


def test_recover_finishes_a_run_killed_after_its_journal(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write.apply(write.plan([_page("a.md", "old"), _page("gone.md", "x")], docs), docs)
    # State of a run killed half way through its renames: one temp file still
    # waiting, one deletion not done, the journal in place.
    (docs / ".a.md.explainer-tmp").write_text(_page("a.md", "new").content, encoding="utf-8")
    journal = {"renames": [[".a.md.explainer-tmp", "a.md"]], "deletes": ["gone.md"]}
    (docs / write.JOURNAL).write_text(json.dumps(journal), encoding="utf-8")
    assert write.recover(docs)
    assert (docs / "a.md").read_text(encoding="utf-8").endswith("new\n")
    assert not (docs / "gone.md").exists() and not (docs / write.JOURNAL).exists()


def test_recover_drops_temp_files_of_a_run_killed_before_its_journal(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write.apply(write.plan([_page("a.md", "old")], docs), docs)
    (docs / ".a.md.explainer-tmp").write_text("half", encoding="utf-8")
    assert not write.recover(docs)
    assert (docs / "a.md").read_text(encoding="utf-8").endswith("old\n")
    assert not (docs / ".a.md.explainer-tmp").exists()
