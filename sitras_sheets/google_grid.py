"""The Google Sheets register backend: the ``Grid`` port on gspread 6.

Only this module imports gspread. It uses gspread's HTTP client (the thin layer
over the Sheets v4 REST calls), never its Spreadsheet/Worksheet objects, so
each port method is exactly one request in the normal case:

* ``read``        → one ``values.batchGet`` (FORMATTED_VALUE, rows)
* ``write_cells`` → one ``values.batchUpdate`` (RAW)
* ``append_rows`` → one ``values.append`` (RAW, INSERT_ROWS)
* ``ensure_layout`` → one ``spreadsheets.get`` and, only if something is
  missing, one ``spreadsheets.batchUpdate``
* ``version``     → one Drive ``files.get?fields=version``

Every request has an explicit timeout. Idempotent requests are retried with
exponential backoff and jitter on 429, 5xx, timeouts and connection errors.
``values.append`` and ``spreadsheets.batchUpdate`` are retried only when the
request surely was not applied (429, connect timeout); otherwise they raise
``OutcomeUnknown`` and the caller checks the sheet before trying again.
Library errors are translated here into ``sitras_sheets.errors``."""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import google.auth.exceptions
import gspread
import requests
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2.service_account import Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from sitras_sheets.errors import (
    ConfigError,
    OutcomeUnknown,
    RegisterError,
    RegisterUnavailable,
    SheetLayoutError,
    SitrasError,
    SpreadsheetNotFound,
)
from sitras_sheets.grid import CellWrite, Tail, TailGone
from sitras_sheets.schema import SURAT, Tab, column_letter, map_headers

SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.metadata.readonly",
)
DRIVE_FILES_URL = "https://www.googleapis.com/drive/v3/files/"
Timeout = float | tuple[float, float]

_NOT_IDEMPOTENT = frozenset({"values.append", "spreadsheets.batchUpdate"})
_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_NEW_TAB_ROWS = 1000
_NEW_TAB_COLUMNS = 26


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried: ``attempts`` tries in all, waiting
    ``multiplier * 2**n`` seconds (at most ``max_wait``) plus up to ``jitter``
    seconds of random jitter. Tests pass tiny waits or their own ``sleep``."""

    attempts: int = 5
    multiplier: float = 1.0
    max_wait: float = 32.0
    jitter: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


# -- credentials and connection ---------------------------------------------------
def load_credentials(credentials_file: str | Path) -> Credentials:
    """The service account key as google-auth credentials. Every problem is a
    ConfigError naming the file; the key's content is never echoed."""
    if not str(credentials_file or "").strip():
        raise ConfigError(
            "berkas kredensial akun layanan belum diisi "
            "(register.credentials_file atau GOOGLE_APPLICATION_CREDENTIALS)"
        )
    path = Path(credentials_file)
    if not path.is_file():
        raise ConfigError(f"berkas kredensial akun layanan {path} tidak ditemukan")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            f"berkas kredensial akun layanan {path} tidak bisa dibaca ({type(error).__name__})"
        ) from None
    except ValueError:
        raise ConfigError(f"berkas kredensial akun layanan {path} bukan JSON yang sah") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ConfigError(
            f'berkas {path} bukan kunci akun layanan Google ("type" harus "service_account"); '
            "unduh kunci JSON dari Google Cloud Console > IAM > Akun layanan"
        )
    missing = [key for key in ("client_email", "private_key", "token_uri") if not info.get(key)]
    if missing:
        raise ConfigError(
            f"kunci akun layanan {path} tidak lengkap: tidak ada {', '.join(missing)}"
        )
    try:
        return Credentials.from_service_account_file(str(path), scopes=list(SCOPES))
    except (ValueError, TypeError, OSError) as error:
        raise ConfigError(
            f"kunci privat di {path} tidak bisa dipakai ({type(error).__name__}); "
            "unduh ulang kunci JSON akun layanan"
        ) from None


def connect(
    spreadsheet_id: str,
    credentials_file: str | Path,
    *,
    session: requests.Session | None = None,
    timeout: Timeout = (5.0, 30.0),
    retry: RetryPolicy | None = None,
) -> GoogleGrid:
    """A GoogleGrid on this spreadsheet. Nothing is sent until the first call.

    Without ``session`` an AuthorizedSession is built whose token refresh goes
    through its own plain ``requests.Session``; both honour the environment
    (HTTPS_PROXY, REQUESTS_CA_BUNDLE). A caller's AuthorizedSession is used as
    is; a caller's plain session carries both the token refresh and the API
    calls (tests mount a transport adapter on it)."""
    if not str(spreadsheet_id or "").strip():
        raise ConfigError("register.spreadsheet_id wajib diisi untuk backend google")
    credentials = load_credentials(credentials_file)
    token_session: requests.Session | None = None
    if session is None:
        token_session = requests.Session()
        session = AuthorizedSession(credentials, auth_request=Request(token_session))
    elif not isinstance(session, AuthorizedSession):
        token_session = session
    http_client = functools.partial(SheetsHTTPClient, retry=retry or RetryPolicy())
    client = gspread.Client(auth=credentials, session=session, http_client=http_client)
    client.set_timeout(timeout)
    return GoogleGrid(client.http_client, spreadsheet_id.strip(), token_session=token_session)


# -- the HTTP client: timeouts, retries, error translation -------------------------
class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client with retries and Sitras errors.

    With a plain ``requests.Session`` it authorises each request itself (the
    token refresh then goes through the same session); an AuthorizedSession
    authorises on its own."""

    def __init__(
        self,
        auth: Credentials,
        session: requests.Session | None = None,
        *,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(auth, session)
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.account = getattr(auth, "service_account_email", "") or "(tidak diketahui)"
        self._authorizes = not isinstance(self.session, AuthorizedSession)
        self._token_request = Request(self.session) if self._authorizes else None

    def request(  # type: ignore[override]
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        call = _Call.of(method, endpoint, self.retry.attempts)
        retrying = Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=wait_exponential_jitter(
                multiplier=self.retry.multiplier,
                max=self.retry.max_wait,
                jitter=self.retry.jitter,
            ),
            retry=retry_if_exception(call.should_retry),
            sleep=self.retry.sleep,
            reraise=True,
        )
        send = functools.partial(
            self._send, method, endpoint, params=params, data=data, json=json, files=files
        )
        try:
            for attempt in retrying:
                with attempt:
                    return send(headers=dict(headers or {}))
        except (APIError, requests.RequestException, google.auth.exceptions.GoogleAuthError) as e:
            raise call.translate(e, self.account) from e
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _send(
        self, method: str, url: str, *, headers: dict[str, str], **kwargs: Any
    ) -> requests.Response:
        if not self._authorizes:
            return super().request(method, url, headers=headers, **kwargs)
        token_request = functools.partial(self._token_request, timeout=self.timeout)
        self.auth.before_request(token_request, method, url, headers)
        try:
            return super().request(method, url, headers=headers, **kwargs)
        except APIError as error:
            if error.response.status_code != 401:
                raise
        self.auth.refresh(token_request)  # revoked or expired early: one fresh token
        self.auth.apply(headers)
        return super().request(method, url, headers=headers, **kwargs)


@dataclass(frozen=True)
class _Call:
    name: str
    spreadsheet_id: str
    attempts: int

    @classmethod
    def of(cls, method: str, url: str, attempts: int) -> _Call:
        path = urlsplit(url).path
        found = re.search(r"/(?:spreadsheets|files)/([^/:]+)", path)
        return cls(_call_name(method, path), found.group(1) if found else "?", attempts)

    @property
    def idempotent(self) -> bool:
        return self.name not in _NOT_IDEMPOTENT

    def should_retry(self, error: BaseException) -> bool:
        if self.idempotent:
            return _is_transient(error)
        # Surely not applied: refused for quota, never connected, or the token
        # (fetched before the call is sent) could not be had.
        if isinstance(error, google.auth.exceptions.GoogleAuthError):
            return _is_transient(error)
        return _status(error) == 429 or isinstance(error, requests.exceptions.ConnectTimeout)

    def translate(self, error: Exception, account: str) -> SitrasError:
        sid = self.spreadsheet_id
        status = _status(error)
        detail = _detail(error)
        if status == 404:
            return SpreadsheetNotFound(
                f"spreadsheet {sid!r} tidak ditemukan atau belum dibagikan ke akun layanan "
                f"{account}; bagikan spreadsheet itu ke alamat tersebut sebagai Editor"
            )
        if status == 403 and not _is_transient(error):
            return RegisterError(
                f"akun layanan {account} tidak punya izin untuk spreadsheet {sid!r} "
                f"({detail}); bagikan spreadsheet ke akun layanan itu sebagai Editor"
            )
        if status == 401 or isinstance(error, google.auth.exceptions.RefreshError):
            if getattr(error, "retryable", False):
                return RegisterUnavailable(f"layanan token Google tidak tersedia ({detail})")
            return RegisterError(
                f"Google menolak kunci akun layanan {account} ({detail}); "
                "periksa apakah kunci masih aktif"
            )
        if status == 400 and "Unable to parse range" in detail:
            return _RangeNotFound(detail)
        if status == 400 and "exceeds grid limits" in detail:
            return _BeyondGrid(f"Google Sheets menolak {self.name} ({detail})")
        if _is_tls_error(error):
            return RegisterError(
                f"sambungan aman ke Google gagal ({detail}); periksa REQUESTS_CA_BUNDLE dan proxy"
            )
        if _is_transient(error):
            if not self.should_retry(error):
                return OutcomeUnknown(
                    f"jawaban Google untuk {self.name} hilang ({detail}); perubahan mungkin "
                    "sudah tertulis, periksa spreadsheet sebelum mengulang"
                )
            return RegisterUnavailable(
                f"Google Sheets tidak bisa dihubungi untuk {self.name} setelah "
                f"{self.attempts} percobaan ({detail}); coba lagi nanti"
            )
        return RegisterError(f"Google Sheets menolak {self.name} ({detail})")


class _RangeNotFound(SheetLayoutError):
    """A range names a tab the spreadsheet does not have."""


class _BeyondGrid(RegisterError):
    """A range reaches below or right of a tab's grid."""


def _call_name(method: str, path: str) -> str:
    if "/drive/" in path:
        return "drive.files.get"
    if path.endswith("/values:batchGet"):
        return "values.batchGet"
    if path.endswith("/values:batchUpdate"):
        return "values.batchUpdate"
    if path.endswith(":batchUpdate"):
        return "spreadsheets.batchUpdate"
    if path.endswith(":append"):
        return "values.append"
    if path.endswith(":clear"):
        return "values.clear"
    if "/values/" in path:
        return "values.get" if method.upper() == "GET" else "values.update"
    return "spreadsheets.get"


def _status(error: BaseException) -> int | None:
    if isinstance(error, APIError):
        return error.response.status_code  # error.code is -1 when the body is not JSON
    return None


def _detail(error: BaseException) -> str:
    if isinstance(error, APIError):
        message = error.error.get("message", "") if error.code != -1 else ""
        return f"{error.response.status_code} {message}".strip()
    return f"{type(error).__name__}: {error}"[:300]


def _is_transient(error: BaseException) -> bool:
    status = _status(error)
    if status is not None:
        if status == 403:
            return bool(_reasons(error) & _RATE_LIMIT_REASONS)
        return status in (408, 429) or status >= 500
    if _is_tls_error(error):
        return False
    if isinstance(error, google.auth.exceptions.RefreshError):
        return bool(getattr(error, "retryable", False))
    return isinstance(
        error,
        requests.Timeout | requests.ConnectionError | google.auth.exceptions.TransportError,
    )


def _is_tls_error(error: BaseException) -> bool:
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, requests.exceptions.SSLError):
            return True
        current = current.__cause__ or current.__context__
    return False


def _reasons(error: APIError) -> set[str]:
    details = error.error.get("errors", []) if error.code != -1 else []
    return {item.get("reason", "") for item in details if isinstance(item, dict)}


# -- the grid -----------------------------------------------------------------------
class GoogleGrid:
    """The register's tabs in one Google spreadsheet (see module docstring)."""

    def __init__(
        self,
        http: SheetsHTTPClient,
        spreadsheet_id: str,
        *,
        token_session: requests.Session | None = None,
    ) -> None:
        self.http = http
        self.spreadsheet_id = spreadsheet_id
        self.token_session = token_session

    @property
    def session(self) -> requests.Session:
        """The session every Sheets and Drive request goes through."""
        return self.http.session

    @property
    def account(self) -> str:
        return self.http.account

    # -- Grid ---------------------------------------------------------------------
    def read(
        self,
        tabs: Sequence[str],
        header_only: Sequence[str] = (),
        tails: Mapping[str, Tail] | None = None,
    ) -> dict[str, list[list[str]]]:
        """One values.batchGet: whole tabs, ``'Tab'!1:1`` for header-only tabs,
        and for a tail ``'Tab'!1:1`` plus ``'Tab'!A{first_row}:{last column}``
        (a bounded range: Google refuses one wider or lower than the grid)."""
        tails = tails or {}
        a1 = [quote_tab(tab) for tab in tabs] + [quote_tab(tab) + "!1:1" for tab in header_only]
        for tab, tail in tails.items():
            last = column_letter(max(tail.columns, 1) - 1)
            a1 += [quote_tab(tab) + "!1:1", f"{quote_tab(tab)}!A{tail.first_row}:{last}"]
        names = [*tabs, *header_only, *tails]
        if not names:
            return {}
        params = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
        try:
            with _answers():
                body = self.http.values_batch_get(self.spreadsheet_id, a1, params=params)
                values = [value_range.get("values", []) for value_range in body["valueRanges"]]
        except _RangeNotFound as error:
            raise self._missing_tabs(names, str(error)) from None
        except _BeyondGrid as error:
            raise TailGone(str(error)) from None
        if len(values) != len(a1):
            raise RegisterError(
                f"Google Sheets menjawab {len(values)} rentang untuk {len(a1)} yang diminta"
            )
        # FORMATTED_VALUE cells are always strings; trailing blanks are left out.
        plain = [*tabs, *header_only]
        result = dict(zip(plain, values[: len(plain)], strict=True))
        tail_values = iter(values[len(plain) :])
        for tab in tails:
            header, rows = next(tail_values), next(tail_values)
            result[tab] = header[:1] + rows
        return result

    def write_cells(self, writes: Sequence[CellWrite]) -> None:
        data = [
            {"range": a1, "majorDimension": "ROWS", "values": [values]}
            for a1, values in _row_runs(writes)
        ]
        if data:
            with _answers():
                self.http.values_batch_update(
                    self.spreadsheet_id, body={"valueInputOption": "RAW", "data": data}
                )

    def append_rows(self, tab: str, rows: Sequence[Sequence[str]]) -> None:
        if not rows:
            return
        values = [[str(cell) for cell in row] for row in rows]
        with _answers():
            self.http.values_append(
                self.spreadsheet_id,
                f"{quote_tab(tab)}!A1",
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                body={"majorDimension": "ROWS", "values": values},
            )

    def ensure_layout(self, tabs: Sequence[Tab], status_values: Sequence[str]) -> list[str]:
        """Plan from one spreadsheets.get, apply in one batchUpdate. A batchUpdate
        whose answer was lost is planned again from a fresh read."""
        attempts = 3
        for attempt in range(attempts):
            requests_, changes = _plan_layout(self._layout(tabs), tabs, status_values)
            if not requests_:
                return []
            try:
                with _answers():
                    self.http.batch_update(self.spreadsheet_id, {"requests": requests_})
            except OutcomeUnknown:
                if attempt == attempts - 1:
                    raise
                continue
            return changes
        return []

    def version(self) -> str:
        """The Drive file version: it rises on every change to the spreadsheet, so
        an unchanged version means an unchanged register."""
        with _answers():
            response = self.http.request(
                "get",
                DRIVE_FILES_URL + quote(self.spreadsheet_id, safe=""),
                params={"fields": "version", "supportsAllDrives": "true"},
            )
            return str(response.json()["version"])

    # -- helpers -----------------------------------------------------------------
    def _titles(self) -> list[str]:
        with _answers():
            body = self.http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"fields": "sheets.properties.title"}
            )
            return [sheet["properties"]["title"] for sheet in body.get("sheets", [])]

    def _missing_tabs(self, tabs: Sequence[str], detail: str) -> SheetLayoutError:
        try:
            titles = set(self._titles())
        except RegisterError:
            return SheetLayoutError(f"{detail}; jalankan 'init'")
        missing = [tab for tab in tabs if tab not in titles]
        if not missing:
            return SheetLayoutError(detail)
        names = ", ".join(repr(tab) for tab in missing)
        return SheetLayoutError(
            f"tab {names} tidak ada di spreadsheet {self.spreadsheet_id!r}; jalankan 'init'"
        )

    def _layout(self, tabs: Sequence[Tab]) -> dict[str, _SheetState]:
        """Properties of every tab, the header row of ours, and the Status
        validation of Surat's first data row: one request when all tabs exist."""
        ranges = {
            tab.name: f"{quote_tab(tab.name)}!{_LAYOUT_ROWS.get(tab.name, '1:1')}" for tab in tabs
        }
        try:
            return _sheet_states(self._spreadsheet(list(ranges.values())))
        except _RangeNotFound:  # a tab is missing: list all tabs, then read ours
            pass
        with _answers():
            every = self.http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"fields": _SHEET_FIELDS}
            )
        states = _sheet_states(every)
        present = [a1 for name, a1 in ranges.items() if name in states]
        if present:
            states.update(_sheet_states(self._spreadsheet(present)))
        return states

    def _spreadsheet(self, ranges: list[str]) -> Mapping[str, Any]:
        fields = (
            f"{_SHEET_FIELDS},sheets.data(startRow,rowData.values(formattedValue,dataValidation))"
        )
        with _answers():
            return self.http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"ranges": ranges, "fields": fields}
            )


@contextmanager
def _answers() -> Iterator[None]:
    """An answer that is not the JSON Google sends (a captive portal, a proxy's
    error page) is a register error, not a crash."""
    try:
        yield
    except (ValueError, KeyError, TypeError) as error:
        if isinstance(error, SitrasError):
            raise
        raise RegisterError(
            f"jawaban Google Sheets tidak bisa dibaca ({type(error).__name__}); periksa proxy"
        ) from error


def _sheet_states(body: Mapping[str, Any]) -> dict[str, _SheetState]:
    return {state.title: state for state in map(_SheetState.of, body.get("sheets", []))}


_SHEET_FIELDS = (
    "sheets.properties(sheetId,title,gridProperties(rowCount,columnCount,frozenRowCount))"
)
_LAYOUT_ROWS = {SURAT.name: "1:2"}  # Surat: the header and the first data row's validation


def quote_tab(name: str) -> str:
    """A tab name as an A1 sheet reference: ``'Surat'``, ``'O''Brien'``."""
    return "'" + name.replace("'", "''") + "'"


def _row_runs(writes: Sequence[CellWrite]) -> Iterator[tuple[str, list[str]]]:
    """Adjacent cells of one row as one A1 range; the last write to a cell wins."""
    cells: dict[tuple[str, int], dict[int, str]] = {}
    for write in writes:
        cells.setdefault((write.tab, write.row), {})[write.column] = write.value
    for (tab, row), columns in cells.items():
        run: list[int] = []
        for column in sorted(columns):
            if run and column != run[-1] + 1:
                yield _run_range(tab, row, run), [columns[c] for c in run]
                run = []
            run.append(column)
        yield _run_range(tab, row, run), [columns[c] for c in run]


def _run_range(tab: str, row: int, columns: list[int]) -> str:
    return f"{quote_tab(tab)}!{column_letter(columns[0])}{row}:{column_letter(columns[-1])}{row}"


# -- layout planning (pure) --------------------------------------------------------
@dataclass(frozen=True)
class _SheetState:
    title: str
    sheet_id: int
    frozen_rows: int
    columns: int
    header: list[str]
    row2_rules: dict[int, Mapping[str, Any]]

    @classmethod
    def of(cls, sheet: Mapping[str, Any]) -> _SheetState:
        properties = sheet.get("properties", {})
        grid = properties.get("gridProperties", {})
        rows: dict[int, list[Mapping[str, Any]]] = {}
        for block in sheet.get("data", []):
            for offset, row in enumerate(block.get("rowData", [])):
                rows[block.get("startRow", 0) + offset] = row.get("values", [])
        header = [cell.get("formattedValue", "") for cell in rows.get(0, [])]
        rules = {
            column: cell["dataValidation"]
            for column, cell in enumerate(rows.get(1, []))
            if "dataValidation" in cell
        }
        return cls(
            properties.get("title", ""),
            int(properties.get("sheetId", 0)),
            int(grid.get("frozenRowCount", 0)),
            int(grid.get("columnCount", 0)),
            header,
            rules,
        )


def _plan_layout(
    sheets: Mapping[str, _SheetState], tabs: Sequence[Tab], status_values: Sequence[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The batchUpdate requests that bring the tabs to the contract, and what
    they change in words. Nothing to do → ([], [])."""
    requests_: list[dict[str, Any]] = []
    changes: list[str] = []
    next_id = max((s.sheet_id for s in sheets.values()), default=0) + 1
    for tab in tabs:
        state = sheets.get(tab.name)
        if state is None:
            sheet_id, next_id = next_id, next_id + 1
            requests_ += [_add_sheet(tab, sheet_id), _write_header(tab, sheet_id)]
            changes.append(f"tab {tab.name!r} dibuat dengan {len(tab.headers)} kolom")
            header: list[str] = tab.headers
        else:
            sheet_id, header = state.sheet_id, state.header
            if not any(cell.strip() for cell in header):
                header = tab.headers
                requests_.append(_write_header(tab, sheet_id))
                changes.append(f"judul kolom tab {tab.name!r} ditulis di baris 1")
            grid = _grid_changes(state, len(header))
            if grid:
                requests_.append(_update_grid(sheet_id, grid))
            if "frozenRowCount" in grid:
                changes.append(f"baris judul tab {tab.name!r} dibekukan")
        if tab.name == SURAT.name:
            column = _status_column(header)
            current = state.row2_rules.get(column) if state and column is not None else None
            if column is not None and not _same_list(current, status_values):
                requests_.append(_status_validation(sheet_id, column, status_values))
                changes.append(
                    f"validasi Status tab {tab.name!r} (kolom {column_letter(column)}) dipasang: "
                    "isi di luar daftar ditandai peringatan"
                )
    return requests_, changes


def _grid_changes(state: _SheetState, width: int) -> dict[str, int]:
    grid: dict[str, int] = {}
    if state.frozen_rows < 1:
        grid["frozenRowCount"] = 1
    if state.columns and state.columns < width:
        grid["columnCount"] = width
    return grid


def _status_column(header: Sequence[str]) -> int | None:
    try:
        return map_headers(SURAT, header).positions.get("status")
    except SheetLayoutError:
        return None  # Register.init reports the broken header row


def _same_list(rule: Mapping[str, Any] | None, values: Sequence[str]) -> bool:
    if not rule:
        return False
    condition = rule.get("condition", {})
    listed = [item.get("userEnteredValue", "") for item in condition.get("values", [])]
    return condition.get("type") == "ONE_OF_LIST" and listed == list(values)


def _add_sheet(tab: Tab, sheet_id: int) -> dict[str, Any]:
    return {
        "addSheet": {
            "properties": {
                "sheetId": sheet_id,
                "title": tab.name,
                "gridProperties": {
                    "rowCount": _NEW_TAB_ROWS,
                    "columnCount": max(_NEW_TAB_COLUMNS, len(tab.headers)),
                    "frozenRowCount": 1,
                },
            }
        }
    }


def _write_header(tab: Tab, sheet_id: int) -> dict[str, Any]:
    cells = [{"userEnteredValue": {"stringValue": header}} for header in tab.headers]
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": cells}],
            "fields": "userEnteredValue",
        }
    }


def _update_grid(sheet_id: int, grid: Mapping[str, int]) -> dict[str, Any]:
    return {
        "updateSheetProperties": {
            "properties": {"sheetId": sheet_id, "gridProperties": dict(grid)},
            "fields": ",".join(f"gridProperties.{name}" for name in grid),
        }
    }


def _status_validation(sheet_id: int, column: int, values: Sequence[str]) -> dict[str, Any]:
    """A drop-down on the Status column below the header. Not strict: a value
    outside the list is kept and marked with a warning, so a clerk's edit is
    never blocked; Register.read reports it as a problem."""
    return {
        "setDataValidation": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": 1,
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            },
            "rule": {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": value} for value in values],
                },
                "inputMessage": "Pilih salah satu: " + ", ".join(values),
                "strict": False,
                "showCustomUi": True,
            },
        }
    }
