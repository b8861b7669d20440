"""The office clock, injected wherever time matters so tests can set it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

SHEET_TIME_FORMAT = "%Y-%m-%d %H:%M"

Clock = Callable[[], datetime]


def office_clock(timezone: str) -> Clock:
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone)


def sheet_time(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM`` as the contract writes times in the sheet."""
    return moment.strftime(SHEET_TIME_FORMAT)
