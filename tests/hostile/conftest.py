"""Launch arguments for Debian's Chromium, for the browser check of this folder
(the same as tests/browser/, kept here so the corpus does not depend on it)."""

from __future__ import annotations

import os
from typing import Any

import pytest

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Playwright cannot download a browser here: use /usr/bin/chromium."""
    return {"executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"), "args": LAUNCH_ARGS}
