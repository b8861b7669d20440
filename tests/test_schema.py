"""Header mapping: columns found by name, whatever clerks did to the layout."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitras_sheets.errors import SheetLayoutError
from sitras_sheets.schema import PINDAI, SURAT, column_letter, data_rows, header_key, map_headers


def test_headers_match_ignoring_case_spaces_and_punctuation():
    assert header_key("No. WhatsApp") == header_key("no whatsapp") == header_key("NO_WHATSAPP")


def test_english_aliases_and_any_order():
    headers = ["Notes", "Tracking Code"] + [c.alias for c in SURAT.columns[1:-1]][::-1]
    mapping = map_headers(SURAT, headers)
    assert mapping.positions["code"] == 1
    assert mapping.positions["notes"] == 0
    row = [""] * len(headers)
    row[1] = "7K2M-9QXD-4TR3"
    assert mapping.record(row)["code"] == "7K2M-9QXD-4TR3"


@given(st.permutations(SURAT.headers), st.integers(0, 15))
def test_any_column_order_with_unknown_columns_maps_every_field(order, extra_at):
    headers = list(order)
    headers.insert(min(extra_at, len(headers)), "Kolom Bantu Pak Camat")
    mapping = map_headers(SURAT, headers)
    for column in SURAT.columns:
        assert headers[mapping.positions[column.field]] == column.header


def test_missing_required_header_is_named():
    headers = [h for h in SURAT.headers if h != "Kode Lacak"]
    with pytest.raises(SheetLayoutError, match="'Kode Lacak'"):
        map_headers(SURAT, headers)


def test_two_status_columns_are_reported_with_their_letters():
    headers = SURAT.headers + ["status "]
    with pytest.raises(SheetLayoutError, match=r"'Status' muncul 2 kali \(J, P\)"):
        map_headers(SURAT, headers)


def test_every_problem_is_reported_at_once():
    with pytest.raises(SheetLayoutError) as caught:
        map_headers(PINDAI, ["ID Pindai", "Scan ID", "Waktu"])
    message = str(caught.value)
    assert "'Kode Lacak'" in message and "'Meja'" in message and "muncul 2 kali" in message


def test_optional_columns_may_be_absent():
    headers = [h for h in SURAT.headers if h != "Catatan"]
    mapping = map_headers(SURAT, headers)
    assert "notes" not in mapping.positions
    assert mapping.get(["x"] * len(headers), "notes") == ""


def test_blank_rows_are_skipped_and_rows_keep_their_sheet_numbers():
    values = [["Kode Lacak"], ["A"], [], ["", "  "], ["B"]]
    assert [row for row, _ in data_rows(values)] == [2, 5]


def test_new_row_leaves_unknown_columns_blank():
    headers = ["Kolom Lain"] + SURAT.headers
    mapping = map_headers(SURAT, headers)
    row = mapping.new_row({"code": "X", "subject": "Y"})
    assert row[0] == "" and row[1] == "X" and row[headers.index("Perihal")] == "Y"


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
