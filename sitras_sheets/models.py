"""Plain values of the domain: letters, scans, desks, notifications, statuses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache

from sitras_sheets.schema import header_key


class Status(enum.Enum):
    RECEIVED = "Diterima"
    IN_PROGRESS = "Diproses"
    DISPOSED = "Didisposisi"
    DONE = "Selesai"
    RETURNED = "Dikembalikan"
    REJECTED = "Ditolak"

    @property
    def is_final(self) -> bool:
        return self in (Status.DONE, Status.RETURNED, Status.REJECTED)

    @classmethod
    def parse(cls, text: str) -> Status | None:
        """The status a clerk meant (any case and spacing), None if not in the list."""
        return _parse_status(text)


STATUS_VALUES: tuple[str, ...] = tuple(status.value for status in Status)
_STATUS_BY_KEY = {header_key(status.value): status for status in Status}


@lru_cache(maxsize=256)  # a register holds a handful of distinct Status cells
def _parse_status(text: str) -> Status | None:
    return _STATUS_BY_KEY.get(header_key(text))


@dataclass(frozen=True)
class Letter:
    """One row of the ``Surat`` tab, as text the way the sheet holds it."""

    code: str = ""
    received_at: str = ""
    number: str = ""
    subject: str = ""
    sender: str = ""
    sender_org: str = ""
    whatsapp: str = ""
    addressed_to: str = ""
    disposition: str = ""
    status: str = ""
    position: str = ""
    responsible: str = ""
    updated_at: str = ""
    notification: str = ""
    notes: str = ""
    # Where the row was at the last read, and the key that identifies it
    # (see sitras_sheets.register.letter_key); neither is a column.
    row: int = field(default=0, compare=False)
    key: str = field(default="", compare=False)

    @classmethod
    def from_record(cls, record: dict[str, str], row: int = 0, key: str = "") -> Letter:
        if not record.keys() <= _LETTER_FIELDS:  # a Surat row's record needs no filtering
            record = {k: v for k, v in record.items() if k in _LETTER_FIELDS}
        return cls(row=row, key=key, **record)

    def to_record(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("row", "key")}

    def with_values(self, **values: str) -> Letter:
        return replace(self, **values)


@dataclass(frozen=True)
class Scan:
    """One row of the ``Pindai`` tab: a letter seen at a desk."""

    scan_id: str
    time: str
    code: str
    desk: str
    officer: str = ""
    station: str = ""
    remarks: str = ""

    @classmethod
    def from_record(cls, record: dict[str, str]) -> Scan:
        return cls(**{f.name: record.get(f.name, "") for f in fields(cls)})

    def to_record(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Desk:
    """One row of the ``Meja`` tab."""

    code: str
    name: str = ""
    responsible: str = ""
    whatsapp: str = ""
    sla_hours: str = ""

    @classmethod
    def from_record(cls, record: dict[str, str]) -> Desk:
        return cls(**{f.name: record.get(f.name, "") for f in fields(cls)})

    def to_record(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class NotificationRecord:
    """One row of the ``Notifikasi`` tab. ``to`` is always a masked number."""

    time: str
    code: str
    event: str
    to: str
    status: str
    message_id: str = ""
    remarks: str = ""

    def to_record(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_LETTER_FIELDS = frozenset(f.name for f in fields(Letter)) - {"row", "key"}
