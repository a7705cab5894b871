"""Where the time of one run goes: `explainer generate` in process, each
pipeline stage timed (wall seconds, a stage's time includes the stages it
calls).

    python scripts/dev/stages.py PROJECT [--add]

PROJECT is a project folder with its own `scripts/` (a benchmark project:
`scripts/dev/benchmark.py` makes them); with --add, one more benchmark
article is written into its sources first, so the run is an add-one run.
Used by `scripts/dev/addone.sh`; for the figures themselves, `make bench`.
"""

from __future__ import annotations

import argparse
import functools
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = [  # (module, function): the stages of explainer.pipeline.build, and what a run does around it
    ("runner", "load"),
    ("cache", "ArticleCache.get_many"),
    ("pipeline", "find_duplicates"),
    ("pipeline", "classify_sound"),
    ("guides", "timeline_of"),
    ("pipeline", "corpus"),
    ("claims", "find_claims"),
    ("claims", "_sentences"),
    ("claims", "_weigh"),
    ("claims", "_links"),
    ("claims", "_cluster"),
    ("grouping", "group"),  # the grouping from scratch ...
    ("grouping", "regroup"),  # ... or replayed from the last run's
    ("claims", "_assemble_shown"),
    ("pipeline", "render_site"),
    ("render", "topic_plan"),
    ("reading", "home_brief"),
    ("pagecache", "PageCache.page"),
    ("guides", "build"),
    ("write", "plan"),
    ("write", "apply"),
    ("pagecache", "PageCache.save"),
]


def timed(owner: Any, name: str, label: str, times: dict[str, float]) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times[label] = times.get(label, 0.0) + time.perf_counter() - start

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--add", action="store_true", help="write one more benchmark article first")
    args = parser.parse_args()
    root = args.project.resolve()
    sys.path[:0] = [str(root / "scripts"), str(root / "scripts" / "dev")]
    import importlib

    from explainer import cli

    if args.add:
        benchmark = importlib.import_module("benchmark")
        article = benchmark.article(random.Random(len(list((root / "sources").glob("*.txt")))), 99_999)
        (root / "sources" / "report-added.txt").write_text(article, encoding="utf-8")
    times: dict[str, float] = {}
    for module, name in STAGES:
        owner: Any = importlib.import_module(f"explainer.{module}")
        *classes, function = name.split(".")
        for cls in classes:
            owner = getattr(owner, cls)
        timed(owner, function, f"{module}.{name}", times)
    start, cpu = time.perf_counter(), time.process_time()
    cli.main(["generate", "--root", str(root), "-q"], standalone_mode=False)
    print(f"run: {time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
    for label, seconds in sorted(times.items(), key=lambda item: -item[1]):
        print(f"{seconds:7.2f}  {label}")


if __name__ == "__main__":
    main()
