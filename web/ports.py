"""What the web layer needs from the rest of Sitras, as two small ports.

The page and the webhook read and write the notifier's local state (a snapshot
of the register and the outbox), never the Google Sheet: a page view must not
spend the Sheets quota. ``web.sqlite_store`` adapts ``jobs.state`` to these
ports; tests use in-memory fakes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from jobs.events import HELP, REPLY

BALASAN = REPLY  # a letter's status, to someone who wrote its code
BANTUAN = HELP  # help; with a ``code`` value: that code was not found or is mistyped


@dataclass(frozen=True)
class TrackStep:
    """The letter seen at a desk.

    ``role`` is the job title in charge (``Kepala Subbagian Tata Usaha``), never
    a personal name; leave it empty when only a name is known: the page then
    shows the desk itself as the one in charge."""

    time: str  # office time, ``YYYY-MM-DD HH:MM``
    desk_code: str
    desk_name: str = ""
    role: str = ""


@dataclass(frozen=True)
class TrackView:
    """What the page may need about one letter.

    The fields below the line are private: the page shows ``sender_name`` and
    ``subject`` only to a browser that proved the last four digits of the
    WhatsApp number on file, and never shows ``phone_last4``."""

    code: str  # bare normalised form, ``7K2M9QXD4TR3``
    status: str  # as in the sheet: Diterima, Diproses, Didisposisi, Selesai, …
    received_at: str = ""  # office time, ``YYYY-MM-DD HH:MM``
    steps: tuple[TrackStep, ...] = ()  # desks in time order; the last one is the position
    disposition: str = ""  # the disposition instruction; "" = none yet
    updated_at: str = ""
    # --- private ---
    sender_name: str = ""
    subject: str = ""
    phone_last4: str = ""  # "" when no usable number is on file

    @property
    def position(self) -> TrackStep | None:
        return self.steps[-1] if self.steps else None


@dataclass(frozen=True)
class Reply:
    """A WhatsApp answer for the outbox, as an event of ``jobs.message_catalogue``
    (``compose(kind, values, …)`` turns it into text or an approved template).

    ``balasan`` values: code, status, desk, responsible, since, and subject only
    when the writer's number is the one on file. ``bantuan`` values: none, or the
    ``code`` the writer typed. Never a name, never a phone number."""

    kind: str
    values: Mapping[str, str] = field(default_factory=dict)


class TrackingStore(Protocol):
    def view(self, code: str) -> TrackView | None:
        """The letter with this bare, valid code; None if the snapshot has none."""
        ...

    def sender_matches(self, code: str, wa_digits: str) -> bool:
        """Whether ``wa_digits`` (``6281234567890``) is the WhatsApp number on
        file for the letter. The full number stays behind this port."""
        ...


class WebhookSink(Protocol):
    def record_status(
        self,
        message_id: str,
        status: str,
        timestamp: datetime,
        error_code: str = "",
        error_title: str = "",
    ) -> bool:
        """Record a delivery status (sent, delivered, read, failed) of an outbox
        message, never moving it backwards (``web.delivery.advance``). False when
        no outbox message has this provider id."""
        ...

    def inbound_text(
        self,
        wa_from: str,
        text: str,
        timestamp: datetime,
        *,
        message_id: str = "",
        replies: tuple[Reply, ...] = (),
    ) -> None:
        """Someone wrote to us from ``wa_from``: note that their 24-hour window is
        open and queue ``replies`` (decided by the web app) to them. A repeated
        ``message_id`` (Meta redelivers) must not queue them a second time."""
        ...
