"""Golden files: each fixture article's generated pages, compared byte for
byte with the expected files kept beside it (``tests/golden/expected/``).

Each fixture is built alone, with the project's own config/, so its pages
show only what that article does. After an intended change, regenerate them
and read the diff before committing:

    .venv/bin/python -m pytest tests/golden --update-golden
    git diff tests/golden/expected/
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from explainer.pipeline import build, load_project
from tests.helpers import ROOT

ARTICLES = ROOT / "tests/fixtures/articles"
GOLDEN = ROOT / "tests/golden/expected"
FIXTURES = sorted(p for p in ARTICLES.rglob("*") if p.suffix in {".txt", ".md", ".html"} and p.stem != "README")


def generated(fixture: Path, root: Path) -> dict[str, str]:
    """Every file a run makes from ``fixture`` alone: docs/ pages and includes/."""
    shutil.copytree(ROOT / "config", root / "config")
    (root / "sources").mkdir()
    shutil.copy2(fixture, root / "sources" / fixture.name)
    project = load_project(root, root / "sources", root / "config/topics.yml", root / "config/boilerplate.yml")
    site = build(project)
    files = {f"docs/{page.path}": page.content for page in site.pages}
    files.update({f"includes/{page.path}": page.content for page in site.includes})
    return files


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_generated_pages_match_the_golden_files(fixture: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    files = generated(fixture, tmp_path)
    folder = GOLDEN / fixture.stem
    if request.config.getoption("--update-golden"):
        shutil.rmtree(folder, ignore_errors=True)
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        return
    expected = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()
    }
    assert sorted(files) == sorted(expected), "pages added or gone: run with --update-golden and read the diff"
    for name in sorted(files):
        if files[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].splitlines(), files[name].splitlines(), f"golden/{name}", f"now/{name}", lineterm=""
            )
            pytest.fail("\n".join(["page differs (run with --update-golden if intended):", *list(diff)[:60]]))
