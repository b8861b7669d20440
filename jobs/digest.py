"""The daily digest to the head of office: open letters per desk, the oldest,
how many are overdue. Sent once per working day, from ``at`` office time on."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time

from jobs.diff import Snapshot
from jobs.events import DIGEST, Event, event_id
from jobs.message_catalogue import desk_counts
from jobs.office_hours import WorkingHours
from jobs.overdue import find_overdue, open_letters
from jobs.state import StateStore
from messages import text
from sitras_sheets.clock import Clock, sheet_time
from sitras_sheets.errors import InvalidPhoneNumber
from sitras_sheets.phone import mask, normalise_whatsapp

COUNTER = "LOKET"  # letters not scanned at any desk yet
_LAST_DATE = "digest_date"


def digest_values(snapshot: Snapshot, hours: WorkingHours, now: datetime) -> dict[str, str]:
    """What the digest says (the values of the ``digest`` message)."""
    per_desk: Counter[str] = Counter()
    oldest = None
    for state, position in open_letters(snapshot):
        desk = position.desk if position else COUNTER
        per_desk[desk] += 1
        if state.received_at and (oldest is None or state.received_at < oldest[0].received_at):
            oldest = (state, desk)
    values = {
        "date": now.strftime("%Y-%m-%d"),
        "total": str(sum(per_desk.values())),
        "per_desk": desk_counts(per_desk),
        "overdue": text("notifier.digest_overdue", count=len(find_overdue(snapshot, hours, now))),
    }
    if oldest is not None:
        values |= {
            "oldest_code": oldest[0].code,
            "oldest_desk": oldest[1],
            "oldest_since": oldest[0].received_at,
        }
    return values


class DigestJob:
    def __init__(
        self,
        store: StateStore,
        *,
        clock: Clock,
        hours: WorkingHours,
        head_whatsapp: str,
        at: time = time(7, 0),
    ) -> None:
        self.store = store
        self.clock = clock
        self.hours = hours
        self.head_whatsapp = head_whatsapp
        self.at = at

    def due(self, now: datetime | None = None) -> bool:
        now = now or self.clock()
        return (
            bool(self.head_whatsapp)
            and self.hours.is_working_day(now.date())
            and now.timetz().replace(tzinfo=None) >= self.at
            and self.store.meta(_LAST_DATE) != now.strftime("%Y-%m-%d")
            and self.store.snapshot() is not None
        )

    def run(self) -> bool:
        """Enqueue today's digest if it is due; True when it was."""
        now = self.clock()
        if not self.due(now):
            return False
        snapshot = self.store.snapshot()
        assert snapshot is not None
        values = digest_values(snapshot, self.hours, now)
        to, error = "", ""
        try:
            to = normalise_whatsapp(self.head_whatsapp)
        except InvalidPhoneNumber as problem:
            error = str(problem)
        event = Event(
            id=event_id(DIGEST, values["date"], to or self.head_whatsapp),
            kind=DIGEST,
            code="",
            to=to,
            to_masked=mask(to or self.head_whatsapp),
            values=values,
            error=error,
        )
        self.store.enqueue([event], now=now.timestamp(), stamp=sheet_time(now))
        self.store.set_meta(_LAST_DATE, values["date"])
        return True
