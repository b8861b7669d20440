"""The issue's reliability requirement, end to end: faults from the Sheets double
(429/503 bursts, timeouts, an append applied with its answer lost) and from the
WhatsApp double (130429 bursts, 131026 numbers, 190, 5xx). Nothing lost,
nothing doubled, failures visible in the sheet.

Only real pieces: the notifier from ``build_notifier`` (sync, delivery,
overdue, digest on a real state file), ``Register`` on ``GoogleGrid`` whose
gspread client talks HTTP to the Sheets double, and ``CloudApiProvider``
talking HTTP to the WhatsApp double on 127.0.0.1. The office clock is injected
(a Monday morning: working hours, not quiet hours) and moved between cycles:
pacing is 6 s per recipient, the first retry comes 15-30 s later, the second
30-60 s, a pause lasts 300 s. Each cycle is ``Notifier.once`` guarded the way
the scheduler guards its jobs (a ``SitrasError`` is logged and the next run
tries again).

What is checked is what people see: the requests that reached WhatsApp, each
letter's ``Notifikasi`` cell and the rows of the ``Notifikasi`` tab."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

import pytest
import requests
from conftest import FAST_RETRY, FakeClock, FakeMonotonic
from sheets_double import SheetsDouble, Spreadsheet

from config.settings import Secret, Settings, StateSettings, WhatsAppSettings
from jobs.commands import Notifier, build_notifier
from jobs.providers import CloudApiProvider
from sitras_sheets.errors import OutcomeUnknown, RegisterUnavailable, SitrasError
from sitras_sheets.google_grid import GoogleGrid
from sitras_sheets.models import Letter
from sitras_sheets.phone import mask, normalise_whatsapp
from sitras_sheets.register import Register
from sitras_sheets.schema import NOTIFIKASI, SURAT
from tests.whatsapp_double import TOKEN, WhatsAppDouble, bypass_proxies

SITI = "0812-3456-7890"
BUDI = "0857-1122-3344"
RINA = "0813-1111-2222"
RECEIPT = "sitras_diterima_v1"  # the template of the ``diterima`` message
NOT_ON_WHATSAPP = "nomor tidak terdaftar di WhatsApp"
SENT, RETRYING, FAILED = "Terkirim", "Dicoba lagi", "Gagal"
FIRST_RETRY = 31  # seconds: past the first backoff (30 s, upper half jittered)
SECOND_RETRY = 61  # past the second (60 s)
PAUSE = 300  # seconds a paused provider (expired token) is left alone


def digits(phone: str) -> str:
    return normalise_whatsapp(phone)


@dataclass
class Office:
    """The sheet, both doubles, the loket and the notifier, on one clock."""

    sheets: SheetsDouble
    book: Spreadsheet
    whatsapp: WhatsAppDouble
    loket: Register
    notifier: Notifier
    clock: FakeClock
    monotonic: FakeMonotonic

    # -- what happens -------------------------------------------------------------
    def letter(self, phone: str, subject: str) -> str:
        """The loket registers a letter (its own Register on the same spreadsheet);
        returns its code."""
        return self.loket.add_letter(Letter(sender="Pemohon", subject=subject, whatsapp=phone)).code

    def cycle(self, seconds: float = 0) -> SitrasError | None:
        """``seconds`` later, one notifier cycle; the error the scheduler would log."""
        self.clock.advance(seconds=seconds)
        self.monotonic.advance(seconds)
        try:
            self.notifier.once()
        except SitrasError as error:  # as Runner.guarded: logged, the next run retries
            return error
        return None

    # -- what people see ------------------------------------------------------------
    def receipts(self) -> Counter[tuple[str, str]]:
        """``diterima`` requests that reached WhatsApp, per (number, code)."""
        seen: Counter[tuple[str, str]] = Counter()
        for request in self.whatsapp.cloud_requests():
            body = request.json
            assert body["type"] == "template"
            if body["template"]["name"] == RECEIPT:
                code = body["template"]["components"][0]["parameters"][0]["text"]
                seen[body["to"], code] += 1
        return seen

    def requests_to(self, *phones: str) -> tuple[int, ...]:
        """Requests that reached WhatsApp (answered with an error or not), per number."""
        seen = Counter(r.json["to"] for r in self.whatsapp.cloud_requests())
        return tuple(seen[digits(phone)] for phone in phones)

    def records(self, tab: str) -> list[dict[str, str]]:
        """The tab's rows as the sheet shows them, by header; blank rows left out."""
        header, *rows = self.book.tab(tab).values()
        padded = ([*row, *[""] * len(header)][: len(header)] for row in rows if any(row))
        return [dict(zip(header, cells, strict=True)) for cells in padded]

    def cell(self, code: str) -> str:
        """The letter's ``Notifikasi`` cell."""
        notes = [r["Notifikasi"] for r in self.records(SURAT.name) if r["Kode Lacak"] == code]
        assert len(notes) == 1, f"{code} in {len(notes)} rows"
        return notes[0]

    def outcomes(self) -> list[tuple[str, ...]]:
        """The ``Notifikasi`` tab: (code, event, to, status) per row, sorted."""
        fields = ("Kode Lacak", "Jenis", "Kepada", "Status")
        return sorted(tuple(r[f] for f in fields) for r in self.records(NOTIFIKASI.name))


def receipt(phone: str, code: str, status: str = SENT) -> tuple[str, str, str, str]:
    """A ``Notifikasi`` tab row for the ``diterima`` message of ``code``."""
    return (code, "diterima", mask(digits(phone)), status)


@pytest.fixture
def whatsapp(monkeypatch):
    bypass_proxies(monkeypatch)
    with WhatsAppDouble() as double:
        yield double


@pytest.fixture
def office(
    tmp_path,
    sheets_double: SheetsDouble,
    book: Spreadsheet,
    google_grid: GoogleGrid,
    google_register: Register,
    whatsapp: WhatsAppDouble,
    clock: FakeClock,
    monotonic: FakeMonotonic,
):
    google_register.init()
    settings = Settings(
        whatsapp=WhatsAppSettings(
            provider="cloud",
            phone_number_id=whatsapp.phone_number_id,
            api_version=whatsapp.api_version,
            token=Secret(TOKEN),
        ),
        state=StateSettings(path=str(tmp_path / "state.sqlite3")),
    )
    session = requests.Session()
    provider = CloudApiProvider(
        token=TOKEN,
        phone_number_id=whatsapp.phone_number_id,
        api_version=whatsapp.api_version,
        base_url=whatsapp.base_url,
        session=session,
        timeout=(1.0, 2.0),
    )
    notifier = build_notifier(settings, register=google_register, provider=provider, clock=clock)
    loket = Register(google_grid, clock, monotonic=monotonic)
    office = Office(sheets_double, book, whatsapp, loket, notifier, clock, monotonic)
    assert office.cycle() is None  # the baseline, on an empty register
    yield office
    notifier.close()
    session.close()


def assert_never_twice(office: Office) -> None:
    doubled = {key: n for key, n in office.receipts().items() if n > 1}
    assert doubled == {}, f"sent more than once: {doubled}"


# -- 1. Sheets: 429 and 503 bursts, read timeouts ---------------------------------------------
def test_sheets_bursts_and_timeouts_lose_no_receipt_and_double_none(office):
    sheets = office.sheets
    siti = office.letter(SITI, "Izin keramaian")
    budi = office.letter(BUDI, "Undangan rapat")
    siti_again = office.letter(SITI, "Permohonan data")  # paced 6 s behind Siti's first

    # Cycle 1: every burst fits in the grid's retries (4 attempts).
    sheets.fail_next("drive.files.get", status=429, times=2)
    sheets.fail_next("values.batchGet", status=429)
    sheets.fail_next("values.batchGet", status=503)
    sheets.fail_next("values.batchGet", raises=requests.exceptions.ReadTimeout)
    sheets.fail_next("values.batchUpdate", status=503)
    sheets.fail_next("values.batchUpdate", raises=requests.exceptions.ReadTimeout)
    sheets.fail_next("values.append", status=429)  # refused, so surely not applied: resent
    assert office.cycle() is None
    assert sheets.pending_faults() == 0
    assert office.receipts() == {(digits(SITI), siti): 1, (digits(BUDI), budi): 1}
    assert office.cell(siti) == office.cell(budi) == "Terkirim 1/1"
    assert not office.cell(siti_again).startswith(FAILED)  # waiting for its pace

    # Cycle 2: a 503 burst longer than the retries: the tick fails, nothing is lost.
    sheets.fail_next("values.batchGet", status=503, times=FAST_RETRY.attempts)
    assert isinstance(office.cycle(6), RegisterUnavailable)
    assert_never_twice(office)

    # Cycle 3: the read works, the write-back meets a 429 burst longer than the retries.
    sheets.fail_next("values.batchUpdate", status=429, times=FAST_RETRY.attempts)
    assert isinstance(office.cycle(6), RegisterUnavailable)
    assert sheets.pending_faults() == 0
    assert office.receipts()[digits(SITI), siti_again] == 1  # sent before the write-back
    assert_never_twice(office)

    # Cycle 4: the Notifikasi append answers 503, not applied (the outcome is unknown to
    # the notifier: today the tick fails and the next one appends).
    sheets.fail_next("values.append", status=503)
    assert isinstance(office.cycle(6), OutcomeUnknown | None)
    assert sheets.pending_faults() == 0
    assert office.cell(siti_again) == "Terkirim 1/1"  # the cell was written before the append

    # Later cycles: the sheet catches up; nothing goes out again.
    for seconds in (6, 60, 600):
        assert office.cycle(seconds) is None
    assert office.receipts() == {
        (digits(SITI), siti): 1,
        (digits(BUDI), budi): 1,
        (digits(SITI), siti_again): 1,
    }
    assert len(office.whatsapp.cloud_requests()) == 3
    for code in (siti, budi, siti_again):
        assert office.cell(code) == "Terkirim 1/1"
    assert office.outcomes() == sorted(
        [receipt(SITI, siti), receipt(BUDI, budi), receipt(SITI, siti_again)]
    )
    statuses = Counter(entry.status for entry in sheets.requests)
    assert statuses[429] == 2 + 1 + 1 + FAST_RETRY.attempts  # every fault was met
    assert statuses[503] == 1 + 1 + FAST_RETRY.attempts + 1
    assert statuses[None] == 2  # the two timeouts


# -- 2. Sheets: the Notifikasi-tab append applied, its answer lost ---------------------------------
LOST_ANSWERS = {
    "timeout": lambda sheets: sheets.lose_response_next("values.append"),
    "5xx after applying": lambda sheets: sheets.fail_next("values.append", 500, applied=True),
}


def _lose_the_notifikasi_append(office: Office, lose) -> list[tuple[str, str, str, str]]:
    siti = office.letter(SITI, "Izin keramaian")
    budi = office.letter(BUDI, "Undangan rapat")
    lose(office.sheets)  # the only append of this cycle is the Notifikasi tab's
    assert isinstance(office.cycle(), OutcomeUnknown | None)
    assert office.sheets.pending_faults() == 0
    assert len(office.outcomes()) == 2  # the append was applied; only its answer was lost
    for seconds in (6, 60, 600):
        assert office.cycle(seconds) is None
    assert office.receipts() == {(digits(SITI), siti): 1, (digits(BUDI), budi): 1}
    assert len(office.whatsapp.cloud_requests()) == 2  # nothing sent to WhatsApp again
    assert office.cell(siti) == office.cell(budi) == "Terkirim 1/1"
    return [receipt(SITI, siti), receipt(BUDI, budi)]


@pytest.mark.parametrize("lose", LOST_ANSWERS.values(), ids=LOST_ANSWERS.keys())
def test_a_lost_notifikasi_append_answer_resends_nothing_and_loses_no_outcome(office, lose):
    expected = _lose_the_notifikasi_append(office, lose)
    assert set(office.outcomes()) == set(expected)  # every outcome is in the tab


@pytest.mark.parametrize("lose", LOST_ANSWERS.values(), ids=LOST_ANSWERS.keys())
def test_a_lost_notifikasi_append_answer_leaves_one_row_per_outcome(office, lose):
    expected = _lose_the_notifikasi_append(office, lose)
    assert office.outcomes() == sorted(expected)


# -- 3. WhatsApp: a 130429 burst, a 5xx ----------------------------------------------------------
def test_whatsapp_rate_limit_burst_and_5xx_are_retried_later_and_delivered_once(office):
    wa = office.whatsapp
    wa.fail(130429, to=digits(SITI), times=2, retry_after="7")
    wa.fail_status(503, to=digits(BUDI), times=1, body="<html><h1>503</h1></html>")
    siti = office.letter(SITI, "Izin keramaian")
    budi = office.letter(BUDI, "Undangan rapat")
    rina = office.letter(RINA, "Laporan kegiatan")

    def never_failed() -> None:
        for code in (siti, budi, rina):
            assert not office.cell(code).startswith(FAILED)
        assert FAILED not in {row[3] for row in office.outcomes()}

    assert office.cycle() is None  # Siti: 130429, Budi: 503, Rina: sent
    assert office.requests_to(SITI, BUDI, RINA) == (1, 1, 1)
    assert office.cell(siti).startswith("Terkirim 0/1; sisanya menunggu (batas kecepatan")
    assert office.cell(budi).startswith("Terkirim 0/1; sisanya menunggu (gangguan")
    never_failed()

    assert office.cycle(10) is None  # the backoff is not over: nobody is asked again
    assert len(wa.cloud_requests()) == 3

    assert office.cycle(FIRST_RETRY - 10) is None  # Siti: 130429 again, Budi: sent
    assert office.requests_to(SITI, BUDI, RINA) == (2, 2, 1)
    never_failed()

    assert office.cycle(SECOND_RETRY) is None  # Siti: sent
    assert office.requests_to(SITI, BUDI, RINA) == (3, 2, 1)
    for seconds in (120, 600, 3600):
        assert office.cycle(seconds) is None
    never_failed()
    # 2 + 1 scripted faults, so each number got exactly one accepted request.
    assert office.requests_to(SITI, BUDI, RINA) == (3, 2, 1)
    assert set(office.receipts()) == {
        (digits(SITI), siti),
        (digits(BUDI), budi),
        (digits(RINA), rina),
    }
    for code in (siti, budi, rina):
        assert office.cell(code) == "Terkirim 1/1"
    assert office.outcomes() == sorted(
        [
            receipt(SITI, siti, RETRYING),
            receipt(SITI, siti),
            receipt(BUDI, budi, RETRYING),
            receipt(BUDI, budi),
            receipt(RINA, rina),
        ]
    )


# -- 4. WhatsApp: 131026, a number not on WhatsApp ------------------------------------------------
def test_a_number_not_on_whatsapp_fails_visibly_once_and_others_go_out(office):
    wa = office.whatsapp
    wa.fail(131026, to=digits(SITI))  # every request to this number, for good
    siti = office.letter(SITI, "Izin keramaian")
    budi = office.letter(BUDI, "Undangan rapat")
    rina = office.letter(RINA, "Laporan kegiatan")

    assert office.cycle() is None
    for seconds in (6, FIRST_RETRY, SECOND_RETRY, 600, 3600):
        assert office.cycle(seconds) is None

    assert office.requests_to(SITI) == (1,)  # never retried
    assert office.receipts() == {
        (digits(SITI), siti): 1,
        (digits(BUDI), budi): 1,
        (digits(RINA), rina): 1,
    }
    assert office.cell(siti) == f"Gagal: {NOT_ON_WHATSAPP}"
    assert office.cell(budi) == office.cell(rina) == "Terkirim 1/1"
    assert office.outcomes() == sorted(
        [receipt(SITI, siti, FAILED), receipt(BUDI, budi), receipt(RINA, rina)]
    )
    (failed,) = [r for r in office.records(NOTIFIKASI.name) if r["Status"] == FAILED]
    assert (failed["Kode Lacak"], failed["Kepada"], failed["Keterangan"]) == (
        siti,
        "62812****7890",
        NOT_ON_WHATSAPP,
    )
    tab = office.book.tab(NOTIFIKASI.name).values()
    assert not any(digits(p) in cell for p in (SITI, BUDI, RINA) for row in tab for cell in row)


# -- 5. WhatsApp: 190, an expired token ----------------------------------------------------------
def test_an_expired_token_pauses_delivery_and_then_everything_goes_out_once(office, caplog):
    wa = office.whatsapp
    wa.expire_token()
    siti = office.letter(SITI, "Izin keramaian")
    budi = office.letter(BUDI, "Undangan rapat")
    rina = office.letter(RINA, "Laporan kegiatan")

    with caplog.at_level(logging.ERROR, logger="sitras.notifier"):
        assert office.cycle() is None
    assert len(wa.cloud_requests()) == 1  # the pass stopped at the first 190
    assert "PERHATIAN OPERATOR" in caplog.text and "3 pesan menunggu" in caplog.text
    for code in (siti, budi, rina):
        assert not office.cell(code).startswith(FAILED)  # waiting, not failed
    assert FAILED not in {row[3] for row in office.outcomes()}

    assert office.cycle(60) is None  # still paused: WhatsApp is not asked
    assert len(wa.cloud_requests()) == 1

    wa.token_expired = False  # the operator renewed the token
    assert office.cycle(PAUSE - 60 - 1) is None  # the pause is not over yet
    assert len(wa.cloud_requests()) == 1
    assert office.cycle(2) is None  # past 300 s
    for seconds in (6, 60, 600):
        assert office.cycle(seconds) is None

    assert office.receipts() == {
        (digits(SITI), siti): 2,  # the one answered 190, then the one accepted
        (digits(BUDI), budi): 1,
        (digits(RINA), rina): 1,
    }
    assert len(wa.cloud_requests()) == 4
    for code in (siti, budi, rina):
        assert office.cell(code) == "Terkirim 1/1"
    assert office.outcomes() == sorted(
        [receipt(SITI, siti), receipt(BUDI, budi), receipt(RINA, rina)]
    )


def test_a_tick_that_dies_between_its_append_and_its_bookkeeping_appends_nothing_twice(
    office, monkeypatch
):
    siti = office.letter(SITI, "Izin keramaian")
    store = office.notifier.store
    real = store.mark_reported

    def crash_once(seqs):
        monkeypatch.setattr(store, "mark_reported", real)
        raise SitrasError("proses mati tepat setelah menulis tab Notifikasi")

    monkeypatch.setattr(store, "mark_reported", crash_once)
    assert isinstance(office.cycle(), SitrasError)
    assert len(office.outcomes()) == 1  # the rows were appended before the crash
    for seconds in (6, 60):
        assert office.cycle(seconds) is None
    assert office.outcomes() == [receipt(SITI, siti)]
