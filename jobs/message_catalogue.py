"""An event → one OutboundMessage: the approved template's name, its ordered body
parameters, and the whole text (log provider, Fonnte, Cloud API inside the
24-hour window).

The text of an event is the catalogue entry ``wa.<event>`` (messages/whatsapp.py)
filled with exactly the values sent as template parameters, so what the log
shows is what the template renders. docs/whatsapp-templates.md holds the bodies
to submit to Meta; ``template_body`` produces them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from jobs.messaging import OutboundMessage
from messages import LANGUAGES, text
from sitras_sheets import tracking_code
from sitras_sheets.models import Status
from sitras_sheets.phone import mask

# Meta refuses parameters with newlines, tabs or more than four spaces in a row;
# a body may hold 1024 characters, so one value may not take all of it.
MAX_PARAMETER_LENGTH = 200


@dataclass(frozen=True)
class Template:
    name: str  # the approved template's name (same name in every language)
    text_key: str  # catalogue key of its body
    fields: tuple[str, ...]  # body parameters in order: fields[0] is {{1}}


TEMPLATES: dict[str, Template] = {
    "diterima": Template("sitras_diterima_v1", "wa.diterima", ("code", "subject", "time", "link")),
    "pindah": Template("sitras_pindah_v1", "wa.pindah", ("desk", "responsible", "since", "code")),
    "disposisi": Template("sitras_disposisi_v1", "wa.disposisi", ("to", "instruction", "code")),
    "status": Template("sitras_status_v1", "wa.status", ("status", "code", "next_step")),
    "terlambat": Template(
        "sitras_terlambat_v1", "wa.terlambat", ("code", "subject", "desk", "hours")
    ),
    "digest": Template(
        "sitras_ringkasan_v1", "wa.digest", ("date", "total", "per_desk", "overdue", "oldest")
    ),
    "balasan": Template(
        "sitras_balasan_v1",
        "wa.balasan",
        ("code", "subject", "status", "position", "since", "next_step"),
    ),
    "bantuan": Template("sitras_bantuan_v1", "wa.bantuan", ()),
}
# ``bantuan`` with a ``code`` value: the sender wrote a code we do not know.
CODE_NOT_FOUND = Template("sitras_kode_tidak_ditemukan_v1", "wa.bantuan_tidak_ditemukan", ("code",))
EVENTS: tuple[str, ...] = tuple(TEMPLATES)
ALL_TEMPLATES: tuple[Template, ...] = (*TEMPLATES.values(), CODE_NOT_FOUND)

# Events that cannot be composed without a tracking code.
_NEEDS_CODE = {"diterima", "pindah", "disposisi", "status", "terlambat", "balasan"}
_FINAL = {Status.DONE, Status.RETURNED, Status.REJECTED}
# An Indonesian mobile number typed inside a value (``0812-3456-7890``,
# ``+62 812 3456 7890``): masked so no text ever carries a full number.
_PHONE = re.compile(r"(?<![\w/+])(?:\+?62|0)[\s\-.]?8(?:[\s\-.]?\d){7,11}(?![\w/])")
_SPACES = re.compile(r"\s+")


def compose(
    event: str,
    values: Mapping[str, str],
    *,
    to: str,
    message_key: str,
    language: str = "id",
    window_open: bool = False,
    public_base_url: str = "",
) -> OutboundMessage:
    """The message for ``event`` to ``to`` (WhatsApp digits).

    ``values`` per event (all text; a missing or blank value shows as ``-``):
    diterima: code, subject, time · pindah: code, desk, responsible, since ·
    disposisi: code, disposition (the cell, ``Kepada: arahan``) · status: code,
    status · terlambat: code, subject, desk, hours · digest: date, total,
    per_desk (see ``desk_counts``), overdue, oldest_code, oldest_desk,
    oldest_since · balasan: code, subject, status, desk, responsible, since ·
    bantuan: optionally code (a code the sender wrote that was not found).
    Extra keys are ignored. For ``balasan`` pass ``subject`` only when the
    person asking is the letter's own sender; without it the line shows ``-``.

    Raises ValueError for an unknown event or language, a number that is not
    digits, or a missing code where the event needs one."""
    if event not in TEMPLATES:
        raise ValueError(f"unknown event {event!r}; known: {', '.join(EVENTS)}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
    if not (to.isascii() and to.isdigit()):
        raise ValueError("to must be WhatsApp digits such as 6281234567890")
    clean = {key: _clean(value) for key, value in values.items() if value is not None}
    if event in _NEEDS_CODE and not clean.get("code"):
        raise ValueError(f"event {event!r} needs a tracking code in values['code']")
    template = TEMPLATES[event]
    if event == "bantuan" and clean.get("code"):
        template = CODE_NOT_FOUND
    filled = _fill(event, clean, language, public_base_url)
    parameters = tuple(_limit(filled.get(field) or "-") for field in template.fields)
    body = text(template.text_key, language, **dict(zip(template.fields, parameters, strict=True)))
    return OutboundMessage(
        message_key=message_key,
        to=to,
        event=event,
        template=template.name,
        parameters=parameters,
        text=body,
        language=language,
        window_open=window_open,
    )


def template_body(template: Template, language: str) -> str:
    """The body to submit to Meta: the catalogue text with ``{{1}}``, ``{{2}}``, …"""
    placeholders = {field: f"{{{{{number}}}}}" for number, field in enumerate(template.fields, 1)}
    return text(template.text_key, language, **placeholders)


def desk_counts(counts: Mapping[str, int]) -> str:
    """One line for the digest's ``per_desk``: ``ASPEM 3, UMUM 2`` (most first)."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{desk} {count}" for desk, count in ordered if count)


def _fill(event: str, values: dict[str, str], language: str, public_base_url: str) -> dict:
    filled = dict(values)
    if values.get("code"):
        filled["code"] = _display_code(values["code"])
    if event == "diterima":
        filled["link"] = (
            _link_or_none(public_base_url, values["code"]) if public_base_url else None
        ) or text("wa.link_fallback", language)
    elif event == "pindah":
        filled["responsible"] = values.get("responsible") or text(
            "wa.responsible_fallback", language
        )
    elif event == "disposisi" and "to" not in values:
        target, _, instruction = values.get("disposition", "").partition(":")
        filled["to"] = target.strip()
        filled["instruction"] = instruction.strip().rstrip(".").strip()
    elif event in ("status", "balasan"):
        filled["status"], filled["next_step"] = _status(values.get("status", ""), language)
        if event == "balasan":
            filled["position"] = _position(values, language)
    elif event == "digest":
        filled["per_desk"] = values.get("per_desk") or text("wa.none", language)
        filled["oldest"] = _oldest(values, language)
    return filled


def _status(typed: str, language: str) -> tuple[str, str]:
    status = Status.parse(typed) if typed else None
    if status is None:
        return typed, text("wa.next.in_progress", language)
    shown = text(f"wa.status_name.{status.value}", language)
    step = f"wa.next.{status.value}" if status in _FINAL else "wa.next.in_progress"
    return shown, text(step, language)


def _position(values: dict[str, str], language: str) -> str:
    desk, responsible = values.get("desk", ""), values.get("responsible", "")
    if not desk:
        return text("wa.position_counter", language)
    if not responsible:
        return desk
    return text("wa.position_with_person", language, desk=desk, responsible=responsible)


def _oldest(values: dict[str, str], language: str) -> str:
    if values.get("oldest"):
        return values["oldest"]
    if not values.get("oldest_code"):
        return text("wa.none", language)
    return text(
        "wa.digest_oldest",
        language,
        code=_display_code(values["oldest_code"]),
        desk=values.get("oldest_desk") or "-",
        since=values.get("oldest_since") or "-",
    )


def _display_code(code: str) -> str:
    try:
        return tracking_code.display(code)
    except ValueError:
        return code


def _link_or_none(public_base_url: str, code: str) -> str | None:
    try:
        return tracking_code.tracking_link(public_base_url, code)
    except ValueError:
        return None


def _clean(value: object) -> str:
    """One line, no full phone number: what Meta accepts as a parameter."""
    line = _SPACES.sub(" ", str(value)).strip()
    return _PHONE.sub(_mask_phone, line)


def _mask_phone(match: re.Match[str]) -> str:
    return mask(re.sub(r"\D", "", match.group(0)))


def _limit(value: str) -> str:
    if len(value) <= MAX_PARAMETER_LENGTH:
        return value
    return value[: MAX_PARAMETER_LENGTH - 1].rstrip() + "…"
