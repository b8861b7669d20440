"""``demo``: the whole pipeline on a temporary local register, with the ``log``
WhatsApp provider and an office clock that moves on by itself. No network, no
camera: stickers are rendered, "photographed" (turned, blurred, dimmed) and
decoded by the station pipeline at three desks."""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from app import commands
from app.bootstrap import build_register
from config.settings import RegisterSettings, Settings, StateSettings
from messages import text
from sitras_sheets.models import Desk, Letter

DESKS = (
    Desk("UMUM", "Bagian Umum", "Kepala Bagian Umum", "", "8"),
    Desk("ASPEM", "Asisten Pemerintahan dan Kesra", "Asisten I", "", "16"),
    Desk("SEKDA", "Sekretaris Daerah", "Sekretaris Daerah", "", "24"),
)
DEMO_LETTERS = (
    {
        "sender": "Siti Rahmawati",
        "phone": "0812-3456-7890",
        "subject": "Permohonan izin keramaian HUT desa",
        "org": "Pemerintah Desa Sumber",
        "number": "140/27/DS/XI/2026",
        "to": "ASPEM",
    },
    {
        "sender": "Budi Santoso",
        "phone": "+62 857 1122 3344",
        "subject": 'Undangan rapat koordinasi =IMPORTXML("http://x","//a")',
        "org": "Dinas Pendidikan",
        "number": "005/1182/Disdik",
        "to": "SEKDA",
    },
    {
        "sender": "CV Maju Jaya",
        "phone": "6281398765432",
        "subject": "Penawaran kerja sama pengadaan",
        "org": "",
        "number": "",
        "to": "UMUM",
    },
)
# Which letters each desk sees, in the order they travel; (letter index, angle°).
ROUTE = (
    ("UMUM", ((0, 0.0), (1, 37.0), (2, 200.0))),
    ("ASPEM", ((0, 95.0),)),
    ("SEKDA", ((1, 310.0),)),
)


@dataclass
class DemoClock:
    """Office time that only moves when the demo says so (a Monday morning)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def command(settings: Settings, args: argparse.Namespace) -> int:
    return run_demo(settings)


def run_demo(settings: Settings) -> int:
    with tempfile.TemporaryDirectory(prefix="sitras-demo-") as name:
        folder = Path(name)
        settings = replace(
            settings,
            register=RegisterSettings(backend="local", path=str(folder / "register.sqlite3")),
            state=StateSettings(path=str(folder / "state.sqlite3")),
            whatsapp=replace(settings.whatsapp, provider="log", quiet_hours=""),
        )
        zone = ZoneInfo(settings.office.timezone)
        clock = DemoClock(datetime(2026, 12, 7, 7, 45, tzinfo=zone))
        _run(settings, folder, clock)
    return 0


def _run(settings: Settings, folder: Path, clock: DemoClock) -> None:
    from jobs.commands import build_notifier

    register = build_register(settings, clock=clock)
    _heading("demo.init")
    commands.init(register, argparse.Namespace())
    register.add_desks(DESKS)
    notifier = build_notifier(settings, register=register, clock=clock)
    try:
        notifier.once()  # the baseline: an existing register sends nothing

        _heading("demo.loket")
        letters = [_register(register, settings, folder, values) for values in DEMO_LETTERS]
        _notify(notifier, clock)

        for desk, visits in ROUTE:
            _heading("demo.desk", desk=desk)
            _scan_at(settings, register, clock, folder, desk, [(letters[i], a) for i, a in visits])
            _notify(notifier, clock)

        _heading("demo.clerk")
        _update(register, letters[0], "Didisposisi", "Asisten Pemerintahan: untuk ditindaklanjuti")
        _update(register, letters[2], "Ditolak", None)
        _notify(notifier, clock)

        _heading("demo.track")
        for letter in letters:
            commands.track(register, argparse.Namespace(code=letter.code))
            print()
    finally:
        notifier.close()


def _heading(key: str, **values: str) -> None:
    print(f"\n== {text(key, **values)} ==", flush=True)


def _register(register, settings: Settings, folder: Path, values: dict) -> Letter:
    receipt = folder / f"tanda-terima-{len(list(folder.glob('*.pdf'))) + 1}.pdf"
    args = argparse.Namespace(receipt=str(receipt), layout="a4", **values)
    return commands.register_letter(register, args, settings)


def _notify(notifier, clock: DemoClock) -> None:
    """The scheduler's cycle, twice a minute apart (pacing spaces messages to
    one number by 6 s), as ``run`` would do on its own."""
    for _ in range(2):
        clock.advance(minutes=1)
        notifier.once()


def _scan_at(settings, register, clock, folder: Path, desk: str, visits) -> None:
    """Photograph each letter's sticker as a webcam would and run the station."""
    import cv2

    from scanner.frames import make_frame
    from scanner.station_cli import StationParts, run_station

    shots = folder / f"kamera-{desk}"
    shots.mkdir()
    for n, (letter, angle) in enumerate(visits):
        frame = make_frame("both", "medium", seed=n, angle=angle, code=_bare(letter.code))
        cv2.imwrite(str(shots / f"{n:02d}.jpg"), frame.image)
        clock.advance(minutes=20)
    args = argparse.Namespace(
        desk=desk,
        images=[str(shots)],
        camera=None,
        keyboard=False,
        officer="Petugas Demo",
        station=f"stasiun-{desk.lower()}",
    )
    run_station(settings, args, StationParts(register=register, clock=clock))


def _update(register, letter: Letter, status: str, disposition: str | None) -> None:
    args = argparse.Namespace(code=letter.code, status=status, disposition=disposition, note=None)
    commands.update(register, args)


def _bare(code: str) -> str:
    return code.replace("-", "")
