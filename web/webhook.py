"""``/webhook/whatsapp``: Meta's set-up handshake and the WhatsApp Cloud API events.

A POST is processed only when ``X-Hub-Signature-256`` is the HMAC-SHA256 of the
raw body with the app secret; otherwise 403 and nothing is read. A signed POST
is answered 200 whatever it holds (unknown message ids, event kinds or malformed
JSON are logged), so Meta does not redeliver it forever. The one exception is a
failure of our own state store: 503, so that Meta redelivers later; handling is
idempotent (statuses only move forward, a repeated inbound message id queues no
second reply)."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request

from sitras_sheets.phone import mask
from web.delivery import KNOWN as KNOWN_STATUSES
from web.replies import decide_replies
from web.security import same_secret, valid_signature

log = logging.getLogger("sitras.web.webhook")
blueprint = Blueprint("webhook", __name__)

MAX_TEXT = 4096
_WA_ID = re.compile(r"^\d{8,15}$")
_CHALLENGE = re.compile(r"^[\x21-\x7e]{1,256}$")


@dataclass(frozen=True)
class StatusEvent:
    message_id: str
    status: str
    timestamp: datetime
    error_code: str = ""
    error_title: str = ""


@dataclass(frozen=True)
class InboundMessage:
    message_id: str
    wa_from: str
    text: str
    timestamp: datetime


class RecentIds:
    """The last few thousand inbound message ids handled by this process: a
    redelivered webhook is answered without work. The sink dedupes durably."""

    def __init__(self, size: int = 5000):
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, message_id: str) -> bool:
        with self._lock:
            return message_id in self._ids

    def add(self, message_id: str) -> None:
        with self._lock:
            self._ids[message_id] = None
            self._ids.move_to_end(message_id)
            while len(self._ids) > self._size:
                self._ids.popitem(last=False)


def _plain(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain")


@blueprint.get("/webhook/whatsapp")
def handshake() -> Response:
    settings = current_app.extensions["sitras"].settings
    args = request.args
    challenge = args.get("hub.challenge", "")
    if (
        args.get("hub.mode") == "subscribe"
        and same_secret(settings.whatsapp.verify_token, args.get("hub.verify_token"))
        and _CHALLENGE.match(challenge)
    ):
        log.info("webhook verified by Meta")
        return _plain(challenge, 200)
    log.warning("webhook verification refused (mode or verify token wrong, or token unset)")
    return _plain("forbidden", 403)


@blueprint.post("/webhook/whatsapp")
def receive() -> Response:
    context = current_app.extensions["sitras"]
    limit = context.limits.body_bytes
    if request.content_length is not None and request.content_length > limit:
        log.warning("webhook body refused: %d bytes", request.content_length)
        return _plain("too large", 413)
    body = request.get_data(cache=False)  # raises 413 beyond MAX_CONTENT_LENGTH when chunked
    secret = context.settings.whatsapp.app_secret
    if not valid_signature(secret, body, request.headers.get("X-Hub-Signature-256")):
        reason = "app secret unset" if not secret else "signature missing or wrong"
        log.warning("webhook POST refused: %s", reason)
        return _plain("forbidden", 403)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        log.warning("signed webhook body is not JSON; ignored")
        return _plain("ok", 200)
    try:
        handle(payload, context)
    except Exception:
        log.exception("webhook events could not be stored; Meta will redeliver")
        return _plain("retry later", 503)
    return _plain("ok", 200)


def handle(payload: object, context) -> None:
    """Apply every status and inbound message in a Cloud API webhook payload."""
    sink, store = context.sink, context.store
    for event in events(payload, context.clock):
        if isinstance(event, StatusEvent):
            known = sink.record_status(
                event.message_id,
                event.status,
                event.timestamp,
                error_code=event.error_code,
                error_title=event.error_title,
            )
            if not known:
                log.info(
                    "status %s for unknown message id %s ignored", event.status, event.message_id
                )
            continue
        if event.message_id and event.message_id in context.seen_inbound:
            log.info("inbound message %s already handled", event.message_id)
            continue
        replies = ()
        if context.limiter.hit(("reply", event.wa_from), context.limits.replies_per_number):
            replies = decide_replies(event.text, event.wa_from, store)
        else:
            log.warning("no reply to %s: too many messages this hour", mask(event.wa_from))
        sink.inbound_text(
            event.wa_from,
            event.text,
            event.timestamp,
            message_id=event.message_id,
            replies=replies,
        )
        if event.message_id:
            context.seen_inbound.add(event.message_id)


def events(payload: object, clock) -> Iterator[StatusEvent | InboundMessage]:
    """The statuses and messages in ``entry[].changes[].value``, malformed parts skipped."""
    for entry in _items(payload, "entry"):
        for change in _items(entry, "changes"):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            for status in _items(value, "statuses"):
                event = _status(status, clock)
                if event:
                    yield event
            for message in _items(value, "messages"):
                event = _inbound(message, clock)
                if event:
                    yield event


def _items(container: object, key: str) -> list[dict]:
    if not isinstance(container, dict):
        return []
    value = container.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _status(raw: dict, clock) -> StatusEvent | None:
    message_id, status = _text(raw.get("id")), _text(raw.get("status")).lower()
    if not message_id or status not in KNOWN_STATUSES:
        log.info("status event without id or with status %r ignored", status[:20])
        return None
    errors = _items(raw, "errors")
    first = errors[0] if errors else {}
    return StatusEvent(
        message_id=message_id,
        status=status,
        timestamp=_time(raw.get("timestamp"), clock),
        error_code=_text(first.get("code")),
        error_title=_text(first.get("title") or first.get("message"))[:200],
    )


def _inbound(raw: dict, clock) -> InboundMessage | None:
    wa_from = _text(raw.get("from"))
    if not _WA_ID.match(wa_from):
        log.info("inbound message without a usable sender number ignored")
        return None
    kind = _text(raw.get("type"))
    body = ""
    if kind == "text" and isinstance(raw.get("text"), dict):
        body = _text(raw["text"].get("body"))
    elif kind == "button" and isinstance(raw.get("button"), dict):
        body = _text(raw["button"].get("text"))
    return InboundMessage(
        message_id=_text(raw.get("id")),
        wa_from=wa_from,
        text=body[:MAX_TEXT],
        timestamp=_time(raw.get("timestamp"), clock),
    )


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _time(value: object, clock) -> datetime:
    try:
        return datetime.fromtimestamp(int(_text(value)), UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(clock(), UTC)
