"""What the notifier tells people about: events, named in the past tense.

An event carries everything its message needs (the values ``compose`` takes), so
the outbox can send it later without reading the register again. Its id is a
hash of what happened, so seeing the same change twice enqueues it once."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

RECEIVED = "diterima"  # a letter got its tracking code
MOVED = "pindah"  # a scan put it at another desk
DISPOSED = "disposisi"  # the Disposisi cell changed to a non-empty value
STATUS = "status"  # the Status cell changed to another valid status
OVERDUE = "terlambat"  # a letter stayed at a desk past its Batas Jam (to the desk)
DIGEST = "digest"  # the daily summary (to the head of office)

# Events addressed to the sender of a letter (counted in the sheet's Notifikasi column).
REPLY = "balasan"  # a letter's status, to someone who just wrote its code
HELP = "bantuan"  # help, to someone who just wrote something else
SENDER_EVENTS: tuple[str, ...] = (RECEIVED, MOVED, DISPOSED, STATUS)
# Answers to a person who just wrote: they go out even in quiet hours.
REPLIES: tuple[str, ...] = (REPLY, HELP)
# Events whose older unsent messages (same letter, same recipient) a newer one supersedes.
MERGEABLE: tuple[str, ...] = (MOVED, DISPOSED, STATUS, DIGEST)


@dataclass(frozen=True, slots=True)
class Event:
    """One message to send. ``to`` holds WhatsApp digits and stays out of logs
    (``to_masked`` is what logs and the sheet show); ``error`` says why it cannot
    be sent at all (an invalid number), and the outbox records it dead at once."""

    id: str
    kind: str
    code: str  # bare tracking code ("" for the digest)
    to: str
    to_masked: str
    values: Mapping[str, str] = field(default_factory=dict)
    error: str = ""


def event_id(*parts: object) -> str:
    """A deterministic id: the same change always gets the same id."""
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
