"""A run pauses Python's cycle collector over the build, and only over it."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from explainer import runner
from explainer.paths import Paths


@pytest.mark.parametrize("entry", ["generate", "check"])
def test_the_build_runs_with_the_collector_paused_and_leaves_it_on(
    project: Path, monkeypatch: pytest.MonkeyPatch, entry: str
) -> None:
    seen: list[bool] = []
    build = runner.build

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return build(*args, **kwargs)

    monkeypatch.setattr(runner, "build", watched)
    assert gc.isenabled()
    getattr(runner, entry)(Paths.of(project))
    assert seen == [False]  # each pass would walk the whole corpus in memory
    assert gc.isenabled()


def test_a_failed_build_leaves_the_collector_on(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: Any, **kwargs: Any) -> Any:
        raise runner.ExplainerError("no articles found")

    monkeypatch.setattr(runner, "build", failing)
    with pytest.raises(runner.ExplainerError):
        runner.generate(Paths.of(project))
    assert gc.isenabled()
