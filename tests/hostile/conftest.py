"""Debian's Chromium for the browser check of this folder: the same launch
arguments as tests/browser/ (one definition, there)."""

from __future__ import annotations

from ..browser.conftest import browser_type_launch_args

__all__ = ["browser_type_launch_args"]
