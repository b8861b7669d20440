"""One contract, two backends: what a clerk or a sender would notice about the
register, run on the local SQLite register and on Google Sheets (through the
HTTP double). Clerk edits that only a spreadsheet allows (sorting rows,
inserting rows between others, dragging columns) run on Google only."""

from __future__ import annotations

import re

import pytest
from conftest import Backend

from sitras_sheets import tracking_code
from sitras_sheets.models import STATUS_VALUES, Letter, NotificationRecord, Scan
from sitras_sheets.register import Register, letter_key
from sitras_sheets.schema import MEJA, NOTIFIKASI, PINDAI, SURAT, TABS

DISPLAY_CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
# What people type that a spreadsheet would "helpfully" change if it were not
# written RAW: leading zeros, formulas, booleans, dates, percentages, apostrophes.
TYPED_TEXT = {
    "whatsapp": "0812-3456-7890",
    "number": "081234567890",
    "subject": '=IMPORTXML("http://x","//a")',
    "sender": "'Budi Santoso",
    "sender_org": "TRUE",
    "addressed_to": "2025-01-06 09:30",
    "disposition": "50%",
    "notes": "+6281234567890",
}


def letter(subject: str, **values: str) -> Letter:
    return Letter(subject=subject, sender="Budi", whatsapp="0812-3456-7890", **values)


def row_of(backend: Backend, code: str) -> tuple[int, dict[str, str]]:
    """Where the letter with this code is in Surat now, as header → cell."""
    values = backend.clerk.values(SURAT.name)
    header = values[0]
    for number, row in enumerate(values[1:], start=2):
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
        if cells.get("Kode Lacak") == code:
            return number, cells
    raise AssertionError(f"{code} not in the sheet")


def headers_of(values: list[list[str]]) -> list[str]:
    return values[0] if values else []


# -- set-up -------------------------------------------------------------------------------
def test_init_creates_the_four_tabs_and_a_second_run_changes_nothing(backend: Backend):
    changes = backend.register.init()

    assert changes
    assert all(isinstance(change, str) and change for change in changes)
    for tab in TABS:
        assert headers_of(backend.clerk.values(tab.name)) == tab.headers
    assert backend.register.init() == []
    for tab in TABS:
        assert backend.clerk.values(tab.name) == [tab.headers]


def test_an_empty_register_reads_as_empty(register: Register):
    snapshot = register.read(notifications=True)

    assert snapshot.letters == []
    assert snapshot.scans == []
    assert snapshot.desks == {}
    assert snapshot.notifications == []
    assert snapshot.problems == []


# -- the loket ------------------------------------------------------------------------------
def test_add_letter_assigns_a_valid_code_the_time_and_the_first_status(register, clock):
    first = register.add_letter(letter("Undangan rapat"))
    second = register.add_letter(letter("Permohonan data"))

    assert DISPLAY_CODE.fullmatch(first.code)
    assert tracking_code.is_valid(first.code)
    assert first.code != second.code
    assert first.received_at == "2025-01-06 09:30"
    assert first.status == "Diterima"
    snapshot = register.read()
    assert [found.subject for found in snapshot.letters] == ["Undangan rapat", "Permohonan data"]
    assert snapshot.letter(first.code).received_at == "2025-01-06 09:30"
    assert snapshot.problems == []


def test_typed_text_is_written_raw_and_read_back_unchanged(register, backend):
    added = register.add_letter(Letter(**TYPED_TEXT))

    found = register.read().letter(added.code)
    for field, typed in TYPED_TEXT.items():
        assert getattr(found, field) == typed, field
    _, cells = row_of(backend, added.code)
    assert cells["No. WhatsApp"] == "0812-3456-7890"
    assert cells["Perihal"] == '=IMPORTXML("http://x","//a")'
    assert cells["Nomor Surat"] == "081234567890"


# -- the sync writing back --------------------------------------------------------------------
def test_update_letters_writes_only_the_named_fields_of_that_row(register, backend):
    first = register.add_letter(letter("Undangan", notes="asli"))
    second = register.add_letter(letter("Laporan"))
    snapshot = register.read()
    before_first = row_of(backend, first.code)[1]
    before_second = row_of(backend, second.code)[1]

    missing = register.update_letters(
        {
            letter_key(snapshot.letter(first.code)): {
                "position": "ASPEM",
                "notification": "Terkirim 1/1",
            }
        }
    )

    assert missing == []
    after_first = row_of(backend, first.code)[1]
    assert after_first == before_first | {"Posisi": "ASPEM", "Notifikasi": "Terkirim 1/1"}
    assert row_of(backend, second.code)[1] == before_second


def test_update_letters_refuses_fields_that_belong_to_clerks(register):
    added = register.add_letter(letter("Undangan"))
    with pytest.raises(ValueError, match="status"):
        register.update_letters({tracking_code.normalise(added.code): {"status": "Selesai"}})


def test_update_letters_reports_deleted_rows_and_writes_the_others(register, backend, monotonic):
    gone = register.add_letter(letter("Akan dihapus"))
    kept = register.add_letter(letter("Tetap"))
    snapshot = register.read()
    backend.clerk.delete_row(SURAT.name, row_of(backend, gone.code)[0])
    monotonic.advance(60)  # the positions read above are stale now

    gone_key = letter_key(snapshot.letter(gone.code))
    kept_key = letter_key(snapshot.letter(kept.code))
    missing = register.update_letters(
        {gone_key: {"position": "ASPEM"}, kept_key: {"position": "BAGUM"}}
    )

    assert missing == [gone_key]
    assert row_of(backend, kept.code)[1]["Posisi"] == "BAGUM"
    assert [found.code for found in register.read().letters] == [kept.code]


@pytest.mark.parametrize("edit", ["sort", "insert"])
def test_update_after_a_clerk_moved_rows_goes_to_the_row_holding_the_key(
    google_backend, monotonic, edit
):
    register = google_backend.register
    register.init()
    codes = [register.add_letter(letter(subject)).code for subject in ("C", "A", "B")]
    snapshot = register.read()
    tab = google_backend.clerk.book.tab(SURAT.name)
    if edit == "sort":
        tab.sort_rows("Perihal")
    else:
        tab.insert_rows(2, [[], ["", "", "", "Diketik petugas", "Sari"]])
    monotonic.advance(60)

    target = snapshot.letter(codes[0])  # subject "C", read at row 2
    missing = register.update_letters({letter_key(target): {"position": "ASPEM"}})

    assert missing == []
    row, cells = row_of(google_backend, codes[0])
    assert row != target.row
    assert cells["Posisi"] == "ASPEM"
    assert [row_of(google_backend, code)[1]["Posisi"] for code in codes[1:]] == ["", ""]
    assert sum("ASPEM" in r for r in google_backend.clerk.values(SURAT.name)) == 1


def test_a_code_is_written_only_to_positions_read_a_moment_ago(google_backend, monotonic):
    """Positions up to 5 s old are trusted for system cells, but a new code on
    the wrong row would give a letter two identities: that write re-reads."""
    register = google_backend.register
    register.init()
    tab = google_backend.clerk.book.tab(SURAT.name)
    tab.insert_rows(2, [["", "", "", "Z ketik tanpa kode", "Sari"]])
    register.add_letter(letter("A sudah berkode"))
    typed = next(found for found in register.read().letters if not found.code)
    tab.sort_rows("Perihal")  # the clerk sorts while the sync is busy
    monotonic.advance(2)

    new_code = tracking_code.display(tracking_code.generate())
    assert register.update_letters({letter_key(typed): {"code": new_code}}) == []

    assert row_of(google_backend, new_code)[1]["Perihal"] == "Z ketik tanpa kode"
    assert len(register.read().letters) == 2 and not register.read().problems


# -- scans and notifications ------------------------------------------------------------------
def test_append_scans_is_idempotent_by_scan_id(register, backend):
    added = register.add_letter(letter("Undangan"))
    scan = Scan("ST1-000001", "2025-01-06 10:00", added.code, "ASPEM", "Sari", "ST1")

    assert register.append_scans([scan]) == 1
    assert register.append_scans([scan], verify=True) == 0
    assert register.append_scans([scan, scan], verify=True) == 0

    assert len(backend.clerk.values(PINDAI.name)) == 2  # header + one scan
    assert register.read().scans == [scan]


def test_a_scan_appended_twice_without_verify_counts_once(register):
    added = register.add_letter(letter("Undangan"))
    scan = Scan("ST1-000002", "2025-01-06 10:00", added.code, "ASPEM", "Sari", "ST1")
    register.append_scans([scan])
    register.append_scans([scan])

    assert register.read().scans == [scan]


def test_notifications_are_appended_and_read_back(register, backend):
    record = NotificationRecord(
        "2025-01-06 10:01", "7K2M-9QXD-4TR3", "diterima", "62812****7890", "Terkirim", "wamid.1"
    )
    register.append_notifications([record])

    assert register.read(notifications=True).notifications == [record]
    assert backend.clerk.values(NOTIFIKASI.name)[1][:6] == [
        "2025-01-06 10:01",
        "7K2M-9QXD-4TR3",
        "diterima",
        "62812****7890",
        "Terkirim",
        "wamid.1",
    ]


def test_a_lost_notification_append_answer_leaves_each_row_once(google_backend, sheets_double):
    """Two retries of one message in the same minute make two identical rows;
    a lost append answer must not double them."""
    register = google_backend.register
    register.init()
    retry = NotificationRecord(
        "2025-01-06 10:01", "7K2M-9QXD-4TR3", "diterima", "62812****7890", "Dicoba lagi"
    )
    sheets_double.lose_response_next("values.append")  # applied, answer lost

    register.append_notifications([retry, retry])

    assert register.read(notifications=True).notifications == [retry, retry]


# -- reading the scan log from a mark ---------------------------------------------------------
def scans_at(register: Register, code: str, *ids: str, desk: str = "ASPEM") -> list[Scan]:
    scans = [Scan(scan_id, "2025-01-06 10:00", code, desk) for scan_id in ids]
    register.append_scans(scans)
    return scans


def test_a_read_after_a_mark_fetches_the_scan_log_from_the_marked_row_on(register):
    code = register.add_letter(letter("Undangan")).code
    first, second = scans_at(register, code, "S1", "S2")
    marked = register.read()
    assert marked.scan_log_whole and marked.scan_mark is not None
    assert (marked.scan_mark.row, marked.scan_mark.scan_id) == (3, "S2")
    later = scans_at(register, code, "S3", "S4")

    tail = register.read(scans_after=marked.scan_mark)

    assert tail.scans == [second, *later]  # the marked row (checked) and what came after
    assert not tail.scan_log_whole
    assert (tail.scan_mark.row, tail.scan_mark.scan_id) == (5, "S4")
    assert [s.scan_id for s in register.read(scans_after=tail.scan_mark).scans] == ["S4"]
    assert len(tail.letters) == 1 and tail.desks == marked.desks


def test_a_scan_log_changed_at_the_mark_is_read_whole(register, backend):
    code = register.add_letter(letter("Undangan")).code
    scans_at(register, code, "S1", "S2", "S3")
    mark = register.read().scan_mark
    backend.clerk.delete_row(PINDAI.name, 4)  # the marked row (S3), by hand
    scans_at(register, code, "S4")

    snapshot = register.read(scans_after=mark)

    assert snapshot.scan_log_whole
    assert [scan.scan_id for scan in snapshot.scans] == ["S1", "S2", "S4"]


def test_a_scan_log_with_a_moved_column_is_read_whole(register, backend):
    code = register.add_letter(letter("Undangan")).code
    scans_at(register, code, "S1", "S2")
    mark = register.read().scan_mark
    backend.clerk.add_column(PINDAI.name, "Catatan Petugas", {2: "tertinggal"})

    snapshot = register.read(scans_after=mark)

    assert snapshot.scan_log_whole and [s.scan_id for s in snapshot.scans] == ["S1", "S2"]


@pytest.mark.parametrize("edit", ["sort", "insert above", "delete below the grid"])
def test_rows_sorted_inserted_or_deleted_above_the_mark_are_noticed(
    google_backend, sheets_double, book, edit
):
    register = google_backend.register
    register.init()
    code = register.add_letter(letter("Undangan")).code
    scans_at(register, code, "S1", "S2", "S3")
    mark = register.read().scan_mark
    log = book.tab(PINDAI.name)
    if edit == "sort":
        log.sort_rows("ID Pindai", descending=True)
    elif edit == "insert above":
        log.insert_rows(2, [["S0", "2025-01-06 09:00", code, "UMUM"]])
    else:  # the grid ends above the marked row now
        log.delete_rows(2, log.row_count - 1)
        scans_at(register, code, "S9")
    before = sheets_double.mark()

    snapshot = register.read(scans_after=mark)

    assert snapshot.scan_log_whole
    expected = {"sort": ["S3", "S2", "S1"], "insert above": ["S0", "S1", "S2", "S3"]}
    assert [s.scan_id for s in snapshot.scans] == expected.get(edit, ["S9"])
    assert sheets_double.count("values.batchGet", since=before) == 2  # the tail, then all


def test_a_read_after_a_mark_costs_one_request_with_a_bounded_range(google_backend, sheets_double):
    register = google_backend.register
    register.init()
    code = register.add_letter(letter("Undangan")).code
    scans_at(register, code, "S1", "S2")
    mark = register.read().scan_mark
    before = sheets_double.mark()

    register.read(scans_after=mark)

    (request,) = sheets_double.requests[before:]
    assert request.endpoint == "values.batchGet"
    assert "'Pindai'!A3:G" in request.params["ranges"]
    assert "'Pindai'" not in request.params["ranges"]  # not the whole tab


# -- what clerks leave in the sheet ----------------------------------------------------------
def test_a_scan_row_without_an_id_is_reported_not_read(register, backend):
    added = register.add_letter(letter("Undangan"))
    register.append_scans([Scan("", "2025-01-06 10:00", added.code, "ASPEM")])
    register.append_scans([Scan("ST1-1", "2025-01-06 10:05", added.code, "UMUM")])

    snapshot = register.read()
    assert [scan.scan_id for scan in snapshot.scans] == ["ST1-1"]
    assert [(p.tab, p.row) for p in snapshot.problems] == [(PINDAI.name, 2)]
    assert "ID Pindai kosong" in snapshot.problems[0].message


def test_blank_rows_are_skipped(register, backend):
    first = register.add_letter(letter("Sebelum baris kosong"))
    backend.clerk.blank_row(SURAT.name)
    backend.clerk.type_row(SURAT.name, {"Perihal": "Sesudah baris kosong", "Pengirim": "Sari"})
    backend.clerk.blank_row(MEJA.name)
    backend.clerk.type_row(MEJA.name, {"Kode Meja": "ASPEM", "Nama Meja": "Asisten Pemerintahan"})

    snapshot = register.read()

    assert [found.subject for found in snapshot.letters] == [
        "Sebelum baris kosong",
        "Sesudah baris kosong",
    ]
    assert snapshot.letters[0].code == first.code
    assert snapshot.letters[1].row == 4
    assert list(snapshot.desks) == ["ASPEM"]
    assert snapshot.problems == []


def test_unknown_columns_are_left_untouched(register, backend):
    first = register.add_letter(letter("Undangan"))
    row, _ = row_of(backend, first.code)
    backend.clerk.add_column(SURAT.name, "Paraf Kabag", {row: "sudah"})

    key = letter_key(register.read().letter(first.code))
    register.update_letters({key: {"position": "ASPEM", "updated_at": "2025-01-06 10:00"}})
    second = register.add_letter(letter("Laporan"))

    assert row_of(backend, first.code)[1]["Paraf Kabag"] == "sudah"
    assert row_of(backend, first.code)[1]["Posisi"] == "ASPEM"
    assert row_of(backend, second.code)[1]["Paraf Kabag"] == ""
    assert headers_of(backend.clerk.values(SURAT.name))[-1] == "Paraf Kabag"


def test_a_code_in_two_rows_is_reported_naming_the_first_row(register, backend):
    first = register.add_letter(letter("Asli"))
    row, _ = row_of(backend, first.code)
    copied = backend.clerk.type_row(SURAT.name, {"Kode Lacak": first.code, "Perihal": "Salinan"})

    snapshot = register.read()

    assert [found.subject for found in snapshot.letters] == ["Asli"]
    problems = [p for p in snapshot.problems if p.tab == SURAT.name]
    assert len(problems) == 1
    assert problems[0].row == copied
    assert f"baris {row}" in problems[0].message


def test_an_unknown_status_is_reported_with_the_list(register, backend):
    added = register.add_letter(letter("Undangan"))
    backend.clerk.type_row(
        SURAT.name,
        {"Kode Lacak": tracking_code.display(tracking_code.generate()), "Status": "Beres"},
    )

    snapshot = register.read()

    problem = next(p for p in snapshot.problems if "Beres" in p.message)
    assert problem.row == 3
    assert all(status in problem.message for status in STATUS_VALUES)
    assert snapshot.letter(added.code).status == "Diterima"
    assert len(snapshot.letters) == 2  # the row is still a letter; only its status is flagged


def test_a_wrong_check_symbol_is_reported(register, backend):
    bad = "7K2M-9QXD-4TR4"  # 7K2M-9QXD-4TR3 is valid
    backend.clerk.type_row(SURAT.name, {"Kode Lacak": bad, "Perihal": "Salah ketik"})

    problems = register.read().problems

    assert [(p.row, "pemeriksa" in p.message) for p in problems] == [(2, True)]


def test_a_row_typed_without_a_code_gets_a_row_key_and_can_be_given_one(register, backend):
    backend.clerk.type_row(
        SURAT.name, {"Perihal": "Diketik petugas", "Pengirim": "Sari", "No. WhatsApp": "0812"}
    )
    typed = register.read().letters[0]
    assert typed.code == ""
    assert letter_key(typed).startswith("row:")

    code = tracking_code.display(tracking_code.generate())
    assert register.update_letters({letter_key(typed): {"code": code}}) == []

    found = register.read().letter(code)
    assert (found.subject, found.sender, found.whatsapp) == ("Diketik petugas", "Sari", "0812")
    assert letter_key(found) == tracking_code.normalise(code)
    assert row_of(backend, code)[0] == 2


def test_two_identical_codeless_rows_stay_two_letters(register, backend):
    for _ in range(2):
        backend.clerk.type_row(SURAT.name, {"Perihal": "Sama", "Pengirim": "Sari"})

    letters = register.read().letters
    keys = [letter_key(found) for found in letters]
    codes = [tracking_code.display(tracking_code.generate()) for _ in keys]
    assert len(set(keys)) == 2
    assert register.update_letters({k: {"code": c} for k, c in zip(keys, codes, strict=True)}) == []

    assert sorted(found.code for found in register.read().letters) == sorted(codes)


def test_english_alias_headers_and_loose_spelling_still_map(backend: Backend):
    aliases = [
        "TRACKING CODE",
        "received at",
        "Letter-Number",
        "Subject",
        "Sender",
        "Sender Organisation",
        "whatsapp",
        "Addressed To",
        "Disposition",
        "status",
        "Position",
        "Responsible",
        "Updated_At",
        "Notification",
    ]
    backend.clerk.create_tab(SURAT.name, aliases)
    backend.register.init()
    assert headers_of(backend.clerk.values(SURAT.name)) == aliases

    added = backend.register.add_letter(letter("Dengan judul Inggris"))
    key = letter_key(backend.register.read().letter(added.code))
    backend.register.update_letters({key: {"position": "ASPEM"}})

    _, cells = row_of_alias(backend, added.code)
    assert cells["Subject"] == "Dengan judul Inggris"
    assert cells["whatsapp"] == "0812-3456-7890"
    assert cells["Position"] == "ASPEM"
    assert cells["status"] == "Diterima"


def row_of_alias(backend: Backend, code: str) -> tuple[int, dict[str, str]]:
    values = backend.clerk.values(SURAT.name)
    header = values[0]
    for number, row in enumerate(values[1:], start=2):
        cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
        if cells["TRACKING CODE"] == code:
            return number, cells
    raise AssertionError(code)


def test_columns_dragged_by_a_clerk_still_map(google_backend, monotonic):
    register = google_backend.register
    register.init()
    added = register.add_letter(letter("Sebelum kolom dipindah"))
    tab = google_backend.clerk.book.tab(SURAT.name)
    tab.move_column("Status", 0)
    tab.move_column("Kode Lacak", 14)
    tab.move_column("Posisi", 3)
    monotonic.advance(60)

    found = register.read().letter(added.code)
    register.update_letters({letter_key(found): {"position": "ASPEM"}})

    assert found.subject == "Sebelum kolom dipindah"
    assert found.status == "Diterima"
    cells = row_of(google_backend, added.code)[1]
    assert cells["Posisi"] == "ASPEM"
    assert cells["Status"] == "Diterima"
    assert tab.header()[0] == "Status"


def test_a_letter_added_after_columns_were_dragged_lands_under_its_headers(
    google_backend, monotonic
):
    """The loket keeps a Register for hours; a clerk may drag a column between
    its reads and the next registration."""
    register = google_backend.register
    register.init()
    register.read()
    google_backend.clerk.book.tab(SURAT.name).move_column("Perihal", 0)
    monotonic.advance(3600)

    added = register.add_letter(letter("Sesudah kolom dipindah"))

    cells = row_of(google_backend, added.code)[1]
    assert cells["Perihal"] == "Sesudah kolom dipindah"
    assert cells["No. WhatsApp"] == "0812-3456-7890"
