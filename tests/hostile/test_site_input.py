"""What MkDocs reads by itself, attacked: hand-written pages and their front
matter, navigation files, static files, symbolic links and snippets in docs/
and includes/, and the built pages' last line of defence (the guard).

The rules are tested where they are made (fast, one case each: siteinput's
check before a build, guard's scan of a built page), and two strict builds
show them wired into MkDocs: one with tricky input that must build and stay
text, one refused before MkDocs empties its site folder, in one line.
"""

from __future__ import annotations

import html.parser
import json
import time
import types
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import markdown
import pytest
from mkdocs.exceptions import PluginError
from mkdocs.utils import meta

from explainer import guard, siteinput
from explainer.errors import ExplainerError
from tests.helpers import copy_project, load_script, mkdocs_build

mkdocs_hooks = load_script("hooks/explainer_hooks.py")

Setup = Callable[[Path], None]
OWN = {"stylesheets/extra.css", "javascripts/glossary.js"}


def _write(relative: str, text: str) -> Setup:
    def setup(root: Path) -> None:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")

    return setup


def _link(relative: str, to: str) -> Setup:
    def setup(root: Path) -> None:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).symlink_to(to)

    return setup


def _page(front: str, body: str = "# A page\n\nText.\n") -> str:
    return f"---\n{front}\n---\n{body}"


BOMB = 'a: &a ["x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nauthor: *b'

# name -> (set-up in a project with docs/ and includes/, what the one line says)
REFUSED: dict[str, tuple[Setup, str]] = {
    # Front matter keys the theme reads as templates, file names or raw HTML.
    "redirect template": (
        _write("docs/r.md", _page('template: redirect.html\nlocation: "\\",alert(1),\\""')),
        "docs/r.md:2: front matter key 'template' is not one this site reads",
    ),
    "author printed raw in a meta tag": (
        _write("docs/a.md", _page('author: "x\\"><script>alert(1)</script>"')),
        "docs/a.md:2: front matter key 'author'",
    ),
    "nav subtitle": (_write("docs/s.md", _page("subtitle: <script>alert(1)</script>")), "key 'subtitle'"),
    "status class": (
        _write("docs/s.md", _page('title: T\nstatus: x"><script>')),
        "docs/s.md:3: front matter key 'status'",
    ),
    "icon path": (_write("docs/i.md", _page("icon: ../../../../etc/passwd")), "key 'icon'"),
    "front matter with CR LF line ends": (
        _write("docs/r.md", "---\r\nauthor: x\r\n---\r\n# R\r\n"),
        "docs/r.md:2: front matter key 'author'",
    ),
    "front matter with CR line ends": (_write("docs/r.md", "---\rauthor: x\r---\r# R\r"), "docs/r.md:2: front"),
    "front matter without dashes": (
        _write("docs/m.md", "template: redirect.html\n\n# Title\n"),
        "docs/m.md: front matter key 'template'",
    ),
    "description opens a meta refresh": (
        _write("docs/d.md", _page('description: "0;url=https://evil.example\\" http-equiv=\\"refresh"')),
        "docs/d.md:2: front matter 'description' holds a double quote",
    ),
    "title with markup": (_write("docs/t.md", _page("title: <img src=x>")), "front matter 'title' holds < or >"),
    "tag with markup": (_write("docs/t.md", _page("tags: [ok, <b>]")), "front matter 'tags' tag holds < or >"),
    "title too long": (_write("docs/t.md", _page("title: " + "T" * 5001)), "'title' is over 5,000 characters"),
    "tags not a list": (_write("docs/t.md", _page("tags: 5")), "'tags' is not a list of tags"),
    "hide not a list": (_write("docs/h.md", _page("hide: 5")), "'hide' must be a list of"),
    "search not a mapping": (_write("docs/h.md", _page("search: nope")), "'search' must be a mapping"),
    "sources of the wrong shape": (_write("docs/h.md", _page("sources: 5")), "'sources' must be a list"),
    "edit path leading out": (_write("docs/h.md", _page("edit_path: ../../etc")), "not a plain relative path"),
    "alias bomb in front matter": (_write("docs/b.md", _page(BOMB)), "docs/b.md:3: YAML aliases"),
    "deep nesting in front matter": (_write("docs/n.md", _page("tags: " + "[" * 60 + "]" * 60)), "nested more"),
    "tags listing naming a template": (
        _write("docs/t.md", '# Tags\n\n<!-- material/tags { layout: "../../x" } -->\n'),
        "docs/t.md:3: a tags listing with settings: refused",
    ),
    # Navigation files (awesome-nav).
    "script in a navigation title": (
        _write("docs/.nav.yml", 'nav:\n  - "<script>alert(1)</script>": index.md\n'),
        "docs/.nav.yml:2: navigation entry '<script>alert(1)</script>' holds < or >",
    ),
    "javascript link in navigation": (
        _write("docs/sub/.nav.yml", 'nav:\n  - Home: index.md\n  - "Evil": "javascript:alert(1)"\n'),
        "docs/sub/.nav.yml:3: navigation entry 'javascript:alert(1)' is a javascript: address",
    ),
    "alias bomb in navigation": (
        _write("docs/.nav.yml", "a: &a [x.md, x.md]\nb: &b [*a, *a]\nnav: *b\n"),
        "docs/.nav.yml:2: YAML aliases",
    ),
    # Static files: published as they are, on the site's address.
    "HTML file": (_write("docs/evil.html", "<script>alert(1)</script>"), "docs/evil.html: is not a page or a picture"),
    "SVG file": (_write("docs/x.svg", "<svg><script>alert(1)</script></svg>"), "docs/x.svg: is not a page"),
    "theme asset replaced": (
        _write("docs/assets/javascripts/bundle.a5f9d56c.min.js", "alert(1)"),
        "docs/assets/javascripts/bundle.a5f9d56c.min.js: is not a page",
    ),
    "a page MkDocs would copy as it is": (_write("docs/raw.MD", "<script>x</script>"), "docs/raw.MD: is not a"),
    "custom domain file": (_write("docs/CNAME", "evil.example"), "docs/CNAME: is not a page"),
    # File kinds and names.
    "page links outside": (_link("docs/leak.md", "/etc/passwd"), "docs/leak.md: is a symbolic link leading outside"),
    "picture links outside": (_link("docs/leak.png", "/etc/hostname"), "docs/leak.png: is a symbolic link leading"),
    "snippet links outside": (_link("includes/leak.md", "/etc/passwd"), "includes/leak.md: is a symbolic link leading"),
    "snippet links into .git": (
        lambda root: (_write(".git/config", "[remote]")(root), _link("includes/git.md", "../.git/config")(root)),
        "includes/git.md: is a symbolic link into a hidden folder",
    ),
    "folder link loops": (_link("docs/loop", ".."), "docs/loop: is a symbolic link to a folder"),
    "link to nothing": (_link("docs/gone.png", "nothing.png"), "docs/gone.png: is a symbolic link to a folder or"),
    "folder link to /": (_link("docs/.hidden", "/"), "docs/.hidden: is a symbolic link leading outside"),
    "folder name with markup": (
        _write('docs/<iframe srcdoc="x">/a.md', "# A\n"),
        "file name holds control or invisible characters, < or >",
    ),
    "file name with a terminal escape": (_write("docs/a\x1b[2J.md", "# A\n"), "holds control or invisible"),
    "page name with a bidirectional override": (
        _write("docs/report\u202egpj.md", "# A\n"),
        "docs/report\u202egpj.md: file name holds control or invisible characters",
    ),
    "page too big": (
        lambda root: (root / "docs/big.md").write_bytes(b"x" * 20_000_001),
        "docs/big.md: is larger than the limit of 20,000,000 bytes",
    ),
    # Nesting: Python-Markdown parses it by recursion, and a few hundred levels
    # ended the build with a RecursionError traceback.
    "md_in_html blocks 500 deep": (
        _write("docs/deep.md", "# Deep\n\n" + "<div markdown>\n\n" * 500 + "x\n\n" + "</div>\n\n" * 500),
        "docs/deep.md:67: HTML elements nested more than 32 deep: refused",
    ),
    "md_in_html blocks after front matter": (
        _write("docs/deep.md", _page("title: T", "<details markdown>" * 33 + "x" + "</details>" * 33 + "\n")),
        "docs/deep.md:4: HTML elements nested more than 32 deep",
    ),
    "block quotes 40 deep": (_write("docs/q.md", "# Q\n\n" + "> " * 40 + "x\n"), "docs/q.md:3: block quotes, lists"),
    "block quotes without spaces": (_write("docs/q.md", "# Q\n\n" + ">" * 300 + "x\n"), "nested 300 deep"),
    "lists nested by indentation": (
        _write("docs/l.md", "# L\n\n" + "".join("    " * i + "- x\n" for i in range(300))),
        "docs/l.md:35: block quotes, lists or indentation nested 33 deep",
    ),
    "lists nested by tabs": (
        _write("docs/l.md", "".join("\t" * i + "1. x\n" for i in range(40))),
        "docs/l.md:33: block quotes, lists or indentation nested 33 deep",
    ),
    "lists nested on one line": (_write("docs/l.md", "- " * 500 + "x\n"), "docs/l.md:1: block quotes, lists"),
    "admonitions nested": (
        _write("docs/a.md", "".join("    " * i + "!!! note\n" for i in range(40))),
        "docs/a.md:34: block quotes, lists or indentation nested 33 deep",
    ),
    "folders nested 40 deep": (
        _write("docs/" + "a/" * 40 + "x.md", "# X\n"),
        "docs/" + "a/" * 32 + "a: folders nested",
    ),
    "a snippet nested deep": (
        _write("includes/deep.md", "<div markdown>\n" * 500 + "x\n" + "</div>\n" * 500),
        "includes/deep.md:33: HTML elements nested more than 32 deep",
    ),
    # Control and invisible characters: they hide or reorder text, and feed.xml
    # (XML 1.0) cannot hold most of them.
    "terminal escape in a title": (
        _write("docs/c.md", _page('title: "Red \\x1b[31m title"')),
        "docs/c.md:2: front matter 'title' holds a control or invisible character (U+001B)",
    ),
    "bell in a description": (
        _write("docs/c.md", _page('description: "Ding \\a"')),
        "front matter 'description' holds a control or invisible character (U+0007)",
    ),
    "next line (C1) in a tag": (
        _write("docs/c.md", _page('tags: [ok, "a\\u0085b"]')),
        "front matter 'tags' tag holds a control or invisible character (U+0085)",
    ),
    "carriage return in a title": (_write("docs/c.md", _page('title: "a\\rb"')), "character (U+000D)"),
    "right-to-left override in a title": (
        _write("docs/c.md", _page('title: "txt.\\u202eexe"')),
        "front matter 'title' holds a control or invisible character (U+202E)",
    ),
    "zero-width space in a tag": (_write("docs/c.md", _page('tags: ["Chi\\u200bna"]')), "character (U+200B)"),
    "a character XML forbids in a title": (_write("docs/c.md", _page('title: "a\\ufffe"')), "character (U+FFFE)"),
    "escape in a source's title": (
        _write("docs/c.md", _page('sources:\n  - slug: s\n    title: "Fake \\x1b]0;pwned\\a"')),
        "docs/c.md:2: front matter 'sources' title 'Fake \\x1b]0;pwned\\x07' holds a control or invisible character",
    ),
    "soft hyphen in a source's publisher": (
        _write("docs/c.md", _page('sources:\n  - slug: s\n    publisher: "Reu\\u00adters"')),
        "front matter 'sources' publisher",
    ),
    "source value too long": (
        _write("docs/c.md", _page("sources:\n  - slug: s\n    title: " + "T" * 5001)),
        "'sources' title 'TTTT",
    ),
    "escape in a navigation entry": (
        _write("docs/.nav.yml", 'nav:\n  - Home: "index.md\\x1b[2J"\n'),
        "docs/.nav.yml:2: navigation entry 'index.md\\x1b[2J' holds a control or invisible character (U+001B)",
    ),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in ("docs", "includes"):
        (root / name).mkdir(parents=True)
    (root / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    return root


def _check(root: Path) -> None:
    siteinput.check(root, root / "docs", [root / "includes"], OWN, meta.get_data)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_before_mkdocs_reads_it(site: Path, case: str) -> None:
    setup, expected = REFUSED[case]
    setup(site)
    with pytest.raises(ExplainerError) as refused:
        _check(site)
    assert expected in str(refused.value) and "\n" not in str(refused.value), str(refused.value)


@pytest.mark.parametrize(
    "setup",
    [
        _write("docs/ok.md", _page("title: Q&amp;A &lt;tags&gt;\ndescription: A &quot;quote&quot;\nhide: [toc]")),
        _write("docs/ok.md", _page("search:\n  exclude: true\ntags: [China, Tag two]")),
        _write("docs/ok.md", "# No front matter at all\n\nText.\n"),
        _write("docs/.nav.yml", "nav:\n  - Home: index.md\n  - Out: https://example.org/a\n  - glob: '*'\n"),
        _write("docs/pic.png", "not really a picture"),
        _write("docs/stylesheets/extra.css", "body {}"),
        _link("docs/again.md", "index.md"),
        _link("includes/x.md", "../docs/index.md"),
        # Tabs and line breaks are white space; ZWJ joins emoji; 32 levels of anything.
        _write(
            "docs/ok.md",
            _page('title: "Tab\\tand\\nline"\ndescription: |\n  Two\n  lines\ntags: ["\U0001f468\u200d\U0001f469"]'),
        ),
        _write("docs/ok.md", "<div markdown>\n\n" * 32 + "x\n\n" + "</div>\n\n" * 32 + "> " * 32 + "x\n"),
        _write("docs/ok.md", "".join("    " * i + "- x\n" for i in range(32)) + "- - - - - - - - - - " * 4 + "\n"),
        _write("docs/ok.md", "Quoted, never closed: `<div>` " * 100 + "\n\n" + "<b>a</b> " * 100 + "\n"),
        lambda root: (root / "includes/x.md").write_bytes(b"not UTF-8: \xff\n"),  # refused if a page uses it
    ],
)
def test_accepted(site: Path, setup: Setup) -> None:
    setup(site)
    _check(site)


# The guard: built pages, scanned as a browser reads them.


def _built(body: str) -> str:
    head = "<html><head><script>x<y</script><title>t</title></head><body><nav>n</nav>"
    return f'{head}<article class="md-content__inner">{body}</article><script src="a.js"></script></body></html>'


LIVE = {
    "an article closed early": "</article><script>alert(1)</script><article>",
    "SVG animation of href": '<svg><a><animate attributeName="href" values="javascript:alert(1)"/></a></svg>',
    "SVG set of href": '<svg><a><set attributeName=" HREF " to="javascript:alert(2)"/></a></svg>',
    "a tag hidden in a comment": '<!-- <a title=" --> <img src=x onerror=alert(1)> ">',
    "a tag hidden in a bogus comment": '<? <a title="> <img src=x onerror=alert(1)> ">',
    "noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "style": '<style><a title="</style><img src=x onerror=alert(1)>"></style>',
    "an attribute name starting with =": '<a ="><script>alert(1)</script>">',
    "no-break space is not white space": '<a\u00a0title="x><script>alert(1)</script>">',
    "an unquoted value with a quote": '<a b=c="d><script>alert(1)</script>">',
    "CDATA in SVG": '<svg><![CDATA[<a title="]]><img src=x onerror=alert(1)>">]]></svg>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "a quote in an attribute name": '<a x"y onclick=alert(1)>c</a>',
    "an encoded scheme": '<a href="jav&#x09;ascript&colon;alert(1)">x</a>',
    "iframe srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
}


@pytest.mark.parametrize("case", sorted(LIVE))
def test_the_guard_finds_live_markup_however_it_hides(case: str) -> None:
    assert guard.first_problem(_built(LIVE[case])) is not None


def test_the_guard_lets_ordinary_markup_through_and_looks_outside_the_content() -> None:
    assert guard.first_problem(_built('<!-- a note --><p title="a > b">a &lt; b <a href="https://x">x</a></p>')) is None
    assert guard.first_problem("<nav><iframe></iframe></nav><article></article>") == "a <iframe> element"
    assert guard.first_problem('<head><meta http-equiv="refresh" content="0"></head><article></article>')


# Wired into MkDocs: one build that must succeed, one that must be refused.


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def test_entities_in_titles_stay_text_in_the_built_site(tmp_path: Path) -> None:
    """A heading or a navigation title written with entities shows them as
    text: the browser tab's title is escaped after the theme decodes them. A
    quote in a file name stays in the edit link's address."""
    project = copy_project(tmp_path / "project")
    (project / "docs/h1.md").write_text("# &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n\nText.\n", "utf-8")
    (project / "docs/plain.md").write_text("Text without a heading.\n", encoding="utf-8")
    (project / 'docs/x" data-x="1.md').write_text("# Quoted file name\n", encoding="utf-8")
    nav = (project / "docs/.nav.yml").read_text(encoding="utf-8").split("\n", 1)[1]  # taken over
    nav = nav.replace("- Home: index.md", '- Home: index.md\n  - "&lt;/title&gt;&lt;script&gt;": plain.md')
    (project / "docs/.nav.yml").write_text(nav, encoding="utf-8")
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr[-2000:]
    reference = _Tags()
    reference.feed((project / "site/background/index.html").read_text(encoding="utf-8"))
    for page, title in [("h1", "</title><script>alert(1)</script>"), ("plain", "</title><script>")]:
        parsed = _Tags()
        parsed.feed((project / "site" / page / "index.html").read_text(encoding="utf-8"))
        assert parsed.title.startswith(title + " - "), parsed.title
        assert parsed.tags.count("script") == reference.tags.count("script"), page
    quoted = (project / 'site/x" data-x="1/index.html').read_text(encoding="utf-8")
    assert 'data-x="1' not in quoted and "/docs/x%22%20data-x%3D%221.md" in quoted  # the edit link
    index = json.loads((project / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert all("<script" not in entry["title"] for entry in index["docs"])


def test_a_link_at_or_in_the_site_folder_is_refused_before_mkdocs_empties_it(tmp_path: Path) -> None:
    """git does not ignore a link named ``site`` as it ignores the folder; the
    build empties site/ first, and wrote through links to folders in it."""
    project = copy_project(tmp_path / "project")
    victim = tmp_path / "home"
    (victim / "keep").mkdir(parents=True)
    (victim / "notes.txt").write_text("mine", encoding="utf-8")
    (project / "site").symlink_to(victim)
    built = mkdocs_build(project)
    errors = [line for line in built.stderr.splitlines() if line.startswith("ERROR")]
    assert built.returncode == 1 and len(errors) == 1 and "Traceback" not in built.stderr, built.stderr[-2000:]
    assert "site: is a symbolic link: the build would empty where it leads" in errors[0]
    assert sorted(p.name for p in victim.iterdir()) == ["keep", "notes.txt"]
    (project / "site").unlink()
    (project / "site").mkdir()
    (project / "site/assets").symlink_to(victim)
    with pytest.raises(ExplainerError, match="site/assets: is a symbolic link where the build writes"):
        siteinput.check_site_folder(project / "site", project)


def test_a_page_nested_too_deeply_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    """Python-Markdown parses nesting by recursion: 500 md_in_html blocks in
    one another ended the build with a RecursionError traceback. They are
    refused before the build, with the line; nesting that check does not
    see (emphasis in emphasis) is refused when the page becomes HTML."""
    project = copy_project(tmp_path / "project")
    cases = [
        (
            "<div markdown>\n\n" * 500 + "x\n\n" + "</div>\n\n" * 500,
            "docs/deep.md:67: HTML elements nested more than 32",
        ),
        ("> " * 500 + "x\n", "docs/deep.md:3: block quotes, lists or indentation nested 500 deep"),
        ("".join("    " * i + "- x\n" for i in range(300)), "docs/deep.md:35: block quotes, lists or indentation"),
        ("*a " * 1000 + "x" + " b*" * 1000 + "\n", "docs/deep.md: is nested too deeply to become HTML"),
    ]
    for body, expected in cases:
        (project / "docs/deep.md").write_text("# Deep\n\n" + body, encoding="utf-8")
        built = mkdocs_build(project)
        errors = [line for line in built.stderr.splitlines() if line.startswith("ERROR")]
        assert built.returncode == 1 and "Traceback" not in built.stderr, built.stderr[-2000:]
        assert any(expected in error for error in errors), errors


def test_a_build_error_shows_a_names_hidden_characters_as_escapes(tmp_path: Path) -> None:
    """The one-line error quotes the file name: a terminal escape or an
    override in it is shown as its escape, never obeyed by a terminal or a CI log."""
    project = copy_project(tmp_path / "project")
    (project / "docs/a\x1b[2Jb\u202ec.md").write_text("# A\n", encoding="utf-8")
    built = mkdocs_build(project)
    assert built.returncode == 1 and "\x1b" not in built.stderr and "\u202e" not in built.stderr
    assert "docs/a\\x1b[2Jb\\u202ec.md: file name holds control or invisible characters" in built.stderr


def test_a_hand_written_page_cannot_replace_or_add_to_an_articles_feed_entry(tmp_path: Path) -> None:
    """The feed is made from generated pages only: a hand-written page in
    docs/sources/ naming an article's slug replaced that article's entry,
    and a hand-written page at the top level added itself to it."""
    project = copy_project(tmp_path / "project")
    forged = "sources:\n  - slug: china-crypto-crackdown\n    title: Forged entry\n    published: '2030-01-01'"
    _write("docs/sources/zz-forged.md", _page(f"title: Forged\n{forged}", "# Forged\n\nText.\n"))(project)
    _write("docs/zz-notes.md", _page(f"title: Forged topic\n{forged}", "# Notes\n\nText.\n"))(project)
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr[-2000:]
    atom = "{http://www.w3.org/2005/Atom}"
    [entry] = ElementTree.parse(project / "site/feed.xml").getroot().iter(f"{atom}entry")  # well-formed XML
    assert entry.findtext(f"{atom}title") == "Here's Why Chinese Government is Now Tracking IP Addresses of Users"
    links = {link.get("rel"): link for link in entry.iter(f"{atom}link")}
    assert str(links["alternate"].get("href")).endswith("/sources/china-crypto-crackdown/")
    assert "Forged" not in (project / "site/feed.xml").read_text(encoding="utf-8")
    related = [link.get("title") for link in entry.iter(f"{atom}link") if link.get("rel") == "related"]
    assert related and "Forged topic" not in related, related


def test_a_snippet_that_cannot_be_read_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "includes").mkdir()
    extensions = ["pymdownx.snippets", mkdocs_hooks._OneLineSnippets()]
    settings = {"pymdownx.snippets": {"base_path": [str(tmp_path / "includes")], "check_paths": True}}
    for reference in ['"/etc/passwd"', '"../secret.md"', '"missing.md"']:
        with pytest.raises(PluginError, match=r"a snippet \(--8<--\) cannot be used: Snippet at path"):
            markdown.Markdown(extensions=extensions, extension_configs=settings).convert(f"--8<-- {reference}\n")


class _Page:
    def __init__(self, title: str) -> None:
        self.title = title


class _File:
    def __init__(self, src_uri: str, title: str) -> None:
        self.src_uri, self.page = src_uri, _Page(title)


class _Files:
    def __init__(self, *pages: _File) -> None:
        self.pages = pages

    def documentation_pages(self) -> tuple[_File, ...]:
        return self.pages


def test_titles_shown_in_the_navigation_are_text() -> None:
    """A backstop behind the checks of files: any page or navigation title
    that would reach the theme with < or > stops the build."""
    env = types.SimpleNamespace(filters={})
    assert mkdocs_hooks.on_env(env, config={}, files=_Files(_File("a.md", "Q&amp;A"))) is env
    with pytest.raises(PluginError, match=r"docs/b\.md: the page's title contains HTML markup"):
        mkdocs_hooks.on_env(env, config={}, files=_Files(_File("b.md", "<img src=x>")))
    with pytest.raises(PluginError, match=r"docs/c\.md: the page's title is over 5,000 characters"):
        mkdocs_hooks.on_env(env, config={}, files=_Files(_File("c.md", "T" * 5001)))  # from its first heading
    with pytest.raises(
        PluginError, match=r"docs/d\.md: the page's title holds a control or invisible character \(U\+202E\)"
    ):
        mkdocs_hooks.on_env(env, config={}, files=_Files(_File("d.md", "Invoice txt.\u202eexe")))  # a heading's
    with pytest.raises(PluginError, match=r"navigation title 'Home\\x1b\[2J' holds a control or invisible character"):
        nav = types.SimpleNamespace(items=[types.SimpleNamespace(title="Home\x1b[2J", children=[])])
        mkdocs_hooks.on_nav(nav, config={}, files=None)
    section = types.SimpleNamespace(title="<iframe>", children=[])
    nav = types.SimpleNamespace(items=[types.SimpleNamespace(title="Home", children=[section])])
    with pytest.raises(PluginError, match="navigation title '<iframe>'"):
        mkdocs_hooks.on_nav(nav, config={}, files=None)


def test_a_refusal_that_is_swallowed_is_raised_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The signal may land where Python ignores exceptions (a collector
    callback, a __del__): the refusal comes again until one is heard."""
    monkeypatch.setenv("EXPLAINER_PAGE_TIME_LIMIT", "0.2")
    page = types.SimpleNamespace(meta={}, file=types.SimpleNamespace(src_uri="slow.md"))
    heard = 0
    deadline = time.monotonic() + 3

    def a_page_that_takes_its_time() -> None:
        # (A call, so the refusal always leaves through the caller's try: raised
        # at a loop's jump back, Python 3.13 could let it past the handler.)
        while time.monotonic() < deadline:
            pass

    try:
        mkdocs_hooks.on_page_markdown("", page=page, config={}, files=None)
        while heard < 2:
            try:
                a_page_that_takes_its_time()
                break
            except PluginError:
                heard += 1  # the first one swallowed, as an ignoring callback would
    finally:
        mkdocs_hooks.on_page_content("", page=page, config={}, files=None)
    assert heard == 2


def test_a_page_that_takes_too_long_to_become_html_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python-Markdown is quadratic on some input (``*a*a*a...``): 100 kB of
    it held a build for minutes. Each page gets a time limit instead."""
    monkeypatch.setenv("EXPLAINER_PAGE_TIME_LIMIT", "0.5")
    page = types.SimpleNamespace(meta={}, file=types.SimpleNamespace(src_uri="slow.md"))
    started = time.monotonic()
    with pytest.raises(PluginError, match=r"docs/slow\.md: took over 0\.5 s to become HTML"):
        mkdocs_hooks.on_page_markdown("", page=page, config={}, files=None)
        markdown.markdown("*a" * 40_000)
    assert time.monotonic() - started < 5
    mkdocs_hooks.on_page_markdown("", page=page, config={}, files=None)
    mkdocs_hooks.on_page_content("", page=page, config={}, files=None)  # done in time: the clock stops
    time.sleep(0.7)
