"""Delivery statuses of an outbound WhatsApp message only move forward.

Meta sends status events out of order and more than once (``read`` before
``delivered``, the same ``delivered`` twice). A message that was delivered or
read did reach the phone, so a late ``failed`` does not undo that; ``failed``
does replace ``sent``."""

from __future__ import annotations

RANK: dict[str, int] = {"sent": 1, "failed": 2, "delivered": 3, "read": 4}
KNOWN = frozenset(RANK)


def advance(current: str, incoming: str) -> str:
    """The status to keep after ``incoming`` arrives on a message at ``current``.

    ``current`` may be "" or anything the outbox uses before the provider answers
    (``queued``); an unknown ``incoming`` changes nothing."""
    if incoming not in RANK:
        return current
    if RANK.get(current, 0) >= RANK[incoming]:
        return current
    return incoming
