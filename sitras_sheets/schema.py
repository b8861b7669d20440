"""The four tabs of the register (CONTRACT section 1) and the mapping between a
header row as clerks left it and the fields Sitras knows.

Columns are found by header name, never by position: case, spaces and
punctuation are ignored and the English alias is accepted. Unknown columns
are left alone; blank rows are skipped."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from sitras_sheets.errors import SheetLayoutError


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    alias: str
    required: bool = True


@dataclass(frozen=True)
class Tab:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column(self, field: str) -> Column:
        for column in self.columns:
            if column.field == field:
                return column
        raise KeyError(field)


SURAT = Tab(
    "Surat",
    (
        Column("code", "Kode Lacak", "Tracking Code"),
        Column("received_at", "Tanggal Terima", "Received At"),
        Column("number", "Nomor Surat", "Letter Number"),
        Column("subject", "Perihal", "Subject"),
        Column("sender", "Pengirim", "Sender"),
        Column("sender_org", "Instansi Pengirim", "Sender Organisation"),
        Column("whatsapp", "No. WhatsApp", "WhatsApp"),
        Column("addressed_to", "Tujuan", "Addressed To"),
        Column("disposition", "Disposisi", "Disposition"),
        Column("status", "Status", "Status"),
        Column("position", "Posisi", "Position"),
        Column("responsible", "Penanggung Jawab", "Responsible"),
        Column("updated_at", "Terakhir Diperbarui", "Updated At"),
        Column("notification", "Notifikasi", "Notification"),
        Column("notes", "Catatan", "Notes", required=False),
    ),
)
PINDAI = Tab(
    "Pindai",
    (
        Column("scan_id", "ID Pindai", "Scan ID"),
        Column("time", "Waktu", "Time"),
        Column("code", "Kode Lacak", "Tracking Code"),
        Column("desk", "Meja", "Desk"),
        Column("officer", "Petugas", "Officer"),
        Column("station", "Stasiun", "Station"),
        Column("remarks", "Keterangan", "Remarks", required=False),
    ),
)
MEJA = Tab(
    "Meja",
    (
        Column("code", "Kode Meja", "Desk Code"),
        Column("name", "Nama Meja", "Desk Name"),
        Column("responsible", "Penanggung Jawab", "Responsible"),
        Column("whatsapp", "No. WhatsApp", "WhatsApp"),
        Column("sla_hours", "Batas Jam", "SLA Hours"),
    ),
)
NOTIFIKASI = Tab(
    "Notifikasi",
    (
        Column("time", "Waktu", "Time"),
        Column("code", "Kode Lacak", "Tracking Code"),
        Column("event", "Jenis", "Event"),
        Column("to", "Kepada", "To"),
        Column("status", "Status", "Status"),
        Column("message_id", "ID Pesan", "Message ID"),
        Column("remarks", "Keterangan", "Remarks", required=False),
    ),
)
TABS: tuple[Tab, ...] = (SURAT, PINDAI, MEJA, NOTIFIKASI)
# Surat columns the system writes; every other column belongs to people.
SYSTEM_FIELDS = ("position", "responsible", "updated_at", "notification")


def header_key(text: object) -> str:
    """``No. WhatsApp`` and ``no whatsapp`` and ``NO_WHATSAPP`` are one header."""
    return re.sub(r"[\W_]+", "", str(text or "")).casefold()


@dataclass(frozen=True)
class HeaderMap:
    """Where each known field sits in one tab's header row (0-based columns)."""

    tab: Tab
    positions: dict[str, int]
    width: int

    def get(self, row: Sequence[object], field: str) -> str:
        index = self.positions.get(field)
        if index is None or index >= len(row):
            return ""
        value = row[index]
        return "" if value is None else str(value).strip()

    def record(self, row: Sequence[object]) -> dict[str, str]:
        """Every known field of the row as stripped text ("" where the row is short:
        Sheets leaves out trailing blank cells)."""
        fields, pick, reach = self._picker
        if len(row) < reach:
            row = [*row, *[""] * (reach - len(row))]
        return {
            field: value.strip()
            if type(value) is str
            else ""
            if value is None
            else str(value).strip()
            for field, value in zip(fields, pick(row), strict=True)
        }

    @cached_property
    def _picker(self) -> tuple[tuple[str, ...], Callable[[Sequence[object]], tuple], int]:
        fields = tuple(self.positions)
        indexes = [self.positions[field] for field in fields]
        if len(indexes) == 1:
            only = indexes[0]
            return fields, lambda row: (row[only],), only + 1
        return fields, itemgetter(*indexes), max(indexes) + 1

    def new_row(self, values: dict[str, str]) -> list[str]:
        """A full-width row with the values in their columns, blanks elsewhere."""
        row = [""] * self.width
        for field, value in values.items():
            if field in self.positions:
                row[self.positions[field]] = value
        return row


def map_headers(tab: Tab, header_row: Sequence[object]) -> HeaderMap:
    """Find each field's column; report every missing or repeated header by name."""
    wanted: dict[str, Column] = {}
    for column in tab.columns:
        wanted[header_key(column.header)] = column
        wanted.setdefault(header_key(column.alias), column)
    seen: dict[str, list[int]] = {}
    for index, cell in enumerate(header_row):
        column = wanted.get(header_key(cell))
        if column is not None:
            seen.setdefault(column.field, []).append(index)
    problems: list[str] = []
    missing = [c.header for c in tab.columns if c.required and c.field not in seen]
    if missing:
        problems.append("kolom tidak ditemukan: " + ", ".join(repr(h) for h in missing))
    for column in tab.columns:
        places = seen.get(column.field, [])
        if len(places) > 1:
            letters = ", ".join(column_letter(i) for i in places)
            problems.append(f"kolom {column.header!r} muncul {len(places)} kali ({letters})")
    if problems:
        raise SheetLayoutError(f"tab {tab.name!r}: " + "; ".join(problems))
    positions = {field: places[0] for field, places in seen.items()}
    return HeaderMap(tab, positions, max(len(header_row), 1))


def data_rows(
    values: Sequence[Sequence[object]], first_row: int = 2
) -> Iterator[tuple[int, list[object]]]:
    """(sheet row number, cells) for each non-blank row below the header row,
    the first of them being sheet row ``first_row``."""
    for offset, row in enumerate(values[1:], start=first_row):
        for cell in row:
            if cell is not None and (cell if type(cell) is str else str(cell)).strip():
                yield offset, row
                break


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
