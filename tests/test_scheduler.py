"""The scheduler: job options on the real APScheduler jobs, ``run --once``, one
``run`` per state file, and a clean stop on SIGTERM / SIGINT."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import time as clock_time
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

import main
from jobs.lock import AlreadyRunning, RunLock
from jobs.scheduler import DIGEST_GRACE_SECONDS, Jobs, Runner, build_scheduler
from sitras_sheets.errors import RegisterError
from tests.test_sync import MONDAY, OFFICE

ROOT = Path(__file__).parents[1]


def nothing() -> None:
    return None


def test_jobs_have_explicit_coalesce_max_instances_and_misfire_grace():
    scheduler = build_scheduler(
        Jobs(nothing, nothing, nothing, nothing),
        Runner(),
        poll_seconds=15,
        timezone=OFFICE,
        now=MONDAY,
    )
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sync", "deliver", "overdue", "digest"}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
    assert {name: job.misfire_grace_time for name, job in jobs.items()} == {
        "sync": 15,
        "deliver": 2,
        "overdue": 300,
        "digest": DIGEST_GRACE_SECONDS,
    }
    assert isinstance(jobs["sync"].trigger, IntervalTrigger)
    assert jobs["sync"].trigger.interval.total_seconds() == 15
    assert jobs["deliver"].trigger.interval.total_seconds() == 2
    assert isinstance(jobs["digest"].trigger, CronTrigger)
    assert jobs["digest"].trigger.get_next_fire_time(None, MONDAY).time() == clock_time(7, 0)
    first = sorted(jobs.values(), key=lambda job: job.next_run_time)
    assert first[0].id == "sync" and first[0].next_run_time == MONDAY
    assert scheduler._executors["default"]._pool._max_workers == 1


def test_a_failing_job_is_logged_and_the_next_run_happens(caplog):
    runner = Runner()
    calls = []

    def flaky() -> None:
        calls.append(1)
        raise RegisterError("Google Sheets tidak terjangkau")

    job = runner.guarded("sync", flaky)
    job()
    job()
    assert len(calls) == 2 and "Google Sheets tidak terjangkau" in caplog.text
    runner.stop.set()
    job()
    assert len(calls) == 2  # after stop nothing new starts


def test_the_lock_is_exclusive_and_freed_on_release(tmp_path):
    state = tmp_path / "state.sqlite3"
    with RunLock(state), pytest.raises(AlreadyRunning, match=f"pid {os.getpid()}"):
        RunLock(state).acquire()
    with RunLock(state):
        pass


# -- the command, as a process ------------------------------------------------------------------
@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "sitras.toml"
    path.write_text(
        f"[register]\npath = {str(tmp_path / 'register.sqlite3')!r}\n"
        f"[state]\npath = {str(tmp_path / 'state.sqlite3')!r}\n"
        '[whatsapp]\nquiet_hours = ""\n'
        "[scheduler]\npoll_seconds = 1\n"
    )
    return path


def sitras(config: Path, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), "--config", str(config), *args]


def sent(config: Path) -> list[dict]:
    log = config.parent / "whatsapp-log.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_run_once_does_one_cycle_and_exits_0(config, capsys):
    assert main.main(["--config", str(config), "init"]) == 0
    assert main.main(["--config", str(config), "run", "--once"]) == 0  # baseline
    assert sent(config) == []
    argv = ["register", "--sender", "Siti", "--phone", "0812-3456-7890", "--subject", "Izin"]
    assert main.main(["--config", str(config), *argv]) == 0
    assert main.main(["--config", str(config), "run", "--once"]) == 0
    assert [(line["event"], line["to"]) for line in sent(config)] == [("diterima", "62812****7890")]
    assert main.main(["--config", str(config), "run", "--once"]) == 0
    assert len(sent(config)) == 1


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_second_run_refuses_and_a_signal_stops_the_first_cleanly(config, stop):
    subprocess.run(sitras(config, "init"), check=True, capture_output=True)
    first = subprocess.Popen(
        sitras(config, "run"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        info = config.parent / "state.sqlite3-run.lock.info"
        wait_for(info.exists)
        second = subprocess.run(sitras(config, "run", "--once"), capture_output=True, text=True)
        assert second.returncode == 1
        assert "penjadwal lain sudah berjalan" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        wait_for(lambda: (config.parent / "state.sqlite3").exists())
        time.sleep(0.5)
        first.send_signal(stop)
        assert first.wait(timeout=20) == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    log = first.stderr.read().decode()
    assert "berhenti setelah tugas yang sedang berjalan selesai" in log
    assert "Traceback" not in log
    again = subprocess.run(sitras(config, "run", "--once"), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
