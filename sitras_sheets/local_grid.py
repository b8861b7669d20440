"""The embedded register: one SQLite file holding the same four tabs, one table
per tab whose columns are the tab's headers (readable in any SQLite browser).
Row ``n`` of a tab is the table row with ``rowid = n - 1`` (row 1 is the header)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from sitras_sheets.errors import RegisterError, SheetLayoutError
from sitras_sheets.grid import CellWrite, Tail
from sitras_sheets.schema import Tab


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class LocalGrid:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as error:
            raise RegisterError(f"register lokal {self.path} tidak bisa dibuka: {error}") from error
        try:
            with connection:
                yield connection
        except sqlite3.OperationalError as error:
            raise RegisterError(f"register lokal {self.path}: {error}") from error
        finally:
            connection.close()

    def _columns(self, connection: sqlite3.Connection, tab: str) -> list[str]:
        rows = connection.execute(f"PRAGMA table_info({_quote(tab)})").fetchall()
        return [row[1] for row in rows]

    def read(
        self,
        tabs: Sequence[str],
        header_only: Sequence[str] = (),
        tails: Mapping[str, Tail] | None = None,
    ) -> dict[str, list[list[str]]]:
        tails = tails or {}
        result: dict[str, list[list[str]]] = {}
        with self._connect() as connection:
            for tab in [*tabs, *header_only, *tails]:
                columns = self._columns(connection, tab)
                if not columns:
                    raise SheetLayoutError(
                        f"tab {tab!r} tidak ada di register lokal {self.path}; jalankan 'init'"
                    )
                grid: list[list[str]] = [columns]
                result[tab] = grid
                if tab in header_only:
                    continue
                first = tails[tab].first_row if tab in tails else 2
                for rowid, *cells in connection.execute(
                    f"SELECT rowid, * FROM {_quote(tab)} WHERE rowid >= ? ORDER BY rowid",
                    (first - 1,),
                ):
                    while len(grid) + first - 2 < rowid:  # deleted rows read as blank rows
                        grid.append([])
                    grid.append(["" if cell is None else str(cell) for cell in cells])
        return result

    def write_cells(self, writes: Sequence[CellWrite]) -> None:
        with self._connect() as connection:
            columns = {}
            for write in writes:
                if write.tab not in columns:
                    columns[write.tab] = self._columns(connection, write.tab)
                name = columns[write.tab][write.column]
                connection.execute(
                    f"UPDATE {_quote(write.tab)} SET {_quote(name)} = ? WHERE rowid = ?",
                    (write.value, write.row - 1),
                )

    def append_rows(self, tab: str, rows: Sequence[Sequence[str]]) -> None:
        with self._connect() as connection:
            columns = self._columns(connection, tab)
            names = ", ".join(_quote(c) for c in columns)
            marks = ", ".join("?" for _ in columns)
            connection.executemany(
                f"INSERT INTO {_quote(tab)} ({names}) VALUES ({marks})",
                [list(row[: len(columns)]) + [""] * (len(columns) - len(row)) for row in rows],
            )

    def ensure_layout(self, tabs: Sequence[Tab], status_values: Sequence[str]) -> list[str]:
        changes: list[str] = []
        with self._connect() as connection:
            for tab in tabs:
                if self._columns(connection, tab.name):
                    continue
                columns = ", ".join(f"{_quote(h)} TEXT NOT NULL DEFAULT ''" for h in tab.headers)
                connection.execute(f"CREATE TABLE {_quote(tab.name)} ({columns})")
                changes.append(f"tab {tab.name!r} dibuat dengan {len(tab.headers)} kolom")
        return changes
