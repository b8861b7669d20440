"""Debounce: many reads of one sticker are one scan.

A webcam reads the same sticker ten times a second while an officer holds the
letter up; a USB scanner may be triggered twice. Per desk and code:

* the first read is ``NEW`` (log it);
* reads that follow each other with gaps shorter than ``hold_seconds`` are one
  presentation of the letter: ``REPEAT`` (say nothing for a camera);
* a read after a pause, within ``quiet_seconds`` of the last sighting, is
  ``ALREADY`` ("sudah dipindai", no new row);
* a read after ``quiet_seconds`` without a sighting is ``NEW`` again (the letter
  really came back to this desk).

The quiet period counts from the *last sighting*, so a letter left lying under
the camera is never logged twice. A different code is judged on its own, at once.
Pure: the caller passes the time (``time.monotonic()`` seconds)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

DEFAULT_HOLD_SECONDS = 2.0
DEFAULT_QUIET_SECONDS = 30.0


class Decision(enum.Enum):
    NEW = "new"
    REPEAT = "repeat"
    ALREADY = "already"


@dataclass
class _Seen:
    logged_at: float
    last_seen: float


class Debouncer:
    def __init__(
        self,
        *,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
        quiet_seconds: float = DEFAULT_QUIET_SECONDS,
    ) -> None:
        if hold_seconds < 0 or quiet_seconds < hold_seconds:
            raise ValueError("need 0 <= hold_seconds <= quiet_seconds")
        self.hold_seconds = hold_seconds
        self.quiet_seconds = quiet_seconds
        self._seen: dict[tuple[str, str], _Seen] = {}

    def check(self, desk: str, code: str, now: float) -> Decision:
        """Judge one read of ``code`` at ``desk`` at time ``now`` and remember it."""
        key = (desk, code)
        seen = self._seen.get(key)
        if seen is None or now - seen.last_seen >= self.quiet_seconds:
            self._seen[key] = _Seen(logged_at=now, last_seen=now)
            self._sweep(now)
            return Decision.NEW
        gap = now - seen.last_seen
        seen.last_seen = max(seen.last_seen, now)
        return Decision.REPEAT if gap < self.hold_seconds else Decision.ALREADY

    def forget(self, desk: str, code: str) -> None:
        """Drop what is known of a code (its scan could not be stored: let it be retried)."""
        self._seen.pop((desk, code), None)

    def _sweep(self, now: float) -> None:
        if len(self._seen) > 512:
            self._seen = {
                key: seen
                for key, seen in self._seen.items()
                if now - seen.last_seen < self.quiet_seconds
            }
