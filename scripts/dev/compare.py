"""Cold ``explainer generate`` CPU time of several checkouts on the same articles.

    .venv/bin/python scripts/dev/compare.py /tmp/old /work/main . --articles 1000 --rounds 3

Each checkout (a git worktree, e.g. ``git worktree add /tmp/old 0e77acb``)
gets a project of its own configuration and site files with the same
benchmark articles (``benchmark.make_project`` from this checkout). The
checkouts then run one after the other, in rounds, each in a fresh process
with its own code and no cache; the child's CPU time is reported (best and
median: on a shared machine the figures move from round to round).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchmark

SITE_FILES = ("config", "docs", "overrides", "includes", "mkdocs.yml")


def project_for(checkout: Path, articles: Path, target: Path) -> Path:
    """``checkout``'s configuration and site files, with the ``articles``."""
    target.mkdir(parents=True)
    for name in SITE_FILES:
        source = checkout / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy2(source, target / name)
    shutil.copytree(articles, target / "sources")
    return target


def cold_cpu(checkout: Path, root: Path) -> float:
    """CPU seconds of one cold ``explainer generate`` with ``checkout``'s code."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(checkout / "scripts")}
    command = [sys.executable, "-c", "from explainer.cli import main; main()", "generate", "--root", str(root)]
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a full pipe would stop the child
        child = subprocess.Popen(command, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        if status != 0:
            errors.seek(0)
            raise SystemExit(f"{checkout}: generate failed: {errors.read().decode()[-500:]}")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = benchmark.make_project(Path(folder) / "made", options.articles)
        roots = [
            project_for(c.resolve(), base / "sources", Path(folder) / f"p{i}") for i, c in enumerate(options.checkouts)
        ]
        times: list[list[float]] = [[] for _ in options.checkouts]
        for round_ in range(options.rounds):
            for i, checkout in enumerate(options.checkouts):
                times[i].append(cold_cpu(checkout.resolve(), roots[i]))
                print(f"round {round_ + 1}: {checkout}: {times[i][-1]:.2f} s of CPU", flush=True)
        for checkout, seconds in zip(options.checkouts, times, strict=True):
            print(f"{checkout}: best {min(seconds):.2f} s, median {statistics.median(seconds):.2f} s")


if __name__ == "__main__":
    main()
