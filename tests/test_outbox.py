"""The state file: snapshot and outbox stored together, outbox states, backoff,
what the sheet shows about outcomes, and the letter view for the tracking page."""

from __future__ import annotations

import pytest

from jobs import events
from jobs.delivery import Backoff
from jobs.diff import Changes, LetterState
from jobs.events import Event
from jobs.state import (
    DEAD,
    FAILED,
    MERGED,
    PENDING,
    SENDING,
    SENT,
    StateError,
    StateStore,
    notification_text,
)
from tests.test_sync import Office

NOW = 1_796_000_000.0
STAMP = "2026-12-07 09:00"


def event(number: int, kind: str = events.MOVED, code: str = "7K2M9QXD4TR3", **extra) -> Event:
    values = {"code": "7K2M-9QXD-4TR3", "desk": f"Meja {number}", "responsible": "-", "since": "-"}
    return Event(f"id-{number}", kind, code, "6281234567890", "62812****7890", values, **extra)


@pytest.fixture
def store(tmp_path):
    store = StateStore(tmp_path / "state.sqlite3")
    yield store
    store.close()


def states(store: StateStore) -> dict[str, str]:
    return dict(store._query("SELECT id, state FROM outbox_messages"))


def test_an_event_is_enqueued_once_however_often_it_is_seen(tmp_path, store):
    assert store.enqueue([event(1), event(1)], now=NOW, stamp=STAMP) == 1
    store.close()
    again = StateStore(tmp_path / "state.sqlite3")
    assert again.enqueue([event(1)], now=NOW, stamp=STAMP) == 0
    assert states(again) == {"id-1": PENDING}
    again.close()


def test_snapshot_and_events_are_stored_together_or_not_at_all(store, monkeypatch):
    changes = Changes(baseline=True, letters={"7K2M9QXD4TR3": LetterState("7K2M9QXD4TR3")})
    changes.events.append(event(1))

    def broken(*args, **kwargs):
        raise StateError("disk full")

    monkeypatch.setattr(store, "_enqueue", broken)
    with pytest.raises(StateError):
        store.apply(changes, now=NOW, stamp=STAMP)
    assert store._query("SELECT COUNT(*) FROM notifier_letters") == [(0,)]
    assert store.snapshot() is None
    monkeypatch.undo()
    assert store.apply(changes, now=NOW, stamp=STAMP) == 1
    assert set(store.snapshot().letters) == {"7K2M9QXD4TR3"}


def test_outbox_states(store):
    store.enqueue(
        [event(1), event(2, code="AAAAAAAAAAA0"), event(3, error="nomor kosong")],
        now=NOW,
        stamp=STAMP,
    )
    assert states(store) == {"id-1": PENDING, "id-2": PENDING, "id-3": DEAD}
    first, second = store.due(now=NOW)
    assert store.mark_sending(first, now=NOW) and not store.mark_sending(first, now=NOW)
    assert states(store)["id-1"] == SENDING
    store.record_sent(first, "wamid.1", now=NOW, stamp=STAMP)
    assert store.mark_sending(second, now=NOW)
    store.record_retry(second, "timeout", next_at=NOW + 60, stamp=STAMP)
    assert states(store) == {"id-1": SENT, "id-2": FAILED, "id-3": DEAD}
    assert store.due(now=NOW + 59) == []
    (again,) = store.due(now=NOW + 60)
    assert again.attempts == 1
    assert store.counts() == {SENT: 1, FAILED: 1, DEAD: 1}


def test_messages_left_sending_are_sent_again_after_a_restart(tmp_path, store):
    store.enqueue([event(1)], now=NOW, stamp=STAMP)
    (entry,) = store.due(now=NOW)
    store.mark_sending(entry, now=NOW)
    store.close()  # the process dies during the request
    again = StateStore(tmp_path / "state.sqlite3")
    assert again.recover_sending() == 1
    assert states(again) == {"id-1": PENDING}
    assert again._query("SELECT resent FROM outbox_messages") == [(1,)]
    again.close()


def test_a_newer_message_of_the_same_kind_for_a_letter_merges_the_older(store):
    store.enqueue(
        [
            event(1),
            event(2),
            event(3, kind=events.STATUS),
            event(4, code="AAAAAAAAAAA0"),
        ],
        now=NOW,
        stamp=STAMP,
    )
    assert store.supersede(now=NOW) == 1
    assert states(store) == {"id-1": MERGED, "id-2": PENDING, "id-3": PENDING, "id-4": PENDING}


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    backoff = Backoff(base=30, cap=600)
    assert [backoff.delay(n, lambda: 1.0) for n in (1, 2, 3, 6)] == [30, 60, 120, 600]
    assert [backoff.delay(n, lambda: 0.0) for n in (1, 2, 3)] == [15, 30, 60]
    assert backoff.delay(2, lambda: 0.3) == pytest.approx(30 + 0.3 * 30)


def test_reports_say_each_outcome_once(store):
    store.enqueue(
        [event(1), event(2, error="nomor WhatsApp '0812' tidak sah")], now=NOW, stamp=STAMP
    )
    (entry,) = store.due(now=NOW)
    store.mark_sending(entry, now=NOW)
    store.record_sent(entry, "wamid.9", now=NOW, stamp=STAMP)
    reports = store.reports()
    assert [(r.record.status, r.record.message_id, r.record.to) for r in reports] == [
        ("Terkirim", "wamid.9", "62812****7890"),
        ("Gagal", "", "62812****7890"),
    ]
    assert reports[1].record.remarks == "nomor WhatsApp '0812' tidak sah"
    assert reports[0].record.code == "7K2M-9QXD-4TR3"
    store.mark_reported([r.seq for r in reports])
    assert store.reports() == [] and not store.has_reports()


def test_the_notification_cell_text():
    assert notification_text([(SENT, "", 1.0), (SENT, "", 2.0), (SENT, "", 3.0)]) == "Terkirim 3/3"
    assert notification_text(
        [(SENT, "", 1.0), (DEAD, "nomor tidak terdaftar di WhatsApp", 2.0)]
    ) == ("Gagal: nomor tidak terdaftar di WhatsApp")
    assert notification_text([(DEAD, "x", 1.0), (SENT, "", 2.0)]) == "Terkirim 1/2"
    assert notification_text([(SENT, "", 1.0), (FAILED, "timeout", None)]).startswith(
        "Terkirim 1/2; sisanya menunggu (timeout)"
    )
    assert notification_text([]) == ""


# -- the tracking page's reading API ------------------------------------------------------------
def test_letter_view_tells_the_story_from_the_snapshot(tmp_path):
    office = Office(tmp_path)
    office.tick()
    code = office.letter(subject="Undangan rapat", sender="Budi")
    office.tick()
    office.scan(code, "ASPEM")
    office.clock.advance(minutes=5)
    office.scan(code, "ASPEM")  # again at the same desk: one step
    office.clock.advance(minutes=5)
    office.scan(code, "UMUM")
    office.tick()
    office.edit(code, disposition="Bagian Umum: arsipkan", status="Selesai")
    office.tick()
    page = StateStore(tmp_path / "state.sqlite3", readonly=True)
    view = page.letter_view(code.lower())
    assert view.code == code and view.status == "Selesai" and view.final
    assert [(s.desk_code, s.desk_name, s.role, s.time) for s in view.steps] == [
        ("ASPEM", "Asisten Pemerintahan", "Kasubag TU Aspem", "2026-12-07 09:00"),
        ("UMUM", "Bagian Umum", "Kabag Umum", "2026-12-07 09:10"),
    ]
    assert view.position.desk_code == "UMUM"
    assert view.disposition == "Bagian Umum: arsipkan"
    assert [item.kind for item in view.history] == [
        events.RECEIVED,
        events.STATUS,
        events.MOVED,
        events.MOVED,
        events.MOVED,
        events.DISPOSED,
        events.STATUS,
    ]
    assert (view.sender_name, view.subject, view.phone_last4) == ("Budi", "Undangan rapat", "7890")
    assert page.sender_matches(code, "6281234567890")
    assert not page.sender_matches(code, "6281234560000")
    assert page.letter_view("7K2M-9QXD-4TR3") is None
    assert page.letter_view("not a code") is None
    page.close()


def test_letter_view_before_the_notifier_ever_ran(tmp_path):
    (tmp_path / "state.sqlite3").touch()
    page = StateStore(tmp_path / "state.sqlite3", readonly=True)
    assert page.letter_view("7K2M-9QXD-4TR3") is None
    page.close()
