"""In-memory implementations of the web ports: for tests, the benchmark and a
demo page without the notifier's state. Not for production: nothing persists."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sitras_sheets.phone import last_four
from web.delivery import advance
from web.ports import Reply, TrackView


@dataclass
class MemoryStore:
    """Letters by bare code, with the sender's WhatsApp digits kept beside them."""

    views: dict[str, TrackView] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    lookups: int = 0

    def add(self, view: TrackView, wa_digits: str = "") -> None:
        digits = re.sub(r"\D", "", wa_digits)
        self.views[view.code] = view
        self.numbers[view.code] = digits
        if digits and view.phone_last4 != last_four(digits):
            raise ValueError("phone_last4 does not match the number on file")

    def view(self, code: str) -> TrackView | None:
        self.lookups += 1
        return self.views.get(code)

    def sender_matches(self, code: str, wa_digits: str) -> bool:
        on_file = self.numbers.get(code, "")
        return bool(on_file) and on_file == re.sub(r"\D", "", wa_digits)


@dataclass(frozen=True)
class QueuedReply:
    to: str
    reply: Reply
    in_reply_to: str
    timestamp: datetime


@dataclass
class MemorySink:
    """Outbox statuses by provider message id, inbound messages, queued replies."""

    statuses: dict[str, str] = field(default_factory=dict)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    inbound: list[tuple[str, str, datetime, str]] = field(default_factory=list)
    replies: list[QueuedReply] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record_status(
        self,
        message_id: str,
        status: str,
        timestamp: datetime,
        error_code: str = "",
        error_title: str = "",
    ) -> bool:
        with self._lock:
            if message_id not in self.statuses:
                return False
            kept = advance(self.statuses[message_id], status)
            if kept != self.statuses[message_id]:
                self.statuses[message_id] = kept
                if kept == "failed":
                    self.errors[message_id] = (error_code, error_title)
            return True

    def inbound_text(
        self,
        wa_from: str,
        text: str,
        timestamp: datetime,
        *,
        message_id: str = "",
        replies: tuple[Reply, ...] = (),
    ) -> None:
        with self._lock:
            if message_id and message_id in self._seen:
                return
            if message_id:
                self._seen.add(message_id)
            self.inbound.append((wa_from, text, timestamp, message_id))
            for reply in replies:
                self.replies.append(QueuedReply(wa_from, reply, message_id, timestamp))
