"""Incremental generation: after adding, editing or removing one article, a run
with the cache gives docs/ and includes/ byte for byte as a cold run of the same
inputs in a fresh copy; a page whose inputs did not change is not rendered again;
a corrupt, foreign or stale page cache is ignored (with a note), never obeyed."""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import Result

from explainer import pagekit, render
from tests.helpers import FIXTURES, ROOT, copy_project, load_script, snapshot

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


def _canonical_forgery(value: Any) -> Any:
    """A part of its reader's shape that no run writes: body sentences out of
    order or twice, a mention's sentence twice or with no key, a Timeline
    event whose phrase is not its sentence's."""
    if isinstance(value, list) and value and all(type(i) is int for i in value):
        return [value[0], *value]  # body: a sentence twice
    if isinstance(value, dict) and value.get("events"):
        start, precision, _, relative, index, position = value["events"][0]
        return {**value, "events": [[start, precision, "Invented phrase", relative, index, position]]}
    if isinstance(value, dict) and value.get("sentences"):
        first = value["sentences"][0]
        return {**value, "sentences": [[first[0], []], *value["sentences"]]}
    return value


def test_forged_parts_of_the_right_shape_but_no_runs_are_read_again(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """A part of the reader's type is still checked against what a run keeps:
    body sentences once each and in order, a kept mention's sentences once
    each with a key, a Timeline phrase written in its sentence (else a forged
    cache would put words on the site that no source wrote)."""
    path = warm / ".cache" / "explainer" / "parts.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    forged = {key: _canonical_forgery(value) for key, value in data["parts"].items()}
    changed = {key for key in forged if forged[key] != data["parts"][key]}
    assert len(changed) > 3 * COUNT  # every article's body, mentions and events
    path.write_text(json.dumps({**data, "parts": forged}), encoding="utf-8")
    _edit(warm)
    _generate(warm, run_cli)
    outputs = _outputs(warm)
    assert not any(b"Invented phrase" in text for text in outputs.values())
    assert outputs == _cold(warm, tmp_path, run_cli)


def test_two_cold_runs_keep_the_same_state_files(project: Path, tmp_path: Path) -> None:
    """What the page cache keeps is written in a fixed order, never a set's
    (which moves with the string hash seed of each process): the same
    inputs, the same bytes."""
    _corpus(project)
    other = copy_project(tmp_path / "other")
    shutil.rmtree(other / "sources")
    shutil.copytree(project / "sources", other / "sources")
    for seed, folder in [("1", project), ("2", other)]:
        done = subprocess.run(
            [sys.executable, "-m", "explainer.cli", "generate", "--root", str(folder), "-q"],
            capture_output=True,
            text=True,
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
    for name in ("parts.json", "pages.json"):
        first = (project / ".cache" / "explainer" / name).read_bytes()
        assert first == (other / ".cache" / "explainer" / name).read_bytes(), name


@pytest.fixture
def found(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[set[str]]]:
    """Each call of claims.find_shown of a run (how topics' claims are found): the slugs of the groups it read."""
    from explainer import claims

    calls: list[set[str]] = []
    original = claims.find_shown

    def counting(groups: Any, *args: Any, **kwargs: Any) -> Any:
        groups = tuple(groups)
        calls.append({g.article.slug for g in groups})
        return original(groups, *args, **kwargs)

    monkeypatch.setattr(claims, "find_shown", counting)
    yield calls


def _edit_off_topic(project: Path) -> None:
    """An edit to the article that has its own page: no topic's sentences change."""
    path = project / "sources" / OFF_TOPIC
    path.write_text(path.read_text(encoding="utf-8") + "\nThe garden opens again in spring.\n", encoding="utf-8")


def test_a_topics_claims_are_found_again_only_when_its_sentences_changed(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], found: list[set[str]]
) -> None:
    text = "The digital yuan pilots reached more shoppers, the central bank said, with 40 e-CNY wallets opened."
    (warm / "sources" / "digital-yuan-note.md").write_text(f"# A note on the digital yuan\n\n{text}\n", "utf-8")
    report = _generate(warm, run_cli)
    (added,) = [a for a in report["articles"] if a["slug"] == "digital-yuan-note"]  # type: ignore[attr-defined]
    assert added["shown_on"] == "topics" and sum(1 for n in added["topics"].values() if n) == 1
    # The one topic the added article has sentences on: the others' claims are reused.
    warm_calls = list(found)
    assert len(warm_calls) == 1 and "digital-yuan-note" in warm_calls[0]
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)
    cold_calls = found[len(warm_calls) :]  # a cold run finds every topic's claims
    assert len(warm_calls) < len(cold_calls)
    found.clear()
    _edit_off_topic(warm)
    _generate(warm, run_cli)
    assert found == []


def test_an_edited_sentence_changes_the_claims_key_of_its_topics(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], found: list[set[str]]
) -> None:
    """The claims key (each article's digest, not each sentence's text) sees
    a change of one word: the edited article's topics are found again, and
    not because the kept claims failed their check (no note)."""
    _edit(warm)
    report = _generate(warm, run_cli)
    assert found and all("report-007" in call for call in found)
    assert "not valid" not in str(report["output"])
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)


def _claims_entries(path: Path) -> tuple[dict[str, Any], list[list[Any]]]:
    """The parts file, and its topics' kept claims values: each the claims the
    page shows (each [wording, sources, conflicts]) and the counts of all."""
    data = json.loads(path.read_text(encoding="utf-8"))
    kept = [
        value
        for value in data["parts"].values()
        if isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], list)
        and all(isinstance(c, list) and len(c) == 3 for c in value[0])
        and isinstance(value[1], list)
        and len(value[1]) == 3
    ]
    return data, kept


@pytest.mark.parametrize("what", ["text", "absent"])
def test_forged_kept_claims_are_found_again_with_a_note(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], what: str
) -> None:
    """A claims value with the right key but a forged wording (a text of its
    own beside a sentence's address), or a source that is not a sentence of
    the topic, is not shown: the claims are found again."""
    path = warm / ".cache" / "explainer" / "parts.json"
    data, kept = _claims_entries(path)
    assert kept and all(shown for shown, _ in kept)  # the benchmark's topics have claims
    for shown, _ in kept:
        for wording, sources, conflicts in shown:  # every place a sentence is pointed at, alike
            for ref in [wording, *sources, *(r for _, figures in conflicts for _, refs in figures for r in refs)]:
                if what == "text":  # a text beside the address (the earlier shape): refused, never shown
                    ref[1:] = [0, ref[1], "The planted claim: the ban was lifted."]
                else:
                    ref[1] += 10_000
    path.write_text(json.dumps(data), encoding="utf-8")
    _edit_off_topic(warm)  # every topic's key is unchanged: the forged values are looked up
    report = _generate(warm, run_cli)
    assert "are not valid: ignored (found again)" in str(report["output"])
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)
    assert "planted claim" not in "".join(p.read_text(encoding="utf-8") for p in (warm / "docs").rglob("*.md"))


def test_only_the_claims_a_page_shows_are_kept(warm: Path, tmp_path: Path, run_cli: Callable[..., Result]) -> None:
    """What a topic keeps of its claims is what its page leads with (at most
    KEY_POINTS of them) and the counts of all: a run that reuses every topic's
    reports the counts a cold run finds, and makes its pages."""
    from explainer import topicpages

    _, kept = _claims_entries(warm / ".cache" / "explainer" / "parts.json")
    assert kept and all(len(shown) == min(counts[0], topicpages.KEY_POINTS) for shown, counts in kept)
    assert sum(counts[0] for _, counts in kept) > len(kept) * topicpages.KEY_POINTS  # far fewer kept than found
    _edit_off_topic(warm)
    warm_report = _generate(warm, run_cli)
    cold = copy_project(tmp_path / "cold")
    shutil.rmtree(cold / "sources")
    shutil.copytree(warm / "sources", cold / "sources")
    cold_report = _generate(cold, run_cli)
    assert warm_report["claims"] == cold_report["claims"] and warm_report["claims"]["claims"] > 0  # type: ignore[index]
    assert _outputs(warm) == _outputs(cold)


def _with_counts(change: Callable[[list[int]], list[int]]) -> Callable[[list[Any]], None]:
    def forge(value: list[Any]) -> None:
        value[1] = change(value[1])

    return forge


def _one_claim_fewer(value: list[Any]) -> None:
    value[0].pop()


@pytest.mark.parametrize(
    "forge",
    [
        _with_counts(lambda c: [c[0], 0, c[2]]),  # fewer merged sentences than claims
        _with_counts(lambda c: [c[0], c[1], c[0] + 1]),  # more conflicts than claims
        _with_counts(lambda c: [c[0] + 100, c[1], c[2]]),  # more claims than merged sentences allow
        _with_counts(lambda c: [1, c[1], 0]),  # fewer claims than the page shows
        _with_counts(lambda c: [c[0], c[1], 2**40]),  # past a position's bound (refused as the state file is read)
        _one_claim_fewer,  # a page shows fewer claims than it has
    ],
    ids=["merged", "conflicts", "claims", "shown", "huge", "fewer"],
)
def test_kept_counts_that_do_not_add_up_are_found_again(
    warm: Path, run_cli: Callable[..., Result], forge: Callable[[list[Any]], None]
) -> None:
    """Counts kept beside a topic's claims that could not be its claims', or
    fewer claims than its page shows, are not used: the claims are found
    again, with a note."""
    path = warm / ".cache" / "explainer" / "parts.json"
    data, kept = _claims_entries(path)
    first = next(value for value in kept if value[1][0] > 6)  # a topic with more claims than its page shows
    forge(first)
    path.write_text(json.dumps(data), encoding="utf-8")
    _edit_off_topic(warm)
    report = _generate(warm, run_cli)
    assert "are not valid: ignored (found again)" in str(report["output"])


@pytest.fixture
def grouped(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How many topics of a run were grouped from scratch and how many replayed (explainer.grouping)."""
    from explainer import grouping

    counts = {"scratch": 0, "replayed": 0}
    group, regroup = grouping.group, grouping.regroup

    def scratch(*args: Any) -> Any:
        counts["scratch"] += 1
        return group(*args)

    def replayed(*args: Any) -> Any:
        found = regroup(*args)
        counts["replayed"] += found is not None
        return found

    monkeypatch.setattr(grouping, "group", scratch)
    monkeypatch.setattr(grouping, "regroup", replayed)
    yield counts


@pytest.mark.parametrize("change", [_add, _edit, _remove], ids=["add", "edit", "remove"])
def test_a_topic_that_changed_is_grouped_from_the_last_runs_grouping(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], grouped: dict[str, int], change: Callable[[Path], None]
) -> None:
    """Each topic whose sentences changed replays the last run's grouping
    (none is grouped from scratch, no note), and the pages are a cold run's."""
    grouped.update(scratch=0, replayed=0)
    change(warm)
    report = _generate(warm, run_cli)
    assert grouped["replayed"] >= 1 and grouped["scratch"] == 0, grouped
    assert "grouping" not in str(report["output"])
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Each group of a run asked whether its claim has a conflict: whether its topic holds the added article."""
    from explainer import claims

    calls: list[bool] = []
    original = claims._conflicted_cluster

    def counting(table: Any, *args: Any) -> bool:
        calls.append("report-added" in table.slugs)
        return original(table, *args)

    monkeypatch.setattr(claims, "_conflicted_cluster", counting)
    yield calls


def _cold_report(project: Path, tmp_path: Path, run_cli: Callable[..., Result]) -> dict[str, object]:
    cold = copy_project(tmp_path / "cold")
    shutil.rmtree(cold / "sources")
    shutil.copytree(project / "sources", cold / "sources")
    return _generate(cold, run_cli)


@pytest.mark.parametrize("change", [_add, _edit, _remove], ids=["add", "edit", "remove"])
def test_a_replayed_group_keeps_its_conflict_and_the_counts_are_a_cold_runs(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], asked: list[bool], change: Callable[[Path], None]
) -> None:
    """A group replayed as the last run's has its claim's conflict as the
    last run found it (the record keeps which groups have one): after a
    change the report's claim counts, conflicts too, are a cold run's, and
    the topics the added article is on ask fewer groups than a cold run."""
    change(warm)
    warm_report = _generate(warm, run_cli)
    warm_asked = len(asked)
    cold_report = _cold_report(warm, tmp_path, run_cli)
    assert warm_report["claims"] == cold_report["claims"]
    assert warm_report["claims"]["conflicts"] > 0  # type: ignore[index]
    if change is _add:
        assert warm_asked < sum(asked[warm_asked:]), (warm_asked, sum(asked[warm_asked:]))


def test_a_record_whose_conflicts_are_not_an_array_asks_every_group(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], asked: list[bool]
) -> None:
    """A grouping record's list of groups with a conflict that is not an
    array of rows is not believed: every group of a changed topic is asked,
    as in a cold run (and the counts are a cold run's)."""
    path = warm / ".cache" / "explainer" / "parts.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    records = [v for v in data["parts"].values() if isinstance(v, dict) and "conflicted" in v]
    assert records
    for value in records:
        value["conflicted"] = base64.b64encode(b"\x01\x02\x03").decode()  # three bytes: not int32s
    path.write_text(json.dumps(data), encoding="utf-8")
    _add(warm)
    warm_report = _generate(warm, run_cli)
    warm_asked = len(asked)
    cold_report = _cold_report(warm, tmp_path, run_cli)
    assert warm_report["claims"] == cold_report["claims"]
    assert warm_asked == sum(asked[warm_asked:])  # every group of the topics the added article is on


def test_a_grouping_outlives_runs_that_reuse_its_claims(
    warm: Path, run_cli: Callable[..., Result], grouped: dict[str, int]
) -> None:
    """A run that changes no topic keeps each topic's grouping as it is, for
    the run that next changes the topic."""
    _edit_off_topic(warm)
    _generate(warm, run_cli)
    grouped.update(scratch=0, replayed=0)
    _add(warm)
    _generate(warm, run_cli)
    assert grouped["replayed"] >= 1 and grouped["scratch"] == 0, grouped


def _groupings(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The parts file, and its topics' grouping records."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data, [v for v in data["parts"].values() if isinstance(v, dict) and "joined" in v]


@pytest.mark.parametrize("how", ["scores", "shape"])
def test_a_forged_grouping_is_grouped_again_with_a_note(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], how: str
) -> None:
    """A grouping record whose joins' scores are not their links' (or that is
    not a record at all) is not followed: the topic is grouped from scratch,
    with a note, and the pages are a cold run's."""
    path = warm / ".cache" / "explainer" / "parts.json"
    data, records = _groupings(path)
    assert records  # every topic with claims keeps one
    for record in records:
        if how == "scores":
            record["scores"] = base64.b64encode(bytes(len(base64.b64decode(record["scores"])))).decode()  # all 0.0
        else:
            record["joined"] = [1, 2, 3]
    path.write_text(json.dumps(data), encoding="utf-8")
    _add(warm)
    report = _generate(warm, run_cli)
    assert "the grouping kept for topic" in str(report["output"])
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)


def test_the_manifest_holds_the_output_folders_as_they_are(
    warm: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run hashes the files it wrote or found unchanged from the bytes in
    hand, and reads the others (a person's file); what it records is what
    reading every file gives, so a run with nothing changed stops before building."""
    from explainer import cache

    (warm / "docs" / "mine.md").write_text("A person's page\n", encoding="utf-8")
    _add(warm)
    reads: list[Path] = []
    read_bytes, docs_state = Path.read_bytes, cache.docs_state
    state_reads: list[Path] = []

    def counting(path: Path) -> bytes:
        reads.append(path)
        return read_bytes(path)

    def watched(folders: Any, known: Any = None) -> Any:
        reads.clear()
        try:
            return docs_state(folders, known)
        finally:
            state_reads.extend(reads)

    monkeypatch.setattr(Path, "read_bytes", counting)
    monkeypatch.setattr(cache, "docs_state", watched)
    _generate(warm, run_cli)
    monkeypatch.undo()
    assert warm / "docs" / "mine.md" in state_reads
    assert (
        warm / "docs" / "index.md" not in state_reads
        and warm / "docs" / "sources" / "report-added.md" not in state_reads
    )
    manifest = json.loads((warm / ".cache" / "explainer" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["docs"] == cache.docs_state((warm / "docs", warm / "includes"))
    assert "nothing changed since the last run" in str(_generate(warm, run_cli)["output"])


def test_a_forged_entry_is_counted_once_when_the_cache_cannot_be_written(
    warm: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that finds a well-typed entry that does not add up starts over
    and reads the entries again; when the cache cannot be written, an entry
    that does not decode is still there and is found twice, yet the note
    counts each bad entry once."""
    from dataclasses import replace

    from explainer.cache import CACHE_DIR, ArticleCache
    from explainer.pipeline import Processed

    store = ArticleCache(warm / CACHE_DIR / "articles", Processed)
    entry, garbled = sorted((warm / CACHE_DIR / "articles").glob("*.json"))[:2]
    garbled.write_text("[not an entry", encoding="utf-8")
    evidence, mins, reading = store.get(entry.stem)
    store.put(
        entry.stem,
        (
            replace(
                evidence,
                paragraphs=(msgspec.structs.replace(evidence.paragraphs[0], lean=99), *evidence.paragraphs[1:]),
            ),
            mins,
            reading,
        ),
    )
    monkeypatch.setattr(ArticleCache, "put", lambda self, name, value: None)  # as if the folder were read-only
    _add(warm)
    output = str(_generate(warm, run_cli)["output"])
    assert "2 cache entries were not valid: ignored" in output, output


@pytest.mark.parametrize("which", ["kept", "duplicate"])
def test_a_forged_entry_found_while_adding_one_is_read_again(
    warm: Path, tmp_path: Path, run_cli: Callable[..., Result], which: str
) -> None:
    """The cached evidence is checked by the pass that classifies it: one
    well-typed entry that does not add up (a subheading lean to topic 99), of
    an article the topics show or of a duplicate left out of them, found in a
    run that adds an article, is read again with a note; both articles are
    reported as read, and the pages are a cold run's."""
    from dataclasses import replace

    from explainer.cache import CACHE_DIR, ArticleCache
    from explainer.pipeline import Processed

    shutil.copy(warm / "sources" / "report-007.txt", warm / "sources" / "report-007-copy.txt")
    report = _generate(warm, run_cli)
    (duplicate,) = report["duplicates"]  # type: ignore[misc]
    target = duplicate["source"] if which == "duplicate" else "sources/report-012.txt"
    store = ArticleCache(warm / CACHE_DIR / "articles", Processed)
    forged = 0
    for entry in (warm / CACHE_DIR / "articles").glob("*.json"):
        evidence, mins, reading = store.get(entry.stem)
        if evidence.article.path == target:
            first = msgspec.structs.replace(evidence.paragraphs[0], lean=99)
            store.put(entry.stem, (replace(evidence, paragraphs=(first, *evidence.paragraphs[1:])), mins, reading))
            forged += 1
    assert forged == 1
    _add(warm)
    output = str(_generate(warm, run_cli)["output"])
    assert "1 cache entries were not valid: ignored" in output
    read = ["sources/report-added.txt", *([target] if which == "kept" else [])]  # (a duplicate is placed nowhere)
    assert all(f"{path} ->" in output for path in read)
    assert _outputs(warm) == _cold(warm, tmp_path, run_cli)
    assert "nothing changed since the last run" in str(_generate(warm, run_cli)["output"])
