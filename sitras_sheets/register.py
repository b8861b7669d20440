"""The register: letters, scans, desks and notifications on top of a Grid.

Rows are identified by their tracking code, never by position: clerks sort,
insert and delete rows between a read and a write, so every write goes to the
row that holds the key *now* (positions from a read at most ``index_max_age``
seconds old, else the tab is read again first)."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from sitras_sheets import tracking_code
from sitras_sheets.bulk import collector_paused
from sitras_sheets.clock import Clock, sheet_time
from sitras_sheets.errors import (
    InvalidTrackingCode,
    LetterNotFound,
    OutcomeUnknown,
    SheetLayoutError,
)
from sitras_sheets.grid import CellWrite, Grid, Tail, TailGone
from sitras_sheets.models import (
    STATUS_VALUES,
    Desk,
    Letter,
    NotificationRecord,
    Scan,
    Status,
)
from sitras_sheets.schema import (
    MEJA,
    NOTIFIKASI,
    PINDAI,
    SURAT,
    SYSTEM_FIELDS,
    TABS,
    HeaderMap,
    Tab,
    data_rows,
    map_headers,
)

# Fields the sync job may write on a letter row: the system columns, and the
# code of a row a clerk typed without one.
SYNC_FIELDS: tuple[str, ...] = (*SYSTEM_FIELDS, "code")
CODE_WRITE_MAX_AGE = 1.0  # seconds


@dataclass(frozen=True)
class RowProblem:
    tab: str
    row: int
    message: str
    key: str = ""


@dataclass(frozen=True)
class ScanMark:
    """The last scan row a read saw (its row and scan id) and the scan log's
    header map then. Stations only append to the log, so the next read can
    fetch the rows from there on (``Register.read(scans_after=…)``)."""

    row: int
    scan_id: str
    headers: HeaderMap


@dataclass(frozen=True)
class RegisterSnapshot:
    """What the register held at one read. Letters keep their row numbers only
    as a hint; ``key`` is what identifies them. ``scans`` holds the whole scan
    log, or after a ``scans_after`` read the rows from the mark on only
    (``scan_log_whole`` False)."""

    letters: list[Letter]
    scans: list[Scan]
    desks: dict[str, Desk]
    notifications: list[NotificationRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    scan_mark: ScanMark | None = None  # for the next read's scans_after
    scan_log_whole: bool = True

    def letter(self, code: str) -> Letter:
        wanted = tracking_code.normalise(code)
        for letter in self.letters:
            if letter_key(letter) == wanted:
                return letter
        raise LetterNotFound(f"kode lacak {tracking_code.display(wanted)} belum terdaftar")


def letter_key(letter: Letter) -> str:
    """The bare tracking code, or for a row without a valid code a fingerprint
    of what the clerk typed (so the row can still be found after a sort).
    Letters read from the register carry the key they were given."""
    if letter.key:
        return letter.key
    try:
        return tracking_code.normalise(letter.code)
    except InvalidTrackingCode:
        return f"row:{_fingerprint(letter)}"


def _fingerprint(letter: Letter) -> str:
    return _fingerprint_record(letter.to_record())


def _fingerprint_record(record: Mapping[str, str]) -> str:
    """What people typed in a row, hashed: the identity of a row without a code."""
    typed = "\x1f".join(f"{name}={record.get(name, '')}" for name in _TYPED_FIELDS)
    return hashlib.sha256(typed.encode()).hexdigest()[:16]


_TYPED_FIELDS = tuple(c.field for c in SURAT.columns if c.field not in SYSTEM_FIELDS)


def _occurrence_key(key: str, taken: Mapping[str, int]) -> str:
    """``key``, or ``key#2``, ``key#3``… for identical rows met again."""
    if key not in taken:
        return key
    number = 2
    while f"{key}#{number}" in taken:
        number += 1
    return f"{key}#{number}"


@dataclass
class _SuratIndex:
    headers: HeaderMap
    rows: dict[str, int]
    read_at: float


class Register:
    def __init__(
        self,
        grid: Grid,
        clock: Clock,
        *,
        index_max_age: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.grid = grid
        self.clock = clock
        self.index_max_age = index_max_age
        self._monotonic = monotonic
        self._surat_index: _SuratIndex | None = None
        self._headers: dict[str, tuple[HeaderMap, float]] = {}

    # -- set-up --------------------------------------------------------------
    def init(self) -> list[str]:
        """Create or check the four tabs; returns what changed. Raises
        SheetLayoutError if a tab exists without the headers Sitras needs."""
        changes = self.grid.ensure_layout(TABS, STATUS_VALUES)
        values = self.grid.read([tab.name for tab in TABS])
        problems = []
        for tab in TABS:
            try:
                map_headers(tab, values[tab.name][0] if values[tab.name] else [])
            except SheetLayoutError as error:
                problems.append(str(error))
        if problems:
            raise SheetLayoutError("; ".join(problems))
        return changes

    # -- reading -------------------------------------------------------------
    def read(
        self,
        *,
        scans: bool = True,
        notifications: bool = False,
        scans_after: ScanMark | None = None,
    ) -> RegisterSnapshot:
        """Surat, Meja, Pindai (unless ``scans`` is False: stations and clerks'
        look-ups need no scan log) and Notifikasi if asked, in one request. The
        header rows of the tabs not read come along, so that an append right
        after needs no read of its own.

        With ``scans_after`` (the mark of an earlier read) only the scan log's
        rows from the marked row on are fetched. The marked row must still hold
        the marked scan and the header must be unchanged; otherwise (rows
        deleted, inserted or sorted, columns moved) the whole log is read after
        all, in a second request."""
        tail = scans_after if scans else None
        tabs = [SURAT, MEJA] + ([PINDAI] if scans and tail is None else [])
        tabs += [NOTIFIKASI] if notifications else []
        header_only = [tab for tab in (PINDAI, NOTIFIKASI) if tab not in tabs]
        if tail is None:
            values = self.grid.read([tab.name for tab in tabs], [tab.name for tab in header_only])
            first_scan_row = 2
        else:
            header_only.remove(PINDAI)  # its header row comes with the tail
            values, first_scan_row = self._read_scan_tail(tabs, header_only, tail)
        with collector_paused():
            return self._snapshot(tabs, header_only, values, first_scan_row if scans else None)

    def _read_scan_tail(
        self, tabs: list[Tab], header_only: list[Tab], mark: ScanMark
    ) -> tuple[dict[str, list[list[str]]], int]:
        """The tabs with the scan log from ``mark.row`` on, checked against the
        mark; the whole log when the check fails. Returns (values, first row)."""
        names, only = [tab.name for tab in tabs], [tab.name for tab in header_only]
        try:
            values = self.grid.read(
                names, only, tails={PINDAI.name: Tail(mark.row, mark.headers.width)}
            )
        except TailGone:  # rows were deleted below the mark
            return self.grid.read([*names, PINDAI.name], only), 2
        rows = values[PINDAI.name]
        headers = map_headers(PINDAI, rows[0] if rows else [])
        if (
            headers == mark.headers
            and len(rows) > 1
            and headers.get(rows[1], "scan_id") == mark.scan_id
        ):
            return values, mark.row
        values[PINDAI.name] = self.grid.read([PINDAI.name])[PINDAI.name]
        return values, 2

    def _snapshot(
        self,
        tabs: list[Tab],
        header_only: list[Tab],
        values: dict[str, list[list[str]]],
        first_scan_row: int | None,
    ) -> RegisterSnapshot:
        """Map the cells read into letters, scans, desks and notifications
        (scans from ``first_scan_row`` on; None when the log was not read)."""
        maps = {tab.name: self._map(tab, values[tab.name]) for tab in tabs}
        for tab in header_only:
            self._map(tab, values[tab.name])
        problems: list[RowProblem] = []
        letters = self._letters(maps[SURAT.name], values[SURAT.name], problems)
        scan_log: list[Scan] = []
        mark = None
        if first_scan_row is not None:
            headers = maps.get(PINDAI.name) or self._map(PINDAI, values[PINDAI.name])
            scan_log, mark = self._scans(headers, values[PINDAI.name], problems, first_scan_row)
        desks: dict[str, Desk] = {}
        for row, cells in data_rows(values[MEJA.name]):
            desk = Desk.from_record(maps[MEJA.name].record(cells))
            if not desk.code:
                problems.append(RowProblem(MEJA.name, row, "Kode Meja kosong"))
            elif desk.code.upper() in desks:
                problems.append(RowProblem(MEJA.name, row, f"Kode Meja {desk.code!r} ganda"))
            else:
                desks[desk.code.upper()] = desk
        sent = []
        if NOTIFIKASI in tabs:
            sent = [
                _notification(maps[NOTIFIKASI.name].record(cells))
                for _, cells in data_rows(values[NOTIFIKASI.name])
            ]
        whole = first_scan_row == 2
        return RegisterSnapshot(letters, scan_log, desks, sent, problems, mark, whole)

    def _map(self, tab: Tab, values: list[list[str]]) -> HeaderMap:
        headers = map_headers(tab, values[0] if values else [])
        self._headers[tab.name] = (headers, self._monotonic())
        return headers

    def _headers_for(self, tab: Tab) -> HeaderMap:
        """The tab's header map, read again (header row only) when older than
        ``index_max_age``: a clerk may have dragged a column since."""
        cached = self._headers.get(tab.name)
        if cached and self._monotonic() - cached[1] <= self.index_max_age:
            return cached[0]
        return self._map(tab, self.grid.read([], [tab.name])[tab.name])

    def _letters(self, headers: HeaderMap, values, problems: list[RowProblem]) -> list[Letter]:
        letters: list[Letter] = []
        rows: dict[str, int] = {}
        for row, cells in data_rows(values):
            record = headers.record(cells)
            typed_code = record.get("code", "")
            try:
                key = tracking_code.normalise(typed_code)
                record["code"] = f"{key[0:4]}-{key[4:8]}-{key[8:12]}"
            except InvalidTrackingCode as error:
                key = f"row:{_fingerprint_record(record)}"
                if typed_code:
                    problems.append(RowProblem(SURAT.name, row, str(error), key))
            if key in rows and not key.startswith("row:"):
                # A second row with the same code is not a letter: it is marked
                # under a key of its own so the sync can point at it.
                duplicate = _occurrence_key(f"dup:{_fingerprint_record(record)}", rows)
                rows[duplicate] = row
                message = f"kode lacak ganda: sama dengan baris {rows[key]}"
                problems.append(RowProblem(SURAT.name, row, message, duplicate))
                continue
            key = _occurrence_key(key, rows)  # identical code-less rows stay apart
            rows[key] = row
            letter = Letter.from_record(record, row=row, key=key)
            if letter.status and Status.parse(letter.status) is None:
                problems.append(
                    RowProblem(
                        SURAT.name,
                        row,
                        f"Status {letter.status!r} tidak dikenal; pilih salah satu: "
                        + ", ".join(STATUS_VALUES),
                        key,
                    )
                )
            letters.append(letter)
        self._surat_index = _SuratIndex(headers, rows, self._monotonic())
        return letters

    def _scans(
        self, headers: HeaderMap, values, problems: list[RowProblem], first_row: int
    ) -> tuple[list[Scan], ScanMark | None]:
        """The scans of the rows read (the first at ``first_row``) and the mark
        of the last row with a scan id."""
        scans: list[Scan] = []
        seen: set[str] = set()
        last: tuple[int, str] | None = None
        for row, cells in data_rows(values, first_row):
            record = headers.record(cells)
            if not record["scan_id"]:
                problems.append(RowProblem(PINDAI.name, row, "ID Pindai kosong; baris diabaikan"))
                continue
            last = (row, record["scan_id"])
            if record["scan_id"] in seen:
                continue  # the same scan appended twice is one handoff
            seen.add(record["scan_id"])
            try:
                record["code"] = tracking_code.display(record["code"])
            except InvalidTrackingCode as error:
                problems.append(RowProblem(PINDAI.name, row, str(error)))
                continue
            scans.append(Scan(**record))
        return scans, ScanMark(*last, headers) if last else None

    # -- writing -------------------------------------------------------------
    def add_letter(self, letter: Letter) -> Letter:
        """The loket registers a letter: it gets a fresh code and a receipt time
        unless it has them, and is appended as RAW text."""
        code = (
            tracking_code.display(letter.code)
            if letter.code
            else tracking_code.display(tracking_code.generate())
        )
        letter = letter.with_values(
            code=code,
            received_at=letter.received_at or sheet_time(self.clock()),
            status=letter.status or Status.RECEIVED.value,
        )
        headers = self._headers_for(SURAT)
        self._append_unique(
            SURAT, headers, [letter.to_record()], lambda r: tracking_code.normalise(r["code"])
        )
        return letter

    def update_letters(
        self,
        updates: Mapping[str, Mapping[str, str]],
        *,
        allowed: Sequence[str] = SYNC_FIELDS,
    ) -> list[str]:
        """Write fields of letters identified by key (``letter_key``) in one
        request. Returns the keys no longer in the sheet (nothing written for them)."""
        for values in updates.values():
            refused = set(values) - set(allowed)
            if refused:
                raise ValueError(f"fields not writable here: {sorted(refused)}")
        if not updates:
            return []
        # A code written to the wrong row would give one letter two identities:
        # such writes trust positions read at most a second ago.
        assigns_code = any("code" in values for values in updates.values())
        index = self._fresh_index(CODE_WRITE_MAX_AGE if assigns_code else self.index_max_age)
        writes: list[CellWrite] = []
        missing: list[str] = []
        for key, values in updates.items():
            row = index.rows.get(key)
            if row is None:
                missing.append(key)
                continue
            for name, value in values.items():
                column = index.headers.positions.get(name)
                if column is not None:
                    writes.append(CellWrite(SURAT.name, row, column, value))
        if writes:
            self.grid.write_cells(writes)
        for key, values in updates.items():  # a code just assigned re-keys its row
            if "code" in values and key in index.rows:
                index.rows[tracking_code.normalise(values["code"])] = index.rows.pop(key)
        return missing

    def _fresh_index(self, max_age: float) -> _SuratIndex:
        index = self._surat_index
        if index is None or self._monotonic() - index.read_at > max_age:
            values = self.grid.read([SURAT.name])[SURAT.name]
            self._letters(self._map(SURAT, values), values, [])
            index = self._surat_index
        assert index is not None
        return index

    def append_scans(self, scans: Iterable[Scan], *, verify: bool = False) -> int:
        """Append scans, each at most once by its ``ID Pindai``. With ``verify``
        (a retry after an unknown outcome) the IDs already there are skipped.
        Returns how many rows were appended."""
        headers = self._headers_for(PINDAI)
        records = [scan.to_record() for scan in scans]
        return self._append_unique(PINDAI, headers, records, itemgetter("scan_id"), verify=verify)

    def add_desks(self, desks: Iterable[Desk]) -> None:
        """Append rows to the desk directory (an administrator's job in the sheet;
        the demo and a fresh local register use this)."""
        headers = self._headers_for(MEJA)
        rows = [headers.new_row(desk.to_record()) for desk in desks]
        if rows:
            self.grid.append_rows(MEJA.name, rows)

    def append_notifications(
        self, records: Iterable[NotificationRecord], *, verify: bool = False
    ) -> int:
        """Append outcome rows to the Notifikasi tab, none twice even when an
        answer was lost (rows are matched on all their cells). Returns how many
        rows were appended."""
        headers = self._headers_for(NOTIFIKASI)
        rows = [record.to_record() for record in records]
        fields = [c.field for c in NOTIFIKASI.columns if c.field in headers.positions]
        return self._append_unique(
            NOTIFIKASI,
            headers,
            rows,
            lambda r: tuple(r.get(f, "") for f in fields),
            counted=True,
            verify=verify,
        )

    def _append_unique(
        self,
        tab: Tab,
        headers: HeaderMap,
        records: list[dict[str, str]],
        key_of: Callable[[Mapping[str, str]], Hashable],
        *,
        verify: bool = False,
        counted: bool = False,
        attempts: int = 3,
    ) -> int:
        """Append records so that none appears twice, even when an earlier try
        was applied but its answer was lost: then the tab is read and the
        records already there are dropped before trying again. Keys are unique
        (a key present means every record with it is there) unless ``counted``:
        then a key present n times stands for n of the records."""
        pending = records
        for attempt in range(attempts):
            if verify or attempt:
                values = self.grid.read([tab.name])[tab.name]
                headers = self._map(tab, values)
                present: Counter[Hashable] = Counter()
                for _, cells in data_rows(values):
                    try:
                        present[key_of(headers.record(cells))] += 1
                    except InvalidTrackingCode:
                        continue
                still = []
                for record in pending:
                    key = key_of(record)
                    if not present[key]:
                        still.append(record)
                    elif counted:
                        present[key] -= 1
                pending = still
            if not pending:
                return 0
            try:
                self.grid.append_rows(tab.name, [headers.new_row(r) for r in pending])
            except OutcomeUnknown:
                if attempt == attempts - 1:
                    raise
                continue
            return len(pending)
        return 0

    # -- clerk edits without a spreadsheet (local register) ------------------
    def find(self, code: str) -> Letter:
        return self.read(scans=False).letter(code)


def _notification(record: dict[str, str]) -> NotificationRecord:
    return NotificationRecord(
        **{name: record.get(name, "") for name in NotificationRecord.__dataclass_fields__}
    )
