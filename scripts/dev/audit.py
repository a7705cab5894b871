"""Lighthouse audit of the built site: home page and one topic page, mobile.

    python scripts/dev/audit.py [--site site] [--out test-artifacts/lighthouse]

Serves the site with gzip on 127.0.0.1 (as a static host would), runs the
pinned Lighthouse (node_modules) on Debian's Chromium, and writes each full
report plus summary.json with the four category scores (0-100) per page:
the median of three runs, as Lighthouse's own docs advise, since one run
varies with the machine's load (each run's one-minute load average is
printed and kept beside its scores, so a low figure can be told from a busy
machine).
Exit status 1 if a score is below its target.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import yaml
from site_server import serve  # beside this file: run as a script, its folder is on the path

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
    " --disable-component-update --disable-sync --disable-dev-shm-usage"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}


def first_topic(root: Path) -> str:
    """The first configured topic that has a page."""
    topics = yaml.safe_load((root / "config" / "topics.yml").read_text(encoding="utf-8"))["topics"]
    return str(topics[0]["slug"])


def lighthouse(url: str, report: Path) -> dict[str, float]:
    """Run Lighthouse (mobile, its default) on ``url``; return category scores
    0-100 and the machine's one-minute load average when the run began."""
    load = round(os.getloadavg()[0], 2)
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROMIUM", "/usr/bin/chromium")}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env=env,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    return {**{name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}, "load": load}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "lighthouse")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median score counts")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        print(f"error: {args.site}: no built site (run `make build`)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    pages = {"home": "", "topic": f"{first_topic(ROOT)}/"}
    summary: dict[str, dict[str, object]] = {}
    with serve(args.site) as base:
        for name, path in pages.items():
            runs = [lighthouse(base + path, args.out / f"{name}-{n}.json") for n in range(1, args.runs + 1)]
            scores = {c: int(statistics.median_low(r[c] for r in runs)) for c in CATEGORIES}
            summary[name] = {"path": "/" + path, "scores": scores, "runs": runs}
            print(f"{name:6} /{path:24} " + "  ".join(f"{k} {v}" for k, v in scores.items()))
            for number, run in enumerate(runs, 1):
                print(f"       run {number}: performance {run['performance']} at load {run['load']}")
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    low = [
        f"{name} {category} {value} < {TARGETS[category]}"
        for name, page in summary.items()
        for category, value in page["scores"].items()  # type: ignore[attr-defined]
        if value < TARGETS[category]
    ]
    for line in low:
        print(f"below target: {line}", file=sys.stderr)
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
