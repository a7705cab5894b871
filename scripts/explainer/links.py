"""Link targets from input: checked where they become links.

Any address that comes from a contributor (a source's URL, a saved page's
canonical address, a glossary link, an edit link built from a file name) goes
through :func:`web_url` at the point where it becomes an ``href``: only an
absolute ``http``/``https`` address with a host passes, and every character
that could end a Markdown or HTML link (``)``, ``]``, quotes, ``<``, ``>``,
whitespace...) is percent-encoded, so the value can neither run script
(``javascript:``, ``data:``) nor break out of the link around it.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})
MAX_URL = 2048
# A host name, an IPv4 address or a bracketed IPv6 address, with an optional port.
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
# Characters kept as they are in the path, query and fragment: RFC 3986's
# unreserved and the delimiters that cannot end a link. Everything else,
# ( ) [ ] ' " < > ` { } | \ ^ spaces and non-ASCII included, is encoded.
_SAFE = "/?#@!$&*+,;=%:~-._"
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def web_url(value: object) -> str | None:
    """``value`` as a safe absolute web address, or None if it is not one."""
    if not isinstance(value, str) or len(value) > MAX_URL or _CONTROL.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc or not _HOST.match(parts.netloc):
        return None
    rest = value[len(parts.scheme) + 3 + len(parts.netloc) :]
    return f"{parts.scheme.lower()}://{parts.netloc}{quote(rest, safe=_SAFE)}"


def is_web_url(value: object) -> bool:
    return web_url(value) is not None


def path_segment(value: str) -> str:
    """A relative path (such as ``sources/x.txt``) encoded for use in a URL."""
    return quote(value, safe="/-._~")
