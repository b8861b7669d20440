"""The port both register backends implement: a spreadsheet seen as tabs of
text cells. Everything about letters, headers and row identity is built on top
of it once (``register.py``), so both backends behave the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sitras_sheets.schema import Tab


@dataclass(frozen=True)
class CellWrite:
    tab: str
    row: int  # 1-based sheet row (row 1 is the header)
    column: int  # 0-based column
    value: str


class Grid(Protocol):
    def read(
        self, tabs: Sequence[str], header_only: Sequence[str] = ()
    ) -> dict[str, list[list[str]]]:
        """Every cell of ``tabs`` and the header row of ``header_only`` tabs, as
        text, header row first, all in one request. A missing tab raises
        SheetLayoutError naming it."""

    def write_cells(self, writes: Sequence[CellWrite]) -> None:
        """Write all cells in one request, as RAW text (never parsed)."""

    def append_rows(self, tab: str, rows: Sequence[Sequence[str]]) -> None:
        """Append rows below the table as RAW text, inserting rows. Raises
        OutcomeUnknown when the request may have been applied but its answer
        was lost; the caller checks before trying again."""

    def ensure_layout(self, tabs: Sequence[Tab], status_values: Sequence[str]) -> list[str]:
        """Create missing tabs with their headers, freeze the header row and set
        the Status validation. Returns what was changed (empty when nothing)."""
