"""The station and the ``scan`` command, against real SQLite files, the real
local register and the real decode pipeline (stickers drawn by zxing-cpp)."""

from __future__ import annotations

import argparse
import io
import platform
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
import zxingcpp

from config.settings import RegisterSettings, Settings, StateSettings
from messages import text
from messages.scan import MESSAGES
from scanner.debounce import Debouncer, Decision
from scanner.sources import CameraSource, Frame, FrameKind, KeyboardSource, TypedLine
from scanner.spool import Spool, SpoolError, flush
from scanner.station import LetterCache, Outcome, ProofStore, Station
from scanner.station_cli import StationParts, run_station
from sitras_sheets import tracking_code
from sitras_sheets.local_grid import LocalGrid
from sitras_sheets.models import Letter
from sitras_sheets.register import Register
from tests.fakes import UnreachableGrid

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 4, 9, 30, tzinfo=JAKARTA)


def clock() -> datetime:
    return NOW


class Ticker:
    """An injected monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingReads:
    def __init__(self, register: Register) -> None:
        self.register, self.reads = register, 0

    def read(self, **options):
        self.reads += 1
        return self.register.read(**options)


@pytest.fixture
def register(tmp_path: Path) -> Register:
    grid = LocalGrid(tmp_path / "register.sqlite3")
    register = Register(grid, clock)
    register.init()
    grid.append_rows("Meja", [["ASPEM", "Asisten Pemerintahan", "Drs. Wahyu", "", "24"]])
    return register


@pytest.fixture
def letter(register: Register) -> Letter:
    return register.add_letter(
        Letter(subject="Permohonan izin keramaian", sender="Siti", whatsapp="0812-3456-7890")
    )


def scans_in(register: Register) -> list:
    return register.read().scans


def make_station(register, spool: Spool, ticker: Ticker, said: list[str], **kwargs) -> Station:
    letters = LetterCache(register, monotonic=ticker)
    letters.load(register.read())
    return Station(
        desk="aspem",
        spool=spool,
        letters=letters,
        clock=clock,
        station_id="PC-ASPEM",
        officer="Budi",
        monotonic=ticker,
        say=said.append,
        **kwargs,
    )


def sticker(*codes: str) -> np.ndarray:
    """A BGR photo-like image holding a QR of each bare code, side by side."""
    parts = []
    for code in codes:
        symbol = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode)
        parts.append(np.pad(np.asarray(symbol.to_image(scale=6)), 40, constant_values=255))
    height = max(p.shape[0] for p in parts)
    row = np.hstack(
        [np.pad(p, ((0, height - p.shape[0]), (0, 0)), constant_values=255) for p in parts]
    )
    return cv2.cvtColor(row, cv2.COLOR_GRAY2BGR)


# -- debounce ---------------------------------------------------------------------------------
def test_ten_reads_in_a_second_are_one_scan() -> None:
    debouncer = Debouncer()
    decisions = [debouncer.check("ASPEM", "A", 100 + n / 10) for n in range(10)]
    assert decisions == [Decision.NEW] + [Decision.REPEAT] * 9


def test_the_same_code_again_is_already_scanned_until_the_quiet_period_ends() -> None:
    debouncer = Debouncer(hold_seconds=2, quiet_seconds=30)
    assert debouncer.check("ASPEM", "A", 0) is Decision.NEW
    assert debouncer.check("ASPEM", "A", 10) is Decision.ALREADY
    assert debouncer.check("ASPEM", "A", 39) is Decision.ALREADY  # 29 s after the last sighting
    assert debouncer.check("ASPEM", "A", 69) is Decision.NEW  # 30 s of quiet: it came back


def test_a_letter_left_under_the_camera_is_logged_once() -> None:
    debouncer = Debouncer()
    decisions = [debouncer.check("ASPEM", "A", t / 2) for t in range(600)]  # 5 minutes
    assert decisions == [Decision.NEW] + [Decision.REPEAT] * 599


def test_another_code_or_desk_is_judged_at_once() -> None:
    debouncer = Debouncer()
    assert debouncer.check("ASPEM", "A", 0) is Decision.NEW
    assert debouncer.check("ASPEM", "B", 0.1) is Decision.NEW
    assert debouncer.check("UMUM", "A", 0.2) is Decision.NEW
    assert debouncer.check("ASPEM", "A", 0.3) is Decision.REPEAT


# -- the station -----------------------------------------------------------------------------
def test_keyboard_line_with_noise_is_logged_once(tmp_path, register, letter) -> None:
    spool = Spool(tmp_path / "state.sqlite3")
    said: list[str] = []
    station = make_station(register, spool, Ticker(), said, debouncer=Debouncer(hold_seconds=0))
    typed = f"\x02]C0 {letter.code.lower()} \x03\r\n"
    station.run(KeyboardSource(io.StringIO(typed)))
    assert said == [
        text("scan.logged", code=letter.code, desk="ASPEM", subject="Permohonan izin keramaian")
    ]
    flush(spool, register, timeout=5)
    [scan] = scans_in(register)
    assert (scan.code, scan.desk, scan.officer, scan.station, scan.time) == (
        letter.code,
        "ASPEM",
        "Budi",
        "PC-ASPEM",
        "2026-12-04 09:30",
    )


def test_an_invalid_check_symbol_is_refused_and_nothing_spooled(tmp_path, register) -> None:
    spool = Spool(tmp_path / "state.sqlite3")
    said: list[str] = []
    station = make_station(register, spool, Ticker(), said)
    [result] = station.handle(TypedLine("7K2M-9QXD-4TR4"))
    assert result.outcome is Outcome.INVALID
    assert said == [text("scan.invalid", text="7K2M-9QXD-4TR4")]
    assert said[0].startswith("[X] Kode tidak valid")
    assert spool.counts().total == 0


def test_the_same_code_ten_times_in_a_second_from_a_webcam_is_one_scan(
    tmp_path, register, letter
) -> None:
    spool, ticker, said = Spool(tmp_path / "state.sqlite3"), Ticker(), []
    bare = tracking_code.normalise(letter.code)
    station = make_station(register, spool, ticker, said, decode_frame=lambda image: [bare])
    outcomes = []
    for _ in range(10):
        outcomes += station.handle(
            Frame(np.zeros((4, 4, 3), np.uint8), "kamera 0", FrameKind.CAMERA)
        )
        ticker.now += 0.1
    assert [r.outcome for r in outcomes] == [Outcome.LOGGED] + [Outcome.REPEAT] * 9
    assert len(said) == 1 and spool.counts().total == 1


def test_the_same_code_typed_ten_times_is_one_scan_and_says_already(
    tmp_path, register, letter
) -> None:
    spool, ticker, said = Spool(tmp_path / "state.sqlite3"), Ticker(), []
    station = make_station(register, spool, ticker, said, debouncer=Debouncer(hold_seconds=0))
    outcomes = []
    for _ in range(10):
        outcomes += station.handle(TypedLine(letter.code))
        ticker.now += 0.1
    assert [r.outcome for r in outcomes] == [Outcome.LOGGED] + [Outcome.ALREADY] * 9
    assert said[1] == text("scan.already", code=letter.code, desk="ASPEM")
    assert "sudah dipindai" in said[1]
    assert spool.counts().total == 1


def test_two_codes_in_one_frame_are_both_logged(tmp_path, register, letter) -> None:
    other = tracking_code.generate()
    spool, said = Spool(tmp_path / "state.sqlite3"), []
    proofs = ProofStore(tmp_path / "bukti")
    station = make_station(register, spool, Ticker(), said, proofs=proofs)
    image = sticker(tracking_code.normalise(letter.code), other)
    results = station.handle(Frame(image, "kamera 0", FrameKind.CAMERA))
    assert sorted(r.code for r in results) == sorted([letter.code, tracking_code.display(other)])
    assert {r.outcome for r in results} == {Outcome.LOGGED, Outcome.UNREGISTERED}
    flush(spool, register, timeout=5)
    assert sorted(s.code for s in scans_in(register)) == sorted(r.code for r in results)
    assert all(r.proof is not None and r.proof.is_file() for r in results)


def test_an_unregistered_code_is_logged_with_a_warning_then_announced(tmp_path, register) -> None:
    spool, ticker, said = Spool(tmp_path / "state.sqlite3"), Ticker(), []
    station = make_station(register, spool, ticker, said)
    station.letters.on_registered = lambda found: said.append(f"found {found.code}")
    code = tracking_code.display(tracking_code.generate())
    [result] = station.handle(TypedLine(code))
    assert result.outcome is Outcome.UNREGISTERED
    assert said == [text("scan.logged_unregistered", code=code, desk="ASPEM")]
    assert "belum terdaftar" in said[0]
    assert spool.counts().pending == 1  # accepted: the loket may have just registered it
    register.add_letter(Letter(code=code, subject="Undangan rapat", sender="Budi"))  # on another PC
    station.letters.tick()
    assert said[1:] == []  # not before the retry time: no sheet read per scan
    ticker.now += 15
    station.letters.tick()
    assert said[1:] == [f"found {code}"]
    assert station.letters.lookup(code).subject == "Undangan rapat"


def test_the_subject_comes_from_the_cache_not_a_read_per_scan(tmp_path, register) -> None:
    codes = [register.add_letter(Letter(subject=f"Surat {n}", sender="X")).code for n in range(5)]
    counting = CountingReads(register)
    spool, said = Spool(tmp_path / "state.sqlite3"), []
    station = make_station(counting, spool, Ticker(), said)
    reads = counting.reads
    for code in codes:
        station.handle(TypedLine(code))
    assert counting.reads == reads
    assert [line.rsplit(": ", 1)[1] for line in said] == [f"Surat {n}" for n in range(5)]


def test_feedback_in_english(tmp_path, register, letter) -> None:
    said: list[str] = []
    station = make_station(register, Spool(tmp_path / "state.sqlite3"), Ticker(), said, lang="en")
    station.handle(TypedLine(letter.code))
    station.handle(TypedLine("nonsense"))
    assert said == [
        f"[OK] {letter.code} logged at desk ASPEM: Permohonan izin keramaian",
        "[X] Invalid code: 'nonsense' — scan again or check the sticker",
    ]


def test_a_scan_the_spool_refuses_is_reported_and_can_be_retried(tmp_path, register, letter):
    class FullDisk(Spool):
        fail = True

        def add(self, scan):
            if self.fail:
                raise SpoolError("database or disk is full")
            return super().add(scan)

    spool, said = FullDisk(tmp_path / "state.sqlite3"), []
    station = make_station(register, spool, Ticker(), said)
    [result] = station.handle(TypedLine(letter.code))
    assert result.outcome is Outcome.NOT_STORED and "GAGAL" in said[0]
    spool.fail = False
    [result] = station.handle(TypedLine(letter.code))
    assert result.outcome is Outcome.LOGGED and spool.counts().total == 1


def test_proof_frames_are_kept_and_old_ones_pruned(tmp_path, register, letter) -> None:
    root = tmp_path / "bukti"
    for folder in ("2026-10-01", "2026-11-20"):
        (root / folder).mkdir(parents=True)
        (root / folder / "01OLD.jpg").write_bytes(b"jpeg")
    (root / "catatan").mkdir()
    spool, said = Spool(tmp_path / "state.sqlite3"), []
    station = make_station(
        register, spool, Ticker(), said, proofs=ProofStore(root, retention_days=30)
    )
    image = sticker(tracking_code.normalise(letter.code))
    [result] = station.handle(Frame(image, "kamera 0", FrameKind.CAMERA))
    assert result.proof == root / "2026-12-04" / f"{result.scan_id}.jpg"
    kept = cv2.imdecode(np.frombuffer(result.proof.read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    assert kept.shape == image.shape
    assert sorted(p.name for p in root.iterdir()) == ["2026-11-20", "2026-12-04", "catatan"]
    [typed] = station.handle(TypedLine(tracking_code.display(tracking_code.generate())))
    assert typed.proof is None  # a keyboard scan has no frame
    assert ProofStore(root, retention_days=30).prune(date(2027, 1, 3)) == 1  # 2026-11-20 goes
    assert ProofStore(root, retention_days=30).prune(date(2027, 1, 4)) == 1  # 2026-12-04 goes
    assert [p.name for p in root.iterdir()] == ["catatan"]


# -- the scan command ---------------------------------------------------------------------------
def settings_for(tmp_path: Path) -> Settings:
    return Settings(
        register=RegisterSettings(path=str(tmp_path / "register.sqlite3")),
        state=StateSettings(path=str(tmp_path / "data" / "state.sqlite3")),
    )


def scan_args(**values) -> argparse.Namespace:
    base = dict(desk="aspem", images=None, camera=None, keyboard=False, officer="", station="")
    return argparse.Namespace(**(base | values))


def test_scan_images_logs_syncs_and_summarises(tmp_path, register, letter) -> None:
    folder = tmp_path / "foto"
    (folder / "pagi").mkdir(parents=True)
    unknown = tracking_code.generate()
    cv2.imwrite(str(folder / "pagi" / "1.png"), sticker(tracking_code.normalise(letter.code)))
    cv2.imwrite(str(folder / "pagi" / "2.png"), sticker(unknown))
    cv2.imwrite(str(folder / "3.png"), np.full((60, 60, 3), 255, np.uint8))
    said: list[str] = []
    status = run_station(
        settings_for(tmp_path),
        scan_args(images=[str(folder)], officer="Budi"),
        StationParts(clock=clock, say=said.append),
    )
    assert status == 0
    assert said[0] == text(
        "scan.started", station=platform.node(), desk="ASPEM", source="berkas gambar"
    )
    assert said[1:4] == [
        text("scan.no_codes", origin=str(folder / "3.png")),
        text("scan.logged", code=letter.code, desk="ASPEM", subject=letter.subject),
        text("scan.logged_unregistered", code=tracking_code.display(unknown), desk="ASPEM"),
    ]
    assert said[-1] == text("scan.summary", logged=2, synced=2, pending=0)
    assert [s.code for s in scans_in(register)] == [letter.code, tracking_code.display(unknown)]
    assert not (tmp_path / "data" / "bukti").exists()  # files are not camera frames


def test_scan_keyboard_warns_about_an_unknown_desk(tmp_path, register, letter) -> None:
    said: list[str] = []
    status = run_station(
        settings_for(tmp_path),
        scan_args(desk=" loket2 ", keyboard=True, station="PC-7"),
        StationParts(clock=clock, say=said.append, stdin=io.StringIO(letter.code + "\n")),
    )
    assert status == 0
    assert said[0] == text("scan.desk_unknown", desk="LOKET2")
    assert [(s.desk, s.station) for s in scans_in(register)] == [("LOKET2", "PC-7")]


@pytest.mark.parametrize(
    "values", [{}, {"keyboard": True, "camera": 0}, {"images": ["x"], "keyboard": True}]
)
def test_scan_needs_exactly_one_source(tmp_path, values, capsys) -> None:
    assert run_station(settings_for(tmp_path), scan_args(**values)) == 2
    assert "pilih tepat satu sumber" in capsys.readouterr().err


def test_scan_register_unreachable_all_session_then_synced_once_in_order(
    tmp_path, register
) -> None:
    codes = [tracking_code.display(tracking_code.generate()) for _ in range(3)]
    said: list[str] = []
    offline = Register(UnreachableGrid(), clock)
    status = run_station(
        settings_for(tmp_path),
        scan_args(keyboard=True),
        StationParts(
            register=offline,
            clock=clock,
            say=said.append,
            stdin=io.StringIO("\n".join(codes) + "\n"),
            flush_seconds=0.3,
        ),
    )
    assert status == 0
    assert said[0].startswith("Perhatian: register tidak terjangkau (Google Sheets")
    assert said.count(text("scan.logged_register_unread", code=codes[0], desk="ASPEM")) == 1
    assert text("scan.summary", logged=3, synced=0, pending=3) in said
    assert scans_in(register) == []

    said.clear()  # the next morning the register is back
    status = run_station(
        settings_for(tmp_path),
        scan_args(keyboard=True),
        StationParts(clock=clock, say=said.append, stdin=io.StringIO("")),
    )
    assert status == 0
    assert [s.code for s in scans_in(register)] == codes
    assert said[-1] == text("scan.summary", logged=0, synced=0, pending=0)


class FakeCapture:
    def __init__(self, image: np.ndarray | None, frames: int) -> None:
        self.image, self.frames = image, frames

    def isOpened(self) -> bool:  # noqa: N802
        return self.image is not None

    def read(self):
        if self.frames <= 0:
            return False, None
        self.frames -= 1
        return True, self.image.copy()

    def release(self) -> None:
        pass


def test_scan_camera_missing_is_a_clear_error_without_a_loop(tmp_path, register) -> None:
    opened: list[int] = []

    def factory(index: int) -> FakeCapture:
        opened.append(index)
        return FakeCapture(None, 0)

    said: list[str] = []
    status = run_station(
        settings_for(tmp_path),
        scan_args(camera=3),
        StationParts(clock=clock, say=said.append, capture_factory=factory),
    )
    assert status == 1
    assert opened == [3]
    assert said == [text("scan.camera_missing", index=3)]  # not "ready" first, no summary
    assert "Kamera 3 tidak ditemukan" in said[-1]


def test_scan_camera_unplugged_mid_run(tmp_path, register, letter) -> None:
    image = sticker(tracking_code.normalise(letter.code))
    captures = [FakeCapture(image, 3)]
    opened: list[int] = []

    def factory(index: int) -> FakeCapture:
        opened.append(index)
        return captures.pop(0) if captures else FakeCapture(None, 0)

    said: list[str] = []
    slept: list[float] = []
    status = run_station(
        settings_for(tmp_path),
        scan_args(camera=0),
        StationParts(
            clock=clock, say=said.append, capture_factory=factory, camera_sleep=slept.append
        ),
    )
    assert status == 1
    assert said.count(text("scan.camera_lost", index=0)) == 1
    assert sum(line.startswith("Mencoba membuka kamera 0 lagi") for line in said) == 5
    assert text("scan.camera_gave_up", index=0, attempts=5) in said
    assert len(opened) == 6 and sum(s for s in slept if s >= 1) == 30
    assert [s.code for s in scans_in(register)] == [letter.code]  # flushed before exit
    assert said[-1] == text("scan.summary", logged=1, synced=1, pending=0)
    [proof] = (tmp_path / "data" / "bukti" / "2026-12-04").iterdir()
    assert proof.suffix == ".jpg"


def test_ctrl_c_ends_the_run_cleanly_and_releases_the_camera(tmp_path, register, letter) -> None:
    capture = FakeCapture(sticker(tracking_code.normalise(letter.code)), 100)
    released: list[bool] = []
    capture.release = lambda: released.append(True)
    frames = [0]

    def decode(image: np.ndarray) -> list[str]:
        frames[0] += 1
        if frames[0] == 2:
            raise KeyboardInterrupt  # the officer presses Ctrl+C while a frame is decoded
        return [tracking_code.normalise(letter.code)]

    spool, said = Spool(tmp_path / "state.sqlite3"), []
    station = make_station(register, spool, Ticker(), said, decode_frame=decode)
    frames_source = iter(CameraSource(0, capture_factory=lambda index: capture))
    station.run(frames_source)  # still referenced here: only an explicit close releases it
    assert released == [True] and frames[0] == 2
    assert spool.counts().total == 1


def test_station_texts_print_on_a_windows_console() -> None:
    for key, texts in MESSAGES.items():
        for lang in ("id", "en"):
            texts[lang].encode("cp1252")  # raises if a marker cannot be shown
        assert key.startswith("scan.")
