"""The tracking code (CONTRACT section 4): 11 random Crockford base32 symbols and
a Luhn mod 32 check symbol, shown as three groups of four (``7K2M-9QXD-4TR3``)."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache

from sitras_sheets.errors import InvalidTrackingCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
# Crockford's decoding aliases: I and L read as 1, O as 0.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_IGNORED = re.compile(r"[\s\-_.]+")
# A code standing alone in text, not glued to other letters or digits: first
# the strict forms (``7K2M-9QXD-4TR3``, ``7K2M9QXD4TR3``), then, only if none,
# groups separated by spaces (``7K2M 9QXD 4TR3``). Lookahead finds overlapping
# candidates, so "info 7K2M-…" cannot swallow the start of a code.
_ALNUM = "[0-9A-Za-z]"
_STRICT_IN_TEXT = re.compile(
    rf"(?<!{_ALNUM})(?=({_ALNUM}{{4}}-{_ALNUM}{{4}}-{_ALNUM}{{4}}|{_ALNUM}{{12}})(?!{_ALNUM}))"
)
_LOOSE_IN_TEXT = re.compile(
    rf"(?<!{_ALNUM})(?=({_ALNUM}{{4}}[\s\-]?{_ALNUM}{{4}}[\s\-]?{_ALNUM}{{4}})(?!{_ALNUM}))"
)


def check_symbol(data: str) -> str:
    """The Luhn mod 32 check symbol over the data symbols (Crockford values)."""
    total = 0
    for position, symbol in enumerate(reversed(data)):
        product = _VALUE[symbol] * (2 if position % 2 == 0 else 1)
        total += product // 32 + product % 32
    return ALPHABET[(32 - total % 32) % 32]


def generate(randbelow=secrets.randbelow) -> str:
    """A new code in its bare form (12 symbols, no dashes), 55 random bits.

    A code of digits only (3 in a million) is drawn again: stations refuse
    12 bare digits, which retail and stock labels carry."""
    while True:
        code = "".join(ALPHABET[randbelow(32)] for _ in range(LENGTH - 1))
        code += check_symbol(code)
        if not code.isdigit():
            return code


def normalise(text: str) -> str:
    """The bare, validated form of a code typed or decoded in any style.

    Case is ignored, spaces and dashes are dropped, I/L read as 1 and O as 0.
    Raises InvalidTrackingCode with a reason a clerk understands."""
    if text is None:
        raise InvalidTrackingCode("kode lacak kosong")
    return _normalise(str(text))


@lru_cache(maxsize=1 << 18)
def _normalise(text: str) -> str:
    """``normalise`` remembered: a register read meets each code many times
    (its row and every scan of it). Errors are not cached, only results."""
    if not text:
        raise InvalidTrackingCode("kode lacak kosong")
    bare = _IGNORED.sub("", str(text)).upper().translate(_ALIASES)
    if not bare:
        raise InvalidTrackingCode("kode lacak kosong")
    foreign = sorted({ch for ch in bare if ch not in _VALUE})
    if foreign:
        shown = " ".join(repr(ch) for ch in foreign)
        raise InvalidTrackingCode(f"kode lacak memuat karakter tidak sah: {shown}")
    if len(bare) != LENGTH:
        raise InvalidTrackingCode(f"kode lacak harus {LENGTH} karakter, bukan {len(bare)}")
    if check_symbol(bare[:-1]) != bare[-1]:
        raise InvalidTrackingCode("kode lacak salah ketik: simbol pemeriksa tidak cocok")
    return bare


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except InvalidTrackingCode:
        return False
    return True


def display(code: str) -> str:
    """The grouped form for people and Code 128: ``7K2M-9QXD-4TR3``."""
    bare = normalise(code)
    return f"{bare[0:4]}-{bare[4:8]}-{bare[8:12]}"


def tracking_link(public_base_url: str, code: str) -> str:
    """``{public_base_url}/lacak/{bare code}``: the receipt's QR, the messages'
    link and the tracking page's address."""
    return f"{public_base_url.rstrip('/')}/lacak/{normalise(code)}"


def find_in_text(text: str) -> list[str]:
    """Every valid code inside a free text (a WhatsApp message, a tracking link),
    in order of appearance, without repeats."""
    for pattern in (_STRICT_IN_TEXT, _LOOSE_IN_TEXT):
        found: list[str] = []
        for candidate in pattern.findall(text or ""):
            try:
                code = normalise(candidate)
            except InvalidTrackingCode:
                continue
            if code not in found:
                found.append(code)
        if found:
            return found
    return []
