"""Delivery through a provider that records: outcomes, what the sheet shows,
pausing, quiet hours, pacing and merging."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from jobs import events
from jobs.events import Event
from jobs.messaging import Outcome, SendResult
from jobs.state import DEAD, FAILED, MERGED, PENDING, SENT
from tests.test_sync import OFFICE, Clock, Office


@pytest.fixture
def office(tmp_path) -> Office:
    office = Office(tmp_path)
    office.tick()  # baseline
    return office


def states(office: Office) -> list[tuple[str, str]]:
    return office.store._query("SELECT kind, state FROM outbox_messages ORDER BY seq")


def test_sent_records_the_message_id(office):
    code = office.letter()
    office.tick()
    assert office.store._query("SELECT state, message_id FROM outbox_messages") == [
        (SENT, "wamid.1")
    ]
    assert office.cell(code, "notification") == "Terkirim 1/1"
    (record,) = office.notifications()
    assert (record.status, record.message_id, record.to) == ("Terkirim", "wamid.1", "62812****7890")


def test_a_permanent_failure_is_dead_and_visible_in_the_sheet(office):
    reason = "nomor tidak terdaftar di WhatsApp"
    office.provider.script.append(SendResult(Outcome.PERMANENT, reason=reason, error_code="131026"))
    code = office.letter()
    office.tick()
    assert states(office) == [(events.RECEIVED, DEAD)]
    assert office.cell(code, "notification") == f"Gagal: {reason}"
    (record,) = office.notifications()
    assert (record.code, record.event, record.to, record.status, record.remarks) == (
        office.cell(code, "code"),
        events.RECEIVED,
        "62812****7890",
        "Gagal",
        reason,
    )
    office.tick()
    assert len(office.notifications()) == 1 and len(office.provider.sent) == 1


def test_an_invalid_number_is_dead_at_once_without_a_request(office):
    code = office.letter(phone="0812-34")
    office.tick()
    assert office.provider.sent == [] and states(office) == [(events.RECEIVED, DEAD)]
    assert office.cell(code, "notification").startswith("Gagal: nomor WhatsApp tidak sah")
    assert [r.to for r in office.notifications()] == ["****"]
    assert not any("0812-34" in str(r) for r in office.notifications())  # no number in remarks


def test_a_transient_failure_is_retried_after_the_backoff_and_retry_after(office):
    office.provider.script.append(SendResult(Outcome.TRANSIENT, reason="timeout", retry_after=90))
    code = office.letter()
    office.tick()
    assert states(office) == [(events.RECEIVED, FAILED)]
    assert office.cell(code, "notification").startswith("Terkirim 0/1; sisanya menunggu (timeout)")
    office.clock.advance(seconds=89)
    office.deliverer.run()
    assert len(office.provider.sent) == 1  # backoff 30 s (jitter 0.5 → 22.5 s) < retry_after
    office.clock.advance(seconds=1)
    office.deliverer.run()
    assert states(office) == [(events.RECEIVED, SENT)]
    office.tick()
    assert office.cell(code, "notification") == "Terkirim 1/1"
    assert [r.status for r in office.notifications()] == ["Dicoba lagi", "Terkirim"]


def test_too_many_transient_failures_end_dead(office):
    office.provider.script.extend([SendResult(Outcome.TRANSIENT, reason="HTTP 503")] * 4)
    code = office.letter()
    office.tick()
    for _ in range(4):
        office.clock.advance(seconds=700)
        office.deliverer.run()
    assert states(office) == [(events.RECEIVED, DEAD)]
    office.tick()
    assert office.cell(code, "notification") == "Gagal: gagal setelah 4 percobaan: HTTP 503"


def test_an_expired_token_pauses_delivery_and_keeps_the_queue(office, caplog):
    reason = "token WhatsApp kedaluwarsa atau tidak sah; perbarui SITRAS_WHATSAPP_TOKEN"
    office.provider.script.append(SendResult(Outcome.PAUSED, reason=reason, error_code="190"))
    first, second = office.letter(), office.letter(phone="0857-1122-3344")
    with caplog.at_level(logging.ERROR, logger="sitras.notifier"):
        office.tick()
    assert len(office.provider.sent) == 1  # the pass stopped at the first answer
    assert states(office) == [(events.RECEIVED, PENDING), (events.RECEIVED, PENDING)]
    assert "PERHATIAN OPERATOR" in caplog.text and "2 pesan menunggu" in caplog.text
    office.clock.advance(seconds=60)
    office.deliverer.run()
    assert len(office.provider.sent) == 1  # still paused
    office.clock.advance(seconds=300)
    office.deliverer.run()
    assert states(office) == [(events.RECEIVED, SENT), (events.RECEIVED, SENT)]
    office.tick()
    assert office.cell(first, "notification") == office.cell(second, "notification")


def test_quiet_hours_hold_messages_until_they_end(tmp_path):
    office = Office(
        tmp_path, Clock(datetime(2026, 12, 7, 21, 30, tzinfo=OFFICE)), quiet="21:00-06:00"
    )
    office.tick()
    office.letter()
    office.tick()
    assert office.provider.sent == []
    office.clock.now = datetime(2026, 12, 8, 5, 59, tzinfo=OFFICE)
    assert office.deliverer.run().held == 1
    office.clock.now = datetime(2026, 12, 8, 6, 0, tzinfo=OFFICE)
    assert office.deliverer.run().sent == 1


def test_a_reply_to_someone_who_just_wrote_goes_out_in_quiet_hours(tmp_path):
    office = Office(
        tmp_path, Clock(datetime(2026, 12, 7, 22, 15, tzinfo=OFFICE)), quiet="21:00-06:00"
    )
    office.tick()
    office.letter()
    office.tick()  # its receipt waits for the morning
    now = office.clock().timestamp()
    office.store.enqueue(
        [Event("reply-1", events.HELP, "", to="6281111111111", to_masked="62811****1111")],
        now=now,
        stamp="2026-12-07 22:15",
    )
    report = office.deliverer.run()
    assert office.provider.kinds() == [events.HELP]
    assert report.held == 1


def test_messages_to_one_number_are_paced(office):
    first = office.letter()
    office.tick()
    office.edit(first, status="Diproses")
    office.tick()
    assert office.provider.kinds() == [events.RECEIVED]  # the status waits its turn
    office.clock.advance(seconds=5)
    office.deliverer.run()
    assert office.provider.kinds() == [events.RECEIVED]
    office.clock.advance(seconds=1)
    office.deliverer.run()
    assert office.provider.kinds() == [events.RECEIVED, events.STATUS]


def test_a_burst_of_moves_sends_only_the_latest_position(office):
    code = office.letter()
    office.tick()
    office.scan(code, "ASPEM")
    office.tick()  # paced: the receipt went out just now
    office.scan(code, "UMUM", minutes=1)
    office.tick()
    office.clock.advance(seconds=6)
    office.deliverer.run()
    assert office.provider.kinds() == [events.RECEIVED, events.MOVED]
    assert office.provider.sent[-1].parameters[0] == "Bagian Umum"
    assert states(office) == [
        (events.RECEIVED, SENT),
        (events.MOVED, MERGED),
        (events.MOVED, SENT),
    ]
    office.tick()
    assert office.cell(code, "notification") == "Terkirim 2/2"


def test_a_window_closed_answer_is_resent_as_a_template(office):
    office.store.record_inbound("6281234567890", now=office.clock().timestamp())
    office.provider.script.append(
        SendResult(Outcome.TRANSIENT, reason="window", details={"resend_as": "template"})
    )
    office.letter()
    office.tick()
    office.clock.advance(seconds=6)
    office.deliverer.run()
    assert [m.window_open for m in office.provider.sent] == [True, False]
    assert states(office) == [(events.RECEIVED, SENT)]


def test_nothing_in_the_logs_shows_a_full_number(office, caplog):
    office.provider.script.append(SendResult(Outcome.PERMANENT, reason="ditolak"))
    with caplog.at_level(logging.INFO, logger="sitras.notifier"):
        office.letter()
        office.tick()
    assert "62812****7890" in caplog.text
    assert "6281234567890" not in caplog.text and "3456-7890" not in caplog.text


def test_a_message_cut_off_mid_request_is_sent_again_after_a_restart(office):
    """The process dies after the provider took the message but before the
    outcome was committed: on restart it is 'possibly sent' and sent again."""

    class Dies:
        name = "dies"

        def __init__(self, inner):
            self.inner = inner

        def send(self, message):
            self.inner.send(message)
            raise KeyboardInterrupt  # stands for SIGKILL: nothing after this runs

    office.letter()
    office.deliverer.provider = Dies(office.provider)
    with pytest.raises(KeyboardInterrupt):
        office.tick()
    assert states(office) == [(events.RECEIVED, "sending")]
    office.restart()  # recover_sending(): back to pending, counted in ``resent``
    office.clock.advance(seconds=6)
    office.tick()
    assert office.provider.kinds() == [events.RECEIVED, events.RECEIVED]
    assert office.store._query("SELECT state, resent FROM outbox_messages") == [(SENT, 1)]
