"""The port both register backends implement: a spreadsheet seen as tabs of
text cells. Everything about letters, headers and row identity is built on top
of it once (``register.py``), so both backends behave the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sitras_sheets.schema import Tab


@dataclass(frozen=True)
class CellWrite:
    tab: str
    row: int  # 1-based sheet row (row 1 is the header)
    column: int  # 0-based column
    value: str


@dataclass(frozen=True)
class Tail:
    """The rows of a tab from ``first_row`` (1-based) down, ``columns`` wide:
    what was appended to a log since it was last read."""

    first_row: int
    columns: int


class TailGone(Exception):
    """A tail starts below the tab's last row: rows were deleted."""


class Grid(Protocol):
    def read(
        self,
        tabs: Sequence[str],
        header_only: Sequence[str] = (),
        tails: Mapping[str, Tail] | None = None,
    ) -> dict[str, list[list[str]]]:
        """Every cell of ``tabs``, the header row of ``header_only`` tabs and,
        for the tabs in ``tails``, the header row followed by the rows from
        ``first_row`` on, as text, header row first, all in one request. A
        missing tab raises SheetLayoutError naming it; a tail below the tab's
        last row may raise TailGone (or come back empty)."""

    def write_cells(self, writes: Sequence[CellWrite]) -> None:
        """Write all cells in one request, as RAW text (never parsed)."""

    def append_rows(self, tab: str, rows: Sequence[Sequence[str]]) -> None:
        """Append rows below the table as RAW text, inserting rows. Raises
        OutcomeUnknown when the request may have been applied but its answer
        was lost; the caller checks before trying again."""

    def ensure_layout(self, tabs: Sequence[Tab], status_values: Sequence[str]) -> list[str]:
        """Create missing tabs with their headers, freeze the header row and set
        the Status validation. Returns what was changed (empty when nothing)."""
