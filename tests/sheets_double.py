"""An in-memory Google Sheets API v4 (plus Drive ``files.get`` and the OAuth
token endpoint) at the HTTP level, for tests and benchmarks.

It is a ``requests`` transport adapter: mount it on the session handed to
``google_grid.connect`` and the real gspread client, the real google-auth token
refresh and the real JSON travel through it, answered in Google's shapes and
error format. Nothing is mocked above the HTTP layer.

    double = SheetsDouble()
    book = double.add_spreadsheet("sheet-1")            # has a "Sheet1" tab, like a new one
    key_file = double.service_account_file(tmp_path / "sa.json")
    grid = connect("sheet-1", key_file, session=double.session(), retry=FAST)
    double.fail_next("values.batchGet", status=429)     # the next batchGet answers 429
    double.lose_response_next("values.append")          # applied, then ReadTimeout
    double.count("values.batchGet")                     # requests seen per endpoint
    book.tab("Surat").sort_rows("Perihal")              # a clerk's edits

Cells keep what was entered: under ``RAW`` text stays text exactly; under
``USER_ENTERED`` text is parsed the way the Sheets UI does (``0812…`` becomes a
number and loses its zero, ``=…`` becomes a formula shown as ``#NAME?``,
``TRUE`` a boolean, ``2024-01-05 08:30`` a date-time shown ``2024-01-05 8:30:00``,
a leading ``'`` forces text). So a test notices any write that is not RAW.

Endpoint names (for faults and counts): ``oauth.token``, ``drive.files.get``,
``spreadsheets.get``, ``spreadsheets.batchUpdate``, ``values.get``,
``values.batchGet``, ``values.update``, ``values.batchUpdate``, ``values.append``,
``values.clear``.

Fidelity notes: ``fields`` masks are applied (paths and parenthesised groups);
``spreadsheets.get`` with ``ranges`` returns only the sheets named by them;
``values.append`` finds the table the way Google does (the first non-empty row
at or below the range, down to the last row before a blank one) and writes
below it; writes past the grid grow it (values.update does the same)."""

from __future__ import annotations

import functools
import json
import re
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import jwt
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

TOKEN_URL = "https://oauth2.googleapis.com/token"
SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEFAULT_ACCOUNT = "sitras-uji@sitras-uji.iam.gserviceaccount.com"
ENDPOINTS = (
    "oauth.token",
    "drive.files.get",
    "spreadsheets.get",
    "spreadsheets.batchUpdate",
    "values.get",
    "values.batchGet",
    "values.update",
    "values.batchUpdate",
    "values.append",
    "values.clear",
)
WRITE_ENDPOINTS = frozenset(
    {"spreadsheets.batchUpdate", "values.update", "values.batchUpdate", "values.append"}
)
_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_DEFAULT_MESSAGES = {
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' "
    "of service 'sheets.googleapis.com' for consumer 'project_number:0'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded.",
}
_HTML_502 = (
    b"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>"
    b"<p><b>502.</b> <ins>That's an error.</ins><p>The server encountered a temporary error.</html>"
)


# -- cell values ------------------------------------------------------------------------
@dataclass(frozen=True)
class Typed:
    """A number, boolean or date-time: what USER_ENTERED makes of some text."""

    value: float | int | bool
    shown: str


@dataclass(frozen=True)
class Formula:
    text: str
    shown: str = "#NAME?"


Value = str | Typed | Formula
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?|[+-]?\.\d+")
_PERCENT = re.compile(r"([+-]?\d+(?:\.\d+)?)%")
_DATE_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_EPOCH = datetime(1899, 12, 30)


def format_number(number: float | int) -> str:
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        number = int(number)
    if isinstance(number, int):
        return str(number) if abs(number) < 10**15 else f"{number:.5E}"
    return f"{number:.10g}"


def user_entered(text: str) -> Value:
    """Text typed into the Sheets UI (or sent with USER_ENTERED), as Sheets keeps it."""
    if text.startswith("'"):
        return text[1:]
    if text.startswith("=") and len(text) > 1:
        return Formula(text)
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return Typed(stripped.upper() == "TRUE", stripped.upper())
    if _NUMBER.fullmatch(stripped):
        number = float(stripped.replace(",", ""))
        return Typed(int(number) if number.is_integer() else number, format_number(number))
    if match := _PERCENT.fullmatch(stripped):
        return Typed(float(match.group(1)) / 100, stripped)
    if match := _DATE_TIME.fullmatch(stripped):
        return _date_time(match) or text
    return text


def _date_time(match: re.Match[str]) -> Typed | None:
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    serial = (moment - _EPOCH).total_seconds() / 86400
    if match.group(4) is None:
        return Typed(serial, moment.strftime("%Y-%m-%d"))
    return Typed(serial, f"{moment:%Y-%m-%d} {moment.hour}:{moment:%M:%S}")


def raw(value: Any) -> Value | None:
    """A JSON value sent with RAW: stored as given. ``None`` leaves the cell alone."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return Typed(value, "TRUE" if value else "FALSE")
    if isinstance(value, int | float):
        return Typed(value, format_number(value))
    raise _ApiError(400, f"Invalid value at 'data.values' ({type(value).__name__})")


def entered(value: Any, option: str) -> Value | None:
    if option == "RAW":
        return raw(value)
    if option == "USER_ENTERED":
        return user_entered(value) if isinstance(value, str) else raw(value)
    raise _ApiError(400, f"Invalid value at 'value_input_option' ({option!r})")


def formatted(value: Value) -> str:
    return value if type(value) is str else value.shown  # type: ignore[union-attr]


def rendered(value: Value, option: str) -> Any:
    if type(value) is str or option == "FORMATTED_VALUE":
        return formatted(value)
    if isinstance(value, Formula):
        return value.text if option == "FORMULA" else value.shown
    return value.value  # type: ignore[union-attr]


def _user_entered_value(value: Value) -> dict[str, Any]:
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, Formula):
        return {"formulaValue": value.text}
    if isinstance(value.value, bool):
        return {"boolValue": value.value}
    return {"numberValue": value.value}


def _from_extended(extended: Mapping[str, Any]) -> Value:
    if "stringValue" in extended:
        return str(extended["stringValue"])
    if "formulaValue" in extended:
        return Formula(extended["formulaValue"])
    if "boolValue" in extended:
        return raw(bool(extended["boolValue"])) or ""
    if "numberValue" in extended:
        return raw(extended["numberValue"]) or ""
    return ""


# -- A1 notation ------------------------------------------------------------------------
_CELL_PART = re.compile(r"([A-Za-z]{0,3})(\d*)")


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def a1_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}\d+", title
    ):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Bounds:
    """0-based; ends exclusive; ``None`` = open."""

    row0: int = 0
    row1: int | None = None
    col0: int = 0
    col1: int | None = None


def _parse_cells(text: str) -> Bounds | None:
    if not text:
        return Bounds()
    parts = text.split(":")
    if len(parts) > 2:
        return None
    matches = [_CELL_PART.fullmatch(part) for part in parts]
    if any(m is None or not (m.group(1) or m.group(2)) for m in matches):
        return None
    if any(m.group(2) == "0" for m in matches if m):  # rows start at 1
        return None
    first = matches[0]
    assert first is not None
    col0 = column_index(first.group(1)) if first.group(1) else 0
    row0 = int(first.group(2)) - 1 if first.group(2) else 0
    if len(matches) == 1:
        if not (first.group(1) and first.group(2)):
            return None
        return Bounds(row0, row0 + 1, col0, col0 + 1)
    last = matches[1]
    assert last is not None
    col1 = column_index(last.group(1)) + 1 if last.group(1) else None
    row1 = int(last.group(2)) if last.group(2) else None
    return Bounds(row0, row1, col0, col1)


# -- the data model -----------------------------------------------------------------------
class SheetTab:
    """One tab (sheet) of a spreadsheet, and a clerk's hands on it.

    Rows are 1-based like the sheet; columns are 0-based or a header name."""

    def __init__(self, book: Spreadsheet, sheet_id: int, title: str, rows: int, columns: int):
        self._book = book
        self.sheet_id = sheet_id
        self.title = title
        self.rows: list[list[Value]] = []
        self.row_count = rows
        self.column_count = columns
        self.frozen_rows = 0
        self.validations: list[tuple[Bounds, dict[str, Any]]] = []

    # -- what a clerk sees ----------------------------------------------------------
    def values(self) -> list[list[str]]:
        """Every cell as shown, trailing blanks trimmed, like FORMATTED_VALUE."""
        return self.block(Bounds(), "FORMATTED_VALUE")

    def header(self) -> list[str]:
        values = self.values()
        return values[0] if values else []

    def cell(self, row: int, column: int | str) -> str:
        index = self._column(column)
        cells = self.rows[row - 1] if row - 1 < len(self.rows) else []
        return formatted(cells[index]) if index < len(cells) else ""

    def validation(self, row: int, column: int | str) -> dict[str, Any] | None:
        return self._rule_at(row - 1, self._column(column))

    # -- a clerk's edits --------------------------------------------------------------
    def set_cells(
        self, row: int, column: int | str, values: Sequence[str], *, user_entered: bool = False
    ) -> None:
        """Type values into one row from ``column`` rightwards (RAW unless asked)."""
        option = "USER_ENTERED" if user_entered else "RAW"
        self.write(row - 1, self._column(column), [list(values)], option)
        self._book.touch()

    def type_row(self, record: Mapping[str, str], *, user_entered: bool = False) -> int:
        """Type a row below the last filled one, values placed by header name.
        Returns its row number."""
        header = [h.strip() for h in self.header()]
        cells = [""] * len(header)
        for name, value in record.items():
            cells[header.index(name)] = value
        row = len(self.values()) + 1
        self.set_cells(row, 0, cells, user_entered=user_entered)
        return row

    def insert_rows(self, before: int, rows: Sequence[Sequence[str]] = ((),)) -> None:
        """Insert rows (RAW text; default one blank row) so the first becomes row ``before``."""
        index = before - 1
        self._pad_rows(index)
        self.rows[index:index] = [[raw(v) or "" for v in row] for row in rows]
        self.row_count += len(rows)
        self._book.touch()

    def delete_rows(self, first: int, count: int = 1) -> None:
        del self.rows[first - 1 : first - 1 + count]
        self.row_count = max(1, self.row_count - count)
        self._book.touch()

    def clear_row(self, row: int) -> None:
        if row - 1 < len(self.rows):
            self.rows[row - 1] = []
        self._book.touch()

    def sort_rows(self, by: int | str, *, descending: bool = False, header_rows: int = 1) -> None:
        """Data → Sort range on the rows below the header; blank rows go last."""
        index = self._column(by)
        body = self.rows[header_rows:]
        filled = [row for row in body if _filled(row)]
        blanks = [row for row in body if not _filled(row)]
        filled.sort(
            key=lambda row: formatted(row[index]) if index < len(row) else "", reverse=descending
        )
        self.rows[header_rows:] = filled + blanks
        self._book.touch()

    def move_column(self, source: int | str, destination: int) -> None:
        """Drag a whole column (values and its validation) to another position."""
        index = self._column(source)
        width = max([index + 1, destination + 1, *map(len, self.rows)])
        for row in self.rows:
            row.extend([""] * (width - len(row)))
            row.insert(destination, row.pop(index))
        order = list(range(width))
        order.insert(destination, order.pop(index))
        moved = {old: new for new, old in enumerate(order)}
        self.validations = [
            (Bounds(b.row0, b.row1, moved[b.col0], moved[b.col0] + 1), rule)
            if b.col1 == b.col0 + 1 and b.col0 in moved
            else (b, rule)
            for b, rule in self.validations
        ]
        self._book.touch()

    def load(self, rows: Iterable[Sequence[str]], *, first_row: int = 1) -> None:
        """Bulk RAW text, for fixtures and benchmarks (no request, one version bump)."""
        index = first_row - 1
        self._pad_rows(index)
        new = [list(row) for row in rows]
        self.rows[index : index + len(new)] = new
        self.row_count = max(self.row_count, len(self.rows))
        width = max(map(len, new), default=0)
        self.column_count = max(self.column_count, width)
        self._book.touch()

    # -- used by the API handlers ---------------------------------------------------
    def properties(self, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def block(self, bounds: Bounds, render: str) -> list[list[Any]]:
        """Values in the bounds, trailing blank cells and rows trimmed."""
        end = len(self.rows) if bounds.row1 is None else min(bounds.row1, len(self.rows))
        out: list[list[Any]] = []
        last_filled = -1
        fast = render == "FORMATTED_VALUE"
        for row in self.rows[bounds.row0 : end]:
            cells = row[bounds.col0 : bounds.col1]
            end = len(cells)
            while end and cells[end - 1] == "":
                end -= 1
            if end < len(cells):
                cells = cells[:end]
            if fast and all(type(c) is str for c in cells):
                out.append(cells)
            else:
                out.append([rendered(c, render) for c in cells])
            if cells:
                last_filled = len(out) - 1
        return out[: last_filled + 1]

    def write(self, row0: int, col0: int, values: Sequence[Sequence[Any]], option: str) -> int:
        """Write a block; ``None`` cells are skipped. Returns cells written."""
        count = 0
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                cell = entered(value, option)
                if cell is not None:
                    self._set(row0 + r, col0 + c, cell)
                    count += 1
        return count

    def grid_data(self, bounds: Bounds) -> dict[str, Any]:
        end_row = self.row_count if bounds.row1 is None else min(bounds.row1, self.row_count)
        end_col = self.column_count if bounds.col1 is None else bounds.col1
        row_data: list[dict[str, Any]] = []
        for r in range(bounds.row0, end_row):
            cells = [self._cell_data(r, c) for c in range(bounds.col0, end_col)]
            while cells and not cells[-1]:
                cells.pop()
            row_data.append({"values": cells} if cells else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        data: dict[str, Any] = {"rowData": row_data}
        if bounds.row0:
            data["startRow"] = bounds.row0
        if bounds.col0:
            data["startColumn"] = bounds.col0
        return data

    def filled(self, index: int) -> bool:
        return index < len(self.rows) and _filled(self.rows[index])

    def _cell_data(self, r: int, c: int) -> dict[str, Any]:
        data: dict[str, Any] = {}
        cells = self.rows[r] if r < len(self.rows) else []
        value = cells[c] if c < len(cells) else ""
        if value != "":
            data["userEnteredValue"] = _user_entered_value(value)
            data["formattedValue"] = formatted(value)
        rule = self._rule_at(r, c)
        if rule is not None:
            data["dataValidation"] = rule
        return data

    def _rule_at(self, r: int, c: int) -> dict[str, Any] | None:
        for bounds, rule in reversed(self.validations):
            if _inside(bounds, r, c):
                return rule
        return None

    def _set(self, r: int, c: int, value: Value) -> None:
        self._pad_rows(r + 1)
        row = self.rows[r]
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        row[c] = value
        self.row_count = max(self.row_count, r + 1)
        self.column_count = max(self.column_count, c + 1)

    def _pad_rows(self, count: int) -> None:
        while len(self.rows) < count:
            self.rows.append([])

    def _column(self, column: int | str) -> int:
        if isinstance(column, int):
            return column
        header = [formatted(v).strip() for v in (self.rows[0] if self.rows else [])]
        if column not in header:
            raise KeyError(f"tab {self.title!r} has no column {column!r}: {header}")
        return header.index(column)


def _filled(row: Sequence[Value]) -> bool:
    return any(cell != "" for cell in row)


def _inside(bounds: Bounds, r: int, c: int) -> bool:
    return (
        bounds.row0 <= r
        and (bounds.row1 is None or r < bounds.row1)
        and bounds.col0 <= c
        and (bounds.col1 is None or c < bounds.col1)
    )


class Spreadsheet:
    def __init__(
        self, spreadsheet_id: str, title: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.id = spreadsheet_id
        self.title = title
        self.tabs: list[SheetTab] = []
        self.version = 1
        self.shared_with: set[str] | None = None  # None: every account may use it
        self.clock = clock
        self.changed_at: list[tuple[float, int]] = [(clock(), 1)]  # when each version came

    def tab(self, title: str) -> SheetTab:
        for tab in self.tabs:
            if tab.title == title:
                return tab
        raise KeyError(f"no tab {title!r}; tabs: {self.titles()}")

    def titles(self) -> list[str]:
        return [tab.title for tab in self.tabs]

    def add_tab(
        self,
        title: str,
        rows: Iterable[Sequence[str]] = (),
        *,
        sheet_id: int | None = None,
        row_count: int = 1000,
        column_count: int = 26,
    ) -> SheetTab:
        if title in self.titles():
            raise ValueError(f"tab {title!r} exists")
        if sheet_id is None:
            sheet_id = max((t.sheet_id for t in self.tabs), default=-1) + 1
        tab = SheetTab(self, sheet_id, title, row_count, column_count)
        self.tabs.append(tab)
        tab.load(rows)
        return tab

    def delete_tab(self, title: str) -> None:
        self.tabs.remove(self.tab(title))
        self.touch()

    def share(self, *accounts: str) -> None:
        """Only these accounts may use the spreadsheet from now on."""
        self.shared_with = set(accounts)

    def touch(self) -> None:
        self.version += 1
        self.changed_at.append((self.clock(), self.version))

    def version_seen(self, lag: float) -> int:
        """The version Drive's metadata shows ``lag`` seconds behind the edits."""
        cutoff = self.clock() - lag
        for when, version in reversed(self.changed_at):
            if when <= cutoff:
                return version
        return self.changed_at[0][1]

    def by_id(self, sheet_id: Any) -> SheetTab:
        for tab in self.tabs:
            if tab.sheet_id == sheet_id:
                return tab
        raise _ApiError(400, f"No grid with id: {sheet_id}")

    def parse_range(self, text: str) -> tuple[SheetTab, Bounds]:
        """A1 notation with a sheet name (quoted or not), or a bare range on the first tab."""
        title, cells = self._split_range(text.strip())
        bounds = _parse_cells(cells)
        if bounds is None or title not in self.titles():
            raise _ApiError(400, f"Unable to parse range: {text}")
        return self.tab(title), bounds

    def _split_range(self, text: str) -> tuple[str, str]:
        if text.startswith("'"):
            match = re.fullmatch(r"'((?:[^']|'')*)'(?:!(.*))?", text, re.DOTALL)
            if not match:
                return "", "?"
            return match.group(1).replace("''", "'"), match.group(2) or ""
        if "!" in text:
            title, cells = text.split("!", 1)
            return title, cells
        if text in self.titles():
            return text, ""
        return (self.tabs[0].title if self.tabs else ""), text


# -- the transport ------------------------------------------------------------------------
@dataclass(frozen=True)
class LoggedRequest:
    endpoint: str
    method: str
    url: str
    params: dict[str, list[str]]
    body: Any
    timeout: Any
    proxies: dict[str, str]
    verify: Any
    status: int | None  # None when the double raised instead of answering
    error: str = ""


@dataclass(frozen=True)
class Fault:
    status: int | None = None
    raises: type[Exception] | None = None
    applied: bool = False  # apply the request first, then fail (the answer is lost)
    message: str | None = None
    reason: str = ""  # Drive's errors[0].reason, e.g. "rateLimitExceeded"


class _ApiError(Exception):
    def __init__(self, status: int, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason


@dataclass
class _Answer:
    status: int
    body: Any
    content_type: str = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class _Route:
    endpoint: str
    spreadsheet_id: str = ""
    range: str = ""


class SheetsDouble(BaseAdapter):
    """The fake Google: mount on a session, set up spreadsheets, queue faults,
    read the request log. Thread-safe; one lock around each request."""

    def __init__(
        self,
        *,
        require_auth: bool = True,
        drive_version_lag: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.require_auth = require_auth
        # Drive's files.get shows the version this many seconds behind the edits
        # (reported of the real Drive; the notifier measures it in operation).
        self.drive_version_lag = drive_version_lag
        self.clock = clock
        self._log: list[LoggedRequest] = []
        self._faults: dict[str, deque[Fault]] = {}
        self._keys: dict[str, tuple[str, bytes]] = {}  # key id → (account, public key PEM)
        self._tokens: dict[str, str] = {}  # access token → account
        self._lock = threading.RLock()

    # -- set-up -----------------------------------------------------------------------
    def add_spreadsheet(
        self, spreadsheet_id: str | None = None, *, title: str = "Register Surat", tabs=("Sheet1",)
    ) -> Spreadsheet:
        spreadsheet_id = spreadsheet_id or uuid.uuid4().hex
        book = Spreadsheet(spreadsheet_id, title, self.clock)
        for name in tabs:
            book.add_tab(name)
        self.spreadsheets[spreadsheet_id] = book
        return book

    def session(self) -> requests.Session:
        """A fresh session with this double mounted for every https URL."""
        return self.mount_on(requests.Session())

    def mount_on(self, session: requests.Session) -> requests.Session:
        session.mount("https://", self)
        return session

    def service_account_file(self, path: Path | str, account: str = DEFAULT_ACCOUNT) -> Path:
        """Write a service-account key JSON (a key made now, never stored in the
        repository) and let the token endpoint trust it."""
        info, public_pem = service_account_key(account)
        self._keys[info["private_key_id"]] = (account, public_pem)
        path = Path(path)
        path.write_text(json.dumps(info), encoding="utf-8")
        return path

    # -- faults ----------------------------------------------------------------------
    def fail_next(
        self,
        endpoint: str,
        status: int | None = None,
        *,
        raises: type[Exception] | None = None,
        times: int = 1,
        applied: bool = False,
        message: str | None = None,
        reason: str = "",
    ) -> None:
        """The next ``times`` requests to ``endpoint`` ("*" = any) answer ``status``
        in Google's error format, or raise ``raises`` (e.g. ReadTimeout). With
        ``applied`` the request takes effect first and only the answer is lost."""
        if endpoint != "*" and endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; one of {ENDPOINTS}")
        if (status is None) == (raises is None):
            raise ValueError("give exactly one of status= or raises=")
        queue = self._faults.setdefault(endpoint, deque())
        queue.extend([Fault(status, raises, applied, message, reason)] * times)

    def lose_response_next(
        self,
        endpoint: str,
        *,
        raises: type[Exception] = requests.exceptions.ReadTimeout,
        times: int = 1,
    ) -> None:
        """Apply the next request(s), then lose the answer (raise ``raises``)."""
        self.fail_next(endpoint, raises=raises, times=times, applied=True)

    def pending_faults(self) -> int:
        return sum(len(queue) for queue in self._faults.values())

    # -- the log -----------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def mark(self) -> int:
        """A position in the log: ``counts(since=mark)`` counts what came after it."""
        with self._lock:
            return len(self._log)

    def count(self, endpoint: str, *, since: int = 0) -> int:
        return self.counts(since=since)[endpoint]

    def counts(self, *, since: int = 0) -> Counter[str]:
        """Requests per endpoint (failed and faulted ones included)."""
        return Counter(entry.endpoint for entry in self.requests[since:])

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # -- BaseAdapter ---------------------------------------------------------------------
    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        with self._lock:
            route = _route(request)
            params = parse_qs(urlsplit(request.url or "").query, keep_blank_values=True)
            body = _body(request)
            log = functools.partial(
                LoggedRequest,
                route.endpoint,
                request.method or "",
                request.url or "",
                params,
                body,
                timeout,
                dict(proxies or {}),
                verify,
            )
            fault = self._take_fault(route.endpoint)
            try:
                if fault is None or fault.applied:
                    answer = self._answer(route, request, params, body)
                if fault is not None:
                    answer = self._fault_answer(fault, request, route.endpoint)
            except Exception as error:
                self._log.append(log(None, type(error).__name__))
                raise
            self._log.append(log(answer.status))
            return _response(request, answer)

    def close(self) -> None:
        pass

    # -- dispatch ----------------------------------------------------------------------------
    def _take_fault(self, endpoint: str) -> Fault | None:
        for key in (endpoint, "*"):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        return None

    def _fault_answer(self, fault: Fault, request: requests.PreparedRequest, endpoint: str):
        if fault.raises is not None:
            raise fault.raises(f"double: injected {fault.raises.__name__}", request=request)
        assert fault.status is not None
        if fault.status == 502:
            return _Answer(502, _HTML_502, "text/html; charset=UTF-8")
        message = fault.message or _DEFAULT_MESSAGES.get(
            fault.status, HTTPStatus(fault.status).phrase
        )
        error = _ApiError(fault.status, message, reason=fault.reason)
        return _error(error, drive=endpoint == "drive.files.get")

    def _answer(self, route: _Route, request, params, body) -> _Answer:
        if route.endpoint == "oauth.token":
            return self._token(body)
        drive = route.endpoint == "drive.files.get"
        try:
            account = self._account(request)
            book = self._book(route.spreadsheet_id, account, drive=drive)
            handler = getattr(self, "_" + route.endpoint.replace(".", "_"))
            result = handler(book, route, params, body)
        except _ApiError as error:
            return _error(error, drive=drive)
        if route.endpoint in WRITE_ENDPOINTS:
            book.touch()
        return _Answer(200, result)

    def _account(self, request: requests.PreparedRequest) -> str:
        if not self.require_auth:
            return ""
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ").strip()
        if token not in self._tokens:
            raise _ApiError(
                401,
                "Request is missing required authentication credential. Expected OAuth 2 access "
                "token, login cookie or other valid authentication credential.",
            )
        return self._tokens[token]

    def _book(self, spreadsheet_id: str, account: str, *, drive: bool) -> Spreadsheet:
        book = self.spreadsheets.get(spreadsheet_id)
        shared = book is not None and (book.shared_with is None or account in book.shared_with)
        if book is None or (drive and not shared):
            if drive:
                raise _ApiError(404, f"File not found: {spreadsheet_id}.", reason="notFound")
            raise _ApiError(404, "Requested entity was not found.")
        if not shared:
            raise _ApiError(403, "The caller does not have permission")
        return book

    def _token(self, form: Any) -> _Answer:
        form = form if isinstance(form, dict) else {}
        if form.get("grant_type") != JWT_BEARER_GRANT:
            return _Answer(400, {"error": "unsupported_grant_type", "error_description": ""})
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                certs={kid: pem for kid, (_, pem) in self._keys.items()},
                audience=TOKEN_URL,
            )
        except (ValueError, KeyError) as error:
            return _Answer(400, {"error": "invalid_grant", "error_description": str(error)})
        if SPREADSHEETS_SCOPE not in str(claims.get("scope", "")).split():
            return _Answer(400, {"error": "invalid_scope", "error_description": "no spreadsheets"})
        token = f"ya29.double-{uuid.uuid4().hex}"
        self._tokens[token] = str(claims.get("iss", ""))
        return _Answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})

    # -- Drive --------------------------------------------------------------------------------
    def _drive_files_get(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        full = {
            "kind": "drive#file",
            "id": book.id,
            "name": book.title,
            "mimeType": "application/vnd.google-apps.spreadsheet",
            "version": str(book.version_seen(self.drive_version_lag)),
        }
        fields = params.get("fields", ["kind,id,name,mimeType"])[0]
        return apply_fields(full, parse_fields(fields))

    # -- spreadsheets ---------------------------------------------------------------------------
    def _spreadsheets_get(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        ranges = [book.parse_range(text) for text in params.get("ranges", [])]
        fields = params.get("fields", [""])[0]
        with_data = "data" in fields if fields else _true(params, "includeGridData")
        sheets = []
        for index, tab in enumerate(book.tabs):
            mine = [bounds for t, bounds in ranges if t is tab]
            if ranges and not mine:
                continue
            sheet: dict[str, Any] = {"properties": tab.properties(index)}
            if with_data:
                sheet["data"] = [tab.grid_data(b) for b in (mine or [Bounds()])]
            sheets.append(sheet)
        full = {
            "spreadsheetId": book.id,
            "properties": {"title": book.title, "locale": "en_US", "timeZone": "Asia/Jakarta"},
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.id}/edit",
        }
        return apply_fields(full, parse_fields(fields)) if fields else full

    def _spreadsheets_batchUpdate(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        requests_ = (body or {}).get("requests", [])
        _check_batch(book, requests_)  # all or nothing, like Google
        replies = [_apply_request(book, request) for request in requests_]
        return {"spreadsheetId": book.id, "replies": replies}

    # -- values ----------------------------------------------------------------------------------
    def _values_get(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        return _value_range(book, route.range, params)

    def _values_batchGet(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        ranges = [_value_range(book, text, params) for text in params.get("ranges", [])]
        return {"spreadsheetId": book.id, "valueRanges": ranges}

    def _values_update(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        option = _input_option(params.get("valueInputOption", [""])[0])
        return {"spreadsheetId": book.id, **_update(book, route.range, body or {}, option)}

    def _values_batchUpdate(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        body = body or {}
        option = _input_option(body.get("valueInputOption", ""))
        data = body.get("data", [])
        for item in data:  # all or nothing
            _check_fits(book, item["range"], _rows_of(item))
        responses = [_update(book, item["range"], item, option) for item in data]
        return {
            "spreadsheetId": book.id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": len({r["updatedRange"].split("!")[0] for r in responses}),
            "responses": [{"spreadsheetId": book.id, **r} for r in responses],
        }

    def _values_append(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        option = _input_option(params.get("valueInputOption", [""])[0])
        insert = params.get("insertDataOption", ["OVERWRITE"])[0]
        tab, bounds = book.parse_range(route.range)
        rows = _rows_of(body or {})
        start = bounds.row0
        while start < len(tab.rows) and not tab.filled(start):
            start += 1
        end = start
        while tab.filled(end):
            end += 1
        at = end if end > start else bounds.row0
        if insert == "INSERT_ROWS":
            tab._pad_rows(at)
            tab.rows[at:at] = [[] for _ in rows]
            tab.row_count += len(rows)
        cells = tab.write(at, bounds.col0, rows, option)
        width = max(map(len, rows), default=0)
        title = a1_title(tab.title)
        result: dict[str, Any] = {"spreadsheetId": book.id}
        if end > start:
            last = column_letters(max(tab.column_count, 1) - 1)
            result["tableRange"] = f"{title}!{column_letters(bounds.col0)}{start + 1}:{last}{end}"
        result["updates"] = {
            "spreadsheetId": book.id,
            "updatedRange": _a1(title, at, at + len(rows), bounds.col0, bounds.col0 + width),
            "updatedRows": len(rows),
            "updatedColumns": width,
            "updatedCells": cells,
        }
        return result

    def _values_clear(self, book: Spreadsheet, route, params, body) -> dict[str, Any]:
        tab, bounds = book.parse_range(route.range)
        end = len(tab.rows) if bounds.row1 is None else min(bounds.row1, len(tab.rows))
        for row in tab.rows[bounds.row0 : end]:
            stop = len(row) if bounds.col1 is None else min(bounds.col1, len(row))
            row[bounds.col0 : stop] = [""] * max(0, stop - bounds.col0)
        return {"spreadsheetId": book.id, "clearedRange": route.range}


# -- request helpers ----------------------------------------------------------------------
def _route(request: requests.PreparedRequest) -> _Route:
    parts = urlsplit(request.url or "")
    method = (request.method or "GET").upper()
    path = parts.path
    if parts.netloc == "oauth2.googleapis.com" and path == "/token" and method == "POST":
        return _Route("oauth.token")
    if parts.netloc == "www.googleapis.com" and path.startswith("/drive/v3/files/"):
        return _Route("drive.files.get", unquote(path.removeprefix("/drive/v3/files/")))
    if parts.netloc == "sheets.googleapis.com" and path.startswith("/v4/spreadsheets/"):
        rest = path.removeprefix("/v4/spreadsheets/")
        values = re.fullmatch(r"([^/:]+)/values/(.+?)(?::(append|clear))?", rest)
        if values:
            sid, range_, verb = values.groups()
            name = verb or ("get" if method == "GET" else "update")
            return _Route(f"values.{name}", sid, unquote(range_))
        simple = re.fullmatch(r"([^/:]+)(?:/values)?(:batchGet|:batchUpdate)?", rest)
        if simple:
            sid, verb = simple.groups()
            if "/values" in rest:
                return _Route("values." + (verb or ":?")[1:], sid)
            if verb == ":batchUpdate":
                return _Route("spreadsheets.batchUpdate", sid)
            if verb is None and method == "GET":
                return _Route("spreadsheets.get", sid)
    raise requests.exceptions.ConnectionError(f"double: no route for {method} {request.url}")


def _body(request: requests.PreparedRequest) -> Any:
    content = request.body
    if not content:
        return None
    if isinstance(content, bytes):
        content = content.decode("utf-8")
    content_type = request.headers.get("Content-Type", "")
    if "json" in content_type:
        return json.loads(content)
    if "x-www-form-urlencoded" in content_type:
        return {key: values[0] for key, values in parse_qs(content).items()}
    return content


def _response(request: requests.PreparedRequest, answer: _Answer) -> requests.Response:
    response = requests.Response()
    response.status_code = answer.status
    response.reason = HTTPStatus(answer.status).phrase
    response.headers = CaseInsensitiveDict({"Content-Type": answer.content_type})
    if isinstance(answer.body, bytes):
        response._content = answer.body
    else:
        response._content = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
    response._content_consumed = True
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    return response


def _error(error: _ApiError, *, drive: bool = False) -> _Answer:
    payload: dict[str, Any] = {"code": error.status, "message": error.message}
    if drive:
        reason = error.reason or ("rateLimitExceeded" if error.status == 429 else "backendError")
        payload["errors"] = [{"message": error.message, "domain": "global", "reason": reason}]
    else:
        payload["status"] = _STATUS_NAMES.get(error.status, "UNKNOWN")
    return _Answer(error.status, {"error": payload})


def _true(params: Mapping[str, list[str]], name: str) -> bool:
    return params.get(name, ["false"])[0].lower() == "true"


def _input_option(option: str) -> str:
    if not option:
        raise _ApiError(400, "'valueInputOption' is required but not specified")
    if option not in ("RAW", "USER_ENTERED"):
        raise _ApiError(400, f"Invalid value at 'value_input_option' ({option!r})")
    return option


def _rows_of(value_range: Mapping[str, Any]) -> list[list[Any]]:
    rows = [list(row) for row in value_range.get("values", [])]
    if value_range.get("majorDimension", "ROWS") == "COLUMNS":
        width = max(map(len, rows), default=0)
        rows = [[col[i] if i < len(col) else None for col in rows] for i in range(width)]
    return rows


def _check_fits(book: Spreadsheet, text: str, rows: list[list[Any]]) -> tuple[SheetTab, Bounds]:
    tab, bounds = book.parse_range(text)
    width = max(map(len, rows), default=0)
    if (bounds.row1, bounds.col1) == (bounds.row0 + 1, bounds.col0 + 1):
        return tab, bounds  # a single cell is where writing starts, like Google
    if bounds.row1 is not None and bounds.row0 + len(rows) > bounds.row1:
        raise _ApiError(
            400,
            f"Requested writing within range [{text}], but tried writing to row "
            f"[{bounds.row0 + len(rows)}]",
        )
    if bounds.col1 is not None and bounds.col0 + width > bounds.col1:
        raise _ApiError(
            400,
            f"Requested writing within range [{text}], but tried writing to column "
            f"[{column_letters(bounds.col0 + width - 1)}]",
        )
    return tab, bounds


def _update(book: Spreadsheet, text: str, value_range: Mapping[str, Any], option: str):
    rows = _rows_of(value_range)
    tab, bounds = _check_fits(book, text, rows)
    cells = tab.write(bounds.row0, bounds.col0, rows, option)
    width = max(map(len, rows), default=0)
    return {
        "updatedRange": _a1(
            a1_title(tab.title),
            bounds.row0,
            bounds.row0 + len(rows),
            bounds.col0,
            bounds.col0 + width,
        ),
        "updatedRows": len(rows),
        "updatedColumns": width,
        "updatedCells": cells,
    }


def _value_range(book: Spreadsheet, text: str, params: Mapping[str, list[str]]) -> dict[str, Any]:
    tab, bounds = book.parse_range(text)
    if bounds.row0 >= tab.row_count or (bounds.col1 or 0) > tab.column_count:
        raise _ApiError(
            400,
            f"Range ({text}) exceeds grid limits. Max rows: {tab.row_count}, "
            f"max columns: {tab.column_count}",
        )
    render = params.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
    major = params.get("majorDimension", ["ROWS"])[0]
    rows = tab.block(bounds, render)
    if major == "COLUMNS":
        width = max(map(len, rows), default=0)
        rows = [[row[i] if i < len(row) else "" for row in rows] for i in range(width)]
    row1 = tab.row_count if bounds.row1 is None else min(bounds.row1, tab.row_count)
    col1 = tab.column_count if bounds.col1 is None else bounds.col1
    result: dict[str, Any] = {
        "range": _a1(a1_title(tab.title), bounds.row0, row1, bounds.col0, col1),
        "majorDimension": major,
    }
    if rows:
        result["values"] = rows
    return result


def _a1(title: str, row0: int, row1: int, col0: int, col1: int) -> str:
    return (
        f"{title}!{column_letters(col0)}{row0 + 1}:"
        f"{column_letters(max(col1, col0 + 1) - 1)}{max(row1, row0 + 1)}"
    )


# -- spreadsheets.batchUpdate ------------------------------------------------------------------
_SUPPORTED = (
    "addSheet",
    "deleteSheet",
    "updateSheetProperties",
    "setDataValidation",
    "updateCells",
)


def _check_batch(book: Spreadsheet, requests_: Sequence[Mapping[str, Any]]) -> None:
    titles = set(book.titles())
    ids = {tab.sheet_id for tab in book.tabs}
    for number, request in enumerate(requests_):
        kind = next(iter(request), "")
        if kind not in _SUPPORTED:
            raise _ApiError(400, f'Invalid JSON payload received. Unknown name "{kind}"')
        if kind == "addSheet":
            properties = request[kind].get("properties", {})
            title = properties.get("title", f"Sheet{len(titles) + 1}")
            if title in titles:
                raise _ApiError(
                    400,
                    f'Invalid requests[{number}].addSheet: A sheet with the name "{title}" '
                    "already exists. Please enter another name.",
                )
            if properties.get("sheetId") in ids:
                raise _ApiError(
                    400,
                    f"Invalid requests[{number}].addSheet: Sheet with id "
                    f"{properties['sheetId']} already exists.",
                )
            titles.add(title)
            ids.add(properties.get("sheetId", max(ids, default=-1) + 1))
            continue
        sheet_id = _sheet_id_of(request[kind])
        if sheet_id not in ids:
            raise _ApiError(400, f"Invalid requests[{number}].{kind}: No grid with id: {sheet_id}")


def _sheet_id_of(request: Mapping[str, Any]) -> Any:
    for key in ("range", "start", "properties"):
        if key in request:
            return request[key].get("sheetId", 0)
    return request.get("sheetId", 0)


def _apply_request(book: Spreadsheet, request: Mapping[str, Any]) -> dict[str, Any]:
    kind, body = next(iter(request.items()))
    if kind == "addSheet":
        properties = body.get("properties", {})
        grid = properties.get("gridProperties", {})
        tab = book.add_tab(
            properties.get("title", f"Sheet{len(book.tabs) + 1}"),
            sheet_id=properties.get("sheetId"),
            row_count=grid.get("rowCount", 1000),
            column_count=grid.get("columnCount", 26),
        )
        tab.frozen_rows = grid.get("frozenRowCount", 0)
        return {"addSheet": {"properties": tab.properties(len(book.tabs) - 1)}}
    if kind == "deleteSheet":
        book.tabs.remove(book.by_id(body.get("sheetId")))
        return {}
    if kind == "updateSheetProperties":
        _update_properties(book, body)
        return {}
    if kind == "setDataValidation":
        tab = book.by_id(body["range"].get("sheetId", 0))
        bounds = _grid_range(body["range"])
        tab.validations = [(b, r) for b, r in tab.validations if not _covers(bounds, b)]
        if body.get("rule"):
            tab.validations.append((bounds, body["rule"]))
        return {}
    _update_cells(book, body)
    return {}


def _update_properties(book: Spreadsheet, body: Mapping[str, Any]) -> None:
    properties = body.get("properties", {})
    tab = book.by_id(properties.get("sheetId", 0))
    for path in filter(None, body.get("fields", "").split(",")):
        path = path.strip()
        if path == "title":
            tab.title = properties["title"]
        elif path.startswith("gridProperties"):
            grid = properties.get("gridProperties", {})
            names = [path.split(".", 1)[1]] if "." in path else list(grid)
            for name in names:
                value = grid.get(name, 0)
                if name == "frozenRowCount":
                    tab.frozen_rows = value
                elif name == "rowCount":
                    tab.row_count = value
                elif name == "columnCount":
                    tab.column_count = value
        else:
            raise _ApiError(400, f"Unsupported field in updateSheetProperties: {path}")


def _update_cells(book: Spreadsheet, body: Mapping[str, Any]) -> None:
    if "userEnteredValue" not in body.get("fields", ""):
        raise _ApiError(400, "updateCells: only fields=userEnteredValue is supported here")
    where = body.get("start") or body.get("range") or {}
    tab = book.by_id(where.get("sheetId", 0))
    row0 = where.get("rowIndex", where.get("startRowIndex", 0))
    col0 = where.get("columnIndex", where.get("startColumnIndex", 0))
    for r, row in enumerate(body.get("rows", [])):
        for c, cell in enumerate(row.get("values", [])):
            tab._set(row0 + r, col0 + c, _from_extended(cell.get("userEnteredValue", {})))


def _grid_range(grid_range: Mapping[str, Any]) -> Bounds:
    return Bounds(
        grid_range.get("startRowIndex", 0),
        grid_range.get("endRowIndex"),
        grid_range.get("startColumnIndex", 0),
        grid_range.get("endColumnIndex"),
    )


def _covers(outer: Bounds, inner: Bounds) -> bool:
    def within(lo: int, hi: int | None, a: int, b: int | None) -> bool:
        return lo <= a and (hi is None or (b is not None and b <= hi))

    return within(outer.row0, outer.row1, inner.row0, inner.row1) and within(
        outer.col0, outer.col1, inner.col0, inner.col1
    )


# -- field masks ------------------------------------------------------------------------------
FieldTree = dict[str, "FieldTree | None"]


def parse_fields(text: str) -> FieldTree:
    """``sheets(properties(title),data.rowData)`` → nested dict; ``None`` = whole value."""
    tokens = re.findall(r"[^,()\s]+|[,()]", text)
    tree, _ = _parse_field_list(tokens, 0)
    return tree


def _parse_field_list(tokens: list[str], position: int) -> tuple[FieldTree, int]:
    tree: FieldTree = {}
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token == ")":
            break
        if token == ",":
            continue
        sub: FieldTree | None = None
        if position < len(tokens) and tokens[position] == "(":
            sub, position = _parse_field_list(tokens, position + 1)
        _insert_field(tree, token.split("."), sub)
    return tree, position


def _insert_field(tree: FieldTree, path: list[str], sub: FieldTree | None) -> None:
    node = tree
    for name in path[:-1]:
        if name in node and node[name] is None:
            return  # already the whole value
        child = node.setdefault(name, {})
        assert child is not None
        node = child
    last = path[-1]
    if sub is None or node.get(last, {}) is None:
        node[last] = None
    else:
        existing = node.setdefault(last, {})
        assert existing is not None
        for name, value in sub.items():
            _insert_field(existing, [name], value)


def apply_fields(value: Any, tree: FieldTree | None) -> Any:
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply_fields(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: apply_fields(item, tree[key]) for key, item in value.items() if key in tree}
    return value


# -- service-account keys -----------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def service_account_key(account: str = DEFAULT_ACCOUNT) -> tuple[dict[str, str], bytes]:
    """A fresh RSA key as Google's key JSON, and its public key PEM. Made at run
    time (and cached per process); nothing secret is stored in the repository."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    info = {
        "type": "service_account",
        "project_id": "sitras-uji",
        "private_key_id": uuid.uuid4().hex,
        "private_key": pem,
        "client_email": account,
        "client_id": "100000000000000000000",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": TOKEN_URL,
    }
    return info, public_pem


def formatted_rows(rows: Iterable[Sequence[Value]]) -> list[list[str]]:
    """Cells as shown, for assertions on raw ``SheetTab.rows``."""
    return [[formatted(cell) for cell in row] for row in rows]


__all__ = [
    "DEFAULT_ACCOUNT",
    "ENDPOINTS",
    "Fault",
    "Formula",
    "LoggedRequest",
    "SheetTab",
    "SheetsDouble",
    "Spreadsheet",
    "Typed",
    "apply_fields",
    "formatted_rows",
    "parse_fields",
    "service_account_key",
    "user_entered",
]
