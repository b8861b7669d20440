"""The station's spool: every scan is committed to the local SQLite state file
first, then sent to the register in the background.

A scan moves ``pending`` → ``sending`` → ``synced``. Rows are marked ``sending``
(committed) before the register is called and ``synced`` after it answered, so a
row found in ``sending`` — after a crash, a lost answer or any failure — may or
may not be in the register: it is sent again with ``verify=True`` and the
register skips the ``ID Pindai`` already there. The register never gets a
second row, and nothing is lost while it is offline. Batches go out in spool
order; a failed batch holds back everything after it.

One table in the shared state file, ``spool_scans``; WAL, one short
transaction per call. Two station processes may share the state file: a sender
lock (``Spool.acquire_sender``) makes sure only one of them sends at a time."""

from __future__ import annotations

import contextlib
import logging
import random
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sitras_sheets.backoff import backoff_delay
from sitras_sheets.errors import SitrasError
from sitras_sheets.models import Scan

log = logging.getLogger(__name__)

PENDING, SENDING, SYNCED = "pending", "sending", "synced"
DEFAULT_BATCH_SIZE = 200
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS spool_scans (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        scan_id TEXT NOT NULL UNIQUE,
        time TEXT NOT NULL,
        code TEXT NOT NULL,
        desk TEXT NOT NULL,
        officer TEXT NOT NULL DEFAULT '',
        station TEXT NOT NULL DEFAULT '',
        remarks TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'synced')),
        spooled_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        synced_at REAL
    )""",
    "CREATE INDEX IF NOT EXISTS spool_scans_state ON spool_scans (state, seq)",
)


class SpoolError(SitrasError):
    """The state file could not be written: the scan is NOT stored."""


def new_scan_id(
    now: Callable[[], float] = time.time, randbytes: Callable[[int], bytes] = secrets.token_bytes
) -> str:
    """A ULID: 48 bits of milliseconds and 80 random bits as 26 Crockford symbols.
    Sorts by time (ties in the sheet's minute-resolution ``Waktu`` can be broken by
    it) and cannot be guessed."""
    value = (int(now() * 1000) & (2**48 - 1)) << 80 | int.from_bytes(randbytes(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


@dataclass(frozen=True)
class SpoolEntry:
    seq: int
    scan: Scan
    state: str
    attempts: int


@dataclass(frozen=True)
class SpoolCounts:
    pending: int  # pending + sending: not confirmed in the register yet
    synced: int

    @property
    def total(self) -> int:
        return self.pending + self.synced


class ScanSink(Protocol):
    def append_scans(self, scans: Sequence[Scan], *, verify: bool = False) -> int: ...


class Spool:
    def __init__(
        self,
        path: Path | str,
        *,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.sender_lock_path = self.path.with_name(self.path.name + "-spool.lock")
        self._wall = wall
        self._sender: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self.send_lock = threading.Lock()  # one sender at a time in this process
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")  # a power cut keeps committed scans
            with self._transaction() as db:
                for statement in _SCHEMA:
                    db.execute(statement)
        except (OSError, sqlite3.Error) as error:
            raise SpoolError(f"berkas status {self.path} tidak bisa dibuka: {error}") from error

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                    self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self.release_sender()
            self._db.close()

    # -- the station writes ---------------------------------------------------
    def add(self, scan: Scan) -> int:
        """Commit a scan (durably) before anything else happens; returns its spool order."""
        try:
            with self._transaction() as db:
                cursor = db.execute(
                    "INSERT INTO spool_scans (scan_id, time, code, desk, officer, station,"
                    " remarks, spooled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        scan.scan_id,
                        scan.time,
                        scan.code,
                        scan.desk,
                        scan.officer,
                        scan.station,
                        scan.remarks,
                        self._wall(),
                    ),
                )
                return int(cursor.lastrowid or 0)
        except sqlite3.Error as error:
            raise SpoolError(str(error)) from error

    # -- the sender -------------------------------------------------------------
    def next_batch(self, limit: int) -> list[SpoolEntry]:
        """The oldest scans not confirmed in the register, in spool order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, scan_id, time, code, desk, officer, station, remarks, state,"
                " attempts FROM spool_scans WHERE state != 'synced' ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [SpoolEntry(row[0], Scan(*row[1:8]), state=row[8], attempts=row[9]) for row in rows]

    def mark_sending(self, seqs: Sequence[int]) -> None:
        self._update(seqs, "state = 'sending', attempts = attempts + 1", "state != 'synced'", ())

    def mark_synced(self, seqs: Sequence[int]) -> None:
        self._update(seqs, "state = 'synced', synced_at = ?, last_error = ''", "1", (self._wall(),))

    def record_error(self, seqs: Sequence[int], error: str) -> None:
        self._update(seqs, "last_error = ?", "state = 'sending'", (error[:500],))

    def _update(self, seqs: Sequence[int], assign: str, where: str, values: tuple) -> None:
        if not seqs:
            return
        marks = ", ".join("?" for _ in seqs)
        with self._transaction() as db:
            db.execute(
                f"UPDATE spool_scans SET {assign} WHERE {where} AND seq IN ({marks})",
                (*values, *seqs),
            )

    def acquire_sender(self) -> bool:
        """Become (or stay) the one process sending this spool; False while another
        process is. The lock is an exclusive transaction on a small side file
        (``<state>-spool.lock``): the operating system frees it if the process dies,
        so a station restarted after a crash sends at once."""
        with self._lock:
            if self._sender is not None:
                return True
            try:
                sender = sqlite3.connect(
                    self.sender_lock_path, timeout=0, isolation_level=None, check_same_thread=False
                )
            except sqlite3.Error as error:
                raise SpoolError(f"{self.sender_lock_path}: {error}") from error
            try:
                sender.execute("BEGIN EXCLUSIVE")
            except sqlite3.OperationalError:
                sender.close()
                return False
            self._sender = sender
            return True

    def release_sender(self) -> None:
        with self._lock:
            if self._sender is not None:
                self._sender.execute("ROLLBACK")
                self._sender.close()
                self._sender = None

    # -- reporting and housekeeping --------------------------------------------------
    def last_seq(self) -> int:
        with self._lock:
            return int(
                self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM spool_scans").fetchone()[0]
            )

    def counts(self, *, after_seq: int = 0) -> SpoolCounts:
        """Scans with ``seq > after_seq`` (all by default), by whether the register has them."""
        with self._lock:
            rows = dict(
                self._db.execute(
                    "SELECT state = 'synced', COUNT(*) FROM spool_scans WHERE seq > ?"
                    " GROUP BY state = 'synced'",
                    (after_seq,),
                ).fetchall()
            )
        return SpoolCounts(pending=rows.get(0, 0), synced=rows.get(1, 0))

    def prune_synced(self, older_than_seconds: float) -> int:
        """Forget synced scans older than this (the register keeps them)."""
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM spool_scans WHERE state = 'synced' AND synced_at < ?",
                (self._wall() - older_than_seconds,),
            )
            return cursor.rowcount


@dataclass(frozen=True)
class SyncResult:
    sent: int = 0  # scans confirmed in the register by this call
    appended: int = 0  # rows the register actually added (less when verify found some)
    error: str = ""  # why the batch failed ("" = it did not)
    busy: bool = False  # another process is sending this spool

    @property
    def failed(self) -> bool:
        return bool(self.error)


def sync_once(
    spool: Spool,
    register: ScanSink,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    lock_timeout: float = -1,
) -> SyncResult:
    """Send the oldest batch of unconfirmed scans in one ``append_scans`` call.
    Register errors are returned, never raised: the rows stay for the next try.
    ``busy`` if another sender is at work (waiting at most ``lock_timeout`` seconds
    for one in this process; -1 waits as long as it takes)."""
    if not spool.send_lock.acquire(timeout=lock_timeout):
        return SyncResult(busy=True)
    try:
        if not spool.acquire_sender():
            return SyncResult(busy=True)
        batch = spool.next_batch(batch_size)
        if not batch:
            return SyncResult()
        seqs = [entry.seq for entry in batch]
        verify = any(entry.state == SENDING for entry in batch)
        spool.mark_sending(seqs)
        try:
            appended = register.append_scans([entry.scan for entry in batch], verify=verify)
        except SitrasError as error:
            spool.record_error(seqs, str(error))
            log.debug("register did not take %d scans: %s", len(seqs), error)
            return SyncResult(error=str(error) or type(error).__name__)
        spool.mark_synced(seqs)
        return SyncResult(sent=len(seqs), appended=appended)
    finally:
        spool.send_lock.release()


class Backoff:
    """The sender's pauses after failures in a row: base, 2·base, 4·base … up
    to ``maximum``, jittered (``sitras_sheets.backoff``)."""

    def __init__(
        self,
        base: float = 1.0,
        maximum: float = 60.0,
        *,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.base, self.maximum, self._rand = base, maximum, rand
        self.failures = 0

    def next(self) -> float:
        self.failures += 1
        return backoff_delay(self.failures, self.base, self.maximum, self._rand)

    def reset(self) -> None:
        self.failures = 0


def flush(
    spool: Spool,
    register: ScanSink,
    *,
    timeout: float,
    batch_size: int = DEFAULT_BATCH_SIZE,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    backoff: Backoff | None = None,
) -> SpoolCounts:
    """Send what is pending, for at most ``timeout`` seconds; returns the counts left."""
    backoff = backoff or Backoff(0.5, 5.0)
    deadline = monotonic() + timeout
    while spool.counts().pending:
        remaining = max(0.0, deadline - monotonic())
        result = sync_once(spool, register, batch_size=batch_size, lock_timeout=remaining)
        if result.sent:
            backoff.reset()
            continue
        remaining = deadline - monotonic()
        if remaining <= 0:
            break
        sleep(min(backoff.next(), remaining))
        if monotonic() >= deadline:
            break
    return spool.counts()


class SpoolSyncer:
    """The background sender: sends at once when woken (a new scan), otherwise
    every ``idle_seconds``; after a failure waits with backoff (a new scan does
    not shorten the wait, so an offline register is not hammered). ``on_tick``
    runs on this thread each round (the letter cache refresh: one thread uses the
    register). ``on_status(online)`` is called when reachability changes."""

    def __init__(
        self,
        spool: Spool,
        register: ScanSink,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        idle_seconds: float = 5.0,
        backoff: Backoff | None = None,
        on_tick: Callable[[], None] | None = None,
        on_status: Callable[[bool, str], None] | None = None,
    ) -> None:
        self.spool, self.register = spool, register
        self.batch_size, self.idle_seconds = batch_size, idle_seconds
        self.backoff = backoff or Backoff()
        self.on_tick, self.on_status = on_tick, on_status
        self.online: bool | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sitras-spool", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def round(self) -> float:
        """One round; returns how long to wait before the next one."""
        if self.on_tick is not None:
            try:
                self.on_tick()
            except Exception:  # the cache is a nicety; log it, keep sending
                log.exception("letter cache refresh failed")
        try:
            result = sync_once(self.spool, self.register, batch_size=self.batch_size)
        except Exception as error:  # a bug or a full disk must not kill the sender silently
            log.exception("spool sync failed")
            result = SyncResult(error=str(error) or type(error).__name__)
        if result.failed:
            self._set_online(False, result.error)
            return self.backoff.next()
        if result.sent:
            self._set_online(True, "")
        self.backoff.reset()
        return 0.0 if result.sent else self.idle_seconds

    def _set_online(self, online: bool, reason: str) -> None:
        if online != self.online:
            previous, self.online = self.online, online
            if self.on_status is not None and not (online and previous is None):
                self.on_status(online, reason)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # a scan spooled during the round wakes the next wait
            delay = self.round()
            if self._stop.is_set():
                break
            if self.online is False:
                self._stop.wait(delay)
            elif delay:
                self._wake.wait(delay)
