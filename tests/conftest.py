"""Shared fixtures: the Google Sheets double, both register backends, and a
clerk's hands on each, so one contract suite runs on both.

* ``sheets_double`` – a ``SheetsDouble`` holding spreadsheet ``SPREADSHEET_ID``
  (a fresh one: only ``Sheet1``); ``key_file`` – a service-account key made now
* ``google_grid`` / ``google_register`` – the real gspread stack through the double
* ``local_register`` – ``LocalGrid`` on a temporary SQLite file
* ``backend`` – parametrized over ``local`` and ``google``: register + clerk
* ``register`` – the parametrized register, already initialised
* ``clock`` / ``monotonic`` – settable time for the register"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import pytest
from sheets_double import SheetsDouble, Spreadsheet

from sitras_sheets.google_grid import GoogleGrid, RetryPolicy, connect
from sitras_sheets.local_grid import LocalGrid
from sitras_sheets.register import Register

SPREADSHEET_ID = "1SitrasUjiRegisterSuratAbcdefghijklmnopqrst"
OFFICE = ZoneInfo("Asia/Jakarta")
# Real backoff shape, tiny waits: a test with five retries stays in milliseconds.
FAST_RETRY = RetryPolicy(attempts=4, multiplier=0.001, max_wait=0.004, jitter=0.001)


class FakeClock:
    """The office clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2025, 1, 6, 9, 30, tzinfo=OFFICE))


@pytest.fixture
def monotonic() -> FakeMonotonic:
    return FakeMonotonic()


# -- Google ---------------------------------------------------------------------------
@pytest.fixture
def sheets_double() -> SheetsDouble:
    double = SheetsDouble()
    double.add_spreadsheet(SPREADSHEET_ID)
    return double


@pytest.fixture
def book(sheets_double: SheetsDouble) -> Spreadsheet:
    return sheets_double.spreadsheets[SPREADSHEET_ID]


@pytest.fixture
def key_file(sheets_double: SheetsDouble, tmp_path: Path) -> Path:
    return sheets_double.service_account_file(tmp_path / "akun-layanan.json")


@pytest.fixture
def google_grid(sheets_double: SheetsDouble, key_file: Path) -> GoogleGrid:
    return connect(SPREADSHEET_ID, key_file, session=sheets_double.session(), retry=FAST_RETRY)


@pytest.fixture
def google_register(google_grid: GoogleGrid, clock, monotonic) -> Register:
    return Register(google_grid, clock, monotonic=monotonic)


# -- local ----------------------------------------------------------------------------
@pytest.fixture
def local_path(tmp_path: Path) -> Path:
    return tmp_path / "register.sqlite3"


@pytest.fixture
def local_register(local_path: Path, clock, monotonic) -> Register:
    return Register(LocalGrid(local_path), clock, monotonic=monotonic)


# -- a clerk's hands ------------------------------------------------------------------
class Clerk(Protocol):
    """What a person does to the register outside Sitras. Rows are sheet rows
    (1 = header); ``values`` trims trailing blank cells and rows."""

    def values(self, tab: str) -> list[list[str]]: ...

    def type_row(self, tab: str, record: Mapping[str, str]) -> int: ...

    def blank_row(self, tab: str) -> None: ...

    def delete_row(self, tab: str, row: int) -> None: ...

    def add_column(self, tab: str, header: str, values: Mapping[int, str]) -> None: ...

    def create_tab(self, tab: str, headers: list[str]) -> None: ...


def trimmed(rows: list[list[str]]) -> list[list[str]]:
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


class GoogleClerk:
    def __init__(self, book: Spreadsheet) -> None:
        self.book = book
        self._gaps: dict[str, int] = {}

    def values(self, tab: str) -> list[list[str]]:
        return trimmed(self.book.tab(tab).values())

    def type_row(self, tab: str, record: Mapping[str, str]) -> int:
        sheet = self.book.tab(tab)
        header = [cell.strip() for cell in sheet.header()]
        cells = [""] * len(header)
        for name, value in record.items():
            cells[header.index(name)] = value
        row = len(sheet.values()) + 1 + self._gaps.pop(tab, 0)
        sheet.set_cells(row, 0, cells)
        return row

    def blank_row(self, tab: str) -> None:
        """The next row typed leaves one empty row above it."""
        self._gaps[tab] = self._gaps.get(tab, 0) + 1

    def delete_row(self, tab: str, row: int) -> None:
        self.book.tab(tab).delete_rows(row)

    def add_column(self, tab: str, header: str, values: Mapping[int, str]) -> None:
        sheet = self.book.tab(tab)
        column = len(sheet.header())
        sheet.set_cells(1, column, [header])
        for row, value in values.items():
            sheet.set_cells(row, column, [value])

    def create_tab(self, tab: str, headers: list[str]) -> None:
        self.book.add_tab(tab, [headers])


class LocalClerk:
    """Edits the SQLite file the way a DB browser would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _run(self, sql: str, parameters=()) -> list[tuple]:
        connection = sqlite3.connect(self.path)
        try:
            with connection:
                return connection.execute(sql, parameters).fetchall()
        finally:
            connection.close()

    def _columns(self, tab: str) -> list[str]:
        return [row[1] for row in self._run(f'PRAGMA table_info("{tab}")')]

    def values(self, tab: str) -> list[list[str]]:
        grid: list[list[str]] = [self._columns(tab)]
        for rowid, *cells in self._run(f'SELECT rowid, * FROM "{tab}" ORDER BY rowid'):
            while len(grid) < rowid:
                grid.append([])
            grid.append([str(cell) for cell in cells])
        return trimmed(grid)

    def type_row(self, tab: str, record: Mapping[str, str]) -> int:
        names = ", ".join(f'"{name}"' for name in record)
        marks = ", ".join("?" for _ in record)
        self._run(f'INSERT INTO "{tab}" ({names}) VALUES ({marks})', list(record.values()))
        return self._run(f'SELECT max(rowid) FROM "{tab}"')[0][0] + 1

    def blank_row(self, tab: str) -> None:
        self._run(f'INSERT INTO "{tab}" DEFAULT VALUES')

    def delete_row(self, tab: str, row: int) -> None:
        self._run(f'DELETE FROM "{tab}" WHERE rowid = ?', (row - 1,))

    def add_column(self, tab: str, header: str, values: Mapping[int, str]) -> None:
        self._run(f'ALTER TABLE "{tab}" ADD COLUMN "{header}" TEXT NOT NULL DEFAULT \'\'')
        for row, value in values.items():
            self._run(f'UPDATE "{tab}" SET "{header}" = ? WHERE rowid = ?', (value, row - 1))

    def create_tab(self, tab: str, headers: list[str]) -> None:
        columns = ", ".join(f"\"{h}\" TEXT NOT NULL DEFAULT ''" for h in headers)
        self._run(f'CREATE TABLE "{tab}" ({columns})')


@dataclass
class Backend:
    name: str
    register: Register
    clerk: Clerk


@pytest.fixture
def google_backend(google_register: Register, book: Spreadsheet) -> Backend:
    return Backend("google", google_register, GoogleClerk(book))


@pytest.fixture
def local_backend(local_register: Register, local_path: Path) -> Backend:
    return Backend("local", local_register, LocalClerk(local_path))


@pytest.fixture(params=["local", "google"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend, not yet initialised."""
    return request.getfixturevalue(f"{request.param}_backend")


@pytest.fixture
def register(backend: Backend) -> Register:
    """Each backend's register, initialised (the four tabs exist)."""
    backend.register.init()
    return backend.register
