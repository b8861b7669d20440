"""Reading the scan log from the last row seen never misses a scan, whatever
clerks do to the Pindai tab between reads: random sequences of station appends
and hand edits (rows typed in between, deleted, cleared, the tab sorted) on the
Sheets double, read the way the sync reads (``scans_after`` the last mark).

Edits in place of an old row's cells are left out: they move no row, so the
tail check cannot see them; the sync catches them from Drive's version
(``tests/test_sync.py``)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from conftest import FAST_RETRY, OFFICE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sheets_double import SheetsDouble

from sitras_sheets.google_grid import connect
from sitras_sheets.models import Letter, Scan
from sitras_sheets.register import Register
from sitras_sheets.schema import PINDAI

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("append"), st.integers(1, 3)),
        st.tuples(st.just("type between"), st.integers(0, 99)),
        st.tuples(st.just("delete"), st.integers(0, 99)),
        st.tuples(st.just("clear"), st.integers(0, 99)),
        st.tuples(st.just("sort"), st.booleans()),
        st.tuples(st.just("read"), st.none()),
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_reading_from_the_last_row_seen_misses_no_scan(steps):
    double = SheetsDouble()
    double.add_spreadsheet("tail")
    with tempfile.TemporaryDirectory() as folder:
        key = double.service_account_file(Path(folder) / "sa.json")
        grid = connect("tail", key, session=double.session(), retry=FAST_RETRY)
    register = Register(grid, lambda: datetime(2025, 1, 6, 9, 30, tzinfo=OFFICE))
    register.init()
    code = register.add_letter(Letter(subject="Undangan", whatsapp="0812-3456-7890")).code
    log = double.spreadsheets["tail"].tab(PINDAI.name)
    known: set[str] = set()
    mark = None
    made = 0

    def scan_row() -> list[str]:
        nonlocal made
        made += 1
        return [f"01S{made:04d}", f"2025-01-06 10:{made % 60:02d}", code, "ASPEM"]

    def row_at(choice: int) -> int:
        return 2 + choice % max(len(log.values()) - 1, 1)

    for action, value in [*steps, ("read", None)]:
        if action == "append":
            register.append_scans([Scan(*scan_row()) for _ in range(value)])
        elif action == "type between":
            log.insert_rows(row_at(value), [scan_row()])
        elif action == "delete" and len(log.values()) > 1:
            log.delete_rows(row_at(value))
        elif action == "clear" and len(log.values()) > 1:
            log.clear_row(row_at(value))
        elif action == "sort":
            log.sort_rows("ID Pindai", descending=value)
        elif action == "read":
            snapshot = register.read(scans_after=mark)
            read = {scan.scan_id for scan in snapshot.scans}
            in_sheet = {scan.scan_id for scan in register.read().scans}
            assert read <= in_sheet  # nothing read that the sheet does not hold
            known |= read
            assert in_sheet <= known, f"missed {sorted(in_sheet - known)}"
            mark = snapshot.scan_mark
