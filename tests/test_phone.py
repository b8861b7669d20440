"""Phone numbers as clerks type them → WhatsApp digits."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitras_sheets.errors import InvalidPhoneNumber
from sitras_sheets.phone import last_four, mask, normalise_whatsapp


@pytest.mark.parametrize(
    "typed",
    [
        "0812 3456 7890",
        "0812-3456-7890",
        "+62-812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "(0812) 3456-7890",
        "'081234567890",
        "0062 812 3456 7890",
        "81234567890",  # the zero a spreadsheet dropped
    ],
)
def test_indonesian_mobile_numbers_in_every_style(typed):
    assert normalise_whatsapp(typed) == "6281234567890"


def test_number_that_lost_its_zero_in_a_numeric_cell():
    assert normalise_whatsapp(812345678) == "62812345678"


def test_foreign_mobile_number_with_plus():
    assert normalise_whatsapp("+44 7911 123456") == "447911123456"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "kosong"),
        ("   ", "kosong"),
        ("0812-34A6-7890", "huruf"),
        ("0812 3456 7890 ext", "huruf"),
        ("6.28123E+12", "terpotong"),
        ("081234", "tidak sah"),
        ("021 1234567", "bukan nomor ponsel"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(typed, reason):
    with pytest.raises(InvalidPhoneNumber, match=reason):
        normalise_whatsapp(typed)


@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from(["0812", "+62812", "62812", "0857", "+62 857"]),
    st.sampled_from([" ", "-", "", "."]),
)
def test_separators_never_change_the_number(rest, prefix, separator):
    typed = prefix + separator + rest[:4] + separator + rest[4:]
    try:
        digits = normalise_whatsapp(typed)
    except InvalidPhoneNumber:
        return  # not every random tail is a valid number; the point is consistency
    assert digits.startswith("628")
    assert digits.endswith(rest)
    assert normalise_whatsapp(prefix + rest) == digits


@given(st.text(max_size=30))
def test_anything_typed_either_normalises_or_raises_our_error(typed):
    try:
        digits = normalise_whatsapp(typed)
    except InvalidPhoneNumber:
        return
    assert digits.isdigit() and 8 <= len(digits) <= 15


def test_mask_shows_only_prefix_and_last_four():
    assert mask("6281234567890") == "62812****7890"
    assert mask("12") == "****"


@given(st.text(alphabet="0123456789", min_size=9, max_size=15))
def test_mask_always_hides_at_least_four_digits(digits):
    shown = mask(digits).replace("****", "")
    assert len(shown) <= len(digits) - 4


@pytest.mark.parametrize("typed", ["0812-34A6-7890", "021 1234567", "081234", "6.28123E+12"])
def test_reasons_never_repeat_the_number(typed):
    with pytest.raises(InvalidPhoneNumber) as caught:
        normalise_whatsapp(typed)
    assert typed not in str(caught.value)
    assert last_four("6281234567890") == "7890"
