"""The pure core: snapshot + register read → events, new state, write-back.

The register is the real ``Register`` on an in-memory grid, so keys, duplicate
rows and header mapping are the ones the sync sees."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from jobs import events
from jobs.diff import LetterState, Position, Snapshot, diff, sheet_updates
from sitras_sheets import tracking_code
from sitras_sheets.grid import CellWrite
from sitras_sheets.models import Desk, Scan
from sitras_sheets.phone import normalise_whatsapp
from sitras_sheets.register import Register, RegisterSnapshot
from sitras_sheets.schema import MEJA, PINDAI, SURAT, TABS

OFFICE = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=OFFICE)
PHONE = "0812-3456-7890"


def code_of(seed: int) -> str:
    return tracking_code.display(tracking_code.generate(random.Random(seed).randrange))


class MemoryGrid:
    """The Grid port in memory: tabs of text cells, header first."""

    def __init__(self) -> None:
        self.tabs = {tab.name: [list(tab.headers)] for tab in TABS}

    def read(self, tabs: Sequence[str], header_only: Sequence[str] = ()):
        whole = {name: [list(row) for row in self.tabs[name]] for name in tabs}
        return whole | {name: [list(self.tabs[name][0])] for name in header_only}

    def write_cells(self, writes: Sequence[CellWrite]) -> None:
        for write in writes:
            row = self.tabs[write.tab][write.row - 1]
            row.extend([""] * (write.column + 1 - len(row)))
            row[write.column] = write.value

    def append_rows(self, tab: str, rows) -> None:
        self.tabs[tab].extend(list(row) for row in rows)

    def ensure_layout(self, tabs, status_values) -> list[str]:
        return []

    # -- a clerk's hands -------------------------------------------------------
    def add(self, tab, **record: str) -> None:
        header = self.tabs[tab.name][0]
        fields = {tab.column(name).header: value for name, value in record.items()}
        self.tabs[tab.name].append([fields.get(h, "") for h in header])

    def set(self, which: str, /, **record: str) -> None:
        header = self.tabs[SURAT.name][0]
        for row in self.tabs[SURAT.name][1:]:
            if row and row[header.index("Kode Lacak")] == which:
                for name, value in record.items():
                    row[header.index(SURAT.column(name).header)] = value
                return
        raise KeyError(which)

    def cell(self, code: str, name: str) -> str:
        header = self.tabs[SURAT.name][0]
        for row in self.tabs[SURAT.name][1:]:
            if row and row[header.index("Kode Lacak")] == code:
                return row[header.index(SURAT.column(name).header)]
        raise KeyError(code)


def sheet(letters: int = 3, desks: bool = True) -> MemoryGrid:
    grid = MemoryGrid()
    if desks:
        grid.add(MEJA, code="ASPEM", name="Asisten Pemerintahan", responsible="Kasubag TU")
        grid.add(MEJA, code="UMUM", name="Bagian Umum", responsible="Kabag Umum")
    for number in range(letters):
        grid.add(
            SURAT,
            code=code_of(number),
            received_at="2026-12-01 08:00",
            subject=f"Perihal {number}",
            sender=f"Pengirim {number}",
            whatsapp=f"0812-3456-{7000 + number}",
            status="Diterima",
        )
    return grid


def read(grid: MemoryGrid):
    return Register(grid, lambda: NOW).read()


def tick(grid: MemoryGrid, previous: Snapshot | None, **options):
    """One diff as the sync does it: returns (changes, the snapshot after)."""
    changes = diff(previous, read(grid), now=NOW, **options)
    snapshot = previous if previous is not None else Snapshot()
    snapshot.apply(changes)
    return changes, snapshot


def scan(grid: MemoryGrid, scan_id: str, code: str, desk: str, time: str) -> None:
    grid.add(PINDAI, scan_id=scan_id, time=time, code=code, desk=desk, officer="Ani")


def kinds(changes) -> list[tuple[str, str]]:
    return [(event.kind, tracking_code.display(event.code)) for event in changes.events]


# -- baseline and repeats ---------------------------------------------------------------
def test_first_read_is_a_baseline_that_sends_nothing():
    grid = sheet(3)
    scan(grid, "S1", code_of(0), "ASPEM", "2026-12-02 10:00")
    changes, snapshot = tick(grid, None)
    assert changes.baseline and changes.events == []
    assert set(snapshot.letters) == {tracking_code.normalise(code_of(n)) for n in range(3)}
    assert snapshot.positions[tracking_code.normalise(code_of(0))].desk == "ASPEM"
    again, _ = tick(grid, snapshot)
    assert again.events == [] and not again.stored


def test_a_new_letter_after_the_baseline_gets_a_receipt_with_what_the_message_needs():
    grid = sheet(1)
    _, snapshot = tick(grid, None)
    grid.add(SURAT, code=code_of(9), subject="Izin", sender="Siti", whatsapp=PHONE)
    changes, snapshot = tick(grid, snapshot)
    (event,) = changes.events
    assert event.kind == events.RECEIVED and event.to == "6281234567890"
    assert event.to_masked == "62812****7890"
    assert event.values["code"] == code_of(9) and event.values["subject"] == "Izin"
    assert event.error == ""
    assert tick(grid, snapshot)[0].events == []


def test_history_holds_only_steps_with_a_real_time():
    """A letter already in the sheet at the baseline starts its history at its
    receipt (its status and disposition are its state, not steps timed at the
    receipt); a letter registered later with both filled in has all three."""
    grid = sheet(0)

    def letter(n: int, received_at: str, status: str, disposition: str) -> None:
        values = {"received_at": received_at, "status": status, "disposition": disposition}
        grid.add(SURAT, code=code_of(n), whatsapp=PHONE, **values)

    letter(0, "2026-11-02 08:00", "Selesai", "Arsipkan")
    baseline, snapshot = tick(grid, None)
    letter(1, "2026-12-07 08:55", "Diproses", "Teruskan")
    later, _ = tick(grid, snapshot)

    assert [(s.kind, s.time, s.value) for s in baseline.steps] == [
        (events.RECEIVED, "2026-11-02 08:00", "")
    ]
    assert snapshot.letters[tracking_code.normalise(code_of(0))].status == "Selesai"
    assert [(s.kind, s.time, s.value) for s in later.steps] == [
        (events.RECEIVED, "2026-12-07 08:55", ""),
        (events.DISPOSED, "2026-12-07 08:55", "Teruskan"),
        (events.STATUS, "2026-12-07 08:55", "Diproses"),
    ]


def test_event_ids_are_deterministic_so_a_change_seen_twice_is_one_event():
    grid = sheet(2)
    _, snapshot = tick(grid, None)
    grid.set(code_of(0), status="Diproses")
    first = diff(snapshot, read(grid), now=NOW)
    second = diff(snapshot, read(grid), now=NOW.replace(hour=10))
    assert [e.id for e in first.events] == [e.id for e in second.events]
    assert len(first.events) == 1


# -- clerk edits that are not changes --------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    blanks=st.integers(0, 4),
    deletions=st.integers(0, 2),
    changed=st.sets(st.integers(0, 5), max_size=3),
    rotate_columns=st.integers(0, 14),
)
def test_only_real_changes_produce_events(seed, blanks, deletions, changed, rotate_columns):
    grid = sheet(6)
    _, snapshot = tick(grid, None)
    rng = random.Random(seed)
    rows = grid.tabs[SURAT.name]
    body = rows[1:]
    rng.shuffle(body)  # sort
    for _ in range(blanks):  # insert blank rows
        body.insert(rng.randrange(len(body) + 1), [""] * len(rows[0]))
    header = rows[0]
    for code_number in changed:  # status changes
        for row in body:
            if row and row[header.index("Kode Lacak")] == code_of(code_number):
                row[header.index("Status")] = "Diproses"
    deleted = set()
    for _ in range(deletions):  # delete a row (not one whose status changed)
        candidates = [
            i
            for i, row in enumerate(body)
            if any(row) and row[0] not in {code_of(n) for n in changed}
        ]
        if candidates:
            deleted.add(body.pop(rng.choice(candidates))[0])
    # move columns around (clerks reorder columns too)
    order = list(range(len(header)))
    order = order[rotate_columns:] + order[:rotate_columns]
    grid.tabs[SURAT.name] = [
        [row[i] if i < len(row) else "" for i in order] for row in [header, *body]
    ]
    changes, snapshot = tick(grid, snapshot)
    assert sorted(kinds(changes)) == sorted((events.STATUS, code_of(n)) for n in changed)
    gone = {tracking_code.normalise(code) for code in deleted}
    assert {code for code, s in snapshot.letters.items() if not s.present} == gone
    assert tick(grid, snapshot)[0].events == []


def test_a_deleted_row_brought_back_unchanged_sends_nothing():
    grid = sheet(2)
    _, snapshot = tick(grid, None)
    row = grid.tabs[SURAT.name].pop(1)
    assert tick(grid, snapshot)[0].events == []
    grid.tabs[SURAT.name].append(row)
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == [] and all(s.present for s in snapshot.letters.values())


# -- status and disposition ------------------------------------------------------------
def test_a_status_outside_the_list_is_marked_not_notified_and_the_last_valid_one_kept():
    grid = sheet(1)
    code = code_of(0)
    _, snapshot = tick(grid, None)
    grid.set(code, status="Beres")
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == []
    updates = sheet_updates(read(grid), snapshot, changes)
    note = updates[tracking_code.normalise(code)]["notification"]
    assert note.startswith("Status tidak dikenal: 'Beres'")
    grid.set(code, status="Diterima")  # back to what it was: nothing to tell
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == []
    assert snapshot.letters[tracking_code.normalise(code)].marker == ""
    grid.set(code, status="selesai")  # any case
    changes, snapshot = tick(grid, snapshot)
    assert kinds(changes) == [(events.STATUS, code)]
    assert changes.events[0].values["status"] == "Selesai"


def test_a_cleared_status_or_disposition_sends_nothing():
    grid = sheet(1)
    code = code_of(0)
    grid.set(code, disposition="Asisten Pemerintahan: tindak lanjuti")
    _, snapshot = tick(grid, None)
    grid.set(code, status="", disposition="")
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == []
    grid.set(code, status="Diterima", disposition="Asisten Pemerintahan: tindak lanjuti")
    assert tick(grid, snapshot)[0].events == []


def test_a_disposition_change_is_notified_with_its_text():
    grid = sheet(1)
    code = code_of(0)
    _, snapshot = tick(grid, None)
    grid.set(code, disposition="Asisten Pemerintahan: untuk ditindaklanjuti", status="Didisposisi")
    changes, snapshot = tick(grid, snapshot)
    assert kinds(changes) == [(events.DISPOSED, code), (events.STATUS, code)]
    assert changes.events[0].values["disposition"].startswith("Asisten Pemerintahan")
    assert len({e.id for e in changes.events}) == 2


def test_flapping_status_is_notified_each_time():
    grid = sheet(1)
    code = code_of(0)
    _, snapshot = tick(grid, None)
    ids = []
    for status in ("Diproses", "Diterima", "Diproses"):
        grid.set(code, status=status)
        changes, snapshot = tick(grid, snapshot)
        ids += [e.id for e in changes.events]
    assert len(set(ids)) == 3


# -- codes -----------------------------------------------------------------------------
def test_a_row_without_code_gets_one_and_its_receipt_once_the_sheet_shows_it():
    grid = sheet(1)
    _, snapshot = tick(grid, None)
    grid.add(SURAT, subject="Undangan", sender="Budi", whatsapp=PHONE)
    fresh = iter([tracking_code.normalise(code_of(50)), tracking_code.normalise(code_of(51))])
    changes, snapshot = tick(grid, snapshot, new_code=lambda: next(fresh))
    assert changes.events == []
    (row_key,) = changes.assigned
    assert row_key.startswith("row:")
    updates = sheet_updates(read(grid), snapshot, changes)
    assert updates[row_key] == {"code": code_of(50)}
    # the write was lost: the same row gets the same code again
    changes, snapshot = tick(grid, snapshot, new_code=lambda: next(fresh))
    assert changes.assigned == {row_key: tracking_code.normalise(code_of(50))}
    Register(grid, lambda: NOW).update_letters({row_key: {"code": code_of(50)}})
    changes, snapshot = tick(grid, snapshot)
    assert kinds(changes) == [(events.RECEIVED, code_of(50))]
    assert snapshot.pending == {}


def test_codes_given_during_the_baseline_send_no_receipt():
    grid = sheet(1)
    grid.add(SURAT, subject="Lama", sender="Budi", whatsapp=PHONE)
    changes, snapshot = tick(grid, None, new_code=lambda: tracking_code.normalise(code_of(60)))
    (row_key,) = changes.assigned
    Register(grid, lambda: NOW).update_letters({row_key: {"code": code_of(60)}})
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == [] and tracking_code.normalise(code_of(60)) in snapshot.letters


def test_a_code_changed_by_hand_to_a_valid_code_is_a_new_letter_an_invalid_one_is_marked():
    grid = sheet(2)
    _, snapshot = tick(grid, None)
    grid.set(code_of(0), code=code_of(70))
    changes, snapshot = tick(grid, snapshot)
    assert kinds(changes) == [(events.RECEIVED, code_of(70))]
    assert not snapshot.letters[tracking_code.normalise(code_of(0))].present
    broken = code_of(1)[:-1] + ("A" if code_of(1)[-1] != "A" else "B")
    grid.set(code_of(1), code=broken)
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == [] and changes.assigned == {}
    updates = sheet_updates(read(grid), snapshot, changes)
    (note,) = [v["notification"] for k, v in updates.items() if k.startswith("row:")]
    assert note.startswith("Kode lacak tidak sah")


def test_duplicate_code_rows_are_marked_and_hold_the_letter():
    grid = sheet(1)
    code = code_of(0)
    _, snapshot = tick(grid, None)
    header = grid.tabs[SURAT.name][0]
    copy = list(grid.tabs[SURAT.name][1])
    copy[header.index("Status")] = "Selesai"
    copy[header.index("No. WhatsApp")] = "0813-1111-2222"
    grid.tabs[SURAT.name].insert(1, copy)  # the reused row lands above the original
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == []
    updates = sheet_updates(read(grid), snapshot, changes)
    notes = {key: values["notification"] for key, values in updates.items()}
    assert len(notes) == 2
    assert any(k.startswith("dup:") and "ganda" in v for k, v in notes.items())
    assert "ditahan" in notes[tracking_code.normalise(code)]
    del grid.tabs[SURAT.name][1]  # fixed: the original row again, unchanged
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == []


def test_a_letter_held_by_a_duplicate_row_still_tells_its_sender_it_moved():
    grid = sheet(1)
    code = code_of(0)
    _, snapshot = tick(grid, None)
    before = snapshot.letters[tracking_code.normalise(code)].whatsapp
    copy = list(grid.tabs[SURAT.name][1])
    copy[grid.tabs[SURAT.name][0].index("No. WhatsApp")] = "0813-1111-2222"
    grid.tabs[SURAT.name].append(copy)
    scan(grid, "01A", code, "ASPEM", "2026-12-02 10:00")
    changes, snapshot = tick(grid, snapshot)
    (event,) = changes.events
    assert event.kind == events.MOVED
    assert event.to == normalise_whatsapp(before)  # the number on file, not the copy's


# -- scans -----------------------------------------------------------------------------
def test_the_latest_scan_by_time_then_id_decides_the_position():
    grid = sheet(1)
    code = code_of(0)
    _, snapshot = tick(grid, None)
    scan(grid, "01B", code, "UMUM", "2026-12-02 10:00")
    scan(grid, "01A", code, "ASPEM", "2026-12-02 10:00")  # same minute, smaller id
    changes, snapshot = tick(grid, snapshot)
    (event,) = changes.events
    assert event.kind == events.MOVED
    assert event.values["desk"] == "Bagian Umum" and event.values["responsible"] == "Kabag Umum"
    assert event.values["since"] == "2026-12-02 10:00"
    updates = sheet_updates(read(grid), snapshot, changes)
    assert updates[tracking_code.normalise(code)]["position"] == "UMUM"
    assert updates[tracking_code.normalise(code)]["responsible"] == "Kabag Umum"
    scan(grid, "00Z", code, "ASPEM", "2026-12-02 09:00")  # late, older: no move
    scan(grid, "02A", code, "umum", "2026-12-02 11:00")  # same desk again: no move
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == []
    position = snapshot.positions[tracking_code.normalise(code)]
    assert (position.desk, position.since, position.last_scan_id) == (
        "UMUM",
        "2026-12-02 10:00",
        "02A",
    )


def test_a_burst_of_scans_between_reads_notifies_the_last_desk_only():
    grid = sheet(1)
    code = code_of(0)
    _, snapshot = tick(grid, None)
    scan(grid, "A1", code, "ASPEM", "2026-12-02 10:00")
    scan(grid, "A2", code, "UMUM", "2026-12-02 10:01")
    changes, snapshot = tick(grid, snapshot)
    assert [e.values["desk_code"] for e in changes.events] == ["UMUM"]
    assert [scan.desk for scan in changes.scans] == ["ASPEM", "UMUM"]


# -- numbers ---------------------------------------------------------------------------
def test_an_invalid_number_records_the_event_with_its_reason():
    grid = sheet(0)
    _, snapshot = tick(grid, None)
    grid.add(SURAT, code=code_of(80), subject="Izin", whatsapp="0812")
    changes, snapshot = tick(grid, snapshot)
    (event,) = changes.events
    assert event.to == "" and "tidak sah" in event.error and event.to_masked == "****"
    grid.set(code_of(80), whatsapp=PHONE)  # fixed: the receipt goes to the new number
    changes, snapshot = tick(grid, snapshot)
    assert [(e.kind, e.to) for e in changes.events] == [(events.RECEIVED, "6281234567890")]


def test_without_a_number_nothing_is_sent_until_one_is_typed():
    grid = sheet(0)
    _, snapshot = tick(grid, None)
    grid.add(SURAT, code=code_of(81), subject="Izin")
    changes, snapshot = tick(grid, snapshot)
    assert changes.events == []
    updates = sheet_updates(read(grid), snapshot, changes)
    assert updates[tracking_code.normalise(code_of(81))]["notification"].startswith("Tidak dikirim")
    grid.set(code_of(81), whatsapp=PHONE)
    changes, _ = tick(grid, snapshot)
    assert kinds(changes) == [(events.RECEIVED, code_of(81))]


# -- write-back ------------------------------------------------------------------------
def test_write_back_touches_only_system_cells_that_differ():
    grid = sheet(2)
    code = code_of(0)
    scan(grid, "S1", code, "ASPEM", "2026-12-02 10:00")
    changes, snapshot = tick(grid, None)
    register = Register(grid, lambda: NOW)
    current = register.read()
    updates = sheet_updates(current, snapshot, changes)
    assert updates == {
        tracking_code.normalise(code): {"position": "ASPEM", "responsible": "Kasubag TU"}
    }
    assert register.update_letters(updates) == []
    assert grid.cell(code, "position") == "ASPEM"
    changes, snapshot = tick(grid, snapshot)
    assert sheet_updates(read(grid), snapshot, changes) == {}


def test_desk_directory_changes_are_kept():
    grid = sheet(0)
    _, snapshot = tick(grid, None)
    grid.add(MEJA, code="HUKUM", name="Bagian Hukum", responsible="Kabag Hukum", sla_hours="8")
    changes, snapshot = tick(grid, snapshot)
    assert changes.desks is not None and snapshot.desks["HUKUM"] == Desk(
        "HUKUM", "Bagian Hukum", "Kabag Hukum", "", "8"
    )


# -- positions from many scans at once ------------------------------------------------------
def replay(before: Position | None, scans: list[Scan]) -> Position | None:
    """The position rule told one scan at a time, in (time, scan id) order."""
    position = before
    for scan in sorted(scans, key=lambda s: (s.time, s.scan_id)):
        desk = scan.desk.strip().upper()
        code = tracking_code.normalise(scan.code)
        if position is None:
            position = Position(code, desk, scan.time, scan.scan_id, scan.time, scan.scan_id)
        elif (scan.time, scan.scan_id) > (position.last_time, position.last_scan_id):
            if desk != position.desk:
                position = position._replace(desk=desk, since=scan.time, scan_id=scan.scan_id)
            position = position._replace(last_time=scan.time, last_scan_id=scan.scan_id)
    return position


SCAN_TIMES = st.sampled_from([f"2026-12-02 10:0{minute}" for minute in range(4)])
SCAN_DESKS = st.sampled_from(["ASPEM", "UMUM", "umum ", "SEKDA"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), SCAN_TIMES, SCAN_DESKS), min_size=1, max_size=25),
    st.lists(st.one_of(st.none(), st.tuples(SCAN_TIMES, SCAN_DESKS)), min_size=3, max_size=3),
)
def test_positions_from_a_batch_of_scans_match_replaying_them_one_by_one(scans, previous):
    codes = [code_of(n) for n in range(3)]
    bare = [tracking_code.normalise(code) for code in codes]
    positions = {}
    for n, before in enumerate(previous):
        if before is not None:  # id "M…" sorts after the new scans' "K…" at equal times
            when, desk = before
            desk = desk.strip().upper()
            positions[bare[n]] = Position(bare[n], desk, when, "M0", when, "M0")
    snapshot = Snapshot(
        letters={code: LetterState(code, whatsapp=PHONE, present=False) for code in bare},
        positions=dict(positions),
    )
    batch = [
        Scan(f"K{number:03d}", when, codes[which], desk)
        for number, (which, when, desk) in enumerate(scans)
    ]
    current = RegisterSnapshot(letters=[], scans=batch, desks={})
    changes = diff(snapshot, current, now=NOW)
    for n, code in enumerate(codes):
        before = positions.get(bare[n])
        expected = replay(before, [scan for scan in batch if scan.code == code])
        assert changes.positions.get(bare[n], before) == expected
        moved = expected is not None and (before is None or before.desk != expected.desk)
        told = [e for e in changes.events if e.kind == events.MOVED and e.code == bare[n]]
        assert len(told) == int(moved)
