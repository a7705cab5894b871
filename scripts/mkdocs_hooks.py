"""MkDocs hooks: small dispatchers that call the explainer package.

Loaded by path (see ``hooks:`` in mkdocs.yml), so no relative imports here.
A plain ``mkdocs build`` only uses the committed pages in docs/; under
``mkdocs serve`` the pages are regenerated before every build, so an edit to
an article or to config/ shows up in the preview within a second or two.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.explainer")
_ROOT = Path(__file__).resolve().parent.parent
_serving = False


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_pre_build(*, config: Any) -> None:
    """Under ``mkdocs serve``, regenerate docs/ from sources/ and config/.

    Bad input leaves the last good pages in place: the preview keeps serving
    them and the terminal shows the one-line error (a warning, so that the
    strict build of the preview still goes ahead)."""
    if not _serving:
        return
    if str(_ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(_ROOT / "scripts"))
    from explainer import runner
    from explainer.errors import ExplainerError

    paths = runner.Paths.of(_ROOT, docs=Path(config["docs_dir"]))
    try:
        outcome = runner.generate(paths)
    except ExplainerError as exc:
        log.info("explainer: %s (the preview shows the last good pages)", exc)
        return
    for note in outcome.notes:
        log.info("explainer: note: %s", note)
    if outcome.changed:
        log.info("explainer: regenerated %s", ", ".join(outcome.changed))


def on_page_context(context: dict[str, Any], *, page: Any, config: Any, nav: Any) -> dict[str, Any]:
    """Point "edit this page" of a generated page at the file it comes from."""
    edit_path = page.meta.get("edit_path")
    if edit_path and config.get("repo_url") and config.get("edit_uri"):
        docs_folder = Path(config["docs_dir"]).name + "/"
        root_uri = config["edit_uri"].removesuffix(docs_folder)
        page.edit_url = config["repo_url"].rstrip("/") + "/" + root_uri + edit_path
    return context
