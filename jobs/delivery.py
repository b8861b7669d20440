"""Delivery: the outbox → the WhatsApp provider, one message per request.

Per pass: nothing during quiet hours (office time) or while the provider is
paused; older unsent messages superseded by a newer one for the same letter are
merged away; each message is claimed (``sending``, committed) before its
request and its outcome committed right after. At most one message per
recipient every ``pace_seconds``. Transient failures come back after an
exponential backoff with jitter (never sooner than the provider's
``retry_after``); permanent ones are dead with the provider's reason; a paused
provider (expired token) stops the pass and keeps the queue."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from jobs import events
from jobs.messaging import OutboundMessage, Outcome, Provider, SendResult
from jobs.office_hours import QuietHours
from jobs.providers.cloud import RESEND_AS
from jobs.state import OutboxEntry, StateStore
from messages import text
from sitras_sheets.backoff import backoff_delay
from sitras_sheets.clock import Clock, sheet_time
from sitras_sheets.errors import SitrasError

logger = logging.getLogger("sitras.notifier")

Compose = Callable[..., OutboundMessage]


@dataclass(frozen=True)
class Backoff:
    """Delays before retrying: ``base · 2^(attempt-1)`` capped, with the upper
    half jittered; after ``max_attempts`` the message is dead."""

    base: float = 30.0
    cap: float = 3600.0
    max_attempts: int = 10

    def delay(self, attempts: int, rand: Callable[[], float] = random.random) -> float:
        return backoff_delay(attempts, self.base, self.cap, rand)


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0  # waiting for the pace of their recipient
    merged: int = 0
    held: int = 0  # waiting for quiet hours to end
    paused: bool = False


class Deliverer:
    def __init__(
        self,
        store: StateStore,
        provider: Provider,
        *,
        clock: Clock,
        compose: Compose | None = None,
        quiet: QuietHours | None = None,
        pace_seconds: float = 6.0,
        backoff: Backoff | None = None,
        pause_seconds: float = 300.0,
        language: str = "id",
        public_base_url: str = "",
        rand: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.provider = provider
        self.clock = clock
        self.compose = compose or _catalogue_compose()
        self.quiet = quiet or QuietHours()
        self.pace_seconds = pace_seconds
        self.backoff = backoff or Backoff()
        self.pause_seconds = pause_seconds
        self.language = language
        self.public_base_url = public_base_url
        self.rand = rand
        self.monotonic = monotonic
        self.paused_until: float | None = None

    def run(
        self, *, budget: float | None = None, stop: threading.Event | None = None
    ) -> DeliveryReport:
        """One pass over the messages due now; ``budget`` seconds at most."""
        report = DeliveryReport()
        now = self.clock()
        if self.paused_until is not None and now.timestamp() < self.paused_until:
            report.paused = True
            return report
        report.merged = self.store.supersede(now=now.timestamp())
        started = self.monotonic()
        for entry in self.store.due(now=now.timestamp()):
            if (stop is not None and stop.is_set()) or (
                budget is not None and self.monotonic() - started > budget
            ):
                break
            now = self.clock()
            if self.quiet.is_quiet(now) and entry.kind not in events.REPLIES:
                report.held += 1  # waits for the morning; replies to who just wrote go
                continue
            last = self.store.last_contact(entry.recipient)
            if last is not None and now.timestamp() - last < self.pace_seconds:
                self.store.defer(entry, last + self.pace_seconds)
                report.deferred += 1
                continue
            if not self.store.mark_sending(entry, now=now.timestamp()):
                continue  # claimed meanwhile
            if not self._deliver(entry, report):
                break
        return report

    def _deliver(self, entry: OutboxEntry, report: DeliveryReport) -> bool:
        """Send one claimed message and record its outcome; False = stop the pass."""
        try:
            message = self._message(entry)
        except (ValueError, KeyError, SitrasError) as error:
            self._dead(entry, text("notifier.reason.compose", error=error), "", report)
            return True
        result = self._send(message, entry)
        now = self.clock()
        stamp, at = sheet_time(now), now.timestamp()
        if result.outcome is Outcome.SENT:
            self.store.record_sent(entry, result.message_id, now=at, stamp=stamp)
            report.sent += 1
            logger.info("%s %s → %s: terkirim", entry.kind, _shown(entry), entry.masked)
        elif result.outcome is Outcome.PERMANENT:
            self._dead(entry, result.reason, result.error_code, report)
        elif result.outcome is Outcome.TRANSIENT:
            self._retry(entry, result, report)
        else:  # PAUSED: nothing can be sent until an operator acts
            self.store.release(entry)
            self.paused_until = at + self.pause_seconds
            report.paused = True
            logger.error(
                text(
                    "notifier.paused",
                    reason=result.reason,
                    pending=self.store.waiting(),
                    seconds=int(self.pause_seconds),
                )
            )
            return False
        return True

    def _message(self, entry: OutboxEntry) -> OutboundMessage:
        now = self.clock().timestamp()
        window = not entry.template_only and self.store.window_open(entry.recipient, now=now)
        return self.compose(
            entry.kind,
            entry.values,
            to=entry.recipient,
            message_key=entry.id,
            language=self.language,
            window_open=window,
            public_base_url=self.public_base_url,
        )

    def _send(self, message: OutboundMessage, entry: OutboxEntry) -> SendResult:
        try:
            return self.provider.send(message)
        except Exception as error:  # a provider must not raise; if one does, retry later
            logger.exception("%s %s → %s: penyedia galat", entry.kind, _shown(entry), entry.masked)
            reason = text("notifier.reason.provider_error", error=type(error).__name__)
            return SendResult(Outcome.TRANSIENT, reason=reason)

    def _retry(self, entry: OutboxEntry, result: SendResult, report: DeliveryReport) -> None:
        attempts = entry.attempts + 1
        if attempts >= self.backoff.max_attempts:
            reason = text("notifier.reason.attempts", attempts=attempts, reason=result.reason)
            self._dead(entry, reason, result.error_code, report)
            return
        now = self.clock()
        as_template = result.details.get(RESEND_AS) == "template"
        wait = 0.0 if as_template else self.backoff.delay(attempts, self.rand)
        wait = max(wait, result.retry_after or 0.0)
        self.store.record_retry(
            entry,
            result.reason,
            next_at=now.timestamp() + wait,
            stamp=sheet_time(now),
            error_code=result.error_code,
            template_only=as_template,
        )
        report.retried += 1
        logger.warning(
            "%s %s → %s: dicoba lagi dalam %.0f detik (%s)",
            entry.kind,
            _shown(entry),
            entry.masked,
            wait,
            result.reason,
        )

    def _dead(self, entry: OutboxEntry, reason: str, code: str, report: DeliveryReport) -> None:
        now = self.clock()
        self.store.record_dead(
            entry, reason, now=now.timestamp(), stamp=sheet_time(now), error_code=code
        )
        report.dead += 1
        logger.warning("%s %s → %s: gagal: %s", entry.kind, _shown(entry), entry.masked, reason)


def _shown(entry: OutboxEntry) -> str:
    values: Mapping[str, str] = entry.values
    return values.get("code") or entry.code or entry.kind


def _catalogue_compose() -> Compose:
    from jobs.message_catalogue import compose

    return compose
