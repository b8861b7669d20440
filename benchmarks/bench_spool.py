"""Spool benchmark: scan → spool commit latency, and sync throughput to the
local register.

    .venv/bin/python benchmarks/bench_spool.py [--scans 1000] [--dir PATH]

Latency is measured on a real file (WAL, synchronous=FULL): ``Spool.add`` alone,
and a whole typed scan through ``Station.handle`` (interpret, debounce, commit,
cached subject lookup, feedback). Goal: p95 ≤ 50 ms. Throughput: every pending
scan sent to a ``LocalGrid`` register in batches, first normally, then again
after a simulated crash (all rows in ``sending``, so each batch is verified)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner.debounce import Debouncer  # noqa: E402
from scanner.sources import TypedLine  # noqa: E402
from scanner.spool import Spool, flush, new_scan_id  # noqa: E402
from scanner.station import LetterCache, Station  # noqa: E402
from sitras_sheets import tracking_code  # noqa: E402
from sitras_sheets.local_grid import LocalGrid  # noqa: E402
from sitras_sheets.models import Letter, Scan  # noqa: E402
from sitras_sheets.register import Register  # noqa: E402

ZONE = ZoneInfo("Asia/Jakarta")


def clock() -> datetime:
    return datetime.now(ZONE)


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    cuts = statistics.quantiles(ms, n=100)
    return (
        f"p50 {cuts[49]:.2f} ms  p95 {cuts[94]:.2f} ms  p99 {cuts[98]:.2f} ms  max {ms[-1]:.2f} ms"
    )


def bench_add(folder: Path, count: int) -> None:
    spool = Spool(folder / "add.sqlite3")
    samples = []
    for n in range(count):
        scan = Scan(new_scan_id(), "2026-12-04 09:30", "7K2M-9QXD-4TR3", "ASPEM", "Budi", f"S{n}")
        start = time.perf_counter()
        spool.add(scan)
        samples.append(time.perf_counter() - start)
    spool.close()
    print(f"Spool.add            n={count}: {percentiles(samples)}")


def bench_station(folder: Path, count: int) -> None:
    register = Register(LocalGrid(folder / "register.sqlite3"), clock)
    register.init()
    codes = [register.add_letter(Letter(subject=f"Surat {n}")).code for n in range(50)]
    letters = LetterCache(register)
    letters.load(register.read())
    station = Station(
        desk="ASPEM",
        spool=Spool(folder / "station.sqlite3"),
        letters=letters,
        clock=clock,
        station_id="BENCH",
        debouncer=Debouncer(hold_seconds=0, quiet_seconds=0),
        say=lambda line: None,
    )
    samples = []
    for n in range(count):
        line = TypedLine(f"]C0{codes[n % len(codes)]}\r")
        start = time.perf_counter()
        station.handle(line)
        samples.append(time.perf_counter() - start)
    print(f"Station.handle (typed) n={count}: {percentiles(samples)}")


def bench_sync(folder: Path, count: int) -> None:
    register = Register(LocalGrid(folder / "sync-register.sqlite3"), clock)
    register.init()
    spool = Spool(folder / "sync.sqlite3")
    for _ in range(count):
        code = tracking_code.display(tracking_code.generate())
        spool.add(Scan(new_scan_id(), "2026-12-04 09:30", code, "ASPEM", "Budi", "BENCH"))
    start = time.perf_counter()
    left = flush(spool, register, timeout=600)
    elapsed = time.perf_counter() - start
    print(
        f"sync to LocalGrid    n={count}: {elapsed:.2f} s, {count / elapsed:.0f} scans/s "
        f"(batches of 200; left {left.pending})"
    )
    spool._db.execute("UPDATE spool_scans SET state = 'sending'")  # as after a crash
    start = time.perf_counter()
    flush(spool, register, timeout=600)
    elapsed = time.perf_counter() - start
    rows = len(register.read().scans)
    print(
        f"re-sync with verify  n={count}: {elapsed:.2f} s, {count / elapsed:.0f} scans/s "
        f"(register rows {rows}, expected {count})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--dir", help="folder for the files (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sitras-bench-", dir=args.dir) as folder:
        bench_add(Path(folder), args.scans)
        bench_station(Path(folder), args.scans)
        bench_sync(Path(folder), args.scans)


if __name__ == "__main__":
    main()
