"""The benchmark's add-one rounds: each pair of runs (nothing changed, then one
article added) starts from the same state, so the median of their ratios is
a fair figure on a busy machine (scripts/dev/benchmark.py)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from tests.helpers import load_script


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_each_round_takes_the_article_out_and_adds_it_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    benchmark = load_script("dev/benchmark.py")
    project = benchmark.make_project(tmp_path / "project", 3)
    generate = [sys.executable, "-m", "explainer.cli", "generate", "--root", str(project), "-q"]
    benchmark.run(generate, project)
    without = _files(project / "docs")
    text = benchmark.article(random.Random(3), 99_999)
    added = project / "sources" / benchmark.ADDED
    added.write_text(text, encoding="utf-8")
    benchmark.run(generate, project)
    with_one = _files(project / "docs")
    assert with_one != without and any("report-added" in path for path in with_one)

    seen: list[tuple[bool, bool]] = []  # per run: the article there before it, and the docs without it after it
    measured = benchmark.run

    def run(command: list[str], cwd: Path) -> tuple[float, int, float]:
        there = added.exists()
        result = measured(command, cwd)
        seen.append((there, _files(project / "docs") == without))
        return result

    monkeypatch.setattr(benchmark, "run", run)
    pairs = benchmark.add_one_rounds(project, generate, text, 2)

    # Each round: generated without it (the pages as before it), the no-op, then the add-one.
    assert seen == [(False, True), (False, True), (True, False)] * 2
    assert len(pairs) == 2 and all(no_op > 0 and add > 0 for no_op, add in pairs)
    assert added.read_text(encoding="utf-8") == text  # left with the article added ...
    assert _files(project / "docs") == with_one  # ... and its pages as the first add-one made them


def test_a_benchmark_project_runs_byte_compiled_code(tmp_path: Path) -> None:
    """Every module of the project's package has current bytecode, whatever
    PYTHONDONTWRITEBYTECODE says: a run does not compile the package again,
    as a maintainer's run after the first does not."""
    import importlib.util

    benchmark = load_script("dev/benchmark.py")
    project = benchmark.make_project(tmp_path / "project", 1)
    modules = sorted((project / "scripts" / "explainer").glob("*.py"))
    assert modules
    for module in modules:
        compiled = Path(importlib.util.cache_from_source(str(module)))
        header = compiled.read_bytes()[:16]
        assert header[:4] == importlib.util.MAGIC_NUMBER, module.name
        # (unchecked-hash flags 0, then the source's mtime and size: what the import system compares)
        assert int.from_bytes(header[8:12], "little") == int(module.stat().st_mtime) & 0xFFFFFFFF, module.name
        assert int.from_bytes(header[12:16], "little") == module.stat().st_size & 0xFFFFFFFF, module.name
