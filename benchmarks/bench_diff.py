"""Diff benchmark: the notifier's pure core on a large register, against the
time ``json.loads`` takes on the same ``values.batchGet`` response.

    .venv/bin/python benchmarks/bench_diff.py [--letters 100000] [--scans 500000]

Builds the batchGet JSON Google would return for Surat, Pindai and Meja, then
times (best of ``--repeat``), for the first read (the whole scan log) and for a
steady read (the scan log from the last row seen on, as the sync reads it):
  json.loads           the response text → Python lists
  Register parsing     header mapping, Letter/Scan objects, keys, problems
  diff (baseline)      no previous snapshot (first read)
  diff (steady)        the previous snapshot, 10 status changes and 10 new scans
  diff (idle)          the previous snapshot, nothing changed
  write-back plan      sheet_updates after the steady diff
and the peak memory (tracemalloc) of each step, run once more on its own.
Goal: the diff ≤ 1.0 × json.loads, every tick (steady, idle) and the first
one (baseline, once per deployment). The diff pauses the cyclic garbage
collector while it runs (``sitras_sheets.bulk``); json.loads is timed as is."""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jobs.diff import Snapshot, diff, sheet_updates  # noqa: E402
from sitras_sheets import tracking_code  # noqa: E402
from sitras_sheets.register import Register  # noqa: E402
from sitras_sheets.schema import MEJA, NOTIFIKASI, PINDAI, SURAT  # noqa: E402

ZONE = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZONE)
DESKS = ("LOKET", "ASPEM", "ASEKBANG", "ASADM", "UMUM", "HUKUM", "ORGANISASI", "KESRA")
STATUSES = ("Diterima", "Diproses", "Didisposisi", "Selesai")


def ulid(rng: random.Random, millis: int) -> str:
    alphabet = tracking_code.ALPHABET
    value = (millis << 80) | rng.getrandbits(80)
    return "".join(alphabet[(value >> shift) & 31] for shift in range(125, -1, -5))


def build_values(letters: int, scans: int, seed: int = 7) -> dict[str, list[list[str]]]:
    rng = random.Random(seed)
    codes = [tracking_code.display(tracking_code.generate(rng.randrange)) for _ in range(letters)]
    surat = [list(SURAT.headers)]
    for n, code in enumerate(codes):
        surat.append(
            [
                code,
                f"2026-{1 + n % 11:02d}-{1 + n % 28:02d} 08:{n % 60:02d}",
                f"{n % 900 + 100}/{n:05d}/Setda/XI/2026",
                f"Permohonan izin kegiatan nomor {n} di Kecamatan Sumber",
                f"Pengirim Nomor {n}",
                "Pemerintah Desa Sumber" if n % 3 else "",
                f"0812-{3000 + n % 7000:04d}-{n % 10000:04d}",
                DESKS[n % len(DESKS)],
                "Asisten Pemerintahan: untuk ditindaklanjuti" if n % 4 == 0 else "",
                STATUSES[n % len(STATUSES)],
                "",  # Posisi and Penanggung Jawab: set below from the scans
                "",
                "2026-12-01 10:00",
                "Terkirim 2/2",
                "",
            ]
        )
    pindai = [list(PINDAI.headers)]
    base = 1_795_000_000_000
    for n in range(scans):
        millis = base + n * 1000
        when = datetime.fromtimestamp(millis / 1000, ZONE).strftime("%Y-%m-%d %H:%M")
        pindai.append(
            [
                ulid(rng, millis),
                when,
                codes[rng.randrange(letters)],
                rng.choice(DESKS),
                "Budi",
                "S1",
                "",
            ]
        )
    latest: dict[str, list[str]] = {}
    for row in pindai[1:]:  # the sheet as the notifier left it: Posisi = the latest scan
        seen = latest.get(row[2])
        if seen is None or (row[1], row[0]) > (seen[1], seen[0]):
            latest[row[2]] = row
    for row in surat[1:]:
        desk = latest[row[0]][3] if row[0] in latest else ""
        row[10], row[11] = desk, f"Kepala {desk.title()}" if desk else ""
    meja = [list(MEJA.headers)] + [
        [desk, f"Bagian {desk.title()}", f"Kepala {desk.title()}", "0813-1111-2222", "16"]
        for desk in DESKS
    ]
    notifikasi = [list(NOTIFIKASI.headers)]  # the read brings this header row only
    return {SURAT.name: surat, PINDAI.name: pindai, MEJA.name: meja, NOTIFIKASI.name: notifikasi}


def batch_get_text(values: dict[str, list[list[str]]]) -> str:
    ranges = [
        {"range": f"'{tab}'!A1:Z{len(rows)}", "majorDimension": "ROWS", "values": rows}
        for tab, rows in values.items()
    ]
    return json.dumps({"spreadsheetId": "1Sitras", "valueRanges": ranges})


class FixedGrid:
    def __init__(self, values: dict[str, list[list[str]]]) -> None:
        self.values = values

    def read(self, tabs, header_only=(), tails=None):
        whole = {tab: self.values[tab] for tab in tabs}
        ends = {
            tab: self.values[tab][:1] + self.values[tab][tail.first_row - 1 :]
            for tab, tail in (tails or {}).items()
        }
        return whole | ends | {tab: self.values[tab][:1] for tab in header_only}


def timed(label: str, action: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak(action: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    action()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--scans", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    values = build_values(args.letters, args.scans)
    text = batch_get_text(values)
    register = Register(FixedGrid(values), lambda: NOW)
    print(
        f"{args.letters} letters, {args.scans} scans; batchGet response {len(text) / 2**20:.1f} MiB"
    )

    loads, _ = timed("json.loads", lambda: json.loads(text), args.repeat)
    parse, current = timed("Register.read", register.read, args.repeat)
    baseline, first = timed("diff baseline", lambda: diff(None, current, now=NOW), args.repeat)
    previous = Snapshot()
    previous.apply(first)

    rng = random.Random(3)
    changed = {
        k: [list(row) for row in v] if k != PINDAI.name else list(v) for k, v in values.items()
    }
    surat = changed[SURAT.name]
    for row in rng.sample(surat[1:], 10):
        row[9] = "Dikembalikan"
    millis = 1_796_000_000_000
    for n in range(10):
        code = surat[1 + rng.randrange(args.letters)][0]
        changed[PINDAI.name].append(
            [ulid(rng, millis + n), "2026-12-07 09:00", code, "KESRA", "Ani", "S2", ""]
        )
    # The sync reads the scan log from the last row it saw on (checked, then the new rows).
    mark = current.scan_mark
    steady_register = Register(FixedGrid(changed), lambda: NOW)
    tail_parse, steady_now = timed(
        "Register.read tail", lambda: steady_register.read(scans_after=mark), args.repeat
    )
    assert not steady_now.scan_log_whole and len(steady_now.scans) == 11
    tail_text = batch_get_text(
        {k: v for k, v in changed.items() if k != PINDAI.name}
        | {PINDAI.name: changed[PINDAI.name][:1] + changed[PINDAI.name][mark.row - 1 :]}
    )
    tail_loads, _ = timed("json.loads tail", lambda: json.loads(tail_text), args.repeat)
    steady, changes = timed("diff steady", lambda: diff(previous, steady_now, now=NOW), args.repeat)
    idle_now = register.read(scans_after=mark)  # nothing new below the mark
    idle, nothing = timed("diff idle", lambda: diff(previous, idle_now, now=NOW), args.repeat)
    after = Snapshot(
        dict(previous.letters),
        dict(previous.positions),
        set(previous.scan_ids),
        dict(previous.desks),
        dict(previous.pending),
    )
    after.apply(changes)  # as the sync does before it plans the write-back
    plan, updates = timed(
        "sheet_updates", lambda: sheet_updates(steady_now, after, changes), args.repeat
    )
    assert not nothing.events and len(changes.events) >= 10

    first, steady_read = "first read: whole log", "steady read: log from the mark"
    rows = [
        (first, "json.loads (batchGet response)", loads, lambda: json.loads(text)),
        (first, "Register.read parsing (not the diff)", parse, register.read),
        (first, "diff, baseline (no snapshot)", baseline, lambda: diff(None, current, now=NOW)),
        (steady_read, "json.loads (batchGet response)", tail_loads, lambda: json.loads(tail_text)),
        (
            steady_read,
            "Register.read parsing (not the diff)",
            tail_parse,
            lambda: steady_register.read(scans_after=mark),
        ),
        (
            steady_read,
            "diff, steady (10 status + 10 scans)",
            steady,
            lambda: diff(previous, steady_now, now=NOW),
        ),
        (
            steady_read,
            "diff, idle (nothing changed)",
            idle,
            lambda: diff(previous, current, now=NOW),
        ),
        (
            steady_read,
            "write-back plan (sheet_updates)",
            plan,
            lambda: sheet_updates(steady_now, after, changes),
        ),
    ]
    size = {first: len(text), steady_read: len(tail_text)}
    reference = {first: loads, steady_read: tail_loads}
    print(f"{'step':40} {'seconds':>8} {'× loads':>8} {'peak MiB':>9}")
    for group in (first, steady_read):
        print(f"-- {group} (batchGet response {size[group] / 2**20:.1f} MiB)")
        for label, seconds, action in (row[1:] for row in rows if row[0] == group):
            ratio = seconds / reference[group]
            print(f"{label:40} {seconds:8.3f} {ratio:8.2f} {peak(action):9.1f}")
    print(
        f"steady diff: {len(changes.events)} events, {len(updates)} rows to write; "
        f"snapshot: {len(previous.letters)} letters, {len(previous.scan_ids)} scan ids"
    )
    for label, seconds, against in (("steady", steady, tail_loads), ("baseline", baseline, loads)):
        verdict = "met" if seconds <= against else "NOT met"
        print(f"goal diff ({label}) ≤ 1.0 × json.loads: {verdict} ({seconds / against:.2f}×)")


if __name__ == "__main__":
    main()
