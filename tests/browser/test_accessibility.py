"""axe-core on every built page, in both palettes, plus what axe cannot see:
a skip link, visible keyboard focus and the page's landmarks."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules the issue asks for.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SCHEMES = {"light": "default", "dark": "slate"}


AXE = Axe()


def violations(page: Page) -> list[str]:
    """One line per failing rule and element: rule id, impact, selector."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.axe_script)
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    response = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(t) for t in node['target'])}: {node['failureSummary']}"
        for v in response["violations"]
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_no_wcag_violations(
    new_page: Callable[..., Page], site_url: str, site_pages: list[str], scheme: str
) -> None:
    page = new_page(color_scheme=scheme, init_script=AXE.axe_script)
    found: dict[str, list[str]] = {}
    for path in site_pages:
        page.goto(site_url + path)
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])
        if problems := violations(page):
            found[path or "/"] = problems
    assert len(site_pages) >= 8
    assert not found, "\n".join(f"{p}: {line}" for p, lines in found.items() for line in lines)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_open_search_and_phone_menu_have_no_violations(
    new_page: Callable[..., Page], site_url: str, scheme: str
) -> None:
    page = new_page(color_scheme=scheme)
    page.goto(site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("Colin Wu", delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    assert violations(page) == []
    phone = new_page(color_scheme=scheme, viewport={"width": 375, "height": 740}, is_mobile=True)
    phone.goto(site_url)
    phone.locator("label.md-header__button[for='__drawer']").click()
    expect(phone.locator("nav.md-nav--primary")).to_be_in_viewport()
    assert violations(phone) == []


def test_skip_link_focus_and_landmarks(new_page: Callable[..., Page], site_url: str, site_pages: list[str]) -> None:
    page = new_page()
    for path in site_pages:
        page.goto(site_url + path)
        for landmark in ("banner", "main", "navigation", "contentinfo"):
            assert page.get_by_role(landmark).count() >= 1, f"{path or '/'}: no {landmark} landmark"
        assert page.locator("img:not([alt])").count() == 0, f"{path or '/'}: image without alt text"
    page.goto(site_url)
    page.keyboard.press("Tab")
    skip = page.locator("a.md-skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    heading = page.locator("article h1").get_attribute("id") or ""
    expect(skip).to_have_attribute("href", re.compile(f"#{re.escape(heading)}$"))
    # Every link shows a visible focus indicator.
    page.keyboard.press("Tab")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.textDecorationLine]; })()"
    )
    outline_style, outline_width, shadow, decoration = style
    visible = (outline_style != "none" and outline_width != "0px") or shadow != "none" or "underline" in decoration
    assert visible, f"focused element has no visible focus style: {style}"
