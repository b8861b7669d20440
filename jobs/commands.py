"""``run [--once]``: the notifier. Wires the register, the state, the provider
and the four jobs; tests pass their own pieces to ``build_notifier``."""

from __future__ import annotations

import argparse
import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from config.settings import Settings
from jobs.delivery import Compose, Deliverer, DeliveryReport
from jobs.digest import DigestJob
from jobs.lock import RunLock
from jobs.messaging import Provider
from jobs.office_hours import QuietHours, WorkingHours
from jobs.overdue import OverdueJob
from jobs.scheduler import (
    DELIVER_SECONDS,
    DIGEST_AT,
    OVERDUE_SECONDS,
    Jobs,
    Runner,
    build_scheduler,
    run_forever,
)
from jobs.state import StateStore
from jobs.sync import SyncJob
from messages import text
from sitras_sheets.clock import Clock, office_clock
from sitras_sheets.errors import ConfigError
from sitras_sheets.register import Register

logger = logging.getLogger("sitras.notifier")

INLINE_DELIVERY_SECONDS = 3.0  # delivery inside a sync tick, before the write-back
DELIVERY_SECONDS = 10.0  # one deliver job at most, so the sync is not kept waiting
WHATSAPP_LOG = "whatsapp-log.jsonl"  # the log provider's record, next to the state


@dataclass
class Notifier:
    store: StateStore
    sync: SyncJob
    deliverer: Deliverer
    overdue: OverdueJob
    digest: DigestJob
    runner: Runner

    def deliver(self, budget: float | None = DELIVERY_SECONDS) -> DeliveryReport:
        return self.deliverer.run(budget=budget, stop=self.runner.stop)

    def jobs(self) -> Jobs:
        return Jobs(self.sync.tick, self.deliver, self.overdue.run, self.digest.run)

    def once(self) -> None:
        """One cycle: overdue and digest (if due) from the stored snapshot, then a
        sync (which delivers what is due and shows the outcomes), then what is left."""
        self.overdue.run()
        self.digest.run()
        self.sync.tick()
        self.deliver(budget=None)

    def close(self) -> None:
        self.store.close()


def build_notifier(
    settings: Settings,
    *,
    register: Register | None = None,
    provider: Provider | None = None,
    compose: Compose | None = None,
    clock: Clock | None = None,
    head_whatsapp: str | None = None,
    store: StateStore | None = None,
) -> Notifier:
    clock = clock or office_clock(settings.office.timezone)
    hours = WorkingHours.parse(settings.office.working_hours)
    if register is None:
        from app.bootstrap import build_register

        register = build_register(settings, clock=clock)
    store = store or StateStore(settings.state.path)
    provider = provider or _provider(settings)
    runner = Runner()
    deliverer = Deliverer(
        store,
        provider,
        clock=clock,
        compose=compose or _compose(),
        quiet=QuietHours.parse(settings.whatsapp.quiet_hours),
        language=settings.whatsapp.language,
        public_base_url=settings.office.public_base_url,
    )

    def inline() -> DeliveryReport:
        return deliverer.run(budget=INLINE_DELIVERY_SECONDS, stop=runner.stop)

    sync = SyncJob(
        register,
        store,
        clock=clock,
        full_read_seconds=settings.scheduler.full_read_seconds,
        deliver=inline,
    )
    if head_whatsapp is None:
        head_whatsapp = settings.office.head_whatsapp
    digest = DigestJob(store, clock=clock, hours=hours, head_whatsapp=head_whatsapp)
    overdue = OverdueJob(store, clock=clock, hours=hours)
    return Notifier(store, sync, deliverer, overdue, digest, runner)


def run(settings: Settings, args: argparse.Namespace) -> int:
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job run
    lock = RunLock(settings.state.path)
    lock.acquire()  # AlreadyRunning: main prints the reason and exits 1
    try:
        notifier = build_notifier(settings)
        try:
            resent = notifier.store.recover_sending()
            if resent:
                logger.warning(text("notifier.possibly_sent", count=resent))
            if not notifier.digest.head_whatsapp:
                logger.info(text("notifier.no_head_number"))
            if args.once:
                notifier.once()
                return 0
            scheduler = build_scheduler(
                notifier.jobs(),
                notifier.runner,
                poll_seconds=settings.scheduler.poll_seconds,
                timezone=ZoneInfo(settings.office.timezone),
            )
            logger.info(_started(settings))
            run_forever(scheduler, notifier.runner)
            return 0
        finally:
            notifier.close()
    finally:
        lock.release()


def _started(settings: Settings) -> str:
    return text(
        "notifier.started",
        poll=settings.scheduler.poll_seconds,
        deliver=DELIVER_SECONDS,
        overdue=OVERDUE_SECONDS,
        digest=DIGEST_AT.strftime("%H:%M"),
    )


def _provider(settings: Settings) -> Provider:
    build = _lazy("jobs.providers", "build_provider")
    log_path = Path(settings.state.path).parent / WHATSAPP_LOG
    return build(settings.whatsapp, log_path=log_path)


def _compose() -> Compose:
    return _lazy("jobs.message_catalogue", "compose")


def _lazy(module: str, name: str) -> Callable:
    try:
        return getattr(importlib.import_module(module), name)
    except (ModuleNotFoundError, AttributeError) as error:
        raise ConfigError(text("notifier.missing_module", module=f"{module}.{name}")) from error
