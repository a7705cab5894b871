"""What a contributor does: `explainer new`, hand-written and taken-over pages
(through a real strict build), and the linters CI runs on their files."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from explainer.cli import main
from explainer.ingest import ingest
from explainer.scaffold import slug_from_url, slugify
from tests.helpers import ROOT, copy_project, mkdocs_build, snapshot

BIN = Path(sys.executable).parent
PAGE = """<!doctype html><html lang="en"><head><title>Miners leave Sichuan | Example News</title>
<meta property="og:title" content="Miners leave Sichuan as power is cut">
<meta name="author" content="Ann Writer"><meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2021-06-20T08:00:00Z">
<link rel="canonical" href="https://example.org/news/miners-leave-sichuan"></head>
<body><nav>Home | World | Business</nav><article><h1>Miners leave Sichuan as power is cut</h1>
<p>Bitcoin miners in Sichuan province began shutting down their machines after local power companies
were told to stop supplying them.</p>
<p>The move follows a State Council statement in May that called for a crackdown on bitcoin mining
and trading, and similar orders in Inner Mongolia and Xinjiang.</p>
<p>Some operators said they planned to move their equipment to Kazakhstan, where electricity is
cheap and the rules are clearer.</p></article><footer>Copyright Example News.</footer></body></html>
"""
TEXT = "\nMiners in Sichuan switched off their machines after the regulator's order.\n"


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


# explainer new


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Here's Why China Tracks IP Addresses", "heres-why-china-tracks-ip-addresses"),
        ("  Bitcoin: 50% down?! ", "bitcoin-50-down"),
        ("word " * 40, ("word-" * 12).strip("-")),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug and len(slug) <= 60


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://example.org/news/2021/09/china-ip-tracking.html", "china-ip-tracking"),
        ("https://example.org/world/miners-leave/amp/", "miners-leave"),
        ("https://example.org/", "example-org"),
    ],
)
def test_slug_from_url(url: str, slug: str) -> None:
    assert slug_from_url(url) == slug


def test_new_from_a_title_makes_a_valid_template_that_builds_once_filled(project: Path) -> None:
    result = cli("new", "Miners switch off in Sichuan", "--url", "https://example.org/a", "--root", project)
    assert result.exit_code == 0, result.output
    source = project / "sources/miners-switch-off-in-sichuan.txt"
    assert f"created {source}" in result.stderr and "next: paste" in result.stderr
    template = source.read_text(encoding="utf-8")
    assert template.startswith('---\ntitle: "Miners switch off in Sichuan"\nurl: "https://example.org/a"\n')
    assert "published:  # date of publication, YYYY-MM-DD" in template
    meta = ingest("sources/x.txt", template.encode()).meta
    assert meta.title == "Miners switch off in Sichuan" and meta.published is None
    # Empty until the text is pasted: a clear error, not an empty page.
    empty = cli("generate", "--root", project)
    assert empty.exit_code == 1 and "miners-switch-off-in-sichuan.txt: no article text left" in empty.stderr
    source.write_text(template + TEXT, encoding="utf-8")
    assert cli("generate", "--root", project).exit_code == 0
    page = (project / "docs/sources/miners-switch-off-in-sichuan.md").read_text(encoding="utf-8")
    assert "# Miners switch off in Sichuan" in page and "switched off their machines" in page


def test_new_from_a_saved_web_page_copies_it_with_metadata_found_on_the_page(project: Path, tmp_path: Path) -> None:
    saved = tmp_path / "Miners leave Sichuan.html"
    saved.write_text(PAGE, encoding="utf-8")
    result = cli("new", "--from-html", saved, "--root", project)
    assert result.exit_code == 0, result.output
    html = project / "sources/miners-leave-sichuan-as-power-is-cut.html"
    sidecar = html.with_suffix(".yml")
    assert html.read_text(encoding="utf-8") == PAGE
    meta = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    assert meta["url"] == "https://example.org/news/miners-leave-sichuan"
    assert meta["publisher"] == "Example News" and meta["published"] == "2021-06-20" and meta["licence"] is None
    assert cli("generate", "--root", project).exit_code == 0
    page = (project / "docs/sources/miners-leave-sichuan-as-power-is-cut.md").read_text(encoding="utf-8")
    assert "Kazakhstan" in page and "Home | World" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Miners switch off!"], "a source named 'miners-switch-off' already exists"),
        (["Sichuan Miners"], "a source named 'sichuan-miners' already exists"),  # as Sichuan_Miners.txt is named
        (["China crypto crackdown"], "a source named 'china-crypto-crackdown' already exists"),
        (["A title", "--url", "ftp://example.org/x"], "field 'url' must be an http:// or https:// address"),
        (["--url", "https://[::1"], "field 'url' must be an http:// or https:// address"),  # (no host to name it by)
        ([], "give a title, a --url or a --from-html page"),
        (["--from-html", "missing.html"], "missing.html"),
    ],
)
def test_new_refuses_clashes_and_bad_input_with_one_line(project: Path, args: list[str], message: str) -> None:
    existing = project / "sources/miners-switch-off.md"  # another suffix: the name still clashes
    existing.write_text("Kept.\n", encoding="utf-8")
    (project / "sources/Sichuan_Miners.txt").write_text("Kept too.\n", encoding="utf-8")  # another spelling
    before = sorted(p.name for p in (project / "sources").iterdir())
    result = cli("new", *args, "--root", project)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ") and message in result.stderr
    assert sorted(p.name for p in (project / "sources").iterdir()) == before
    assert existing.read_text(encoding="utf-8") == "Kept.\n"


# Hand-written and taken-over pages, through a real strict build


def nav_links(html: str) -> list[str]:
    """The links of the main (left) navigation, in order."""
    start = html.index('<nav class="md-nav md-nav--primary"')
    end = html.index('<div class="md-sidebar md-sidebar--secondary"', start)
    return re.findall(r'href="([^"]*)"', html[start:end])


def test_a_hand_written_page_appears_in_the_navigation_and_is_left_alone(project: Path) -> None:
    page = project / "docs/how-to-read.md"
    page.write_text("# How to read this site\n\nEach topic page quotes the articles.\n", encoding="utf-8")
    result = cli("generate", "--root", project)
    assert result.exit_code == 0 and page.read_text(encoding="utf-8").startswith("# How to read")
    assert cli("check", "--root", project).exit_code == 0
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    built = project / "site/how-to-read/index.html"
    assert "How to read this site" in built.read_text(encoding="utf-8")
    links = nav_links((project / "site/index.html").read_text(encoding="utf-8"))
    assert "how-to-read/" in links
    assert links.index("how-to-read/") > links.index("background/")  # after the topics


def test_a_taken_over_page_keeps_its_hand_edits_and_the_report_says_so(project: Path, tmp_path: Path) -> None:
    page = project / "docs/background.md"
    lines = page.read_text(encoding="utf-8").split("\n")
    mine = "\n".join(line for line in lines if not line.startswith("# Generated by explainer"))
    mine = mine.replace("\n# ", "\n# Background, edited by hand\n\nA paragraph of our own.\n\n# ", 1)
    page.write_text(mine, encoding="utf-8")
    report = tmp_path / "report.json"
    result = cli("generate", "--root", project, "--report", report)
    assert result.exit_code == 0
    assert f"note: {project / 'docs'}/background.md has no generated-file marker" in result.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["taken_over"] == ["background.md"]
    assert page.read_text(encoding="utf-8") == mine
    assert cli("check", "--root", project).exit_code == 0
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    assert "A paragraph of our own." in (project / "site/background/index.html").read_text(encoding="utf-8")


# Linters and CI


def run(command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(shlex.split(command), cwd=cwd, capture_output=True, text=True, check=False)


def test_workflows_pass_actionlint_and_a_broken_one_fails(tmp_path: Path) -> None:
    workflows = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["pages.yml", "test.yml"]
    done = run(f"{BIN}/actionlint {' '.join(map(str, workflows))}")
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / ".github/workflows/broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        (ROOT / ".github/workflows/test.yml").read_text(encoding="utf-8").replace("runs-on:", "run-on:"),
        encoding="utf-8",
    )
    failed = run(f"{BIN}/actionlint {broken}")
    assert failed.returncode == 1 and "runs-on" in failed.stdout


def test_ci_runs_make_test_and_pages_publishes_the_strict_build() -> None:
    test = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text(encoding="utf-8"))
    assert "pull_request" in test[True]  # YAML reads the key `on` as True
    assert [s.get("run") for s in test["jobs"]["test"]["steps"] if "run" in s] == ["make test"]
    others = test["jobs"]["other-pythons"]  # the newer Pythons: the suite without the browser
    assert others["strategy"]["matrix"]["python"] == ["3.12", "3.13"]
    assert others["container"] == "python:${{ matrix.python }}-bookworm"
    assert [s.get("run") for s in others["steps"] if "run" in s] == ["make test-fast"]
    pages = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    steps = pages["jobs"]["build"]["steps"] + pages["jobs"]["deploy"]["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    build = next(s for s in steps if s.get("run") == "make build")
    assert "SITE_URL" in build["env"] and pages[True]["push"]["branches"] == ["main"]
    assert "mkdocs build --strict --site-dir site" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_pre_commit_runs_the_commands_of_make_test() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])
    assert all(hook["language"] == "system" for hook in hooks)
    recipe = run("make -n --no-print-directory test lint-markdown lint-workflows").stdout
    for hook in hooks:
        entry = hook["entry"]
        if entry.startswith("make "):  # make lint-markdown: the same line as in `make test`
            target = entry.split()[-1]
            line = run(f"make -n --no-print-directory {target}").stdout.strip().split("\n")[-1]
            assert line in run("make -n --no-print-directory test").stdout, hook["id"]
        else:
            assert entry in recipe, hook["id"]
    assert run(f"{BIN}/pre-commit validate-config .pre-commit-config.yaml").returncode == 0


def test_markdown_linter_passes_contributing_and_catches_a_bad_hand_written_page(tmp_path: Path) -> None:
    lint = f"{BIN}/pymarkdown --config {ROOT / '.pymarkdown.json'} scan"
    assert run(f"{lint} {ROOT / 'CONTRIBUTING.md'}").returncode == 0
    good = tmp_path / "good.md"
    good.write_text(
        "---\ntitle: A page\n---\n\n# A page\n\nA long line " + ("word " * 40).strip() + "\n\n"
        '!!! note "An admonition"\n\n    Its indented body is fine.\n',
        encoding="utf-8",
    )
    assert run(f"{lint} {good}").returncode == 0, run(f"{lint} {good}").stdout
    bad = tmp_path / "bad.md"
    bad.write_text("# A page\n### Skipped a level \n", encoding="utf-8")
    failed = run(f"{lint} {bad}")
    assert failed.returncode == 1 and "MD001" in failed.stdout and "MD009" in failed.stdout


def test_make_lints_only_hand_written_pages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "docs/mine.md").write_text("# Mine\n\nText.\n", encoding="utf-8")
    makefile = ROOT / "Makefile"
    done = run(f"make --no-print-directory -f {makefile} --eval 'show: ; @echo $(LINT_MARKDOWN)' show", cwd=project)
    listed = done.stdout.strip().split(" scan ")[1].split()
    docs = project / "docs"
    hand_written = {p for p in docs.rglob("*.md") if "# Generated by explainer" not in p.read_text(encoding="utf-8")}
    assert listed[0] == "CONTRIBUTING.md" and "docs/mine.md" in listed
    assert set(listed[1:]) == {p.relative_to(project).as_posix() for p in hand_written}
    assert "docs/background.md" not in listed


# explainer check: every problem at once


def test_check_lists_every_problem_one_line_each_and_changes_nothing(project: Path) -> None:
    sources = project / "sources"
    (sources / "a.txt").write_text("---\npublished: someday\n---\nText.\n", encoding="utf-8")
    (sources / "b.txt").write_text("", encoding="utf-8")
    (sources / "C.txt").write_text("Title\n\nText.\n", encoding="utf-8")
    (sources / "c.md").write_text("Title\n\nText.\n", encoding="utf-8")
    glossary = project / "config/glossary.yml"
    text = glossary.read_text(encoding="utf-8")
    text = text.replace("\n  - term: CBDC\n", "\n  - term: CBDC\n    colour: red\n", 1)
    glossary.write_text(text + "\n  - term: CBDC\n    definition: Said twice.\n", encoding="utf-8")
    before = snapshot(project / "docs")
    result = cli("check", "--root", project)
    assert result.exit_code == 1
    lines = result.stderr.strip().split("\n")
    assert all(line.startswith("error: ") for line in lines), lines
    expected = [
        "config/glossary.yml:",  # the first problem of the glossary (unknown key)
        "sources/a.txt:2: field 'published' is not a date",
        "sources/b.txt: no article text left",
        "sources/c.md: same slug 'c' as sources/C.txt",
    ]
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(f"error: {project}/{start}") or line.startswith(f"error: {start}"), line
    assert "unknown key 'colour'" in lines[0]
    assert snapshot(project / "docs") == before


def test_check_reports_a_duplicate_glossary_term_with_its_line(project: Path) -> None:
    glossary = project / "config/glossary.yml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8") + "\n  - term: CBDC\n    definition: Said twice.\n", encoding="utf-8"
    )
    result = cli("check", "--root", project)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert re.search(r"glossary\.yml:\d+: duplicate term 'CBDC'", result.stderr), result.stderr
