"""Write: atomic over every output folder, quiet, and never touches a person's
file; the journal it leaves is state that is checked before it is obeyed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from explainer import write
from explainer.errors import ExplainerError
from explainer.marker import ABBREVIATIONS_MARKER, MARKER_LINE
from explainer.model import Page


def _page(path: str, body: str) -> Page:
    return Page(path, f"---\n{MARKER_LINE}\ntitle: T\n---\n{body}\n")


def _apply(pages: list[Page], docs: Path, others: dict[Path, list[Page]] | None = None) -> write.Plan:
    plan = write.plan(pages, docs, others)
    write.apply(plan, docs.parent / "state")
    return plan


def test_new_pages_are_written_and_unchanged_ones_left_alone(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    pages = [_page("a.md", "A"), _page("sub/b.md", "B")]
    _apply(pages, docs)
    assert (docs / "sub/b.md").read_text(encoding="utf-8").endswith("B\n")
    os.utime(docs / "a.md", (1, 1))
    plan = _apply(pages, docs)
    assert plan.writes == () and plan.unchanged == ("a.md", "sub/b.md")
    assert (docs / "a.md").stat().st_mtime == 1


def test_a_file_without_marker_is_never_overwritten_or_deleted(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# My own page\n", encoding="utf-8")
    (docs / "notes.md").write_text("# Notes\n", encoding="utf-8")
    plan = _apply([_page("a.md", "generated")], docs)
    assert plan.taken_over == ("a.md",) and plan.writes == () and plan.deletes == ()
    assert (docs / "a.md").read_text(encoding="utf-8") == "# My own page\n"
    assert (docs / "notes.md").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # a person's page that quotes the marker text, below its own front matter
        ("quote.md", f"---\ntitle: Mine\n---\nOur pages start with: {MARKER_LINE}\n"),
        ("second-line.md", f"# Notes\n{MARKER_LINE}\n"),
        ("indented.md", f"---\n  {MARKER_LINE}\n---\n"),
        ("marker-later.md", f"---\ntitle: x\n{MARKER_LINE}\n---\n"),
        # a data file someone put in docs/, with the marker as its first line
        ("data.yml", f"{MARKER_LINE}\nkey: value\n"),
        ("sub/.nav.yml", f"{MARKER_LINE}\nnav: []\n"),
        ("notes.txt", f"---\n{MARKER_LINE}\n---\n"),
    ],
)
def test_only_the_exact_marker_in_its_place_makes_a_file_generated(tmp_path: Path, name: str, text: str) -> None:
    docs = tmp_path / "docs"
    (docs / name).parent.mkdir(parents=True, exist_ok=True)
    (docs / name).write_text(text, encoding="utf-8")
    plan = _apply([_page("a.md", "A")], docs)
    assert plan.deletes == ()
    assert (docs / name).read_text(encoding="utf-8") == text


def test_a_file_in_includes_the_generator_did_not_ask_for_is_never_touched(tmp_path: Path) -> None:
    docs, includes = tmp_path / "docs", tmp_path / "includes"
    includes.mkdir()
    theirs = f"{ABBREVIATIONS_MARKER}\n\n*[X]: a person's snippet, copied from ours\n"
    (includes / "mine.md").write_text(theirs, encoding="utf-8")
    ours = Page("abbreviations.md", f"{ABBREVIATIONS_MARKER}\n")
    _apply([_page("a.md", "A")], docs, {includes: [ours]})
    _apply([_page("a.md", "A")], docs, {includes: [ours]})
    assert (includes / "mine.md").read_text(encoding="utf-8") == theirs
    assert (includes / "abbreviations.md").read_text(encoding="utf-8") == ours.content


def test_generated_pages_whose_topic_is_gone_are_removed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _apply([_page("a.md", "A"), _page("old/b.md", "B")], docs)
    plan = _apply([_page("a.md", "A")], docs)
    assert plan.deletes == ("old/b.md",)
    assert not (docs / "old").exists()


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _apply([_page("a.md", "A")], docs)
    assert sorted(p.name for p in docs.rglob("*")) == ["a.md"]
    assert sorted(p.name for p in (tmp_path / "state").iterdir()) == []


def test_a_run_that_fails_after_its_temp_files_leaves_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the journal is written (a full disk, a state folder
    swapped for a link) removes the temp files already written."""
    docs = tmp_path / "docs"
    _apply([_page("a.md", "A")], docs)
    before = {p: p.read_bytes() for p in docs.rglob("*")}

    def full_disk(target: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(write, "_write_atomic", full_disk)
    with pytest.raises(OSError, match="No space left"):
        _apply([_page("a.md", "A2"), _page("sub/deeper/b.md", "B")], docs)
    assert {p: p.read_bytes() for p in docs.rglob("*")} == before  # (the folders it made are gone too)


def test_a_journal_that_cannot_be_put_in_place_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs, state = tmp_path / "docs", tmp_path / "state"
    replace = os.replace

    def refused(source: Path, target: Path) -> None:
        if Path(target).name == write.JOURNAL:
            raise OSError(30, "Read-only file system", str(target))
        replace(source, target)

    monkeypatch.setattr(write.os, "replace", refused)
    with pytest.raises(OSError, match="Read-only"):
        _apply([_page("a.md", "A")], docs)
    assert not docs.exists() and sorted(p.name for p in state.iterdir()) == []


@pytest.mark.parametrize("planted", ["journal.json", ".journal.json.explainer-tmp"])
def test_a_folder_planted_at_a_state_files_name_never_blocks_a_run(tmp_path: Path, planted: str) -> None:
    docs, state = tmp_path / "docs", tmp_path / "state"
    (state / planted / "inside").mkdir(parents=True)
    _apply([_page("a.md", "A")], docs)
    assert (docs / "a.md").is_file() and sorted(p.name for p in state.iterdir()) == []


def test_a_temp_file_that_cannot_be_written_whole_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        _apply([_page("a.md", "A")], docs)
    assert not docs.exists()  # (nor the folder it made for it)


def test_a_persons_file_at_a_temp_name_is_kept(tmp_path: Path) -> None:
    """Refused when the run is planned (before any file is written), and
    again when the temp file is written (the file came after the plan)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    mine = docs / ".a.md.explainer-tmp"
    mine.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(ExplainerError, match="has the name of the generator's temporary file"):
        write.plan([_page("b.md", "B"), _page("a.md", "A")], docs)
    mine.unlink()
    plan = write.plan([_page("b.md", "B"), _page("a.md", "A")], docs)
    mine.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(ExplainerError, match="has the name of the generator's temporary file"):
        write.apply(plan, tmp_path / "state")
    assert sorted(p.name for p in docs.iterdir()) == [mine.name] and mine.read_text(encoding="utf-8") == "my notes\n"


def test_a_folder_that_is_a_link_is_never_written_through(tmp_path: Path) -> None:
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    outside.mkdir()
    docs.mkdir()
    (docs / "sources").symlink_to(outside, target_is_directory=True)
    (outside / "x.md").write_text(_page("x.md", "outside").content, encoding="utf-8")
    with pytest.raises(ExplainerError, match="docs/sources: is a symbolic link"):
        write.plan([_page("sources/a.md", "A")], docs)
    plan = _apply([_page("a.md", "A")], docs)
    assert plan.deletes == ()  # a generated-looking file behind the link is not the generator's
    assert sorted(p.name for p in outside.iterdir()) == ["x.md"]


def test_a_generated_page_that_is_a_link_is_taken_over_not_followed(tmp_path: Path) -> None:
    docs, outside = tmp_path / "docs", tmp_path / "secret.md"
    docs.mkdir()
    outside.write_text(_page("a.md", "secret").content, encoding="utf-8")
    (docs / "a.md").symlink_to(outside)
    plan = _apply([_page("a.md", "A")], docs)
    assert plan.taken_over == ("a.md",)
    assert outside.read_text(encoding="utf-8").endswith("secret\n")


def _journal(state: Path, folders: list[Path], renames: list[object], deletes: list[object]) -> None:
    state.mkdir(parents=True, exist_ok=True)
    data = {"version": 1, "folders": [str(f.resolve()) for f in folders], "renames": renames, "deletes": deletes}
    (state / write.JOURNAL).write_text(json.dumps(data), encoding="utf-8")


def test_recover_finishes_a_run_killed_after_its_journal(tmp_path: Path) -> None:
    docs, includes, state = tmp_path / "docs", tmp_path / "includes", tmp_path / "state"
    _apply([_page("a.md", "old"), _page("gone.md", "x")], docs)
    # State of a run killed half way through its renames: one temp file still
    # waiting in each folder, one deletion not done, the journal in place.
    (docs / ".a.md.explainer-tmp").write_text(_page("a.md", "new").content, encoding="utf-8")
    includes.mkdir()
    (includes / ".abbreviations.md.explainer-tmp").write_text(f"{ABBREVIATIONS_MARKER}\nnew\n", encoding="utf-8")
    _journal(state, [docs, includes], [[0, "a.md"], [1, "abbreviations.md"]], [[0, "gone.md"]])
    assert write.recover((docs, includes), state) == []
    assert (docs / "a.md").read_text(encoding="utf-8").endswith("new\n")
    assert (includes / "abbreviations.md").read_text(encoding="utf-8").endswith("new\n")
    assert not (docs / "gone.md").exists() and not (state / write.JOURNAL).exists()


def test_recover_drops_temp_files_of_a_run_killed_before_its_journal(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _apply([_page("a.md", "old")], docs)
    (docs / ".a.md.explainer-tmp").write_text(_page("a.md", "half").content[:150], encoding="utf-8")
    (docs / ".b.md.explainer-tmp").write_bytes(b"")  # killed before its first byte
    (docs / ".mine.explainer-tmp").write_text("a person's file with our suffix", encoding="utf-8")
    assert write.recover((docs,), tmp_path / "state") == []
    assert (docs / "a.md").read_text(encoding="utf-8").endswith("old\n")
    assert sorted(p.name for p in docs.iterdir()) == [".mine.explainer-tmp", "a.md"]


# A journal that arrives in a clone or a pull request is state the generator
# did not write: it must not move, create or delete anything it does not own.
FOREIGN_JOURNALS = {
    "outside the project": lambda t: {"renames": [[0, "../../etc/passwd"]], "deletes": [[0, "../outside.md"]]},
    "absolute path": lambda t: {"renames": [], "deletes": [[0, str(t / "outside.md")]]},
    "a person's page": lambda t: {"renames": [], "deletes": [[0, "mine.md"]]},
    "not a page": lambda t: {"renames": [], "deletes": [[0, "data.yml"]]},
    "folder out of range": lambda t: {"renames": [], "deletes": [[7, "a.md"]]},
    "old format": lambda t: {"renames": [[".a.md.explainer-tmp", "a.md"]], "deletes": ["a.md"]},
}


@pytest.mark.parametrize("case", sorted(FOREIGN_JOURNALS))
def test_a_foreign_journal_changes_nothing_and_does_not_block(tmp_path: Path, case: str) -> None:
    docs, state = tmp_path / "project/docs", tmp_path / "project/state"
    _apply([_page("a.md", "A")], docs)
    (tmp_path / "outside.md").write_text(_page("x.md", "outside").content, encoding="utf-8")
    (docs / "mine.md").write_text("# Mine\n", encoding="utf-8")
    (docs / "data.yml").write_text(f"{MARKER_LINE}\n", encoding="utf-8")
    entries = FOREIGN_JOURNALS[case](tmp_path)
    _journal(state, [docs], entries["renames"], entries["deletes"])
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.parent != state}
    notes = write.recover((docs,), state)
    assert len(notes) == 1 and ("ignored" in notes[0] or "skipped" in notes[0]), notes
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.parent != state} == before
    assert not (state / write.JOURNAL).exists()
    _apply([_page("a.md", "A2")], docs)  # the next run goes ahead
    assert (docs / "a.md").read_text(encoding="utf-8").endswith("A2\n")


@pytest.mark.parametrize("content", ["{not json", "[]", '{"version": 1}', "\x00\xff"])
def test_a_corrupt_journal_is_ignored_with_a_note(tmp_path: Path, content: str) -> None:
    docs, state = tmp_path / "docs", tmp_path / "state"
    _apply([_page("a.md", "A")], docs)
    state.mkdir(exist_ok=True)
    (state / write.JOURNAL).write_text(content, encoding="utf-8")
    assert len(write.recover((docs,), state)) == 1
    assert (docs / "a.md").exists()


def test_a_journal_entry_for_a_temp_file_a_person_wrote_is_not_obeyed(tmp_path: Path) -> None:
    docs, state = tmp_path / "docs", tmp_path / "state"
    _apply([_page("a.md", "A")], docs)
    (docs / ".a.md.explainer-tmp").write_text("not generated", encoding="utf-8")
    _journal(state, [docs], [[0, "a.md"]], [])
    write.recover((docs,), state)
    assert (docs / "a.md").read_text(encoding="utf-8").endswith("A\n")


def test_a_state_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    docs, outside = tmp_path / "docs", tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "state").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ExplainerError, match="state: is a symbolic link"):
        _apply([_page("a.md", "A")], docs)
    assert list(outside.iterdir()) == [] and not docs.exists()  # (nothing made, not even docs/)


def _read_as_the_page_cache_does(docs: Path, path: str) -> tuple[write.FileId, str]:
    target = docs / path
    return write.file_id(target.lstat()), target.read_text(encoding="utf-8")


def test_a_file_the_run_read_already_is_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    pages = [_page("a.md", "A"), _page("sub/b.md", "B")]
    _apply(pages, docs)
    read = {p.path: _read_as_the_page_cache_does(docs, p.path) for p in pages}

    def no_reading(*_: object) -> bytes:
        raise AssertionError("read again")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(write, "is_generated", no_reading)  # (the marker is checked in the text read)
    plan = write.plan(pages, docs, read=read)
    assert plan.writes == () and plan.unchanged == ("a.md", "sub/b.md") and plan.deletes == ()


@pytest.mark.parametrize("change", ["edited", "replaced", "other-text", "unmarked"])
def test_a_file_read_earlier_is_compared_again_when_anything_differs(tmp_path: Path, change: str) -> None:
    """Edited or replaced since it was read, or read as other text than the
    page's (or text without the marker): the plan reads it as usual."""
    docs = tmp_path / "docs"
    page = _page("a.md", "A")
    _apply([page], docs)
    known, text = _read_as_the_page_cache_does(docs, "a.md")
    target = docs / "a.md"
    if change == "edited":  # same size, same mtime: only the ctime tells
        stat = target.stat()
        target.write_text(page.content.replace("A\n", "Z\n"), encoding="utf-8")
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    elif change == "replaced":
        target.unlink()
        target.write_text(page.content.replace("A\n", "Z\n"), encoding="utf-8")
    elif change == "other-text":
        text = text.replace("A\n", "Z\n")
    else:
        target.write_text("A person's page\n", encoding="utf-8")
        known, text = _read_as_the_page_cache_does(docs, "a.md")
        page = Page("a.md", text)
    plan = write.plan([page], docs, read={"a.md": (known, text)})
    if change == "unmarked":
        assert plan.taken_over == ("a.md",) and plan.unchanged == ()
    elif change == "other-text":
        assert plan.unchanged == ("a.md",)  # (the file still holds the page's text: read, and found equal)
    else:
        assert plan.writes == (page,) and plan.unchanged == ()


def test_only_files_the_run_will_not_write_are_read_for_their_marker(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _apply([_page("a.md", "A"), _page("gone.md", "G")], docs)
    (docs / "mine.md").write_text("A person's page\n", encoding="utf-8")
    assert write.generated_files(docs) == ["a.md", "gone.md"]
    assert write.generated_files(docs, skip={"a.md"}) == ["gone.md"]
    assert write.plan([_page("a.md", "A")], docs).deletes == ("gone.md",)


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("../elsewhere", "is not a folder inside the project"),  # e.g. docs_dir in a pull request's mkdocs.yml
        (".", "is not a folder inside the project"),
        ("linked", "is a symbolic link"),
        ("linked/docs", r"is a symbolic link \(or is reached through one\)"),
    ],
)
def test_an_output_folder_outside_the_project_or_through_a_link_is_refused(
    tmp_path: Path, folder: str, message: str
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "elsewhere" / "docs").mkdir(parents=True)
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    write.check_outputs(root, [root / "docs", root / "includes"])  # (real or not there yet: fine)
    with pytest.raises(ExplainerError, match=message):
        write.check_outputs(root, [root / "docs", root / folder])


def test_a_project_reached_through_a_link_may_name_its_outputs_either_way(tmp_path: Path) -> None:
    """The preview resolves the project's root but MkDocs gives docs_dir as
    written: a project behind a link (/tmp on macOS, a linked home folder)
    is still one project. A ".." after a link is refused (the system takes it
    after the link, not where the path seems to go)."""
    real = tmp_path / "real" / "project"
    (real / "docs").mkdir(parents=True)
    (tmp_path / "via").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "elsewhere" / "x").mkdir(parents=True)
    (real / "lnk").symlink_to(tmp_path / "elsewhere" / "x", target_is_directory=True)
    write.check_outputs(real.resolve(), [tmp_path / "via" / "project" / "docs", real / "includes"])
    write.check_outputs(tmp_path / "via" / "project", [real / "docs"])
    with pytest.raises(ExplainerError, match="is not a folder inside the project"):
        write.check_outputs(real, [real / "lnk" / ".." / "docs"])
