"""Shared fixtures: a throw-away copy of the project, the CLI runner, the built
reference site. Shared functions live in tests/helpers.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from explainer.cli import main
from tests.helpers import copy_project, mkdocs_build


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/expected/ from today's output")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the project, safe to generate into and build."""
    return copy_project(tmp_path / "project")


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Run the ``explainer`` CLI in-process, with stderr kept apart."""

    def run(*args: str | Path) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference project, generated and built once per test session."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = CliRunner().invoke(main, ["generate", "--root", str(project)])
    assert result.exit_code == 0, result.output
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    return project / "site"
