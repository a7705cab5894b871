"""Saved web pages as sources: main text and metadata via trafilatura; menus,
comments, footers and cookie banners never reach the site; a sidecar file
overrides what the page says about itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from explainer.errors import ExplainerError
from explainer.ingest import ingest
from tests.helpers import FIXTURES, ROOT, mkdocs_build, snapshot

PAGE = FIXTURES / "html" / "night-ferry.html"
CLUTTER = [
    "cookies",
    "manage preferences",
    "Sport",
    "Weather",
    "Comments",
    "Finally! Lovely to have the late boat back",
    "Ticket prices are still far too high",
    "All rights reserved",
    "Subscribe to our newsletter",
    "Privacy policy",
]
# Phrases of the page's clutter that no page of the site may show (single words
# such as "Sport" could be the theme's own).
SITE_CLUTTER = [c for c in CLUTTER if " " in c]


def test_main_text_and_metadata_are_extracted() -> None:
    doc = ingest("sources/night-ferry.html", PAGE.read_bytes())
    assert doc.format == "markdown"
    assert doc.meta.title == "Night Ferry Returns to the Island Route"
    assert doc.meta.publisher == "Sample Coast News"
    assert doc.meta.author and "Fictional" in doc.meta.author
    assert doc.meta.published == date(2025, 5, 6)
    assert doc.meta.url == "https://news.example.org/2025/05/night-ferry"
    assert "## What changes for passengers" in doc.body
    assert "The overnight ferry to the outer island will sail again from June" in doc.body
    for clutter in CLUTTER:
        assert clutter not in doc.body, clutter


def test_a_sidecar_overrides_what_the_page_says() -> None:
    sidecar = b"title: The Late Boat Is Back\npublisher: Island Post\npublished: 2025-05-07\n"
    doc = ingest("sources/night-ferry.html", PAGE.read_bytes(), ("sources/night-ferry.yml", sidecar))
    assert doc.meta.title == "The Late Boat Is Back"
    assert doc.meta.publisher == "Island Post"
    assert doc.meta.published == date(2025, 5, 7)
    assert doc.meta.url == "https://news.example.org/2025/05/night-ferry"  # not overridden: kept


def test_a_page_without_article_text_is_an_error() -> None:
    html = b"<html><body><nav><a href='/'>Home</a></nav><footer>All rights reserved</footer></body></html>"
    with pytest.raises(ExplainerError, match="no article text found"):
        ingest("sources/empty.html", html)


def test_the_built_site_has_the_article_and_none_of_the_clutter(project: Path, run_cli: Callable[..., Result]) -> None:
    shutil.copy(PAGE, project / "sources" / "night-ferry.htm")  # .htm works as well as .html
    result = run_cli("generate", "--root", project)
    assert result.exit_code == 0, result.output
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    site = project / "site"
    source = (site / "sources/night-ferry/index.html").read_text(encoding="utf-8")
    assert "Island businesses said the gap cost them weekend visitors" in source
    assert "Sample Coast News" in source
    assert "https://news.example.org/2025/05/night-ferry" in source
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for clutter in SITE_CLUTTER:
            assert clutter not in text, (page, clutter)
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    assert "Ticket prices are still far too high" not in index


def test_bad_html_leaves_docs_unchanged(project: Path, run_cli: Callable[..., Result]) -> None:
    before = snapshot(project / "docs")
    (project / "sources" / "menu-only.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    result = run_cli("generate", "--root", project)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "menu-only.html" in result.stderr and "no article text found" in result.stderr
    assert snapshot(project / "docs") == before


def test_trafilatura_is_only_imported_for_html() -> None:
    code = (
        "import sys; sys.path.insert(0, 'scripts');"
        "from pathlib import Path; from explainer.pipeline import build, load_project;"
        "r = Path('.'); build(load_project(r, r / 'sources', r / 'config/topics.yml', r / 'config/boilerplate.yml'));"
        "print('trafilatura' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
