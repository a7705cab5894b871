"""Portability: the same project, built by ProperDocs (the drop-in fork of
MkDocs, pinned in requirements-properdocs.txt and installed by `make test` in
its own environment, .venv-properdocs), gives the same site as MkDocs 1.6."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.helpers import ROOT

PROPERDOCS = ROOT / ".venv-properdocs/bin/properdocs"
_GENERATOR = re.compile(r'\s*<meta name="generator" content="[^"]*">')


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_properdocs_builds_the_same_pages_as_mkdocs(built_site: Path, tmp_path: Path) -> None:
    assert PROPERDOCS.exists(), "run `make test` (it makes .venv-properdocs) or `make .venv-properdocs/.installed`"
    project = built_site.parent  # generated, then built by MkDocs (conftest.built_site)
    out = tmp_path / "site"
    done = subprocess.run(
        [str(PROPERDOCS), "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    mkdocs, properdocs = files(built_site), files(out)
    assert sorted(properdocs) == sorted(mkdocs)
    pages = [name for name in mkdocs if name.endswith(".html")]
    assert len(pages) > 5
    for name in pages:
        theirs, ours = properdocs[name].decode(), mkdocs[name].decode()
        assert "ProperDocs" in theirs  # really built by ProperDocs
        # Only the generator tag differs ("mkdocs-1.6.1" / "mkdocs-ProperDocs 1.6.7").
        assert _GENERATOR.sub("", theirs) == _GENERATOR.sub("", ours), name
    for name in ("search/search_index.json", "sitemap.xml"):
        assert properdocs[name] == mkdocs[name], name
