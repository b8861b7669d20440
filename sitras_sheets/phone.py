"""Phone numbers as clerks type them → the digits WhatsApp wants (``62812…``).

The sheet keeps what the clerk typed; only the notifier uses the normal form."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberType

from sitras_sheets.errors import InvalidPhoneNumber

# What may stand in a typed number besides digits. Letters are refused on
# purpose: phonenumbers would read them as a keypad (A=2, …) and guess.
_ALLOWED = re.compile(r"^[\d\s+\-().'/]*$")
_WHATSAPP_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_whatsapp(raw: object, region: str = "ID") -> str:
    """Digits in international form without ``+`` (``6281234567890``).

    Accepts ``0812 3456 7890``, ``+62-812-3456-7890``, ``62812…``, ``812…``
    (the zero a spreadsheet dropped). Raises InvalidPhoneNumber with a reason."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise InvalidPhoneNumber("nomor WhatsApp kosong")
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", text):
        raise InvalidPhoneNumber(
            "nomor WhatsApp terpotong oleh spreadsheet (format angka); ketik ulang sebagai teks"
        )
    if not _ALLOWED.match(text):
        raise InvalidPhoneNumber("nomor WhatsApp memuat huruf atau tanda yang tidak sah")
    text = text.lstrip("'")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber("nomor WhatsApp tidak terbaca") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber("nomor WhatsApp tidak sah (jumlah digit atau kode operator salah)")
    if phonenumbers.number_type(number) not in _WHATSAPP_TYPES:
        raise InvalidPhoneNumber("nomor bukan nomor ponsel; WhatsApp perlu nomor ponsel")
    return f"{number.country_code}{number.national_number}"


def mask(digits: str) -> str:
    """``6281234567890`` → ``62812****7890``: enough to recognise, not to dial.
    At least four digits are always hidden, whatever the length."""
    digits = re.sub(r"\D", "", digits or "")
    if len(digits) < 9:
        return "****"
    shown = max(1, len(digits) - 8)
    return f"{digits[:shown]}****{digits[-4:]}"


def last_four(digits: str) -> str:
    return re.sub(r"\D", "", digits or "")[-4:]
