"""Valid, working HTML: the Nu HTML Checker on every page, and every internal
link and anchor in site/ resolves."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.helpers import ROOT

# The address the build was made for (mkdocs.yml: site_url).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000/")
ARTIFACTS = ROOT / "test-artifacts"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Errors the theme (Material for MkDocs 9.8.2) makes on every page, with the
# upstream reason. Filtered exactly; anything else is this project's.
THEME_ERRORS = {
    # Material puts autocomplete="off" on its hidden checkbox toggles (drawer,
    # search, palette) so Firefox does not restore their state on reload.
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, “email”, "
    "“hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.",
    # partials/nav-item.html writes tabindex="{{ tabindex }}", empty for the
    # section labels of navigation.sections.
    "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer.",
}


def vnu_errors(site: Path) -> list[dict[str, str]]:
    """Every error the Nu HTML Checker finds in the site's HTML."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker"
    assert VNU.is_file(), "run `npm ci` (make test does) to get vnu-jar"
    done = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json", str(site)],
        capture_output=True,
        text=True,
        check=False,
    )
    return [m for m in json.loads(done.stderr or done.stdout)["messages"] if m["type"] == "error"]


@pytest.mark.browser
def test_html_checker_finds_no_errors_of_ours(built_site: Path, tmp_path: Path) -> None:
    """One checker run (a JVM start is slow) over the site plus a planted bad
    page, which proves the filter lets real errors through."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    (site / "planted.html").write_text(
        '<!doctype html><html lang="en"><title>x</title><p tabindex="x">x</p></html>', encoding="utf-8"
    )
    errors = vnu_errors(site)
    planted = [e for e in errors if e["url"].endswith("/planted.html")]
    assert planted and all(e["message"] not in THEME_ERRORS for e in planted)
    ours = [e for e in errors if e["message"] not in THEME_ERRORS and e not in planted]
    theirs = {e["message"] for e in errors} - {e["message"] for e in ours + planted}
    ARTIFACTS.mkdir(exist_ok=True)
    counts = {m: sum(e["message"] == m for e in errors) for m in sorted(theirs)}
    summary = {"pages": len(list(built_site.rglob("*.html"))), "ours": len(ours), "theme": counts}
    (ARTIFACTS / "vnu.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert not ours, "\n".join(f"{e['url']}:{e.get('lastLine')}: {e['message']}" for e in ours)
    assert theirs <= THEME_ERRORS


class _Links(HTMLParser):
    """Collects a page's ids and the URLs it points to."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(str(values[key]))
        attr = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src"}.get(tag)
        if attr and values.get(attr):
            self.urls.append(str(values[attr]))


def broken_links(site: Path, site_url: str) -> list[str]:
    """Internal links (relative, or under ``site_url``) whose file or anchor is missing."""
    pages: dict[str, _Links] = {}
    for file in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(file.read_text(encoding="utf-8"))
        pages[file.relative_to(site).as_posix()] = parser
    broken = []
    for name, parser in pages.items():
        here = urljoin(site_url, name)
        for url in parser.urls:
            absolute = urljoin(here, url)
            if not absolute.startswith(site_url):
                continue  # another site, mailto:, data:, javascript:
            parts = urlsplit(absolute)
            path = unquote(parts.path[len(urlsplit(site_url).path) :])
            path = posixpath.normpath(path) if path else "."
            target = site / path
            if target.is_dir():
                target = target / "index.html"
                path = posixpath.join(path, "index.html").removeprefix("./")
            if not target.is_file():
                broken.append(f"{name}: {url} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in pages[path].ids:
                broken.append(f"{name}: {url} (no such anchor)")
    return broken


def test_no_broken_internal_link_or_anchor(built_site: Path) -> None:
    assert broken_links(built_site, SITE_URL) == []
    assert len(list(built_site.rglob("*.html"))) >= 8


def test_link_checker_sees_a_missing_anchor(built_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    home = site / "index.html"
    home.write_text(
        home.read_text(encoding="utf-8").replace("</article>", '<a href="sources/#nowhere">x</a></article>', 1),
        encoding="utf-8",
    )
    assert broken_links(site, SITE_URL) == ["index.html: sources/#nowhere (no such anchor)"]
