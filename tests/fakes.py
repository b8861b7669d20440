"""Fakes of our own ports shared by several test modules."""

from __future__ import annotations

from pathlib import Path

from jobs.diff import Changes, LetterState, Step
from jobs.events import MOVED
from jobs.state import StateStore
from sitras_sheets.errors import RegisterUnavailable
from sitras_sheets.models import Desk


class UnreachableGrid:
    """A register whose spreadsheet never answers (the Grid port)."""

    def read(self, tabs, header_only=()):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")

    def append_rows(self, tab, rows):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")

    def write_cells(self, writes):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")

    def ensure_layout(self, tabs, status_values):
        raise RegisterUnavailable("Google Sheets tidak menjawab (503)")


def seeded_state(path: Path, letter: LetterState, stops: list[tuple[str, Desk]]) -> StateStore:
    """A notifier state file holding one letter scanned at ``stops`` (time, desk),
    as the sync stores it: what the tracking page and the webhook read."""
    steps = [
        Step(letter.code, MOVED, when, "", desk.code, desk.name, f"s{number}")
        for number, (when, desk) in enumerate(stops, start=1)
    ]
    desks = {desk.code: desk for _, desk in stops}
    state = StateStore(path)
    changes = Changes(baseline=True, letters={letter.code: letter}, steps=steps, desks=desks)
    state.apply(changes, now=1.0, stamp=stops[-1][0] if stops else letter.received_at)
    return state
