"""Sealed state in a clone (explainer.seal): the claims' verdicts on pairs
of sentences of unchanged articles are taken from the last run, only when
this clone's key sealed them, and the pages are a cold run's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest
from click.testing import Result

from explainer import claims, grouping, seal
from tests.integration.test_incremental import _add, _cold, _corpus, _edit, _generate, _outputs, _remove


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pairs each topic judged, run after run (claims._judge's pairs)."""
    counts: list[int] = []
    original = claims._judge

    def counting(np_: Any, table: Any, lo: Any, hi: Any, thresholds: claims.Thresholds) -> Any:
        counts.append(len(lo))
        return original(np_, table, lo, hi, thresholds)

    monkeypatch.setattr(claims, "_judge", counting)
    return counts


@pytest.fixture
def clone(project: Path, run_cli: Callable[..., Result]) -> Path:
    """The project as a clone (a real .git folder: a key), with the corpus, generated once."""
    (project / ".git").mkdir()
    _corpus(project)
    _generate(project, run_cli)
    return project


def _sealed(project: Path) -> list[Path]:
    return sorted((project / ".cache" / "explainer" / "sealed").iterdir())


@pytest.mark.parametrize("change", [_add, _edit, _remove], ids=["add", "edit", "remove"])
def test_a_clone_judges_only_pairs_it_has_not_judged_and_gives_a_cold_runs_pages(
    clone: Path, tmp_path: Path, run_cli: Callable[..., Result], judged: list[int], change: Callable[[Path], None]
) -> None:
    assert _sealed(clone)  # a topic's verdicts each
    change(clone)
    judged.clear()
    _generate(clone, run_cli)
    this_run = sum(judged)
    assert _outputs(clone) == _cold(clone, tmp_path, run_cli)  # (not a clone: judges every pair)
    cold = sum(judged) - this_run
    assert cold > 0 and this_run * 2 < cold  # the others' verdicts were the last run's


def _forge(project: Path, key: bytes) -> None:
    """Every sealed value rewritten to say that every candidate pair states one claim, sealed with ``key``."""
    for path in _sealed(project):
        data = path.read_bytes()
        verdicts = msgspec.msgpack.decode(data[32:], type=grouping.Verdicts)
        count = len(verdicts.codes) // 4
        forged = msgspec.structs.replace(
            verdicts, kept=np.arange(count, dtype="<i4").tobytes(), scores=np.ones(count, dtype="<f8").tobytes()
        )
        payload = msgspec.msgpack.encode(forged)
        path.write_bytes(seal.seal(key, path.name, payload) + payload)


def test_verdicts_sealed_by_another_clone_are_not_believed(
    clone: Path, tmp_path: Path, run_cli: Callable[..., Result], judged: list[int]
) -> None:
    """A pull request can commit .cache/, sealed by the key of the clone it
    was made in: not this one's."""
    _forge(clone, b"x" * seal.KEY_BYTES)
    _add(clone)
    judged.clear()
    _generate(clone, run_cli)
    this_run = sum(judged)
    assert _outputs(clone) == _cold(clone, tmp_path, run_cli)
    assert this_run == sum(judged) - this_run  # every pair judged again


def test_the_same_forgery_with_this_clones_key_would_change_the_pages(
    clone: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """What the seal stands between: believed verdicts are not checked."""
    key = seal.machine_key(clone)
    assert key is not None
    _forge(clone, key)
    _add(clone)
    _generate(clone, run_cli)
    assert _outputs(clone) != _cold(clone, tmp_path, run_cli)


def test_a_project_that_is_not_a_clone_seals_nothing(project: Path, run_cli: Callable[..., Result]) -> None:
    (project / ".git").write_text("gitdir: /elsewhere/.git/worktrees/project\n")  # a worktree: no key
    _corpus(project)
    _generate(project, run_cli)
    assert not (project / ".cache" / "explainer" / "sealed").exists()
    assert (project / ".git").read_text() == "gitdir: /elsewhere/.git/worktrees/project\n"


def test_in_a_clone_only_entries_this_machine_sealed_are_read(
    clone: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    """A planted article entry could give an article's sentences other names
    (a reading of the right shape passes every check), and verdicts judged
    on it would be sealed and outlive it. In a clone an entry is read only if
    this machine sealed it, so a planted one is read again from its source."""
    articles = clone / ".cache" / "explainer" / "articles"
    (entry,) = [p for p in articles.iterdir() if b'"report-007"' in p.read_bytes()]
    data = msgspec.json.decode(entry.read_bytes())
    reading = data[2]  # ["Reading", stems, names, figures, words, pronoun, complete]
    reading[2] = ["zzforged" for _ in reading[2]]  # every sentence names someone no other names
    entry.write_bytes(msgspec.json.encode(data))
    _add(clone)  # (a run with nothing changed reads no entry)
    planted = _generate(clone, run_cli)
    assert "1 cache entries were not valid: ignored" in str(planted["output"])
    other = clone / "sources" / "report-003.txt"  # (another article changed: a run that builds)
    other.write_text(other.read_text(encoding="utf-8").replace("cases", "reported cases", 1), encoding="utf-8")
    report = _generate(clone, run_cli)
    assert _outputs(clone) == _cold(clone, tmp_path, run_cli)
    assert report["claims"] == _generate(_fresh_copy(clone, tmp_path), run_cli)["claims"]


def _fresh_copy(project: Path, tmp_path: Path) -> Path:
    """A copy of the project with its sources and no state (not a clone)."""
    import shutil

    from tests.helpers import copy_project

    fresh = copy_project(tmp_path / "fresh")
    shutil.rmtree(fresh / "sources")
    shutil.copytree(project / "sources", fresh / "sources")
    return fresh


def test_explain_reads_the_cache_as_generate_does_and_writes_no_entry(
    clone: Path, run_cli: Callable[..., Result]
) -> None:
    """In a clone, ``explain`` believes only entries this machine sealed (a
    planted one is named in a note, as ``generate`` names it), and leaves no
    entry behind: one written without its seal would be refused by the next run."""
    articles = clone / ".cache" / "explainer" / "articles"
    (entry,) = [p for p in articles.iterdir() if b'"report-007"' in p.read_bytes()]
    data = msgspec.json.decode(entry.read_bytes())
    data[2][2] = ["zzforged" for _ in data[2][2]]  # (a reading of the right shape, not sealed)
    entry.write_bytes(msgspec.json.encode(data))
    _add(clone)
    before = sorted(p.name for p in articles.iterdir())
    result = run_cli("explain", "--root", clone, "sources/report-added.txt")
    assert result.exit_code == 0, result.output
    assert "1 cache entries were not valid: ignored" in result.stderr
    assert sorted(p.name for p in articles.iterdir()) == before
    entry.unlink()  # (the planted entry gone: the next run reads report-007 again and notes nothing)
    assert "not valid" not in str(_generate(clone, run_cli)["output"])
