"""Overdue letters: at a desk longer than the desk's ``Batas Jam``, counted in
office working hours. Each stay at a desk alerts the desk's number once."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from jobs.diff import LetterState, Position, Snapshot
from jobs.events import OVERDUE, Event, event_id
from jobs.office_hours import WorkingHours, parse_sheet_time
from jobs.state import StateStore
from messages import text
from sitras_sheets import tracking_code
from sitras_sheets.clock import Clock, sheet_time
from sitras_sheets.errors import InvalidPhoneNumber
from sitras_sheets.models import Status
from sitras_sheets.phone import mask, normalise_whatsapp


@dataclass(frozen=True)
class Overdue:
    letter: LetterState
    position: Position
    limit_hours: float
    elapsed: timedelta  # office time at the desk

    @property
    def hours_over(self) -> int:
        return max(1, math.ceil(self.elapsed.total_seconds() / 3600 - self.limit_hours))


def open_letters(snapshot: Snapshot) -> Iterator[tuple[LetterState, Position | None]]:
    """Letters in the sheet whose status is not final, with their position."""
    for code, state in snapshot.letters.items():
        if not state.present:
            continue
        status = Status.parse(state.status) if state.status else None
        if status is not None and status.is_final:
            continue
        yield state, snapshot.positions.get(code)


def find_overdue(snapshot: Snapshot, hours: WorkingHours, now: datetime) -> list[Overdue]:
    found = []
    zone = now.tzinfo
    assert zone is not None, "the office clock must be aware"
    for state, position in open_letters(snapshot):
        if position is None:
            continue
        desk = snapshot.desks.get(position.desk)
        limit = _hours(desk.sla_hours) if desk else None
        since = parse_sheet_time(position.since, zone)
        if limit is None or since is None:
            continue
        elapsed = hours.elapsed(since, now)
        if elapsed > timedelta(hours=limit):
            found.append(Overdue(state, position, limit, elapsed))
    return found


def alert_event(item: Overdue, snapshot: Snapshot) -> Event:
    """The desk alert for one overdue letter, to the desk's number."""
    position = item.position
    desk = snapshot.desks.get(position.desk)
    number = desk.whatsapp if desk else ""
    to, error = "", ""
    if not number.strip():
        error = text("notifier.reason.no_desk_number", desk=position.desk)
    else:
        try:
            to = normalise_whatsapp(number)
        except InvalidPhoneNumber as problem:
            error = str(problem)
    return Event(
        id=event_id(item.letter.code, OVERDUE, position.desk, position.scan_id),
        kind=OVERDUE,
        code=item.letter.code,
        to=to,
        to_masked=mask(to or number),
        values={
            "code": tracking_code.display(item.letter.code),
            "subject": item.letter.subject,
            "desk": desk.name if desk and desk.name else position.desk,
            "hours": str(item.hours_over),
            "since": position.since,
        },
        error=error,
    )


class OverdueJob:
    def __init__(self, store: StateStore, *, clock: Clock, hours: WorkingHours) -> None:
        self.store = store
        self.clock = clock
        self.hours = hours

    def run(self) -> int:
        """Alert the desks of newly overdue letters; returns how many alerts."""
        snapshot = self.store.snapshot()
        if snapshot is None:
            return 0
        now = self.clock()
        alerted: Collection[tuple[str, str]] = self.store.alerted()
        count = 0
        for item in find_overdue(snapshot, self.hours, now):
            if (item.letter.code, item.position.scan_id) in alerted:
                continue
            event = alert_event(item, snapshot)
            if self.store.record_alert(
                event,
                item.position.scan_id,
                item.position.desk,
                now=now.timestamp(),
                stamp=sheet_time(now),
            ):
                count += 1
        return count


def _hours(value: str) -> float | None:
    try:
        hours = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return hours if hours > 0 else None
