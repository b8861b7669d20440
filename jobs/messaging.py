"""The boundary between the outbox and a WhatsApp provider.

A provider turns one OutboundMessage into one HTTP request and classifies the
answer into a SendResult. ``send`` never raises: every outcome is recorded."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol


class Outcome(enum.Enum):
    SENT = "sent"  # accepted by the provider; message_id set
    TRANSIENT = "transient"  # try again later (rate limit, 5xx, timeout, network)
    PERMANENT = "permanent"  # will never succeed (not on WhatsApp, bad number, template)
    PAUSED = "paused"  # the provider cannot send at all until an operator acts (token)


@dataclass(frozen=True)
class OutboundMessage:
    message_key: str  # deterministic id of the outbox entry (idempotency key)
    to: str  # WhatsApp digits, e.g. 6281234567890
    event: str  # diterima | pindah | disposisi | status | terlambat | digest | balasan
    template: str  # approved template name (Cloud API, outside the 24-hour window)
    parameters: tuple[str, ...]  # ordered template body parameters
    text: str  # the whole message as text (log, Fonnte, Cloud inside the window)
    language: str = "id"
    window_open: bool = False  # the recipient wrote to us in the last 24 hours


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: str = ""
    reason: str = ""  # short, Bahasa Indonesia, shown in the sheet
    error_code: str = ""  # provider's code, e.g. "131026"
    retry_after: float | None = None  # seconds, when the provider said so
    details: dict[str, str] = field(default_factory=dict)


class Provider(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> SendResult: ...
