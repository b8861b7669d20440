"""The tracking code of CONTRACT section 4."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitras_sheets import tracking_code
from sitras_sheets.errors import InvalidTrackingCode

data_symbols = st.text(alphabet=tracking_code.ALPHABET, min_size=11, max_size=11)


def test_contract_example_is_valid():
    assert tracking_code.normalise("7K2M-9QXD-4TR3") == "7K2M9QXD4TR3"
    assert tracking_code.check_symbol("7K2M9QXD4TR") == "3"


def test_generated_codes_are_valid_and_distinct():
    codes = {tracking_code.generate() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(tracking_code.is_valid(code) for code in codes)


def test_generate_draws_eleven_random_symbols():
    draws = []

    def randbelow(n):
        draws.append(n)
        return 5

    code = tracking_code.generate(randbelow)
    assert draws == [32] * 11
    assert code.startswith("5" * 11)


@given(data_symbols)
def test_any_data_with_its_check_symbol_round_trips_through_display(data):
    code = data + tracking_code.check_symbol(data)
    shown = tracking_code.display(code)
    assert len(shown) == 14 and shown[4] == shown[9] == "-"
    assert tracking_code.normalise(shown) == code
    assert tracking_code.normalise(shown.lower().replace("-", " ")) == code


@given(data_symbols, st.integers(0, 10), st.sampled_from(tracking_code.ALPHABET))
def test_any_single_symbol_typo_is_caught(data, position, replacement):
    code = data + tracking_code.check_symbol(data)
    typo = code[:position] + replacement + code[position + 1 :]
    if typo != code:
        with pytest.raises(InvalidTrackingCode, match="simbol pemeriksa"):
            tracking_code.normalise(typo)


@given(data_symbols, st.integers(0, 9))
def test_swapping_two_neighbours_is_caught(data, position):
    code = data + tracking_code.check_symbol(data)
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    # Luhn mod 32 misses exactly one swap: the symbols of value 0 and 31 ("0", "Z").
    if swapped != code and {code[position], code[position + 1]} != {"0", "Z"}:
        assert not tracking_code.is_valid(swapped)


def test_a_code_of_digits_only_is_never_issued():
    # First draw "11111111114" (check symbol "9": all digits), then "5…5".
    draws = iter([1] * 10 + [4] + [5] * 11)

    code = tracking_code.generate(lambda n: next(draws))
    assert code == "5" * 11 + tracking_code.check_symbol("5" * 11)


def test_lower_case_with_spaces_and_confusable_letters():
    code = "1O2L" + "9QXD4TR"
    code = code + tracking_code.check_symbol("1021" + "9QXD4TR")
    assert tracking_code.normalise(" 1o2l 9qxd-4tr" + code[-1].lower() + " ") == (
        "10219QXD4TR" + code[-1]
    )


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "kosong"),
        ("7K2M-9QXD-4TR", "harus 12 karakter"),
        ("7K2M-9QXD-4TR33", "harus 12 karakter"),
        ("7K2M-9QXD-4TRU", "karakter tidak sah"),
        ("7K2M-9QXD-4TR4", "simbol pemeriksa"),
    ],
)
def test_bad_codes_are_rejected_with_a_reason(typed, reason):
    with pytest.raises(InvalidTrackingCode, match=reason):
        tracking_code.normalise(typed)


def test_codes_are_found_in_free_text_and_links():
    code = tracking_code.generate()
    shown = tracking_code.display(code)
    assert tracking_code.find_in_text(f"LACAK {shown}") == [code]
    assert tracking_code.find_in_text(f"https://sitras.example.go.id/lacak/{code}") == [code]
    assert tracking_code.find_in_text(f"mohon info {shown.lower()} terima kasih") == [code]
    assert tracking_code.find_in_text("halo, surat saya sudah sampai mana?") == []


def test_random_typing_is_rarely_a_code():
    rng = random.Random(7)
    guesses = ["".join(rng.choice(tracking_code.ALPHABET) for _ in range(12)) for _ in range(32000)]
    accepted = sum(tracking_code.is_valid(g) for g in guesses)
    assert 700 < accepted < 1350  # 1 in 32: a typo is caught, a guess still needs 55 bits
