"""WhatsApp's delivery statuses (webhook) reach the sheet: a row in the
Notifikasi tab per change, and a failure in the letter's Notifikasi cell."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.bootstrap import build_register
from config.settings import RegisterSettings, Settings, StateSettings
from jobs.commands import build_notifier
from jobs.providers import LogProvider
from jobs.state import StateStore
from sitras_sheets.models import Letter
from web.sqlite_store import StateSink

ZONE = ZoneInfo("Asia/Jakarta")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=ZONE)

    def __call__(self) -> datetime:
        return self.now


def office(tmp_path):
    settings = replace(
        Settings(),
        register=RegisterSettings(path=str(tmp_path / "register.sqlite3")),
        state=StateSettings(path=str(tmp_path / "state.sqlite3")),
    )
    clock = Clock()
    register = build_register(settings, clock=clock)
    register.init()
    notifier = build_notifier(
        settings, register=register, clock=clock, provider=LogProvider(writer=lambda _: None)
    )
    notifier.once()  # baseline
    return settings, clock, register, notifier


def sent_message_id(settings) -> str:
    state = StateStore(settings.state.path, readonly=True)
    try:
        rows = state._query("SELECT message_id FROM outbox_messages WHERE message_id != ''")
    finally:
        state.close()
    (row,) = rows
    return row[0]


def test_a_failed_delivery_shows_in_the_letters_cell_and_the_notifikasi_tab(tmp_path):
    settings, clock, register, notifier = office(tmp_path)
    letter = register.add_letter(Letter(subject="Izin", sender="Siti", whatsapp="0812-3456-7890"))
    clock.now += timedelta(minutes=1)
    notifier.once()
    assert register.find(letter.code).notification == "Terkirim 1/1"

    sink = StateSink(StateStore(settings.state.path), "Asia/Jakarta", lambda: 0.0)
    message_id = sent_message_id(settings)
    at = datetime(2026, 12, 7, 2, 2, tzinfo=UTC)
    assert sink.record_status(message_id, "failed", at, "131026", "Message undeliverable")
    assert sink.record_status(message_id, "failed", at, "131026", "Message undeliverable")
    clock.now += timedelta(minutes=1)
    notifier.once()

    assert register.find(letter.code).notification == "Gagal: nomor tidak terdaftar di WhatsApp"
    rows = register.read(notifications=True).notifications
    assert [(row.status, row.remarks) for row in rows] == [
        ("Terkirim", ""),
        ("Gagal", "nomor tidak terdaftar di WhatsApp"),
    ]
    assert rows[1].time == "2026-12-07 09:02" and rows[1].to == "62812****7890"


def test_delivered_and_read_are_logged_once_each_and_never_go_back(tmp_path):
    settings, clock, register, notifier = office(tmp_path)
    letter = register.add_letter(Letter(subject="Izin", sender="Siti", whatsapp="0812-3456-7890"))
    clock.now += timedelta(minutes=1)
    notifier.once()

    sink = StateSink(StateStore(settings.state.path), "Asia/Jakarta", lambda: 0.0)
    message_id = sent_message_id(settings)
    at = datetime(2026, 12, 7, 2, 5, tzinfo=UTC)
    assert sink.record_status(message_id, "sent", at)  # Meta's own "sent": already shown
    clock.now += timedelta(minutes=1)
    notifier.once()
    assert [row.status for row in register.read(notifications=True).notifications] == ["Terkirim"]
    for status in ("read", "delivered", "read", "failed"):  # out of order and repeated
        assert sink.record_status(message_id, status, at)
    assert not sink.record_status("wamid.unknown", "read", at)
    clock.now += timedelta(minutes=1)
    notifier.once()

    rows = register.read(notifications=True).notifications
    assert [row.status for row in rows] == ["Terkirim", "Dibaca"]
    assert register.find(letter.code).notification == "Terkirim 1/1"
