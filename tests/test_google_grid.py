"""The Google Sheets backend on its own: faults and retries, lost answers,
credentials, sharing, proxies, timeouts, the layout set-up and how many
requests each register operation costs. The real gspread and google-auth code
runs; only the network is the double (tests/sheets_double.py)."""

from __future__ import annotations

import json

import pytest
import requests
from conftest import FAST_RETRY, SPREADSHEET_ID
from google.auth.transport.requests import AuthorizedSession, Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sheets_double import DEFAULT_ACCOUNT, WRITE_ENDPOINTS, service_account_key

from sitras_sheets import tracking_code
from sitras_sheets.errors import (
    ConfigError,
    OutcomeUnknown,
    RegisterError,
    RegisterUnavailable,
    SheetLayoutError,
    SpreadsheetNotFound,
)
from sitras_sheets.google_grid import RetryPolicy, connect, load_credentials
from sitras_sheets.grid import CellWrite
from sitras_sheets.models import STATUS_VALUES, Letter, Scan
from sitras_sheets.register import Register, letter_key
from sitras_sheets.schema import SURAT, TABS

SHEETS_URL = f"https://sheets.googleapis.com/v4/spreadsheets/{SPREADSHEET_ID}/values:batchGet"


@pytest.fixture
def ready(google_register: Register) -> Register:
    google_register.init()
    return google_register


def letters_in(book) -> list[list[str]]:
    return book.tab(SURAT.name).values()[1:]


def a_letter(subject: str = "Undangan rapat") -> Letter:
    return Letter(subject=subject, sender="Budi", whatsapp="0812-3456-7890")


# -- transient faults are retried -------------------------------------------------------------
def test_a_429_is_retried_and_the_read_succeeds(ready, sheets_double):
    ready.add_letter(a_letter())
    sheets_double.clear_log()
    sheets_double.fail_next("values.batchGet", status=429)

    snapshot = ready.read()

    assert [found.subject for found in snapshot.letters] == ["Undangan rapat"]
    assert [entry.status for entry in sheets_double.requests] == [429, 200]


def test_a_burst_of_5xx_including_an_html_502_page_is_retried(ready, sheets_double):
    sheets_double.fail_next("values.batchGet", status=503, times=2)
    sheets_double.fail_next("values.batchGet", status=502)
    sheets_double.clear_log()

    assert ready.read().letters == []
    assert [entry.status for entry in sheets_double.requests] == [503, 503, 502, 200]


@pytest.mark.parametrize(
    "error", [requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError]
)
def test_a_timeout_or_a_dropped_connection_is_retried(ready, sheets_double, error):
    sheets_double.fail_next("values.batchGet", raises=error)
    sheets_double.fail_next("values.batchUpdate", raises=error)
    added = ready.add_letter(a_letter())
    key = letter_key(ready.read().letter(added.code))

    assert ready.update_letters({key: {"position": "ASPEM"}}) == []
    assert ready.read().letter(added.code).position == "ASPEM"
    assert sheets_double.pending_faults() == 0


def test_retries_exhausted_raise_register_unavailable_with_a_clear_message(ready, sheets_double):
    sheets_double.clear_log()
    sheets_double.fail_next("values.batchGet", status=503, times=FAST_RETRY.attempts)

    with pytest.raises(RegisterUnavailable) as raised:
        ready.read()

    message = str(raised.value)
    assert "tidak bisa dihubungi" in message
    assert f"{FAST_RETRY.attempts} percobaan" in message
    assert "503" in message
    assert sheets_double.count("values.batchGet") == FAST_RETRY.attempts


def test_waits_grow_exponentially_with_jitter_bounded(sheets_double, key_file):
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, multiplier=1.0, max_wait=3.0, jitter=0.5, sleep=waits.append)
    grid = connect(SPREADSHEET_ID, key_file, session=sheets_double.session(), retry=policy)
    sheets_double.fail_next("values.batchGet", status=429, times=4)

    assert grid.read(["Sheet1"]) == {"Sheet1": []}
    low_high = [(1.0, 1.5), (2.0, 2.5), (3.0, 3.0), (3.0, 3.0)]  # 1·2ⁿ + jitter, capped at 3
    assert len(waits) == len(low_high)
    for wait, (low, high) in zip(waits, low_high, strict=True):
        assert low <= wait <= high


def test_a_403_quota_answer_from_drive_is_retried(google_grid, sheets_double):
    sheets_double.fail_next("drive.files.get", status=403, reason="userRateLimitExceeded")

    assert google_grid.version().isdigit()
    assert sheets_double.count("drive.files.get") == 2


# -- appends are never blindly repeated ---------------------------------------------------------
def test_an_append_that_failed_with_5xx_is_not_repeated_blindly(ready, google_grid, sheets_double):
    sheets_double.fail_next("values.append", status=503)

    with pytest.raises(OutcomeUnknown, match="mungkin"):
        google_grid.append_rows(SURAT.name, [["x"]])
    assert sheets_double.count("values.append") == 1


def test_an_append_refused_with_429_is_sent_again(ready, google_grid, sheets_double, book):
    sheets_double.fail_next("values.append", status=429)

    google_grid.append_rows(SURAT.name, [["7K2M-9QXD-4TR3"]])

    assert letters_in(book) == [["7K2M-9QXD-4TR3"]]
    assert sheets_double.count("values.append") == 2


def test_an_append_applied_but_its_answer_lost_leaves_exactly_one_row(ready, sheets_double, book):
    sheets_double.lose_response_next("values.append")

    added = ready.add_letter(a_letter())

    assert [row[0] for row in letters_in(book)] == [added.code]
    assert sheets_double.count("values.append") == 1  # the re-read found it: not sent again


def test_an_append_lost_before_it_was_applied_is_sent_again_once(ready, sheets_double, book):
    sheets_double.fail_next("values.append", raises=requests.exceptions.ReadTimeout)

    added = ready.add_letter(a_letter())

    assert [row[0] for row in letters_in(book)] == [added.code]
    assert sheets_double.count("values.append") == 2


def test_a_scan_whose_answer_was_lost_is_logged_once(ready, sheets_double, book):
    added = ready.add_letter(a_letter())
    scan = Scan("ST1-000009", "2025-01-06 10:00", added.code, "ASPEM", "Sari", "ST1")
    sheets_double.fail_next("values.append", status=500, applied=True)

    assert ready.append_scans([scan]) == 0  # already there when checked
    assert book.tab("Pindai").values()[1][0] == "ST1-000009"
    assert len(book.tab("Pindai").values()) == 2
    assert ready.read().scans == [scan]


def test_a_lost_layout_batch_update_is_planned_again(google_register, sheets_double, book):
    sheets_double.lose_response_next("spreadsheets.batchUpdate")

    google_register.init()

    assert book.titles() == ["Sheet1", *(tab.name for tab in TABS)]
    assert sheets_double.count("spreadsheets.batchUpdate") == 1
    assert google_register.init() == []


# -- the spreadsheet, its tabs and the account --------------------------------------------------
def test_an_unknown_spreadsheet_names_the_id_and_the_service_account(sheets_double, key_file):
    grid = connect("1TidakAda", key_file, session=sheets_double.session(), retry=FAST_RETRY)

    for call in (lambda: grid.read([SURAT.name]), grid.version):
        with pytest.raises(SpreadsheetNotFound) as raised:
            call()
        assert "1TidakAda" in str(raised.value)
        assert DEFAULT_ACCOUNT in str(raised.value)
    assert sheets_double.count("values.batchGet") == 1  # a 404 is not retried


def test_a_spreadsheet_not_shared_with_the_account_is_a_permission_error(google_grid, book):
    book.share("orang.lain@example.go.id")

    with pytest.raises(RegisterError) as raised:
        google_grid.read(["Sheet1"])

    assert not isinstance(raised.value, SpreadsheetNotFound | RegisterUnavailable)
    assert DEFAULT_ACCOUNT in str(raised.value)
    assert "Editor" in str(raised.value)


def test_a_missing_tab_is_a_layout_error_naming_it(google_grid, google_register, book):
    book.add_tab("Pindai")

    with pytest.raises(SheetLayoutError) as raised:
        google_grid.read(["Sheet1", "Pindai", "Surat"])
    assert "'Surat'" in str(raised.value)
    assert "'Pindai'" not in str(raised.value)
    assert "init" in str(raised.value)
    with pytest.raises(SheetLayoutError, match="'Meja'"):
        google_register.read()


def test_tab_names_with_quotes_and_spaces_are_quoted(google_grid, book):
    name = "Rekap O'Brien 2025!"
    book.add_tab(name, [["Kode", "Catatan"]])

    google_grid.write_cells([CellWrite(name, 2, 1, "tulis"), CellWrite(name, 2, 0, "A1")])
    google_grid.append_rows(name, [["B2", "tambah"]])

    assert google_grid.read([name]) == {
        name: [["Kode", "Catatan"], ["A1", "tulis"], ["B2", "tambah"]]
    }


# -- credentials ---------------------------------------------------------------------------
def _key_json() -> dict:
    return dict(service_account_key()[0])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "tidak ditemukan"),
        ("{ini bukan json", "bukan JSON"),
        (json.dumps({"type": "authorized_user", "client_id": "x"}), "bukan kunci akun layanan"),
        (json.dumps({"type": "service_account", "client_email": "a@b"}), "tidak lengkap"),
        ("broken-key", "tidak bisa dipakai"),
    ],
)
def test_unusable_credentials_are_a_config_error_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "kunci.json"
    if content == "broken-key":
        info = _key_json()
        info["private_key"] = info["private_key"][:200] + "rusak" + info["private_key"][-60:]
        content = json.dumps(info)
    if content is not None:
        path.write_text(content, encoding="utf-8")

    with pytest.raises(ConfigError) as raised:
        connect(SPREADSHEET_ID, path)

    message = str(raised.value)
    assert expected in message
    assert str(path) in message
    key_line = _key_json()["private_key"].splitlines()[1]
    assert key_line not in message


def test_no_credentials_file_or_spreadsheet_id_is_a_config_error(key_file):
    with pytest.raises(ConfigError, match="credentials_file"):
        load_credentials("")
    with pytest.raises(ConfigError, match="spreadsheet_id"):
        connect("", key_file)


def test_a_key_google_does_not_know_is_refused_with_a_clear_message(sheets_double, tmp_path):
    stranger = tmp_path / "asing.json"
    stranger.write_text(json.dumps(service_account_key("asing@lain.iam.gserviceaccount.com")[0]))
    grid = connect(SPREADSHEET_ID, stranger, session=sheets_double.session(), retry=FAST_RETRY)

    with pytest.raises(RegisterError, match="menolak kunci akun layanan"):
        grid.read(["Sheet1"])


def test_the_token_is_fetched_once_and_reused(ready, sheets_double):
    ready.add_letter(a_letter())
    ready.read()
    ready.grid.version()

    assert sheets_double.count("oauth.token") == 1
    assert sheets_double.count("values.batchGet") >= 2


def test_a_callers_authorized_session_is_used_as_the_transport(sheets_double, key_file):
    credentials = load_credentials(key_file)
    session = AuthorizedSession(credentials, auth_request=Request(sheets_double.session()))
    sheets_double.mount_on(session)

    grid = connect(SPREADSHEET_ID, key_file, session=session, retry=FAST_RETRY)

    assert grid.read(["Sheet1"]) == {"Sheet1": []}
    assert sheets_double.count("oauth.token") == 1
    assert grid.session is session


# -- the environment: proxy and CA bundle ----------------------------------------------------------
@pytest.fixture
def proxy_environment(monkeypatch, tmp_path):
    bundle = tmp_path / "kantor-ca.pem"
    bundle.write_text("ca certificates of the office proxy\n")
    for name in ("https_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.pemda.go.id:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    return "http://proxy.pemda.go.id:3128", str(bundle)


def test_the_sessions_built_by_connect_honour_proxy_and_ca_bundle(
    proxy_environment, sheets_double, key_file
):
    proxy, bundle = proxy_environment
    grid = connect(SPREADSHEET_ID, key_file, retry=FAST_RETRY)
    assert grid.token_session is not None

    for session in (grid.session, grid.token_session):
        settings_ = session.merge_environment_settings(SHEETS_URL, {}, False, None, None)
        assert settings_["proxies"].get("https") == proxy
        assert settings_["verify"] == bundle
        sheets_double.mount_on(session)
    grid.read(["Sheet1"])

    seen = {entry.endpoint: entry for entry in sheets_double.requests}
    assert set(seen) == {"oauth.token", "values.batchGet"}
    for entry in seen.values():
        assert entry.proxies.get("https") == proxy
        assert entry.verify == bundle


def test_a_callers_plain_session_carries_proxy_and_ca_to_token_and_api(
    proxy_environment, google_grid, sheets_double
):
    proxy, bundle = proxy_environment

    google_grid.read(["Sheet1"])
    google_grid.version()

    assert {entry.endpoint for entry in sheets_double.requests} == {
        "oauth.token",
        "values.batchGet",
        "drive.files.get",
    }
    assert all(entry.proxies.get("https") == proxy for entry in sheets_double.requests)
    assert all(entry.verify == bundle for entry in sheets_double.requests)


def test_every_request_has_an_explicit_timeout(sheets_double, key_file, clock):
    grid = connect(
        SPREADSHEET_ID,
        key_file,
        session=sheets_double.session(),
        timeout=(2.0, 7.0),
        retry=FAST_RETRY,
    )
    register = Register(grid, clock)
    register.init()
    added = register.add_letter(a_letter())
    register.update_letters({tracking_code.normalise(added.code): {"position": "ASPEM"}})
    grid.version()

    assert {entry.endpoint for entry in sheets_double.requests} >= {
        "oauth.token",
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "values.batchGet",
        "values.append",
        "values.batchUpdate",
        "drive.files.get",
    }
    assert {entry.timeout for entry in sheets_double.requests} == {(2.0, 7.0)}


# -- what each operation costs ------------------------------------------------------------------
def test_a_register_read_is_one_batch_get(ready, sheets_double):
    ready.add_letter(a_letter())
    mark = sheets_double.mark()

    ready.read()
    assert sheets_double.counts(since=mark) == {"values.batchGet": 1}
    ready.read(notifications=True)
    assert sheets_double.counts(since=mark) == {"values.batchGet": 2}


def test_a_look_up_without_scans_fetches_only_the_scan_logs_header(ready, sheets_double):
    added = ready.add_letter(a_letter())
    ready.append_scans([Scan("ST-1", "2025-01-06 10:00", added.code, "ASPEM")])
    mark = sheets_double.mark()

    snapshot = ready.read(scans=False)

    assert snapshot.scans == [] and snapshot.letter(added.code).subject == added.subject
    (request,) = sheets_double.requests[mark:]
    assert sorted(request.params["ranges"]) == [
        "'Meja'",
        "'Notifikasi'!1:1",
        "'Pindai'!1:1",
        "'Surat'",
    ]
    ready.append_scans([Scan("ST-2", "2025-01-06 10:05", added.code, "UMUM")])
    assert sheets_double.counts(since=mark) == {"values.batchGet": 1, "values.append": 1}


def test_a_tick_updating_many_letters_is_one_batch_update(ready, sheets_double, book):
    codes = [tracking_code.display(tracking_code.generate()) for _ in range(60)]
    book.tab(SURAT.name).load(
        [[code, "", "", f"Surat {i}"] for i, code in enumerate(codes)], first_row=2
    )
    snapshot = ready.read()
    sheets_double.clear_log()

    updates = {
        letter_key(found): {
            "position": "ASPEM",
            "updated_at": "2025-01-06 10:00",
            "notification": "Terkirim 1/1",
        }
        for found in snapshot.letters
    }
    assert ready.update_letters(updates) == []

    assert sheets_double.counts() == {"values.batchUpdate": 1}
    body = sheets_double.requests[0].body
    assert body["valueInputOption"] == "RAW"
    found = {row.code: row for row in ready.read().letters}
    assert all(found[code].position == "ASPEM" for code in codes)
    assert all(found[code].notification == "Terkirim 1/1" for code in codes)


def test_version_rises_with_every_write_and_costs_one_drive_request(ready, sheets_double, book):
    before = ready.grid.version()
    assert ready.grid.version() == before
    ready.add_letter(a_letter())
    after_append = ready.grid.version()
    book.tab(SURAT.name).set_cells(2, "Status", ["Selesai"])  # a clerk's edit

    assert int(after_append) > int(before)
    assert int(ready.grid.version()) > int(after_append)
    assert sheets_double.requests[-1].endpoint == "drive.files.get"
    assert sheets_double.requests[-1].params["fields"] == ["version"]


def test_every_write_is_raw(ready, sheets_double):
    added = ready.add_letter(Letter(subject="=1+1", whatsapp="0812", sender="TRUE"))
    ready.update_letters({tracking_code.normalise(added.code): {"notification": "0001"}})
    ready.append_scans([Scan("ST1-1", "2025-01-06 10:00", added.code, "ASPEM")])

    writes = [entry for entry in sheets_double.requests if entry.endpoint in WRITE_ENDPOINTS]
    options = []
    for entry in writes:
        if entry.endpoint == "values.append":
            options += entry.params["valueInputOption"]
            assert entry.params["insertDataOption"] == ["INSERT_ROWS"]
        elif entry.endpoint == "values.batchUpdate":
            options.append(entry.body["valueInputOption"])
    assert options and set(options) == {"RAW"}
    found = ready.read().letter(added.code)
    assert (found.subject, found.whatsapp, found.sender) == ("=1+1", "0812", "TRUE")
    assert found.notification == "0001"


# -- layout --------------------------------------------------------------------------------
def test_init_twice_sends_no_batch_update_the_second_time(google_register, sheets_double):
    assert google_register.init()
    sheets_double.clear_log()

    assert google_register.init() == []

    assert sheets_double.counts() == {"spreadsheets.get": 1, "values.batchGet": 1}


def test_init_freezes_headers_and_sets_a_warning_only_status_list(google_register, book):
    google_register.init()

    assert book.titles() == ["Sheet1", "Surat", "Pindai", "Meja", "Notifikasi"]
    for tab in TABS:
        assert book.tab(tab.name).frozen_rows == 1
        assert book.tab(tab.name).header() == tab.headers
    rule = book.tab(SURAT.name).validation(2, "Status")
    assert rule["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == list(STATUS_VALUES)
    assert rule["strict"] is False
    assert book.tab(SURAT.name).validation(500, "Status") == rule
    assert book.tab(SURAT.name).validation(1, "Status") is None
    assert book.tab(SURAT.name).validation(2, "Perihal") is None
    assert book.tab("Notifikasi").validation(2, "Status") is None
    assert book.tab("Sheet1").frozen_rows == 0


def test_init_completes_tabs_a_person_started_and_leaves_their_choices(
    google_register, book, sheets_double
):
    moved = [*SURAT.headers[9:], *SURAT.headers[:9]]  # Status first
    book.add_tab(SURAT.name, [moved, ["7K2M-9QXD-4TR3"]])
    book.add_tab("Pindai")  # empty: gets its header
    book.add_tab(
        "Meja", [["Kode Meja", "Nama Meja", "Penanggung Jawab", "No. WhatsApp", "Batas Jam"]]
    )
    book.tab("Meja").frozen_rows = 2  # a choice made by the administrator

    changes = google_register.init()

    assert changes == [
        "baris judul tab 'Surat' dibekukan",
        "validasi Status tab 'Surat' (kolom A) dipasang: isi di luar daftar ditandai peringatan",
        "judul kolom tab 'Pindai' ditulis di baris 1",
        "baris judul tab 'Pindai' dibekukan",
        "tab 'Notifikasi' dibuat dengan 7 kolom",
    ]
    assert book.tab(SURAT.name).header() == moved
    assert book.tab(SURAT.name).validation(2, 0)["condition"]["type"] == "ONE_OF_LIST"
    assert book.tab("Pindai").header() == TABS[1].headers
    assert book.tab("Meja").frozen_rows == 2
    sheets_double.clear_log()
    assert google_register.init() == []
    assert sheets_double.count("spreadsheets.batchUpdate") == 0


def test_init_replaces_an_outdated_status_list(google_register, book):
    google_register.init()
    surat = book.tab(SURAT.name)
    old = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Baru"}]}}
    surat.validations.append((surat.validations[-1][0], old))

    changes = google_register.init()

    assert len(changes) == 1 and "validasi Status" in changes[0]
    assert surat.validation(2, "Status")["condition"]["values"][0]["userEnteredValue"] == "Diterima"


# -- the double catches what is not RAW ----------------------------------------------------------
def test_the_double_would_catch_a_user_entered_write(google_grid, book):
    book.add_tab("Uji", [["a", "b", "c"]])
    google_grid.http.values_update(
        SPREADSHEET_ID,
        "'Uji'!A2",
        params={"valueInputOption": "USER_ENTERED"},
        body={"values": [["081234567890", '=IMPORTXML("http://x","//a")', "'0812"]]},
    )

    assert google_grid.read(["Uji"])["Uji"][1] == ["81234567890", "#NAME?", "0812"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cells=st.dictionaries(
        st.tuples(st.integers(2, 6), st.integers(0, 8)),
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
        min_size=1,
        max_size=12,
    )
)
def test_any_text_round_trips_unchanged_through_write_and_read(google_grid, book, cells):
    if "Acak" not in book.titles():
        book.add_tab("Acak")
    book.tab("Acak").rows.clear()

    google_grid.write_cells(
        [CellWrite("Acak", row, column, text) for (row, column), text in cells.items()]
    )

    values = google_grid.read(["Acak"])["Acak"]
    for (row, column), text in cells.items():
        cells_of_row = values[row - 1] if row - 1 < len(values) else []
        assert (cells_of_row[column] if column < len(cells_of_row) else "") == text
