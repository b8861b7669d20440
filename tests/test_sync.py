"""The sync tick on the real Register (LocalGrid, and the Sheets double when
present): baseline, a change notified once across restarts, clerk edits between
ticks, the write-back, and the Sheets requests a tick costs.

``Office`` (a register, a state file, a provider that records, a settable
clock) is the harness the other notifier tests use too."""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sheets_double import SheetsDouble

from jobs import events
from jobs.delivery import Backoff, Deliverer
from jobs.message_catalogue import compose
from jobs.messaging import OutboundMessage, Outcome, SendResult
from jobs.office_hours import QuietHours
from jobs.state import StateStore
from jobs.sync import WHOLE_SCAN_LOG_SECONDS, SyncJob, VersionLag
from sitras_sheets import tracking_code
from sitras_sheets.google_grid import RetryPolicy, connect
from sitras_sheets.local_grid import LocalGrid
from sitras_sheets.models import Desk, Letter, NotificationRecord, Scan
from sitras_sheets.register import Register, letter_key
from sitras_sheets.schema import MEJA, SURAT

OFFICE = ZoneInfo("Asia/Jakarta")
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=OFFICE)
PHONE = "0812-3456-7890"
DIGITS = "6281234567890"


class Clock:
    def __init__(self, now: datetime = MONDAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Recorder:
    """A provider (``jobs.messaging.Provider``) that records what it is asked to
    send and answers from a script (default: sent)."""

    script: list[SendResult] = field(default_factory=list)
    sent: list[OutboundMessage] = field(default_factory=list)
    name: str = "recorder"

    def send(self, message: OutboundMessage) -> SendResult:
        self.sent.append(message)
        if self.script:
            return self.script.pop(0)
        return SendResult(Outcome.SENT, message_id=f"wamid.{len(self.sent)}")

    def kinds(self) -> list[str]:
        return [message.event for message in self.sent]


class Office:
    """A local register with two desks, the notifier's state and its jobs."""

    def __init__(self, folder: Path, clock: Clock | None = None, *, quiet: str = "") -> None:
        self.folder = folder
        self.clock = clock or Clock()
        self.register = Register(LocalGrid(folder / "register.sqlite3"), self.clock)
        self.register.init()
        # a clerk's own session (another process): never reuses the notifier's row index
        self.clerk = Register(LocalGrid(folder / "register.sqlite3"), self.clock, index_max_age=-1)
        self.provider = Recorder()
        self.quiet = quiet
        self.scans = 0
        self._desks()
        self.start()

    def _desks(self) -> None:
        grid = self.register.grid
        headers = MEJA.headers
        rows = [
            Desk("ASPEM", "Asisten Pemerintahan", "Kasubag TU Aspem", "0813-1111-2222", "8"),
            Desk("UMUM", "Bagian Umum", "Kabag Umum", "0813-3333-4444", "16"),
        ]
        grid.append_rows(
            MEJA.name,
            [[desk.to_record()[MEJA.columns[i].field] for i in range(5)] for desk in rows],
        )
        assert len(headers) == 5

    def start(self) -> None:
        """(Re)start the notifier on the same files, as after a restart."""
        self.store = StateStore(self.folder / "state.sqlite3")
        self.store.recover_sending()
        self.deliverer = Deliverer(
            self.store,
            self.provider,
            clock=self.clock,
            compose=compose,
            quiet=QuietHours.parse(self.quiet),
            backoff=Backoff(base=30, cap=600, max_attempts=4),
            rand=lambda: 0.5,
        )
        self.sync = SyncJob(
            self.register, self.store, clock=self.clock, deliver=lambda: self.deliverer.run()
        )

    def restart(self) -> None:
        self.store.close()
        self.start()

    # -- the loket, the clerks and the stations -----------------------------------------
    def letter(self, phone: str = PHONE, **values: str) -> str:
        values = {"sender": "Siti", "subject": "Izin keramaian"} | values
        letter = self.clerk.add_letter(Letter(whatsapp=phone, **values))
        return tracking_code.normalise(letter.code)

    def edit(self, which: str, /, **values: str) -> None:
        key = tracking_code.normalise(which)
        assert self.clerk.update_letters({key: values}, allowed=tuple(values)) == []

    def scan(self, code: str, desk: str, minutes: int = 0) -> None:
        self.scans += 1
        when = (self.clock() + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
        scan_id = f"01SCAN{self.scans:06d}"
        self.clerk.append_scans([Scan(scan_id, when, tracking_code.display(code), desk)])

    def rows(self) -> list[list[str]]:
        return self.register.grid.read([SURAT.name])[SURAT.name]

    def cell(self, code: str, name: str) -> str:
        header, *rows = self.rows()
        column = header.index(SURAT.column(name).header)
        for row in rows:
            if row and row[0] == tracking_code.display(code):
                return row[column]
        raise KeyError(code)

    def notifications(self) -> list[NotificationRecord]:
        return self.register.read(notifications=True).notifications

    def tick(self):
        return self.sync.tick()


@pytest.fixture
def office(tmp_path) -> Office:
    return Office(tmp_path)


# -- baseline, once, restarts ------------------------------------------------------------
def test_the_first_tick_is_a_baseline_then_each_change_is_sent_once(office):
    old = office.letter()
    office.scan(old, "ASPEM")
    report = office.tick()
    assert report.baseline and office.provider.sent == []
    assert office.cell(old, "position") == "ASPEM"
    assert office.cell(old, "responsible") == "Kasubag TU Aspem"
    new = office.letter(phone="0857-1122-3344")
    office.tick()
    assert [(m.event, m.to) for m in office.provider.sent] == [(events.RECEIVED, "6285711223344")]
    assert office.cell(new, "notification") == "Terkirim 1/1"
    assert office.cell(new, "updated_at") == "2026-12-07 09:00"
    for _ in range(3):
        office.tick()
    assert len(office.provider.sent) == 1


def test_a_change_is_sent_once_across_restarts(office):
    code = office.letter()
    office.tick()
    office.edit(code, status="Diproses")
    office.restart()  # the change happened while the notifier was down
    office.tick()
    office.restart()
    office.tick()
    assert office.provider.kinds() == [events.STATUS]
    assert office.provider.sent[0].parameters[0] == "Diproses"


def test_a_crash_between_commit_and_write_back_loses_nothing_and_repeats_nothing(office):
    office.tick()
    code = office.letter()
    office.sync.deliver = None  # the tick dies right after its commit
    office.register.update_letters = _explode
    with pytest.raises(RuntimeError):
        office.tick()
    office.restart()
    office.register = Register(office.register.grid, office.clock)
    office.sync.register = office.register
    office.tick()
    assert office.provider.kinds() == [events.RECEIVED]
    assert office.cell(code, "notification") == "Terkirim 1/1"


def _explode(*args, **kwargs):
    raise RuntimeError("killed")


# -- clerk edits between ticks -------------------------------------------------------------
def test_clerk_edits_between_ticks(office):
    codes = [office.letter(phone=f"0812-3456-78{n:02d}") for n in range(4)]
    office.tick()
    grid_path = office.folder / "register.sqlite3"
    with sqlite3.connect(grid_path) as db:  # a clerk in a DB browser
        db.execute('INSERT INTO "Surat" DEFAULT VALUES')  # blank row
        db.execute('DELETE FROM "Surat" WHERE rowid = 2')  # delete the second letter
        db.execute(  # "sort": the first and third letters move to the bottom, reversed
            'UPDATE "Surat" SET rowid = 200 - rowid WHERE rowid IN (1, 3)'
        )
    office.tick()
    assert office.provider.sent == []
    office.edit(codes[0], status="")  # cleared status
    office.edit(codes[2], status="Beres")  # outside the list
    office.tick()
    assert office.provider.sent == []
    assert office.cell(codes[2], "notification").startswith("Status tidak dikenal: 'Beres'")
    office.edit(codes[2], status="Selesai")
    office.tick()
    assert office.provider.kinds() == [events.STATUS]
    assert office.cell(codes[2], "notification") == "Terkirim 1/1"


def test_a_row_typed_without_code_gets_one_and_then_a_receipt(office):
    office.tick()
    office.register.grid.append_rows(
        SURAT.name,
        [
            [
                {"Perihal": "Undangan", "Pengirim": "Budi", "No. WhatsApp": PHONE}.get(h, "")
                for h in SURAT.headers
            ]
        ],
    )
    report = office.tick()
    assert report.events == 0 and office.provider.sent == []
    (code,) = [row[0] for row in office.rows()[1:] if row[3] == "Undangan"]
    assert tracking_code.is_valid(code)
    office.tick()
    assert office.provider.kinds() == [events.RECEIVED]
    assert office.provider.sent[0].parameters[0] == code


def test_a_code_changed_by_hand(office):
    code = office.letter()
    office.tick()
    other = tracking_code.display(tracking_code.generate())
    office.edit(code, code=other)
    office.tick()
    assert office.provider.kinds() == [events.RECEIVED]
    assert office.provider.sent[0].parameters[0] == other


def test_duplicate_code_rows_are_marked_not_notified(office):
    code = office.letter()
    office.tick()
    header, first = office.rows()[:2]
    copy = list(first)
    copy[header.index("Status")] = "Selesai"
    office.register.grid.append_rows(SURAT.name, [copy])
    office.tick()
    assert office.provider.sent == []
    notes = [row[header.index("Notifikasi")] for row in office.rows()[1:]]
    assert notes[0].startswith("Kode lacak ganda di baris 3")
    assert notes[1].startswith("Kode lacak ganda (kode lacak ganda: sama dengan baris 2)")
    writes = office.register.grid.read([SURAT.name])
    office.tick()  # the marks are not written again
    assert office.register.grid.read([SURAT.name]) == writes
    assert letter_key(Letter(code=code)) == code


# -- moves -------------------------------------------------------------------------------
def test_a_scan_moves_the_letter_and_tells_the_sender(office):
    code = office.letter()
    office.tick()
    office.scan(code, "ASPEM")
    office.tick()
    (message,) = office.provider.sent
    assert message.event == events.MOVED
    assert message.parameters[:2] == ("Asisten Pemerintahan", "Kasubag TU Aspem")
    assert office.register.read(scans=False).letter(code).position == "ASPEM"
    assert office.cell(code, "notification") == "Terkirim 1/1"
    records = office.notifications()
    assert [(r.event, r.to, r.status) for r in records] == [
        (events.MOVED, "62812****7890", "Terkirim")
    ]


def test_only_changed_rows_are_written_in_one_request(office, monkeypatch):
    codes = [office.letter(phone=f"0812-3456-78{n:02d}") for n in range(5)]
    office.tick()
    calls = []
    original = office.register.grid.write_cells
    monkeypatch.setattr(
        office.register.grid,
        "write_cells",
        lambda writes: calls.append(list(writes)) or original(writes),
    )
    office.scan(codes[1], "UMUM")
    office.tick()
    (writes,) = calls
    assert {w.row for w in writes} == {3}
    header = office.rows()[0]
    assert {header[w.column] for w in writes} == {
        "Posisi",
        "Penanggung Jawab",
        "Terakhir Diperbarui",
        "Notifikasi",
    }
    calls.clear()
    office.tick()
    assert calls == []


# -- the Sheets double: requests per tick ------------------------------------------------------
@dataclass
class GoogleOffice:
    """The notifier on the Sheets double (real gspread over HTTP), with a
    settable monotonic clock shared by the sync, the register and the double."""

    double: SheetsDouble
    register: Register
    sync: SyncJob
    clock: Clock
    monotonic: list[float]
    provider: Recorder

    def wait(self, seconds: float) -> None:
        self.monotonic[0] += seconds
        self.clock.advance(seconds=seconds)


def google_office(folder: Path, *, drive_version_lag: float = 0.0) -> GoogleOffice:
    monotonic = [0.0]
    double = SheetsDouble(drive_version_lag=drive_version_lag, clock=lambda: monotonic[0])
    double.add_spreadsheet("sheet-1")
    grid = connect(
        "sheet-1",
        double.service_account_file(folder / "sa.json"),
        session=double.session(),
        retry=RetryPolicy(attempts=2, multiplier=0.001, max_wait=0.002, jitter=0.001),
    )
    clock = Clock()
    register = Register(grid, clock, monotonic=lambda: monotonic[0])
    register.init()
    store = StateStore(folder / "state.sqlite3")
    provider = Recorder()
    deliverer = Deliverer(store, provider, clock=clock, compose=compose)
    sync = SyncJob(
        register, store, clock=clock, deliver=deliverer.run, monotonic=lambda: monotonic[0]
    )
    return GoogleOffice(double, register, sync, clock, monotonic, provider)


def test_requests_per_tick_on_google(tmp_path):
    office = google_office(tmp_path)
    double, register, sync = office.double, office.register, office.sync
    clock, monotonic, provider = office.clock, office.monotonic, office.provider
    code = tracking_code.normalise(register.add_letter(Letter(whatsapp=PHONE, subject="A")).code)
    sync.tick()  # baseline
    monotonic[0] += 15
    sync.tick()  # reads once more after its own writes (none at the baseline here)

    def requests(action) -> dict[str, int]:
        """Sheets and Drive requests made by ``action``. A batchGet of the
        Notifikasi tab alone is the register fetching that tab's headers for the
        append (once per ``index_max_age``), counted apart from the tick's read."""
        mark = double.mark()
        monotonic[0] += 15
        clock.advance(seconds=15)
        action()
        seen: Counter[str] = Counter()
        for entry in double.requests[mark:]:
            name = entry.endpoint
            ranges = entry.params.get("ranges", [])
            if name == "values.batchGet" and all("Notifikasi" in r for r in ranges):
                name = "notifikasi headers"
            seen[name] += 1
        return dict(seen)

    def changed_tick() -> dict[str, int]:
        seen = requests(sync.tick)
        assert "notifikasi headers" not in seen  # they came with the tick's read
        return seen

    changed = {
        "drive.files.get": 1,
        "values.batchGet": 1,
        "values.batchUpdate": 1,
        "values.append": 1,
    }
    assert requests(sync.tick) == {"drive.files.get": 1}  # idle: one Drive call
    register.append_scans([Scan("01X", "2026-12-07 09:05", tracking_code.display(code), "ASPEM")])
    assert changed_tick() == changed
    assert requests(sync.tick) == {"drive.files.get": 1, "values.batchGet": 1}  # own writes
    assert requests(sync.tick) == {"drive.files.get": 1}
    register.append_scans([Scan("01Y", "2026-12-07 09:06", tracking_code.display(code), "UMUM")])
    assert changed_tick() == changed
    assert requests(sync.tick) == {"drive.files.get": 1, "values.batchGet": 1}  # own writes
    assert requests(sync.tick) == {"drive.files.get": 1}
    monotonic[0] += 60  # a full read at least every full_read_seconds
    assert requests(sync.tick) == {"drive.files.get": 1, "values.batchGet": 1}
    assert provider.kinds() == [events.MOVED, events.MOVED]


def lagging_office(folder: Path, lag: float) -> GoogleOffice:
    """An office whose Drive shows the version ``lag`` seconds late, past its
    baseline and settled, with a station's scan just appended."""
    office = google_office(folder, drive_version_lag=lag)
    code = office.register.add_letter(Letter(whatsapp=PHONE, subject="A")).code
    office.sync.tick()  # baseline
    office.wait(lag + 60)
    office.sync.tick()
    office.register.append_scans([Scan("01X", "2026-12-07 09:05", code, "ASPEM")])
    return office


def test_the_tick_measures_how_long_drives_version_takes_to_show_its_write(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="sitras.notifier")
    office = lagging_office(tmp_path, 40)
    office.wait(60)  # Drive shows the scan by now
    changed = office.sync.tick()
    assert changed.events == 1 and changed.rows_written == 1  # Posisi written
    lags = []
    for _ in range(4):
        office.wait(15)
        report = office.sync.tick()
        lags.append(report.version_lag)
    # the version had not moved 15 or 30 s after the write; it had 45 s after
    assert [lag for lag in lags if lag is not None] == [VersionLag(30.0, 45.0)]
    assert "tertinggal sedikitnya selama itu" in caplog.text


def test_a_full_read_finds_a_change_a_lagging_version_hides_and_says_so(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="sitras.notifier")
    office = lagging_office(tmp_path, 300)
    seen_after = 0
    while not office.provider.sent:
        office.wait(15)
        seen_after += 15
        report = office.sync.tick()
    assert office.provider.kinds() == [events.MOVED]
    assert report.missed_by_version  # Drive still showed the old version
    assert seen_after <= 60  # full_read_seconds bounds the delay, whatever Drive says
    assert "metadata Drive tertinggal" in caplog.text


def scanned_office(folder: Path) -> tuple[GoogleOffice, str]:
    """An office with one letter scanned three times at UMUM (Pindai rows 2-4),
    past its baseline tick; returns it and the letter's code."""
    office = google_office(folder)
    code = office.register.add_letter(Letter(whatsapp=PHONE, subject="A")).code
    office.register.append_scans(
        [Scan(f"01A{n}", f"2026-12-07 09:0{n}", code, "UMUM") for n in range(3)]
    )
    office.sync.tick()
    return office, code


def pindai_ranges(office: GoogleOffice, since: int) -> list[str]:
    return [
        a1
        for entry in office.double.requests[since:]
        if entry.endpoint == "values.batchGet"
        for a1 in entry.params.get("ranges", [])
        if a1.startswith("'Pindai'")
    ]


def test_after_the_first_read_a_tick_fetches_only_the_new_end_of_the_scan_log(tmp_path):
    office, code = scanned_office(tmp_path)  # the baseline read the whole log
    office.register.append_scans([Scan("01B", "2026-12-07 09:05", code, "ASPEM")])
    mark = office.double.mark()
    office.wait(15)

    assert office.sync.tick().events == 1

    assert pindai_ranges(office, mark) == ["'Pindai'!1:1", "'Pindai'!A4:G"]  # from row 4 on
    assert office.provider.kinds() == [events.MOVED]


def test_a_scan_typed_above_the_last_one_read_is_still_notified(tmp_path):
    office, code = scanned_office(tmp_path)
    log = office.double.spreadsheets["sheet-1"].tab("Pindai")
    log.insert_rows(3, [["01A9", "2026-12-07 09:09", code, "ASPEM", "Ani", "manual"]])
    office.wait(15)

    office.sync.tick()

    assert office.provider.kinds() == [events.MOVED]  # read whole after the check failed
    assert office.register.read(scans=False).letter(code).position == "ASPEM"


def test_the_whole_scan_log_is_read_again_every_ten_minutes(tmp_path):
    office, code = scanned_office(tmp_path)
    whole = []
    for _ in range(2 * int(WHOLE_SCAN_LOG_SECONDS // 60)):
        office.wait(60)  # each tick a full read (full_read_seconds)
        mark = office.double.mark()
        office.sync.tick()
        whole.append("'Pindai'" in pindai_ranges(office, mark))
    half = len(whole) // 2
    assert whole == 2 * ([False] * (half - 1) + [True])


def test_a_clerk_fixing_an_old_scan_row_is_notified_at_the_next_tick(tmp_path):
    office = google_office(tmp_path)
    code = office.register.add_letter(Letter(whatsapp=PHONE, subject="A")).code
    other = office.register.add_letter(Letter(whatsapp="0812-1111-2222", subject="B")).code
    office.sync.tick()
    log = office.double.spreadsheets["sheet-1"].tab("Pindai")
    typo = {"ID Pindai": "01M1", "Waktu": "2026-12-07 09:00", "Meja": "ASPEM"}
    log.type_row(typo | {"Kode Lacak": code[:-1] + "?"})  # row 2: refused, a typo
    office.register.append_scans([Scan("01S1", "2026-12-07 09:05", other, "UMUM")])  # row 3
    office.wait(15)
    office.sync.tick()
    office.wait(15)
    office.sync.tick()  # reads again after its own write; nothing new
    log.set_cells(2, "Kode Lacak", [code])  # the clerk fixes the typo in place
    office.wait(15)

    report = office.sync.tick()

    assert report.whole_scan_log  # the tail showed nothing, so the whole log was read
    moved = [(m.event, m.to) for m in office.provider.sent if m.event == events.MOVED]
    assert moved == [(events.MOVED, "6281211112222"), (events.MOVED, DIGITS)]


def test_an_edit_the_diff_sees_needs_no_whole_scan_log(tmp_path):
    office, code = scanned_office(tmp_path)
    office.wait(15)
    office.sync.tick()
    office.register.update_letters(
        {tracking_code.normalise(code): {"status": "Diproses"}}, allowed=("status",)
    )
    office.wait(15)

    report = office.sync.tick()

    assert report.events == 1 and not report.whole_scan_log


def test_a_scan_row_typed_with_a_bad_code_is_reported_once(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="sitras.notifier")
    office = google_office(tmp_path)
    code = office.register.add_letter(Letter(whatsapp=PHONE, subject="A")).code
    office.sync.tick()
    log = office.double.spreadsheets["sheet-1"].tab("Pindai")
    row = {"ID Pindai": "01M1", "Waktu": "2026-12-07 09:00", "Meja": "ASPEM"}
    log.type_row(row | {"Kode Lacak": code[:-1] + "?"})
    for _ in range(3):
        office.wait(60)  # full reads: the row is read each time
        office.sync.tick()

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith("tab Pindai baris 2 tidak dibaca")
    assert office.provider.sent == []
