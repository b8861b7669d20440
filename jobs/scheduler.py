"""The APScheduler 3.x wiring of the notifier's four jobs.

All jobs run on one worker thread, one at a time, so they never race on the
state or the provider. Each job has ``coalesce=True`` (runs missed while busy
collapse into one), ``max_instances=1`` and an explicit ``misfire_grace_time``
near its interval (the 1-second default would silently skip runs after a slow
one). SIGINT, SIGTERM (and SIGBREAK on Windows) stop the scheduler after the
running job ends."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from messages import text
from sitras_sheets.errors import SitrasError

logger = logging.getLogger("sitras.notifier")

DELIVER_SECONDS = 2
OVERDUE_SECONDS = 300
DIGEST_AT = time(7, 0)
DIGEST_GRACE_SECONDS = 4 * 3600  # a digest up to four hours late is still worth sending


@dataclass(frozen=True)
class Jobs:
    sync: Callable[[], object]
    deliver: Callable[[], object]
    overdue: Callable[[], object]
    digest: Callable[[], object]


class Runner:
    """Runs the jobs one at a time; ``stop`` ends it after the running job."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.busy = threading.Lock()

    def guarded(self, name: str, job: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            if self.stop.is_set():
                return
            with self.busy:
                try:
                    job()
                except SitrasError as error:  # a register or state outage: next run retries
                    logger.error("%s: %s", name, error)

        run.__name__ = name
        return run


def build_scheduler(
    jobs: Jobs,
    runner: Runner,
    *,
    poll_seconds: int,
    timezone: tzinfo,
    deliver_seconds: int = DELIVER_SECONDS,
    overdue_seconds: int = OVERDUE_SECONDS,
    digest_at: time = DIGEST_AT,
    now: datetime | None = None,
) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=timezone, executors={"default": ThreadPoolExecutor(max_workers=1)}
    )
    start = now or datetime.now(timezone)
    # (name, job, trigger, misfire grace, first run in seconds from start): sync first
    plan = (
        (
            "sync",
            jobs.sync,
            IntervalTrigger(seconds=poll_seconds, timezone=timezone),
            poll_seconds,
            0,
        ),
        (
            "deliver",
            jobs.deliver,
            IntervalTrigger(seconds=deliver_seconds, timezone=timezone),
            deliver_seconds,
            1,
        ),
        (
            "overdue",
            jobs.overdue,
            IntervalTrigger(seconds=overdue_seconds, timezone=timezone),
            overdue_seconds,
            2,
        ),
        (
            "digest",
            jobs.digest,
            CronTrigger(hour=digest_at.hour, minute=digest_at.minute, timezone=timezone),
            DIGEST_GRACE_SECONDS,
            3,  # and at its time each day; it sends only when due (catches up at start)
        ),
    )
    for name, job, trigger, grace, first in plan:
        scheduler.add_job(
            runner.guarded(name, job),
            trigger,
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
            next_run_time=start + timedelta(seconds=first),
        )
    return scheduler


def run_forever(scheduler: BlockingScheduler, runner: Runner) -> None:
    """Block until a signal (or ``runner.stop``) ends the scheduler, then wait
    for the running job to finish."""

    def stop(signum: int, frame: object) -> None:
        if runner.stop.is_set():
            return
        logger.info(text("notifier.stopping"))
        runner.stop.set()
        if scheduler.state != STATE_STOPPED:
            scheduler.shutdown(wait=False)

    with _signals(stop):
        scheduler.start()
    with runner.busy:  # the job that was running when the signal came has ended
        pass


@contextmanager
def _signals(handler: Callable[[int, object], None]) -> Iterator[None]:
    """Install the handler for the stop signals this platform has. Windows has
    SIGTERM in ``signal`` but never delivers it from another process; Ctrl+C
    and Ctrl+Break arrive as SIGINT and SIGBREAK."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            try:
                previous[number] = signal.signal(number, handler)
            except (OSError, ValueError):
                continue  # not settable here: the default behaviour stays
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
