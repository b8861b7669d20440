"""Drive version lag: what the sync measures, and what a lag costs.

    .venv/bin/python benchmarks/bench_drive_lag.py [--lags 0,10,40,90,300] [--minutes 60]

The sync skips the sheet while Drive's ``version`` is unchanged, and Drive's
metadata has been reported to lag behind edits. Real Google is not reachable
here, so this runs the real sync (gspread over HTTP) on the Sheets double made
to show its version ``lag`` seconds late, in simulated time: ticks every
``poll_seconds``, a station scan every 187 s, in mid-interval. For each lag it prints

* the lag the sync measured after its own writes (``VersionLag.at_least``: the
  version had not moved that long after a write; the largest over the run) and
  whether every measurement stayed at or below the true lag (sound);
* the delay from a scan appended to the tick that read it (max, mean): the
  full read every ``full_read_seconds`` bounds it whatever Drive says;
* how many full reads found changes the version hid.

On a real sheet ``run`` logs the same measurement after each of its writes
("versi Drive menunjukkan penulisan Sitras setelah …"; INFO when the version
had not moved by the next tick, DEBUG otherwise)."""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench_quota import Instant, Time  # noqa: E402
from sheets_double import SheetsDouble  # noqa: E402

from config.settings import SchedulerSettings  # noqa: E402
from jobs.delivery import Deliverer  # noqa: E402
from jobs.message_catalogue import compose  # noqa: E402
from jobs.state import StateStore  # noqa: E402
from jobs.sync import SyncJob  # noqa: E402
from sitras_sheets.google_grid import RetryPolicy, connect  # noqa: E402
from sitras_sheets.models import Letter, Scan  # noqa: E402
from sitras_sheets.register import Register  # noqa: E402
from sitras_sheets.schema import MEJA  # noqa: E402

SCAN_EVERY = 187  # seconds of simulated time between scans (not a multiple of a tick)
DESKS = ("ASPEM", "UMUM")


def run(lag: float, minutes: int, poll: int, full_read: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="sitras-drive-lag-"))
    time = Time()
    double = SheetsDouble(drive_version_lag=lag, clock=time.monotonic)
    double.add_spreadsheet("lag")
    key = double.service_account_file(folder / "sa.json")
    retry = RetryPolicy(attempts=2, multiplier=0.001, max_wait=0.002, jitter=0.001)

    def register() -> Register:
        grid = connect("lag", key, session=double.session(), retry=retry)
        return Register(grid, time.clock, monotonic=time.monotonic)

    notifier, station = register(), register()
    notifier.init()
    notifier.grid.append_rows(
        MEJA.name, [[code, f"Bagian {code.title()}", "Kepala", "", "8"] for code in DESKS]
    )
    code = station.add_letter(Letter(sender="P", subject="Perihal", whatsapp="0812-7000-0001"))
    store = StateStore(folder / "state.sqlite3")
    sync = SyncJob(
        notifier,
        store,
        clock=time.clock,
        full_read_seconds=full_read,
        deliver=Deliverer(store, Instant(), clock=time.clock, compose=compose).run,
        monotonic=time.monotonic,
    )
    sync.tick()  # baseline
    lags, delays, missed = [], [], 0
    elapsed, next_scan, waiting = 0, SCAN_EVERY, None
    for tick in range(1, minutes * 60 // poll + 1):
        due = next_scan - elapsed
        if 0 < due <= poll:  # a station scans in the middle of this interval
            time.advance(due)
            desk = DESKS[next_scan // SCAN_EVERY % 2]  # each scan moves the letter
            stamp = time.wall.strftime("%Y-%m-%d %H:%M")
            station.append_scans([Scan(f"01LAG{tick:08d}", stamp, code.code, desk)])
            waiting = waiting if waiting is not None else time.monotonic()
            next_scan += SCAN_EVERY
            time.advance(poll - due)
        else:
            time.advance(poll)
        elapsed += poll
        report = sync.tick()
        if report.version_lag is not None:
            lags.append(report.version_lag)
        missed += report.missed_by_version
        if waiting is not None and report.events:
            delays.append(time.monotonic() - waiting)
            waiting = None
    return {
        "lag": lag,
        "samples": len(lags),
        "at_least": max((sample.at_least for sample in lags), default=0.0),
        "sound": all(sample.at_least <= lag for sample in lags),
        "max_delay": max(delays, default=0.0),
        "mean_delay": statistics.fmean(delays) if delays else 0.0,
        "scans": len(delays),
        "missed": missed,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lags", default="0,10,40,90,300")
    parser.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = SchedulerSettings()
    poll, full_read = settings.poll_seconds, settings.full_read_seconds
    print(f"poll every {poll} s, full read every {full_read} s, a scan every {SCAN_EVERY} s")
    print(
        f"{'true lag s':>10} {'writes':>6} {'measured ≥ s':>12} {'sound':>5} "
        f"{'scans':>5} {'delay max s':>11} {'delay mean s':>12} {'missed':>6}"
    )
    for lag in (float(value) for value in args.lags.split(",")):
        row = run(lag, args.minutes, poll, full_read)
        print(
            f"{row['lag']:10g} {row['samples']:6} {row['at_least']:12g} "
            f"{'yes' if row['sound'] else 'NO':>5} {row['scans']:5} "
            f"{row['max_delay']:11g} {row['mean_delay']:12.1f} {row['missed']:6}"
        )


if __name__ == "__main__":
    main()
