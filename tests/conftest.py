"""Shared fixtures: a throw-away copy of the project, and the CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from explainer.cli import main  # noqa: E402

REFERENCE = ROOT / "sources" / "china-crypto-crackdown.txt"
_COPY = ("config", "sources", "docs", "overrides", "includes", "scripts", "mkdocs.yml")


def copy_project(target: Path) -> Path:
    """Copy what a build needs (not .venv, site/ or .git) into ``target``."""
    for name in _COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/fixtures/golden/ from today's output")


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


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to prove nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``project/site``, run from
    ``project``: the snippets extension reads ``includes/`` relative to the
    working directory, not to mkdocs.yml."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "-d",
            str(project / "site"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference project, generated and built once per test session."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = CliRunner().invoke(main, ["generate", "--root", str(project)])
    assert result.exit_code == 0, result.output
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    return project / "site"
