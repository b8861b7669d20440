"""``demo``: the pipeline on a temporary local register, no network, no camera."""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

from app import commands
from app.bootstrap import build_register
from config.settings import RegisterSettings, Settings, StateSettings

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
        "to": "ASEKBANG",
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


def run_demo(settings: Settings) -> int:
    with tempfile.TemporaryDirectory(prefix="sitras-demo-") as folder:
        settings = replace(
            settings,
            register=RegisterSettings(backend="local", path=str(Path(folder, "register.sqlite3"))),
            state=StateSettings(path=str(Path(folder, "state.sqlite3"))),
        )
        register = build_register(settings)
        print("== init ==")
        commands.init(register, argparse.Namespace())
        print("\n== register (loket) ==")
        letters = []
        for values in DEMO_LETTERS:
            args = argparse.Namespace(receipt=None, **values)
            letters.append(commands.register_letter(register, args))
        print("\n== update (meja) ==")
        commands.update(
            register,
            argparse.Namespace(
                code=letters[0].code,
                status="Didisposisi",
                disposition="Asisten Pemerintahan: untuk ditindaklanjuti",
                note=None,
            ),
        )
        print("\n== track ==")
        for letter in letters:
            commands.track(register, argparse.Namespace(code=letter.code))
            print()
    return 0
