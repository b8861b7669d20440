"""Quota benchmark: the Sheets and Drive requests of the notifier's sync tick,
counted in the Sheets double's request log (real gspread stack over HTTP).

    .venv/bin/python benchmarks/bench_quota.py [--ticks 100] [--changes 10] [--letters 200]

Runs ``--ticks`` sync ticks at the default 15-second interval (simulated time)
with ``--changes`` scans appended by a station at random ticks, the provider
answering at once. Prints the requests of each kind of tick, the totals and the
per-minute rate, then the arithmetic of 10 stations + the notifier against the
budget of 30 requests per minute per user (one service account)."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sheets_double import SheetsDouble  # noqa: E402

from config.settings import SchedulerSettings  # noqa: E402
from jobs.delivery import Deliverer  # noqa: E402
from jobs.message_catalogue import compose  # noqa: E402
from jobs.messaging import OutboundMessage, Outcome, SendResult  # noqa: E402
from jobs.state import StateStore  # noqa: E402
from jobs.sync import SyncJob  # noqa: E402
from sitras_sheets.google_grid import RetryPolicy, connect  # noqa: E402
from sitras_sheets.models import Desk, Letter, Scan  # noqa: E402
from sitras_sheets.register import Register  # noqa: E402
from sitras_sheets.schema import MEJA  # noqa: E402

ZONE = ZoneInfo("Asia/Jakarta")
BUDGET = 30  # requests per minute per user, the goal
STATION_CACHE_SECONDS = 120  # scanner.station.LetterCache.refresh_seconds


class Instant:
    name = "instant"

    def send(self, message: OutboundMessage) -> SendResult:
        return SendResult(Outcome.SENT, message_id=f"wamid.{message.message_key[:8]}")


class Time:
    def __init__(self) -> None:
        self.wall = datetime(2026, 12, 7, 9, 0, tzinfo=ZONE)
        self.mono = 1000.0

    def clock(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


def kind_of(entry) -> str:
    if entry.endpoint == "values.batchGet":
        ranges = entry.params.get("ranges", [])
        if all(r.endswith("!1:1") for r in ranges):
            return "header-row read"
    return entry.endpoint


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ticks", type=int, default=100)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    poll = SchedulerSettings().poll_seconds
    full_read = SchedulerSettings().full_read_seconds
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="sitras-quota-"))

    double = SheetsDouble()
    double.add_spreadsheet("bench")
    retry = RetryPolicy(attempts=2, multiplier=0.001, max_wait=0.002, jitter=0.001)
    key = double.service_account_file(folder / "sa.json")
    time = Time()
    notifier_grid = connect("bench", key, session=double.session(), retry=retry)
    register = Register(notifier_grid, time.clock, monotonic=time.monotonic)
    register.init()
    station = Register(
        connect("bench", key, session=double.session(), retry=retry),
        time.clock,
        monotonic=time.monotonic,
    )
    desks = [Desk("ASPEM", "Asisten Pemerintahan", "Kasubag TU", "0813-1111-2222", "8")]
    notifier_grid.append_rows(MEJA.name, [list(d.to_record().values()) for d in desks])
    codes = [
        station.add_letter(
            Letter(sender=f"P{n}", subject=f"Perihal {n}", whatsapp=f"0812-{7000 + n:04d}-{n:04d}")
        ).code
        for n in range(args.letters)
    ]
    store = StateStore(folder / "state.sqlite3")
    deliverer = Deliverer(store, Instant(), clock=time.clock, compose=compose)
    sync = SyncJob(
        register,
        store,
        clock=time.clock,
        full_read_seconds=full_read,
        deliver=deliverer.run,
        monotonic=time.monotonic,
    )
    sync.tick()  # baseline, not counted
    time.advance(poll)
    sync.tick()

    change_ticks = set(rng.sample(range(args.ticks), args.changes))
    by_type: dict[str, list[Counter[str]]] = defaultdict(list)
    totals: Counter[str] = Counter()
    station_requests: Counter[str] = Counter()
    last = "changed"
    for tick in range(args.ticks):
        time.advance(poll)
        if tick in change_ticks:
            mark = double.mark()
            code = rng.choice(codes)
            scan_id = f"01BENCH{tick:06d}"
            station.append_scans(
                [Scan(scan_id, time.wall.strftime("%Y-%m-%d %H:%M"), code, "ASPEM")]
            )
            station_requests.update(kind_of(e) for e in double.requests[mark:])
        mark = double.mark()
        report = sync.tick()
        seen = Counter(kind_of(e) for e in double.requests[mark:])
        totals.update(seen)
        if report.skipped:
            kind = "idle (skipped)"
        elif report.events:
            kind = "changed"
        elif last == "changed":
            kind = "after own write"
        else:
            kind = f"full read (every {full_read} s)"
        last = "changed" if report.events else kind
        by_type[kind].append(seen)

    minutes = args.ticks * poll / 60
    print(f"{args.ticks} ticks at {poll} s = {minutes:.0f} min, {args.changes} changes (scans)")
    print(f"{'tick':32} {'n':>3}  requests per tick (Sheets unless drive.*)")
    for kind, samples in by_type.items():
        merged = Counter()
        for sample in samples:
            merged.update(sample)
        mean = ", ".join(
            f"{name} {count / len(samples):g}" for name, count in sorted(merged.items())
        )
        print(f"{kind:32} {len(samples):3}  {mean}")
    sheets = sum(count for name, count in totals.items() if not name.startswith("drive."))
    print(f"totals: {dict(sorted(totals.items()))}")
    print(f"notifier Sheets requests: {sheets} in {minutes:.0f} min = {sheets / minutes:.2f}/min")
    per_scan = sum(station_requests.values()) / max(args.changes, 1)
    print(f"station per scan appended: {dict(station_requests)} = {per_scan:g} request(s)")

    # -- the arithmetic ---------------------------------------------------------------
    ticks = 60 / poll
    changed = by_type.get("changed") or [Counter()]
    per_changed = sum(sum(c.values()) - c["drive.files.get"] for c in changed) / len(changed)
    busiest_notifier = ticks * per_changed
    idle_notifier = 60 / full_read
    stations = 10
    cache_reads = stations * 60 / STATION_CACHE_SECONDS
    print()
    print("Budget: 30 Sheets requests/min per user; all processes share one service account.")
    print(f"notifier idle: {idle_notifier:g}/min (one full read every {full_read} s)")
    print(
        f"notifier busiest (a change every tick): {ticks:g} ticks × {per_changed:g} = "
        f"{busiest_notifier:g}/min"
    )
    print(f"10 stations' letter-cache reads: {cache_reads:g}/min (every {STATION_CACHE_SECONDS} s)")
    for scans in (1, 2, 4, 6):
        total = busiest_notifier + cache_reads + scans * per_scan
        verdict = "under" if total < BUDGET else "OVER"
        print(
            f"  {scans} scans/min in the office: notifier ≤{busiest_notifier:g} + stations "
            f"{cache_reads:g} + {scans}×{per_scan:g} = {total:g}/min ({verdict} {BUDGET})"
        )
    headroom = (BUDGET - busiest_notifier - cache_reads) / per_scan
    print(f"  → under {BUDGET}/min up to {headroom:.1f} scans/min with the notifier at its busiest")


if __name__ == "__main__":
    main()
