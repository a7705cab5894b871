"""Every input and output of a project, with the defaults in one place.

The command line, the preview hook and the tools all make a :class:`Paths`
with :meth:`Paths.of`; nothing else spells a project's file names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# What each option means, and where it is when not given (relative to the root).
DEFAULTS: dict[str, tuple[str, str]] = {
    "sources": ("sources", "Folder of source articles."),
    "topics": ("config/topics.yml", "Topics file (its edit link is where topic pages point)."),
    "boilerplate": ("config/boilerplate.yml", "Boilerplate rules."),
    "glossary": ("config/glossary.yml", "Glossary terms (optional file)."),
    "names": ("config/names.yml", "Who's who names (optional file)."),
    "guides": ("config/guides.yml", "How the guides read the articles (optional file)."),
    "docs": ("docs", "Folder of Markdown pages that MkDocs builds."),
    "includes": ("includes", "Folder of snippets (the glossary's hover definitions)."),
}
STATE = ".cache/explainer"  # the generator's own state: cache, journal, lock (git-ignored)


@dataclass(frozen=True)
class Paths:
    """Every input and output of a run."""

    root: Path
    sources: Path
    topics: Path
    boilerplate: Path
    glossary: Path
    names: Path
    guides: Path
    docs: Path
    includes: Path
    state: Path

    @classmethod
    def of(cls, root: Path, **given: Path | str | None) -> Paths:
        """The paths of a project at ``root``: those ``given`` (relative ones
        taken from the root), the :data:`DEFAULTS` for the rest."""
        unknown = set(given) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown paths: {sorted(unknown)}")
        chosen = {name: root / (given.get(name) or default) for name, (default, _) in DEFAULTS.items()}
        return cls(root=root, state=root / STATE, **chosen)

    @property
    def outputs(self) -> tuple[Path, Path]:
        return (self.docs, self.includes)

    def shown(self, path: Path) -> str:
        """``path`` as pages and messages name it: relative to the root when inside."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
