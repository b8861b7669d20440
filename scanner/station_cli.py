"""``scan --desk DESK [--images PATH…] [--camera N] [--keyboard] [--officer] [--station]``:
a scanner station at one desk, until the images end or Ctrl+C; then the spool is
flushed (bounded wait) and a summary printed."""

from __future__ import annotations

import argparse
import contextlib
import platform
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from config.settings import Settings
from messages import text
from scanner.debounce import Debouncer
from scanner.sources import (
    CameraSource,
    Capture,
    Event,
    ImageSource,
    KeyboardSource,
    SourceFailed,
    open_opencv_capture,
)
from scanner.spool import Spool, SpoolSyncer, flush
from scanner.station import DEFAULT_PROOF_RETENTION_DAYS, LetterCache, ProofStore, Station
from sitras_sheets.clock import Clock, office_clock
from sitras_sheets.errors import SitrasError
from sitras_sheets.register import Register

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FLUSH_SECONDS = 15.0
SPOOL_KEEP_SYNCED_SECONDS = 30 * 86400  # the register keeps them; the spool need not


@dataclass(frozen=True)
class StationParts:
    """What ``run_station`` builds from settings unless a test passes its own."""

    register: Register | None = None
    clock: Clock | None = None
    stdin: TextIO | None = None
    capture_factory: Callable[[int], Capture] = open_opencv_capture
    decode_frame: Callable[[np.ndarray], list[str]] | None = None
    camera_sleep: Callable[[float], None] | None = None
    say: Callable[[str], None] = lambda line: print(line, flush=True)
    lang: str = "id"
    proof_retention_days: int | None = DEFAULT_PROOF_RETENTION_DAYS
    flush_seconds: float = FLUSH_SECONDS


def scan(settings: Settings, args: argparse.Namespace) -> int:
    parts = StationParts(
        lang=settings.scanner.language,
        proof_retention_days=settings.scanner.proof_retention_days,
    )
    return run_station(settings, args, parts)


def run_station(
    settings: Settings, args: argparse.Namespace, parts: StationParts | None = None
) -> int:
    parts = parts or StationParts()
    lang = parts.lang
    chosen = [bool(args.images), args.camera is not None, bool(args.keyboard)]
    if sum(chosen) != 1:
        print(text("scan.choose_source", lang), file=sys.stderr)
        return EXIT_USAGE
    desk = (args.desk or "").strip().upper()
    if not desk:
        print(text("scan.desk_empty", lang), file=sys.stderr)
        return EXIT_USAGE
    station_id = (args.station or "").strip() or platform.node() or "stasiun"
    clock = parts.clock or office_clock(settings.office.timezone)
    if parts.register is not None:
        register = parts.register
    else:
        from app.bootstrap import build_register

        register = build_register(settings, clock=clock)

    spool = Spool(settings.state.path)
    try:
        return _run(settings, args, parts, register, spool, clock, desk, station_id)
    finally:
        spool.close()


def _run(
    settings: Settings,
    args: argparse.Namespace,
    parts: StationParts,
    register: Register,
    spool: Spool,
    clock: Clock,
    desk: str,
    station_id: str,
) -> int:
    say, lang = parts.say, parts.lang
    letters = LetterCache(
        register,
        on_registered=lambda letter: say(
            text("scan.now_registered", lang, code=letter.code, subject=letter.subject)
        ),
    )
    _check_register(register, letters, desk, say, lang)
    proofs = ProofStore(
        Path(settings.state.path).parent / "bukti", retention_days=parts.proof_retention_days
    )
    proofs.prune(clock().date())
    spool.prune_synced(SPOOL_KEEP_SYNCED_SECONDS)
    syncer = SpoolSyncer(
        spool,
        register,
        on_tick=letters.tick,
        on_status=lambda online, reason: say(
            text("scan.register_back", lang)
            if online
            else text("scan.register_unreachable", lang, reason=reason)
        ),
    )
    station = Station(
        desk=desk,
        spool=spool,
        letters=letters,
        clock=clock,
        station_id=station_id,
        officer=(args.officer or "").strip(),
        debouncer=Debouncer(hold_seconds=0.0) if args.keyboard else Debouncer(),
        proofs=proofs,
        say=say,
        lang=lang,
        on_spooled=syncer.wake,
        **({"decode_frame": parts.decode_frame} if parts.decode_frame else {}),
    )
    source, source_name = _source(args, parts, lang)
    first_seq = spool.last_seq()
    status = EXIT_OK
    try:
        if isinstance(source, CameraSource):
            source.open()  # a missing camera is said before "ready"
        say(text("scan.started", lang, station=station_id, desk=desk, source=source_name))
        syncer.start()
        station.run(source)
    except SourceFailed as error:
        say(error.render(lang))
        status = EXIT_FAILED
    finally:
        syncer.stop()
    _finish(spool, register, first_seq, parts, say, lang, quiet=status != EXIT_OK)
    return status


def _check_register(register: Register, letters: LetterCache, desk: str, say, lang: str) -> None:
    """Read the register once at start: fills the letter cache and checks the desk."""
    try:
        snapshot = register.read(scans=False)
    except SitrasError as error:
        say(text("scan.register_unreachable", lang, reason=error))
        return
    letters.load(snapshot)
    if desk not in snapshot.desks:
        say(text("scan.desk_unknown", lang, desk=desk))


def _source(
    args: argparse.Namespace, parts: StationParts, lang: str
) -> tuple[Iterable[Event], str]:
    if args.images:
        return ImageSource(args.images), text("scan.source_images", lang)
    if args.camera is not None:
        camera = CameraSource(
            args.camera,
            capture_factory=parts.capture_factory,
            **({"sleep": parts.camera_sleep} if parts.camera_sleep else {}),
        )
        return camera, text("scan.source_camera", lang, index=args.camera)
    return KeyboardSource(parts.stdin), text("scan.source_keyboard", lang)


def _finish(
    spool: Spool, register: Register, first_seq: int, parts: StationParts, say, lang, *, quiet: bool
) -> None:
    """Flush for a bounded time, then the summary (after a failure, only if there
    is something to say)."""
    pending = spool.counts().pending
    if pending:
        say(text("scan.flushing", lang, pending=pending, seconds=f"{parts.flush_seconds:g}"))
        with contextlib.suppress(KeyboardInterrupt):  # the scans are safe in the spool
            flush(spool, register, timeout=parts.flush_seconds)
    session = spool.counts(after_seq=first_seq)
    left = spool.counts().pending
    if quiet and not (session.total or left):
        return
    say(text("scan.summary", lang, logged=session.total, synced=session.synced, pending=left))
    if left:
        say(text("scan.pending_safe", lang, path=spool.path))
