"""The pure core of the notifier: what it saw last (a Snapshot) and what the
register holds now → the events to send, the new snapshot and what to write
back to the sheet. No I/O; the clock and the code generator are passed in.

Rows are identified by their tracking code, so sorting, inserting, hiding and
deleting rows produce nothing. Decisions taken here:

* The first read (no previous snapshot) is a baseline: no events.
* A code the snapshot has never seen is a new letter → ``diterima``. A code
  changed by hand to another *valid* code is therefore a new letter (the sender
  gets a receipt with the code the sheet now holds); an invalid code is marked
  in the row's Notifikasi cell and ignored until fixed.
* A row without a code gets one; its ``diterima`` follows once the sheet shows
  the code (the next read), so a receipt never names a code the sheet lacks.
  The code is remembered per row until then, so a lost write reuses it.
* A Status outside the list, or a cleared Status, sends nothing and keeps the
  last valid status; a cleared Disposisi likewise.
* While a code stands in two rows, neither row is notified or read into the
  snapshot (a row reused as a template must not message the first sender).
* Position is the desk of the latest scan (by time, then scan id); a new scan at
  the same desk is not a move. Each scan is read once (by scan id).
* No WhatsApp number: nothing is sent and the row says so; the receipt goes out
  when a number is typed. An invalid number: the event is recorded dead at once
  with the reason; typing a different number sends the receipt again."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from jobs.events import DISPOSED, MOVED, RECEIVED, STATUS, Event, event_id
from messages import text
from sitras_sheets import tracking_code
from sitras_sheets.bulk import collector_paused
from sitras_sheets.clock import sheet_time
from sitras_sheets.errors import InvalidPhoneNumber, InvalidTrackingCode
from sitras_sheets.models import STATUS_VALUES, Desk, Letter, Scan, Status
from sitras_sheets.phone import mask, normalise_whatsapp
from sitras_sheets.register import RegisterSnapshot, RowProblem, letter_key
from sitras_sheets.schema import SURAT

# LetterState.receipt: whether the ``diterima`` message was enqueued.
RECEIPT_NONE, RECEIPT_SENT, RECEIPT_BAD = "", "sent", "bad"
_ORIGINAL_ROW = re.compile(r"baris (\d+)")


class LetterState(NamedTuple):
    """One letter as the notifier last saw it: the clerk's cells it cares about,
    the last valid status and non-empty disposition, and bookkeeping. A named
    tuple: immutable, cheap to build by the hundred thousand (a baseline) and
    stored as the row it is."""

    code: str  # bare
    number: str = ""
    subject: str = ""
    sender: str = ""
    sender_org: str = ""
    whatsapp: str = ""  # as typed
    received_at: str = ""
    addressed_to: str = ""
    status_cell: str = ""  # the Status cell as last seen
    disposition_cell: str = ""  # the Disposisi cell as last seen
    status: str = ""  # the last valid status (canonical)
    disposition: str = ""  # the last non-empty disposition
    receipt: str = RECEIPT_NONE
    rev: int = 0  # changes notified so far; part of the event ids
    present: bool = True  # the sheet has a row for it
    updated_at: str = ""  # Terakhir Diperbarui
    notification: str = ""  # Notifikasi cell: the last outcome
    marker: str = ""  # Notifikasi cell while the row has a problem (wins over the outcome)

    def same_cells(self, letter: Letter) -> bool:
        return (
            letter.status == self.status_cell
            and letter.disposition == self.disposition_cell
            and letter.whatsapp == self.whatsapp
            and letter.subject == self.subject
            and letter.sender == self.sender
            and letter.received_at == self.received_at
            and letter.number == self.number
            and letter.sender_org == self.sender_org
            and letter.addressed_to == self.addressed_to
        )


class Position(NamedTuple):
    """Where a code was last scanned: the desk, since when (the scan that
    brought it there), and the latest scan of the code at all."""

    code: str
    desk: str
    since: str
    scan_id: str
    last_time: str
    last_scan_id: str


@dataclass(frozen=True, slots=True)
class PendingCode:
    """A code given to a row that had none, until the sheet shows it."""

    row_key: str
    code: str
    baseline: bool  # given during the baseline: no receipt


class Step(NamedTuple):
    """A line of a letter's history (the tracking page's timeline). The diff adds
    receipts, dispositions and statuses here; desks come from its scans
    (``Changes.scans``), though a ``pindah`` step may be given directly too."""

    code: str
    kind: str  # diterima | pindah | disposisi | status
    time: str
    value: str = ""  # the status or the disposition
    desk: str = ""
    desk_name: str = ""  # shown if the desk has left the Meja tab since
    ref: str = ""  # the scan id of a pindah


@dataclass
class Snapshot:
    letters: dict[str, LetterState] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    scan_ids: set[str] = field(default_factory=set)
    desks: dict[str, Desk] = field(default_factory=dict)
    pending: dict[str, PendingCode] = field(default_factory=dict)  # by row key

    def apply(self, changes: Changes) -> None:
        """Take the changes in (after they were stored)."""
        self.letters.update(changes.letters)
        self.positions.update(changes.positions)
        self.scan_ids.update(scan.scan_id for scan in changes.scans)
        if changes.desks is not None:
            self.desks = dict(changes.desks)
        for key in changes.pending_done:
            self.pending.pop(key, None)
        self.pending.update(changes.pending_new)


@dataclass
class Changes:
    baseline: bool
    events: list[Event] = field(default_factory=list)
    letters: dict[str, LetterState] = field(default_factory=dict)  # new or changed
    positions: dict[str, Position] = field(default_factory=dict)  # new or changed
    steps: list[Step] = field(default_factory=list)  # received, dispositions, statuses
    scans: list[Scan] = field(default_factory=list)  # scans read for the first time
    desks: dict[str, Desk] | None = None  # the desk directory, when it changed
    assigned: dict[str, str] = field(default_factory=dict)  # row key → new bare code
    pending_new: dict[str, PendingCode] = field(default_factory=dict)
    pending_done: list[str] = field(default_factory=list)
    markers: dict[str, str] = field(default_factory=dict)  # row key → Notifikasi text now

    @property
    def stored(self) -> bool:
        """Whether anything must be stored."""
        return bool(
            self.events
            or self.letters
            or self.positions
            or self.steps
            or self.scans
            or self.desks is not None
            or self.pending_new
            or self.pending_done
        )


def diff(
    previous: Snapshot | None,
    current: RegisterSnapshot,
    *,
    now: datetime,
    new_code: Callable[[], str] = tracking_code.generate,
) -> Changes:
    """What changed between the last snapshot and the register read now."""
    with collector_paused():
        return _Differ(previous, current, now, new_code).run()


class _Differ:
    def __init__(
        self,
        previous: Snapshot | None,
        current: RegisterSnapshot,
        now: datetime,
        new_code: Callable[[], str],
    ) -> None:
        self.baseline = previous is None
        self.prev = previous if previous is not None else Snapshot()
        self.current = current
        self.stamp = sheet_time(now)
        self.new_code = new_code
        self.changes = Changes(baseline=self.baseline)
        self.desks = {desk_code(code): desk for code, desk in current.desks.items()}
        self._recipients: dict[str, tuple[str, str]] = {}

    def run(self) -> Changes:
        changes = self.changes
        if self.desks != self.prev.desks:
            changes.desks = self.desks
        moves = self._scans(self.current.scans)
        held = self._problem_rows(self.current.problems)
        pending_codes = {p.code: p for p in self.prev.pending.values()}
        known = self.prev.letters
        seen: set[str] = set()
        for letter in self.current.letters:
            key = letter.key or letter_key(letter)
            if key.startswith("row:"):
                self._row_without_valid_code(letter, key)
                continue
            seen.add(key)
            state = known.get(key)
            if key in held:
                changes.markers[key] = held[key]
                if state is not None and key in moves:  # to the number it had before
                    self._moved(state, moves[key], state.whatsapp)
                continue
            if state is None:
                pending = pending_codes.get(key)
                quiet = self.baseline or (pending is not None and pending.baseline)
                self._new_letter(letter, key, moves.get(key), quiet)
            elif state.present and state.same_cells(letter):
                if key in moves:
                    self._moved(state, moves[key], letter.whatsapp)
            else:
                self._changed(state, letter, moves.get(key))
        gone = known.keys() - seen  # letters known before whose row is gone
        if gone:
            for code, position in moves.items():  # a scan still tells their senders
                if code in gone:
                    self._moved(known[code], position, known[code].whatsapp)
        for code in gone:
            state = known[code]
            if state.present and code not in changes.letters:
                changes.letters[code] = state._replace(present=False)
        changes.pending_done.extend(key for key in self.prev.pending if key not in changes.assigned)
        return changes

    # -- scans -------------------------------------------------------------------
    def _scans(self, scans: Iterable[Scan]) -> dict[str, Position]:
        """Read the scans not seen before; returns the codes whose desk changed.

        The rule, scan by scan in (time, scan id) order from a code's previous
        position: a scan at another desk moves the letter there (since that
        scan); a scan not after the code's last known scan (a late arrival)
        is ignored. A first read meets the whole scan log (half a million rows
        on a busy sheet), so the scans are walked newest first instead: a
        code's latest scan gives its desk, the walk goes back while the desk is
        the same, and the code is closed at the first scan at another desk or
        not after its last known scan; most scans then cost a set look-up.
        Codes are grouped as the register shows them (display form)."""
        known = self.prev.scan_ids
        fresh = [scan for scan in scans if scan.scan_id not in known] if known else list(scans)
        if not fresh:
            return {}
        # (time, scan id) order: two stable sorts on one string each build no
        # key tuples, and a log appended in time order is nearly sorted already
        fresh.sort(key=attrgetter("scan_id"))
        fresh.sort(key=attrgetter("time"))
        self.changes.scans = fresh
        previous = self.prev.positions
        desks = {raw: desk_code(raw) for raw in {scan.desk for scan in fresh}}
        runs: dict[str, _Run] = {}
        closed: set[str] = set()
        for scan in reversed(fresh):
            code = scan.code
            if code in closed:
                continue
            run = runs.get(code)
            if run is None:
                before = previous.get(code.replace("-", "")) if previous else None
                run = _Run(desks[scan.desk], scan, scan, before)
                if before is not None and run.covered(scan):
                    closed.add(code)  # late arrivals only
                else:
                    runs[code] = run
            elif run.before is not None and run.covered(scan):
                closed.add(code)  # the previous position covers the rest
            elif desks[scan.desk] == run.desk:
                run.since = scan
            else:
                run.broken = True
                closed.add(code)
        moved = {}
        for code, run in runs.items():
            bare = code.replace("-", "")
            before, latest = run.before, run.latest
            if before is not None and before.desk == run.desk and not run.broken:
                since, since_id = before.since, before.scan_id
            else:
                since, since_id = run.since.time, run.since.scan_id
            position = Position(bare, run.desk, since, since_id, latest.time, latest.scan_id)
            if position == before:
                continue
            self.changes.positions[bare] = position
            if before is None or before.desk != run.desk:
                moved[bare] = position
        return moved

    # -- rows with problems --------------------------------------------------------
    def _problem_rows(self, problems: list[RowProblem]) -> dict[str, str]:
        """Mark duplicate rows; returns the letters held while their code is repeated."""
        held: dict[str, str] = {}
        by_row: dict[int, str] | None = None
        for problem in problems:
            if problem.tab != SURAT.name or not problem.key.startswith("dup:"):
                continue
            if by_row is None:
                by_row = {letter.row: letter.key for letter in self.current.letters}
            self.changes.markers[problem.key] = text(
                "notifier.duplicate_row", problem=problem.message
            )
            match = _ORIGINAL_ROW.search(problem.message)
            original = by_row.get(int(match.group(1))) if match else None
            if original:
                held[original] = text("notifier.duplicated_letter", row=problem.row)
        return held

    def _row_without_valid_code(self, letter: Letter, key: str) -> None:
        if letter.code:  # typed by hand and invalid
            try:
                tracking_code.normalise(letter.code)
                reason = ""
            except InvalidTrackingCode as error:
                reason = str(error)
            self.changes.markers[key] = text("notifier.invalid_code", reason=reason)
            return
        pending = self.prev.pending.get(key)
        code = pending.code if pending is not None else self.new_code()
        self.changes.assigned[key] = code
        if pending is None:
            self.changes.pending_new[key] = PendingCode(key, code, self.baseline)

    # -- letters -------------------------------------------------------------------
    def _new_letter(self, letter: Letter, code: str, moved: Position | None, quiet: bool) -> None:
        status = _status(letter.status)
        state = LetterState(
            code,
            *_cell_values(letter),
            status=status or "",
            disposition=letter.disposition,
            receipt=RECEIPT_SENT if quiet else RECEIPT_NONE,
            updated_at=letter.updated_at if quiet else self.stamp,
            notification=letter.notification if quiet else "",
            marker=_status_marker(letter.status, status),
        )
        received = letter.received_at or self.stamp
        steps = self.changes.steps
        steps.append(Step(code, RECEIVED, received))
        if quiet:
            # A letter already in the sheet when tracking began: its history
            # starts with its receipt; the disposition and status it has are its
            # current state, not steps with a time Sitras never saw.
            self.changes.letters[code] = state
            return
        if letter.disposition:
            steps.append(Step(code, DISPOSED, received, letter.disposition))
        if status:
            steps.append(Step(code, STATUS, received, status))
        state = self._receipt(state, letter.whatsapp)
        if moved is not None:
            state = self._move_event(state, moved, letter.whatsapp)
        self.changes.letters[code] = state

    def _changed(self, state: LetterState, letter: Letter, moved: Position | None) -> None:
        code = state.code
        before = state
        status = _status(letter.status)
        state = _cells(state, letter)
        state = state._replace(present=True, marker=_status_marker(letter.status, status))
        if (
            state.receipt != RECEIPT_SENT
            and letter.whatsapp
            and (before.receipt == RECEIPT_NONE or letter.whatsapp != before.whatsapp)
        ):
            state = self._receipt(state, letter.whatsapp)
        if moved is not None:
            state = self._move_event(state, moved, letter.whatsapp)
        if letter.disposition and letter.disposition != before.disposition:
            state = self._event(state, DISPOSED, letter.whatsapp, disposition=letter.disposition)
            self.changes.steps.append(Step(code, DISPOSED, self.stamp, letter.disposition))
            state = state._replace(disposition=letter.disposition)
        if status and status != before.status:
            state = self._event(state, STATUS, letter.whatsapp, status=status)
            self.changes.steps.append(Step(code, STATUS, self.stamp, status))
            state = state._replace(status=status)
        self.changes.letters[code] = state

    def _moved(self, state: LetterState, moved: Position, whatsapp: str) -> None:
        self.changes.letters[state.code] = self._move_event(
            self.changes.letters.get(state.code, state), moved, whatsapp
        )

    def _receipt(self, state: LetterState, whatsapp: str) -> LetterState:
        if not whatsapp.strip():  # the receipt waits for a number
            return state._replace(notification=text("notifier.no_phone"), updated_at=self.stamp)
        to, error = self._recipient(whatsapp)
        ref = to or whatsapp
        values = {"time": state.received_at or self.stamp}
        state = self._event(state, RECEIVED, whatsapp, ref=ref, **values)
        return state._replace(receipt=RECEIPT_BAD if error else RECEIPT_SENT)

    def _move_event(self, state: LetterState, moved: Position, whatsapp: str) -> LetterState:
        desk = self.desks.get(moved.desk)
        return self._event(
            state,
            MOVED,
            whatsapp,
            ref=moved.scan_id,
            desk=desk.name if desk and desk.name else moved.desk,
            desk_code=moved.desk,
            responsible=desk.responsible if desk else "",
            since=moved.since,
        )

    def _event(
        self, state: LetterState, kind: str, whatsapp: str, *, ref: str = "", **values: str
    ) -> LetterState:
        """Add an event (or, without a number, say in the row that none went out)."""
        if not whatsapp.strip():
            return state._replace(notification=text("notifier.no_phone"), updated_at=self.stamp)
        to, error = self._recipient(whatsapp)
        display = tracking_code.display(state.code)
        value = values.get("desk_code") or values.get("status") or values.get("disposition", "")
        self.changes.events.append(
            Event(
                id=event_id(state.code, kind, value, ref or state.rev),
                kind=kind,
                code=state.code,
                to=to,
                to_masked=mask(to or whatsapp),
                values={
                    "code": display,
                    "subject": state.subject,
                    "sender": state.sender,
                    "time": self.stamp,
                    **values,
                },
                error=error,
            )
        )
        return state._replace(rev=state.rev + 1, updated_at=self.stamp)

    def _recipient(self, whatsapp: str) -> tuple[str, str]:
        """(digits, "") for a usable number, ("", reason) otherwise."""
        known = self._recipients.get(whatsapp)
        if known is None:
            try:
                known = (normalise_whatsapp(whatsapp), "")
            except InvalidPhoneNumber as error:
                known = ("", str(error))
            self._recipients[whatsapp] = known
        return known


@lru_cache(maxsize=256)
def _status(cell: str) -> str | None:
    """The canonical status a cell holds; "" when blank, None when not in the list."""
    if not cell:
        return ""
    status = Status.parse(cell)
    return status.value if status is not None else None


@dataclass(slots=True)
class _Run:
    """A code's latest run of scans at one desk, as ``_Differ._scans`` walks
    back through them: the desk, the earliest scan of the run so far, the
    latest scan, the previous position and whether a scan at another desk
    ended the run."""

    desk: str
    since: Scan
    latest: Scan
    before: Position | None
    broken: bool = False

    def covered(self, scan: Scan) -> bool:
        """Whether the previous position already covers the scan (not after its last)."""
        before = self.before
        return before is not None and (scan.time, scan.scan_id) <= (
            before.last_time,
            before.last_scan_id,
        )


def desk_code(text: str) -> str:
    """A desk code as the notifier keys it (the Meja tab's code, any case)."""
    return text.strip().upper()


def _cells(state: LetterState, letter: Letter) -> LetterState:
    return state._replace(**dict(zip(_CELL_FIELDS, _cell_values(letter), strict=True)))


# The clerk's cells a LetterState keeps: its fields after ``code``, in this order.
_CELL_FIELDS = LetterState._fields[1:10]


def _cell_values(letter: Letter) -> tuple[str, ...]:
    """The row's values for ``_CELL_FIELDS``."""
    return (
        letter.number,
        letter.subject,
        letter.sender,
        letter.sender_org,
        letter.whatsapp,
        letter.received_at,
        letter.addressed_to,
        letter.status,
        letter.disposition,
    )


def _status_marker(cell: str, status: str | None) -> str:
    if status is not None:
        return ""
    return text("notifier.unknown_status", status=cell, choices=", ".join(STATUS_VALUES))


# -- write-back -----------------------------------------------------------------------
def sheet_updates(
    current: RegisterSnapshot,
    snapshot: Snapshot,
    changes: Changes,
    written: Mapping[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """The system cells to write, by row key: only those that differ from what
    the sheet shows now (``written``: the Notifikasi text last written on rows
    that are not letters, i.e. duplicate rows)."""
    written = written or {}
    updates: dict[str, dict[str, str]] = {
        key: {"code": tracking_code.display(code)} for key, code in changes.assigned.items()
    }
    for key, note in changes.markers.items():
        if key.startswith("dup:") and written.get(key) != note:
            updates[key] = {"notification": note}
    letters, positions, desks = snapshot.letters, snapshot.positions, snapshot.desks
    for letter in current.letters:
        key = letter.key or letter_key(letter)
        state = letters.get(key)
        note = changes.markers.get(key) or (state.marker or state.notification if state else "")
        want: dict[str, str] = {}
        if note and note != letter.notification:
            want["notification"] = note
        if state is not None:
            position = positions.get(key)
            if position is not None:
                desk = desks.get(position.desk)
                responsible = desk.responsible if desk else ""
                if letter.position != position.desk:
                    want["position"] = position.desk
                if letter.responsible != responsible:
                    want["responsible"] = responsible
            if state.updated_at and letter.updated_at != state.updated_at:
                want["updated_at"] = state.updated_at
        if want:
            updates.setdefault(key, {}).update(want)
    return updates
