"""The station loop: events from a source → codes → debounce → spool → feedback.

Frames are decoded by ``scanner.pipeline.decode_frame``; typed lines are read
as text. A new scan is committed to the spool before the officer is told
anything, then the subject is looked up in a cached copy of the register's
letters (refreshed in the background, never read per scan).

A code that is valid but not (yet) in the register is logged anyway, with a
warning: the loket may have registered it seconds ago on another PC, and the
handoff happened either way. When a later refresh finds it, the officer is told."""

from __future__ import annotations

import enum
import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from messages import text
from scanner.debounce import Debouncer, Decision
from scanner.sources import Event, Frame, FrameKind, Notice, TypedLine, codes_in_typed_line
from scanner.sources import shown_line as _shown
from scanner.spool import Spool, SpoolError, new_scan_id
from sitras_sheets import tracking_code
from sitras_sheets.clock import Clock, sheet_time
from sitras_sheets.errors import SitrasError
from sitras_sheets.models import Desk, Letter, Scan
from sitras_sheets.register import RegisterSnapshot, letter_key

log = logging.getLogger(__name__)

DEFAULT_PROOF_RETENTION_DAYS = 90


class Outcome(enum.Enum):
    LOGGED = "logged"  # spooled; the letter is in the register
    UNREGISTERED = "unregistered"  # spooled; not in the register (yet)
    REGISTER_UNREAD = "register_unread"  # spooled; the register has not been read yet
    ALREADY = "already"  # "sudah dipindai": no new row
    REPEAT = "repeat"  # the same presentation to the camera: silent
    INVALID = "invalid"  # nothing spooled
    NOT_STORED = "not_stored"  # the spool refused it: the officer must scan again


@dataclass(frozen=True)
class ScanResult:
    outcome: Outcome
    code: str  # display form; the typed text for INVALID
    scan_id: str = ""
    subject: str = ""
    proof: Path | None = None


# -- the letters, cached ----------------------------------------------------------------
class SnapshotSource(Protocol):
    def read(self, *, scans: bool = True) -> RegisterSnapshot: ...


class LetterCache:
    """The register's letters and desks as of the last read. ``tick`` (on the
    background thread) reads again every ``refresh_seconds``, or after
    ``retry_seconds`` when a scanned code was missing or the read failed."""

    def __init__(
        self,
        register: SnapshotSource,
        *,
        refresh_seconds: float = 120.0,
        retry_seconds: float = 15.0,
        monotonic: Callable[[], float] = time.monotonic,
        on_registered: Callable[[Letter], None] | None = None,
    ) -> None:
        self.register = register
        self.refresh_seconds, self.retry_seconds = refresh_seconds, retry_seconds
        self._monotonic = monotonic
        self.on_registered = on_registered
        self._letters: dict[str, Letter] | None = None
        self.desks: dict[str, Desk] | None = None
        self._awaited: set[str] = set()
        self._lock = threading.Lock()
        self._next_read = 0.0
        self._last_read = float("-inf")

    @property
    def loaded(self) -> bool:
        return self._letters is not None

    def lookup(self, code: str) -> Letter | None:
        letters = self._letters
        return None if letters is None else letters.get(tracking_code.normalise(code))

    def load(self, snapshot: RegisterSnapshot) -> None:
        self._letters = {letter_key(letter): letter for letter in snapshot.letters}
        self.desks = dict(snapshot.desks)
        now = self._monotonic()
        with self._lock:
            self._last_read, self._next_read = now, now + self.refresh_seconds
            found = [self._letters[code] for code in self._awaited if code in self._letters]
            self._awaited -= {letter_key(letter) for letter in found}
        if self.on_registered is not None:
            for letter in found:
                self.on_registered(letter)

    def await_code(self, code: str) -> None:
        """A scanned code was not in the cache: read again soon."""
        with self._lock:
            self._awaited.add(tracking_code.normalise(code))
            self._next_read = min(self._next_read, self._last_read + self.retry_seconds)

    def tick(self) -> None:
        if self._monotonic() < self._next_read:
            return
        try:
            snapshot = self.register.read(scans=False)  # letters and desks are enough
        except SitrasError as error:
            log.debug("letter cache not refreshed: %s", error)
            with self._lock:
                self._next_read = self._monotonic() + self.retry_seconds
            return
        self.load(snapshot)


# -- proof frames -------------------------------------------------------------------------
class ProofStore:
    """The camera frame of each scan as ``<root>/<YYYY-MM-DD>/<scan id>.jpg``; date
    folders older than ``retention_days`` are deleted (None: keep everything)."""

    def __init__(
        self, root: Path | str, *, retention_days: int | None = DEFAULT_PROOF_RETENTION_DAYS
    ) -> None:
        self.root = Path(root)
        self.retention_days = retention_days
        self._pruned_on: date | None = None

    def save(self, image: np.ndarray, scan_id: str, when: datetime) -> Path:
        import cv2

        if self._pruned_on != when.date():
            self.prune(when.date())
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
        if not ok:
            raise OSError("JPEG encoding failed")
        folder = self.root / when.date().isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{scan_id}.jpg"
        partial = path.with_suffix(".part")
        partial.write_bytes(data.tobytes())
        partial.replace(path)
        return path

    def prune(self, today: date) -> int:
        """Delete date folders older than the retention; returns how many files went."""
        self._pruned_on = today
        if self.retention_days is None or not self.root.is_dir():
            return 0
        removed = 0
        for folder in self.root.iterdir():
            try:
                day = date.fromisoformat(folder.name)
            except ValueError:
                continue  # not ours
            if folder.is_dir() and (today - day).days > self.retention_days:
                removed += sum(1 for p in folder.rglob("*") if p.is_file())
                shutil.rmtree(folder, ignore_errors=True)
        return removed


# -- the station --------------------------------------------------------------------------
def _default_decode(image: np.ndarray) -> list[str]:
    from scanner.pipeline import decode_frame

    return decode_frame(image)


class Station:
    def __init__(
        self,
        *,
        desk: str,
        spool: Spool,
        letters: LetterCache,
        clock: Clock,
        station_id: str = "",
        officer: str = "",
        monotonic: Callable[[], float] = time.monotonic,
        debouncer: Debouncer | None = None,
        decode_frame: Callable[[np.ndarray], list[str]] = _default_decode,
        proofs: ProofStore | None = None,
        say: Callable[[str], None] = print,
        lang: str = "id",
        on_spooled: Callable[[], None] | None = None,
        new_id: Callable[[], str] = new_scan_id,
    ) -> None:
        self.desk = desk.strip().upper()
        self.spool, self.letters, self.clock = spool, letters, clock
        self.station_id, self.officer = station_id, officer
        self._monotonic = monotonic
        self.debouncer = debouncer or Debouncer()
        self.decode_frame = decode_frame
        self.proofs = proofs
        self.say, self.lang = say, lang
        self.on_spooled = on_spooled
        self.new_id = new_id
        self.logged = 0

    def tell(self, key: str, **values: object) -> None:
        self.say(text(key, self.lang, **values))

    def run(self, source: Iterable[Event]) -> None:
        """Handle events until the source ends or Ctrl+C (both are a clean end)."""
        events = iter(source)
        try:
            for event in events:
                self.handle(event)
        except KeyboardInterrupt:
            pass
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()  # a camera is released now, not when collected

    def handle(self, event: Event) -> list[ScanResult]:
        if isinstance(event, Notice):
            self.say(event.render(self.lang))
            return []
        if isinstance(event, TypedLine):
            codes = codes_in_typed_line(event.text)
            if not codes:
                shown = _shown(event.text)
                self.tell("scan.invalid", text=shown)
                return [ScanResult(Outcome.INVALID, shown)]
            return [self._seen(code, None) for code in codes]
        codes = self.decode_frame(event.image)
        if not codes and event.kind is FrameKind.FILE:
            self.tell("scan.no_codes", origin=event.origin)
        return [self._seen(code, event) for code in codes]

    def _seen(self, code: str, frame: Frame | None) -> ScanResult:
        shown = tracking_code.display(code)
        decision = self.debouncer.check(self.desk, shown, self._monotonic())
        if decision is Decision.REPEAT and frame is not None and frame.kind is FrameKind.CAMERA:
            return ScanResult(Outcome.REPEAT, shown)
        if decision is not Decision.NEW:
            self.tell("scan.already", code=shown, desk=self.desk)
            return ScanResult(Outcome.ALREADY, shown)
        now = self.clock()
        scan = Scan(
            scan_id=self.new_id(),
            time=sheet_time(now),
            code=shown,
            desk=self.desk,
            officer=self.officer,
            station=self.station_id,
        )
        try:
            self.spool.add(scan)
        except SpoolError as error:
            self.debouncer.forget(self.desk, shown)
            self.tell("scan.spool_failed", code=shown, reason=error)
            return ScanResult(Outcome.NOT_STORED, shown)
        self.logged += 1
        if self.on_spooled is not None:
            self.on_spooled()
        result = self._feedback(scan)  # the officer hears first; the photo can wait
        if frame is not None:
            result = replace(result, proof=self._keep_proof(frame, scan, now))
        return result

    def _keep_proof(self, frame: Frame, scan: Scan, now: datetime) -> Path | None:
        if self.proofs is None or frame.kind is not FrameKind.CAMERA:
            return None
        try:
            return self.proofs.save(frame.image, scan.scan_id, now)
        except OSError as error:
            self.tell("scan.proof_failed", code=scan.code, reason=error)
            return None

    def _feedback(self, scan: Scan) -> ScanResult:
        if not self.letters.loaded:
            self.letters.await_code(scan.code)
            self.tell("scan.logged_register_unread", code=scan.code, desk=self.desk)
            return ScanResult(Outcome.REGISTER_UNREAD, scan.code, scan.scan_id)
        letter = self.letters.lookup(scan.code)
        if letter is None:
            self.letters.await_code(scan.code)
            self.tell("scan.logged_unregistered", code=scan.code, desk=self.desk)
            return ScanResult(Outcome.UNREGISTERED, scan.code, scan.scan_id)
        subject = letter.subject or text("scan.no_subject", self.lang)
        self.tell("scan.logged", code=scan.code, desk=self.desk, subject=subject)
        return ScanResult(Outcome.LOGGED, scan.code, scan.scan_id, letter.subject)
