"""Preview: `mkdocs serve` regenerates pages when an article changes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(check, seconds: float) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if check():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


def test_editing_an_article_updates_the_preview(project: Path) -> None:
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project / "scripts")}  # its own copy of the code
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}", "-f", "mkdocs.yml"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/ip-tracking/"
    try:
        _wait_for(lambda: "Colin Wu" in _get(url), 60)
        source = project / "sources/china-crypto-crackdown.txt"
        source.write_text(source.read_text(encoding="utf-8").replace("Colin Wu", "Colin Wuxyz"), encoding="utf-8")
        elapsed = _wait_for(lambda: "Colin Wuxyz" in _get(url), 30)
        assert "Colin Wuxyz" in (project / "docs/ip-tracking.md").read_text(encoding="utf-8")
        assert elapsed < 15
        # An invalid edit: the preview keeps serving the last good pages, at
        # once (no request hangs), and the terminal names the file and line.
        topics = project / "config/topics.yml"
        good = topics.read_text(encoding="utf-8")
        topics.write_text(good.replace("min_matched_share: 0.25", "min_matched_share: 7"), encoding="utf-8")
        time.sleep(3)  # the rebuild after the edit
        started = time.monotonic()
        assert "Colin Wuxyz" in _get(url) and time.monotonic() - started < 5
        topics.write_text(good.replace("Legal outlook", "Legal outlook now"), encoding="utf-8")
        _wait_for(lambda: "Legal outlook now" in _get(url), 30)
        # A page template edited: the page shows it within a couple of seconds.
        template = project / "scripts/explainer/templates/topic.md.j2"
        template.write_text(template.read_text(encoding="utf-8") + "\nTemplate edited here.\n", encoding="utf-8")
        assert _wait_for(lambda: "Template edited here." in _get(url), 30) < 10
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    log = server.stderr.read().decode() if server.stderr else ""
    assert "config/topics.yml:" in log and "'min_matched_share' must be a number from 0 to 1" in log, log[-3000:]
    assert "(the preview shows the last good pages)" in log
