"""How long ``Register.read()`` takes on a big ``Surat`` tab, and how much memory
it needs, on both backends:

* google – end to end through the real gspread client and google-auth, served
  by the in-process Sheets double (tests/sheets_double.py): JSON encoding and
  decoding of the whole tab are included, the network is not;
* local  – the embedded SQLite register.

    .venv/bin/python benchmarks/bench_register_read.py [--rows 100000] [--runs 5]

``grid.read`` is the backend alone (one request: every cell as text);
``Register.read`` adds mapping rows to letters (the three tabs the sync reads).
Time is the median of ``--runs`` reads after one warm-up read. Peak memory is
tracemalloc's peak during one more read; for google it includes the double's
side (the JSON answer it builds), which a real deployment does not hold."""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from sheets_double import SheetsDouble  # noqa: E402

from sitras_sheets import tracking_code  # noqa: E402
from sitras_sheets.google_grid import connect  # noqa: E402
from sitras_sheets.local_grid import LocalGrid  # noqa: E402
from sitras_sheets.register import Register  # noqa: E402
from sitras_sheets.schema import SURAT  # noqa: E402


def clock() -> datetime:
    return datetime(2025, 1, 6, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))


def surat_rows(count: int) -> list[list[str]]:
    """Letters as a busy office would have them: every column filled."""
    randbelow = random.Random(20250106).randrange
    rows = []
    for number in range(count):
        code = tracking_code.display(tracking_code.generate(randbelow))
        rows.append(
            [
                code,
                "2025-01-06 09:30",
                f"000.{number % 999}/{number}/Setda/2025",
                f"Permohonan data kependudukan nomor {number}",
                f"Pengirim {number}",
                "Dinas Kependudukan dan Pencatatan Sipil",
                "0812-3456-7890",
                "ASPEM",
                "Asisten Pemerintahan: untuk ditindaklanjuti",
                "Diproses",
                "BAGUM",
                "Sari Wulandari",
                "2025-01-07 10:15",
                "Terkirim 3/3",
                "",
            ]
        )
    return rows


def google_register(folder: Path, rows: list[list[str]]) -> tuple[Register, SheetsDouble]:
    double = SheetsDouble()
    book = double.add_spreadsheet("bench")
    key_file = double.service_account_file(folder / "sa.json")
    register = Register(connect("bench", key_file, session=double.session()), clock)
    register.init()
    book.tab(SURAT.name).load(rows, first_row=2)
    double.clear_log()
    return register, double


def local_register(folder: Path, rows: list[list[str]]) -> Register:
    path = folder / "register.sqlite3"
    register = Register(LocalGrid(path), clock)
    register.init()
    marks = ", ".join("?" for _ in SURAT.headers)
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(f'INSERT INTO "{SURAT.name}" VALUES ({marks})', rows)
    connection.close()
    return register


def measure(read: Callable[[], int], args: argparse.Namespace) -> tuple[float, float]:
    """(median ms, peak MiB) of ``read``, which returns how many rows it got."""
    assert read() == args.rows  # warm-up (and the token, for google)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        assert read() == args.rows
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    read()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    rows = surat_rows(args.rows)
    tabs = [SURAT.name]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        google, double = google_register(Path(folder), rows)
        local = local_register(Path(folder), rows)
        for name, register in (("google (double)", google), ("local (SQLite)", local)):
            fetched = measure(lambda r=register: len(r.grid.read(tabs)[SURAT.name]) - 1, args)
            mapped = measure(lambda r=register: len(r.read().letters), args)
            results.append((name, fetched, mapped))
        batch_gets = double.count("values.batchGet")
    print(f"Register on a {args.rows:,}-row Surat tab; median of {args.runs} runs")
    heading = ("grid.read ms", "peak MiB", "Register.read ms", "peak MiB")
    print(f"{'backend':<17}{heading[0]:>14}{heading[1]:>10}{heading[2]:>18}{heading[3]:>10}")
    for name, (fetch_ms, fetch_peak), (map_ms, map_peak) in results:
        print(f"{name:<17}{fetch_ms:>14.0f}{fetch_peak:>10.1f}{map_ms:>18.0f}{map_peak:>10.1f}")
    reads = 2 * (args.runs + 2)
    print(f"google: {batch_gets} values.batchGet for {reads} reads (one per read)")


if __name__ == "__main__":
    main()
