"""Incremental generation: after adding, editing or removing one article, a run
with the cache gives docs/ and includes/ byte for byte as a cold run of the same
inputs in a fresh copy; a page whose inputs did not change is not rendered again;
a corrupt, foreign or stale page cache is ignored (with a note), never obeyed."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result

from explainer import pagekit, render
from tests.helpers import FIXTURES, copy_project, load_script, snapshot

COUNT = 30  # past the navigation's list limit: sources grouped by year
OFF_TOPIC = "school-garden.md"


def _corpus(project: Path) -> None:
    """The reference article, a fixture that gets its own page, and COUNT benchmark articles."""
    benchmark = load_script("dev/benchmark.py")
    rng = random.Random(11)
    for number in range(COUNT):
        text = benchmark.article(rng, number)
        (project / "sources" / f"report-{number:03d}.txt").write_text(text, encoding="utf-8")
    shutil.copy(FIXTURES / OFF_TOPIC, project / "sources" / OFF_TOPIC)


def _generate(project: Path, run_cli: Callable[..., Result]) -> dict[str, object]:
    result = run_cli("generate", "--root", project, "--report", project / "report.json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    data: dict[str, object] = json.loads((project / "report.json").read_text(encoding="utf-8"))
    data["output"] = result.output
    return data


def _outputs(project: Path) -> dict[str, bytes]:
    return {
        **{f"docs/{k}": v for k, v in snapshot(project / "docs").items()},
        **{f"includes/{k}": v for k, v in snapshot(project / "includes").items()},
    }


def _cold(project: Path, tmp_path: Path, run_cli: Callable[..., Result]) -> dict[str, bytes]:
    """docs/ and includes/ of a cold run (no cache) on a fresh copy with the same sources."""
    fresh = copy_project(tmp_path / "cold")
    shutil.rmtree(fresh / "sources")
    shutil.copytree(project / "sources", fresh / "sources")
    assert not (fresh / ".cache").exists()
    _generate(fresh, run_cli)
    return _outputs(fresh)


@pytest.fixture
def warm(project: Path, run_cli: Callable[..., Result]) -> Path:
    """The project with the corpus, generated once (the cache filled)."""
    _corpus(project)
    report = _generate(project, run_cli)
    assert report["page_cache"] == {"rendered": report["page_cache"]["rendered"], "reused": 0}  # type: ignore[index]
    return project


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The templates rendered, by name, in order (every page builder renders through one)."""
    seen: list[str] = []
    original = pagekit.render_template

    def counting(template: str, **context: object) -> str:
        seen.append(template)
        return original(template, **context)

    monkeypatch.setattr(render, "render_template", counting)
    yield seen


def _edit(project: Path) -> None:
    path = project / "sources" / "report-007.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("cases", "reported cases", 1), encoding="utf-8")


def _add(project: Path) -> None:
    text = load_script("dev/benchmark.py").article(random.Random(99), 99_999)
    (project / "sources" / "report-added.txt").write_text(text, encoding="utf-8")


def _remove(project: Path) -> None:
    (project / "sources" / "report-012.txt").unlink()


@pytest.mark.parametrize("change", [_add, _edit, _remove], ids=["add", "edit", "remove"])
def test_one_change_gives_the_pages_of_a_cold_run(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], change: Callable[[Path], None]
) -> None:
    change(warm)
    report = _generate(warm, run_cli)
    counts = report["page_cache"]
    assert isinstance(counts, dict) and counts["reused"] > COUNT // 2  # most pages came from the cache
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)
    change(warm) if change is _edit else None  # a second edit on top of the first: still the same
    _generate(warm, run_cli)
    assert _outputs(warm) == _cold(warm, tmp_path / "again", run_cli)


def test_an_unchanged_page_is_not_rendered_again(
    warm: Path, run_cli: Callable[..., Result], renders: list[str]
) -> None:
    _edit(warm)
    report = _generate(warm, run_cli)
    # One Source page is rendered: the edited article's; the other 31 are taken from docs/.
    assert renders.count("source.md.j2") == 1
    assert renders.count("article.md.j2") == 0  # the off-topic article's own page did not change
    counts = report["page_cache"]
    assert isinstance(counts, dict) and counts["reused"] >= COUNT + 1


def test_a_page_edited_by_hand_is_rendered_again(warm: Path, run_cli: Callable[..., Result], tmp_path: Path) -> None:
    page = warm / "docs" / "sources" / "report-003.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA line added by hand.\n", encoding="utf-8")
    _edit(warm)  # something else changed too, so the run is not skipped as "nothing changed"
    _generate(warm, run_cli)
    assert "added by hand" not in page.read_text(encoding="utf-8")
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)


@pytest.mark.parametrize(
    "planted",
    [
        "{not json",
        json.dumps({"version": "explainer-pages-0", "pages": {}}),
        json.dumps({"version": "explainer-pages-1", "pages": {"x" * 64: ["index.md", "Home", [], "0" * 64]}}),
        json.dumps({"version": "explainer-pages-1", "pages": []}),
        json.dumps([1, 2, 3]),
    ],
    ids=["not-json", "other-version", "bad-key", "bad-shape", "foreign"],
)
def test_a_corrupt_or_foreign_page_cache_is_ignored_with_a_note(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], planted: str
) -> None:
    (warm / ".cache" / "explainer" / "pages.json").write_text(planted, encoding="utf-8")
    _edit(warm)
    report = _generate(warm, run_cli)
    assert "pages.json: not a page cache of this version: ignored" in str(report["output"])
    assert report["page_cache"] == {"rendered": report["page_cache"]["rendered"], "reused": 0}  # type: ignore[index]
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)


def test_a_planted_entry_with_the_right_key_but_other_text_is_not_used(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """An entry is only a pointer to a file of docs/ with a given hash: a page
    whose file does not hash to it (planted text, a swapped digest) is rendered."""
    index = warm / ".cache" / "explainer" / "pages.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    for entry in data["pages"].values():
        for record in entry:  # a page, or a topic page and its sub-pages
            record[3] = "0" * 64  # no file hashes to this
    index.write_text(json.dumps(data), encoding="utf-8")
    _edit(warm)
    report = _generate(warm, run_cli)
    assert report["page_cache"] == {"rendered": report["page_cache"]["rendered"], "reused": 0}  # type: ignore[index]
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)


@pytest.mark.parametrize("planted", ["{not json", json.dumps({"version": "explainer-pages-1", "parts": []})])
def test_a_corrupt_parts_cache_is_ignored_with_a_note(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], planted: str
) -> None:
    (warm / ".cache" / "explainer" / "parts.json").write_text(planted, encoding="utf-8")
    _edit(warm)
    report = _generate(warm, run_cli)
    assert "parts.json: not a parts cache of this version: ignored" in str(report["output"])
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)


def test_forged_parts_of_the_wrong_shape_are_read_again(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """Every part is checked by its reader: a forged value (wrong types, a
    sentence the article does not have) is found again from the article."""
    path = warm / ".cache" / "explainer" / "parts.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    forged = [[10**6], {"events": [["x", "day", 1, True, 0, 0]], "warnings": [], "at": []}, {"found": 3}, "lower"]
    for number, key in enumerate(sorted(data["parts"])):
        data["parts"][key] = forged[number % len(forged)]
    path.write_text(json.dumps(data), encoding="utf-8")
    _edit(warm)
    _generate(warm, run_cli)
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)
