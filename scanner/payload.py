"""Interpretation: a decoded barcode text → a valid tracking code, or None.

Decoders return raw text; this module alone decides what counts as a tracking
code (CONTRACT section 4). Accepted: the grouped form that Code 128 carries
(``7K2M-9QXD-4TR3``), the bare form (``7K2M9QXD4TR3``), either in any case and
with spaces, and a tracking link ``{public_base_url}/lacak/{code}``. Everything
else — a wrong check symbol, EAN-13 digits, other links — is None.

Twelve bare digits are refused too: retail and stock labels carry such numbers
and one in 32 would pass the check symbol. A code made only of digits (about 3
in a million) is still read from its grouped Code 128 and from its link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sitras_sheets import tracking_code
from sitras_sheets.errors import InvalidTrackingCode

# The whole payload is one code: three groups of four, the same separator (a
# dash, a space or nothing) between them.
_CODE = re.compile(r"[0-9A-Za-z]{4}([\- ]?)[0-9A-Za-z]{4}\1[0-9A-Za-z]{4}")
_LINK = re.compile(r"https?://[^\s/?#]+(?:/[^\s?#]*)?/lacak/([^\s/?#]+)/?(?:[?#]\S*)?", re.I)


def interpret(text: str, base_url: str | None = None) -> str | None:
    """The bare tracking code that ``text`` carries, or None.

    With ``base_url`` (the office's ``public_base_url``) a link is accepted
    only if it points under that address; without it, any ``…/lacak/CODE``
    link is accepted (its check symbol still has to be right)."""
    if not text:
        return None
    payload = text.strip()
    link = _LINK.fullmatch(payload)
    if link:
        if base_url and not _under(payload, base_url):
            return None
        payload = link.group(1)
    shape = _CODE.fullmatch(payload)
    if not shape:
        return None
    if not link and not shape.group(1) and payload.isdigit():
        return None  # twelve bare digits: a UPC-A or stock number, 1 in 32 passes the check
    try:
        return tracking_code.normalise(payload)
    except InvalidTrackingCode:
        return None


def _under(link: str, base_url: str) -> bool:
    got, want = urlsplit(link), urlsplit(base_url.strip())
    if got.netloc.lower() != want.netloc.lower():
        return False
    prefix = want.path.rstrip("/").lower() + "/lacak/"
    return got.path.lower().startswith(prefix)
