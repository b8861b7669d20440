"""A TrackView as the page and the WhatsApp reply show it: only public facts
unless the reader proved the number on file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from messages import text
from sitras_sheets import tracking_code
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


def whatsapp_summary(view: TrackView, *, owner: bool, lang: str, base_url: str) -> str:
    """The status reply for one code. Subject and disposition text only for ``owner``
    (the inbound number is the one on file); the sender's name never."""
    desk, since = position(view, lang)
    code = tracking_code.display(view.code)
    lines = [
        text("web.wa.status", lang, code=code, status=status_label(view.status, lang)),
        text("web.wa.position", lang, desk=desk, time=since),
    ]
    if owner and view.subject.strip():
        lines.append(text("web.wa.subject", lang, subject=view.subject.strip()))
    if view.disposition.strip():
        if owner:
            lines.append(text("web.wa.disposition", lang, text=view.disposition.strip()))
        else:
            lines.append(text("web.wa.disposition_given", lang))
    note = status_note(view.status, lang)
    if note:
        lines.append(note)
    if base_url:
        lines.append(text("web.wa.link", lang, url=f"{base_url.rstrip('/')}/lacak/{view.code}"))
    return "\n".join(lines)
