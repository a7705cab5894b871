"""The social cards' cache (.cache/social) is untrusted state: a clone can
plant links there. It is never read or written through a link, and a card
outside the project is never published as a page's card."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import load_script

cards = load_script("hooks/social_cards.py")
TITLE, DESCRIPTION, SITE = "IP tracking", "Records.", "Site"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the project holding a valid card under the cached name."""
    folder = tmp_path / "outside"
    folder.mkdir()
    foreign = cards.encode(cards.card("Not this site's", "A picture from outside the project.", SITE))
    (folder / f"{cards.card_name(TITLE, DESCRIPTION, SITE)}.png").write_bytes(foreign)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _save(project: Path, target: Path) -> bool:
    return bool(cards.save_card(target, TITLE, DESCRIPTION, SITE, project / cards.CACHE))


def _drawn() -> bytes:
    return bytes(cards.encode(cards.card(TITLE, DESCRIPTION, SITE)))


def test_a_linked_cache_folder_is_neither_read_nor_written(project: Path, outside: Path) -> None:
    (project / ".cache").mkdir()
    (project / ".cache/social").symlink_to(outside)
    before = _snapshot(outside)
    assert _save(project, project / "card.png") is True  # drawn, not copied from outside
    assert (project / "card.png").read_bytes() == _drawn()
    assert _save(project, project / "again.png") is True  # and never kept there
    assert _snapshot(outside) == before


def test_a_linked_dot_cache_folder_is_neither_read_nor_written(project: Path, outside: Path) -> None:
    (outside / "social").mkdir()
    os.replace(next(outside.glob("*.png")), outside / "social" / f"{cards.card_name(TITLE, DESCRIPTION, SITE)}.png")
    (project / ".cache").symlink_to(outside)
    before = _snapshot(outside / "social")
    assert _save(project, project / "card.png") is True
    assert (project / "card.png").read_bytes() == _drawn()
    assert _snapshot(outside / "social") == before


def test_a_linked_entry_is_drawn_again_and_replaced_not_followed(project: Path, outside: Path) -> None:
    (project / ".cache/social").mkdir(parents=True)
    name = f"{cards.card_name(TITLE, DESCRIPTION, SITE)}.png"
    (project / ".cache/social" / name).symlink_to(outside / name)
    before = _snapshot(outside)
    assert _save(project, project / "card.png") is True
    assert (project / "card.png").read_bytes() == _drawn()
    assert _snapshot(outside) == before
    entry = project / ".cache/social" / name
    assert not entry.is_symlink() and entry.read_bytes() == _drawn()  # the link replaced by the card
    assert _save(project, project / "again.png") is False  # now from the cache


def test_a_link_at_the_temporary_name_is_not_written_through(project: Path, tmp_path: Path) -> None:
    (project / ".cache/social").mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    (project / ".cache/social" / f".{cards.card_name(TITLE, DESCRIPTION, SITE)}.tmp").symlink_to(victim)
    assert _save(project, project / "card.png") is True
    assert victim.read_text(encoding="utf-8") == "mine"


def test_an_entry_that_is_not_a_card_is_drawn_again(project: Path) -> None:
    (project / ".cache/social").mkdir(parents=True)
    entry = project / ".cache/social" / f"{cards.card_name(TITLE, DESCRIPTION, SITE)}.png"
    os.mkfifo(entry)  # would block a plain open
    assert _save(project, project / "card.png") is True
    entry.unlink()
    entry.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)  # a PNG head of another size
    assert _save(project, project / "card.png") is True
    assert _save(project, project / "again.png") is False and (project / "again.png").read_bytes() == _drawn()
