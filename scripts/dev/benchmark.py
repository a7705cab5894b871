"""Benchmark: generate and build sites of N made-up articles; report the costs.

    make bench                      # N = 10, 100, 1000
    .venv/bin/python scripts/dev/benchmark.py --sizes 10 100 --json out.json

For each N, a copy of the project gets N articles written from the word lists
below (varied lengths, shared topics, some off-topic, a few with subheadings,
dated across ten years). Then, each step in a fresh process:

1. ``explainer generate`` from cold (no cache): wall time and peak memory;
2. ``mkdocs build --strict`` of the result: wall time and peak memory;
3. ``explainer generate`` again, nothing changed: wall time, files rewritten;
4. one article added, ``explainer generate``: wall time, files written;
5. the floor to compare with: stock Material (search plugin only) building a
   plain site with every article's text twice (once as it would be quoted on
   the topic pages, once as its Source page): build time and search index.

Ratios are taken within one run, so a busy machine moves both sides:
``make build`` (generate + build) against the plain build, the search index
against the plain site's, adding one article against a run with nothing
changed (CPU time; the median of three pairs, each measured back to back
from the same state: see :func:`add_one_rounds`). The largest HTML page is
reported too, and from the first run's report, the claims found
(:mod:`explainer.claims`) and the sentences merged into them.

Peak memory is the child's maximum resident set size (``os.wait4``). The text
is nonsense assembled from lists, not copied from anywhere.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COPY = ("config", "docs", "overrides", "includes", "scripts", "mkdocs.yml")

# Word lists (ours). Topic phrases match config/topics.yml, so the articles
# spread over every topic page; the off-topic lists make some articles fail
# to fit, so they get pages of their own.
PEOPLE = [
    "a provincial official",
    "an analyst in Shenzhen",
    "a miner in Sichuan",
    "a lawyer in Beijing",
    "a researcher",
    "a trader",
    "an exchange operator",
    "a regional regulator",
    "a telecom engineer",
]
PLACES = ["Sichuan", "Inner Mongolia", "Xinjiang", "Yunnan", "Hebei", "Qinghai", "Gansu", "Guangdong"]
TOPIC_PHRASES = [
    "the crackdown on mining rigs",
    "the ban on every crypto transaction",
    "new guidelines from the central bank",
    "an IP address flagged by the telecom",
    "tracking by the internet service provider",
    "a leaked document",
    "a law that could punish miners",
    "the legal status of crypto",
    "a court ruling on mining",
    "the digital yuan",
    "the central bank digital currency",
    "the e-CNY pilots",
    "the government's stance",
    "measures to relocate a mining farm",
    "what the judiciary may decide",
    "the history of the ban",
]
OFF_TOPIC = [
    "the rice harvest",
    "a new high-speed rail line",
    "the spring festival travel rush",
    "a museum reopening",
    "the price of pork",
    "a football league final",
    "river flood defences",
    "a tea market",
    "the school holidays",
    "a panda cub at the zoo",
]
VERBS = ["said", "noted", "argued", "warned", "explained", "wrote", "told reporters", "suggested"]
LINKS = ["because of", "despite", "after", "ahead of", "in response to", "alongside", "without waiting for"]
FILLER = [
    "prices moved sharply over the week",
    "the numbers were not made public",
    "several firms declined to comment",
    "the figures could not be verified",
    "officials gave no timetable",
    "the details remain unclear",
    "local media reported a rise in inquiries",
    "smaller operators were hit hardest",
]
HEADINGS = ["What happened", "Why it matters", "The reaction", "What comes next", "Numbers", "Background"]


def sentence(rng: random.Random, on_topic: bool) -> str:
    subject = rng.choice(TOPIC_PHRASES if on_topic else OFF_TOPIC)
    other = rng.choice(TOPIC_PHRASES if on_topic and rng.random() < 0.5 else OFF_TOPIC)
    shape = rng.randrange(4)
    if shape == 0:
        text = f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} that {subject} matters in {rng.choice(PLACES)}"
    elif shape == 1:
        text = f"{subject} came {rng.choice(LINKS)} {other}, and {rng.choice(FILLER)}"
    elif shape == 2:
        text = f"In {rng.choice(PLACES)}, {rng.choice(FILLER)} {rng.choice(LINKS)} {subject}"
    else:
        text = f"{rng.choice(FILLER)}, {rng.choice(PEOPLE)} {rng.choice(VERBS)}, pointing to {subject}"
    tail = f" in {rng.randrange(2012, 2025)}" if rng.random() < 0.1 else ""  # a dated sentence now and then
    return f"{text[0].upper()}{text[1:]}, with {rng.randrange(2, 900)} cases{tail}."


def article(rng: random.Random, number: int) -> str:
    on_topic = rng.random() < 0.9
    published = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
    paragraphs = rng.choice([3, 6, 10, 20, 40])
    lines = [
        "---",
        f"title: Generated report number {number}",
        "publisher: Benchmark Wire (generated)",
        f"published: {published.isoformat()}",
        "---",
        "",
    ]
    headed = rng.random() < 0.3
    for i in range(paragraphs):
        if headed and i % 5 == 0:
            lines += [rng.choice(HEADINGS), ""]
        lines += [" ".join(sentence(rng, on_topic) for _ in range(rng.randint(2, 6))), ""]
    return "\n".join(lines)


def make_project(target: Path, count: int, seed: int = 7) -> Path:
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    # Byte-compiled as a maintainer's copy is after its first run, whatever
    # PYTHONDONTWRITEBYTECODE says here: else every run compiles the package
    # again (a tenth of a second), on both sides of each ratio.
    compileall.compile_dir(target / "scripts", quiet=1)
    # A maintainer's project is a clone: its runs keep sealed state (explainer.seal).
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    sources = target / "sources"
    sources.mkdir()
    rng = random.Random(seed)
    for number in range(count):
        (sources / f"report-{number:05d}.txt").write_text(article(rng, number), encoding="utf-8")
    return target


def run(command: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall time (s), peak resident memory (MiB) and CPU time (s) of one child
    process. CPU time is the steadier figure on a busy machine."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(cwd / "scripts")}
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"benchmark: {' '.join(command)} failed:\n{errors.decode(errors='replace')[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime  # ru_maxrss is in KiB on Linux


PLAIN_CONFIG = "site_name: Plain\ntheme:\n  name: material\nplugins:\n  - search\n"


def plain_site(project: Path, work: Path) -> tuple[float, float, int]:
    """Stock Material on every article's text twice: build CPU time (s),
    search index size (bytes) and the largest page (bytes)."""
    plain = work / f"{project.name}-plain"
    docs = plain / "docs"
    docs.mkdir(parents=True)
    (plain / "mkdocs.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
    (docs / "index.md").write_text("# Plain\n", encoding="utf-8")
    for source in sorted((project / "sources").glob("*.txt")):
        text = source.read_text(encoding="utf-8").split("---\n", 2)[-1]
        for copy in ("quoted", "source"):
            (docs / f"{source.stem}-{copy}.md").write_text(f"# {source.stem} ({copy})\n\n{text}", encoding="utf-8")
    _, _, cpu = run([str(BIN / "mkdocs"), "build", "-q", "-d", str(plain / "site")], plain)
    index = (plain / "site/search/search_index.json").stat().st_size
    return cpu, index, largest_page(plain / "site")


def largest_page(site: Path) -> int:
    return max((p.stat().st_size for p in site.rglob("*.html")), default=0)


def mtimes(docs: Path) -> dict[str, int]:
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}


ADDED = "report-added.txt"  # the article an add-one run adds, in sources/


def add_one_rounds(project: Path, generate: list[str], text: str, rounds: int) -> list[tuple[float, float]]:
    """CPU seconds of a run with nothing changed and of adding one article,
    ``rounds`` times, each pair measured back to back (on a busy machine a
    single pair's ratio moves by a third): the added article is taken out
    and the project generated again before each pair, so every pair starts
    from the same state. The project is left with the article added."""
    added = project / "sources" / ADDED
    pairs = []
    for _ in range(rounds):
        added.unlink()
        run(generate, project)
        _, _, no_op = run(generate, project)
        added.write_text(text, encoding="utf-8")
        _, _, add = run(generate, project)
        pairs.append((no_op, add))
    return pairs


def measure(count: int, work: Path, rounds: int = 3) -> dict[str, object]:
    project = make_project(work / f"n{count}", count)
    docs = project / "docs"
    # The project's own copy of the package (PYTHONPATH below), not whatever is installed.
    generate = [sys.executable, "-m", "explainer.cli", "generate", "--root", str(project), "-q"]
    report = work / f"n{count}-report.json"
    gen_s, gen_mb, gen_cpu = run([*generate, "--report", str(report)], project)
    found = json.loads(report.read_text(encoding="utf-8")).get("claims", {})  # explainer.claims.report
    build_s, build_mb, build_cpu = run([str(BIN / "mkdocs"), "build", "--strict", "-d", str(project / "site")], project)
    before = mtimes(docs)
    rerun_s, _, rerun_cpu = run(generate, project)
    after = mtimes(docs)
    rewritten = sorted(p for p in after if before.get(p) != after[p])
    added_text = article(random.Random(count), 99_999)
    (project / "sources" / ADDED).write_text(added_text, encoding="utf-8")
    add_s, _, add_cpu = run(generate, project)
    added = mtimes(docs)
    touched = sorted(p for p in added if after.get(p) != added[p])
    pairs = [(rerun_cpu, add_cpu), *add_one_rounds(project, generate, added_text, rounds - 1)]
    median = sorted(pairs, key=lambda pair: pair[1] / pair[0])[len(pairs) // 2]  # the pair of the median ratio
    pages = sum(1 for p in docs.rglob("*.md"))
    index = project / "site" / "search" / "search_index.json"
    plain_cpu, plain_index, _ = plain_site(project, work)
    return {
        "make_build_vs_plain": round((gen_cpu + build_cpu) / plain_cpu, 2),
        "search_index_vs_plain": round(index.stat().st_size / plain_index, 2),
        "add_one_vs_no_op": round(median[1] / median[0], 2),  # the median of the rounds' ratios
        "add_one_vs_no_op_rounds": [round(add / no_op, 2) for no_op, add in pairs],
        "add_one_cpu_s_rounds": [round(add, 2) for _, add in pairs],
        "rerun_cpu_s_rounds": [round(no_op, 2) for no_op, _ in pairs],
        "largest_page_kib": round(largest_page(project / "site") / 1024),
        "claims": found.get("claims", 0),
        "claims_merged": found.get("merged", 0),  # sentences folded into another's wording
        "claims_conflicts": found.get("conflicts", 0),
        "plain_build_cpu_s": round(plain_cpu, 2),
        "articles": count,
        "pages": pages,
        "generate_s": round(gen_s, 2),
        "generate_peak_mib": gen_mb,
        "mkdocs_build_s": round(build_s, 2),
        "mkdocs_peak_mib": build_mb,
        "ratio": round(gen_s / build_s, 3),
        "generate_cpu_s": round(gen_cpu, 2),
        "mkdocs_build_cpu_s": round(build_cpu, 2),
        "cpu_ratio": round(gen_cpu / build_cpu, 3),
        "rerun_s": round(rerun_s, 2),
        "rerun_cpu_s": round(median[0], 2),  # (of the pair of the median ratio; wall time: the first)
        "rerun_files_rewritten": len(rewritten),
        "add_one_s": round(add_s, 2),
        "add_one_cpu_s": round(median[1], 2),
        "add_one_files_written": len(touched),
        "search_index_mib": round(index.stat().st_size / 2**20, 2),
        "site_mib": round(sum(p.stat().st_size for p in (project / "site").rglob("*") if p.is_file()) / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (path is printed)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="no-op and add-one pairs measured (the median ratio is reported)"
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    work = Path(tempfile.mkdtemp(prefix="explainer-bench-"))
    rows = []
    try:
        for count in args.sizes:
            rows.append(measure(count, work, args.rounds))
            print(json.dumps(rows[-1]), file=sys.stderr)
    finally:
        if args.keep:
            print(f"projects kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


def table(rows: list[dict[str, object]]) -> str:
    """Markdown table; "wall (CPU)" seconds for each step."""
    head = (
        "| N | pages | generate s | mkdocs build s | ratio | peak MiB (gen / build) | no-change rerun s "
        "| files rewritten | add one s | files written | search index MiB | make build / plain "
        "| index / plain | add one / no-op | largest page KiB | claims (merged) |"
    )
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for r in rows:
        lines.append(
            f"| {r['articles']} | {r['pages']} | {r['generate_s']} ({r['generate_cpu_s']}) "
            f"| {r['mkdocs_build_s']} ({r['mkdocs_build_cpu_s']}) | {r['ratio']} ({r['cpu_ratio']}) "
            f"| {r['generate_peak_mib']} / {r['mkdocs_peak_mib']} | {r['rerun_s']} ({r['rerun_cpu_s']}) "
            f"| {r['rerun_files_rewritten']} | {r['add_one_s']} ({r['add_one_cpu_s']}) | {r['add_one_files_written']} "
            f"| {r['search_index_mib']} | {r['make_build_vs_plain']} | {r['search_index_vs_plain']} "
            f"| {r['add_one_vs_no_op']} | {r['largest_page_kib']} | {r['claims']} ({r['claims_merged']}) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
