"""Office hours, overdue desk alerts (once per stay) and the daily digest."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs import events
from jobs.digest import DigestJob, digest_values
from jobs.office_hours import QuietHours, WorkingHours
from jobs.overdue import OverdueJob, find_overdue
from jobs.state import DEAD, PENDING
from tests.test_sync import MONDAY, OFFICE, Office

HOURS = WorkingHours.parse("Mon-Fri 07:30-16:00")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Day 0 is Monday 7 December 2026."""
    return datetime(2026, 12, 7 + day, hour, minute, tzinfo=OFFICE)


# -- office time -----------------------------------------------------------------------------
def test_working_hours_skip_nights_and_weekends():
    assert HOURS.elapsed(at(0, 9), at(0, 11)) == timedelta(hours=2)
    assert HOURS.elapsed(at(0, 6), at(0, 20)) == timedelta(hours=8, minutes=30)
    assert HOURS.elapsed(at(4, 15), at(7, 9)) == timedelta(hours=2, minutes=30)  # Fri → Mon
    assert HOURS.elapsed(at(5, 9), at(6, 20)) == timedelta(0)  # the weekend
    assert HOURS.elapsed(at(0, 9), at(14, 9)) == timedelta(hours=8.5 * 10)
    assert HOURS.elapsed(at(0, 11), at(0, 9)) == timedelta(0)


@settings(max_examples=40, deadline=None)
@given(
    start=st.integers(0, 60 * 24 * 14),
    length=st.integers(0, 60 * 24 * 12),
    days=st.sampled_from(["Mon-Fri", "Mon-Sat", "Sun-Thu"]),
)
def test_working_hours_match_counting_minute_by_minute(start, length, days):
    hours = WorkingHours.parse(f"{days} 07:30-16:00")
    since = at(0, 0) + timedelta(minutes=start)
    until = since + timedelta(minutes=length)
    minutes = 0
    moment = since
    while moment < until:
        clock = moment.time()
        if hours.is_working_day(moment.date()) and hours.start <= clock < hours.end:
            minutes += 1
        moment += timedelta(minutes=1)
    assert hours.elapsed(since, until) == timedelta(minutes=minutes)


def test_quiet_hours_across_midnight():
    quiet = QuietHours.parse("21:00-06:00")
    assert quiet.is_quiet(at(0, 21)) and quiet.is_quiet(at(0, 5, 59))
    assert not quiet.is_quiet(at(0, 6)) and not quiet.is_quiet(at(0, 20, 59))
    assert quiet.is_quiet(at(1, 2)) and not quiet.is_quiet(at(1, 12))
    assert not QuietHours.parse("").is_quiet(at(0, 23))


# -- overdue ---------------------------------------------------------------------------------
@pytest.fixture
def office(tmp_path) -> Office:
    office = Office(tmp_path)
    office.tick()
    return office


def alerts(office: Office) -> list[tuple[str, str, str]]:
    return office.store._query(
        "SELECT code, recipient, state FROM outbox_messages WHERE kind = ? ORDER BY seq",
        (events.OVERDUE,),
    )


def test_a_letter_past_its_desk_limit_alerts_the_desk_once(office):
    code = office.letter()
    office.scan(code, "ASPEM")  # Batas Jam 8, Monday 09:00
    office.tick()
    job = OverdueJob(office.store, clock=office.clock, hours=HOURS)
    office.clock.now = at(0, 15, 59)  # 6 h 59 min of office time
    assert job.run() == 0
    office.clock.now = at(1, 10, 31)  # Tue: 7 h + 3 h 1 min
    assert job.run() == 1
    assert job.run() == 0
    office.restart()
    assert OverdueJob(office.store, clock=office.clock, hours=HOURS).run() == 0
    assert alerts(office) == [(code, "6281311112222", PENDING)]
    office.clock.advance(seconds=10)
    office.deliverer.run()
    alert = office.provider.sent[-1]
    assert alert.event == events.OVERDUE and alert.to == "6281311112222"
    assert alert.parameters[2] == "Asisten Pemerintahan" and alert.parameters[3] == "3"


def test_each_stay_at_a_desk_is_alerted_once_and_final_letters_never(office):
    code, done = office.letter(), office.letter(phone="0857-1122-3344")
    office.scan(code, "ASPEM")
    office.scan(done, "ASPEM")
    office.tick()
    office.edit(done, status="Selesai")
    office.tick()
    job = OverdueJob(office.store, clock=office.clock, hours=HOURS)
    office.clock.now = at(2, 9)
    assert job.run() == 1
    office.scan(code, "UMUM")  # Batas Jam 16
    office.scan(code, "ASPEM", minutes=1)  # and back: a new stay
    office.tick()
    assert job.run() == 0
    office.clock.now = at(3, 12)
    assert job.run() == 1
    assert [row[0] for row in alerts(office)] == [code, code]


def test_a_desk_without_a_number_is_recorded_dead_with_the_reason(office):
    office.register.grid.append_rows("Meja", [["HUKUM", "Bagian Hukum", "Kabag Hukum", "", "1"]])
    code = office.letter()
    office.scan(code, "HUKUM")
    office.tick()
    office.clock.now = at(0, 11)
    assert OverdueJob(office.store, clock=office.clock, hours=HOURS).run() == 1
    assert alerts(office) == [(code, "", DEAD)]
    office.tick()
    (record,) = [r for r in office.notifications() if r.event == events.OVERDUE]
    assert record.status == "Gagal" and "HUKUM belum punya nomor WhatsApp" in record.remarks


# -- digest ------------------------------------------------------------------------------------
def test_digest_content(office):
    codes = [office.letter(phone=f"0812-3456-78{n:02d}") for n in range(4)]
    office.scan(codes[0], "ASPEM")
    office.scan(codes[1], "ASPEM")
    office.scan(codes[2], "UMUM")
    office.tick()
    office.edit(codes[2], status="Selesai")
    office.tick()
    values = digest_values(office.store.snapshot(), HOURS, at(1, 12))
    assert values["total"] == "3"
    assert values["per_desk"] == "ASPEM 2, LOKET 1"
    assert values["overdue"] == "2 surat"  # ASPEM: 8 h limit, 11.5 h of office time
    assert values["oldest_code"] == codes[0] and values["oldest_desk"] == "ASPEM"
    assert values["date"] == "2026-12-08"
    assert len(find_overdue(office.store.snapshot(), HOURS, at(1, 12))) == 2


def test_the_digest_goes_once_per_working_day_from_seven(office):
    office.letter()
    office.tick()
    job = DigestJob(office.store, clock=office.clock, hours=HOURS, head_whatsapp="0811-2222-3333")
    office.clock.now = at(1, 6, 59)
    assert not job.run()
    office.clock.now = at(1, 7, 0)
    assert job.run() and not job.run()
    office.deliverer.run()
    office.clock.now = at(5, 8)  # Saturday
    assert not job.run()
    office.clock.now = at(7, 8)  # Monday
    assert job.run()
    office.deliverer.run()
    digests = [m for m in office.provider.sent if m.event == events.DIGEST]
    assert [m.to for m in digests] == ["6281122223333", "6281122223333"]
    assert "Per meja: LOKET 1" in digests[0].text and "*1*" in digests[0].text


def test_no_head_number_no_digest(office):
    office.clock.now = MONDAY.replace(hour=8)
    assert not DigestJob(office.store, clock=office.clock, hours=HOURS, head_whatsapp="").run()
