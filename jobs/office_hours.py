"""Office time: the working hours that Batas Jam counts in, quiet hours for
WhatsApp, and reading the times the sheet holds. Pure functions of their inputs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sitras_sheets.errors import ConfigError

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SHEET_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def _clock_time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class WorkingHours:
    """``Mon-Fri 07:30-16:00``: the days (0 = Monday) and the daily span."""

    days: frozenset[int]
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        try:
            span_days, span_hours = text.split()
            first, last = (_DAYS.index(day) for day in span_days.split("-"))
            start, end = (_clock_time(part) for part in span_hours.split("-"))
        except ValueError as error:
            raise ConfigError(
                f"jam kerja {text!r} harus seperti 'Mon-Fri 07:30-16:00' ({error})"
            ) from None
        if end <= start:
            raise ConfigError(f"jam kerja {text!r}: jam selesai harus setelah jam mulai")
        days = {(first + offset) % 7 for offset in range((last - first) % 7 + 1)}
        return cls(frozenset(days), start, end)

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days

    def elapsed(self, since: datetime, until: datetime) -> timedelta:
        """Working time between two moments (both aware, any zone; counted in the
        zone of ``since``, the office's)."""
        zone = since.tzinfo
        until = until.astimezone(zone) if zone is not None else until
        if until <= since:
            return timedelta(0)
        first, last = since.date(), until.date()
        if first == last:
            return self._within_day(first, since, until)
        total = self._within_day(first, since, until) + self._within_day(last, since, until)
        total += self.day_length * self._working_days_between(first, last)
        return total

    def _within_day(self, day: date, since: datetime, until: datetime) -> timedelta:
        if not self.is_working_day(day):
            return timedelta(0)
        opens = datetime.combine(day, self.start, since.tzinfo)
        closes = datetime.combine(day, self.end, since.tzinfo)
        start, end = max(opens, since), min(closes, until)
        return max(end - start, timedelta(0))

    def _working_days_between(self, first: date, last: date) -> int:
        """Working days strictly between ``first`` and ``last``."""
        days = (last - first).days - 1
        if days <= 0:
            return 0
        weeks, rest = divmod(days, 7)
        count = weeks * len(self.days)
        for offset in range(1, rest + 1):
            if (first + timedelta(days=offset)).weekday() in self.days:
                count += 1
        return count


@dataclass(frozen=True)
class QuietHours:
    """``21:00-06:00`` in office time: no WhatsApp then. ``""`` means none."""

    start: time | None = None
    end: time | None = None

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        if not text:
            return cls()
        try:
            start, end = (_clock_time(part) for part in text.split("-"))
        except ValueError as error:
            raise ConfigError(
                f"jam tenang {text!r} harus seperti '21:00-06:00' ({error})"
            ) from None
        return cls(start, end)

    def is_quiet(self, moment: datetime) -> bool:
        if self.start is None or self.end is None or self.start == self.end:
            return False
        now = moment.timetz().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end


def parse_sheet_time(text: str, zone: tzinfo) -> datetime | None:
    """A time as the sheet holds it (``YYYY-MM-DD HH:MM[:SS]``, office time, or
    ISO with an offset) as an aware datetime; None when it cannot be read."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for pattern in _SHEET_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
