"""Handlers of the register commands: init, register, update, track."""

from __future__ import annotations

import argparse
from pathlib import Path

from config.settings import Settings
from messages import text
from sitras_sheets import tracking_code
from sitras_sheets.errors import SitrasError
from sitras_sheets.models import STATUS_VALUES, Letter, Status
from sitras_sheets.phone import normalise_whatsapp
from sitras_sheets.register import Register, RegisterSnapshot, letter_key


def on_register(settings: Settings, args: argparse.Namespace) -> int:
    """``init``, ``register``, ``update`` and ``track`` on the configured register."""
    from app.bootstrap import build_register

    register = build_register(settings)
    if args.command == "register":
        register_letter(register, args, settings)
        return 0
    handlers = {"init": init, "update": update, "track": track}
    return handlers[args.command](register, args)


def init(register: Register, args: argparse.Namespace) -> int:
    changes = register.init()
    for change in changes:
        print(text("cli.init_changed", change=change))
    if not changes:
        print(text("cli.init_unchanged"))
    return 0


def register_letter(
    register: Register, args: argparse.Namespace, settings: Settings | None = None
) -> Letter:
    """The loket: register the letter, print its code, and with ``--receipt``
    write the receipt and the sticker into one PDF."""
    normalise_whatsapp(args.phone)  # refuse a number WhatsApp cannot reach, at the counter
    letter = register.add_letter(
        Letter(
            sender=args.sender,
            whatsapp=args.phone,
            subject=args.subject,
            sender_org=args.org or "",
            number=args.number or "",
            addressed_to=args.to or "",
        )
    )
    print(text("cli.registered", code=letter.code))
    if args.receipt and settings is not None:
        from scanner.stickers import write_receipt  # reportlab only when printing

        path = write_receipt(
            letter,
            settings.office,
            Path(args.receipt),
            args.layout,
            settings.office.whatsapp_number,
        )
        print(text("cli.receipt_written", path=path))
    return letter


def update(register: Register, args: argparse.Namespace) -> int:
    values: dict[str, str] = {}
    if args.status is not None:
        status = Status.parse(args.status)
        if status is None:
            raise SitrasError(
                text("cli.unknown_status", status=args.status, choices=", ".join(STATUS_VALUES))
            )
        values["status"] = status.value
    if args.disposition is not None:
        values["disposition"] = args.disposition
    if args.note is not None:
        values["notes"] = args.note
    letter = register.find(args.code)
    missing = register.update_letters(
        {letter_key(letter): values}, allowed=("status", "disposition", "notes")
    )
    if missing:
        raise SitrasError(f"surat {letter.code} hilang dari register saat diperbarui")
    changes = ", ".join(f"{name}={value!r}" for name, value in values.items()) or "-"
    print(text("cli.updated", code=letter.code, changes=changes))
    return 0


def track(register: Register, args: argparse.Namespace) -> int:
    snapshot = register.read()
    print(timeline(snapshot, args.code))
    return 0


def timeline(snapshot: RegisterSnapshot, code: str, lang: str = "id") -> str:
    """The letter's story as lines of text: received, each desk, disposition, status."""
    letter = snapshot.letter(code)
    key = tracking_code.normalise(code)
    lines = [
        text(
            "cli.track_header",
            lang,
            code=letter.code,
            subject=letter.subject or "-",
            status=letter.status or "-",
            position=letter.position or "-",
        ),
        text("cli.track_received", lang, time=letter.received_at or "-"),
    ]
    for scan in sorted(
        (s for s in snapshot.scans if tracking_code.normalise(s.code) == key),
        key=lambda s: s.time,
    ):
        desk = snapshot.desks.get(scan.desk.upper())
        responsible = f" ({desk.responsible})" if desk and desk.responsible else ""
        name = f"{scan.desk} {desk.name}".strip() if desk and desk.name else scan.desk
        lines.append(
            text("cli.track_scan", lang, time=scan.time, desk=name, responsible=responsible)
        )
    if letter.disposition:
        lines.append(text("cli.track_disposition", lang, disposition=letter.disposition))
    for problem in snapshot.problems:
        if problem.key == key:
            lines.append(
                text(
                    "cli.track_problem",
                    lang,
                    row=problem.row,
                    tab=problem.tab,
                    message=problem.message,
                )
            )
    return "\n".join(lines)
