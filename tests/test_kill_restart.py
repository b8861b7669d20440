"""``main.py run`` killed with SIGKILL at random moments while clerks and
stations keep working, restarted each time: at the end every change reached its
sender, and a message went out twice only when the process died between the
provider's answer and the commit of the outcome (counted as ``resent``).

The provider is the log provider, which appends one JSON line per message to
``whatsapp-log.jsonl`` next to the state file. Set SITRAS_KILL_SEED to replay."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from sitras_sheets import tracking_code
from sitras_sheets.local_grid import LocalGrid
from sitras_sheets.models import Letter, Scan
from sitras_sheets.register import Register
from tests.test_sync import OFFICE

ROOT = Path(__file__).parents[1]
LETTERS = 90  # × (receipt + 2 moves + status) ≈ 360 events
KILLS = 22

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX"),
]


def now() -> datetime:
    return datetime.now(OFFICE)


class Clerks:
    """The loket, a clerk and two stations, working in their own thread."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.register = Register(LocalGrid(path), now, index_max_age=-1)
        self.rng = rng
        self.codes: list[str] = []
        self.done = threading.Event()
        self.error: BaseException | None = None

    def work(self) -> None:
        try:
            self._work()
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            self.done.set()

    def _work(self) -> None:
        for number in range(LETTERS):
            letter = self.register.add_letter(
                Letter(
                    sender=f"Pengirim {number}",
                    subject=f"Perihal {number}",
                    whatsapp=f"0812-{7000 + number:04d}-{number:04d}",
                )
            )
            self.codes.append(letter.code)
            time.sleep(self.rng.uniform(0.0, 0.08))
        for step, desk in enumerate(("ASPEM", "UMUM")):
            for index, code in enumerate(self.codes):
                stamp = now().strftime("%Y-%m-%d %H:%M")
                scan_id = f"01K{step}{index:05d}{self.rng.randrange(10**6):06d}"
                self.register.append_scans([Scan(scan_id, stamp, code, desk, "Petugas", "S1")])
                time.sleep(self.rng.uniform(0.0, 0.05))
        for code in self.codes:
            key = tracking_code.normalise(code)
            assert (
                self.register.update_letters({key: {"status": "Diproses"}}, allowed=("status",))
                == []
            )
            time.sleep(self.rng.uniform(0.0, 0.05))


def test_kill_and_restart_loses_nothing(tmp_path, capsys):
    seed = int(os.environ.get("SITRAS_KILL_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    config = tmp_path / "sitras.toml"
    config.write_text(
        f"[register]\npath = {str(tmp_path / 'register.sqlite3')!r}\n"
        f"[state]\npath = {str(tmp_path / 'state.sqlite3')!r}\n"
        '[whatsapp]\nquiet_hours = ""\n'
        "[scheduler]\npoll_seconds = 1\n"
    )
    argv = [sys.executable, str(ROOT / "main.py"), "--config", str(config)]
    subprocess.run([*argv, "init"], check=True, capture_output=True)
    grid = LocalGrid(tmp_path / "register.sqlite3")
    grid.append_rows(
        "Meja",
        [
            ["ASPEM", "Asisten Pemerintahan", "Kasubag TU", "0813-1111-2222", "8"],
            ["UMUM", "Bagian Umum", "Kabag Umum", "0813-3333-4444", "16"],
        ],
    )
    subprocess.run([*argv, "run", "--once"], check=True, capture_output=True)  # baseline
    errors = open(tmp_path / "run.err", "ab")  # noqa: SIM115 (shared by every run)
    clerks = Clerks(tmp_path / "register.sqlite3", random.Random(seed + 1))
    worker = threading.Thread(target=clerks.work, daemon=True)
    started = time.monotonic()
    worker.start()
    kills = 0
    while kills < KILLS or not clerks.done.is_set():
        process = subprocess.Popen([*argv, "run"], stdout=subprocess.DEVNULL, stderr=errors)
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += 1
    assert clerks.error is None, clerks.error
    final = subprocess.Popen([*argv, "run"], stdout=subprocess.DEVNULL, stderr=errors)
    state = tmp_path / "state.sqlite3"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(1)
            if _unsent(state) == 0 and _complete(tmp_path, clerks.codes):
                break
        final.send_signal(signal.SIGTERM)
        assert final.wait(timeout=30) == 0
    finally:
        if final.poll() is None:
            final.kill()
        errors.close()

    lines = [
        json.loads(line) for line in (tmp_path / "whatsapp-log.jsonl").read_text().splitlines()
    ]
    delivered = Counter(line["message_key"] for line in lines)
    duplicates = sum(count - 1 for count in delivered.values())
    with sqlite3.connect(state) as db:
        outbox = dict(db.execute("SELECT state, COUNT(*) FROM outbox_messages GROUP BY state"))
        resent = db.execute("SELECT COALESCE(SUM(resent), 0) FROM outbox_messages").fetchone()[0]
        sent_keys = {
            row[0] for row in db.execute("SELECT id FROM outbox_messages WHERE state = 'sent'")
        }
    summary = {
        "seed": seed,
        "kills": kills,
        "events": sum(outbox.values()),
        "outbox": outbox,
        "deliveries": len(lines),
        "duplicates": duplicates,
        "possibly_sent_recovered": resent,
        "seconds": round(time.monotonic() - started, 1),
    }
    with capsys.disabled():
        print("\nkill test:", json.dumps(summary))
    assert _missing(tmp_path, clerks.codes) == []
    assert set(outbox) <= {"sent", "merged"}, outbox
    assert sent_keys <= set(delivered)
    assert duplicates <= resent  # each duplicate died between the request and its commit


def _unsent(state: Path) -> int:
    try:
        with sqlite3.connect(state, timeout=5) as db:
            return db.execute(
                "SELECT COUNT(*) FROM outbox_messages WHERE state NOT IN ('sent', 'merged')"
            ).fetchone()[0]
    except sqlite3.Error:
        return -1


def _complete(folder: Path, codes: list[str]) -> bool:
    return not _missing(folder, codes)


def _missing(folder: Path, codes: list[str]) -> list[tuple[str, str]]:
    """What each sender must have had, by the sheet's final state: the receipt,
    the last desk, the last status."""
    log = folder / "whatsapp-log.jsonl"
    seen = set()
    if log.exists():
        for line in log.read_text().splitlines():
            message = json.loads(line)
            parameters = message["parameters"]
            if message["event"] == "diterima":
                seen.add((parameters[0], "diterima"))
            elif message["event"] == "pindah":
                seen.add((parameters[3], f"pindah {parameters[0]}"))
            elif message["event"] == "status":
                seen.add((parameters[1], f"status {parameters[0]}"))
    wanted = [
        (code, what)
        for code in codes
        for what in ("diterima", "pindah Bagian Umum", "status Diproses")
    ]
    return [item for item in wanted if item not in seen]
