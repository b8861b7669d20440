"""One sync tick, a thin shell around ``jobs.diff``:

1. If the grid can tell its version (Google: Drive ``files.get``), the version
   is the one already read, the last full read is younger than
   ``full_read_seconds`` and no outcome waits to be shown: stop (one cheap call).
2. Read the register (one ``batchGet``), diff it against the snapshot, store the
   snapshot and enqueue the events in one SQLite transaction. The scan log only
   grows at the bottom, so after the first read only its rows from the last
   one seen are fetched (checked against it: rows moved above it make a whole
   read). An edit in place above it (a clerk fixing a code in an old row) moves
   nothing: when the version moved, our last tick wrote nothing and the read
   found no change, the whole log is read then; and at least every
   ``WHOLE_SCAN_LOG_SECONDS`` anyway.
3. Deliver what is due (optional, bounded), so a change reaches the sender and
   its outcome reaches the sheet in the same tick.
4. Write the system cells whose value changed (new codes, Posisi, Penanggung
   Jawab, Terakhir Diperbarui, Notifikasi) in one ``update_letters`` call, and
   the outcomes in one ``Notifikasi`` tab append.

The version seen is remembered only once the whole tick succeeded, so a failed
write is retried by the next tick. Our own writes change the version too: the
tick after a write reads once more (and finds nothing to do).

Drive's metadata has been reported to lag behind edits, so the tick measures
the lag it sees: after each of its own writes it notes how long the version
stayed unchanged (``VersionLag``), and a full read that finds changes the
unchanged version hid is logged too."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from jobs.diff import Changes, diff, sheet_updates
from jobs.state import StateStore
from messages import text
from sitras_sheets import tracking_code
from sitras_sheets.clock import Clock, sheet_time
from sitras_sheets.register import Register, RegisterSnapshot, RowProblem, ScanMark
from sitras_sheets.schema import PINDAI

APPEND_IN_FLIGHT = "notifikasi_append_in_flight"  # state meta key
# The whole scan log is read at least this often: an edit in place above the
# last row seen, made while other changes were seen or our own write moved the
# version, is read here at the latest.
WHOLE_SCAN_LOG_SECONDS = 600.0
logger = logging.getLogger("sitras.notifier")


@dataclass(frozen=True)
class VersionLag:
    """After one of our writes, Drive's version had not moved ``at_least``
    seconds later (so it lagged at least that long) and had moved ``moved_by``
    seconds later: for our write, or for an earlier edit it was still behind
    on, so ``moved_by`` bounds the lag only if nobody else edited meanwhile."""

    at_least: float
    moved_by: float


@dataclass
class TickReport:
    skipped: bool = False
    baseline: bool = False
    events: int = 0  # new in the outbox
    rows_written: int = 0
    reported: int = 0  # rows appended to the Notifikasi tab
    missing: list[str] = field(default_factory=list)  # rows gone before the write
    read_seconds: float = 0.0  # reading the register and diffing it
    version_lag: VersionLag | None = None  # measured at this tick
    missed_by_version: bool = False  # a full read found changes the version did not show
    whole_scan_log: bool = False  # the scan log was read whole (not from the last row seen)


class SyncJob:
    def __init__(
        self,
        register: Register,
        store: StateStore,
        *,
        clock: Clock,
        full_read_seconds: float = 60.0,
        deliver: Callable[[], object] | None = None,
        new_code: Callable[[], str] = tracking_code.generate,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.register = register
        self.store = store
        self.clock = clock
        self.full_read_seconds = full_read_seconds
        self.deliver = deliver
        self.new_code = new_code
        self.monotonic = monotonic
        self._seen_version: str | None = None
        self._last_read: float | None = None
        self._written: dict[str, str] = {}  # Notifikasi text written on duplicate rows
        # Our last write that Drive's version has not shown yet:
        # (the version before it, when it was written, the last tick it was not shown)
        self._unshown_write: tuple[str, float, float] | None = None
        self._scan_mark: ScanMark | None = None  # the last scan row read
        self._whole_scan_log_read: float | None = None
        self._wrote = False  # whether the last tick wrote to the sheet
        self._ignored_scan_rows: set[tuple[int, str]] = set()  # logged once each

    def tick(self) -> TickReport:
        started = self.monotonic()
        version = self._version()
        lag = self._version_lag(version, started)
        unchanged = (
            version is not None and version == self._seen_version and self._last_read is not None
        )
        if (
            unchanged
            and started - self._last_read < self.full_read_seconds
            and not self.store.has_reports()
        ):
            return TickReport(skipped=True, version_lag=lag)
        now = self.clock()
        current, changes = self._read(started, now, edited=self._edited_by_others(version))
        read_done = self.monotonic()
        report = TickReport(
            baseline=changes.baseline,
            read_seconds=read_done - started,
            version_lag=lag,
            missed_by_version=unchanged and changes.stored,
            whole_scan_log=current.scan_log_whole,
        )
        if report.missed_by_version:
            logger.info(text("notifier.version_missed", seconds=f"{self.full_read_seconds:g}"))
        self._log_ignored_scan_rows(current.problems)
        report.events = self.store.apply(changes, now=now.timestamp(), stamp=sheet_time(now))
        if self.deliver is not None:
            self.deliver()
        reports = self.store.reports()
        self.store.refresh_notifications(r.code for r in reports if r.code)
        snapshot = self.store.snapshot()
        assert snapshot is not None  # apply() made the baseline
        updates = sheet_updates(current, snapshot, changes, self._written)
        if updates:
            report.missing = self.register.update_letters(updates)
            report.rows_written = len(updates) - len(report.missing)
        self._written = {
            key: changes.markers[key]
            for key in changes.markers
            if key.startswith("dup:") and key not in report.missing
        }
        if reports:
            # If a tick died between its append and mark_reported, those rows may
            # be in the tab already: the next append checks the tab first.
            unsure = self.store.meta(APPEND_IN_FLIGHT) == "1"
            self.store.set_meta(APPEND_IN_FLIGHT, "1")
            self.register.append_notifications((r.record for r in reports), verify=unsure)
            self.store.mark_reported([r.seq for r in reports])
            self.store.set_meta(APPEND_IN_FLIGHT, "")
            report.reported = len(reports)
        self._wrote = bool(report.rows_written or reports)
        if self._wrote and version is not None and self._unshown_write is None:
            written = self.monotonic()
            self._unshown_write = (version, written, written)
        self._seen_version, self._last_read = version, started
        self._scan_mark = current.scan_mark
        if current.scan_log_whole:
            self._whole_scan_log_read = started
        if report.events or report.rows_written or report.baseline:
            logger.info(
                "sync: %d peristiwa baru, %d baris ditulis, %d hasil dicatat%s",
                report.events,
                report.rows_written,
                report.reported,
                " (baseline)" if report.baseline else "",
            )
        return report

    def _read(
        self, started: float, now: datetime, *, edited: bool
    ) -> tuple[RegisterSnapshot, Changes]:
        """Read the register (the scan log from the last row seen) and diff it.
        When someone else ``edited`` the sheet yet the read shows no change,
        the edit may be in place in an old scan row, which moves no row the
        tail check sees: the whole log is read and diffed then."""
        current = self.register.read(scans_after=self._scans_after(started))
        changes = diff(self.store.snapshot(), current, now=now, new_code=self.new_code)
        if edited and not (current.scan_log_whole or changes.stored):
            current = self.register.read()
            changes = diff(self.store.snapshot(), current, now=now, new_code=self.new_code)
        return current, changes

    def _edited_by_others(self, version: str | None) -> bool:
        """Whether Drive's version moved while our last tick wrote nothing."""
        return version is not None and version != self._seen_version and not self._wrote

    def _log_ignored_scan_rows(self, problems: list[RowProblem]) -> None:
        """A scan row typed by hand with a bad code or no ID Pindai is skipped:
        say so once, so that someone fixes it."""
        for problem in problems:
            seen = (problem.row, problem.message)
            if problem.tab == PINDAI.name and seen not in self._ignored_scan_rows:
                self._ignored_scan_rows.add(seen)
                logger.warning(
                    text("notifier.scan_row_ignored", row=problem.row, problem=problem.message)
                )

    def _scans_after(self, started: float) -> ScanMark | None:
        """Where to read the scan log from: None (the whole log) when no row
        was seen yet or the last whole read is too old."""
        last_whole = self._whole_scan_log_read
        if last_whole is None or started - last_whole >= WHOLE_SCAN_LOG_SECONDS:
            return None
        return self._scan_mark

    def _version_lag(self, version: str | None, checked: float) -> VersionLag | None:
        """Whether the version now shows our last write, and after how long."""
        if self._unshown_write is None or version is None:
            return None
        before, written, not_shown = self._unshown_write
        if version == before:
            self._unshown_write = (before, written, checked)
            return None
        self._unshown_write = None
        lag = VersionLag(max(0.0, not_shown - written), checked - written)
        if lag.at_least > 0:
            logger.info(text("notifier.version_lag", seconds=lag.at_least))
        return lag

    def _version(self) -> str | None:
        version = getattr(self.register.grid, "version", None)
        return version() if callable(version) else None
