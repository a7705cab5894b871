"""Browser fixtures: the built site served over HTTP, Debian's Chromium, and
pages that fail the test on any request leaving 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.helpers import ROOT, load_script

serve = load_script("dev/site_server.py").serve

ARTIFACTS = ROOT / "test-artifacts"
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium: Playwright cannot download its own browser here."""
    return {"executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"), "args": LAUNCH_ARGS}


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site, served with gzip on a free port of 127.0.0.1."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def site_pages(built_site: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to its root URL."""
    pages = []
    for file in sorted(built_site.rglob("*.html")):
        rel = file.relative_to(built_site).as_posix()
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh context (own palette, viewport, storage). Any
    request to another host is blocked and fails the test at teardown."""
    contexts: list[BrowserContext] = []
    outside: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        scheme, host = urlsplit(url).scheme, urlsplit(url).hostname
        if scheme in ("data", "blob", "about") or host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    def make(*, init_script: str | None = None, **options: Any) -> Page:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        context.route("**/*", guard)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
