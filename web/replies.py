"""The answer to a WhatsApp message someone wrote to the office.

A valid tracking code (any case, with or without dashes, after ``LACAK`` or in a
tracking link) gets the letter's status (``balasan``); a code that is not found,
or whose check symbol is wrong, gets the help text naming that code; anything
else gets the help text (``bantuan``).

Privacy: whoever writes a code gets what the code's public page shows (status,
desk, since when) and the same kind of reply whether their number has letters
or not. Only when the writer's number is the number on file for that letter does
the reply also carry its subject. The sender's name, the phone number, the
disposition text and the name of the person in charge are never in a reply. So
a reply never tells whether a code belongs to someone else's number."""

from __future__ import annotations

import re

from sitras_sheets import tracking_code
from web.ports import BALASAN, BANTUAN, Reply, TrackingStore

MAX_CODES = 3
_KEYWORD = re.compile(r"^\s*lacak[\s:#\-]*", re.IGNORECASE)
# Something that looks like a code (12 symbols, maybe grouped by dashes, with a
# digit in it) but failed the check: answered "not found, check it", not with
# the plain help.
_LOOKS_LIKE_CODE = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9A-Za-z-]*\d)"
    r"[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}(?![0-9A-Za-z])"
)


def codes_in(message: str) -> list[str]:
    """The valid codes someone wrote, in order, at most ``MAX_CODES``."""
    found = tracking_code.find_in_text(_KEYWORD.sub("", message or "", count=1))
    return found[:MAX_CODES]


def decide_replies(message: str, wa_from: str, store: TrackingStore) -> tuple[Reply, ...]:
    codes = codes_in(message)
    if not codes:
        typo = _LOOKS_LIKE_CODE.search(_KEYWORD.sub("", message or "", count=1))
        return (Reply(BANTUAN, {"code": typo.group(0).upper()} if typo else {}),)
    replies = []
    for code in codes:
        view = store.view(code)
        if view is None:
            replies.append(Reply(BANTUAN, {"code": code}))
            continue
        step = view.position
        values = {
            "code": code,
            "status": view.status,
            "desk": (step.desk_name or step.desk_code) if step else "",
            "responsible": step.role if step else "",  # a title, never a name (see ports)
            "since": step.time if step else view.received_at,
        }
        if wa_from and store.sender_matches(code, wa_from):
            values["subject"] = view.subject
        replies.append(Reply(BALASAN, values))
    return tuple(replies)
