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
    """Under ``mkdocs serve``, regenerate docs/ from sources/ and config/."""
    if not _serving:
        return
    if str(_ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(_ROOT / "scripts"))
    from explainer import write
    from explainer.cache import CACHE_DIR, ArticleCache
    from explainer.errors import ExplainerError
    from explainer.pipeline import build, load_project

    docs = Path(config["docs_dir"])
    try:
        project = load_project(_ROOT, _ROOT / "sources", _ROOT / "config/topics.yml", _ROOT / "config/boilerplate.yml")
        site = build(project, cache=ArticleCache(_ROOT / CACHE_DIR / "articles"))
        plan = write.plan(site.pages, docs, {_ROOT / "includes": site.includes})
        write.apply(plan, docs)
    except ExplainerError as exc:
        log.error("explainer: %s (the preview shows the last good pages)", exc)
        return
    if plan.changed:
        log.info("explainer: regenerated %s", ", ".join(plan.changed))


def on_page_context(context: dict[str, Any], *, page: Any, config: Any, nav: Any) -> dict[str, Any]:
    """Point "edit this page" of a generated page at the file it comes from."""
    edit_path = page.meta.get("edit_path")
    if edit_path and config.get("repo_url") and config.get("edit_uri"):
        docs_folder = Path(config["docs_dir"]).name + "/"
        root_uri = config["edit_uri"].removesuffix(docs_folder)
        page.edit_url = config["repo_url"].rstrip("/") + "/" + root_uri + edit_path
    return context
