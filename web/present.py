"""A TrackView as the page shows it: only public facts
unless the reader proved the number on file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from messages import text
from sitras_sheets.clock import SHEET_TIME_FORMAT
from web.ports import TrackStep, TrackView

FINAL_STATUSES = ("Selesai", "Dikembalikan", "Ditolak")
_KNOWN_STATUSES = ("Diterima", "Diproses", "Didisposisi", *FINAL_STATUSES)


@dataclass(frozen=True)
class StepLine:
    time: str
    title: str
    in_charge: str
    current: bool


def when(value: str, lang: str) -> str:
    """``2025-12-04 09:15`` → ``4 Des 2025, 09:15``; other text as it is."""
    if not value:
        return text("web.track.unknown_time", lang)
    try:
        moment = datetime.strptime(value.strip(), SHEET_TIME_FORMAT)
    except ValueError:
        return value
    months = text("web.months", lang).split()
    return text(
        "web.datetime",
        lang,
        day=moment.day,
        month=months[moment.month - 1],
        year=moment.year,
        time=moment.strftime("%H:%M"),
    )


def status_key(status: str) -> str:
    """The canonical status word (``Diproses``) or "" when the sheet holds other text."""
    for known in _KNOWN_STATUSES:
        if status.strip().lower() == known.lower():
            return known
    return ""


def status_label(status: str, lang: str) -> str:
    key = status_key(status)
    return text(f"web.status.{key}", lang) if key else (status.strip() or "-")


def status_note(status: str, lang: str) -> str:
    key = status_key(status)
    return text(f"web.status_note.{key}", lang) if key in FINAL_STATUSES else ""


def desk_label(step: TrackStep) -> str:
    return step.desk_name.strip() or step.desk_code.strip() or "-"


def in_charge(step: TrackStep, lang: str) -> str:
    role = step.role.strip() or text("web.track.desk_staff", lang, desk=desk_label(step))
    return text("web.track.in_charge", lang, role=role)


def timeline(view: TrackView, lang: str) -> list[StepLine]:
    """Received at the counter, then each desk; the last line is where it is now."""
    lines = [
        StepLine(
            time=when(view.received_at, lang),
            title=text("web.track.received", lang),
            in_charge="",
            current=not view.steps,
        )
    ]
    for index, step in enumerate(view.steps):
        lines.append(
            StepLine(
                time=when(step.time, lang),
                title=text("web.track.at_desk", lang, desk=desk_label(step)),
                in_charge=in_charge(step, lang),
                current=index == len(view.steps) - 1,
            )
        )
    return lines


def position(view: TrackView, lang: str) -> tuple[str, str]:
    """(where, since when) of the letter now."""
    step = view.position
    if step is None:
        return text("web.track.at_counter", lang), when(view.received_at, lang)
    return desk_label(step), when(step.time, lang)
