"""Fakes of our own ports shared by several test modules."""

from __future__ import annotations

from sitras_sheets.errors import RegisterUnavailable


class UnreachableGrid:
    """A register whose spreadsheet never answers (the Grid port)."""

    def read(self, tabs, header_only=()):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")

    def append_rows(self, tab, rows):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")

    def write_cells(self, writes):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")

    def ensure_layout(self, tabs, status_values):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")
