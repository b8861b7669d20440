"""The answer to a WhatsApp message a sender wrote to the office.

A valid tracking code (any case, with or without dashes, after ``LACAK`` or in a
tracking link) gets the letter's status; a code with a wrong check symbol gets
"mistyped"; anything else gets the help text. Whether the writer's number has
letters or not changes nothing in the kind of reply: the status of a code is
what its public page shows, and only the number on file also gets the subject
and the disposition text (never the sender's name). So a reply never reveals
whether a code belongs to someone else's number."""

from __future__ import annotations

import re

from messages import text
from sitras_sheets import tracking_code
from web.ports import TrackingStore
from web.present import whatsapp_summary

MAX_CODES = 3
_KEYWORD = re.compile(r"^\s*lacak[\s:#\-]*", re.IGNORECASE)
# Something that looks like a code (12 symbols, maybe grouped by dashes, with a
# digit in it) but failed the check: answered "mistyped", not with the help.
_LOOKS_LIKE_CODE = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9A-Za-z-]*\d)[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}(?![0-9A-Za-z])"
)


def codes_in(message: str) -> list[str]:
    """The valid codes a sender wrote, in order, at most ``MAX_CODES``."""
    message = message or ""
    found = tracking_code.find_in_text(_KEYWORD.sub("", message, count=1))
    return found[:MAX_CODES]


def compose_reply(
    message: str, wa_from: str, store: TrackingStore, *, lang: str = "id", base_url: str = ""
) -> str:
    codes = codes_in(message)
    if not codes:
        typo = _LOOKS_LIKE_CODE.search(_KEYWORD.sub("", message or "", count=1))
        if typo:
            return text("web.wa.mistyped", lang, code=typo.group(0).upper())
        return text("web.wa.help", lang)
    parts = []
    for code in codes:
        view = store.view(code)
        if view is None:
            parts.append(text("web.wa.unknown", lang, code=tracking_code.display(code)))
            continue
        owner = bool(wa_from) and store.sender_matches(code, wa_from)
        parts.append(whatsapp_summary(view, owner=owner, lang=lang, base_url=base_url))
    return "\n\n".join(parts)
