"""The web ports over the notifier's local state (``jobs.state``): the page reads
the snapshot the notifier keeps, never the Google Sheet, so a page view costs no
Sheets quota; webhook statuses and replies go into the same outbox.

``serve`` and ``run`` may be two processes on one SQLite file (WAL)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from config.settings import Settings
from jobs.events import Event, event_id
from jobs.state import StateStore
from messages import text
from sitras_sheets.clock import sheet_time
from sitras_sheets.phone import mask
from web.delivery import advance
from web.ports import BALASAN, Reply, TrackStep, TrackView

log = logging.getLogger("sitras.web.state")


def _failure_reason(error_code: str, error_title: str) -> str:
    """Why WhatsApp could not deliver, in Bahasa Indonesia for the sheet, from
    the same classification the Cloud API provider uses on its answers."""
    from jobs.providers.cloud import classify_error

    code = int(error_code) if error_code.isdigit() else None
    _, key = classify_error(400, code, False)
    if code is None and not error_title:
        key = "rejected"
    return text(f"wa.reason.{key}", code=error_code or "-")


class StateTracking:
    """``TrackingStore`` over ``StateStore.letter_view``.

    The Meja tab's ``Penanggung Jawab`` may hold a personal name, so it is not
    passed on as a ``role``: the page names the desk's staff instead."""

    def __init__(self, state: StateStore) -> None:
        self._state = state

    def view(self, code: str) -> TrackView | None:
        letter = self._state.letter_view(code)
        if letter is None:
            return None
        return TrackView(
            code=letter.code,
            status=letter.status,
            received_at=letter.received_at,
            steps=tuple(
                TrackStep(step.time, step.desk_code, step.desk_name, role="")
                for step in letter.steps
            ),
            disposition=letter.disposition,
            updated_at=letter.updated_at,
            sender_name=letter.sender_name,
            subject=letter.subject,
            phone_last4=letter.phone_last4,
        )

    def sender_matches(self, code: str, wa_digits: str) -> bool:
        return self._state.sender_matches(code, wa_digits)


class StateSink:
    """``WebhookSink`` over the outbox of ``StateStore``."""

    def __init__(self, state: StateStore, timezone: str, clock: Callable[[], float]) -> None:
        self._state = state
        self._zone = ZoneInfo(timezone)
        self._clock = clock

    def record_status(
        self,
        message_id: str,
        status: str,
        timestamp: datetime,
        error_code: str = "",
        error_title: str = "",
    ) -> bool:
        known = self._state.record_delivery_status(
            message_id,
            status,
            self._stamp(timestamp),
            advance=advance,
            now=timestamp.timestamp(),
            reason=_failure_reason(error_code, error_title) if status == "failed" else "",
            error_code=error_code,
        )
        if known and status == "failed":
            log.warning("WhatsApp could not deliver %s: %s %s", message_id, error_code, error_title)
        return known

    def inbound_text(
        self,
        wa_from: str,
        text: str,
        timestamp: datetime,
        *,
        message_id: str = "",
        replies: tuple[Reply, ...] = (),
    ) -> None:
        # Replies first, under ids derived from the inbound message: a redelivery
        # after a crash between the two writes enqueues nothing twice.
        origin = message_id or f"{wa_from}|{timestamp.timestamp()}|{text}"
        now = self._clock()
        events = [
            Event(
                id=event_id("reply", origin, index),
                kind=reply.kind,
                code=reply.values.get("code", "") if reply.kind == BALASAN else "",
                to=wa_from,
                to_masked=mask(wa_from),
                values=dict(reply.values),
            )
            for index, reply in enumerate(replies)
        ]
        if events:
            self._state.enqueue(
                events, now=now, stamp=self._stamp(datetime.fromtimestamp(now, UTC))
            )
        wrote_at = min(timestamp.timestamp(), now)
        if not self._state.record_inbound(wa_from, now=wrote_at, message_id=message_id):
            log.info("inbound message %s from %s seen before", message_id, mask(wa_from))

    def _stamp(self, moment: datetime) -> str:
        return sheet_time(moment.astimezone(self._zone))


def build(settings: Settings, clock: Callable[[], float] | None = None):
    """The two ports over the state file of ``settings`` (created if missing)."""
    import time

    state = StateStore(settings.state.path)
    return StateTracking(state), StateSink(state, settings.office.timezone, clock or time.time)
