"""The notifier's local state in one SQLite file (shared with the station spool,
whose tables start with ``spool_``): the snapshot of the register
(``notifier_*``), the outbox (``outbox_*``) and the desk alerts already sent.

Every change of a tick is one transaction: the snapshot and the events it
produced are stored together or not at all. An outbox message moves
pending → sending → sent | failed (retried later) | dead, or merged when a newer
message for the same letter supersedes it; ``sending`` is committed before the
provider is called and the outcome right after.

The tracking page reads letters from here (``letter_view``), never from the sheet."""

from __future__ import annotations

import hmac
import itertools
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from jobs.diff import Changes, LetterState, PendingCode, Position, Snapshot, desk_code
from jobs.events import MERGEABLE, MOVED, SENDER_EVENTS, Event
from messages import text
from sitras_sheets import tracking_code
from sitras_sheets.errors import InvalidPhoneNumber, InvalidTrackingCode, SitrasError
from sitras_sheets.models import Desk, NotificationRecord, Scan, Status
from sitras_sheets.phone import last_four, normalise_whatsapp

PENDING, SENDING, SENT, FAILED, DEAD, MERGED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "dead",
    "merged",
)
# What a Notifikasi tab row says about an outcome.
_OUTCOME_TEXT = {
    "delivered": "notifier.outcome.delivered",  # delivery statuses from the webhook
    "read": "notifier.outcome.read",
    SENT: "notifier.outcome.sent",
    FAILED: "notifier.outcome.retry",
    DEAD: "notifier.outcome.dead",
}

_LETTER_FIELDS = list(LetterState._fields)
_POSITION_FIELDS = list(Position._fields)
_DESK_FIELDS = [f.name for f in fields(Desk)]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notifier_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS notifier_letters ("
    + ", ".join(
        "code TEXT PRIMARY KEY"
        if name == "code"
        else f"{name} INTEGER NOT NULL DEFAULT 0"
        if name in ("rev", "present")
        else f"{name} TEXT NOT NULL DEFAULT ''"
        for name in _LETTER_FIELDS
    )
    + ")",
    "CREATE TABLE IF NOT EXISTS notifier_positions (code TEXT PRIMARY KEY, "
    + ", ".join(f"{name} TEXT NOT NULL" for name in _POSITION_FIELDS[1:])
    + ")",
    "CREATE TABLE IF NOT EXISTS notifier_desks (code TEXT PRIMARY KEY, "
    + ", ".join(f"{name} TEXT NOT NULL" for name in _DESK_FIELDS[1:])
    + ")",
    """CREATE TABLE IF NOT EXISTS notifier_pending_codes (
        row_key TEXT PRIMARY KEY, code TEXT NOT NULL, baseline INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS notifier_history (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, kind TEXT NOT NULL, time TEXT NOT NULL,
        value TEXT NOT NULL DEFAULT '', desk TEXT NOT NULL DEFAULT '',
        desk_name TEXT NOT NULL DEFAULT '', ref TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS notifier_history_code ON notifier_history (code, time, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS notifier_history_scan ON notifier_history (ref)"
    f" WHERE kind = '{MOVED}'",
    """CREATE TABLE IF NOT EXISTS notifier_desk_alerts (
        code TEXT NOT NULL, scan_id TEXT NOT NULL, desk TEXT NOT NULL,
        alerted_at TEXT NOT NULL, message_key TEXT NOT NULL, PRIMARY KEY (code, scan_id))""",
    """CREATE TABLE IF NOT EXISTS outbox_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        code TEXT NOT NULL,
        recipient TEXT NOT NULL,
        masked TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN
            ('pending', 'sending', 'sent', 'failed', 'dead', 'merged')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL,
        created_at REAL NOT NULL,
        finished_at REAL,
        outcome_at TEXT NOT NULL DEFAULT '',
        message_id TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        error_code TEXT NOT NULL DEFAULT '',
        report TEXT NOT NULL DEFAULT '',
        resent INTEGER NOT NULL DEFAULT 0,
        template_only INTEGER NOT NULL DEFAULT 0,
        delivery TEXT NOT NULL DEFAULT '',
        delivery_at TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox_messages (state, next_at)",
    "CREATE INDEX IF NOT EXISTS outbox_code ON outbox_messages (code)",
    "CREATE INDEX IF NOT EXISTS outbox_report ON outbox_messages (report) WHERE report != ''",
    "CREATE INDEX IF NOT EXISTS outbox_message_id ON outbox_messages (message_id)"
    " WHERE message_id != ''",
    """CREATE TABLE IF NOT EXISTS outbox_recipients (
        recipient TEXT PRIMARY KEY, last_sent_at REAL, last_inbound_at REAL)""",
    """CREATE TABLE IF NOT EXISTS outbox_inbound (
        message_id TEXT PRIMARY KEY, recipient TEXT NOT NULL, at TEXT NOT NULL)""",
)


class StateError(SitrasError):
    """The state file could not be read or written."""


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    id: str
    kind: str
    code: str
    recipient: str
    masked: str
    values: dict[str, str]
    state: str
    attempts: int
    next_at: float
    created_at: float
    template_only: bool = False


@dataclass(frozen=True)
class Report:
    """An outcome not yet shown in the sheet."""

    seq: int
    code: str
    record: NotificationRecord


@dataclass(frozen=True)
class DeskStep:
    """The letter seen at a desk (field names as the web's ``TrackStep``)."""

    time: str
    desk_code: str
    desk_name: str = ""
    role: str = ""  # the Meja tab's Penanggung Jawab


@dataclass(frozen=True)
class HistoryItem:
    kind: str  # diterima | pindah | disposisi | status
    time: str
    value: str = ""
    desk_code: str = ""
    desk_name: str = ""


@dataclass(frozen=True)
class LetterView:
    """One letter for the tracking page, from the snapshot. The fields below the
    line are private: show them only after the sender proved ``phone_last4``."""

    code: str  # bare
    status: str
    received_at: str = ""
    steps: tuple[DeskStep, ...] = ()  # desks in time order; the last is the position
    disposition: str = ""
    updated_at: str = ""
    final: bool = False
    history: tuple[HistoryItem, ...] = ()  # received, desks, dispositions, statuses
    # --- private ---
    sender_name: str = ""
    sender_org: str = ""
    subject: str = ""
    phone_last4: str = ""  # "" when no usable number is on file

    @property
    def position(self) -> DeskStep | None:
        return self.steps[-1] if self.steps else None


class StateStore:
    """The state file. Thread-safe; one connection, one lock."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        self._snapshot: Snapshot | None = None
        self._loaded = False
        try:
            if readonly:
                self._db = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?mode=ro",
                    uri=True,
                    timeout=10,
                    isolation_level=None,
                    check_same_thread=False,
                )
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                with self._transaction() as db:
                    for statement in _SCHEMA:
                        db.execute(statement)
            self._db.execute("PRAGMA busy_timeout = 30000")
        except (OSError, sqlite3.Error) as error:
            raise StateError(text("notifier.state_failed", path=self.path, error=error)) from error

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                raise StateError(
                    text("notifier.state_failed", path=self.path, error=error)
                ) from error

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                raise StateError(
                    text("notifier.state_failed", path=self.path, error=error)
                ) from error

    # -- meta ------------------------------------------------------------------------
    def meta(self, key: str, default: str = "") -> str:
        rows = self._query("SELECT value FROM notifier_meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO notifier_meta VALUES (?, ?)", (key, value))

    # -- snapshot --------------------------------------------------------------------
    def snapshot(self) -> Snapshot | None:
        """What the notifier saw last; None before the baseline. Loaded once,
        then kept in memory and updated by ``apply``."""
        with self._lock:
            if not self._loaded:
                self._snapshot = self._load() if self.meta("baseline_at") else None
                self._loaded = True
            return self._snapshot

    def _load(self) -> Snapshot:
        names = ", ".join(_LETTER_FIELDS)
        letters = {}
        for row in self._query(f"SELECT {names} FROM notifier_letters"):
            state = LetterState._make(row)
            letters[state.code] = state._replace(present=bool(state.present))
        positions = {
            row[0]: Position._make(row)
            for row in self._query(f"SELECT {', '.join(_POSITION_FIELDS)} FROM notifier_positions")
        }
        desks = {
            row[0]: Desk(*row)
            for row in self._query(f"SELECT {', '.join(_DESK_FIELDS)} FROM notifier_desks")
        }
        pending = {
            row[0]: PendingCode(row[0], row[1], bool(row[2]))
            for row in self._query("SELECT row_key, code, baseline FROM notifier_pending_codes")
        }
        scan_ids = {
            row[0]
            for row in self._query(f"SELECT ref FROM notifier_history WHERE kind = '{MOVED}'")
        }
        return Snapshot(letters, positions, scan_ids, desks, pending)

    def apply(self, changes: Changes, *, now: float, stamp: str) -> int:
        """Store the changes of one tick and enqueue its events, in one
        transaction; returns how many events were new to the outbox."""
        snapshot = self.snapshot()
        if not changes.stored and not (changes.baseline and snapshot is None):
            return 0
        with self._transaction() as db:
            if changes.letters:
                db.executemany(
                    f"INSERT OR REPLACE INTO notifier_letters ({', '.join(_LETTER_FIELDS)})"
                    f" VALUES ({', '.join('?' for _ in _LETTER_FIELDS)})",
                    list(changes.letters.values()),
                )
            if changes.positions:
                db.executemany(
                    "INSERT OR REPLACE INTO notifier_positions VALUES (?, ?, ?, ?, ?, ?)",
                    list(changes.positions.values()),
                )
            if changes.desks is not None:
                db.execute("DELETE FROM notifier_desks")
                db.executemany(
                    "INSERT INTO notifier_desks VALUES (?, ?, ?, ?, ?)",
                    [astuple(desk) for desk in changes.desks.values()],
                )
            db.executemany(
                "DELETE FROM notifier_pending_codes WHERE row_key = ?",
                [(key,) for key in changes.pending_done],
            )
            db.executemany(
                "INSERT OR REPLACE INTO notifier_pending_codes VALUES (?, ?, ?)",
                [(p.row_key, p.code, int(p.baseline)) for p in changes.pending_new.values()],
            )
            desks = changes.desks if changes.desks is not None else _desks_of(snapshot)
            names = {code: desk.name for code, desk in desks.items()}
            db.executemany(  # a scan once only (unique index on the scan id)
                "INSERT OR IGNORE INTO notifier_history"
                " (code, kind, time, value, desk, desk_name, ref) VALUES (?, ?, ?, ?, ?, ?, ?)",
                itertools.chain(
                    (
                        (s.code, s.kind, s.time, s.value, s.desk, s.desk_name, s.ref)
                        for s in changes.steps
                    ),
                    (_scan_row(scan, names) for scan in changes.scans),
                ),
            )
            added = self._enqueue(db, changes.events, now=now, stamp=stamp)
            if changes.baseline:
                db.execute(
                    "INSERT OR REPLACE INTO notifier_meta VALUES ('baseline_at', ?)", (stamp,)
                )
        with self._lock:
            if self._snapshot is None:
                self._snapshot = Snapshot()
            self._snapshot.apply(changes)
        return added

    # -- outbox: enqueue -------------------------------------------------------------
    def enqueue(self, events: Iterable[Event], *, now: float, stamp: str) -> int:
        with self._transaction() as db:
            return self._enqueue(db, events, now=now, stamp=stamp)

    def _enqueue(
        self, db: sqlite3.Connection, events: Iterable[Event], *, now: float, stamp: str
    ) -> int:
        added = 0
        for event in events:
            dead = bool(event.error)
            cursor = db.execute(
                "INSERT OR IGNORE INTO outbox_messages (id, kind, code, recipient, masked,"
                " payload, state, next_at, created_at, finished_at, outcome_at, reason, report)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event.id,
                    event.kind,
                    event.code,
                    event.to,
                    event.to_masked,
                    json.dumps(dict(event.values), ensure_ascii=False),
                    DEAD if dead else PENDING,
                    now,
                    now,
                    now if dead else None,
                    stamp if dead else "",
                    event.error,
                    DEAD if dead else "",
                ),
            )
            added += cursor.rowcount
        return added

    def record_alert(
        self, event: Event, scan_id: str, desk: str, *, now: float, stamp: str
    ) -> bool:
        """A desk alert (``terlambat``): recorded once per stay at a desk."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO notifier_desk_alerts VALUES (?, ?, ?, ?, ?)",
                (event.code, scan_id, desk, stamp, event.id),
            )
            if cursor.rowcount == 0:
                return False
            self._enqueue(db, [event], now=now, stamp=stamp)
            return True

    def alerted(self) -> set[tuple[str, str]]:
        return {tuple(row) for row in self._query("SELECT code, scan_id FROM notifier_desk_alerts")}

    # -- outbox: delivery ------------------------------------------------------------
    def recover_sending(self) -> int:
        """Messages left in ``sending`` by a process that stopped mid-request: they
        may have been sent. They go back to pending (sent again: a duplicate is
        better than a loss) and are counted in ``resent``."""
        with self._transaction() as db:
            cursor = db.execute(
                f"UPDATE outbox_messages SET state = '{PENDING}', resent = resent + 1"
                f" WHERE state = '{SENDING}'"
            )
            return cursor.rowcount

    def supersede(self, *, now: float) -> int:
        """Mark merged the unsent messages that a newer one of the same kind for
        the same letter replaces (a burst of moves → only the latest position)."""
        kinds = ", ".join(f"'{kind}'" for kind in MERGEABLE)
        with self._transaction() as db:
            cursor = db.execute(
                f"UPDATE outbox_messages SET state = '{MERGED}', finished_at = ?"
                f" WHERE state IN ('{PENDING}', '{FAILED}') AND kind IN ({kinds})"
                " AND EXISTS (SELECT 1 FROM outbox_messages AS newer"
                "  WHERE newer.code = outbox_messages.code AND newer.kind = outbox_messages.kind"
                "  AND newer.recipient = outbox_messages.recipient"
                f"  AND newer.seq > outbox_messages.seq AND newer.state != '{MERGED}')",
                (now,),
            )
            return cursor.rowcount

    def due(self, *, now: float, limit: int = 200) -> list[OutboxEntry]:
        rows = self._query(
            "SELECT seq, id, kind, code, recipient, masked, payload, state, attempts, next_at,"
            " created_at, template_only FROM outbox_messages"
            f" WHERE state IN ('{PENDING}', '{FAILED}') AND next_at <= ? ORDER BY seq LIMIT ?",
            (now, limit),
        )
        return [
            OutboxEntry(*row[:6], json.loads(row[6]), *row[7:11], bool(row[11])) for row in rows
        ]

    def waiting(self) -> int:
        rows = self._query(
            f"SELECT COUNT(*) FROM outbox_messages WHERE state IN ('{PENDING}', '{FAILED}')"
        )
        return int(rows[0][0])

    def mark_sending(self, entry: OutboxEntry, *, now: float) -> bool:
        """Claim the message for one request; committed before the request."""
        with self._transaction() as db:
            cursor = db.execute(
                f"UPDATE outbox_messages SET state = '{SENDING}', attempts = attempts + 1"
                f" WHERE seq = ? AND state IN ('{PENDING}', '{FAILED}')",
                (entry.seq,),
            )
            if cursor.rowcount:
                db.execute(
                    "INSERT INTO outbox_recipients (recipient, last_sent_at) VALUES (?, ?)"
                    " ON CONFLICT (recipient) DO UPDATE SET last_sent_at = excluded.last_sent_at",
                    (entry.recipient, now),
                )
            return bool(cursor.rowcount)

    def record_sent(self, entry: OutboxEntry, message_id: str, *, now: float, stamp: str) -> None:
        self._finish(entry, SENT, now=now, stamp=stamp, message_id=message_id, report=SENT)

    def record_dead(
        self, entry: OutboxEntry, reason: str, *, now: float, stamp: str, error_code: str = ""
    ) -> None:
        self._finish(entry, DEAD, now=now, stamp=stamp, reason=reason, error_code=error_code)

    def record_retry(
        self,
        entry: OutboxEntry,
        reason: str,
        *,
        next_at: float,
        stamp: str,
        error_code: str = "",
        template_only: bool = False,
    ) -> None:
        """A transient failure: tried again at ``next_at``. Only the first failure
        of a message is reported in the sheet."""
        with self._transaction() as db:
            db.execute(
                f"UPDATE outbox_messages SET state = '{FAILED}', next_at = ?, reason = ?,"
                " error_code = ?, outcome_at = ?, template_only = template_only OR ?,"
                f" report = CASE WHEN attempts = 1 THEN '{FAILED}' ELSE report END"
                " WHERE seq = ?",
                (next_at, reason, error_code, stamp, int(template_only), entry.seq),
            )

    def release(self, entry: OutboxEntry) -> None:
        """Give a claimed message back untried (the provider is paused)."""
        with self._transaction() as db:
            db.execute(
                f"UPDATE outbox_messages SET state = '{PENDING}', attempts = attempts - 1"
                " WHERE seq = ?",
                (entry.seq,),
            )

    def defer(self, entry: OutboxEntry, next_at: float) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox_messages SET next_at = ? WHERE seq = ? AND state IN (?, ?)",
                (next_at, entry.seq, PENDING, FAILED),
            )

    def _finish(
        self,
        entry: OutboxEntry,
        state: str,
        *,
        now: float,
        stamp: str,
        message_id: str = "",
        reason: str = "",
        error_code: str = "",
        report: str = DEAD,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE outbox_messages SET state = ?, finished_at = ?, outcome_at = ?,"
                " message_id = ?, reason = ?, error_code = ?, report = ? WHERE seq = ?",
                (state, now, stamp, message_id, reason, error_code, report, entry.seq),
            )

    def last_contact(self, recipient: str) -> float | None:
        rows = self._query(
            "SELECT last_sent_at FROM outbox_recipients WHERE recipient = ?", (recipient,)
        )
        return rows[0][0] if rows and rows[0][0] is not None else None

    def window_open(self, recipient: str, *, now: float, hours: float = 24.0) -> bool:
        rows = self._query(
            "SELECT last_inbound_at FROM outbox_recipients WHERE recipient = ?", (recipient,)
        )
        return bool(rows and rows[0][0] is not None and now - rows[0][0] < hours * 3600 - 60)

    def counts(self) -> dict[str, int]:
        return dict(self._query("SELECT state, COUNT(*) FROM outbox_messages GROUP BY state"))

    # -- outbox: what the sheet shows --------------------------------------------------
    def reports(self, limit: int = 500) -> list[Report]:
        rows = self._query(
            "SELECT seq, kind, code, masked, report, outcome_at, message_id, reason"
            " FROM outbox_messages WHERE report != '' ORDER BY seq LIMIT ?",
            (limit,),
        )
        reports = []
        for seq, kind, code, masked, report, outcome_at, message_id, reason in rows:
            key = _OUTCOME_TEXT.get(report, "notifier.outcome.dead")
            record = NotificationRecord(
                time=outcome_at,
                code=_display(code),
                event=kind,
                to=masked,
                status=text(key),
                message_id=message_id,
                remarks=reason if report != SENT else "",
            )
            reports.append(Report(seq, code, record))
        return reports

    def has_reports(self) -> bool:
        return bool(self._query("SELECT 1 FROM outbox_messages WHERE report != '' LIMIT 1"))

    def mark_reported(self, seqs: Sequence[int]) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE outbox_messages SET report = '' WHERE seq = ?", [(s,) for s in seqs]
            )

    def refresh_notifications(self, codes: Iterable[str]) -> dict[str, str]:
        """Recompute the Notifikasi cell of these letters from their messages
        (``Terkirim 3/3``, ``Gagal: …``); returns the texts that changed."""
        snapshot = self.snapshot()
        if snapshot is None:
            return {}
        kinds = ", ".join(f"'{kind}'" for kind in SENDER_EVENTS)
        changed: dict[str, str] = {}
        for code in set(codes):
            state = snapshot.letters.get(code)
            if state is None:
                continue
            rows = self._query(
                "SELECT state, reason, finished_at FROM outbox_messages"
                f" WHERE code = ? AND kind IN ({kinds}) AND state != '{MERGED}' ORDER BY seq",
                (code,),
            )
            note = notification_text(rows)
            if note and note != state.notification:
                changed[code] = note
        if changed:
            with self._transaction() as db:
                db.executemany(
                    "UPDATE notifier_letters SET notification = ? WHERE code = ?",
                    [(note, code) for code, note in changed.items()],
                )
            with self._lock:
                for code, note in changed.items():
                    snapshot.letters[code] = snapshot.letters[code]._replace(notification=note)
        return changed

    # -- the web: delivery statuses and inbound messages --------------------------------
    def record_delivery_status(
        self,
        message_id: str,
        status: str,
        at: str,
        *,
        advance: Callable[[str, str], str],
        now: float,
        reason: str = "",
        error_code: str = "",
    ) -> bool:
        """A provider's delivery status (delivered, read, failed) of a sent
        message, moved only forward by ``advance``; False when no message has
        this id. Each change is reported to the sheet by the next sync (a row in
        the Notifikasi tab); ``failed`` makes the message dead with ``reason``,
        which the letter's Notifikasi cell then shows."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT seq, delivery FROM outbox_messages WHERE message_id = ?", (message_id,)
            ).fetchall()
            for seq, current in rows:
                kept = advance(current, status)
                if kept == current:
                    continue
                if kept == "failed":
                    db.execute(
                        "UPDATE outbox_messages SET delivery = ?, delivery_at = ?, state = ?,"
                        " finished_at = ?, outcome_at = ?, reason = ?, error_code = ?, report = ?"
                        " WHERE seq = ?",
                        (kept, at, DEAD, now, at, reason, error_code, DEAD, seq),
                    )
                elif kept == SENT:  # the send itself was reported already
                    db.execute(
                        "UPDATE outbox_messages SET delivery = ?, delivery_at = ? WHERE seq = ?",
                        (kept, at, seq),
                    )
                else:
                    db.execute(
                        "UPDATE outbox_messages SET delivery = ?, delivery_at = ?,"
                        " outcome_at = ?, report = ? WHERE seq = ?",
                        (kept, at, at, kept, seq),
                    )
            return bool(rows)

    def record_inbound(self, recipient: str, *, now: float, message_id: str = "") -> bool:
        """The recipient wrote to us (their 24-hour window opens); False when this
        message id was seen before."""
        with self._transaction() as db:
            if message_id:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO outbox_inbound VALUES (?, ?, ?)",
                    (message_id, recipient, str(now)),
                )
                if cursor.rowcount == 0:
                    return False
            db.execute(
                "INSERT INTO outbox_recipients (recipient, last_inbound_at) VALUES (?, ?)"
                " ON CONFLICT (recipient) DO UPDATE SET last_inbound_at = excluded.last_inbound_at",
                (recipient, now),
            )
            return True

    # -- the tracking page -------------------------------------------------------------
    def letter_view(self, code: str) -> LetterView | None:
        """The letter with this code (any form) from the snapshot; None if unknown."""
        try:
            bare = tracking_code.normalise(code)
        except InvalidTrackingCode:
            return None
        names = ", ".join(_LETTER_FIELDS)
        try:
            rows = self._query(f"SELECT {names} FROM notifier_letters WHERE code = ?", (bare,))
        except StateError:
            if self.readonly:  # the notifier has not created its tables yet
                return None
            raise
        if not rows:
            return None
        state = LetterState._make(rows[0])
        desks = {
            row[0]: (row[1], row[2])
            for row in self._query("SELECT code, name, responsible FROM notifier_desks")
        }
        history: list[HistoryItem] = []
        steps: list[DeskStep] = []
        for kind, time, value, desk, desk_name in self._query(
            "SELECT kind, time, value, desk, desk_name FROM notifier_history"
            " WHERE code = ? ORDER BY time, id",
            (bare,),
        ):
            name, role = desks.get(desk, (desk_name, ""))
            history.append(HistoryItem(kind, time, value, desk, name))
            if kind == MOVED and (not steps or steps[-1].desk_code != desk):
                steps.append(DeskStep(time, desk, name, role))
        status = Status.parse(state.status) if state.status else None
        return LetterView(
            code=bare,
            status=state.status,
            received_at=state.received_at,
            steps=tuple(steps),
            disposition=state.disposition,
            updated_at=state.updated_at,
            final=bool(status and status.is_final),
            history=tuple(history),
            sender_name=state.sender,
            sender_org=state.sender_org,
            subject=state.subject,
            phone_last4=_last4(state.whatsapp),
        )

    def sender_matches(self, code: str, wa_digits: str) -> bool:
        """Whether ``wa_digits`` is the WhatsApp number on file for the letter."""
        try:
            bare = tracking_code.normalise(code)
        except InvalidTrackingCode:
            return False
        rows = self._query("SELECT whatsapp FROM notifier_letters WHERE code = ?", (bare,))
        if not rows:
            return False
        try:
            on_file = normalise_whatsapp(rows[0][0])
        except InvalidPhoneNumber:
            return False
        return hmac.compare_digest(on_file.encode(), str(wa_digits).encode())


def notification_text(rows: Sequence[tuple[str, str, float | None]]) -> str:
    """The Notifikasi cell from a letter's messages (state, reason, finished_at)."""
    if not rows:
        return ""
    total = len(rows)
    sent = sum(1 for state, _, _ in rows if state == SENT)
    finished = [row for row in rows if row[0] in (SENT, DEAD) and row[2] is not None]
    if finished:
        last = max(finished, key=lambda row: row[2])
        if last[0] == DEAD:
            return text("notifier.failed", reason=last[1])
    retrying = [reason for state, reason, _ in rows if state == FAILED]
    if retrying:
        return text("notifier.sent_waiting", sent=sent, total=total, reason=retrying[-1])
    return text("notifier.sent_count", sent=sent, total=total)


def _scan_row(scan: Scan, names: dict[str, str]) -> tuple[str, ...]:
    desk = desk_code(scan.desk)
    code = scan.code.replace("-", "")
    return (code, MOVED, scan.time, "", desk, names.get(desk, ""), scan.scan_id)


def _desks_of(snapshot: Snapshot | None) -> dict[str, Desk]:
    return snapshot.desks if snapshot is not None else {}


def _display(code: str) -> str:
    try:
        return tracking_code.display(code)
    except InvalidTrackingCode:
        return code


def _last4(whatsapp: str) -> str:
    try:
        return last_four(normalise_whatsapp(whatsapp))
    except InvalidPhoneNumber:
        return ""
