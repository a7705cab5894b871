"""What a reader does on the built site, in Debian's Chromium over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

NAMES = ("Shanghai Telecom", "Colin Wu", "CBDC")


def topic_slugs(built_site: Path) -> list[str]:
    """Configured topics that have a page (the generator skips empty ones)."""
    topics = yaml.safe_load((built_site.parent / "config" / "topics.yml").read_text(encoding="utf-8"))["topics"]
    return [t["slug"] for t in topics if (built_site / t["slug"] / "index.html").is_file()]


def test_home_has_a_card_per_topic_leading_to_its_page(
    new_page: Callable[..., Page], site_url: str, built_site: Path
) -> None:
    slugs = topic_slugs(built_site)
    assert slugs
    page = new_page()
    page.goto(site_url)
    cards = page.locator(".md-typeset .grid.cards > ul > li")
    expect(cards).to_have_count(len(slugs))
    for index, slug in enumerate(slugs):
        page.goto(site_url)
        card = page.locator(".md-typeset .grid.cards > ul > li").nth(index)
        title = card.locator("a").first.inner_text()
        card.locator("a").first.click()
        expect(page).to_have_url(f"{site_url}{slug}/")
        expect(page.locator("article h1")).to_contain_text(title)


@pytest.mark.parametrize("name", NAMES)
def test_search_finds_a_name_and_opens_the_page(
    new_page: Callable[..., Page], site_url: str, built_site: Path, name: str
) -> None:
    page = new_page()
    page.goto(site_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(name, delay=20)
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    expect(results.first).to_be_visible()
    # The list is drawn again as each letter arrives: read it whole, once it holds still.
    hrefs = _settled(page, results)
    containing = [h for h in hrefs if name in _page_text(built_site, urlsplit(h).path)]
    assert containing, f"no result for {name!r} leads to a page containing it: {hrefs}"
    target = containing[0]
    results.nth(hrefs.index(target)).click()
    expect(page).to_have_url(re.compile("^" + re.escape(site_url.rstrip("/") + urlsplit(target).path)))
    expect(page.locator("article")).to_contain_text(name)


def _settled(page: Page, results: Locator) -> list[str]:
    """The results' links, read in one step, once two reads 200 ms apart agree."""
    read = "links => links.map(link => link.getAttribute('href') || '')"
    hrefs: list[str] = results.evaluate_all(read)
    for _ in range(25):
        page.wait_for_timeout(200)
        again: list[str] = results.evaluate_all(read)
        if again == hrefs:
            break
        hrefs = again
    return hrefs


def test_palette_toggle_switches_and_survives_reload(new_page: Callable[..., Page], site_url: str) -> None:
    page = new_page(color_scheme="light")
    page.goto(site_url)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    for _ in range(3):  # automatic -> light -> dark
        if body.get_attribute("data-md-color-scheme") == "slate":
            break
        page.locator("form[data-md-component='palette'] label:not([hidden])").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    dark_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark_background
    # and back to light, which also survives a reload
    while body.get_attribute("data-md-color-scheme") == "slate":
        page.locator("form[data-md-component='palette'] label:not([hidden])").click()
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "default")


def test_paragraph_link_lands_on_the_highlighted_source_paragraph(
    new_page: Callable[..., Page], site_url: str, built_site: Path
) -> None:
    slug = topic_slugs(built_site)[0]
    page = new_page(viewport={"width": 1280, "height": 700})
    page.goto(f"{site_url}{slug}/")
    link = page.locator("a.provenance").last
    number = int(link.inner_text().removeprefix("¶"))
    quoted = link.evaluate("a => a.parentElement.textContent")
    link.click()
    expect(page).to_have_url(re.compile(rf"#p{number}$"))
    paragraph = page.locator(f"#p{number}")
    expect(paragraph).to_be_in_viewport()
    expect(paragraph).to_have_class(re.compile("source-paragraph"))
    background = paragraph.evaluate("p => getComputedStyle(p).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the landed-on paragraph is not highlighted"
    first_words = quoted.split("¶")[0].split()[:6]
    expect(paragraph).to_contain_text(" ".join(first_words))


def test_phone_width_no_sideways_scroll_and_drawer_opens(
    new_page: Callable[..., Page], site_url: str, site_pages: list[str]
) -> None:
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    for path in site_pages:
        page.goto(site_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path or '/'} scrolls sideways by {overflow}px at 375px"
    page.goto(site_url)
    drawer = page.locator("nav.md-nav--primary")
    expect(drawer).not_to_be_in_viewport()
    page.locator("label.md-header__button[for='__drawer']").click()
    expect(page.locator("#__drawer")).to_be_checked()
    expect(drawer).to_be_in_viewport()
    expect(drawer.get_by_role("link", name="Background", exact=True)).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(new_page: Callable[..., Page], site_url: str, built_site: Path, scheme: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(color_scheme=scheme)
    for name, path in (("home", ""), ("topic", f"{topic_slugs(built_site)[0]}/")):
        page.goto(site_url + path)
        expected = "slate" if scheme == "dark" else "default"
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)
        target = ARTIFACTS / f"{name}-{scheme}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000


# Helper functions


def _page_text(built_site: Path, href: str) -> str:
    """The text of the built page a search result points to."""
    file = built_site / href.lstrip("/") / "index.html" if not href.endswith(".html") else built_site / href
    return re.sub(r"<[^>]+>", " ", file.read_text(encoding="utf-8")) if file.is_file() else ""


# Where a term's definition is drawn (its CSS ::after box), in the page's
# coordinates; None while it is not shown. The box of an absolutely placed
# pseudo-element is not in the DOM: its used top, left, width and height are,
# against its containing block (the term itself, or the content column when
# the term is static at narrow widths).
_DEFINITION_BOX = """e => {
  const s = getComputedStyle(e, '::after');
  if (s.content === 'none' || s.display === 'none' || s.visibility !== 'visible') return null;
  const block = getComputedStyle(e).position === 'static' ? e.closest('.md-content__inner') : e;
  const origin = block === e ? e.getClientRects()[0] : block.getBoundingClientRect();
  const lines = e.getClientRects();
  const top = s.top === 'auto' ? lines[lines.length - 1].bottom : origin.top + parseFloat(s.top);
  return {text: JSON.parse(s.content), left: origin.left + parseFloat(s.left), top: top,
          width: parseFloat(s.width), height: parseFloat(s.height), color: s.color, background: s.backgroundColor};
}"""


@pytest.mark.parametrize("half", [0, 1])
def test_glossary_terms_show_their_definition_on_hover_and_focus(
    new_page: Callable[..., Page], site_url: str, site_pages: list[str], built_site: Path, half: int
) -> None:
    """Every other page per half, so the two test workers share the work:
    at desktop width in the light palette (hover and focus), and at 375 px in
    the dark one (focus, as a tap gives). The definition must be drawn under
    the term, on top of the text there (the point below the term hits it),
    inside the screen (no sideways scroll), readable (contrast 4.5:1), and
    Escape must hide it. A term inside a link shows when the link has focus."""
    terms = _glossary_terms(built_site.parent)
    assert terms, "config/glossary.yml lists no terms"
    desktop = new_page(color_scheme="light")
    phone = new_page(color_scheme="dark", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    seen = 0
    for path in site_pages[half::2]:
        for page in (desktop, phone):
            page.goto(site_url + path)
            where = f"{path or '/'} at {page.viewport_size}"
            terms_here = page.locator(".md-content abbr[title]")
            definitions = [t or "" for t in terms_here.evaluate_all("es => es.map(e => e.title)")]
            # The prose our Markdown renders (not the theme's source credit or tag list).
            text = " ".join(page.locator("article :is(p, li):not(.source-credit *, .md-tags *)").all_inner_texts())
            if any(re.search(rf"\b{re.escape(t)}\b", text) for t in terms):
                assert definitions, f"{where} uses a glossary term but has no <abbr> definition"
            in_link = terms_here.evaluate_all("es => es.map(e => !!e.closest('a, summary'))")
            for index, title in enumerate(definitions):
                assert title.strip(), f"{where}: an <abbr> with an empty definition"
                if not in_link[index]:  # HTML allows no tabindex in a link: the link takes focus
                    expect(terms_here.nth(index)).to_have_attribute("tabindex", "0")
                assert terms_here.nth(index).evaluate(_DEFINITION_BOX) is None, f"{where}: a definition shows unasked"
            first = {title: definitions.index(title) for title in reversed(definitions)}
            last = {title: index for index, title in enumerate(definitions)}
            if page is desktop:
                for title, index in first.items():  # distinct texts: the check is unambiguous
                    _centre(terms_here.nth(index)).hover()
                    _assert_shown(page, terms_here.nth(index), title, where)
                page.mouse.move(0, 0)
            for title, index in last.items():
                term = _centre(terms_here.nth(index))
                control = term.locator("xpath=ancestor::*[self::a or self::summary][1]")
                (control if in_link[index] else term).focus()
                _assert_shown(page, term, title, where)
                seen += 1
            if definitions:
                page.keyboard.press("Escape")
                assert terms_here.nth(index).evaluate(_DEFINITION_BOX) is None, f"{where}: Escape does not hide it"
                _centre(terms_here.nth(index)).hover()
                _assert_shown(page, terms_here.nth(index), title, where)
    assert seen > 0


def _centre(term: Locator) -> Locator:
    """Scroll the term to the middle of the screen, so its definition fits below it."""
    term.evaluate("e => e.scrollIntoView({block: 'center'})")
    return term


def _assert_shown(page: Page, term: Locator, title: str, where: str) -> None:
    """The term's definition is drawn, on top, on screen and readable."""
    box = term.evaluate(_DEFINITION_BOX)
    assert box is not None, f"{where}: the definition of {term.inner_text()!r} does not show"
    assert box["text"] == title
    assert box["width"] > 50 and box["height"] > 10, f"{where}: {box}"
    centre = [box["left"] + box["width"] / 2, box["top"] + box["height"] / 2]
    hit = term.evaluate(
        "(e, [x, y]) => { const h = document.elementFromPoint(x, y);"
        " return h === e || (h && h.outerHTML.slice(0, 80)) }",
        centre,
    )
    assert hit is True, (
        f"{where}: the definition of {term.inner_text()!r} is covered by {hit} or not where it is drawn: {box}"
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where}: the definition of {term.inner_text()!r} pushes the page {overflow}px sideways"
    assert box["left"] >= 0 and box["left"] + box["width"] <= page.evaluate("document.documentElement.clientWidth")
    ratio = _contrast(box["color"], box["background"])
    assert ratio >= 4.5, f"{where}: definition text contrast {ratio:.2f}:1 ({box['color']} on {box['background']})"


def _contrast(foreground: str, background: str) -> float:
    """WCAG contrast of a CSS rgb()/rgba() colour over an opaque one."""

    def channels(color: str) -> list[float]:
        values = [float(v) for v in re.findall(r"[\d.]+", color)]
        return [*values[:3], values[3] if len(values) > 3 else 1.0]

    *back, _ = channels(background)
    *front, alpha = channels(foreground)
    mixed = [alpha * f + (1 - alpha) * b for f, b in zip(front, back, strict=True)]

    def luminance(rgb: list[float]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(mixed), luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _glossary_terms(project: Path) -> list[str]:
    """Every term and alias of the glossary, as the pages write them."""
    file = project / "config" / "glossary.yml"
    data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else {}
    return [name for entry in data.get("terms", []) for name in (entry["term"], *entry.get("aliases", []))]


def test_print_drops_navigation_and_keeps_source_links(
    new_page: Callable[..., Page], site_url: str, built_site: Path
) -> None:
    page = new_page()
    page.goto(f"{site_url}{topic_slugs(built_site)[0]}/")
    page.emulate_media(media="print")
    for chrome in ("header.md-header", ".md-sidebar--primary", "footer.md-footer"):
        expect(page.locator(chrome).first).to_be_hidden()
    link = page.locator("a.provenance").first
    expect(link).to_be_visible()
    printed = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert "sources/" in printed and "#p" in printed, printed
    page.emulate_media(media="screen")
    expect(page.locator("header.md-header")).to_be_visible()


def test_topic_tags_lead_to_the_tags_index(new_page: Callable[..., Page], site_url: str, built_site: Path) -> None:
    topics = yaml.safe_load((built_site.parent / "config" / "topics.yml").read_text(encoding="utf-8"))["topics"]
    page = new_page()
    page.goto(f"{site_url}tags/")
    listing = page.locator("article")
    for topic in topics:
        for tag in topic.get("tags", []):
            slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
            expect(listing.locator(f"[id='tag:{slug}']")).to_have_count(1)
    page.goto(f"{site_url}{topic_slugs(built_site)[0]}/")
    tag = page.locator(".md-tags .md-tag").first
    expect(tag).to_be_visible()
    name = tag.inner_text().strip()
    tag.click()
    expect(page).to_have_url(re.compile(r"/tags/#tag:"))
    expect(page.locator("article")).to_contain_text(name)


def test_home_page_weight_is_small(new_page: Callable[..., Page], site_url: str) -> None:
    """Bytes the browser transfers for the home page (gzip, cold cache), kept
    in test-artifacts/page-weight.json; a budget catches a heavy addition."""
    page = new_page()
    page.goto(site_url, wait_until="networkidle")
    entries = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".map(e => [e.name, e.transferSize, e.decodedBodySize])"
    )
    transferred = sum(size for _, size, _ in entries)
    assert all(size > 0 for _, size, _ in entries), [e for e in entries if e[1] <= 0]  # every byte counted
    ARTIFACTS.mkdir(exist_ok=True)
    report = {"url": site_url, "requests": len(entries), "transferred_bytes": transferred, "entries": entries}
    (ARTIFACTS / "page-weight.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    assert transferred < 200_000, f"home page transfers {transferred} bytes"
