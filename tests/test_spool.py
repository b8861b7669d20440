"""The spool against real SQLite files and the real local register (LocalGrid).
An unreachable register, and one that applies an append but loses the answer,
are Grid fakes (the Grid port is our own interface)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scanner.spool import (
    PENDING,
    SENDING,
    SYNCED,
    Backoff,
    Spool,
    SpoolSyncer,
    flush,
    new_scan_id,
    sync_once,
)
from sitras_sheets import tracking_code
from sitras_sheets.errors import (
    OutcomeUnknown,
    RegisterError,
    RegisterUnavailable,
    SheetLayoutError,
)
from sitras_sheets.local_grid import LocalGrid
from sitras_sheets.models import Scan
from sitras_sheets.register import Register
from tests.fakes import UnreachableGrid

REPO = Path(__file__).resolve().parents[1]
JAKARTA = ZoneInfo("Asia/Jakarta")


def clock() -> datetime:
    return datetime(2026, 12, 4, 9, 30, tzinfo=JAKARTA)


def local_register(path: Path) -> tuple[Register, LocalGrid]:
    grid = LocalGrid(path)
    register = Register(grid, clock)
    register.init()
    return register, grid


class CountingGrid:
    """The real local grid, counting append requests."""

    def __init__(self, grid: LocalGrid) -> None:
        self.grid, self.appends = grid, 0

    def read(self, tabs, header_only=()):
        return self.grid.read(tabs, header_only)

    def append_rows(self, tab, rows):
        self.appends += 1
        self.grid.append_rows(tab, rows)

    def write_cells(self, writes):
        self.grid.write_cells(writes)

    def ensure_layout(self, tabs, status_values):
        return self.grid.ensure_layout(tabs, status_values)


class AnswerLostGrid(CountingGrid):
    """Applies every append, then says its answer was lost. With ``reads_fail``
    the next reads fail too (the register cannot check what happened)."""

    def __init__(self, grid: LocalGrid, reads_fail: int = 0) -> None:
        super().__init__(grid)
        self.reads_fail = reads_fail

    def read(self, tabs, header_only=()):
        if self.reads_fail and self.appends:
            self.reads_fail -= 1
            raise RegisterUnavailable("koneksi putus")
        return self.grid.read(tabs, header_only)

    def append_rows(self, tab, rows):
        super().append_rows(tab, rows)
        raise OutcomeUnknown("jawaban hilang")


def make_scans(count: int, desk: str = "ASPEM") -> list[Scan]:
    return [
        Scan(
            scan_id=new_scan_id(),
            time=f"2026-12-04 09:{n % 60:02d}",
            code=tracking_code.display(tracking_code.generate()),
            desk=desk,
            officer="Budi",
            station="PC-ASPEM",
        )
        for n in range(count)
    ]


def pindai_ids(grid: LocalGrid) -> list[str]:
    rows = grid.read(["Pindai"])["Pindai"]
    column = rows[0].index("ID Pindai")
    return [row[column] for row in rows[1:] if row]


def states(spool: Spool) -> dict[str, str]:
    return {e.scan.scan_id: e.state for e in spool.next_batch(10_000)}


def test_scan_ids_are_unguessable_time_sortable_ulids() -> None:
    early = new_scan_id(now=lambda: 1_764_800_000.000)
    late = new_scan_id(now=lambda: 1_764_800_000.001)
    assert len(early) == 26 and set(early) <= set(tracking_code.ALPHABET)
    assert early < late
    same_ms = {new_scan_id(now=lambda: 1_764_800_000.0) for _ in range(1000)}
    assert len(same_ms) == 1000  # 80 random bits, never the same
    fixed = new_scan_id(now=lambda: 0.0, randbytes=lambda n: b"\xff" * n)
    assert fixed == "0000000000" + "Z" * 16


def test_a_scan_is_kept_on_disk_before_any_sync(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "state.sqlite3")
    scan = make_scans(1)[0]
    spool.add(scan)
    spool.close()
    again = Spool(tmp_path / "state.sqlite3")
    [entry] = again.next_batch(10)
    assert (entry.scan, entry.state) == (scan, PENDING)
    assert again.counts().pending == 1
    mode = again._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_register_offline_for_the_whole_session_then_back(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "state.sqlite3")
    offline = Register(UnreachableGrid(), clock)
    scans = make_scans(450)
    for n, scan in enumerate(scans):
        spool.add(scan)
        if n % 50 == 0:  # the background sender keeps trying and failing
            result = sync_once(spool, offline)
            assert result.failed and "503" in result.error
    assert spool.counts().pending == 450 and spool.counts().synced == 0

    register, grid = local_register(tmp_path / "register.sqlite3")
    counting = CountingGrid(grid)
    register.grid = counting
    left = flush(spool, register, timeout=10)
    assert left.pending == 0 and left.synced == 450
    assert pindai_ids(grid) == [scan.scan_id for scan in scans]  # once each, in order
    assert counting.appends == 3  # batches of 200: one append_scans call each
    assert flush(spool, register, timeout=1).synced == 450
    assert len(pindai_ids(grid)) == 450


def test_append_applied_but_answer_lost_gives_one_row(tmp_path: Path) -> None:
    register, grid = local_register(tmp_path / "register.sqlite3")
    register.grid = AnswerLostGrid(grid)
    spool = Spool(tmp_path / "state.sqlite3")
    scans = make_scans(3)
    for scan in scans:
        spool.add(scan)
    result = sync_once(spool, register)
    assert result.sent == 3 and not result.failed
    assert pindai_ids(grid) == [s.scan_id for s in scans]
    assert set(states(spool).values()) == set() and spool.counts().synced == 3


def test_answer_lost_and_register_gone_then_back_gives_one_row(tmp_path: Path) -> None:
    register, grid = local_register(tmp_path / "register.sqlite3")
    register.grid = AnswerLostGrid(grid, reads_fail=10)
    spool = Spool(tmp_path / "state.sqlite3")
    scans = make_scans(2)
    for scan in scans:
        spool.add(scan)
    assert sync_once(spool, register).failed
    assert set(states(spool).values()) == {SENDING}
    assert len(pindai_ids(grid)) == 2  # it was applied, the station could not know
    register.grid = CountingGrid(grid)
    assert sync_once(spool, register).sent == 2
    assert pindai_ids(grid) == [s.scan_id for s in scans]


CRASHING_STATION = """
import os, sys
sys.path.insert(0, {repo!r})
from scanner.spool import Spool
from sitras_sheets.local_grid import LocalGrid
from sitras_sheets.register import Register
from sitras_sheets.models import Scan
from datetime import datetime

spool = Spool({state!r})
register = Register(LocalGrid({register!r}), datetime.now)
for n, code in enumerate({codes!r}):
    spool.add(Scan("CRASH%02d" % n, "2026-12-04 09:00", code, "ASPEM"))
assert spool.acquire_sender()
batch = spool.next_batch(100)
spool.mark_sending([e.seq for e in batch])
if {append!r}:
    register.append_scans([e.scan for e in batch])
os._exit(1)  # the power goes before 'synced' is committed
"""


@pytest.mark.parametrize("appended", [True, False], ids=["after-append", "before-append"])
def test_crash_between_sending_and_commit_does_not_duplicate(
    tmp_path: Path, appended: bool
) -> None:
    register, grid = local_register(tmp_path / "register.sqlite3")
    codes = [tracking_code.display(tracking_code.generate()) for _ in range(3)]
    script = CRASHING_STATION.format(
        repo=str(REPO),
        state=str(tmp_path / "state.sqlite3"),
        register=str(tmp_path / "register.sqlite3"),
        codes=codes,
        append=appended,
    )
    crashed = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], check=False)
    assert crashed.returncode == 1
    assert len(pindai_ids(grid)) == (3 if appended else 0)

    spool = Spool(tmp_path / "state.sqlite3")  # the station starts again
    assert set(states(spool).values()) == {SENDING}
    result = sync_once(spool, register)  # no waiting: the dead process's lock is gone
    assert result.sent == 3
    assert result.appended == (0 if appended else 3)
    assert pindai_ids(grid) == ["CRASH00", "CRASH01", "CRASH02"]
    assert spool.counts().synced == 3


def test_only_one_process_sends_a_shared_spool(tmp_path: Path) -> None:
    register, grid = local_register(tmp_path / "register.sqlite3")
    first = Spool(tmp_path / "state.sqlite3")
    second = Spool(tmp_path / "state.sqlite3")
    for scan in make_scans(2):
        second.add(scan)
    assert first.acquire_sender()
    assert sync_once(second, register).busy
    assert pindai_ids(grid) == []
    first.close()
    assert sync_once(second, register).sent == 2


@pytest.mark.parametrize(
    "error",
    [
        RegisterUnavailable("503"),
        OutcomeUnknown("jawaban hilang"),
        RegisterError("register lokal terkunci"),
        SheetLayoutError("tab 'Pindai' tidak ada"),
    ],
)
def test_register_errors_are_returned_and_keep_the_scans(tmp_path: Path, error) -> None:
    class Failing:
        def append_scans(self, scans: Sequence[Scan], *, verify: bool = False) -> int:
            raise error

    spool = Spool(tmp_path / "state.sqlite3")
    spool.add(make_scans(1)[0])
    result = sync_once(spool, Failing())
    assert result.failed and result.error == str(error)
    [entry] = spool.next_batch(10)
    assert entry.state == SENDING and entry.attempts == 1


def test_the_sender_backs_off_while_offline_and_says_when_it_is_back(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "state.sqlite3")
    register, grid = local_register(tmp_path / "register.sqlite3")
    working = register.grid
    register.grid = UnreachableGrid()
    said: list[tuple[bool, str]] = []
    syncer = SpoolSyncer(
        spool,
        register,
        idle_seconds=5.0,
        backoff=Backoff(1.0, 8.0, rand=lambda: 1.0),
        on_status=lambda online, reason: said.append((online, reason)),
    )
    spool.add(make_scans(1)[0])
    delays = [syncer.round() for _ in range(6)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert said == [(False, "Google Sheets tidak menjawab (503)")]  # once, not per try
    register.grid = working
    assert syncer.round() == 0.0  # sent; look again at once
    assert syncer.round() == 5.0  # nothing left: idle
    assert said[1:] == [(True, "")]
    assert len(pindai_ids(grid)) == 1


def test_a_bug_in_the_sender_does_not_kill_it(tmp_path: Path) -> None:
    class Broken:
        def append_scans(self, scans, *, verify=False):
            raise RuntimeError("boom")

    spool = Spool(tmp_path / "state.sqlite3")
    spool.add(make_scans(1)[0])
    syncer = SpoolSyncer(spool, Broken(), backoff=Backoff(1.0, 8.0, rand=lambda: 1.0))
    assert syncer.round() == 1.0 and syncer.online is False
    assert spool.counts().pending == 1


def test_the_background_sender_sends_a_new_scan_at_once(tmp_path: Path) -> None:
    register, grid = local_register(tmp_path / "register.sqlite3")
    spool = Spool(tmp_path / "state.sqlite3")
    syncer = SpoolSyncer(spool, register, idle_seconds=60.0)
    syncer.start()
    try:
        time.sleep(0.1)  # the first round found nothing and waits 60 s
        scan = make_scans(1)[0]
        spool.add(scan)
        syncer.wake()
        deadline = time.monotonic() + 5
        while spool.counts().synced < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        syncer.stop(timeout=5)
    assert pindai_ids(grid) == [scan.scan_id]


def test_flush_waits_a_bounded_time_when_the_register_stays_away(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "state.sqlite3")
    for scan in make_scans(3):
        spool.add(scan)
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    left = flush(
        spool, Register(UnreachableGrid(), clock), timeout=10, sleep=sleep, monotonic=lambda: now[0]
    )
    assert left.pending == 3
    assert 0 < sum(slept) <= 10


def test_synced_scans_are_pruned_after_a_while(tmp_path: Path) -> None:
    wall = [1_000_000.0]
    spool = Spool(tmp_path / "state.sqlite3", wall=lambda: wall[0])
    register, _ = local_register(tmp_path / "register.sqlite3")
    for scan in make_scans(2):
        spool.add(scan)
    sync_once(spool, register)
    spool.add(make_scans(1)[0])  # pending: never pruned
    wall[0] += 31 * 86400
    assert spool.prune_synced(30 * 86400) == 2
    assert [e.state for e in spool.next_batch(10)] == [PENDING]
    assert SYNCED not in states(spool).values()
